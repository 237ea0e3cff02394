#!/usr/bin/env bash
# Two builds side by side on one database: binaries A and B serve the same data, and wrk runs
# one scenario against each in turn (A then B, then B then A, ...), so both see the same machine
# and the same rows — for a change that is smaller than this machine's drift between two
# separate runs. Prints each round's req/s and p99, then each side's median. bench/awards_data.py's
# data set (bench/run.sh's); HISTORY=1 gives each nomination the transitions that led to its status.
# Usage: bench/ab.sh BINARY_A BINARY_B [rounds, default 4] [seconds, default 5]
#   BACKEND   postgres (default; the database thidua_ab, dropped and made again) or sqlite (one
#             file both servers read)
#   SCENARIO  officer (default: a unit officer's page of 50 nominations) or get (a commune by
#             id, authenticated); 32 connections
# Needs wrk, and PostgreSQL on 127.0.0.1:5432 (user postgres, trust auth) for postgres.
set -euo pipefail
a=$(realpath "${1:?binary A}"); b=$(realpath "${2:?binary B}"); rounds="${3:-4}"; duration="${4:-5}"
backend="${BACKEND:-postgres}"; scenario="${SCENARIO:-officer}"
cd "$(dirname "$0")/.."
. bench/lib.sh
bench_need wrk
case $scenario in officer | get) ;; *) echo "unknown scenario $scenario (officer, get)" >&2; exit 2 ;; esac
work=$(mktemp -d)
servers=""
cleanup() {
  status=$?
  for p in $servers; do kill "$p" 2>/dev/null || true; done
  # On a failure, the servers' last words.
  [ "$status" = 0 ] || for side in a b; do [ -f "$work/$side.log" ] && tail -5 "$work/$side.log" >&2; done
  rm -rf "$work"
}
trap cleanup EXIT
case $backend in
  postgres) url=$(bench_pg_database thidua_ab) ;;
  sqlite) url="sqlite://$work/ab.db" ;;
  *) echo "unknown backend $backend (postgres, sqlite)" >&2; exit 2 ;;
esac
bench_server_env "$url" "$work/evidence"
bench_seed "$a"
bench_awards "$url"
THIDUA_BIND=127.0.0.1:18301 "$a" serve >"$work/a.log" 2>&1 &
servers="$!"
THIDUA_BIND=127.0.0.1:18302 "$b" serve >"$work/b.log" 2>&1 &
servers="$servers $!"
bench_wait 18301
bench_wait 18302
base="http://127.0.0.1:18301/api/v1"
admin=$(bench_login "$base" bench)
unit=$(bench_commune "$base" "$admin" 01840)
bench_add_officer "$base" "$admin" "$unit"
officer=$(bench_login "$base" canbo.xa)
if [ "$scenario" = officer ]; then token=$officer target="nominations?limit=50"; else token=$admin target="communes/$unit"; fi
fetch() { curl -sf -H "Authorization: Bearer $token" "http://127.0.0.1:$1/api/v1/$target"; }
fetch 18301 >"$work/a.json"
fetch 18302 >"$work/b.json"
if [ ! -s "$work/a.json" ] || ! cmp -s "$work/a.json" "$work/b.json"; then echo "A and B answer $target differently" >&2; exit 1; fi
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg); $backend, $target: $(wc -c <"$work/a.json") bytes, the same from A and B"
: >"$work/figures"
for r in $(seq 1 "$rounds"); do
  order=$([ $((r % 2)) = 1 ] && echo "A B" || echo "B A")
  for side in $order; do
    port=$([ "$side" = A ] && echo 18301 || echo 18302)
    wrk -t2 -c32 -d"${duration}s" --latency -H "Authorization: Bearer $token" "http://127.0.0.1:$port/api/v1/$target" >"$work/wrk"
    if grep -q 'Non-2xx' "$work/wrk"; then echo "round $r $side: failed requests" >&2; cat "$work/wrk" >&2; exit 1; fi
    read -r rps _ p99 <<<"$(bench_summarize "$work/wrk")"
    echo "round $r $side: $rps req/s, p99 $p99"
    echo "$side $rps" >>"$work/figures"
  done
done
for side in A B; do
  echo "$side median: $(awk -v s="$side" '$1 == s {print $2}' "$work/figures" | sort -n | awk '{v[NR]=$1} END {print (NR % 2) ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2}') req/s"
done
