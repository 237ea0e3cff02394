#!/usr/bin/env python3
"""Generates a launched campaign with UNITS units x INDICATORS indicators x REPORTS verified
reports each, straight into the database (SQLite file or PostgreSQL via psql), for the progress
benchmark. Prints the campaign id. Usage: progress_data.py DATABASE_URL [units indicators reports]
"""
import datetime
import random
import sys
import uuid

import benchdb
from benchdb import insert_all, q

url = sys.argv[1]
units_n, indicators_n, reports_n = (int(x) for x in (sys.argv[2:5] or ["100", "20", "50"]))
random.seed(2021)
today = datetime.date.today()
start, end = today - datetime.timedelta(days=200), today + datetime.timedelta(days=100)
now = datetime.datetime.utcnow().strftime("%Y-%m-%d %H:%M:%S")


def query(sql):
    return benchdb.query(url, sql)


author = query("SELECT id FROM users ORDER BY created_at LIMIT 1")[0][0]
units = [row[0] for row in query(f"SELECT id FROM units WHERE kind = 'commune' ORDER BY code, id LIMIT {units_n}")]
campaign = str(uuid.uuid4())
stmts = [
    "INSERT INTO campaigns (id, title, title_folded, kind, launching_authority, start_date, end_date, participation, status, version, created_by, created_at, updated_at) "
    f"VALUES ({q(campaign)}, 'Benchmark', 'benchmark', 'thuong_xuyen', 'Bench', {q(start)}, {q(end)}, 'all_units', 'launched', 1, {q(author)}, {q(now)}, {q(now)})"
]
indicators = []
for i in range(indicators_n):
    iid = str(uuid.uuid4())
    indicators.append(iid)
    stmts.append(
        "INSERT INTO indicators (id, campaign_id, name, unit_of_measure, kind, direction, province_target, position, created_at, updated_at) "
        f"VALUES ({q(iid)}, {q(campaign)}, 'Chỉ tiêu {i}', 'đv', 'quantity', 'higher_is_better', '{1000 * units_n}', {i + 1}, {q(now)}, {q(now)})"
    )
for unit in units:
    rid = str(uuid.uuid4())
    stmts.append(
        "INSERT INTO registrations (id, campaign_id, unit_id, status, aimed_titles, version, created_by, created_at, updated_at) "
        f"VALUES ({q(rid)}, {q(campaign)}, {q(unit)}, 'accepted', '[]', 1, {q(author)}, {q(now)}, {q(now)})"
    )
    for iid in indicators:
        stmts.append(f"INSERT INTO registration_targets (registration_id, indicator_id, target) VALUES ({q(rid)}, {q(iid)}, '1000')")
        for r in range(reports_n):
            as_of = start + datetime.timedelta(days=r * 3)
            value = str(random.randint(0, 1200))
            aid = str(uuid.uuid4())
            stmts.append(
                "INSERT INTO achievements (id, campaign_id, unit_id, indicator_id, value, as_of, status, version, reported_by, verified_by, verified_at, created_at, updated_at) "
                f"VALUES ({q(aid)}, {q(campaign)}, {q(unit)}, {q(iid)}, '{value}', {q(as_of)}, 'verified', 1, {q(author)}, {q(author)}, {q(now)}, {q(now)}, {q(now)})"
            )
        # The last report is the latest: what verifying them in order would have recorded.
        stmts.append(
            "INSERT INTO achievement_latest (campaign_id, unit_id, indicator_id, achievement_id, as_of, value) "
            f"VALUES ({q(campaign)}, {q(unit)}, {q(iid)}, {q(aid)}, {q(as_of)}, '{value}')"
        )
insert_all(url, stmts)
print(campaign)
