#!/usr/bin/env python3
"""Generates award-year data for the nominations and award-history benchmarks: PEOPLE people
across the first 100 communes, each with AWARDS_PER_PERSON past awards, and one nomination each
(a mix of statuses). Prints the id of one person. Usage: awards_data.py DATABASE_URL [people awards]
With HISTORY=1 each nomination also gets the transitions that led to its status (0 to 4: a draft
none, a decided one four, a rejected one with a reason), written step by step across all
nominations as a real year's work spreads them through the table: a page of nominations then
reads its history as a board's would (docs/benchmarks.md, 2026-12-15).
"""
import os
import datetime
import random
import sys
import uuid

import benchdb
from benchdb import insert_all, q

url = sys.argv[1]
people_n, awards_n = (int(x) for x in (sys.argv[2:4] or ["20000", "5"]))
random.seed(2024)
now = datetime.datetime.utcnow().strftime("%Y-%m-%d %H:%M:%S")
statuses = ["draft", "submitted", "appraised", "approved", "rejected", "decided"]
# The steps that lead to each status (draft -> submitted -> appraised -> approved -> decided).
paths = {
    "draft": [],
    "submitted": [("draft", "submitted")],
    "appraised": [("draft", "submitted"), ("submitted", "appraised")],
    "approved": [("draft", "submitted"), ("submitted", "appraised"), ("appraised", "approved")],
    "rejected": [("draft", "submitted"), ("submitted", "appraised"), ("appraised", "rejected")],
    "decided": [("draft", "submitted"), ("submitted", "appraised"), ("appraised", "approved"), ("approved", "decided")],
}
history = os.environ.get("HISTORY") == "1"


def query(sql):
    return benchdb.query(url, sql)


author = query("SELECT id FROM users ORDER BY created_at LIMIT 1")[0][0]
units = [r[0] for r in query("SELECT id FROM units WHERE kind = 'commune' ORDER BY code, id LIMIT 100")]
types = dict(query("SELECT code, id FROM award_types"))
individual = [types[c] for c in ("LDTT", "CSTD_CO_SO", "BANG_KHEN_TINH_CA_NHAN", "GIAY_KHEN_CA_NHAN")]
stmts, first, steps = [], None, []
for i in range(people_n):
    pid, unit = str(uuid.uuid4()), units[i % len(units)]
    first = first or pid
    stmts.append(
        "INSERT INTO people (id, full_name, full_name_folded, unit_id, version, created_at, updated_at) "
        f"VALUES ({q(pid)}, {q(f'Người Số {i}')}, {q(f'nguoi so {i}')}, {q(unit)}, 1, {q(now)}, {q(now)})"
    )
    for k in range(awards_n):
        year = 2015 + k
        stmts.append(
            "INSERT INTO awards (id, award_type_id, recipient_kind, person_id, unit_id, year, decision_number, decision_date, decided_by, created_by, created_at) "
            f"VALUES ({q(uuid.uuid4())}, {q(random.choice(individual))}, 'person', {q(pid)}, {q(unit)}, {year}, {q(f'{i}-{k}/QĐ')}, {q(f'{year + 1}-01-15')}, 'UBND', {q(author)}, {q(now)})"
        )
    nid, status = str(uuid.uuid4()), random.choice(statuses)
    stmts.append(
        "INSERT INTO nominations (id, award_type_id, nominee_kind, person_id, unit_id, year, under_discipline, status, version, created_by, created_at, updated_at) "
        f"VALUES ({q(nid)}, {q(random.choice(individual))}, 'person', {q(pid)}, {q(unit)}, 2025, FALSE, {q(status)}, 1, {q(author)}, {q(now)}, {q(now)})"
    )
    if history:
        steps.append((nid, paths[status]))
for k in range(4):
    for nid, path in steps:
        if k < len(path):
            old, new = path[k]
            reason = 'Chưa đủ tiêu chuẩn "Lao động tiên tiến" năm liền kề' if new == "rejected" else None
            at = (datetime.datetime(2025, 3, 1) + datetime.timedelta(days=7 * k)).strftime("%Y-%m-%d %H:%M:%S")
            stmts.append(
                "INSERT INTO nomination_transitions (id, nomination_id, from_status, to_status, actor_id, reason, at) "
                f"VALUES ({q(uuid.uuid4())}, {q(nid)}, {q(old)}, {q(new)}, {q(author)}, {q(reason)}, {q(at)})"
            )
insert_all(url, stmts)
print(first)
