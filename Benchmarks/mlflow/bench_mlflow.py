"""The same MLflow-client workload against `mlflow server` (SQLite) and `provkit serve`, side by side.

Workloads (reference/mlflow-api.md §10):
  (a)  single `mlflow.log_metric` calls, sequential            -> calls/s
  (a3) `mlflow.log_metric(synchronous=False)` + flush          -> calls/s
  (b)  `MlflowClient.log_batch` of 1,000 metrics, sequential   -> metrics/s
  (c0) populate 1,000 runs (create_run + log_batch + set_terminated)
  (c1) `client.search_runs(exp, max_results=1000)`, median     -> ms
  (c2) filtered and ordered search (`metrics.acc > 0.5 and params.lr = '0.01'`, `metrics.acc DESC`) -> ms
For each server it also reports the server's CPU time (user + system of its whole process tree), which does not
depend on what else the machine is doing. Run through run.sh, which makes the environment and builds provkit.
"""
import argparse
import json
import os
import pathlib
import platform
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time

import psutil
import requests


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """A tracking server in its own process group, on a free loopback port, with a fresh store."""

    def __init__(self, name, command_for, folder):
        self.name = name
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = open(folder / f"{name}.log", "w")
        command = command_for(self.port, folder)
        environment = dict(os.environ, MLFLOW_DISABLE_TELEMETRY="true", DO_NOT_TRACK="true")
        self.process = subprocess.Popen(
            command, cwd=folder, stdout=self.log, stderr=subprocess.STDOUT, env=environment, start_new_session=True
        )
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"{name} exited early; see {folder / (name + '.log')}")
            try:
                if requests.get(f"{self.url}/api/2.0/mlflow/experiments/get?experiment_id=0", timeout=2).ok:
                    break
            except requests.RequestException:
                pass
            time.sleep(0.5)
        else:
            raise SystemExit(f"{name} did not start within 3 minutes")
        self.root = psutil.Process(self.process.pid)

    def cpu_seconds(self):
        """User + system CPU of the server's process tree so far."""
        total = 0.0
        for process in [self.root, *self.root.children(recursive=True)]:
            try:
                times = process.cpu_times()
                total += times.user + times.system
            except psutil.NoSuchProcess:
                pass
        return total

    def stop(self):
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=30)
        self.log.close()


def measure(server, label, body, results):
    """Runs `body`, recording wall time and server CPU under `label`; returns what body returns."""
    cpu = server.cpu_seconds()
    client = time.process_time()
    start = time.perf_counter()
    value = body()
    wall = time.perf_counter() - start
    results[label] = {
        "wall_s": wall, "server_cpu_s": server.cpu_seconds() - cpu, "client_cpu_s": time.process_time() - client,
    }
    if isinstance(value, dict):
        results[label].update(value)
    print(
        f"  {label:<28} {wall:8.2f} s wall, {results[label]['server_cpu_s']:7.2f} s server CPU, "
        f"{results[label]['client_cpu_s']:7.2f} s client CPU", flush=True)
    return value


