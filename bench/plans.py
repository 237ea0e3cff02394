#!/usr/bin/env python3
"""The plans of the hot queries on PostgreSQL at 1M rows, recorded and checked (issue 19 item 3).

  plans.py record DATABASE_URL --log PGLOG --segments SEGMENTS.tsv --db NAME --out docs/plans/postgres-1m.md
      Reads the statements the server ran for one request per scenario (bench/scale.sh logs
      them with log_min_duration_statement = 0; SEGMENTS.tsv holds each scenario's byte range
      of the server log), puts each statement's logged parameters in, and writes per scenario
      each distinct statement with its EXPLAIN (ANALYZE, BUFFERS) and its plan's shape: the
      tree of node types with the tables and indexes they read. A statement the server ran as
      a named (cached) prepared statement also gets its generic plan's shape (PREPARE, then
      EXPLAIN EXECUTE with plan_cache_mode = force_generic_plan), which PostgreSQL may switch
      to after five executions on a pooled connection.

  plans.py check DATABASE_URL [--doc docs/plans/postgres-1m.md]
      Re-explains every recorded statement against a loaded 1M database (bench/scale_data.py
      --scale 1) and fails (exit 1) when a shape differs from the recorded one: an Index Scan
      that became a Seq Scan, a new Sort, another index. Costs and row counts are not compared.

Python stdlib and the psql CLI only.
"""
import argparse
import json
import re
import subprocess
import sys

LINE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?:\.\d+)? \w+ \[(\d+)\] (\S*)@(\S*) (LOG|DETAIL|ERROR|STATEMENT|HINT|CONTEXT):  (.*)$")
EXEC = re.compile(r"^duration: ([\d.]+) ms  (?:execute ([^:]+)|statement): (.*)$", re.S)
PARAM = re.compile(r"\$(\d+) = ('(?:[^']|'')*'|NULL)")
SKIP = re.compile(r"^\s*(BEGIN|COMMIT|ROLLBACK|SET |SHOW |SELECT journal_horizon\(\)|SELECT 1\b|DEALLOCATE)", re.I)


def psql(url, sql):
    r = subprocess.run(["psql", "-qAt", "-v", "ON_ERROR_STOP=1", url], input=sql, capture_output=True, text=True)
    if r.returncode:
        raise RuntimeError(r.stderr.strip())
    return r.stdout


def read_segment(path, start, end, db):
    """The statements logged for `db` between two byte offsets: (sql, params, named, ms)."""
    with open(path, "rb") as f:
        f.seek(start)
        text = f.read(end - start).decode("utf-8", "replace")
    entries, current = [], None
    for raw in text.split("\n"):
        m = LINE.match(raw)
        if m:
            current = {"pid": m[1], "db": m[3], "kind": m[4], "text": m[5]}
            entries.append(current)
        elif current is not None and raw.startswith("\t"):
            current["text"] += "\n" + raw[1:]
    out = []
    for i, e in enumerate(entries):
        if e["db"] != db or e["kind"] != "LOG":
            continue
        m = EXEC.match(e["text"])
        if not m:
            continue
        ms, name, sql = float(m[1]), m[2], m[3].strip()
        if SKIP.match(sql) or not re.match(r"^\s*(SELECT|WITH)\b", sql, re.I):
            continue  # transaction control, settings; only reads are explained (never a write)
        params = {}
        for d in entries[i + 1:i + 3]:
            if d["pid"] == e["pid"] and d["kind"] == "DETAIL" and d["text"].startswith("parameters:"):
                params = {int(k): v for k, v in PARAM.findall(d["text"])}
                break
        out.append((sql, params, bool(name) and not name.startswith("<unnamed>"), ms))
    return out


def substitute(sql, params):
    for k in sorted(params, reverse=True):
        sql = re.sub(rf"\${k}(?!\d)", lambda _m, v=params[k]: v, sql)
    return sql


def shape(plan, depth=0):
    node = plan["Node Type"]
    if plan.get("Parent Relationship") in ("InitPlan", "SubPlan"):
        node = f"{plan['Parent Relationship']}: {node}"
    if plan.get("Scan Direction") == "Backward":
        node += " Backward"
    if "Relation Name" in plan:
        node += f" on {plan['Relation Name']}"
    if "Index Name" in plan:
        node += f" using {plan['Index Name']}"
    lines = ["  " * depth + node]
    for child in plan.get("Plans", []):
        lines += shape(child, depth + 1)
    return lines


def explain_shape(url, sql, params, generic):
    if generic:
        args = ", ".join(params[k] for k in sorted(params))
        out = psql(url, f"SET plan_cache_mode = force_generic_plan;\nPREPARE s AS {sql};\n"
                        f"EXPLAIN (FORMAT JSON) EXECUTE s{'(' + args + ')' if args else ''};\n")
    else:
        out = psql(url, f"EXPLAIN (FORMAT JSON) {substitute(sql, params)};\n")
    return shape(json.loads(out)[0]["Plan"])


