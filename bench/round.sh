#!/usr/bin/env bash
# A round of 10,000 nominee lines, timed step by step, on SQLite and PostgreSQL: see
# bench/round.py. Usage: bench/round.sh [lines, default 10000]. THIDUA_BIN picks the binary
# (default: the release build, built here). Needs PostgreSQL on 127.0.0.1:5432 (user postgres,
# trust auth). Prints a Markdown table.
set -euo pipefail
cd "$(dirname "$0")/.."
lines="${1:-10000}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/var/tmp/thidua-target}"
if [ -z "${THIDUA_BIN:-}" ]; then
  cargo build --release --locked --quiet
  THIDUA_BIN="$CARGO_TARGET_DIR/release/thidua"
fi
password='Mật khẩu đo hiệu năng 2026'
work=$(mktemp -d)
server=""
cleanup() { [ -n "$server" ] && kill "$server" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
printf '| backend | step | time |\n|---|---|---|\n'
for backend in sqlite postgres; do
  if [ "$backend" = sqlite ]; then
    url="sqlite://$work/round.db"; port=18190
  else
    psql -q -h 127.0.0.1 -U postgres -c 'DROP DATABASE IF EXISTS thidua_round WITH (FORCE)' -c 'CREATE DATABASE thidua_round' postgres
    url="postgres://postgres@127.0.0.1:5432/thidua_round"; port=18191
  fi
  export DATABASE_URL="$url" THIDUA_BIND="127.0.0.1:$port" RUST_LOG=warn THIDUA_EVIDENCE_STORE="$work/evidence"
  # One request carries 10,000 lines: the appraisal's JSON is about 0.8 MB, the answers larger.
  export THIDUA_RATE_LIMIT_PER_MINUTE=0 THIDUA_MAX_BODY_BYTES=8388608 THIDUA_ACCESS_TOKEN_TTL_S=3600
  "$THIDUA_BIN" seed >/dev/null
  THIDUA_ADMIN_PASSWORD="$password" "$THIDUA_BIN" create-admin --username bench --full-name "Đo hiệu năng" >/dev/null
  "$THIDUA_BIN" serve >"$work/$backend-server.log" 2>&1 &
  server=$!
  for _ in $(seq 1 50); do curl -sf "http://127.0.0.1:$port/health/ready" >/dev/null && break; sleep 0.2; done
  base="http://127.0.0.1:$port/api/v1"
  token=$(curl -sf -H 'content-type: application/json' -d "{\"username\":\"bench\",\"password\":\"$password\"}" "$base/auth/login" | python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')
  python3 bench/round.py "$base" "$token" "$url" "$lines"
  kill "$server"; wait "$server" 2>/dev/null || true; server=""
done
