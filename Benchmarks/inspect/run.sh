#!/usr/bin/env bash
# Inspect benchmark (issue 7); results in docs/benchmarks.md. Builds provkit in release, then runs bench.py with the
# test environment's Python (numpy and safetensors from requirements-test.txt): a generated 100.7 MB safetensors
# file inspected header-only (whole process, vs the safetensors library), and hashed (vs sha256sum).
# With CRYPTO=1 it also builds Benchmarks/inspect/crypto-sha256 (swift-crypto) and measures its SHA-256.
set -euo pipefail
cd "$(dirname "$0")/../.."
swift build -c release --product provkit
python=.venv/bin/python
[ -x "$python" ] || python=python3
extra=()
if [ "${CRYPTO:-0}" = 1 ]; then
    swift build -c release --package-path Benchmarks/inspect/crypto-sha256
    extra=(--crypto Benchmarks/inspect/crypto-sha256/.build/release/crypto-sha256)
fi
nice -n 5 "$python" Benchmarks/inspect/bench.py --provkit .build/release/provkit "${extra[@]}" "$@"
