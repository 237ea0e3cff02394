#!/usr/bin/env bash
# thidua against the ceiling in alternating short runs, both servers up at once, so the two
# sides of each ratio see the same machine: this machine's throughput drifts by a third between
# runs a minute apart (docs/benchmarks.md, 2026-12-07), and a share taken from one run of each
# (bench/run.sh, bench/ceiling.sh) moves as much. Each round runs thidua then the ceiling, the
# next the ceiling then thidua, on each scenario; the median of the rounds' shares is printed,
# with the lowest and highest.
# Scenarios (the ceiling's counterpart in brackets): get a commune by id, authenticated, 32
# conns [get a unit by id]; a unit officer's page of 50 nominations, 32 conns [a page of 50 by
# status]; journaled create POST /people, 8 conns [bare insert].
# Usage: bench/paired.sh sqlite|postgres [rounds, default 5] [seconds per run, default 5]
# THIDUA_BIN: a release binary built already (skips the build). SCENARIOS: which to run
# (default "get officer create"). HISTORY=1: each nomination with the transitions that led to its
# status (bench/awards_data.py), so the officer's page carries a history. Needs wrk, and PostgreSQL on
# 127.0.0.1:5432 (user postgres, trust auth) for postgres. Raw output in bench/results/.
set -euo pipefail
cd "$(dirname "$0")/.."
backend="${1:?sqlite or postgres}"
rounds="${2:-5}"
duration="${3:-5}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/var/tmp/thidua-target}"
ceiling="${CEILING_DIR:-/work/shared/ceiling}"
. bench/lib.sh
bench_need wrk
bin=$(bench_binary)
ceiling_bin="${CEILING_TARGET:-/var/tmp/ceiling-target}/release/limits"
CARGO_TARGET_DIR="${CEILING_TARGET:-/var/tmp/ceiling-target}" cargo build --release --quiet --manifest-path "$ceiling/Cargo.toml"
results="bench/results/paired-$backend-$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$results"
bench_scratch

# thidua, with bench/run.sh's data set (20,000 people, 100,000 awards, one nomination each).
if [ "$backend" = sqlite ]; then
  url="sqlite://$work/bench.db"; ceiling_url="$work/ceiling.db"; pool=4
else
  url=$(bench_pg_database thidua_paired); ceiling_url=$(bench_pg_database ceiling_paired); pool=8
fi
bench_server_env "$url" "$work/evidence"
bench_seed "$bin"
bench_awards "$url"
bench_serve "$bin" 18195 "$results/server.log"
base="http://127.0.0.1:18195/api/v1"
login() { bench_login "$base" "$1"; }
token=$(login bench)
unit=$(bench_commune "$base" "$token" 01840)
bench_add_officer "$base" "$token" "$unit"
officer=$(login canbo.xa)
rows=$(curl -sf -H "Authorization: Bearer $officer" "$base/nominations?limit=50" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["items"]))')

# The ceiling, as its run.sh starts it.
export IDS_FILE="$work/unit_ids.txt"
DATABASE_URL="$ceiling_url" "$ceiling_bin" seed >/dev/null 2>&1
DATABASE_URL="$ceiling_url" POOL_SIZE=$pool BLOCKING=$((pool / 2)) BIND=127.0.0.1:18196 "$ceiling_bin" serve 2>/dev/null &
server="$server $!"
for _ in $(seq 100); do curl -sf "127.0.0.1:18196/hello" >/dev/null && break; sleep 0.1; done
ceiling_token=$("$ceiling_bin" token)
# Access tokens live 10 minutes: a new one for thidua each round.

