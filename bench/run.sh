#!/usr/bin/env bash
# Benchmarks the release binary on SQLite and PostgreSQL with the seeded reference data, then,
# on each backend right after, the ceiling (../shared/ceiling/run.sh: the same stack with no
# policy or journal); figures with a counterpart there are printed as a share of it (get by id,
# a unit officer's page of 50 nominations, journaled create).
# Usage: bench/run.sh [seconds per run, default 15]. THIDUA_BIN: a release binary built
# already (skips the build). Needs wrk (installed from Debian if
# missing) and PostgreSQL on 127.0.0.1:5432 (user postgres, trust auth). CEILING_DIR: where the
# ceiling is (default /work/shared/ceiling).
# Prints a Markdown table and keeps raw wrk output in bench/results/.
set -euo pipefail
cd "$(dirname "$0")/.."
duration="${1:-15}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/var/tmp/thidua-target}"
. bench/lib.sh
bench_need wrk
ceiling="${CEILING_DIR:-/work/shared/ceiling}"
bin=$(bench_binary)
results="bench/results/$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$results"
bench_scratch

row() { # name file [the ceiling's scenario it compares with]
  read -r rps p50 p99 <<<"$(bench_summarize "$2")"
  printf '%s\t%s\t%s\t%s\t%s\n' "$1" "$rps" "$p50" "$p99" "${3:-}" >>"$results/$backend.tsv"
  printf '  %s: %s req/s, p50 %s, p99 %s\n' "$1" "$rps" "$p50" "$p99"
}

# The backend's rows, with the share of the ceiling's figure where there is one.
table() {
  awk -F'\t' -v backend="$backend" 'NR == FNR { if ($1 != "rss-kB") top[$1] = $2; next }
    { share = "—"; if ($5 != "" && top[$5] > 0) share = sprintf("%.0f %% of %d", 100 * $2 / top[$5], top[$5])
      printf "| %s | %s | %s | %s | %s | %s |\n", backend, $1, $2, $3, $4, share }' \
    <(sed "s/^ceiling-$backend //" "$results/$backend-ceiling.txt" | tr ' ' '\t') "$results/$backend.tsv"
}

