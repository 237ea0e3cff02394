#!/usr/bin/env bash
# Regenerates the sample documents in docs/samples/ from the demo data, through the API as a
# client would: builds the debug binary, starts it on a free 127.0.0.1 port with a fresh
# SQLite database and evidence directory (reference data + `seed --demo`), signs in as a
# throw-away admin, makes each of the seven kinds as PDF and DOCX with POST /api/v1/documents,
# downloads the files here as <kind>.pdf and <kind>.docx, then stops the server and removes its
# temporary files.
#
#   bash docs/samples/make.sh
#
# Needs bash, curl, python3 and cargo. CARGO_TARGET_DIR (default /var/tmp/thidua-target) and
# CARGO_INCREMENTAL (default 0) may be set. A failing API call is printed with its request and
# response; the other kinds are still made, and the script exits 1 at the end.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-/var/tmp/thidua-target}
export CARGO_INCREMENTAL=${CARGO_INCREMENTAL:-0}

echo "== building (debug)" >&2
(cd "$root" && cargo build)
bin=$CARGO_TARGET_DIR/debug/thidua

tmp=$(mktemp -d "${TMPDIR:-/tmp}/thidua-samples.XXXXXX")
server_pid=
cleanup() {
    if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
        kill -TERM "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
    fi
    rm -rf "$tmp"
}
trap cleanup EXIT

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
base="http://127.0.0.1:$port"
export DATABASE_URL="sqlite://$tmp/thidua.db"
export THIDUA_EVIDENCE_STORE="$tmp/evidence"
export THIDUA_BIND="127.0.0.1:$port"
export THIDUA_WEBHOOK_DISPATCH=false
export RUST_LOG=${RUST_LOG:-warn}
unset THIDUA_METRICS_BIND OTEL_EXPORTER_OTLP_ENDPOINT THIDUA_REQUIRE_SIGNED_DECISIONS

# The demo (README, "Commands"): reference data plus `--demo`. It has no account one can sign
# in to, so the board's admin is created as the README says, with a random password.
echo "== seeding the demo into $tmp" >&2
(cd "$tmp" && "$bin" seed --demo) >"$tmp/seed.log" 2>&1 || { cat "$tmp/seed.log" >&2; exit 1; }
admin=samples.admin
password=$(python3 -c 'import secrets; print(secrets.token_urlsafe(24))')
(cd "$tmp" && THIDUA_ADMIN_PASSWORD=$password "$bin" create-admin --username "$admin" \
    --full-name "Ban Thi đua – Khen thưởng") >"$tmp/admin.log" 2>&1 || { cat "$tmp/admin.log" >&2; exit 1; }

echo "== serving on $base" >&2
(cd "$tmp" && exec "$bin" serve) >"$tmp/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 150); do
    curl -fsS -o /dev/null "$base/health/ready" 2>/dev/null && break
    kill -0 "$server_pid" 2>/dev/null || { echo "the server stopped:" >&2; cat "$tmp/server.log" >&2; exit 1; }
    sleep 0.2
done
curl -fsS -o /dev/null "$base/health/ready" || { echo "the server is not ready:" >&2; cat "$tmp/server.log" >&2; exit 1; }

# api METHOD PATH [JSON]: the answer's body on stdout; on 4xx/5xx the request and the answer on
# stderr, and status 1.
token=
api() {
    local method=$1 path=$2 body=${3-} code
    local args=(-sS -o "$tmp/answer" -w '%{http_code}' -X "$method" -H 'accept: application/json')
    [ -n "$token" ] && args+=(-H "authorization: Bearer $token")
    [ -n "$body" ] && args+=(-H 'content-type: application/json' --data-binary "$body")
    code=$(curl "${args[@]}" "$base$path") || { echo "curl failed: $method $path" >&2; return 1; }
    if [ "$code" -ge 400 ]; then
        {
            echo "API error: $method $path${body:+ $body}"
            echo "  -> HTTP $code $(cat "$tmp/answer")"
        } >&2
        return 1
    fi
    cat "$tmp/answer"
}
# pick EXPR: evaluates a Python expression over the JSON on stdin (as d).
pick() { python3 -c "import json, sys; d = json.load(sys.stdin); print($1)"; }
# first_id EXPR-OVER-x: the id of the first item x of d["items"] for which it holds.
first_id() { pick "next((x['id'] for x in d['items'] if $1), '')"; }

