#!/usr/bin/env python3
"""A province after ten years of use, for the scale benchmark (bench/scale.sh, issue 19 item 3).

Fills an already-migrated and seeded database (`thidua seed`, then `thidua create-admin`: the
first account is the author of everything loaded here) with, at `--scale 1`:

  200,000 people over the units valid at the time (Bắc Kạn's before 2025-07-01, the merged
          communes and the new departments after; a person keeps one old and one current unit)
1,000,000 nominations, 100,000 a year for 2016–2025, 90 % people and 10 % units, with the
          status mix of a closed year (decided, rejected, withdrawn, revoked, a few stuck) or of
          the open 2025 round (every status), and each one's transitions (~3 per nomination);
          a document on file for every fourth, two achievements cited by every fifth
1,000,000 awards, 2016–2025, 92 % people (about 5 per person) and 8 % units, 0.3 % revoked
10,000,000 journal entries from 2016-01 to 2026-11, seq in time order: sign-ins and refreshes
          (audit only, 40 %), nominations, awards and people (their real ids and units), a unit's
          achievements and registrations, registry and board events (the feed's four audiences)
    5,000 campaigns × 6 indicators × 20 units × 2 verified reports (1.2 M achievements, with
          registrations, targets and achievement_latest), plus one launched province-wide
          campaign of 500 units × 30 indicators × 4 reports each for the progress benchmark (at
          every scale; units are added when the registry holds fewer than 500: "Đơn vị sự nghiệp"
          departments, see below)

`--scale 0.01` makes the 10k-row dataset (10,000 nominations and awards, 2,000 people, 100,000
journal entries, 50 campaigns). Rows are generated in SQL on the server: on PostgreSQL with
`generate_series` through one `psql` session, then `VACUUM ANALYZE`; on SQLite from a numbers
table in one transaction with `journal_mode=WAL, synchronous=OFF`. No `ANALYZE` on SQLite: the
service never runs it, so its plans never depend on statistics (docs/benchmarks.md) and the
benchmark sees the plans production sees.

Ids are UUID v7 text, made from the row's own time (48-bit milliseconds), a tag per table and
the row's number, so they sort by creation as the service's ids do, and the same row gets the
same id at every run. Names are NFC Vietnamese; `*_folded` as `domain::text::fold` makes them.

Prints `key=value` lines the benchmark reads: admin, person, nomination, award, unit (a current
commune with nominations), old_unit (a dissolved commune), campaign (500 × 30), actor,
record_kind/record_id, and the counts.

Usage: scale_data.py DATABASE_URL [--scale N]
"""
import argparse
import sqlite3
import subprocess
import sys
import time
import unicodedata

parser = argparse.ArgumentParser()
parser.add_argument("url")
parser.add_argument("--scale", type=float, default=1.0)
args = parser.parse_args()
url, s = args.url, args.scale
PG = url.startswith("postgres")

P = max(100, round(200_000 * s))
N = max(100, round(1_000_000 * s))
A = max(100, round(1_000_000 * s))
J = max(1000, round(10_000_000 * s))
C = max(1, round(5_000 * s))
C_UNITS, C_IND, C_REP = 20, 6, 2
BIG_UNITS, BIG_IND, BIG_REP = 500, 30, 4
USERS = 400  # officers' accounts that act in the journal (no usable password)

T0 = 1451606400  # 2016-01-01 00:00:00 UTC
NOM_SPAN = 315_532_800  # ten years: 2016-01-01 .. 2026-01-01
J_END = 1795996800  # 2026-11-30
J_SPAN = J_END - T0
MERGE = 1751328000  # 2025-07-01 00:00:00 UTC: Bắc Kạn's units replaced


def fold(text):
    t = unicodedata.normalize("NFD", " ".join(text.split()))
    t = "".join(c for c in t if not unicodedata.combining(c))
    return t.replace("đ", "d").replace("Đ", "d").lower()


def lit(v):
    if v is None:
        return "NULL"
    if isinstance(v, bool):
        return ("TRUE" if v else "FALSE") if PG else ("1" if v else "0")
    if isinstance(v, (int, float)):
        return str(v)
    return "'" + unicodedata.normalize("NFC", str(v)).replace("'", "''") + "'"


def query(sql):
    if PG:
        out = subprocess.run(["psql", "-qAt", "-F", "\t", url, "-c", sql], check=True, capture_output=True, text=True).stdout
        return [line.split("\t") for line in out.splitlines() if line]
    with sqlite3.connect(url.removeprefix("sqlite://")) as db:
        return [["" if v is None else str(v) for v in row] for row in db.execute(sql)]


# ---------- dialect ----------
def hexn(expr, width):
    return f"lpad(to_hex(({expr})::bigint), {width}, '0')" if PG else f"printf('%0{width}x', {expr})"


def uid(seconds, tag, n):
    """A UUID v7 text from an epoch-seconds expression, a 3-hex-digit tag and a row number."""
    ms = hexn(f"({seconds}) * 1000 + (({n}) % 1000)", 12)
    return (f"(substr({ms}, 1, 8) || '-' || substr({ms}, 9, 4) || '-7{tag}-8' || "
            f"{hexn(f'(({n}) / 281474976710656) % 4096', 3)} || '-' || {hexn(f'({n}) % 281474976710656', 12)})")


def ts(seconds):
    return f"(to_timestamp({seconds}) AT TIME ZONE 'UTC')" if PG else f"datetime({seconds}, 'unixepoch')"