def record(a):
    sections, seen = [], {}
    for line in open(a.segments, encoding="utf-8"):
        label, path, start, end, code = line.rstrip("\n").split("\t")
        stmts = []
        for sql, params, named, ms in read_segment(a.log, int(start), int(end), a.db):
            key = re.sub(r"\s+", " ", sql)
            if key in seen:
                stmts.append(("seen", seen[key], None, None, None))
                continue
            seen[key] = label
            full = substitute(sql, params)
            analyzed = psql(a.url, f"EXPLAIN (ANALYZE, BUFFERS) {full};\n").rstrip()
            custom = explain_shape(a.url, sql, params, False)
            generic = explain_shape(a.url, sql, params, True) if named else None
            stmts.append(("new", full, (sql, params), analyzed, (custom, generic, ms)))
        sections.append((label, path, code, stmts))
    out = [HEADER]
    for label, path, code, stmts in sections:
        out.append(f"## {label}\n\n`GET /api/v1{path}` (HTTP {code})\n")
        n = 0
        for kind, full, raw, analyzed, extra in stmts:
            if kind == "seen":
                out.append(f"- also runs a statement recorded under “{full}”\n")
                continue
            n += 1
            custom, generic, ms = extra
            sql, params = raw
            out.append(f"### Statement {n} ({ms:.3f} ms in the server's log)\n")
            out.append("```sql\n" + full + "\n```\n")
            out.append("```sql-prepared\n" + sql + "\n```\n")
            out.append("```params\n" + json.dumps({str(k): v for k, v in params.items()}, ensure_ascii=False) + "\n```\n")
            out.append("```\n" + analyzed + "\n```\n")
            out.append("Shape:\n\n```shape\n" + "\n".join(custom) + "\n```\n")
            if generic is not None:
                out.append("Generic plan (a cached prepared statement):\n\n```shape-generic\n" + "\n".join(generic) + "\n```\n")
    with open(a.out, "w", encoding="utf-8") as f:
        f.write("\n".join(out))
    print(f"wrote {a.out}: {sum(1 for s in sections for x in s[3] if x[0] == 'new')} statements in {len(sections)} scenarios")


HEADER = """# Plans of the hot queries, PostgreSQL at 1M rows

Written by `bench/plans.py record` from a run of `RECORD=1 bench/scale.sh` (PostgreSQL 15,
`bench/scale_data.py --scale 1`: 1,000,000 nominations and awards, 200,000 people, 10,000,000
journal entries, 5,000 campaigns, then `VACUUM ANALYZE`; default server settings). Every statement
the server ran for one request of each scenario, with its logged parameters put in, explained with
`EXPLAIN (ANALYZE, BUFFERS)`; "Shape" is the plan's tree of node types with the tables and indexes
they read, which `bench/plans.py check postgres://…/thidua_scale_1m` compares against a fresh
`EXPLAIN` (exit 1 on any difference). Statements the server runs as cached prepared statements
also have their generic plan's shape checked. Times are from a shared 2-core machine; only the
shapes are checked, so a plan that changes for the better also fails the check: record again.

Once slow at 1M rows, and how each was mended (bench/scale.sh, 2026-12-02; every plan below is
from after the mend):

- *admin: nominations by status and year* walked `nominations_pkey` backwards and filtered
  (500,026 rows removed, 0.5–1.3 s): the planner takes the 65,000 matching rows to be spread
  evenly over the ids, but a year's nominations are one stretch of them, and no index changes
  that choice. Now the page's ids come first, `SELECT id … ORDER BY id DESC LIMIT 51` (an
  index-only scan of `nominations_status`), then the rows by id: 1.14× its time at 10k rows.
- *admin: awards of one year* (and of one type and year) walked `awards_pkey` the same way
  (0.2 s; 4.3 s with the type). Migration `2026-12-08-000000_award_list_indexes` gives them
  indexes ending in `(id, revoked_at)`, read first for the page's ids, index-only.
- *audit: one month in 2019* walked `journal_pkey` backwards (7,024,589 rows removed, 4 s). A
  page filtered by time alone is now ordered by `occurred_at DESC, seq DESC` and reads
  `journal_occurred` backwards; its cursor bounds the scan (`occurred_at <= t AND (occurred_at <
  t OR seq < s)`).
- *campaign progress* read `registrations` by a parallel sequential scan joined to its targets
  (94 ms of the request's ~230 ms). Now the campaign's registrations by its unique index, then
  their targets by primary key (`= ANY`): 67 ms for the whole request.
- *audit: a dissolved commune's* was a backward walk of `journal_pkey` (1,074,903 rows removed,
  0.7 s) until migration `2026-12-07-000000_journal_unit_index` (`journal (unit_id, seq)`).
"""


def check(a):
    text = open(a.doc, encoding="utf-8").read()
    blocks = re.findall(r"```(sql-prepared|params|shape|shape-generic)\n(.*?)\n```", text, re.S)
    failures, checked, i = 0, 0, 0
    while i < len(blocks):
        if blocks[i][0] != "sql-prepared":
            i += 1
            continue
        sql = blocks[i][1]
        params = {int(k): v for k, v in json.loads(blocks[i + 1][1]).items()}
        want = blocks[i + 2][1].splitlines()
        want_generic = blocks[i + 3][1].splitlines() if i + 3 < len(blocks) and blocks[i + 3][0] == "shape-generic" else None
        i += 4 if want_generic is not None else 3
        for generic, expected in ((False, want), (True, want_generic)):
            if expected is None:
                continue
            checked += 1
            try:
                got = explain_shape(a.url, sql, params, generic)
            except RuntimeError as e:
                got = [f"error: {e}"]
            if got != expected:
                failures += 1
                print(f"CHANGED ({'generic' if generic else 'custom'} plan): {' '.join(sql.split())[:160]}")
                print("  recorded:\n    " + "\n    ".join(expected))
                print("  now:\n    " + "\n    ".join(got))
    print(f"{checked} plans checked, {failures} changed")
    sys.exit(1 if failures else 0)


p = argparse.ArgumentParser()
sub = p.add_subparsers(dest="cmd", required=True)
r = sub.add_parser("record")
r.add_argument("url")
r.add_argument("--log", required=True)
r.add_argument("--segments", required=True)
r.add_argument("--db", required=True)
r.add_argument("--out", default="docs/plans/postgres-1m.md")
c = sub.add_parser("check")
c.add_argument("url")
c.add_argument("--doc", default="docs/plans/postgres-1m.md")
a = p.parse_args()
record(a) if a.cmd == "record" else check(a)
