"""Crash safety under a writer load through `provkit serve` (issue #12): `kill -9` mid-load (SQLite, and two servers
sharing one PostgreSQL database), SIGTERM under load, and PostgreSQL restarted or its backends terminated under load.

Every test checks that each acknowledged point (HTTP 200) is stored exactly once after the fault (`crash_load.py`
sends each step once and never retries, so a step stored twice was doubled by the server). Bounds are liveness bounds
(30 s), not timings. The PostgreSQL tests start a cluster of their own (scripts/postgres-cluster.sh), since they stop
it and end its sessions; without PostgreSQL's server binaries they skip, or fail under CI=true.

Each test prints one `crash-safety:` JSON line with its figures (`pytest -s` shows them).
"""
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import tempfile
import time
import uuid

import pytest
import requests

from conftest import ROOT, ProvKitServer, skip_or_fail
from crash_load import API, MetricLoad

CLUSTER_SCRIPT = ROOT / "scripts" / "postgres-cluster.sh"
LIVENESS = 30  # seconds: the most any fault may keep the server from writing, or shutdown may take


def report(test, **figures):
    print("crash-safety:", json.dumps({"test": test, **figures}), flush=True)


class Servers:
    """`provkit serve` processes on one store, restarted in new folders after a kill; all stopped at the end."""

    def __init__(self, binary, folder):
        self.binary = binary
        self.folder = folder
        self.started = []

    def start(self, store):
        server = ProvKitServer(self.binary, self.folder / f"server{len(self.started)}", store=store)
        self.started.append(server)
        return server

    def stop_all(self):
        for server in self.started:
            if server.process.poll() is None:
                server.stop(signal.SIGKILL)


@pytest.fixture()
def servers(provkit_binary, tmp_path):
    group = Servers(provkit_binary, tmp_path)
    yield group
    group.stop_all()


def kill9(server):
    server.process.kill()
    server.process.wait(timeout=LIVENESS)


def terminate(server):
    """SIGTERM; returns the seconds until the process ended (fails if it did not within the liveness bound)."""
    started = time.monotonic()
    server.process.send_signal(signal.SIGTERM)
    try:
        server.process.wait(timeout=LIVENESS)
    except subprocess.TimeoutExpired:
        pytest.fail(f"provkit serve did not exit within {LIVENESS} s of SIGTERM")
    return time.monotonic() - started


def check_stored(load, url, test, **figures):
    """Reads the load's series back through `url`, prints the figures, and checks that nothing acknowledged was lost
    and nothing was stored twice; returns the load's summary."""
    result = load.check(url)
    summary = load.summary()
    report(test, **figures, **result, statuses=summary["statuses"], longest_request_s=summary["longest_request_s"])
    assert result["lost"] == 0, result
    assert result["doubled"] == 0, result
    return summary


def integrity(path):
    connection = sqlite3.connect(path)
    try:
        return connection.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        connection.close()


# MARK: PostgreSQL cluster of the fault tests' own


