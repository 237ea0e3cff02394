#!/usr/bin/env bash
# A round of 10,000 nominee lines, timed step by step, on SQLite and PostgreSQL: see
# bench/round.py. Usage: bench/round.sh [lines, default 10000]. THIDUA_BIN picks the binary
# (default: the release build, built here). Needs PostgreSQL on 127.0.0.1:5432 (user postgres,
# trust auth). Prints a Markdown table.
set -euo pipefail
cd "$(dirname "$0")/.."
lines="${1:-10000}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/var/tmp/thidua-target}"
. bench/lib.sh
bin=$(bench_binary)
bench_scratch
printf '| backend | step | time |\n|---|---|---|\n'
for backend in sqlite postgres; do
  port=$([ "$backend" = sqlite ] && echo 18190 || echo 18191)
  url=$(bench_database "$backend" thidua_round)
  export DATABASE_URL="$url" THIDUA_BIND="127.0.0.1:$port" RUST_LOG=warn THIDUA_EVIDENCE_STORE="$work/evidence"
  # One request carries 10,000 lines: the appraisal's JSON is about 0.8 MB, the answers larger.
  export THIDUA_RATE_LIMIT_PER_MINUTE=0 THIDUA_MAX_BODY_BYTES=8388608 THIDUA_ACCESS_TOKEN_TTL_S=3600
  bench_seed "$bin"
  bench_serve "$bin" "$port" "$work/$backend-server.log"
  base="http://127.0.0.1:$port/api/v1"
  token=$(bench_login "$base" bench)
  python3 bench/round.py "$base" "$token" "$url" "$lines"
  bench_stop
done