echo "== signing in as $admin" >&2
login=$(python3 -c 'import json, sys; print(json.dumps({"username": sys.argv[1], "password": sys.argv[2]}))' "$admin" "$password")
token=$(api POST /api/v1/auth/login "$login" | pick 'd["access_token"]')

# -- The source records, found as a client finds them -------------------------------------
types=$(api GET /api/v1/award-types)
type_id() { pick "next(t['id'] for t in d if t['code'] == '$1')" <<<"$types"; }

# Thái Nguyên's 2025 round: Phường Đức Xuân's dossier, sent and appraised (the other is a draft).
round=$(api GET '/api/v1/rounds?year=2025' | first_id "x['title'] == 'Xét tặng danh hiệu thi đua năm 2025'")
dossier=$(api GET "/api/v1/rounds/$round/dossiers" | first_id "x['status'] != 'draft'")

# 2024 nominations: Nông Văn Hải for Chiến sĩ thi đua cấp tỉnh (past awards, initiatives), and
# the ward proposed for Tập thể lao động xuất sắc (a collective).
nominations=$(api GET '/api/v1/nominations?year=2024&limit=100')
individual=$(first_id "x['award_type_id'] == '$(type_id CSTD_TINH)' and x['person_id']" <<<"$nominations")
collective=$(first_id "x['award_type_id'] == '$(type_id TTLDXS)' and not x['person_id']" <<<"$nominations")

# The demo's closed council session (the 2024 vote on Nông Văn Hải, with its minutes). A client
# would find it in the change feed; but the demo is written without journal entries and there
# is no `GET /council-sessions` list, so when the feed has none the id is read from the
# database file itself -- a stop-gap, said aloud, not what a client can do.
events=$(api GET '/api/v1/events?types=council_session.*&limit=100')
session=$(pick "next((e['record']['id'] for e in d['items'] if e['type'] == 'council_session.closed'), '')" <<<"$events")
if [ -z "$session" ]; then
    echo "!! no closed council session in GET /api/v1/events and no API lists sessions:" \
        "reading its id from the SQLite file" >&2
    session=$(python3 -c 'import sqlite3, sys
c = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True)
row = c.execute("select id from council_sessions where status = ? order by created_at limit 1", ("closed",)).fetchone()
print(row[0] if row else "")' "$tmp/thidua.db")
fi

# The province's decision 15/QĐ-UBND of 10 February 2025, and its award to Hoàng Thị Mai
# (Bằng khen của Chủ tịch UBND tỉnh) for the certificate.
decisions=$(api GET '/api/v1/decisions?year=2025&limit=100')
decision=$(first_id "x['number'] == '15/QĐ-UBND'" <<<"$decisions")
award_ids=$(pick "' '.join(next(x['award_ids'] for x in d['items'] if x['id'] == '$decision'))" <<<"$decisions")
award=
for id in $award_ids; do
    if [ "$(api GET "/api/v1/awards/$id" | pick "d['award_type_id']")" = "$(type_id BANG_KHEN_TINH_CA_NHAN)" ]; then
        award=$id
    fi
done

cat >&2 <<EOF
== sources
   round $round, dossier $dossier
   nominations: individual $individual, collective $collective
   council session $session
   decision $decision, award $award
EOF

# -- The documents -----------------------------------------------------------------------
failed=0
make_document() {
    local kind=$1 source=$2 format doc
    if [ -z "$source" ]; then
        echo "no source record found for $kind" >&2
        failed=1
        return
    fi
    for format in pdf docx; do
        rm -f "$here/$kind.$format"
        doc=$(api POST /api/v1/documents "{\"kind\": \"$kind\", \"source_id\": \"$source\", \"format\": \"$format\"}") \
            || { failed=1; continue; }
        local id
        id=$(pick 'd["id"]' <<<"$doc")
        curl -fsS -H "authorization: Bearer $token" -o "$here/$kind.$format" "$base/api/v1/documents/$id/file" \
            || { echo "download failed: GET /api/v1/documents/$id/file" >&2; failed=1; continue; }
        printf '   %-36s %8d bytes\n' "$kind.$format" "$(wc -c <"$here/$kind.$format")" >&2
    done
}

echo "== documents" >&2
make_document submission "$dossier"
make_document nominee_list "$dossier"
make_document achievement_report_individual "$individual"
make_document achievement_report_collective "$collective"
make_document council_minutes "$session"
make_document decision "$decision"
make_document certificate "$award"

if [ "$failed" != 0 ]; then
    echo "== some documents were not made (above); the server's log:" >&2
    tail -n 40 "$tmp/server.log" >&2
    exit 1
fi
echo "== done" >&2
