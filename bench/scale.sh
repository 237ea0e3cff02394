#!/usr/bin/env bash
# The same speed at a million rows (issue 19 item 3). For each backend, builds the 10k-row and the
# 1M-row dataset (bench/scale_data.py --scale 0.01 / 1: nominations, awards, people, journal
# entries and campaigns of a province after ten years), starts the release server on each, and
# measures every list and lookup with wrk at both sizes: get by id (a nomination, an award, a
# person), a commune officer's 50 newest nominations (and 10: at 10k the unit has only 13, so
# only a page of 10 is full at both sizes), an admin's list by status and year, a
# person's award history, the change feed from the start (admin, and the commune officer), and
# the audit trail unfiltered and with each of its filters. Then single requests (median of 5):
# the awards report rolled up over all awards (target 1 s) and the progress of a campaign of
# 500 units × 30 indicators (target 100 ms). Prints a Markdown table with the ratio of the p50s
# (target: 1M within 1.5× of 10k).
#
# On PostgreSQL at 1M rows it also logs every statement of one request per scenario
# (log_min_duration_statement = 0 for that database only, while the capture runs) and hands the
# log to bench/plans.py, which explains them and writes docs/plans/postgres-1m.md (RECORD=1) or
# checks the recorded plans' shapes (default).
#
# Usage: bench/scale.sh [seconds per run, default 5]
#   THIDUA_BIN   release binary (default /var/tmp/rel-target/release/thidua, built if missing)
#   BACKENDS     "sqlite postgres" (default); SIZES "0.01 1" (default)
#   REUSE=1      keep and reuse loaded datasets (/var/tmp/thidua-scale/*.db, thidua_scale_*)
#   KEEP_1M=1    leave the PostgreSQL 1M database (thidua_scale_1m) in place at the end
#   RECORD=1     rewrite docs/plans/postgres-1m.md from this run's statements
# Needs wrk and PostgreSQL on 127.0.0.1:5432 (user postgres, trust auth). Raw output in
# bench/results/scale-<time>/.
set -euo pipefail
cd "$(dirname "$0")/.."
duration="${1:-5}"
bin="${THIDUA_BIN:-/var/tmp/rel-target/release/thidua}"
if [ ! -x "$bin" ]; then
  CARGO_TARGET_DIR=/var/tmp/rel-target cargo build --release --locked --quiet
  bin=/var/tmp/rel-target/release/thidua
fi
. bench/lib.sh
bench_need wrk
results="bench/results/scale-$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$results"
data=/var/tmp/thidua-scale
mkdir -p "$data"
pglog=$(ls -t /var/log/postgresql/postgresql-*-main.log | head -1)
server=""
cleanup() { [ -n "$server" ] && kill "$server" 2>/dev/null; true; }
trap cleanup EXIT

login() { bench_login "$base" "$1"; }
median5() { # url token -> median seconds of 5 requests (after one warm-up)
  curl -sf -o /dev/null -H "Authorization: Bearer $2" "$1"
  for _ in 1 2 3 4 5; do curl -sf -o /dev/null -w '%{time_total}\n' -H "Authorization: Bearer $2" "$1"; done | sort -n | sed -n 3p
}

