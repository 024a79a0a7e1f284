"""Several `provkit serve` on one PostgreSQL database, written through at once by several clients, with retried
batches (the same Idempotency-Key through both servers at the same time): nothing lost, nothing duplicated."""
import concurrent.futures
import json
import subprocess
import uuid

import requests

from conftest import postgres_store

EXPERIMENT = "0190a3f2c4d07000800000000000e0aa"


def post(server, lines, key=None):
    headers = {"Content-Type": "application/x-ndjson"}
    if key:
        headers["Idempotency-Key"] = key
    body = "\n".join(json.dumps(line) for line in lines) + "\n"
    answer = requests.post(f"{server.url}/api/provkit/v1/events", data=body, headers=headers, timeout=120)
    assert answer.status_code == 200, answer.text
    return answer.json()


def writer(servers, index):
    run = f"0190a3f2c4d0700080000000{index:04x}0000"
    post(servers[index % 2], [
        {"type": "experiment", "id": EXPERIMENT, "name": "many-writers"},
        {"type": "run_start", "id": run, "experiment": EXPERIMENT, "time": "2026-01-01T00:00:00Z"},
    ])
    for batch in range(10):
        lines = [{"type": "metric", "run": run, "key": "loss", "value": step * 0.5, "step": batch * 100 + step}
                 for step in range(100)]
        lines.append({"type": "entity", "id": f"0190a3f2c4d0700080000000{index:04x}{batch + 1:04x}",
                      "kind": "dataset", "name": f"d{batch}"})
        lines.append({"type": "relation", "relation": "used", "subject": run,
                      "object": f"0190a3f2c4d0700080000000{index:04x}{batch + 1:04x}"})
        key = uuid.uuid4().hex
        # Every batch goes to both servers at once with one key (a retry racing the first attempt).
        with concurrent.futures.ThreadPoolExecutor(2) as pool:
            answers = list(pool.map(lambda server: post(server, lines, key), servers))
        assert sorted(a["metricPoints"] for a in answers) == [0, 100]
        assert sorted(a["relations"] for a in answers) == [0, 1]
    return run


def test_two_servers_many_writers_exact_counts(provkit_binary, start_server):
    store = postgres_store()
    servers = [start_server("--store", store), start_server("--store", store)]
    with concurrent.futures.ThreadPoolExecutor(6) as pool:
        runs = list(pool.map(lambda index: writer(servers, index), range(6)))
    stats = json.loads(subprocess.run([provkit_binary, "stats", "--json", "--store", store], capture_output=True,
                                      text=True, check=True).stdout)
    assert stats["runs"] == 6
    assert stats["experiments"] == 2  # and the servers' default experiment, created once
    assert stats["metricPoints"] == 6 * 10 * 100
    assert stats["relations"] == 6 * 10
    assert stats["entities"] == 6 * 10
    for run in runs:
        detail = requests.get(f"{servers[1].url}/api/provkit/v1/runs/{run}", timeout=30).json()
        loss = [metric for metric in detail["metrics"] if metric["key"] == "loss"][0]
        assert loss["count"] == 1000


def test_a_late_retry_does_not_undo_a_newer_change(start_server):
    store = postgres_store()
    first, second = start_server("--store", store), start_server("--store", store)
    run = "0190a3f2c4d07000800000000000f0aa"
    post(first, [
        {"type": "experiment", "id": EXPERIMENT, "name": "late-retry"},
        {"type": "run_start", "id": run, "experiment": EXPERIMENT, "time": "2026-01-01T00:00:00Z"},
    ])
    old = [{"type": "tag", "run": run, "key": "state", "value": "old"}]
    post(first, old, key="batch-old")
    post(second, [{"type": "tag", "run": run, "key": "state", "value": "new"}], key="batch-new")
    repeat = post(second, old, key="batch-old")  # the old batch's reply was lost; the client retries it
    assert repeat["tags"] == 0
    detail = requests.get(f"{first.url}/api/provkit/v1/runs/{run}", timeout=30).json()
    assert [tag["value"] for tag in detail["tags"] if tag["key"] == "state"] == ["new"]
