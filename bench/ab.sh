#!/usr/bin/env bash
# Two builds side by side on one PostgreSQL database: binaries A and B serve the same data, and
# wrk runs a unit officer's page of 50 nominations against each in turn (A then B, then B then
# A, ...), so both see the same machine and the same rows — for a change that is smaller than
# this machine's drift between two separate runs. Prints each round's req/s and p99, then each
# side's median. bench/awards_data.py's data set (bench/run.sh's); HISTORY=1 gives each
# nomination the transitions that led to its status.
# Usage: bench/ab.sh BINARY_A BINARY_B [rounds, default 4] [seconds, default 5]
# Needs wrk, and PostgreSQL on 127.0.0.1:5432 (user postgres, trust auth). Uses the database
# thidua_ab (dropped and made again).
set -euo pipefail
a=$(realpath "${1:?binary A}"); b=$(realpath "${2:?binary B}"); rounds="${3:-4}"; duration="${4:-5}"
cd "$(dirname "$0")/.."
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
password='Mật khẩu đo hiệu năng 2026'
work=$(mktemp -d)
servers=""
cleanup() {
  status=$?
  for p in $servers; do kill "$p" 2>/dev/null || true; done
  # On a failure, the servers' last words.
  [ "$status" = 0 ] || for side in a b; do [ -f "$work/$side.log" ] && tail -5 "$work/$side.log" >&2; done
  rm -rf "$work"
}
trap cleanup EXIT
psql -q -h 127.0.0.1 -U postgres -c 'DROP DATABASE IF EXISTS thidua_ab WITH (FORCE)' -c 'CREATE DATABASE thidua_ab' postgres
export DATABASE_URL="postgres://postgres@127.0.0.1:5432/thidua_ab" RUST_LOG=info THIDUA_EVIDENCE_STORE="$work/evidence"
export THIDUA_RATE_LIMIT_PER_MINUTE=0 THIDUA_WEBHOOK_DISPATCH=false
export THIDUA_LOGIN_MAX_FAILURES_PER_USER=1000000 THIDUA_LOGIN_MAX_FAILURES_PER_CLIENT=1000000
"$a" seed >/dev/null
THIDUA_ADMIN_PASSWORD="$password" "$a" create-admin --username bench --full-name "Đo hiệu năng" >/dev/null
python3 bench/awards_data.py "$DATABASE_URL" 20000 5 >/dev/null
psql -q -h 127.0.0.1 -U postgres -c 'VACUUM ANALYZE' thidua_ab
THIDUA_BIND=127.0.0.1:18301 "$a" serve >"$work/a.log" 2>&1 &
servers="$!"
THIDUA_BIND=127.0.0.1:18302 "$b" serve >"$work/b.log" 2>&1 &
servers="$servers $!"
for port in 18301 18302; do
  for _ in $(seq 1 50); do curl -sf "http://127.0.0.1:$port/health/ready" >/dev/null && break; sleep 0.2; done
  curl -sf "http://127.0.0.1:$port/health/ready" >/dev/null || { echo "the server on port $port is not ready" >&2; exit 1; }
done
base="http://127.0.0.1:18301/api/v1"
login() { curl -sf -H 'content-type: application/json' -d "{\"username\":\"$1\",\"password\":\"$password\"}" "$base/auth/login" | python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])'; }
token=$(login bench)
unit=$(curl -sf -H "Authorization: Bearer $token" "$base/communes/by-code/01840" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
curl -sf -o /dev/null -H "Authorization: Bearer $token" -H 'content-type: application/json' \
  -d "{\"username\":\"canbo.xa\",\"full_name\":\"Cán bộ xã\",\"unit_id\":\"$unit\",\"roles\":[\"unit_officer\"],\"password\":\"$password\"}" "$base/users"
officer=$(login canbo.xa)
page() { curl -sf -H "Authorization: Bearer $officer" "http://127.0.0.1:$1/api/v1/nominations?limit=50"; }
page 18301 >"$work/a.json"
page 18302 >"$work/b.json"
if [ ! -s "$work/a.json" ] || ! cmp -s "$work/a.json" "$work/b.json"; then echo "A and B answer the page differently" >&2; exit 1; fi
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg); the page: $(wc -c <"$work/a.json") bytes, the same from A and B"
: >"$work/figures"
for r in $(seq 1 "$rounds"); do
  order=$([ $((r % 2)) = 1 ] && echo "A B" || echo "B A")
  for side in $order; do
    port=$([ "$side" = A ] && echo 18301 || echo 18302)
    wrk -t2 -c32 -d"${duration}s" --latency -H "Authorization: Bearer $officer" "http://127.0.0.1:$port/api/v1/nominations?limit=50" >"$work/wrk"
    read -r rps p99 <<<"$(awk '/Requests\/sec/ {r=$2} /^ +99%/ {p=$2} END {print r, p}' "$work/wrk")"
    echo "round $r $side: $rps req/s, p99 $p99"
    echo "$side $rps" >>"$work/figures"
  done
done
for side in A B; do
  echo "$side median: $(awk -v s="$side" '$1 == s {print $2}' "$work/figures" | sort -n | awk '{v[NR]=$1} END {print (NR % 2) ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2}') req/s"
done
