#!/usr/bin/env bash
# Capture benchmarks, side by side in one run (DESIGN.md §5):
#   1. per-task record cost: ProvCapture vs Flowcept's @flowcept_task, offline, 100k no-op tasks;
#   2. telemetry snapshot cost: ProvCapture's collectors vs Flowcept's per-task telemetry (psutil);
#   3. `provkit run` overhead on a ~10 s CPU-bound job (bare vs wrapped, interleaved, 3 each).
# Needs network access to PyPI once (it makes .venv-flowcept here). Not run in CI.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
venv="$here/.venv-flowcept"
if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q "flowcept[telemetry]==1.0.3"
fi
tasks="${TASKS:-100000}"
echo "== building release binaries"
(cd "$root" && swift build -c release --product provkit >/dev/null)
(cd "$root/Benchmarks" && swift build -c release >/dev/null)
out="$(mktemp -d)"
echo "== ProvCapture: $tasks no-op tasks, JSON Lines sink; telemetry snapshots"
"$root/Benchmarks/.build/release/ProvBenchmarks" capture --tasks "$tasks" --json "$out/provkit.json"
echo "== Flowcept: $tasks no-op tasks, offline; 2000 tasks with telemetry"
"$venv/bin/python" "$here/flowcept_tasks.py" "$tasks" > "$out/flowcept.json"
"$venv/bin/python" "$here/flowcept_tasks.py" 2000 --telemetry > "$out/flowcept-telemetry.json"
cat "$out/flowcept.json" "$out/flowcept-telemetry.json"
echo "== provkit run overhead"
"$venv/bin/python" "$here/run_overhead.py" "$root/.build/release/provkit" "$here/cpu_job.py" > "$out/overhead.json"
cat "$out/overhead.json"
"$venv/bin/python" - "$out" <<'PY'
import json, sys, os
out = sys.argv[1]
p = json.load(open(os.path.join(out, "provkit.json")))
f = json.load(open(os.path.join(out, "flowcept.json")))
t = json.load(open(os.path.join(out, "flowcept-telemetry.json")))
o = json.load(open(os.path.join(out, "overhead.json")))
flowcept_snapshot = (t["task_median_us"] - f["task_median_us"]) / 2
print()
print("| figure | Flowcept | ProvKit | ratio |")
print("|---|---|---|---|")
print(f"| record one no-op task, median | {f['task_median_us']:.2f} µs | {p['task_median_us']:.3f} µs | {f['task_median_us']/p['task_median_us']:.0f}× lower |")
print(f"| record one task, mean incl. final write | {f['task_mean_with_dump_us']:.2f} µs | {p['task_mean_with_flush_us']:.3f} µs | {f['task_mean_with_dump_us']/p['task_mean_with_flush_us']:.0f}× lower |")
print(f"| one telemetry snapshot (Flowcept: per-task cost with telemetry, minus without, halved) | {flowcept_snapshot:.0f} µs | {p['snapshot_both_us']:.1f} µs | {flowcept_snapshot/p['snapshot_both_us']:.0f}× lower |")
print(f"| `provkit run` on a {o['bare_median_s']:.1f} s CPU-bound job (median of {o['repeats']}) | – | {o['overhead_percent']:+.2f} % wall, {o['cpu_overhead_percent']:+.2f} % CPU | – |")
PY