def day(seconds):
    return f"((to_timestamp({seconds}) AT TIME ZONE 'UTC')::date)" if PG else f"date({seconds}, 'unixepoch')"


def epoch_of(column):
    return f"EXTRACT(EPOCH FROM {column})::bigint" if PG else f"CAST(strftime('%s', {column}) AS INTEGER)"


def series(n):
    return f"(SELECT generate_series(0, {n - 1})::bigint AS i) g" if PG else f"(SELECT i FROM gen_n WHERE i < {n}) g"


def h(expr, salt):
    """A spread-out non-negative hash of a row number (the same on both backends)."""
    return f"(((({expr}) + {salt}) * 2654435761) % 4294967291)"


def text(expr):
    return f"({expr})::text" if PG else f"CAST({expr} AS TEXT)"


FALSE = lit(False)

# ---------- what is there ----------
admin = query("SELECT id FROM users ORDER BY created_at LIMIT 1")
if not admin:
    sys.exit("no account: run `thidua create-admin` first (it authors the loaded rows)")
admin = admin[0][0]
if int(query("SELECT COUNT(*) FROM nominations")[0][0]) > 0:
    sys.exit("the database already holds nominations: load into a freshly seeded database")
units = query("SELECT id, kind, code, COALESCE(valid_from, '1900-01-01'), COALESCE(valid_until, '9999-12-31') "
              "FROM units WHERE kind <> 'province' ORDER BY kind, code, id")
before = [u for u in units if u[3] <= "2025-06-30" <= u[4]]
after = [u for u in units if u[3] <= "2025-07-01" <= u[4] and u[1] != "district"]
types = {code: (tid, subject) for tid, code, subject in query("SELECT id, code, subject FROM award_types")}
person_types = [types[c][0] for c in ["LDTT"] * 6 + ["CSTD_CO_SO"] * 2 + ["GIAY_KHEN_CA_NHAN", "BANG_KHEN_TINH_CA_NHAN"] if c in types]
unit_types = [types[c][0] for c in ["TTLDTT"] * 3 + ["BANG_KHEN_TINH_TAP_THE", "GIAY_KHEN_TAP_THE"] if c in types]
if not person_types or not unit_types:
    sys.exit("the award catalogue is missing: run `thidua seed` first")
province = query("SELECT id FROM units WHERE kind = 'province' ORDER BY valid_until IS NULL DESC, code LIMIT 1")[0][0]

stmts = []


def add(sql):
    stmts.append(sql.strip())


def table(name, columns, rows):
    """A scratch table of small lookup rows."""
    add(f"CREATE TEMP TABLE {name} ({columns})")
    for i in range(0, len(rows), 500):
        add(f"INSERT INTO {name} VALUES " + ", ".join("(" + ", ".join(lit(v) for v in r) + ")" for r in rows[i:i + 500]))


if not PG:
    add("CREATE TEMP TABLE gen_n (i INTEGER PRIMARY KEY)")
    add(f"INSERT INTO gen_n WITH RECURSIVE c(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM c WHERE i < {max(J, N, A, P, C * C_UNITS * C_IND, BIG_UNITS * BIG_IND * BIG_REP) - 1}) SELECT i FROM c")

# Units for the 500-unit campaign: public service units under the province's departments, added
# only when the registry has fewer than 500 current units (Bắc Kạn's reference data has ~60).
extra = []
if len(after) < BIG_UNITS:
    have = int(query("SELECT COUNT(*) FROM units WHERE code LIKE 'DVSN-%'")[0][0])
    for k in range(BIG_UNITS - len(after)):
        name = f"Đơn vị sự nghiệp số {k + 1:03d}"
        extra.append([f"0193b000-0000-7d00-8000-{k:012x}", "department", f"DVSN-{k + 1:03d}", name, fold(name), "co_quan", province])
    if have == 0:
        for e in extra:
            add("INSERT INTO units (id, kind, code, name, name_folded, unit_type, parent_id, valid_from, version, created_at, updated_at) "
                f"VALUES ({', '.join(lit(v) for v in e)}, '2025-07-01', 1, {ts(MERGE)}, {ts(MERGE)})")
UB, UA = len(before), len(after)
table("gen_before", "k INTEGER PRIMARY KEY, id TEXT", [[k, u[0]] for k, u in enumerate(before)])
table("gen_after", "k INTEGER PRIMARY KEY, id TEXT", [[k, u[0]] for k, u in enumerate(after)])
# The big campaign's units: every current unit, then the added ones (only it reads them).
table("gen_big", "k INTEGER PRIMARY KEY, id TEXT", [[k, u] for k, u in enumerate([u[0] for u in after] + [e[0] for e in extra])])
table("gen_ptype", "k INTEGER PRIMARY KEY, id TEXT", list(enumerate(person_types)))
table("gen_utype", "k INTEGER PRIMARY KEY, id TEXT", list(enumerate(unit_types)))

FAMILY = "Nguyễn Trần Lê Phạm Hoàng Huỳnh Phan Vũ Võ Đặng Bùi Đỗ Hồ Ngô Dương Lý Nông Hà Triệu Ma Lục Hoàng Lương Đàm La".split()
MIDDLE = "Văn Thị Đức Minh Thu Ngọc Quang Hữu Thanh Xuân Hồng Kim Bảo Công Mạnh Thuý".split()
GIVEN = ("An Anh Bình Chi Cường Dũng Duyên Đạt Giang Hà Hải Hạnh Hiền Hiếu Hoa Hoà Huệ Hùng Hương Khánh Lan Linh "
         "Long Mai Nam Nga Ngân Nhung Phong Phúc Phương Quân Quế Sơn Tâm Thảo Thắng Thành Thuỷ Trang Trung Tú Tuấn "
         "Vân Việt Xuân Yến Lộc Nguyệt").split()
