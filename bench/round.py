#!/usr/bin/env python3
"""A round of LINES nominee lines through the API, timed step by step: one commune with LINES
people (inserted directly, like awards_data.py), a round for LĐTT (one line per person), the unit's
dossier, its filled XLSX sheet checked (preview) and committed, the shared documents, the
submission (every line judged), all lines listed page by page, the board's appraisal of every
line in one request, and the results as XLSX. Prints one Markdown row per step.

Usage: round.py BASE_URL TOKEN DATABASE_URL [LINES]  (BASE_URL ends with /api/v1)
"""
import datetime
import io
import json
import subprocess
import sys
import time
import urllib.request
import uuid
import zipfile
from xml.sax.saxutils import escape

import benchdb
from benchdb import q

base, token, url = sys.argv[1:4]
lines_n = int(sys.argv[4]) if len(sys.argv) > 4 else 10000
backend = "postgres" if url.startswith("postgres") else "sqlite"
now = datetime.datetime.utcnow().strftime("%Y-%m-%d %H:%M:%S")
PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def call(method, path, body=None, content_type="application/json", raw=False):
    data = json.dumps(body).encode() if body is not None and content_type == "application/json" else body
    req = urllib.request.Request(base + path, data=data, method=method)
    req.add_header("Authorization", f"Bearer {token}")
    if data is not None:
        req.add_header("Content-Type", content_type)
    with urllib.request.urlopen(req, timeout=600) as res:
        payload = res.read()
    return payload if raw else json.loads(payload)


def timed(name, f):
    start = time.monotonic()
    result = f()
    elapsed = time.monotonic() - start
    print(f"| {backend} | {name} | {elapsed:.2f} s |", flush=True)
    return result


def query(sql):
    return benchdb.query(url, sql)


def run_script(sql):
    benchdb.run_script(url, sql)


def xlsx(rows):
    """A minimal workbook: one sheet named Đề nghị, inline strings."""
    def cell(ref, value):
        return f'<c r="{ref}" t="inlineStr"><is><t>{escape(value)}</t></is></c>'
    body = []
    for i, values in enumerate(rows, start=1):
        cells = "".join(cell(f"{col}{i}", v) for col, v in zip("ABCD", values) if v)
        body.append(f'<row r="{i}">{cells}</row>')
    sheet = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
             '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
             + "".join(body) + "</sheetData></worksheet>")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml",
                   '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                   '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                   '<Default Extension="xml" ContentType="application/xml"/>'
                   '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
                   '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
                   '</Types>')
        z.writestr("_rels/.rels",
                   '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                   '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
                   '</Relationships>')
        z.writestr("xl/workbook.xml",
                   '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
                   'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
                   '<sheets><sheet name="Đề nghị" sheetId="1" r:id="rId1"/></sheets></workbook>')
        z.writestr("xl/_rels/workbook.xml.rels",
                   '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                   '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
                   '</Relationships>')
        z.writestr("xl/worksheets/sheet1.xml", sheet)
    return out.getvalue()


# One commune with LINES people, each proposed for LĐTT. (CSTĐ cơ sở lines, which judge against
# the same dossier's LĐTT lines and its quota, are not part of this run yet.)
unit = query("SELECT id FROM units WHERE kind = 'commune' ORDER BY code, id LIMIT 1")[0][0]
people = [str(uuid.uuid4()) for _ in range(lines_n)]
stmts = [
    "INSERT INTO people (id, full_name, full_name_folded, unit_id, version, created_at, updated_at) "
    f"VALUES ({q(p)}, {q(f'Người Số {i}')}, {q(f'nguoi so {i}')}, {q(unit)}, 1, {q(now)}, {q(now)})"
    for i, p in enumerate(people)
]
run_script("BEGIN;\n" + ";\n".join(stmts) + ";\nCOMMIT;\n")
if backend == "postgres":
    subprocess.run(["psql", "-q", url, "-c", "VACUUM ANALYZE"], check=True, capture_output=True)
types = {t["code"]: t for t in call("GET", "/award-types")}
year = datetime.date.today().year
deadline = (datetime.date.today() + datetime.timedelta(days=30)).isoformat()
round_ = call("POST", "/rounds", {"title": f"Đo hiệu năng {year}", "year": year, "deadline": deadline,
                                  "award_types": [{"award_type_id": types["LDTT"]["id"]}]})
dossier = call("POST", f"/rounds/{round_['id']}/dossiers", {"unit_id": unit})
rows = [["STT", "Cá nhân", "Danh hiệu", "Kỷ luật"]]
rows += [[str(i + 1), p, "LDTT", "không"] for i, p in enumerate(people)]
sheet = xlsx(rows)
print(f"<!-- sheet: {len(sheet)} bytes, {lines_n} rows -->")
path = f"/dossiers/{dossier['id']}"
preview = timed(f"check a sheet of {lines_n:,} rows (preview, nothing written)",
                lambda: call("POST", f"{path}/import", sheet, XLSX))
assert preview["invalid_rows"] == 0, preview["rows"][:3]
committed = timed(f"commit the sheet: {lines_n:,} lines added (nominations, journaled)",
                  lambda: call("POST", f"{path}/import?commit=true", sheet, XLSX))
assert committed["committed"] and len(committed["lines"]) == lines_n
for kind in ("to_trinh", "bien_ban_binh_xet", "bao_cao_thanh_tich"):
    call("POST", f"{path}/documents?kind={kind}", PDF, "application/pdf")
submitted = timed(f"submit the dossier: {lines_n:,} lines judged and submitted",
                  lambda: call("POST", f"{path}/submit"))
assert len(submitted["items"]) == lines_n


def list_all():
    cursor, seen = None, 0
    while True:
        page = call("GET", f"{path}/lines?limit=100" + (f"&cursor={cursor}" if cursor else ""))
        seen += len(page["items"])
        cursor = page["next_cursor"]
        if not cursor:
            return seen


seen = timed(f"list all {lines_n:,} lines, 100 a page", list_all)
assert seen == lines_n, seen
ids = [line["nomination"]["id"] for line in submitted["items"]]
appraisal = {"lines": [{"nomination_id": n, "action": "accept"} for n in ids]}
timed(f"appraise all {lines_n:,} lines in one request", lambda: call("POST", f"{path}/appraisal", appraisal))
timed("quota report of the round", lambda: call("GET", f"/rounds/{round_['id']}/quotas"))
size = len(timed("results as XLSX", lambda: call("GET", f"/rounds/{round_['id']}/results.xlsx", raw=True)))
print(f"<!-- results: {size} bytes -->")
