#!/usr/bin/env bash
# What a journaled create costs on PostgreSQL, statement by statement: pgbench (-M prepared, 8
# clients) on an empty copy of the schema, one script per line of docs/benchmarks.md's
# 2026-12-12 table — the ceiling's bare insert, the person's insert, the journal's insert (with
# its position function, and from a sequence instead), the transaction the create was, and the
# one statement it is now (db::insert_one).
# Usage: bench/pg_statements.sh [seconds per script, default 6]. Needs PostgreSQL on
# 127.0.0.1:5432 (user postgres, trust auth) and its pgbench.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-6}"
pgbench=$(command -v pgbench || ls /usr/lib/postgresql/*/bin/pgbench | tail -1)
db=thidua_statements
psql() { command psql -q -h 127.0.0.1 -U postgres -v ON_ERROR_STOP=1 "$@"; }
psql -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" -c "CREATE DATABASE $db" postgres
for m in migrations/postgres/*/up.sql; do psql -f "$m" "$db" >/dev/null; done
psql "$db" <<'SQL'
INSERT INTO units (id, kind, code, name, name_folded, unit_type, version, created_at, updated_at)
  VALUES ('u1', 'commune', '01840', 'Xã Bằng Thành', 'xa bang thanh', 'xa', 1, now(), now());
CREATE TABLE bare (id text PRIMARY KEY, unit_id text NOT NULL REFERENCES units (id), nominee_name text NOT NULL,
  award_type text NOT NULL, status text NOT NULL, created_at timestamp NOT NULL);
CREATE INDEX bare_status ON bare (status, created_at, id);
CREATE SEQUENCE bench_seq START 1000000000000000;
SQL
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
after='{"id": "0193a0b2-7c1e-7000-8000-000000000000", "full_name": "Nguyễn Văn Đo", "position": "Cán bộ", "unit_id": "u1", "birth_year": 1980, "version": 1, "created_at": "2026-12-04T02-49-47.123456Z", "updated_at": "2026-12-04T02-49-47.123456Z", "gender": null, "ethnicity_code": null, "staff_category": null}'
# (pgbench reads ":name" as a variable: the JSON keeps a space after each colon, and the times use dashes.)
person="INSERT INTO people (id, full_name_folded, full_name, position, unit_id, birth_year, identity_number, gender, ethnicity_code, staff_category, version, created_at, updated_at) SELECT md5(:n::text || random()::text), 'nguyen van do', 'Nguyễn Văn Đo', 'Cán bộ', 'u1', 1980, NULL, NULL, NULL, NULL, 1, now(), now() FROM units WHERE id = 'u1' AND (kind = 'department' OR kind = 'commune')"
columns="occurred_at, action, record_kind, record_id, unit_id, feed, actor_kind, actor_id, client_addr, request_id, before_value, after_value"
values="now(), 'person.created', 'person', md5(:n::text), 'u1', 'unit', 'user', 'u', '127.0.0.1', 'r', NULL, '$after'"
header='\set n random(1, 1000000000)'
printf '%s\n%s;\n' "$header" "INSERT INTO bare VALUES (md5(:n::text || random()::text), 'u1', 'Nguyễn Văn Đo', 'lao_dong_tien_tien', 'draft', now())" >"$work/bare.sql"
printf '%s\n%s;\n' "$header" "$person" >"$work/person.sql"
printf '%s\n%s;\n' "$header" "INSERT INTO journal ($columns) VALUES ($values)" >"$work/journal.sql"
printf '%s\n%s;\n' "$header" "INSERT INTO journal (seq, $columns) VALUES (nextval('bench_seq'), $values)" >"$work/journal_seq.sql"
printf '%s\nBEGIN;\n%s RETURNING *;\n%s;\nCOMMIT;\n' "$header" "$person" \
  "INSERT INTO journal ($columns) VALUES ($values) RETURNING seq, action, record_kind, feed, (SELECT string_agg(id || ' ' || event_types, chr(10)) FROM webhook_subscriptions WHERE active)" >"$work/transaction.sql"
printf '%s\n%s;\n' "$header" "WITH changed AS ($person RETURNING 1), appended AS (INSERT INTO journal ($columns) SELECT $values FROM changed RETURNING seq, action, record_kind, feed), delivered AS (INSERT INTO webhook_deliveries (id, subscription_id, event_seq, status, attempts, next_attempt_at, created_at) SELECT gen_random_uuid()::text, s.id, a.seq, 'pending', 0, now(), now() FROM appended a JOIN webhook_subscriptions s ON s.active AND a.feed IS NOT NULL AND (s.event_types = '' OR string_to_array(s.event_types, ',') && ARRAY[a.action, a.record_kind || '.*'])) SELECT seq FROM appended" >"$work/one_statement.sql"
echo "| statement(s), one per request | transactions/s |"
echo "|---|---|"
for s in bare person journal journal_seq transaction one_statement; do
  tps=$("$pgbench" -h 127.0.0.1 -U postgres -n -M prepared -c 8 -j 2 -T "$seconds" -f "$work/$s.sql" "$db" 2>&1 | sed -n 's/^tps = \([0-9.]*\).*/\1/p')
  echo "| $s | $tps |"
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
psql -c "DROP DATABASE $db WITH (FORCE)" postgres
