"""A metric-writing load for the crash-safety tests (test_crash_safety.py), also usable by hand.

Each writer thread owns one MLflow run and logs one metric series into it through `runs/log-metric` or
`runs/log-batch`, steps 0, 1, 2, ... in order, and records which steps the server acknowledged (HTTP 200). A step
whose request failed (a refused connection while the server is down, a 503 while the database is, a timeout) is not
sent again: it may or may not be stored, but no retry of the client's can double it. Afterwards ``check`` reads every
series back and counts acknowledged steps that are missing (lost) and steps stored more than once (doubled).

By hand (a server already running):

    python Tests/Python/crash_load.py http://127.0.0.1:5000 --threads 8 --seconds 20
"""
import argparse
import collections
import json
import threading
import time

import requests

API = "/api/2.0/mlflow"


class MetricLoad:
    """Writer threads logging metric points through the MLflow API, round-robin over `urls` (a list the caller
    may change while the load runs, for a server restarted on another port)."""

    def __init__(self, urls, threads=6, points_per_request=1, timeout=60, experiment_name="crash-safety"):
        self.urls = urls
        self.points = points_per_request
        self.timeout = timeout
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self.acknowledged = collections.defaultdict(set)  # run id -> steps answered 200
        self.statuses = collections.Counter()  # HTTP status (or exception class name) -> count
        self.outage_answers = []  # (status, error_code, message) of non-200 HTTP answers
        self.last_ack = 0.0  # time.monotonic() of the latest 200
        self.longest = 0.0  # seconds of the slowest request
        experiment = self._post("experiments/create", {"name": f"{experiment_name}-{time.time_ns()}"})
        self.experiment = experiment.json()["experiment_id"]
        self.runs = []
        for index in range(threads):
            answer = self._post("runs/create", {"experiment_id": self.experiment, "run_name": f"writer-{index}"})
            self.runs.append(answer.json()["run"]["info"]["run_id"])
        self.threads = [threading.Thread(target=self._write, args=(run,), daemon=True) for run in self.runs]

    def _post(self, route, body):
        answer = requests.post(f"{self.urls[0]}{API}/{route}", json=body, timeout=self.timeout)
        answer.raise_for_status()
        return answer

    def start(self):
        for thread in self.threads:
            thread.start()
        return self

    def stop(self):
        self.stopping.set()
        for thread in self.threads:
            thread.join(timeout=self.timeout + 30)
        assert not any(thread.is_alive() for thread in self.threads), "a writer thread did not finish"

    @property
    def acknowledged_points(self):
        with self.lock:
            return sum(len(steps) for steps in self.acknowledged.values())

    def wait_for_acknowledged(self, count, within=30):
        """Waits until at least `count` points are acknowledged; fails after `within` seconds."""
        deadline = time.monotonic() + within
        while self.acknowledged_points < count:
            assert time.monotonic() < deadline, f"fewer than {count} points acknowledged within {within} s"
            time.sleep(0.05)

    def wait_for_resumption(self, since, within=30):
        """Waits until a write is acknowledged after `since` (time.monotonic()); returns how long that took from
        `since`, or fails after `within` seconds."""
        deadline = since + within
        while True:
            with self.lock:
                if self.last_ack > since:
                    return self.last_ack - since
            assert time.monotonic() < deadline, f"no write was acknowledged within {within} s: {self.summary()}"
            time.sleep(0.05)

    def summary(self):
        with self.lock:
            return {"acknowledged": sum(len(s) for s in self.acknowledged.values()),
                    "statuses": dict(self.statuses), "longest_request_s": round(self.longest, 2)}

    def _write(self, run):
        session = requests.Session()
        step = 0
        sent = 0
        while not self.stopping.is_set():
            steps = list(range(step, step + self.points))
            step += self.points
            metrics = [{"key": "loss", "value": float(s), "timestamp": 1_700_000_000_000 + s, "step": s}
                       for s in steps]
            url = self.urls[sent % len(self.urls)]
            sent += 1
            if self.points == 1:
                route, body = "runs/log-metric", {"run_id": run, **metrics[0]}
            else:
                route, body = "runs/log-batch", {"run_id": run, "metrics": metrics}
            started = time.monotonic()
            try:
                answer = session.post(f"{url}{API}/{route}", data=json.dumps(body), timeout=self.timeout,
                                      headers={"Content-Type": "application/json"})
                outcome = answer.status_code
            except requests.RequestException as error:
                answer, outcome = None, type(error).__name__
            finished = time.monotonic()
            with self.lock:
                self.statuses[outcome] += 1
                self.longest = max(self.longest, finished - started)
                if outcome == 200:
                    self.acknowledged[run].update(steps)
                    self.last_ack = finished
                elif answer is not None and len(self.outage_answers) < 1000:
                    try:
                        error = answer.json()
                    except ValueError:
                        error = {}
                    self.outage_answers.append((outcome, error.get("error_code"), error.get("message")))
            if answer is None or outcome != 200:
                time.sleep(0.05)  # the server is down or refusing: do not spin

    def stored_steps(self, url):
        """run id -> Counter of the steps stored for its `loss` series, read back through the MLflow API."""
        stored = {}
        for run in self.runs:
            counts = collections.Counter()
            token = None
            while True:
                params = {"run_id": run, "metric_key": "loss", "max_results": 25000}
                if token:
                    params["page_token"] = token
                answer = requests.get(f"{url}{API}/metrics/get-history", params=params, timeout=60)
                answer.raise_for_status()
                body = answer.json()
                counts.update(int(point["step"]) for point in body.get("metrics", []))
                token = body.get("next_page_token")
                if not token:
                    break
            stored[run] = counts
        return stored

    def check(self, url):
        """Reads every series back; returns {"acknowledged", "stored", "lost", "doubled"} point counts."""
        stored = self.stored_steps(url)
        lost = doubled = 0
        with self.lock:
            for run in self.runs:
                counts = stored[run]
                lost += len(self.acknowledged[run] - set(counts))
                doubled += sum(count - 1 for count in counts.values() if count > 1)
            acknowledged = sum(len(s) for s in self.acknowledged.values())
        return {"acknowledged": acknowledged, "stored": sum(sum(c.values()) for c in stored.values()),
                "lost": lost, "doubled": doubled}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("urls", nargs="+")
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--points", type=int, default=1, help="points per request (1: runs/log-metric)")
    parser.add_argument("--seconds", type=float, default=20)
    args = parser.parse_args()
    load = MetricLoad(list(args.urls), threads=args.threads, points_per_request=args.points).start()
    ends = time.monotonic() + args.seconds
    while time.monotonic() < ends:
        time.sleep(1)
        print(json.dumps(load.summary()), flush=True)
    load.stop()
    print(json.dumps({**load.summary(), **load.check(args.urls[0])}))


if __name__ == "__main__":
    main()
