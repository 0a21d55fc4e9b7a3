#!/usr/bin/env bash
# Start PostgreSQL (the newest installed major version, cluster "main", role
# and database "kb") and Redis (loopback, no persistence) on this machine if
# they are not running, then print the environment that points the site at
# them, for `eval "$(tools/services.sh)"`. Safe to run again. Used by .ci/run
# and `make cluster`; needs root (it creates the cluster as the postgres user).
set -euo pipefail

log() { printf '[services] %s\n' "$*" >&2; }

# Only the two export lines at the end may reach stdout (the caller evals it):
# everything the tools print on the way (pg_ctlcluster says "Removed stale pid
# file." after an unclean stop) goes to stderr. A group redirection, not a
# saved descriptor, so the daemons started here hold no copy of the caller's
# pipe (the caller's $(...) would wait for them forever). Sets pg_port.
start_services() {
  pg_version=$(ls /usr/lib/postgresql | sort -n | tail -n 1)
  if ! pg_lsclusters -h | awk '{print $1" "$2}' | grep -qx "$pg_version main"; then
    log "creating PostgreSQL $pg_version cluster"
    pg_createcluster "$pg_version" main >/dev/null
  fi
  if ! pg_ctlcluster "$pg_version" main status >/dev/null 2>&1; then
    log "starting PostgreSQL $pg_version"
    pg_ctlcluster "$pg_version" main start
  fi
  pg_port=$(pg_lsclusters -h | awk -v v="$pg_version" '$1==v && $2=="main" {print $3}')
  (
    cd /
    if ! runuser -u postgres -- psql -p "$pg_port" -tAc "select 1 from pg_roles where rolname='kb'" | grep -q 1; then
      runuser -u postgres -- psql -p "$pg_port" -qc "create role kb login password 'kb' createdb"
    fi
    if ! runuser -u postgres -- psql -p "$pg_port" -tAc "select 1 from pg_database where datname='kb'" | grep -q 1; then
      runuser -u postgres -- psql -p "$pg_port" -qc "create database kb owner kb"
    fi
  )

  if ! redis-cli -p 6379 ping >/dev/null 2>&1; then
    log "starting Redis"
    redis-server --bind 127.0.0.1 --port 6379 --daemonize yes --save '' --appendonly no
    for _ in $(seq 1 50); do redis-cli -p 6379 ping >/dev/null 2>&1 && break; sleep 0.1; done
  fi
}
start_services >&2

echo "export DATABASE_URL=postgres://kb:kb@127.0.0.1:${pg_port}/kb"
echo "export KB_BROKER_URL=redis://127.0.0.1:6379/0"
