#!/usr/bin/env bash
# Where a request's CPU goes: seeds one backend with bench/run.sh's data set (20,000 people,
# 100,000 awards, one nomination each), starts the release binary, drives one scenario with wrk
# and records the server with `perf record --call-graph dwarf`, then prints the inclusive share
# of the functions named in bench/profile_report.py.
# Usage: bench/profile.sh sqlite|postgres officer|get|create [seconds, default 6]
# THIDUA_BIN: a release binary built already (skips the build; it wants debug info for the
# call graphs, as the release profile has). HISTORY=1 as in bench/paired.sh.
# Needs perf and wrk (both from Debian). Keeps perf.data and the report in bench/results/.
set -euo pipefail
cd "$(dirname "$0")/.."
backend="${1:?sqlite or postgres}"
scenario="${2:?officer, get or create}"
seconds="${3:-6}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/var/tmp/thidua-target}"
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
command -v perf >/dev/null || { apt-get update -qq && apt-get install -y -qq linux-perf >/dev/null; }
bin="${THIDUA_BIN:-$CARGO_TARGET_DIR/release/thidua}"
[ -n "${THIDUA_BIN:-}" ] || cargo build --release --locked --quiet
results="bench/results/profile-$backend-$scenario-$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$results"
password='Mật khẩu đo hiệu năng 2026'
work=$(mktemp -d)
server=""
cleanup() { [ -n "$server" ] && kill "$server" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

if [ "$backend" = sqlite ]; then
  url="sqlite://$work/bench.db"
else
  psql -q -h 127.0.0.1 -U postgres -c 'DROP DATABASE IF EXISTS thidua_profile WITH (FORCE)' -c 'CREATE DATABASE thidua_profile' postgres
  url="postgres://postgres@127.0.0.1:5432/thidua_profile"
fi
export DATABASE_URL="$url" THIDUA_BIND="127.0.0.1:18190" RUST_LOG=info THIDUA_EVIDENCE_STORE="$work/evidence"
export THIDUA_RATE_LIMIT_PER_MINUTE=0 THIDUA_LOGIN_MAX_FAILURES_PER_USER=1000000 THIDUA_LOGIN_MAX_FAILURES_PER_CLIENT=1000000
"$bin" seed >/dev/null
THIDUA_ADMIN_PASSWORD="$password" "$bin" create-admin --username bench --full-name "Đo hiệu năng" >/dev/null
python3 bench/awards_data.py "$url" 20000 5 >/dev/null
[ "$backend" = postgres ] && psql -q -h 127.0.0.1 -U postgres -c 'VACUUM ANALYZE' thidua_profile
"$bin" serve >"$results/server.log" 2>&1 &
server=$!
for _ in $(seq 1 50); do curl -sf "http://127.0.0.1:18190/health/ready" >/dev/null && break; sleep 0.2; done
base="http://127.0.0.1:18190/api/v1"
login() { curl -sf -H 'content-type: application/json' -d "{\"username\":\"$1\",\"password\":\"$password\"}" "$base/auth/login" | python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])'; }
token=$(login bench)
unit=$(curl -sf -H "Authorization: Bearer $token" "$base/communes/by-code/01840" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
case "$scenario" in
  officer)
    curl -sf -o /dev/null -H "Authorization: Bearer $token" -H 'content-type: application/json' \
      -d "{\"username\":\"canbo.xa\",\"full_name\":\"Cán bộ xã\",\"unit_id\":\"$unit\",\"roles\":[\"unit_officer\"],\"password\":\"$password\"}" "$base/users"
    load=(wrk -t2 -c32 -d"$((seconds + 4))s" -H "Authorization: Bearer $(login canbo.xa)" "$base/nominations?limit=50") ;;
  get) load=(wrk -t2 -c32 -d"$((seconds + 4))s" -H "Authorization: Bearer $token" "$base/communes/$unit") ;;
  create) load=(env AUTH="Bearer $token" UNIT="$unit" wrk -t2 -c8 -d"$((seconds + 4))s" -s bench/create_person.lua "$base/people") ;;
  *) echo "unknown scenario $scenario" >&2; exit 2 ;;
esac
"${load[@]}" >"$results/wrk.txt" &
load_pid=$!
sleep 2
perf record -q -F 999 -g --call-graph dwarf,16384 -o "$results/perf.data" -p "$server" -- sleep "$seconds" 2>/dev/null
wait "$load_pid"
grep 'Requests/sec' "$results/wrk.txt"
perf script -i "$results/perf.data" 2>/dev/null | python3 bench/profile_report.py | tee "$results/report.txt"
