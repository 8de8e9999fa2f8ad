#!/usr/bin/env bash
# Starts the real services the tests use, on loopback only: PostgreSQL and Redis.
# Idempotent: safe to run when they are already up. Installs the Debian packages when missing.
set -euo pipefail

need_install=()
command -v redis-server >/dev/null 2>&1 || need_install+=(redis-server)
ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 || need_install+=(postgresql)
if [ ${#need_install[@]} -gt 0 ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_install[@]}" >/dev/null
fi

# Redis on 127.0.0.1:6379, no persistence.
if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
  redis-server --bind 127.0.0.1 --port 6379 --save '' --appendonly no --daemonize yes
  for _ in $(seq 1 50); do redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 && break; sleep 0.1; done
fi

# PostgreSQL on 127.0.0.1:5432 with a throwaway cluster owned by the postgres user.
pg_bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
pg_data=/tmp/tollgate-pg
if ! "$pg_bin/pg_isready" -h 127.0.0.1 -p 5432 >/dev/null 2>&1; then
  if [ ! -f "$pg_data/PG_VERSION" ]; then
    rm -rf "$pg_data"; mkdir -p "$pg_data"; chown postgres:postgres "$pg_data"
    su postgres -c "$pg_bin/initdb -D $pg_data -A trust -U postgres" >/dev/null
  fi
  su postgres -c "$pg_bin/pg_ctl -D $pg_data -o '-c listen_addresses=127.0.0.1 -p 5432 -k /tmp' -l $pg_data/server.log -w start" >/dev/null
fi
psql_cmd=(psql -h 127.0.0.1 -p 5432 -U postgres -v ON_ERROR_STOP=1 -qtA)
if [ "$("${psql_cmd[@]}" -c "select 1 from pg_roles where rolname='tollgate'")" != "1" ]; then
  "${psql_cmd[@]}" -c "create role tollgate login password 'tollgate' createdb"
fi
if [ "$("${psql_cmd[@]}" -c "select 1 from pg_database where datname='tollgate_test'")" != "1" ]; then
  "${psql_cmd[@]}" -c "create database tollgate_test owner tollgate"
fi
echo "services: redis 127.0.0.1:6379, postgres 127.0.0.1:5432 (tollgate/tollgate, db tollgate_test)"
