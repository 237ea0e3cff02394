#!/usr/bin/env bash
# The write path against the ceiling, in one run: journaled create (POST /people) and journaled
# update (PATCH a commune) at 8 connections on each backend, each followed by the ceiling's bare
# insert (../shared/ceiling/run.sh, a trivial actix+diesel service) on the same backend, and the
# shares. Usage: bench/writes.sh [seconds per run, default 10]. Needs wrk, and PostgreSQL on
# 127.0.0.1:5432 (user postgres, trust auth). Raw output in bench/results/.
set -euo pipefail
cd "$(dirname "$0")/.."
duration="${1:-10}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/var/tmp/thidua-target}"
ceiling="${CEILING_DIR:-/work/shared/ceiling}"
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
# THIDUA_BIN: a release binary built already (skips the build).
bin="${THIDUA_BIN:-$CARGO_TARGET_DIR/release/thidua}"
[ -n "${THIDUA_BIN:-}" ] || cargo build --release --locked --quiet
results="bench/results/writes-$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$results"
password='Mật khẩu đo hiệu năng 2026'
work=$(mktemp -d)
server=""
cleanup() { [ -n "$server" ] && kill "$server" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

summarize() { awk '/Requests\/sec/ {rps=$2} /^ +50%/ {p50=$2} /^ +99%/ {p99=$2} END {printf "%s %s %s", rps, p50, p99}' "$1"; }

echo "load average before the run: $(cut -d' ' -f1-3 /proc/loadavg)"
printf '| backend | scenario | requests/s | p50 | p99 | share of the ceiling insert |\n|---|---|---|---|---|---|\n' | tee "$results/table.md"
for backend in sqlite postgres; do
  if [ "$backend" = sqlite ]; then
    url="sqlite://$work/bench.db"; port=18180
  else
    psql -q -h 127.0.0.1 -U postgres -c 'DROP DATABASE IF EXISTS thidua_bench WITH (FORCE)' -c 'CREATE DATABASE thidua_bench' postgres
    url="postgres://postgres@127.0.0.1:5432/thidua_bench"; port=18181
  fi
  export DATABASE_URL="$url" THIDUA_BIND="127.0.0.1:$port" RUST_LOG=info THIDUA_EVIDENCE_STORE="$work/evidence"
  export THIDUA_RATE_LIMIT_PER_MINUTE=0 THIDUA_WEBHOOK_DISPATCH=false
  "$bin" seed >/dev/null
  THIDUA_ADMIN_PASSWORD="$password" "$bin" create-admin --username bench --full-name "Đo hiệu năng" >/dev/null
  "$bin" serve >"$results/$backend-server.log" 2>&1 &
  server=$!
  for _ in $(seq 1 50); do curl -sf "http://127.0.0.1:$port/health/ready" >/dev/null && break; sleep 0.2; done
  base="http://127.0.0.1:$port/api/v1"
  token=$(curl -sf -H 'content-type: application/json' -d "{\"username\":\"bench\",\"password\":\"$password\"}" "$base/auth/login" | python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')
  unit=$(curl -sf -H "Authorization: Bearer $token" "$base/communes/by-code/01840" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
  write_id=$(curl -sf -H "Authorization: Bearer $token" "$base/communes/by-code/01843" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
  AUTH="Bearer $token" UNIT="$unit" wrk -t2 -c8 -d"${duration}s" --latency -s bench/create_person.lua "$base/people" >"$results/$backend-create.txt"
  AUTH="Bearer $token" wrk -t2 -c8 -d"${duration}s" --latency -s bench/patch.lua "$base/communes/$write_id" >"$results/$backend-update.txt"
  # The same, spread over 16 communes: what a write costs without waiting for one hot row.
  ids=$(curl -sf -H "Authorization: Bearer $token" "$base/communes?limit=16" | python3 -c 'import json,sys; print(",".join(c["id"] for c in json.load(sys.stdin)["items"]))')
  AUTH="Bearer $token" IDS="$ids" wrk -t2 -c8 -d"${duration}s" --latency -s bench/patch_many.lua "$base/communes/" >"$results/$backend-update-many.txt"
  kill "$server"; wait "$server" 2>/dev/null || true; server=""
  # The ceiling, right after, on the same backend.
  CEILING_PORT=$((port + 10)) bash "$ceiling/run.sh" "$backend" "$duration" | tee "$results/$backend-ceiling.txt"
  insert=$(awk '$2 == "insert" {print $3}' "$results/$backend-ceiling.txt")
  for scenario in create update update-many; do
    read -r rps p50 p99 <<<"$(summarize "$results/$backend-$scenario.txt")"
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
