#!/usr/bin/env bash
# Curve-prediction benchmark: A4NN's PENGUIN loop in Python/scipy vs `provkit analyze curves --predictor a4nn` on the
# same 300 A4NN networks, each as a whole process, best of N runs. Needs a release provkit and the test .venv.
#   Benchmarks/curves/run.sh [RUNS]
set -euo pipefail
cd "$(dirname "$0")/../.."
runs=${1:-5}
data=${PROVKIT_SHARED_DATA:-../shared/data}/a4nn
provkit=${PROVKIT_BINARY:-.build/release/provkit}
python=.venv/bin/python
store=$(mktemp -d)
trap 'rm -rf "$store"' EXIT
"$provkit" import a4nn --store "$store" "$data"/*.csv > /dev/null

best() {  # best wall time in seconds of running "$@" $runs times
    local best=999999
    for _ in $(seq "$runs"); do
        local start end
        start=$(date +%s.%N)
        "$@" > /dev/null
        end=$(date +%s.%N)
        best=$(echo "$end - $start" | bc -l | awk -v b="$best" '{print ($1 < b) ? $1 : b}')
    done
    echo "$best"
}

echo "reference: $($python Benchmarks/curves/penguin_reference.py "$data"/*.csv)"
echo "provkit:   $("$provkit" analyze curves --store "$store" --experiment a4nn --metric val_accs --predictor a4nn \
    --no-store-results --json | $python -c 'import json,sys; d=json.load(sys.stdin)["results"];
print(json.dumps({"networks": len(d), "fits": sum(len(r["prediction"]["steps"]) for r in d),
 "converged": sum(r["prediction"]["converged"] for r in d)}))')"
python_time=$(best "$python" Benchmarks/curves/penguin_reference.py "$data"/*.csv)
provkit_time=$(best "$provkit" analyze curves --store "$store" --experiment a4nn --metric val_accs --predictor a4nn \
    --no-store-results --json)
python_start=$(best "$python" -c "import numpy, scipy.optimize")
echo "python + scipy (whole process): ${python_time} s (interpreter + imports alone: ${python_start} s)"
echo "provkit analyze curves (whole process, store read, classes too): ${provkit_time} s"
echo "ratio: $(echo "$python_time / $provkit_time" | bc -l | awk '{printf "%.1f", $1}')x"