for name, words in (("gen_family", FAMILY), ("gen_middle", MIDDLE), ("gen_given", GIVEN)):
    table(name, "k INTEGER PRIMARY KEY, name TEXT, folded TEXT", [[k, w, fold(w)] for k, w in enumerate(words)])
users = [[k, f"0193b001-0000-7d01-8000-{k:012x}", f"canbo.{k:04d}", f"Cán bộ {FAMILY[k % len(FAMILY)]} {GIVEN[k % len(GIVEN)]}",
          after[k % UA][0]] for k in range(USERS)]
table("gen_user", "k INTEGER PRIMARY KEY, id TEXT, username TEXT, full_name TEXT, unit_id TEXT", users)
add("INSERT INTO users (id, username, full_name, unit_id, roles, active, password_hash, token_version, version, password_changed_at, created_at, updated_at) "
    f"SELECT id, username, full_name, unit_id, 'unit_officer', {lit(True)}, '!', 0, 1, {ts(T0)}, {ts(T0)}, {ts(T0)} FROM gen_user")

# ---------- people ----------
person_t = f"({T0} + g.i * {9 * 365 * 86400 // P})"
add(f"""
INSERT INTO people (id, full_name, full_name_folded, position, unit_id, birth_year, identity_number, version, created_at, updated_at, gender, ethnicity_code)
SELECT {uid(person_t, 'a01', 'g.i')},
       f.name || ' ' || m.name || ' ' || n.name, f.folded || ' ' || m.folded || ' ' || n.folded,
       CASE WHEN g.i % 7 = 0 THEN 'Giáo viên' WHEN g.i % 7 = 1 THEN 'Cán bộ' ELSE NULL END,
       ua.id, 1960 + {h('g.i', 11)} % 40,
       CASE WHEN g.i % 3 = 0 THEN '0060' || {hexn(f"{h('g.i', 12)} % 16777216", 8)} ELSE NULL END,
       1, {ts(person_t)}, {ts(person_t)},
       CASE WHEN {h('g.i', 13)} % 2 = 0 THEN 'female' ELSE 'male' END,
       CASE WHEN g.i % 5 = 0 THEN '04' WHEN g.i % 5 = 1 THEN '02' ELSE '01' END
FROM {series(P)}
JOIN gen_family f ON f.k = {h('g.i', 1)} % {len(FAMILY)}
JOIN gen_middle m ON m.k = {h('g.i', 2)} % {len(MIDDLE)}
JOIN gen_given n ON n.k = {h('g.i', 3)} % {len(GIVEN)}
JOIN gen_after ua ON ua.k = g.i % {UA}
""")
# The person's id and units, by number (old unit before the merger, current one after).
person_id = lambda n: uid(f"({T0} + ({n}) * {9 * 365 * 86400 // P})", "a01", n)

# ---------- nominations ----------
nom_t = f"({T0} + g.i * {NOM_SPAN // N})"
year = f"(2016 + (g.i * 10) / {N})"
r = f"({h('g.i', 21)} % 100)"
status = f"""CASE WHEN {year} < 2025 THEN
  CASE WHEN {r} < 72 THEN 'decided' WHEN {r} < 84 THEN 'rejected' WHEN {r} < 94 THEN 'withdrawn'
       WHEN {r} < 95 THEN 'revoked' ELSE 'appraised' END
ELSE
  CASE WHEN {r} < 15 THEN 'draft' WHEN {r} < 35 THEN 'submitted' WHEN {r} < 40 THEN 'returned'
       WHEN {r} < 60 THEN 'appraised' WHEN {r} < 75 THEN 'approved' WHEN {r} < 80 THEN 'posted'
       WHEN {r} < 92 THEN 'decided' WHEN {r} < 97 THEN 'rejected' ELSE 'withdrawn' END
END"""
steps = {
    "draft": [], "submitted": ["draft>submitted"], "returned": ["draft>submitted", "submitted>returned"],
    "appraised": ["draft>submitted", "submitted>appraised"],
    "approved": ["draft>submitted", "submitted>appraised", "appraised>approved"],
    "posted": ["draft>submitted", "submitted>appraised", "appraised>approved", "approved>posted"],
    "decided": ["draft>submitted", "submitted>appraised", "appraised>approved", "approved>decided"],
    "rejected": ["draft>submitted", "submitted>appraised", "appraised>rejected"],
    "withdrawn": ["draft>submitted", "submitted>withdrawn"],
    "revoked": ["draft>submitted", "submitted>appraised", "appraised>approved", "approved>decided", "decided>revoked"],
}
table("gen_step", "status TEXT, k INTEGER, from_status TEXT, to_status TEXT",
      [[st, k, *step.split(">")] for st, path in steps.items() for k, step in enumerate(path)])