echo "load average before the run: $(cut -d' ' -f1-3 /proc/loadavg)" | tee "$results/load.txt"
: >"$results/figures.tsv"
for backend in ${BACKENDS:-sqlite postgres}; do
  for size in ${SIZES:-0.01 1}; do
    name=$([ "$size" = 1 ] && echo 1m || echo "$(python3 -c "print(f'{round(1_000_000 * $size / 1000)}k')")")
    if [ "$backend" = sqlite ]; then
      url="sqlite://$data/$name.db"; port=18280
      loaded=$([ -f "$data/$name.db" ] && [ -f "$data/$name.sqlite.ids" ] && echo yes || echo no)
      ids="$data/$name.sqlite.ids"
    else
      db="thidua_scale_$name"; url="postgres://postgres@127.0.0.1:5432/$db"; port=18281
      loaded=$(psql -h 127.0.0.1 -U postgres -Atc "SELECT 1 FROM pg_database WHERE datname = '$db'" postgres | grep -q 1 && [ -f "$data/$name.postgres.ids" ] && echo yes || echo no)
      ids="$data/$name.postgres.ids"
    fi
    bench_server_env "$url" "$data/evidence"
    export THIDUA_BIND="127.0.0.1:$port"
    if [ "${REUSE:-0}" != 1 ] || [ "$loaded" != yes ]; then
      if [ "$backend" = sqlite ]; then
        rm -f "$data/$name.db" "$data/$name.db-wal" "$data/$name.db-shm"
      else
        bench_pg_database "$db" >/dev/null
      fi
      bench_seed "$bin"
      start=$(date +%s)
      python3 bench/scale_data.py "$url" --scale "$size" >"$ids"
      echo "$backend $name: loaded in $(($(date +%s) - start)) s" | tee -a "$results/load.txt"
    fi
    cat "$ids" >"$results/$backend-$name.ids"
    # shellcheck disable=SC1090
    source <(grep -E '^[a-z_]+=' "$ids")
    "$bin" serve >"$results/$backend-$name-server.log" 2>&1 &
    server=$!
    bench_wait "$port"
    base="http://127.0.0.1:$port/api/v1"
    admin_token=$(login bench)
    # The commune officer: an account of the unit with the most 2025 nominations (there
    # already when a loaded data set is reused).
    bench_add_officer "$base" "$admin_token" "$unit" || true
    officer_token=$(login canbo.xa)
    scenarios=(
      "get a nomination by id|admin|/nominations/$nomination"
      "get an award by id|admin|/awards/$award"
      "get a person by id|admin|/people/$person"
      "officer: own unit's 50 newest nominations|officer|/nominations?limit=50"
      "officer: own unit's 10 newest nominations (a full page at both sizes)|officer|/nominations?limit=10"
      "admin: nominations by status and year, 50|admin|/nominations?status=decided&year=2020&limit=50"
      "a person's award history|admin|/awards?person_id=$person"
      "admin: awards of one year, 50|admin|/awards?year=2020&limit=50"
      "change feed from the start, admin, 100|admin|/events?limit=100"
      "change feed from the start, commune officer, 100|officer|/events?limit=100"
      "audit trail, newest 50|admin|/audit-entries?limit=50"
      "audit: one record|admin|/audit-entries?record_kind=nomination&record_id=$record_id&limit=50"
      "audit: one actor|admin|/audit-entries?actor_id=$actor&limit=50"
      "audit: one action|admin|/audit-entries?action=nomination.decided&limit=50"
      "audit: a dissolved commune's|admin|/audit-entries?unit_id=$old_unit&limit=50"
      "audit: a current commune's|admin|/audit-entries?unit_id=$unit&limit=50"
      "audit: one month in 2019|admin|/audit-entries?since=2019-03-01T00:00:00Z&until=2019-04-01T00:00:00Z&limit=50"
    )
    if [ "$backend" = postgres ] && [ "$size" = 1 ]; then
      # One request per scenario with every statement logged, then back to normal.
      psql -q -h 127.0.0.1 -U postgres -c "ALTER DATABASE $db SET log_min_duration_statement = 0" postgres
      kill "$server"; wait "$server" 2>/dev/null || true
      "$bin" serve >>"$results/$backend-$name-server.log" 2>&1 &
      server=$!
      bench_wait "$port"
      : >"$results/segments.tsv"
      extra=("awards report rolled up|admin|/reports/awards?roll_up=true" "campaign progress, 500 units x 30 indicators|admin|/campaigns/$campaign/progress")
      for s in "${scenarios[@]}" "${extra[@]}"; do
        IFS='|' read -r label who path <<<"$s"
        token=$([ "$who" = officer ] && echo "$officer_token" || echo "$admin_token")
        sleep 0.3; from=$(stat -c %s "$pglog")
        code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $token" "$base$path")
        sleep 0.5; to=$(stat -c %s "$pglog")
        printf '%s\t%s\t%s\t%s\t%s\n' "$label" "$path" "$from" "$to" "$code" >>"$results/segments.tsv"
      done
      psql -q -h 127.0.0.1 -U postgres -c "ALTER DATABASE $db RESET log_min_duration_statement" postgres
      kill "$server"; wait "$server" 2>/dev/null || true
      "$bin" serve >>"$results/$backend-$name-server.log" 2>&1 &
      server=$!
      bench_wait "$port"
      if [ "${RECORD:-0}" = 1 ]; then
        python3 bench/plans.py record "$url" --log "$pglog" --segments "$results/segments.tsv" --db "$db" --out docs/plans/postgres-1m.md | tee "$results/plans.txt" || true
      else
        python3 bench/plans.py check "$url" | tee "$results/plans.txt" || true
      fi
    fi
    i=0
    for s in "${scenarios[@]}"; do
      IFS='|' read -r label who path <<<"$s"
      token=$([ "$who" = officer ] && echo "$officer_token" || echo "$admin_token")
      i=$((i + 1))
      code=$(curl -s -o "$results/$backend-$name-$i.json" -w '%{http_code}' -H "Authorization: Bearer $token" "$base$path")
      wrk -t2 -c16 -d"${duration}s" --latency -H "Authorization: Bearer $token" "$base$path" >"$results/$backend-$name-$i.txt"
      read -r rps p50 p99 <<<"$(bench_summarize "$results/$backend-$name-$i.txt")"
      non2xx=$(awk '/Non-2xx/ {print $NF}' "$results/$backend-$name-$i.txt")
      printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$backend" "$name" "$label" "$rps" "$p50" "$p99" "$code${non2xx:+ ($non2xx non-2xx)}" | tee -a "$results/figures.tsv"
    done
    t=$(median5 "$base/reports/awards?roll_up=true" "$admin_token")
    printf '%s\t%s\t%s\t%s\t\t\t\n' "$backend" "$name" "single: awards report rolled up" "$t" | tee -a "$results/figures.tsv"
    t=$(median5 "$base/campaigns/$campaign/progress" "$admin_token")
    printf '%s\t%s\t%s\t%s\t\t\t\n' "$backend" "$name" "single: campaign progress, 500 units x 30 indicators" "$t" | tee -a "$results/figures.tsv"
    rss=$(ps -o rss= -p "$server" | tr -d ' ')
    echo "$backend $name: resident memory after the runs: $((rss / 1024)) MiB" | tee -a "$results/load.txt"
    kill "$server"; wait "$server" 2>/dev/null || true; server=""
  done
