# Shared by the scripts in bench/ (source it after `cd` to the repository): the bench account,
# the server's settings under load, the data set, waiting for a server, signing in, reading wrk.
# Every function says its arguments after its name.

BENCH_PASSWORD='Mật khẩu đo hiệu năng 2026'

bench_need() { # tool... — installs what is missing from Debian (perf is in linux-perf)
  local tool
  for tool in "$@"; do
    command -v "$tool" >/dev/null && continue
    apt-get update -qq && apt-get install -y -qq "$([ "$tool" = perf ] && echo linux-perf || echo "$tool")" >/dev/null
  done
}

bench_binary() { # — prints the release binary: THIDUA_BIN if set, else this tree's (built here)
  if [ -n "${THIDUA_BIN:-}" ]; then echo "$THIDUA_BIN"; return; fi
  cargo build --release --locked --quiet >&2 || return 1
  echo "${CARGO_TARGET_DIR:-target}/release/thidua"
}

bench_scratch() { # — sets $work, a scratch directory, and $server, for the pids to stop: both
  # cleaned up when the script exits
  work=$(mktemp -d)
  server=""
  trap 'for p in $server; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"' EXIT
}

bench_database() { # sqlite|postgres name — a fresh database of that name; prints its URL (SQLite's in $work)
  case $1 in
    sqlite) echo "sqlite://$work/$2.db" ;;
    postgres) bench_pg_database "$2" ;;
    *) echo "unknown backend $1 (sqlite, postgres)" >&2; return 2 ;;
  esac
}

bench_pg_database() { # name — drops and makes it again; prints its URL
  psql -q -h 127.0.0.1 -U postgres -c "DROP DATABASE IF EXISTS $1 WITH (FORCE)" -c "CREATE DATABASE $1" postgres >/dev/null || return 1
  echo "postgres://postgres@127.0.0.1:5432/$1"
}

bench_server_env() { # database-url evidence-dir — the server's settings for a load test
  export DATABASE_URL="$1" RUST_LOG=info THIDUA_EVIDENCE_STORE="$2" THIDUA_WEBHOOK_DISPATCH=false
  # The per-client limits would stop a load test from one address; they are measured in tests.
  export THIDUA_RATE_LIMIT_PER_MINUTE=0
  export THIDUA_LOGIN_MAX_FAILURES_PER_USER=1000000 THIDUA_LOGIN_MAX_FAILURES_PER_CLIENT=1000000
}

bench_seed() { # binary — the reference units and the admin account "bench" (DATABASE_URL's database)
  "$1" seed >/dev/null
  THIDUA_ADMIN_PASSWORD="$BENCH_PASSWORD" "$1" create-admin --username bench --full-name "Đo hiệu năng" >/dev/null
}

bench_analyze() { # database-url — settles PostgreSQL's statistics after a bulk load, as autovacuum would
  case $1 in postgres*) psql -q "$1" -c 'VACUUM ANALYZE' ;; esac
}

bench_awards() { # database-url — bench/run.sh's data set: 20,000 people with 5 past awards and one
  # nomination each (HISTORY=1: each nomination with the transitions that led to its status)
  python3 bench/awards_data.py "$1" 20000 5 >/dev/null
  bench_analyze "$1"
}

bench_wait() { # port — until the server there is ready (20 s at most)
  for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$1/health/ready" >/dev/null && return 0; sleep 0.2; done
  echo "the server on port $1 is not ready" >&2
  return 1
}

bench_serve() { # binary port log — starts `serve` on that port (its pid added to $server), waits until ready
  THIDUA_BIND="127.0.0.1:$2" "$1" serve >"$3" 2>&1 &
  server="${server:+$server }$!"
  bench_wait "$2"
}

bench_stop() { # — stops the servers in $server
  local p
  for p in $server; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
  server=""
}

bench_json() { # python-subscript — reads JSON on stdin, prints that part of it: bench_json '["id"]'
  python3 -c "import json,sys; print(json.load(sys.stdin)$1)"
}

bench_login() { # api-base username — prints an access token
  curl -sf -H 'content-type: application/json' -d "{\"username\":\"$2\",\"password\":\"$BENCH_PASSWORD\"}" "$1/auth/login" |
    bench_json '["access_token"]'
}

bench_commune() { # api-base token code — prints the commune's id
  curl -sf -H "Authorization: Bearer $2" "$1/communes/by-code/$3" | bench_json '["id"]'
}

bench_add_officer() { # api-base token unit-id — the account canbo.xa, a unit officer of that unit
  curl -sf -o /dev/null -H "Authorization: Bearer $2" -H 'content-type: application/json' \
    -d "{\"username\":\"canbo.xa\",\"full_name\":\"Cán bộ xã\",\"unit_id\":\"$3\",\"roles\":[\"unit_officer\"],\"password\":\"$BENCH_PASSWORD\"}" \
    "$1/users"
}

bench_summarize() { # wrk-output — prints "req/s p50 p99"
  awk '/Requests\/sec/ {rps=$2} /^ +50%/ {p50=$2} /^ +99%/ {p99=$2} END {printf "%s %s %s", rps, p50, p99}' "$1"
}