table("gen_version", "status TEXT PRIMARY KEY, n INTEGER", [[st, len(path) + 1] for st, path in steps.items()])
# A tenth are the unit's own nomination (a collective title); the rest a person's.
person_n = f"({h('g.i', 22)} % {P})"
add(f"""
INSERT INTO nominations (id, award_type_id, nominee_kind, person_id, unit_id, year, under_discipline, status, version, created_by, created_at, updated_at)
SELECT x.id, x.type_id, x.kind, x.person_id, x.unit_id, x.year, {FALSE}, x.status, v.n, {lit(admin)}, {ts('x.t')}, {ts('x.t + (v.n - 1) * 604800')}
FROM (
  SELECT {uid(nom_t, 'a02', 'g.i')} AS id, {nom_t} AS t, {year} AS year, {status} AS status,
         CASE WHEN g.i % 10 = 9 THEN ut.id ELSE pt.id END AS type_id,
         CASE WHEN g.i % 10 = 9 THEN 'unit' ELSE 'person' END AS kind,
         CASE WHEN g.i % 10 = 9 THEN NULL ELSE {person_id(person_n)} END AS person_id,
         CASE WHEN g.i % 10 = 9 THEN (CASE WHEN {year} < 2025 THEN ub2.id ELSE ua2.id END)
              ELSE (CASE WHEN {year} < 2025 THEN ub.id ELSE ua.id END) END AS unit_id
  FROM {series(N)}
  JOIN gen_ptype pt ON pt.k = {h('g.i', 23)} % {len(person_types)}
  JOIN gen_utype ut ON ut.k = {h('g.i', 24)} % {len(unit_types)}
  JOIN gen_before ub ON ub.k = {person_n} % {UB}
  JOIN gen_after ua ON ua.k = {person_n} % {UA}
  JOIN gen_before ub2 ON ub2.k = {h('g.i', 25)} % {UB}
  JOIN gen_after ua2 ON ua2.k = {h('g.i', 25)} % {UA}
) x JOIN gen_version v ON v.status = x.status
""")
# Each nomination's moves, a week apart from its creation. Ids made from the nomination's own.
add(f"""
INSERT INTO nomination_transitions (id, nomination_id, from_status, to_status, actor_id, reason, at)
SELECT substr(n.id, 1, 14) || '7a03-8' || {text('s.k')} || substr(n.id, 22, 15), n.id, s.from_status, s.to_status, {lit(admin)},
       CASE WHEN s.to_status IN ('returned', 'rejected') THEN 'Hồ sơ chưa đủ thành phần theo quy định' ELSE NULL END,
       {ts(epoch_of('n.created_at') + ' + (s.k + 1) * 604800')}
FROM nominations n JOIN gen_step s ON s.status = n.status
""")

# ---------- awards ----------
award_year = f"(2016 + (g.i * 10) / {A})"
award_t = f"({T0} + 365 * 86400 + (g.i * 10) / {A} * 31557600 + 14 * 86400 + (g.i % 86400))"  # mid-January after the year
apn = f"({h('g.i', 31)} % {P})"
add(f"""
INSERT INTO awards (id, award_type_id, recipient_kind, person_id, unit_id, year, decision_number, decision_date, decided_by, revoked_at, revoked_reason, revoked_by, created_by, created_at)
SELECT {uid(award_t, 'a04', 'g.i')},
       CASE WHEN g.i % 25 < 2 THEN ut.id ELSE pt.id END,
       CASE WHEN g.i % 25 < 2 THEN 'unit' ELSE 'person' END,
       CASE WHEN g.i % 25 < 2 THEN NULL ELSE {person_id(apn)} END,
       CASE WHEN g.i % 25 < 2 THEN (CASE WHEN {award_year} < 2025 THEN ub2.id ELSE ua2.id END)
            ELSE (CASE WHEN {award_year} < 2025 THEN ub.id ELSE ua.id END) END,
       {award_year}, {text(f'g.i % 4000 + 1')} || '/QĐ-UBND', {day(award_t)}, 'Chủ tịch UBND tỉnh',
       CASE WHEN {h('g.i', 32)} % 1000 < 3 THEN {ts(f'{award_t} + 200 * 86400')} ELSE NULL END,
       CASE WHEN {h('g.i', 32)} % 1000 < 3 THEN 'Thu hồi do kê khai không trung thực thành tích' ELSE NULL END,
       CASE WHEN {h('g.i', 32)} % 1000 < 3 THEN {lit(admin)} ELSE NULL END,
       {lit(admin)}, {ts(award_t)}
FROM {series(A)}
JOIN gen_ptype pt ON pt.k = {h('g.i', 33)} % {len(person_types)}
JOIN gen_utype ut ON ut.k = {h('g.i', 34)} % {len(unit_types)}
JOIN gen_before ub ON ub.k = {apn} % {UB}
JOIN gen_after ua ON ua.k = {apn} % {UA}
JOIN gen_before ub2 ON ub2.k = {h('g.i', 35)} % {UB}
JOIN gen_after ua2 ON ua2.k = {h('g.i', 35)} % {UA}
""")