done
echo "load average after the run: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$results/load.txt"

# The table: each scenario at both sizes, the ratio of the p50s against 1.5×.
python3 - "$results/figures.tsv" <<'EOF' | tee "$results/table.md"
import sys
from collections import defaultdict
def ms(v):
    v = v.strip()
    for unit, f in (("us", 0.001), ("ms", 1), ("s", 1000)):
        if v.endswith(unit):
            return float(v[: -len(unit)]) * f
    return float("nan")
rows = defaultdict(dict)
order = []
for line in open(sys.argv[1], encoding="utf-8"):
    backend, size, label, rps, p50, p99, code = (line.rstrip("\n").split("\t") + [""] * 7)[:7]
    if (backend, label) not in order:
        order.append((backend, label))
    rows[(backend, label)][size] = (rps, p50, p99, code)
print("| backend | scenario | 10k: req/s, p50, p99 | 1M: req/s, p50, p99 | p50 1M / 10k | target |")
print("|---|---|---|---|---|---|")
for backend, label in order:
    r = rows[(backend, label)]
    small, big = r.get("10k"), r.get("1m")
    if label.startswith("single:"):
        limit = 1.0 if "awards" in label else 0.1
        cell = lambda x: f"{float(x[0]) * 1000:.1f} ms" if x else "—"
        verdict = "PASS" if big and float(big[0]) <= limit else "FAIL"
        print(f"| {backend} | {label[8:]} (median of 5) | {cell(small)} | {cell(big)} | | {verdict} (≤ {limit * 1000:.0f} ms at 1M) |")
        continue
    cell = lambda x: f"{float(x[0]):,.0f}, {x[1]}, {x[2]}" + ("" if x[3].startswith("200") else f" [HTTP {x[3]}]") if x else "—"
    ratio = ms(big[1]) / ms(small[1]) if small and big else float("nan")
    verdict = "PASS" if ratio <= 1.5 else "FAIL"
    if not big or float(big[0]) == 0:
        verdict = "FAIL (no request answered within wrk's 2 s timeout)"
    print(f"| {backend} | {label} | {cell(small)} | {cell(big)} | {ratio:.2f}× | {verdict} |")
EOF
echo "machine: $(nproc) cores; wrk -t2 -c16 -d${duration}s --latency on the same machine" | tee -a "$results/table.md"
if [ "${KEEP_1M:-0}" != 1 ] && [ "${REUSE:-0}" != 1 ]; then
  for db in thidua_scale_10k thidua_scale_1m; do
    psql -q -h 127.0.0.1 -U postgres -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" postgres
  done
fi
