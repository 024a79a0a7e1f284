#!/usr/bin/env bash
# The one command that runs every ProvKit test (README: "Run all tests").
# It installs what the tests need, builds, and runs the Swift tests and the Python interoperability tests.
# Needs: the Swift 6 toolchain; python3 with venv (installed with apt-get when missing and running as root).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

log() { printf '\n==> %s\n' "$*"; }

# Python test environment with pinned versions of the peer libraries.
if ! python3 -c 'import venv, ensurepip' >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        log "installing python3-venv"
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >/dev/null
    else
        echo "python3 with the venv module is required (apt-get install python3-venv)" >&2
        exit 1
    fi
fi
venv="$root/.venv"
if [ ! -x "$venv/bin/python" ] || ! cat requirements-test.txt requirements-test-nodeps.txt | cmp -s - "$venv/.requirements"; then
    log "creating the Python test environment in .venv"
    rm -rf "$venv"
    python3 -m venv "$venv"
    "$venv/bin/python" -m pip install -q --upgrade pip
    "$venv/bin/python" -m pip install -q -r requirements-test.txt
    "$venv/bin/python" -m pip install -q --no-deps -r requirements-test-nodeps.txt
    cat requirements-test.txt requirements-test-nodeps.txt >"$venv/.requirements"
fi

# A throwaway PostgreSQL cluster (initdb into a temporary folder, a Unix socket there, no TCP) for the PostgreSQL
# store's tests: the Swift conformance suite and the MLflow client tests run against it too. Stopped on exit.
pg_dir=$(mktemp -d "${TMPDIR:-/tmp}/provkit-pg.XXXXXX")
stop_postgres() {
    "$root/scripts/postgres-cluster.sh" stop "$pg_dir" >/dev/null 2>&1 || true
    rm -rf "$pg_dir"
}
trap stop_postgres EXIT
log "starting a throwaway PostgreSQL cluster in $pg_dir"
if url=$(PROVKIT_PG_FSYNC=off scripts/postgres-cluster.sh start "$pg_dir"); then
    export PROVKIT_TEST_POSTGRES_URL=$url
    echo "PROVKIT_TEST_POSTGRES_URL=$url"
elif [ "${CI:-}" = true ]; then
    echo "cannot start PostgreSQL, which CI requires for the PostgreSQL store's tests" >&2
    exit 1
else
    echo "warning: no PostgreSQL cluster; the PostgreSQL store's tests will skip" >&2
fi

log "swift build"
swift build --build-tests

# Both suites always run, so that one failing Swift test does not hide the Python results (or the reverse); each
# status is reported and the script fails if either failed.
log "swift test"
set +e
swift test --skip-build 2>&1 | tee .build/swift-test.log
swift_status=${PIPESTATUS[0]}
set -e

log "python interoperability tests"
set +e
# -rs prints the reason of every skipped test (under CI=true a missing peer, tool or data is a failure instead);
# a module that fails to import (such as a missing peer under CI) is reported without stopping the other modules.
PROVKIT_BINARY="$root/.build/debug/provkit" "$venv/bin/python" -m pytest -q -rs --continue-on-collection-errors Tests/Python
python_status=$?
set -e

status() { if [ "$1" -eq 0 ]; then echo "passed"; else echo "FAILED (exit status $1)"; fi; }
log "results"
echo "swift tests:  $(status "$swift_status") (log: .build/swift-test.log)"
echo "python tests: $(status "$python_status")"
if [ "$swift_status" -ne 0 ] || [ "$python_status" -ne 0 ]; then
    echo "tests failed" >&2
    exit 1
fi
log "all tests passed"