# ---------- campaigns ----------
# Campaign c: 6 indicators, 20 units (of those valid at its time), 2 verified reports each.
camp_t = f"({T0} + g.i * {NOM_SPAN // C})"
add(f"""
INSERT INTO campaigns (id, title, title_folded, kind, launching_authority, start_date, end_date, participation, status, version, created_by, created_at, updated_at)
SELECT {uid(camp_t, 'a05', 'g.i')}, 'Phong trào thi đua số ' || {text('g.i + 1')}, 'phong trao thi dua so ' || {text('g.i + 1')},
       CASE WHEN g.i % 3 = 0 THEN 'thuong_xuyen' ELSE 'chuyen_de' END, 'UBND tỉnh',
       {day(camp_t)}, {day(f'{camp_t} + 300 * 86400')}, 'units', CASE WHEN {camp_t} + 330 * 86400 < {J_END} THEN 'closed' ELSE 'launched' END,
       1, {lit(admin)}, {ts(camp_t)}, {ts(camp_t)}
FROM {series(C)}
""")
camp_id = lambda n: uid(f"({T0} + ({n}) * {NOM_SPAN // C})", "a05", n)
add(f"""
INSERT INTO indicators (id, campaign_id, name, unit_of_measure, kind, direction, province_target, position, created_at, updated_at)
SELECT {uid(camp_t.replace('g.i', '(g.i / ' + str(C_IND) + ')'), 'a06', 'g.i')}, {camp_id(f'g.i / {C_IND}')},
       'Chỉ tiêu ' || {text(f'g.i % {C_IND} + 1')}, 'lượt', 'quantity', 'higher_is_better', '{1000 * C_UNITS}', g.i % {C_IND} + 1,
       {ts(camp_t.replace('g.i', f'(g.i / {C_IND})'))}, {ts(camp_t.replace('g.i', f'(g.i / {C_IND})'))}
FROM {series(C * C_IND)}
""")
ind_id = lambda c, k: uid(f"({T0} + ({c}) * {NOM_SPAN // C})", "a06", f"({c}) * {C_IND} + ({k})")
cunit = lambda n: f"(CASE WHEN {T0} + ({n}) * {NOM_SPAN // C} < {MERGE} THEN ub.id ELSE ua.id END)"
# registration g.i = campaign (g.i / 20), its (g.i % 20)-th unit: consecutive units from a spread start.
add(f"""
INSERT INTO registrations (id, campaign_id, unit_id, status, aimed_titles, version, created_by, created_at, updated_at, submitted_at, decided_by, decided_at)
SELECT {uid(camp_t.replace('g.i', f'(g.i / {C_UNITS})'), 'a07', 'g.i')}, {camp_id(f'g.i / {C_UNITS}')}, {cunit(f'g.i / {C_UNITS}')},
       'accepted', '[]', 1, {lit(admin)}, {ts(camp_t.replace('g.i', f'(g.i / {C_UNITS})'))}, {ts(camp_t.replace('g.i', f'(g.i / {C_UNITS})'))},
       {ts(camp_t.replace('g.i', f'(g.i / {C_UNITS})'))}, {lit(admin)}, {ts(camp_t.replace('g.i', f'(g.i / {C_UNITS})'))}
FROM {series(C * C_UNITS)}
JOIN gen_before ub ON ub.k = ({h(f'g.i / {C_UNITS}', 41)} + g.i % {C_UNITS}) % {UB}
JOIN gen_after ua ON ua.k = ({h(f'g.i / {C_UNITS}', 41)} + g.i % {C_UNITS}) % {UA}
""")
reg_id = lambda c, u: uid(f"({T0} + ({c}) * {NOM_SPAN // C})", "a07", f"({c}) * {C_UNITS} + ({u})")
# g.i enumerates (campaign, unit, indicator): targets, and 2 achievements each.
cc, cu, ck = f"(g.i / {C_UNITS * C_IND})", f"((g.i / {C_IND}) % {C_UNITS})", f"(g.i % {C_IND})"
add(f"""
INSERT INTO registration_targets (registration_id, indicator_id, target)
SELECT {reg_id(cc, cu)}, {ind_id(cc, ck)}, '1000' FROM {series(C * C_UNITS * C_IND)}
""")
ach_t = lambda rep: f"({T0} + {cc} * {NOM_SPAN // C} + {90 + 120 * rep} * 86400)"
for rep in range(C_REP):
    add(f"""
INSERT INTO achievements (id, campaign_id, unit_id, indicator_id, value, as_of, status, version, reported_by, verified_by, verified_at, created_at, updated_at)
SELECT {uid(ach_t(rep), 'a08', f'g.i * {C_REP} + {rep}')}, {camp_id(cc)}, {cunit(cc)}, {ind_id(cc, ck)},
       {text(f"{h('g.i', 50 + rep)} % 1200")}, {day(ach_t(rep))}, 'verified', 1, {lit(admin)}, {lit(admin)},
       {ts(ach_t(rep) + ' + 86400')}, {ts(ach_t(rep))}, {ts(ach_t(rep) + ' + 86400')}
FROM {series(C * C_UNITS * C_IND)}
JOIN gen_before ub ON ub.k = ({h(cc, 41)} + {cu}) % {UB}
JOIN gen_after ua ON ua.k = ({h(cc, 41)} + {cu}) % {UA}
""")
add(f"""
INSERT INTO achievement_latest (campaign_id, unit_id, indicator_id, achievement_id, as_of, value)
SELECT {camp_id(cc)}, {cunit(cc)}, {ind_id(cc, ck)}, {uid(ach_t(C_REP - 1), 'a08', f'g.i * {C_REP} + {C_REP - 1}')},
       {day(ach_t(C_REP - 1))}, {text(f"{h('g.i', 50 + C_REP - 1)} % 1200")}
FROM {series(C * C_UNITS * C_IND)}
JOIN gen_before ub ON ub.k = ({h(cc, 41)} + {cu}) % {UB}
JOIN gen_after ua ON ua.k = ({h(cc, 41)} + {cu}) % {UA}
""")

