#!/usr/bin/env bash
# Reads, writes and memory against the ceiling, in one run (issues 18 and 19): on each backend,
# get-by-id (GET a commune, 32 connections) and journaled create (POST /people, 8 connections),
# the process's resident memory idle, after the reads, after the writes and after a login storm
# (16 connections for 6 s, then 2 s idle), and right after, the ceiling's get-by-id, list-50 and
# insert (../shared/ceiling/run.sh) on the same backend; each figure as a share of the ceiling's.
# Usage: bench/ceiling.sh [seconds per run, default 10]. THIDUA_BIN: a release binary built
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
results="bench/results/ceiling-$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$results"
bench_scratch

rss_mib() { awk '/VmRSS/ {printf "%d", $2 / 1024}' "/proc/$server/status"; }

echo "load average before the run: $(cut -d' ' -f1-3 /proc/loadavg)" | tee "$results/table.md"
printf '| backend | scenario | requests/s | p50 | p99 | share of the ceiling |\n|---|---|---|---|---|---|\n' | tee -a "$results/table.md"
for backend in sqlite postgres; do
  port=$([ "$backend" = sqlite ] && echo 18180 || echo 18181)
  url=$(bench_database "$backend" thidua_bench)
  bench_server_env "$url" "$work/evidence"
  bench_seed "$bin"
  bench_serve "$bin" "$port" "$results/$backend-server.log"
  sleep 1
  idle=$(rss_mib)
  base="http://127.0.0.1:$port/api/v1"
  token=$(bench_login "$base" bench)
  unit=$(bench_commune "$base" "$token" 01840)
  wrk -t2 -c32 -d"${duration}s" --latency -H "Authorization: Bearer $token" "$base/communes/$unit" >"$results/$backend-get.txt"
  after_reads=$(rss_mib)
  AUTH="Bearer $token" UNIT="$unit" wrk -t2 -c8 -d"${duration}s" --latency -s bench/create_person.lua "$base/people" >"$results/$backend-create.txt"
  after_writes=$(rss_mib)
  LOGIN_USER=bench LOGIN_PASSWORD="$BENCH_PASSWORD" wrk -t1 -c16 -d6s -s bench/login.lua "$base/auth/login" >"$results/$backend-logins.txt"
  after_logins=$(rss_mib)
  sleep 2
  settled=$(rss_mib)
  bench_stop
  CEILING_PORT=$((port + 10)) bash "$ceiling/run.sh" "$backend" "$duration" | tee "$results/$backend-ceiling.txt"
  for scenario in get create; do
    read -r rps p50 p99 <<<"$(bench_summarize "$results/$backend-$scenario.txt")"
    case $scenario in
      get) name="get a commune by id, authenticated (32 conns)"; against="get-by-id(auth)" ;;
      *) name="journaled create: POST /people (8 conns)"; against="insert" ;;
    esac
    top=$(awk -v s="$against" '$2 == s {print $3}' "$results/$backend-ceiling.txt")
    share=$(python3 -c "print(f'{100 * $rps / $top:.0f} % of {$top:,.0f}')")
    printf '| %s | %s | %s | %s | %s | %s |\n' "$backend" "$name" "$rps" "$p50" "$p99" "$share" | tee -a "$results/table.md"
  done
  ceiling_rss=$(awk '$2 == "rss-kB" {printf "%d", $3 / 1024}' "$results/$backend-ceiling.txt")
  echo "$backend resident memory (MiB): idle $idle, after reads $after_reads, after writes $after_writes, after the login storm $after_logins, 2 s later $settled (the ceiling's peak: $ceiling_rss)" | tee -a "$results/table.md"
done
echo "machine: $(nproc) cores; load average after the run: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$results/table.md"
