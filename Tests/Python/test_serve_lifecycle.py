"""The store as a service of `provkit serve` (#13 item 6): the server starts its store with it and closes it after the
HTTP server drained, so a PostgreSQL server exits promptly and cleanly on SIGTERM, a SQLite store is closed (its
write-ahead log copied into the database and emptied), and commands that open a store without serving exit promptly
too. Loopback only; every wait is bounded."""
import os
import signal
import subprocess
import time

import pytest
import requests

from conftest import ProvKitServer, postgres_store


def _log_a_run(url):
    """Creates an experiment and a run with a metric through the MLflow API; returns the run id."""
    api = f"{url}/api/2.0/mlflow"
    experiment = requests.post(f"{api}/experiments/create", json={"name": "lifecycle"}, timeout=30)
    assert experiment.status_code == 200, experiment.text
    run = requests.post(
        f"{api}/runs/create",
        json={"experiment_id": experiment.json()["experiment_id"], "run_name": "r", "start_time": 1760000000000},
        timeout=30,
    )
    assert run.status_code == 200, run.text
    run_id = run.json()["run"]["info"]["run_id"]
    metric = requests.post(
        f"{api}/runs/log-metric",
        json={"run_id": run_id, "key": "loss", "value": 0.5, "timestamp": 1760000000001, "step": 1},
        timeout=30,
    )
    assert metric.status_code == 200, metric.text
    return run_id


def _sigterm(server, bound=10):
    """SIGTERM; returns (exit status, seconds until it exited)."""
    started = time.monotonic()
    server.process.send_signal(signal.SIGTERM)
    try:
        code = server.process.wait(timeout=bound)
    except subprocess.TimeoutExpired:
        server.stop(signal.SIGKILL)
        pytest.fail(f"provkit serve did not exit within {bound} s of SIGTERM")
    return code, time.monotonic() - started


def _runs(provkit_binary, store, cwd):
    """`provkit runs --json` on `store`, bounded; returns the completed process."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PROVKIT_", "MLFLOW_"))}
    return subprocess.run(
        [provkit_binary, "runs", "--json", "--store", str(store)], cwd=cwd, capture_output=True, text=True, env=env,
        timeout=60,
    )


def test_postgres_serve_exits_promptly_and_cleanly_on_sigterm(provkit_binary, tmp_path):
    store = postgres_store()
    server = ProvKitServer(provkit_binary, tmp_path / "server", store=store)
    run_id = _log_a_run(server.url)
    code, seconds = _sigterm(server)
    assert code == 0
    assert seconds < 10
    server.stop()
    assert "provkit serve: stopped" in server.rest
    errors = (tmp_path / "server" / "server.stderr").read_text()
    assert "warning" not in errors.lower() and "error" not in errors.lower(), errors
    # What the server acknowledged is stored, and a command that opens the store without serving ends promptly.
    started = time.monotonic()
    listed = _runs(provkit_binary, store, tmp_path)
    assert listed.returncode == 0, listed.stderr
    assert time.monotonic() - started < 30
    assert run_id in listed.stdout
    assert listed.stderr == ""


def test_sqlite_serve_closes_its_store_on_sigterm(provkit_binary, tmp_path):
    server = ProvKitServer(provkit_binary, tmp_path / "server")
    run_id = _log_a_run(server.url)
    database = server.store / "provkit.sqlite"
    code, _ = _sigterm(server)
    assert code == 0
    server.stop()
    # Closed, not dropped: the write-ahead log was copied into the database file and emptied.
    assert database.exists()
    wal = server.store / "provkit.sqlite-wal"
    assert not wal.exists() or wal.stat().st_size == 0
    listed = _runs(provkit_binary, server.store, tmp_path)
    assert listed.returncode == 0, listed.stderr
    assert run_id in listed.stdout