# The province-wide campaign of 500 current units × 30 indicators, launched this year.
BIG_T = J_END - 200 * 86400
big = f"0193b002-0000-7d02-8000-{0:012x}"
add(f"""
INSERT INTO campaigns (id, title, title_folded, kind, launching_authority, start_date, end_date, participation, status, version, created_by, created_at, updated_at)
VALUES ({lit(big)}, 'Thi đua chào mừng Đại hội Đảng bộ tỉnh', 'thi dua chao mung dai hoi dang bo tinh', 'chuyen_de', 'UBND tỉnh',
        {day(BIG_T)}, {day(BIG_T + 300 * 86400)}, 'units', 'launched', 1, {lit(admin)}, {ts(BIG_T)}, {ts(BIG_T)})
""")
big_ind = lambda k: f"('0193b002-0000-7d03-8000-' || {hexn(k, 12)})"
big_reg = lambda u: f"('0193b002-0000-7d04-8000-' || {hexn(u, 12)})"
add(f"""
INSERT INTO indicators (id, campaign_id, name, unit_of_measure, kind, direction, province_target, position, created_at, updated_at)
SELECT {big_ind('g.i')}, {lit(big)}, 'Chỉ tiêu ' || {text('g.i + 1')}, 'lượt', 'quantity', 'higher_is_better', '{1000 * BIG_UNITS}', g.i + 1, {ts(BIG_T)}, {ts(BIG_T)}
FROM {series(BIG_IND)}
""")
add(f"""
INSERT INTO registrations (id, campaign_id, unit_id, status, aimed_titles, version, created_by, created_at, updated_at, submitted_at, decided_by, decided_at)
SELECT {big_reg('g.i')}, {lit(big)}, ua.id, 'accepted', '[]', 1, {lit(admin)}, {ts(BIG_T)}, {ts(BIG_T)}, {ts(BIG_T)}, {lit(admin)}, {ts(BIG_T)}
FROM {series(BIG_UNITS)} JOIN gen_big ua ON ua.k = g.i
""")
add(f"""
INSERT INTO registration_targets (registration_id, indicator_id, target)
SELECT {big_reg(f'g.i / {BIG_IND}')}, {big_ind(f'g.i % {BIG_IND}')}, '1000' FROM {series(BIG_UNITS * BIG_IND)}
""")
bu, bk, brep = f"(g.i / {BIG_IND * BIG_REP})", f"((g.i / {BIG_REP}) % {BIG_IND})", f"(g.i % {BIG_REP})"
big_as_of = f"({BIG_T} + 10 * 86400 + {brep} * 30 * 86400)"
add(f"""
INSERT INTO achievements (id, campaign_id, unit_id, indicator_id, value, as_of, status, version, reported_by, verified_by, verified_at, created_at, updated_at)
SELECT ('0193b002-0000-7d05-8000-' || {hexn('g.i', 12)}), {lit(big)}, ua.id, {big_ind(bk)}, {text(f"{h('g.i', 61)} % 1200")},
       {day(big_as_of)}, 'verified', 1, {lit(admin)}, {lit(admin)}, {ts(big_as_of)}, {ts(big_as_of)}, {ts(big_as_of)}
FROM {series(BIG_UNITS * BIG_IND * BIG_REP)} JOIN gen_big ua ON ua.k = {bu}
""")
add(f"""
INSERT INTO achievement_latest (campaign_id, unit_id, indicator_id, achievement_id, as_of, value)
SELECT {lit(big)}, ua.id, {big_ind(f'g.i % {BIG_IND}')}, ('0193b002-0000-7d05-8000-' || {hexn(f'g.i * {BIG_REP} + {BIG_REP - 1}', 12)}),
       {day(f'{BIG_T} + 10 * 86400 + {BIG_REP - 1} * 30 * 86400')}, {text(f"{h(f'g.i * {BIG_REP} + {BIG_REP - 1}', 61)} % 1200")}
FROM {series(BIG_UNITS * BIG_IND)} JOIN gen_big ua ON ua.k = g.i / {BIG_IND}
""")

# ---------- a nomination's dossier ----------
# Every fourth nomination has its submission letter on file and every fifth cites two verified
# achievements (of the province-wide campaign above): the lists a page of nominations reads in
# its own statement (models::nomination_details) find real rows through their indexes.
nom_id = uid(nom_t, 'a02', 'g.i')
add(f"""
INSERT INTO stored_files (id, nomination_id, kind, filename, content_type, size_bytes, sha256, storage_key, uploaded_by, created_at)
SELECT {uid(nom_t, 'a09', 'g.i')}, {nom_id}, 'to_trinh', {lit('Tờ trình đề nghị khen thưởng.pdf')}, 'application/pdf',
       184320 + g.i % 4096, {hexn(h('g.i', 81), 8)} || {lit('0' * 56)}, 'scale/' || {nom_id}, {lit(admin)}, {ts(nom_t)}
FROM {series(N)} WHERE g.i % 4 = 0
""")
nom_t2 = nom_t.replace("g.i", "(g.i / 2)")
add(f"""
INSERT INTO nomination_achievements (nomination_id, achievement_id)
SELECT {uid(nom_t2, 'a02', '(g.i / 2)')}, ('0193b002-0000-7d05-8000-' || {hexn(f'g.i % {BIG_UNITS * BIG_IND * BIG_REP}', 12)})
FROM {series(2 * N)} WHERE (g.i / 2) % 5 = 0
""")