def workload(server, options):
    import mlflow
    from mlflow import MlflowClient
    from mlflow.entities import Metric, Param, RunTag

    mlflow.set_tracking_uri(server.url)
    client = MlflowClient(server.url)
    results = {}
    mlflow.set_experiment("bench-single")

    with mlflow.start_run():
        def single():
            for step in range(options.metric_calls):
                mlflow.log_metric("loss", 1.0 / (step + 1), step=step)
        measure(server, "a_log_metric", single, results)
        results["a_log_metric"]["calls_per_s"] = options.metric_calls / results["a_log_metric"]["wall_s"]

        def asynchronous():
            for step in range(options.metric_calls):
                mlflow.log_metric("async_loss", 1.0 / (step + 1), step=step, synchronous=False)
            mlflow.flush_async_logging()
        measure(server, "a3_log_metric_async", asynchronous, results)
        results["a3_log_metric_async"]["calls_per_s"] = options.metric_calls / results["a3_log_metric_async"]["wall_s"]

    run_id = client.create_run(mlflow.get_experiment_by_name("bench-single").experiment_id).info.run_id
    timestamp = int(time.time() * 1000)
    batches = [
        [Metric(f"m{k}", float(b * 1000 + s), timestamp, b * 100 + s) for k in range(10) for s in range(100)]
        for b in range(options.batches)
    ]
    latencies = []

    def batch():
        for metrics in batches:
            begun = time.perf_counter()
            client.log_batch(run_id, metrics=metrics)
            latencies.append(time.perf_counter() - begun)
    measure(server, "b_log_batch", batch, results)
    total = sum(len(metrics) for metrics in batches)
    results["b_log_batch"].update(
        metrics_per_s=total / results["b_log_batch"]["wall_s"],
        median_batch_ms=statistics.median(latencies) * 1000,
        p95_batch_ms=sorted(latencies)[int(len(latencies) * 0.95) - 1] * 1000,
    )

    experiment = client.create_experiment("bench-search")

    def populate():
        for i in range(options.runs):
            run = client.create_run(experiment)
            acc = (i % 100) / 100
            client.log_batch(
                run.info.run_id,
                metrics=[Metric("acc", acc, timestamp, 0), Metric("loss", 1 - acc, timestamp, 0)],
                params=[Param("lr", "0.01" if i % 2 == 0 else "0.1"), Param("bs", str(16 * (1 + i % 4)))],
                tags=[RunTag("group", f"g{i % 10}")],
            )
            client.set_terminated(run.info.run_id)
    measure(server, "c0_populate", populate, results)

    def searches(filter_string="", order_by=None, expected=None):
        durations = []
        for _ in range(options.repeats):
            begun = time.perf_counter()
            found = client.search_runs([experiment], filter_string, max_results=1000, order_by=order_by)
            durations.append(time.perf_counter() - begun)
            if expected is not None:
                assert len(found) == expected, (len(found), expected)
        return {"median_ms": statistics.median(durations) * 1000, "min_ms": min(durations) * 1000}

    measure(server, "c1_search_all", lambda: searches(expected=options.runs), results)
    expected = sum(1 for i in range(options.runs) if (i % 100) / 100 > 0.5 and i % 2 == 0)
    measure(
        server, "c2_search_filtered",
        lambda: searches("metrics.acc > 0.5 and params.lr = '0.01'", ["metrics.acc DESC"], expected), results)
    for label in ("c1_search_all", "c2_search_filtered"):
        results[label]["server_cpu_ms_per_search"] = results[label]["server_cpu_s"] * 1000 / options.repeats
    return results


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--provkit", required=True, help="the provkit binary (a release build)")
    parser.add_argument("--metric-calls", type=int, default=2000)
    parser.add_argument("--batches", type=int, default=100)
    parser.add_argument("--runs", type=int, default=1000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--only", choices=["mlflow", "provkit"], help="run against one server only")
    parser.add_argument("--provkit-durability", default="full", choices=["full", "process"])
    parser.add_argument("--json", help="also write the results to this file")
    options = parser.parse_args()
    options.provkit = str(pathlib.Path(options.provkit).resolve())
    # The client prints a link for every run it ends; that is noise here (and costs both servers the same).
    os.environ["MLFLOW_SUPPRESS_PRINTING_URL_TO_STDOUT"] = "true"
    os.environ["MLFLOW_DISABLE_TELEMETRY"] = "true"

    folder = pathlib.Path(tempfile.mkdtemp(prefix="provkit-mlflow-bench-"))
    mlflow_binary = shutil.which("mlflow") or str(pathlib.Path(sys.executable).parent / "mlflow")
    servers = {
        "mlflow": lambda port, root: [
            mlflow_binary, "server", "--backend-store-uri", f"sqlite:///{root}/mlflow.db",
            "--artifacts-destination", str(root / "mlartifacts"), "--host", "127.0.0.1", "--port", str(port),
            "--workers", "1",
        ],
        "provkit": lambda port, root: [
            options.provkit, "serve", "--store", str(root / "provkit"), "--host", "127.0.0.1", "--port", str(port),
            "--durability", options.provkit_durability,
        ],
    }
    import mlflow

    results = {
        "machine": {
            "cpus": os.cpu_count(), "load_average": os.getloadavg(), "platform": platform.platform(),
            "python": platform.python_version(), "mlflow": mlflow.__version__,
        },
        "options": vars(options),
    }
    try:
        for name, command in servers.items():
            if options.only and options.only != name:
                continue
            print(f"{name}:", flush=True)
            server = Server(name, command, folder)
            try:
                results[name] = workload(server, options)
            finally:
                server.stop()
        results["machine"]["load_average_after"] = os.getloadavg()
    finally:
        shutil.rmtree(folder, ignore_errors=True)

    if "mlflow" in results and "provkit" in results:
        reference, ours = results["mlflow"], results["provkit"]
        rows = [
            ("(a) log_metric calls/s", reference["a_log_metric"]["calls_per_s"], ours["a_log_metric"]["calls_per_s"], True, "≥ 10×"),
            ("(a3) async log_metric calls/s", reference["a3_log_metric_async"]["calls_per_s"], ours["a3_log_metric_async"]["calls_per_s"], True, ""),
            ("(b) log_batch metrics/s", reference["b_log_batch"]["metrics_per_s"], ours["b_log_batch"]["metrics_per_s"], True, "≥ 50×"),
            ("(c0) populate 1,000 runs, s", reference["c0_populate"]["wall_s"], ours["c0_populate"]["wall_s"], False, ""),
            ("(c1) search 1,000 runs, ms", reference["c1_search_all"]["median_ms"], ours["c1_search_all"]["median_ms"], False, "≥ 20×"),
            ("(c2) filtered search, ms", reference["c2_search_filtered"]["median_ms"], ours["c2_search_filtered"]["median_ms"], False, ""),
        ]
        print("\nwall clock (same client, same machine, one run)")
        print(f"{'workload':<34}{'mlflow':>12}{'provkit':>12}{'ratio':>9}  target")
        for label, theirs, mine, higher_is_better, target in rows:
            ratio = mine / theirs if higher_is_better else theirs / mine
            print(f"{label:<34}{theirs:>12.1f}{mine:>12.1f}{ratio:>8.1f}×  {target}")
            results.setdefault("ratios", {})[label] = ratio
        print("\nclient CPU per operation, ms (this process: the MLflow client's own cost, the same for both servers)")
        for label, key, count in [
            ("(a) per log_metric call", "a_log_metric", options.metric_calls),
            ("(b) per 1,000-metric batch", "b_log_batch", options.batches),
            ("(c1) per 1,000-run search", "c1_search_all", options.repeats),
        ]:
            theirs = reference[key]["client_cpu_s"] * 1000 / count
            mine = ours[key]["client_cpu_s"] * 1000 / count
            print(f"{label:<34}{theirs:>12.2f}{mine:>12.2f}")
        print("\nserver CPU (user + system of the server's processes)")
        cpu_rows = [
            ("(a) per log_metric call, ms", "a_log_metric", options.metric_calls),
            ("(b) per 1,000-metric batch, ms", "b_log_batch", options.batches),
            ("(c1) per 1,000-run search, ms", "c1_search_all", options.repeats),
            ("(c2) per filtered search, ms", "c2_search_filtered", options.repeats),
        ]
        for label, key, count in cpu_rows:
            theirs = reference[key]["server_cpu_s"] * 1000 / count
            mine = ours[key]["server_cpu_s"] * 1000 / count
            ratio = theirs / mine if mine > 0 else float("inf")
            print(f"{label:<34}{theirs:>12.2f}{mine:>12.3f}{ratio:>8.1f}×")
            results.setdefault("cpu_ratios", {})[label] = ratio
    print(f"\nmachine: {results['machine']}")
    if options.json:
        pathlib.Path(options.json).write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
