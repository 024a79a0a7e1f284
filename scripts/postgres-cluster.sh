#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for tests and benchmarks (no Docker, no system service).
#
#   scripts/postgres-cluster.sh start DIR   initdb into DIR (created, must not exist or be empty), start the server
#                                           on a Unix socket in DIR only (no TCP), create database `provkit`, and
#                                           print its URL: postgres://provkit@/provkit?host=DIR&sslmode=disable
#   scripts/postgres-cluster.sh stop DIR    stop it (DIR is left for the caller to remove)
#   scripts/postgres-cluster.sh resume DIR  start a stopped cluster in DIR again (same URL; fault tests restart it)
#
# Finds PostgreSQL's initdb/pg_ctl on PATH, in /usr/local/bin or /usr/lib/postgresql/*/bin. initdb refuses to run
# as root, so as root the cluster belongs to an unprivileged user (postgres, else nobody) through runuser/su.
# Environment: PROVKIT_PG_FSYNC=off turns fsync off (faster tests; never for benchmarks); default on.
set -euo pipefail

command=${1:-}
dir=${2:-}
if [ -z "$command" ] || [ -z "$dir" ]; then
    echo "usage: $0 start|stop|resume DIR" >&2
    exit 2
fi

bindir=""
for candidate in "$(dirname "$(command -v initdb 2>/dev/null || echo /nonexistent/initdb)")" /usr/local/bin \
    /usr/lib/postgresql/*/bin; do
    if [ -x "$candidate/initdb" ] && [ -x "$candidate/pg_ctl" ]; then
        bindir=$(dirname "$(readlink -f "$candidate/initdb")")
        break
    fi
done
if [ -z "$bindir" ]; then
    echo "PostgreSQL server binaries (initdb, pg_ctl) not found; install postgresql (apt-get install postgresql)" >&2
    exit 1
fi

owner=""
if [ "$(id -u)" = 0 ]; then
    for candidate in postgres nobody; do
        if id "$candidate" >/dev/null 2>&1; then owner=$candidate; break; fi
    done
    [ -n "$owner" ] || { echo "no unprivileged user (postgres or nobody) to own the cluster" >&2; exit 1; }
fi

# Runs a command as the cluster's owner.
as_owner() {
    if [ -z "$owner" ]; then
        "$@"
    elif command -v runuser >/dev/null; then
        runuser -u "$owner" -- "$@"
    else
        su -s /bin/sh "$owner" -c "$(printf '%q ' "$@")"
    fi
}

# Starts the server of the cluster in $dir (initialised already).
start_server() {
    fsync=${PROVKIT_PG_FSYNC:-on}
    as_owner "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
        -o "-k $dir -c listen_addresses= -c fsync=$fsync -c max_connections=300" start >/dev/null || {
        cat "$dir/server.log" >&2
        exit 1
    }
}

case "$command" in
start)
    mkdir -p "$dir"
    dir=$(cd "$dir" && pwd)
    [ -z "$owner" ] || chown "$owner" "$dir"
    chmod 700 "$dir"
    as_owner "$bindir/initdb" -D "$dir/data" -U provkit --auth=trust --encoding=UTF8 --locale=C.UTF-8 \
        >"$dir/initdb.log" 2>&1 || as_owner "$bindir/initdb" -D "$dir/data" -U provkit --auth=trust \
        --encoding=UTF8 --no-locale >"$dir/initdb.log" 2>&1 || {
        cat "$dir/initdb.log" >&2
        exit 1
    }
    start_server
    # The socket folder must be reachable by the tests' user (the owner's folder is 700 when run as root).
    chmod 711 "$dir"
    as_owner "$bindir/createdb" -h "$dir" -U provkit provkit
    echo "postgres://provkit@/provkit?host=$dir&sslmode=disable"
    ;;
resume)
    [ -f "$dir/data/PG_VERSION" ] || { echo "no cluster in $dir (use start)" >&2; exit 1; }
    dir=$(cd "$dir" && pwd)
    start_server
    ;;
stop)
    if [ -f "$dir/data/postmaster.pid" ]; then
        as_owner "$bindir/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null || true
    fi
    ;;
*)
    echo "usage: $0 start|stop|resume DIR" >&2
    exit 2
    ;;
esac
