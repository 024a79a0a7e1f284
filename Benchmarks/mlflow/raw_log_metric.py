"""The floor of one durable MLflow call without the MLflow client: a raw JSON `POST runs/log-metric` loop on one
keep-alive `requests` session against `provkit serve` (fresh store, default `--durability full`), and `GET /health`
on the same session for the cost of a round trip alone. Prints calls/s and the median time per call.

    python3 Benchmarks/mlflow/raw_log_metric.py .build/release/provkit [--calls 5000] [--repeats 3]

Needs only `requests` (the test environment's .venv has it). docs/benchmarks.md, "MLflow tracking server".
"""
import argparse
import re
import statistics
import subprocess
import sys
import tempfile
import time

import requests


def start(binary, folder):
    """`provkit serve` on a free loopback port; returns (process, base URL)."""
    process = subprocess.Popen([binary, "serve", "--port", "0", "--store", f"{folder}/store"], cwd=folder,
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    for line in process.stdout:
        match = re.search(r"listening on (http://127\.0\.0\.1:\d+)", line)
        if match:
            return process, match.group(1)
    raise SystemExit("provkit serve did not start")


def timed(session, calls, request):
    """Seconds per call of `calls` calls of `request(session, index)`, each answer checked."""
    started = time.perf_counter()
    for index in range(calls):
        answer = request(session, index)
        if answer.status_code != 200:
            raise SystemExit(f"{answer.status_code}: {answer.text}")
    return (time.perf_counter() - started) / calls


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("provkit", help="the provkit binary (a release build for figures)")
    parser.add_argument("--calls", type=int, default=5000)
    parser.add_argument("--repeats", type=int, default=3)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        process, url = start(options.provkit, folder)
        try:
            api = f"{url}/api/2.0/mlflow"
            session = requests.Session()
            experiment = session.post(f"{api}/experiments/create", json={"name": "raw-loop"}).json()["experiment_id"]
            run = session.post(f"{api}/runs/create", json={"experiment_id": experiment, "start_time": 0}).json()
            run_id = run["run"]["info"]["run_id"]
            step = iter(range(10**9))

            def log_metric(s, index):
                return s.post(f"{api}/runs/log-metric", json={
                    "run_id": run_id, "key": "loss", "value": 1.0 / (index + 1), "timestamp": 1714564800000,
                    "step": next(step)})

            def health(s, index):
                return s.get(f"{url}/health")

            metric = [timed(session, options.calls, log_metric) for _ in range(options.repeats)]
            probe = [timed(session, options.calls, health) for _ in range(options.repeats)]
            per_call = statistics.median(metric)
            print(f"log-metric: {1 / per_call:,.0f} durable calls/s ({per_call * 1e3:.2f} ms per call, "
                  f"median of {options.repeats} × {options.calls})")
            print(f"GET /health: {statistics.median(probe) * 1e3:.2f} ms per call")
        finally:
            process.terminate()
            process.wait(timeout=30)


if __name__ == "__main__":
    sys.exit(main())
