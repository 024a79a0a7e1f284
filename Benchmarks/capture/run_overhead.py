"""Wall-time overhead of `provkit run` on a CPU-bound job of about 10 s: bare and wrapped runs, interleaved."""
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time

provkit, job = sys.argv[1], sys.argv[2]
python = sys.executable


cpu = {"bare": [], "wrapped": []}


def timed(command, kind=None):
    """Wall time of a command; its CPU time (its own and its children's) goes to `cpu[kind]`."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if kind:
        cpu[kind].append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return wall


# Calibrate the work to about 10 s.
probe = 2_000_000
seconds = timed([python, job, str(probe)])
work = int(probe * 10 / max(seconds, 0.01))
store = tempfile.mkdtemp(prefix="provkit-overhead-")
repeats = int(os.environ.get("REPEATS", "3"))
bare, wrapped = [], []
for _ in range(repeats):
    bare.append(timed([python, job, str(work)], "bare"))
    wrapped.append(timed([provkit, "run", "--store", store, "--no-gpu", "--", python, job, str(work)], "wrapped"))
result = {
    "work": work, "repeats": repeats, "bare_s": bare, "wrapped_s": wrapped,
    "bare_median_s": statistics.median(bare), "wrapped_median_s": statistics.median(wrapped),
}
result["overhead_percent"] = 100 * (result["wrapped_median_s"] - result["bare_median_s"]) / result["bare_median_s"]
# CPU time is steadier than wall time on a shared machine: the wrapper's own CPU (the child's is the same work).
result["bare_cpu_s"] = cpu["bare"]
result["wrapped_cpu_s"] = cpu["wrapped"]
result["cpu_overhead_percent"] = 100 * (statistics.median(cpu["wrapped"]) - statistics.median(cpu["bare"])) / statistics.median(cpu["bare"])
print(json.dumps(result))