# ---------- the journal ----------
# Entry i happens at T0 + i * span / J. What it is about, by a hash of i (percent):
#  0–39 session.opened/refreshed/closed (audit only)   40–64 nomination.* (the nomination made then)
# 65–72 award.created (the award made then)             73–77 person.* (the person made then)
# 78–96 achievement.* / registration.* (a unit's)       97 registry (campaign.*, indicator.*)
#    98 council_session.* (admin)                       99 user.updated (the unit's accounts)
jt = f"({T0} + g.i * {J_SPAN} / {J})"
jr = f"({h('g.i', 71)} % 100)"
jv = f"({h('g.i', 72)} % 6)"
nom_j = f"(g.i * {N} / {J})"
awd_j = f"(g.i * {A} / {J})"
per_j = f"(g.i * {P} / {J})"
time_unit = f"(CASE WHEN {jt} < {MERGE} THEN ub.id ELSE ua.id END)"
actor = "gu.id"
if PG:
    base = 1
    first_existing = query("SELECT COALESCE(MIN(seq), 0) FROM journal")[0][0]
    if int(first_existing) and int(first_existing) <= J + 1:
        sys.exit(f"the journal's first position {first_existing} leaves no room below it for {J} entries")
else:
    base = int(query("SELECT COALESCE(MAX(seq), 0) FROM journal")[0][0]) + 1
nom_action = f"('nomination.' || CASE {jv} WHEN 0 THEN 'created' WHEN 1 THEN 'updated' WHEN 2 THEN 'submitted' WHEN 3 THEN 'appraised' WHEN 4 THEN 'approved' ELSE n.status END)"
unit_action = f"(CASE {jv} WHEN 0 THEN 'registration.created' WHEN 1 THEN 'registration.submitted' WHEN 2 THEN 'achievement.created' WHEN 3 THEN 'achievement.created' ELSE 'achievement.verified' END)"
session_action = f"(CASE WHEN {jv} < 3 THEN 'session.refreshed' WHEN {jv} < 5 THEN 'session.opened' ELSE 'session.closed' END)"
add(f"""
INSERT INTO journal (seq, occurred_at, action, record_kind, record_id, unit_id, feed, actor_kind, actor_id, client_addr, request_id, before_value, after_value)
SELECT {base} + g.i, {ts(jt)},
  CASE WHEN {jr} < 40 THEN {session_action} WHEN {jr} < 65 THEN {nom_action} WHEN {jr} < 73 THEN 'award.created'
       WHEN {jr} < 78 THEN (CASE WHEN {jv} < 2 THEN 'person.created' ELSE 'person.updated' END) WHEN {jr} < 97 THEN {unit_action}
       WHEN {jr} = 97 THEN (CASE WHEN {jv} < 3 THEN 'campaign.updated' ELSE 'indicator.created' END)
       WHEN {jr} = 98 THEN 'council_session.created' ELSE 'user.updated' END,
  CASE WHEN {jr} < 40 THEN 'session' WHEN {jr} < 65 THEN 'nomination' WHEN {jr} < 73 THEN 'award' WHEN {jr} < 78 THEN 'person'
       WHEN {jr} < 97 THEN (CASE WHEN {jv} < 2 THEN 'registration' ELSE 'achievement' END)
       WHEN {jr} = 97 THEN (CASE WHEN {jv} < 3 THEN 'campaign' ELSE 'indicator' END)
       WHEN {jr} = 98 THEN 'council_session' ELSE 'user' END,
  CASE WHEN {jr} < 40 THEN {uid(jt, 'b01', 'g.i')} WHEN {jr} < 65 THEN n.id WHEN {jr} < 73 THEN a.id WHEN {jr} < 78 THEN p.id
       WHEN {jr} = 97 THEN {camp_id(f'(g.i * {C} / {J})')} WHEN {jr} = 99 THEN gu.id ELSE {uid(jt, 'b02', 'g.i')} END,
  CASE WHEN {jr} < 40 OR {jr} IN (97, 98) THEN NULL WHEN {jr} < 65 THEN n.unit_id WHEN {jr} < 73 THEN a.unit_id
       WHEN {jr} = 99 THEN gu.unit_id ELSE {time_unit} END,
  CASE WHEN {jr} < 40 THEN NULL WHEN {jr} < 97 THEN 'unit' WHEN {jr} = 97 THEN 'registry' WHEN {jr} = 98 THEN 'admin' ELSE 'unit_accounts' END,
  'user', CASE WHEN {jr} >= 97 THEN {lit(admin)} ELSE {actor} END,
  '10.' || {text(f'{h("g.i", 73)} % 250')} || '.' || {text(f'{h("g.i", 74)} % 250')} || '.' || {text(f'{h("g.i", 75)} % 250 + 1')},
  {uid(jt, 'b03', 'g.i')},
  CASE WHEN {jr} BETWEEN 40 AND 64 AND {jv} > 0 THEN '{{"id":"' || n.id || '","status":"submitted","year":' || {text('n.year')} || ',"unit_id":"' || n.unit_id || '"}}'
       WHEN {jr} BETWEEN 73 AND 77 AND {jv} >= 2 THEN '{{"id":"' || p.id || '","full_name":"' || p.full_name || '","unit_id":"' || p.unit_id || '","version":1}}'
       ELSE NULL END,
  CASE WHEN {jr} < 40 THEN '{{"user_id":"' || {actor} || '"}}'
       WHEN {jr} < 65 THEN '{{"id":"' || n.id || '","status":"' || n.status || '","year":' || {text('n.year')} || ',"unit_id":"' || n.unit_id || '"}}'
       WHEN {jr} < 73 THEN '{{"id":"' || a.id || '","year":' || {text('a.year')} || ',"unit_id":"' || a.unit_id || '","decision_number":"' || a.decision_number || '"}}'
       WHEN {jr} < 78 THEN '{{"id":"' || p.id || '","full_name":"' || p.full_name || '","unit_id":"' || p.unit_id || '","version":2}}'
       ELSE '{{"at":"' || {text(ts(jt))} || '"}}' END
FROM {series(J)}
JOIN gen_user gu ON gu.k = {h('g.i', 76)} % {USERS}
JOIN gen_before ub ON ub.k = {h('g.i', 77)} % {UB}
JOIN gen_after ua ON ua.k = {h('g.i', 77)} % {UA}
LEFT JOIN nominations n ON {jr} BETWEEN 40 AND 64 AND n.id = {uid(f"({T0} + {nom_j} * {NOM_SPAN // N})", 'a02', nom_j)}
LEFT JOIN awards a ON {jr} BETWEEN 65 AND 72 AND a.id = {uid(f"({T0} + 365 * 86400 + ({awd_j} * 10) / {A} * 31557600 + 14 * 86400 + ({awd_j} % 86400))", 'a04', awd_j)}
LEFT JOIN people p ON {jr} BETWEEN 73 AND 77 AND p.id = {person_id(per_j)}
""")

