#!/usr/bin/env bash
# The MLflow side-by-side benchmark: `mlflow server` (SQLite) against `provkit serve`, the same client workload.
# Makes its own Python environment with the full mlflow 3.17.2 (the reference server) in Benchmarks/mlflow/.venv,
# builds provkit in release mode, and runs bench_mlflow.py. Not part of CI (it takes several minutes).
# Usage: Benchmarks/mlflow/run.sh [bench_mlflow.py options, e.g. --runs 1000 --json results.json]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
venv="$here/.venv"
requirements="mlflow==3.17.2 psutil==7.2.2 requests==2.34.2"
if [ ! -x "$venv/bin/mlflow" ] || [ "$(cat "$venv/.requirements" 2>/dev/null)" != "$requirements" ]; then
    echo "==> creating $venv with $requirements"
    rm -rf "$venv"
    python3 -m venv "$venv"
    "$venv/bin/python" -m pip install -q --upgrade pip
    # shellcheck disable=SC2086
    "$venv/bin/python" -m pip install -q $requirements
    echo "$requirements" > "$venv/.requirements"
fi
echo "==> swift build -c release --product provkit"
(cd "$root" && swift build -c release --product provkit)
echo "==> $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
exec "$venv/bin/python" "$here/bench_mlflow.py" --provkit "$root/.build/release/provkit" "$@"
