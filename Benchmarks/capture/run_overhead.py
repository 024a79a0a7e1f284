"""Wall-time overhead of `provkit run` on a CPU-bound job of about 10 s: bare and wrapped runs, interleaved."""
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

provkit, job = sys.argv[1], sys.argv[2]
python = sys.executable


def timed(command):
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


# Calibrate the work to about 10 s.
probe = 2_000_000
seconds = timed([python, job, str(probe)])
work = int(probe * 10 / max(seconds, 0.01))
store = tempfile.mkdtemp(prefix="provkit-overhead-")
repeats = int(os.environ.get("REPEATS", "3"))
bare, wrapped = [], []
for _ in range(repeats):
    bare.append(timed([python, job, str(work)]))
    wrapped.append(timed([provkit, "run", "--store", store, "--no-gpu", "--", python, job, str(work)]))
result = {
    "work": work, "repeats": repeats, "bare_s": bare, "wrapped_s": wrapped,
    "bare_median_s": statistics.median(bare), "wrapped_median_s": statistics.median(wrapped),
}
result["overhead_percent"] = 100 * (result["wrapped_median_s"] - result["bare_median_s"]) / result["bare_median_s"]
print(json.dumps(result))