echo "load average before the run: $(cut -d' ' -f1-3 /proc/loadavg)" >"$results/table.md"
for backend in sqlite postgres; do
  port=$([ "$backend" = sqlite ] && echo 18180 || echo 18181)
  url=$(bench_database "$backend" thidua_bench)
  bench_server_env "$url" "$work/evidence"
  bench_seed "$bin"
  # 100 units x 20 indicators x 50 verified reports each, for the progress endpoint.
  campaign=$(python3 bench/progress_data.py "$url" 100 20 50)
  # 20,000 people with 5 past awards each (100,000 awards) and one nomination each.
  person=$(python3 bench/awards_data.py "$url" 20000 5)
  bench_analyze "$url"
  bench_serve "$bin" "$port" "$results/$backend-server.log"
  base="http://127.0.0.1:$port/api/v1"
  token=$(bench_login "$base" bench)
  auth="Authorization: Bearer $token"
  id=$(bench_commune "$base" "$token" 01840)
  # Access tokens live 10 minutes; each run is far shorter.

  wrk -t2 -c32 -d"${duration}s" --latency -H "$auth" "$base/communes/$id" >"$results/$backend-get.txt"
  row "get commune by id (32 conns)" "$results/$backend-get.txt" "get-by-id(auth)"
  wrk -t2 -c32 -d"${duration}s" --latency -H "$auth" "$base/communes?q=xuan&active_on=2021-06-01&limit=20" >"$results/$backend-list.txt"
  row "list communes, searched + filtered (32 conns)" "$results/$backend-list.txt"

  wrk -t2 -c32 -d"${duration}s" --latency -H "$auth" "$base/campaigns/$campaign/progress" >"$results/$backend-progress.txt"
  row "campaign progress, 100 units x 20 indicators x 50 reports (32 conns)" "$results/$backend-progress.txt"

  wrk -t2 -c32 -d"${duration}s" --latency -H "$auth" "$base/nominations?status=approved&year=2025&limit=50" >"$results/$backend-nominations.txt"
  row "list nominations, filtered, 50 a page, of 20,000 (32 conns)" "$results/$backend-nominations.txt" "list-50(auth)"
  # A commune officer's page: an account of the commune read above (in force today, with its
  # share of awards_data.py's nominations), made through the API as a client would.
  bench_add_officer "$base" "$token" "$id"
  officer=$(bench_login "$base" canbo.xa)
  rows=$(curl -sf -H "Authorization: Bearer $officer" "$base/nominations?limit=50" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["items"]))')
  wrk -t2 -c32 -d"${duration}s" --latency -H "Authorization: Bearer $officer" "$base/nominations?limit=50" >"$results/$backend-officer.txt"
  row "unit officer: own unit's newest nominations, $rows a page (32 conns)" "$results/$backend-officer.txt" "list-50(auth)"
  wrk -t2 -c32 -d"${duration}s" --latency -H "$auth" "$base/awards?person_id=$person" >"$results/$backend-history.txt"
  row "a person's award history, of 100,000 awards (32 conns)" "$results/$backend-history.txt"

  # Reports over the same data sets, as JSON and as XLSX (8 conns: each request is a whole report).
  for fmt in json xlsx; do
    bytes=$(curl -sf -o /dev/null -w '%{size_download}' -H "$auth" "$base/reports/campaigns/$campaign/progress?format=$fmt")
    wrk -t2 -c8 -d"${duration}s" --latency -H "$auth" "$base/reports/campaigns/$campaign/progress?format=$fmt" >"$results/$backend-report-progress-$fmt.txt"
    row "progress report, $fmt ($bytes bytes), 100 units x 20 indicators (8 conns)" "$results/$backend-report-progress-$fmt.txt"
    bytes=$(curl -sf -o /dev/null -w '%{size_download}' -H "$auth" "$base/reports/awards?roll_up=true&format=$fmt")
    wrk -t2 -c8 -d"${duration}s" --latency -H "$auth" "$base/reports/awards?roll_up=true&format=$fmt" >"$results/$backend-report-awards-$fmt.txt"
    row "awards report, rolled up, $fmt ($bytes bytes), 100,000 awards (8 conns)" "$results/$backend-report-awards-$fmt.txt"
    bytes=$(curl -sf -o /dev/null -w '%{size_download}' -H "$auth" "$base/reports/nominations?format=$fmt")
    wrk -t2 -c8 -d"${duration}s" --latency -H "$auth" "$base/reports/nominations?format=$fmt" >"$results/$backend-report-nominations-$fmt.txt"
    row "nominations report, $fmt ($bytes bytes), 20,000 nominations (8 conns)" "$results/$backend-report-nominations-$fmt.txt"
  done

  # Journaled writes (change + audit entry with before/after + feed event, one transaction),
  # then reading the feed those writes filled, a page of 100 from the start.
  write_id=$(bench_commune "$base" "$token" 01843)
  AUTH="Bearer $token" wrk -t2 -c8 -d"${duration}s" --latency -s bench/patch.lua "$base/communes/$write_id" >"$results/$backend-write.txt"
  row "journaled update: PATCH a commune (8 conns)" "$results/$backend-write.txt"
  AUTH="Bearer $token" UNIT="$id" wrk -t2 -c8 -d"${duration}s" --latency -s bench/create_person.lua "$base/people" >"$results/$backend-create.txt"
  row "journaled create: POST /people (8 conns)" "$results/$backend-create.txt" "insert"
  wrk -t2 -c32 -d"${duration}s" --latency -H "$auth" "$base/events?limit=100" >"$results/$backend-feed.txt"
  row "change feed, a page of 100 events (32 conns)" "$results/$backend-feed.txt"

  LOGIN_USER=bench LOGIN_PASSWORD="$BENCH_PASSWORD" wrk -t1 -c1 -d"${duration}s" --latency -s bench/login.lua "$base/auth/login" >"$results/$backend-login1.txt"
  row "login, 1 conn (≈ one argon2id verify)" "$results/$backend-login1.txt"
  LOGIN_USER=bench LOGIN_PASSWORD="$BENCH_PASSWORD" wrk -t1 -c8 -d"${duration}s" --latency -s bench/login.lua "$base/auth/login" >"$results/$backend-login8.txt"
  row "login, 8 conns (throughput)" "$results/$backend-login8.txt"
  LOGIN_USER=bench LOGIN_PASSWORD="wrong password" wrk -t1 -c1 -d"${duration}s" --latency -s bench/login.lua "$base/auth/login" >"$results/$backend-wrong.txt"
  row "login, wrong password, 1 conn" "$results/$backend-wrong.txt"
  LOGIN_USER=nobody.at.all LOGIN_PASSWORD="wrong password" wrk -t1 -c1 -d"${duration}s" --latency -s bench/login.lua "$base/auth/login" >"$results/$backend-unknown.txt"
  row "login, unknown user, 1 conn" "$results/$backend-unknown.txt"

  # get-by-id while a burst of logins hashes passwords in the background.
  LOGIN_USER=bench LOGIN_PASSWORD="$BENCH_PASSWORD" wrk -t1 -c16 -d"$((duration + 2))s" -s bench/login.lua "$base/auth/login" >"$results/$backend-burst-logins.txt" &
  burst=$!
  sleep 1
  wrk -t2 -c32 -d"${duration}s" --latency -H "$auth" "$base/communes/$id" >"$results/$backend-get-during-logins.txt"
  wait "$burst"
  row "get by id during a 16-conn login burst" "$results/$backend-get-during-logins.txt"

  rss=$(ps -o rss= -p "$server" | tr -d ' ')
  bench_stop
  CEILING_PORT=$((port + 10)) bash "$ceiling/run.sh" "$backend" "$duration" >"$results/$backend-ceiling.txt"
  [ "$backend" = sqlite ] && printf '| backend | scenario | requests/s | p50 | p99 | share of the ceiling (same run) |\n|---|---|---|---|---|---|\n' >>"$results/table.md"
  table >>"$results/table.md"
  ceiling_rss=$(awk '$2 == "rss-kB" {printf "%d", $3 / 1024}' "$results/$backend-ceiling.txt")
  rss_line="$backend: resident memory after the runs: $((rss / 1024)) MiB (the ceiling's peak: $ceiling_rss MiB)"
  echo "$rss_line" >>"$results/rss.txt"
done
cat "$results/rss.txt" >>"$results/table.md"
{
  echo
  echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
  echo "wrk runs on the same machine; ${duration}s per run."
} >>"$results/table.md"
cat "$results/table.md"