rps() { awk '/Requests\/sec/ {print $2}' "$1"; }
p99() { awk '/^ +99%/ {print $2}' "$1"; }
ours() { # scenario file
  case $1 in
    get) wrk -t2 -c32 -d"${duration}s" --latency -H "Authorization: Bearer $token" "$base/communes/$unit" >"$2" ;;
    officer) wrk -t2 -c32 -d"${duration}s" --latency -H "Authorization: Bearer $officer" "$base/nominations?limit=50" >"$2" ;;
    create) AUTH="Bearer $token" UNIT="$unit" wrk -t2 -c8 -d"${duration}s" --latency -s bench/create_person.lua "$base/people" >"$2" ;;
  esac
}
theirs() { # scenario file
  case $1 in
    get) PREFIX=/auth/units/ TOKEN=$ceiling_token wrk -t2 -c32 -d"${duration}s" --latency -s "$ceiling/lua/units.lua" "http://127.0.0.1:18196" >"$2" ;;
    officer) wrk -t2 -c32 -d"${duration}s" --latency -H "Authorization: Bearer $ceiling_token" "http://127.0.0.1:18196/auth/nominations?status=submitted&limit=50" >"$2" ;;
    create) wrk -t2 -c8 -d"${duration}s" --latency -s "$ceiling/lua/post.lua" "http://127.0.0.1:18196/" >"$2" ;;
  esac
}

for scenario in ${SCENARIOS:-get officer create}; do
  case $scenario in get | officer | create) ;; *) echo "unknown scenario $scenario (get, officer, create)" >&2; exit 2 ;; esac
done
if [ "${SCENARIOS+set}" = set ] && [ -z "${SCENARIOS// /}" ]; then echo "SCENARIOS names none" >&2; exit 2; fi
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) cores; $rounds rounds of ${duration} s" | tee "$results/table.md"
for round in $(seq 1 "$rounds"); do
  token=$(login bench); officer=$(login canbo.xa)
  for scenario in ${SCENARIOS:-get officer create}; do
    if [ $((round % 2)) = 1 ]; then ours "$scenario" "$results/$scenario-$round-ours.txt"; theirs "$scenario" "$results/$scenario-$round-theirs.txt"
    else theirs "$scenario" "$results/$scenario-$round-theirs.txt"; ours "$scenario" "$results/$scenario-$round-ours.txt"; fi
    for side in ours theirs; do
      # A run that got errors, or none of wrk's summary, measured nothing worth a share.
      if grep -q 'Non-2xx' "$results/$scenario-$round-$side.txt" || [ -z "$(rps "$results/$scenario-$round-$side.txt")" ]; then
        echo "round $round $scenario ($side): failed requests or no summary; see $results/$scenario-$round-$side.txt" >&2
        exit 1
      fi
    done
    a=$(rps "$results/$scenario-$round-ours.txt"); b=$(rps "$results/$scenario-$round-theirs.txt")
    printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$scenario" "$round" "$a" "$b" "$(p99 "$results/$scenario-$round-ours.txt")" "$(p99 "$results/$scenario-$round-theirs.txt")" >>"$results/rounds.tsv"
    echo "round $round $scenario: thidua $a req/s, ceiling $b req/s ($(python3 -c "print(f'{100 * $a / $b:.0f} %')"))"
  done
done
python3 - "$results/rounds.tsv" "$backend" "$rows" <<'EOF' | tee -a "$results/table.md"
import statistics, sys
names = {"get": "get a commune by id, authenticated (32 conns)",
         "officer": f"unit officer: own unit's newest nominations, {sys.argv[3]} a page (32 conns)",
         "create": "journaled create: POST /people (8 conns)"}
rows = [line.rstrip("\n").split("\t") for line in open(sys.argv[1])]
print("| backend | scenario | thidua req/s (median) | p99 (median) | ceiling req/s (median) | share: median (lowest–highest) |")
print("|---|---|---|---|---|---|")
def ms(v):
    return float(v[:-2]) if v.endswith("ms") else float(v[:-2]) / 1000 if v.endswith("us") else float(v[:-1]) * 1000
for scenario in ("get", "officer", "create"):
    mine = [r for r in rows if r[0] == scenario]
    if not mine:
        continue
    shares = [100 * float(r[2]) / float(r[3]) for r in mine]
    print(f"| {sys.argv[2]} | {names[scenario]} | {statistics.median(float(r[2]) for r in mine):,.0f} | "
          f"{statistics.median(ms(r[4]) for r in mine):.1f} ms | {statistics.median(float(r[3]) for r in mine):,.0f} | "
          f"**{statistics.median(shares):.0f} %** ({min(shares):.0f}–{max(shares):.0f} %) |")
EOF
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$results/table.md"