class Cluster:
    """A throwaway PostgreSQL cluster (scripts/postgres-cluster.sh) the tests may stop, restart and disrupt."""

    def __init__(self):
        # Not under pytest's tmp folder: that is private to this user, and the cluster runs as another when root.
        self.folder = tempfile.mkdtemp(prefix="provkit-crash-pg-")
        started = subprocess.run([str(CLUSTER_SCRIPT), "start", self.folder], capture_output=True, text=True,
                                 timeout=180)
        if started.returncode != 0:
            shutil.rmtree(self.folder, ignore_errors=True)
            message = f"cannot start a PostgreSQL cluster: {started.stderr.strip()}"
            if "not found" in started.stderr:
                skip_or_fail(message)
            pytest.fail(message)
        self.url = started.stdout.strip()

    def database(self):
        """A new, empty database on the cluster, as a postgres:// URL."""
        name = f"crash_{uuid.uuid4().hex[:12]}"
        self.psql(f"CREATE DATABASE {name}")
        return self.url.replace("/provkit?", f"/{name}?"), name

    def psql(self, sql, url=None):
        result = subprocess.run(["psql", url or self.url, "-v", "ON_ERROR_STOP=1", "-qAt", "-c", sql],
                                capture_output=True, text=True, timeout=60)
        assert result.returncode == 0, f"psql failed: {result.stderr}"
        return result.stdout.strip()

    def terminate_backends(self, database):
        """Ends every session on `database` (pg_terminate_backend); returns how many."""
        ended = self.psql("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                          f"WHERE datname = '{database}' AND pid <> pg_backend_pid()")
        return int(ended or 0)

    def stop(self):
        subprocess.run([str(CLUSTER_SCRIPT), "stop", self.folder], check=True, timeout=120)

    def resume(self):
        subprocess.run([str(CLUSTER_SCRIPT), "resume", self.folder], check=True, timeout=120,
                       stdout=subprocess.DEVNULL)

    def remove(self):
        subprocess.run([str(CLUSTER_SCRIPT), "stop", self.folder], timeout=120)
        shutil.rmtree(self.folder, ignore_errors=True)


@pytest.fixture(scope="module")
def cluster():
    own = Cluster()
    yield own
    own.remove()


# MARK: SQLite


def test_sqlite_kill9_under_load_keeps_every_acknowledged_point(servers, tmp_path):
    store = tmp_path / "store"
    server = servers.start(store)
    load = MetricLoad([server.url], threads=6, points_per_request=10, timeout=LIVENESS).start()
    rounds = 3
    try:
        for _ in range(rounds):
            load.wait_for_acknowledged(load.acknowledged_points + 500, within=LIVENESS)
            kill9(server)
            server = servers.start(store)
            load.urls[0] = server.url
        load.wait_for_acknowledged(load.acknowledged_points + 500, within=LIVENESS)
    finally:
        load.stop()
    check_stored(load, server.url, "sqlite-kill9", rounds=rounds)
    assert terminate(server) < LIVENESS
    assert integrity(store / "provkit.sqlite") == "ok"


def test_sigterm_under_load_exits_promptly_and_keeps_every_acknowledged_point(servers, tmp_path):
    store = tmp_path / "store"
    server = servers.start(store)
    load = MetricLoad([server.url], threads=8, points_per_request=1, timeout=LIVENESS).start()
    try:
        load.wait_for_acknowledged(300, within=LIVENESS)
        seconds = terminate(server)
        assert server.process.returncode == 0, (server.folder / "server.stderr").read_text()
        server = servers.start(store)
        load.urls[0] = server.url
        load.wait_for_acknowledged(load.acknowledged_points + 100, within=LIVENESS)
    finally:
        load.stop()
    check_stored(load, server.url, "sqlite-sigterm", exit_seconds=round(seconds, 2))
    assert terminate(server) < LIVENESS
    assert integrity(store / "provkit.sqlite") == "ok"


# MARK: PostgreSQL


def test_postgres_two_servers_kill9_under_load_lose_and_double_nothing(servers, cluster):
    url, _ = cluster.database()
    pair = [servers.start(url), servers.start(url)]
    urls = [server.url for server in pair]
    load = MetricLoad(urls, threads=6, points_per_request=10, timeout=LIVENESS).start()
    rounds = 2
    try:
        for _ in range(rounds):
            load.wait_for_acknowledged(load.acknowledged_points + 500, within=LIVENESS)
            for index, server in enumerate(pair):
                kill9(server)
            for index in range(2):
                pair[index] = servers.start(url)
                urls[index] = pair[index].url
        load.wait_for_acknowledged(load.acknowledged_points + 500, within=LIVENESS)
    finally:
        load.stop()
    check_stored(load, urls[0], "postgres-two-servers-kill9", rounds=rounds)


def postgres_fault_under_load(servers, cluster, test, fault):
    """Runs `fault(database, server, load)` while a server writes through 8 threads into a fresh database, then checks
    that writes resume within the liveness bound, that nothing acknowledged was lost or doubled, that no request took
    that long, and that SIGTERM then ends the server. `fault` returns a dict of figures to print and check."""
    url, database = cluster.database()
    server = servers.start(url)
    load = MetricLoad([server.url], threads=8, points_per_request=1, timeout=LIVENESS).start()
    try:
        load.wait_for_acknowledged(300, within=LIVENESS)
        figures = fault(database, server, load)
        resumed = load.wait_for_resumption(time.monotonic(), within=LIVENESS)
        load.wait_for_acknowledged(load.acknowledged_points + 300, within=LIVENESS)
    finally:
        load.stop()
    summary = check_stored(load, server.url, test, **figures, resumed_after_s=round(resumed, 2))
    assert summary["longest_request_s"] < LIVENESS, summary
    assert terminate(server) < LIVENESS
    return figures


def test_postgres_backends_terminated_under_load_writes_resume(servers, cluster):
    def end_sessions(database, server, load):
        ended = 0
        for _ in range(3):
            ended += cluster.terminate_backends(database)
            time.sleep(0.5)
        return {"sessions_ended": ended}

    postgres_fault_under_load(servers, cluster, "postgres-terminate-backends", end_sessions)


def test_postgres_restarted_under_load_answers_503_then_resumes(servers, cluster):
    def restart(database, server, load):
        cluster.stop()
        started = time.monotonic()
        write = requests.post(f"{server.url}{API}/runs/log-metric", timeout=LIVENESS + 30, json={
            "run_id": load.runs[0], "key": "outage", "value": 1.0, "timestamp": 1_700_000_000_000, "step": 0})
        waited = time.monotonic() - started
        read = requests.get(f"{server.url}{API}/runs/get", params={"run_id": load.runs[0]}, timeout=LIVENESS + 30)
        cluster.resume()
        return {"outage_write": write.status_code, "outage_write_s": round(waited, 2),
                "outage_write_error": write.json().get("error_code"), "outage_message": write.json().get("message"),
                "outage_read": read.status_code}

    figures = postgres_fault_under_load(servers, cluster, "postgres-restart", restart)
    assert figures["outage_write"] == 503, figures
    assert figures["outage_write_error"] == "TEMPORARILY_UNAVAILABLE", figures
    assert "unreachable" in figures["outage_message"], figures
    assert figures["outage_read"] == 503, figures