# ---------- run ----------
# On PostgreSQL the load runs with session_replication_role = replica: no foreign-key trigger per
# row (minutes for 10 M rows). The rows are made to satisfy them, and SQLite checks every one of
# them on the same rows (PRAGMA foreign_keys = ON below).
# The big tables' secondary indexes (as the migrations made them) are dropped for the load and
# made again after it: one sort per index instead of 10 M random insertions.
BIG = ("journal", "nominations", "nomination_transitions", "awards", "people", "achievements")
if PG:
    indexes = query("SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.schemaname = 'public' AND i.tablename IN ("
                    + ", ".join(lit(t) for t in BIG) + ") AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)")
else:
    indexes = query("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN ("
                    + ", ".join(lit(t) for t in BIG) + ")")
stmts = [f"DROP INDEX {name}" for name, _ in indexes] + stmts + [sql for _, sql in indexes]
started = time.time()
if PG:
    timed = "".join(f"{st};\n\\echo {i}\n" for i, st in enumerate(stmts))
    script = "\\set ON_ERROR_STOP on\nSET synchronous_commit = off;\nSET session_replication_role = replica;\nSET work_mem = '256MB';\nSET maintenance_work_mem = '1GB';\nBEGIN;\n" + timed + "COMMIT;\nVACUUM ANALYZE;\n"
    run = subprocess.run(["psql", "-q", url], input=script, text=True, capture_output=True)
    if run.returncode:
        sys.exit(run.stderr[-3000:])
else:
    path = url.removeprefix("sqlite://")
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=OFF")
    db.execute("PRAGMA foreign_keys=ON")
    db.execute("PRAGMA cache_size=-1000000")
    db.execute("PRAGMA temp_store=MEMORY")
    db.execute("BEGIN")
    for st in stmts:
        try:
            t = time.time()
            db.execute(st)
            if time.time() - t > 5:
                print(f"# {time.time() - t:.0f} s: {' '.join(st.split())[:100]}", file=sys.stderr)
        except sqlite3.Error as e:
            sys.exit(f"{e}\n{st[:3000]}")
    db.execute("COMMIT")
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.execute("PRAGMA synchronous=FULL")
    db.close()
print(f"# loaded in {time.time() - started:.0f} s", file=sys.stderr)

# ---------- what the benchmark needs ----------
pick = lambda sql: query(sql)[0][0]
unit = pick("SELECT unit_id FROM nominations WHERE year = 2025 AND unit_id IN (SELECT id FROM units WHERE kind = 'commune') "
            "GROUP BY unit_id ORDER BY COUNT(*) DESC, unit_id LIMIT 1")
out = {
    "admin": admin,
    "person": pick(f"SELECT person_id FROM awards WHERE person_id IS NOT NULL ORDER BY id LIMIT 1 OFFSET {A // 2}"),
    "nomination": pick(f"SELECT id FROM nominations ORDER BY id LIMIT 1 OFFSET {N // 2}"),
    "award": pick(f"SELECT id FROM awards ORDER BY id LIMIT 1 OFFSET {A // 2}"),
    "unit": unit,
    "old_unit": pick("SELECT id FROM units WHERE kind = 'commune' AND valid_until IS NOT NULL ORDER BY code, id LIMIT 1 OFFSET 20"),
    "campaign": big,
    "actor": users[7][1],
    "record_id": pick(f"SELECT id FROM nominations ORDER BY id LIMIT 1 OFFSET {N // 3}"),
}
for k, v in out.items():
    print(f"{k}={v}")
for t in ("people", "nominations", "nomination_transitions", "stored_files", "nomination_achievements", "awards", "journal",
          "campaigns", "achievements", "units"):
    print(f"count_{t}={pick(f'SELECT COUNT(*) FROM {t}')}")
