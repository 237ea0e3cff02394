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
. bench/lib.sh
bench_need wrk perf
bin=$(bench_binary)
results="bench/results/profile-$backend-$scenario-$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$results"
bench_scratch

url=$(bench_database "$backend" thidua_profile)
bench_server_env "$url" "$work/evidence"
bench_seed "$bin"
bench_awards "$url"
bench_serve "$bin" 18190 "$results/server.log"
base="http://127.0.0.1:18190/api/v1"
token=$(bench_login "$base" bench)
unit=$(bench_commune "$base" "$token" 01840)
case "$scenario" in
  officer)
    bench_add_officer "$base" "$token" "$unit"
    load=(wrk -t2 -c32 -d"$((seconds + 4))s" -H "Authorization: Bearer $(bench_login "$base" canbo.xa)" "$base/nominations?limit=50") ;;
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
