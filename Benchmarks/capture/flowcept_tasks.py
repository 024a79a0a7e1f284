"""Flowcept's per-task cost in offline mode (one configuration per process: Flowcept reads settings at import).

Usage: python flowcept_tasks.py N [--telemetry]   — prints one JSON line of figures.
Workload (as in reference/flowcept.md §5): a no-op `def f(x): return x` decorated with @flowcept_task, called N
times inside `Flowcept(workflow_name=..., start_persistence=True, check_safe_stops=False)`, offline JSONL dump.
"""
import json
import os
import statistics
import sys
import tempfile
import time

count = int(sys.argv[1])
telemetry = "--telemetry" in sys.argv
folder = tempfile.mkdtemp(prefix="flowcept-bench-")
buffer_path = os.path.join(folder, "flowcept_buffer.jsonl")
settings_path = os.path.join(folder, "settings.yaml")
telemetry_block = (
    "telemetry_capture:\n  cpu: true\n  per_cpu: true\n  process_info: true\n  mem: true\n  disk: true\n  network: true\n"
    if telemetry else "telemetry_capture: {}\n"
)
with open(settings_path, "w") as handle:
    handle.write(
        "log:\n  log_file_level: disable\n  log_stream_level: disable\n"
        f"project:\n  db_flush_mode: offline\n  enrich_messages: false\n  dump_buffer:\n    enabled: true\n    path: {buffer_path}\n"
        + telemetry_block
        + "mq:\n  enabled: false\nkv_db:\n  enabled: false\n"
        "databases:\n  mongodb:\n    enabled: false\n  lmdb:\n    enabled: false\n"
    )
os.environ["FLOWCEPT_SETTINGS_PATH"] = settings_path

from flowcept import Flowcept, flowcept_task  # noqa: E402  (settings must be in place first)
import flowcept  # noqa: E402


@flowcept_task
def noop(x):
    return x


durations = []
start = time.perf_counter_ns()
with Flowcept(workflow_name="bench", start_persistence=True, check_safe_stops=False):
    for index in range(count):
        before = time.perf_counter_ns()
        noop(index)
        durations.append(time.perf_counter_ns() - before)
total = time.perf_counter_ns() - start
lines = sum(1 for _ in open(buffer_path)) if os.path.exists(buffer_path) else 0
durations.sort()
print(json.dumps({
    "flowcept_version": flowcept.__version__, "tasks": count, "telemetry": telemetry,
    "task_median_us": durations[len(durations) // 2] / 1000, "task_p90_us": durations[len(durations) * 9 // 10] / 1000,
    "task_mean_with_dump_us": total / count / 1000, "records": lines,
}))
