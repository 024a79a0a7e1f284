#!/usr/bin/env bash
# The many-writers load test (docs/benchmarks.md, "PostgreSQL: many writers"): builds provkit in release mode, starts
# a throwaway PostgreSQL cluster (scripts/postgres-cluster.sh, fsync on, Unix socket only), runs bench.py (8 writer
# processes through 2 servers on PostgreSQL, then the same work through 1 server on SQLite), and stops the cluster.
# Loopback only; each phase is bounded (--timeout, default 1200 s). Not part of CI.
# Usage: Benchmarks/postgres/run.sh [bench.py options, e.g. --writers 8 --json results.json]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
python="$root/.venv/bin/python"  # scripts/test.sh makes it (requests is pinned there)
[ -x "$python" ] || python=python3
if [ -z "${PROVKIT_BINARY:-}" ]; then
    echo "==> swift build -c release --product provkit"
    (cd "$root" && swift build -c release --product provkit)
    PROVKIT_BINARY="$root/.build/release/provkit"
fi
cluster=$(mktemp -d "${TMPDIR:-/tmp}/provkit-load-pg.XXXXXX")
trap '"$root/scripts/postgres-cluster.sh" stop "$cluster" >/dev/null 2>&1 || true; rm -rf "$cluster"' EXIT
url=$(PROVKIT_PG_FSYNC=on "$root/scripts/postgres-cluster.sh" start "$cluster")
echo "==> $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg), PostgreSQL $(psql "$url" -Atc 'SHOW server_version')"
"$python" "$here/bench.py" --provkit "$PROVKIT_BINARY" --postgres-url "$url" "$@"
