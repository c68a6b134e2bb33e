#!/usr/bin/env bash
# Usage: pg_bench.sh CLIENTS SECONDS — run by bench-eventstore --with-postgres.
# Installs Debian's PostgreSQL when missing, starts a throwaway cluster in a temp folder (Unix
# socket only, synchronous_commit=on, fsync=on), and has CLIENTS pgbench clients append one event
# per transaction to an events table shaped like PostgreSQL-based event stores use
# (UNIQUE(stream, version), each client its own stream with increasing versions).
# Progress goes to stderr; stdout gets one line: pg_tps=N (events per second).
set -euo pipefail
source "$(dirname "$0")/../lib/common.sh"
clients=${1:-64}
seconds=${2:-10}

ensure_packages postgresql
bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
as_pg=()
[ "$(id -u)" -eq 0 ] && as_pg=(runuser -u postgres --)

dir=$(mktemp -d "${TMPDIR:-/tmp}/grappe-pg-XXXXXX")
[ ${#as_pg[@]} -eq 0 ] || chown postgres "$dir"
chmod 700 "$dir"
cleanup() {
  "${as_pg[@]}" "$bin/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$dir"
}
trap cleanup EXIT

log "postgres: initdb in $dir"
"${as_pg[@]}" "$bin/initdb" -D "$dir/data" -A trust -U bench --no-sync >/dev/null
"${as_pg[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w start \
  -o "-c listen_addresses='' -c unix_socket_directories='$dir' -c fsync=on \
      -c synchronous_commit=on -c max_connections=$((clients + 10))" >/dev/null
pg() { "${as_pg[@]}" "$bin/$1" -h "$dir" -U bench "${@:2}"; }
pg psql -q -d postgres -c "CREATE DATABASE bench" >/dev/null
pg psql -q -d bench >/dev/null <<'SQL'
CREATE TABLE events (
  position   bigserial PRIMARY KEY,
  stream     text NOT NULL,
  version    bigint NOT NULL,
  id         uuid NOT NULL,
  type       text NOT NULL,
  data       jsonb NOT NULL,
  metadata   jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (stream, version)
);
SQL
pad=$(printf 'x%.0s' $(seq 1 200))
cat >"$dir/append.sql" <<SQL
\set v :v + 1
INSERT INTO events (stream, version, id, type, data, metadata)
VALUES ('bench-' || :client_id, :v, gen_random_uuid(), 'EstablishmentInvited',
        '{"grappe":"3f2a9c1e-5b7d-4e8f-9a0b-1c2d3e4f5a6b","finess":"750000001","message":"$pad"}',
        '{"actor":{"id":"u-1","name":"Bench"},"command":"c"}');
SQL
chmod 644 "$dir/append.sql"
log "postgres: pgbench, $clients clients, ${seconds}s"
out=$(pg pgbench -n -c "$clients" -j 2 -T "$seconds" -D v=0 -f "$dir/append.sql" bench 2>&1)
printf '%s\n' "$out" | grep -E 'failed|aborted|tps|latency' >&2 || true
rows=$(pg psql -At -d bench -c "SELECT count(*) FROM events")
tps=$(printf '%s\n' "$out" | sed -n 's/^tps = \([0-9.]*\).*/\1/p' | head -n 1)
[ -n "$tps" ] || { printf '%s\n' "$out" >&2; exit 1; }
log "postgres: $rows events in the table"
echo "pg_tps=$tps"
