#!/usr/bin/env bash
# The write path against the ceiling, in one run: journaled create (POST /people) and journaled
# update (PATCH a commune) at 8 connections on each backend, each followed by the ceiling's bare
# insert (../shared/ceiling/run.sh, a trivial actix+diesel service) on the same backend, and the
# shares. Usage: bench/writes.sh [seconds per run, default 10]. THIDUA_BIN: a release binary built
# already (skips the build). Needs wrk, and PostgreSQL on
# 127.0.0.1:5432 (user postgres, trust auth). Raw output in bench/results/.
set -euo pipefail
cd "$(dirname "$0")/.."
duration="${1:-10}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/var/tmp/thidua-target}"
ceiling="${CEILING_DIR:-/work/shared/ceiling}"
. bench/lib.sh
bench_need wrk
bin=$(bench_binary)
results="bench/results/writes-$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$results"
bench_scratch

echo "load average before the run: $(cut -d' ' -f1-3 /proc/loadavg)"
printf '| backend | scenario | requests/s | p50 | p99 | share of the ceiling insert |\n|---|---|---|---|---|---|\n' | tee "$results/table.md"
for backend in sqlite postgres; do
  port=$([ "$backend" = sqlite ] && echo 18180 || echo 18181)
  url=$(bench_database "$backend" thidua_bench)
  bench_server_env "$url" "$work/evidence"
  bench_seed "$bin"
  bench_serve "$bin" "$port" "$results/$backend-server.log"
  base="http://127.0.0.1:$port/api/v1"
  token=$(bench_login "$base" bench)
  unit=$(bench_commune "$base" "$token" 01840)
  write_id=$(bench_commune "$base" "$token" 01843)
  AUTH="Bearer $token" UNIT="$unit" wrk -t2 -c8 -d"${duration}s" --latency -s bench/create_person.lua "$base/people" >"$results/$backend-create.txt"
  AUTH="Bearer $token" wrk -t2 -c8 -d"${duration}s" --latency -s bench/patch.lua "$base/communes/$write_id" >"$results/$backend-update.txt"
  # The same, spread over 16 communes: what a write costs without waiting for one hot row.
  ids=$(curl -sf -H "Authorization: Bearer $token" "$base/communes?limit=16" | python3 -c 'import json,sys; print(",".join(c["id"] for c in json.load(sys.stdin)["items"]))')
  AUTH="Bearer $token" IDS="$ids" wrk -t2 -c8 -d"${duration}s" --latency -s bench/patch_many.lua "$base/communes/" >"$results/$backend-update-many.txt"
  bench_stop
  # The ceiling, right after, on the same backend.
  CEILING_PORT=$((port + 10)) bash "$ceiling/run.sh" "$backend" "$duration" | tee "$results/$backend-ceiling.txt"
  insert=$(awk '$2 == "insert" {print $3}' "$results/$backend-ceiling.txt")
  for scenario in create update update-many; do
    read -r rps p50 p99 <<<"$(bench_summarize "$results/$backend-$scenario.txt")"
    case $scenario in
      create) name="journaled create: POST /people (8 conns)" ;;
      update) name="journaled update: PATCH one commune (8 conns)" ;;
      *) name="journaled update: PATCH 16 communes in turn (8 conns)" ;;
    esac
    share=$(python3 -c "print(f'{100 * $rps / $insert:.0f} %')")
    printf '| %s | %s | %s | %s | %s | %s |\n' "$backend" "$name" "$rps" "$p50" "$p99" "$share" | tee -a "$results/table.md"
  done
  awk -v b="$backend" '$2 == "insert" {printf "| %s | ceiling: bare insert (8 conns) | %s | %s | %s | 100 %% |\n", b, $3, $4, $5}' "$results/$backend-ceiling.txt" | tee -a "$results/table.md"
done
echo "machine: $(nproc) cores; load average before the run: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$results/table.md"
