"""`provkit serve` at its edges (#12 items 3, 6, 7, 8): empty tokens refused at start-up, stalled and slow clients
closed by the idle timeout, a bounded shutdown on SIGTERM with nothing acknowledged lost, client mistakes on artifact
names answered 400, and the request body limit honoured on the native API. Loopback only; every wait is bounded."""
import os
import pathlib
import signal
import socket
import subprocess
import threading
import time

import pytest
import requests

from conftest import ProvKitServer


def _closed_by_server(sock, deadline):
    """Waits (until `deadline`) for the server to close `sock`; True when it did."""
    while time.monotonic() < deadline:
        sock.settimeout(max(0.1, min(1.0, deadline - time.monotonic())))
        try:
            data = sock.recv(65536)
        except socket.timeout:
            continue
        except OSError:
            return True  # reset by the server
        if data == b"":
            return True
        # An answer (such as a 408 or 400) is fine; keep reading until the close.
    return False


def _stalled_connections(url, count):
    """Opens `count` connections that stall: half stop inside the request header, half inside the body."""
    host, port = url.removeprefix("http://").split(":")
    sockets = []
    for index in range(count):
        sock = socket.create_connection((host, int(port)), timeout=10)
        if index % 2 == 0:
            sock.sendall(b"POST /api/2.0/mlflow/runs/log-metric HTTP/1.1\r\nHost: x\r\nContent-Ty")
        else:
            sock.sendall(
                b"POST /api/2.0/mlflow/runs/log-metric HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                b"Content-Length: 1000\r\n\r\n{\"run_id\": "
            )
        sockets.append(sock)
    return sockets


@pytest.mark.parametrize(
    "args, env",
    [
        (["--auth-token", ""], {}),
        (["--auth-token", "   "], {}),
        ([], {"PROVKIT_AUTH_TOKEN": ""}),
        ([], {"PROVKIT_AUTH_TOKEN": " \t"}),
        (["--host", "0.0.0.0", "--auth-token", ""], {}),
    ],
)
def test_an_empty_token_is_refused_at_start_up(provkit_binary, tmp_path, args, env):
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("PROVKIT_", "MLFLOW_"))}
    environment.update(env)
    result = subprocess.run(
        [provkit_binary, "serve", "--port", "0", "--store", str(tmp_path / "store"), *args],
        capture_output=True, text=True, env=environment, timeout=60, cwd=tmp_path,
    )
    assert result.returncode != 0, result.stdout
    assert "listening" not in result.stdout
    assert "token" in result.stderr and ("empty" in result.stderr or "whitespace" in result.stderr), result.stderr


def test_stalled_clients_are_closed_after_the_idle_timeout_and_others_are_served(start_server):
    server = start_server("--idle-timeout", "2")
    sockets = _stalled_connections(server.url, 200)
    try:
        # While they stall, the server answers everyone else.
        for _ in range(5):
            assert requests.get(f"{server.url}/health", timeout=10).status_code == 200
        # A client that trickles its header a byte at a time is closed as well: header bytes are not activity.
        host, port = server.url.removeprefix("http://").split(":")
        trickler = socket.create_connection((host, int(port)), timeout=10)
        trickler.setblocking(False)
        request = b"GET /health HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"a" * 200
        deadline = time.monotonic() + 30
        closed = False
        for byte in request:
            if time.monotonic() > deadline:
                break
            try:
                trickler.send(bytes([byte]))
                if trickler.recv(1) == b"":
                    closed = True
                    break
            except BlockingIOError:
                pass
            except OSError:
                closed = True
                break
            time.sleep(0.25)
        trickler.close()
        assert closed, "a client trickling its header was never closed"
        deadline = time.monotonic() + 30
        still_open = [sock for sock in sockets if not _closed_by_server(sock, deadline)]
        assert not still_open, f"{len(still_open)} of {len(sockets)} stalled connections still open after 30 s"
        assert requests.get(f"{server.url}/health", timeout=10).status_code == 200
    finally:
        for sock in sockets:
            sock.close()
    assert server.stop() == 0


def test_sigterm_with_stalled_clients_connected_exits_promptly(start_server):
    # The idle timeout is far away: only the shutdown's grace period can free these connections.
    server = start_server("--idle-timeout", "3600", "--shutdown-grace", "2")
    sockets = _stalled_connections(server.url, 100)
    try:
        assert requests.get(f"{server.url}/health", timeout=10).status_code == 200
        started = time.monotonic()
        server.process.send_signal(signal.SIGTERM)
        try:
            code = server.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            pytest.fail("provkit serve did not exit within 30 s of SIGTERM with stalled clients connected")
        assert code == 0
        assert time.monotonic() - started < 30
    finally:
        for sock in sockets:
            sock.close()
        server.stop()


def test_sigterm_during_a_log_metric_load_loses_no_acknowledged_write(provkit_binary, tmp_path):
    folder = tmp_path / "server"
    server = ProvKitServer(provkit_binary, folder)
    run = requests.post(
        f"{server.url}/api/2.0/mlflow/runs/create", json={"experiment_id": "0", "start_time": 1}, timeout=30
    ).json()["run"]["info"]["run_id"]
    acknowledged = []
    lock = threading.Lock()
    stop = threading.Event()

    def writer(worker):
        session = requests.Session()
        step = 0
        while not stop.is_set():
            step += 1
            value = worker * 1_000_000 + step
            try:
                answer = session.post(
                    f"{server.url}/api/2.0/mlflow/runs/log-metric",
                    json={"run_id": run, "key": "load", "value": value, "timestamp": 1, "step": value},
                    timeout=30,
                )
            except requests.RequestException:
                return  # the server is going away
            if answer.status_code == 200:
                with lock:
                    acknowledged.append(value)
            else:
                return

    threads = [threading.Thread(target=writer, args=(worker,)) for worker in range(8)]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + 30
    while len(acknowledged) < 200 and time.monotonic() < deadline:
        time.sleep(0.05)
    server.process.send_signal(signal.SIGTERM)
    try:
        code = server.process.wait(timeout=30)
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=60)
    assert code == 0
    server.stop()
    assert len(acknowledged) >= 200, "the load never got going"

    restarted = ProvKitServer(provkit_binary, folder)
    try:
        stored = set()
        token = None
        while True:
            params = {"run_id": run, "metric_key": "load", "max_results": 25000}
            if token:
                params["page_token"] = token
            page = requests.get(f"{restarted.url}/api/2.0/mlflow/metrics/get-history", params=params, timeout=60).json()
            stored.update(int(metric["value"]) for metric in page.get("metrics", []))
            token = page.get("next_page_token")
            if not token:
                break
        missing = set(acknowledged) - stored
        assert not missing, f"{len(missing)} of {len(acknowledged)} acknowledged points lost, e.g. {sorted(missing)[:5]}"
    finally:
        assert restarted.stop() == 0


def test_an_artifact_name_too_long_is_a_client_error_the_mlflow_client_does_not_retry(start_server, tmp_path, monkeypatch):
    import mlflow
    from mlflow.exceptions import MlflowException
    from mlflow.tracking import MlflowClient

    monkeypatch.setenv("MLFLOW_HTTP_REQUEST_MAX_RETRIES", "0")
    server = start_server()
    mlflow.set_tracking_uri(server.url)
    client = MlflowClient(server.url)
    run = client.create_run("0").info.run_id
    local = tmp_path / "notes.txt"
    local.write_text("hello\n")
    started = time.monotonic()
    with pytest.raises((MlflowException, requests.HTTPError)) as raised:
        client.log_artifact(run, str(local), artifact_path="d" * 300)
    assert time.monotonic() - started < 60
    assert "400" in str(raised.value) or "INVALID_PARAMETER_VALUE" in str(raised.value), str(raised.value)
    assert "255 bytes" in str(raised.value), str(raised.value)

    # Raw HTTP: a file name over 255 bytes (a client cannot even create it locally) gets 400, not 500.
    base = f"{server.url}/api/2.0/mlflow-artifacts/artifacts/0/{run}/artifacts"
    answer = requests.put(f"{base}/{'n' * 300}.txt", data=b"x", timeout=30)
    assert answer.status_code == 400, answer.text
    assert answer.json()["error_code"] == "INVALID_PARAMETER_VALUE"
    assert "255 bytes" in answer.json()["message"]
    # The run and the server are fine.
    client.log_artifact(run, str(local))
    assert [f.path for f in client.list_artifacts(run)] == ["notes.txt"]


def _native_events(size):
    line = b'{"type":"agent","id":"0190a3f2c4d07000800000000000a001","kind":"person","name":"ada"}\n'
    return line * (size // len(line) + 1)


def test_max_request_mb_lowers_the_native_ingest_limit(start_server):
    server = start_server("--max-request-mb", "1")
    body = _native_events(2 << 20)
    statistics = requests.get(f"{server.url}/api/provkit/v1/runs", timeout=30).json()
    for data in (body, iter([body[i:i + 65536] for i in range(0, len(body), 65536)])):  # sized, then chunked
        answer = requests.post(f"{server.url}/api/provkit/v1/events", data=data, timeout=60)
        assert answer.status_code == 413, answer.text[:300]
        assert answer.json()["error_code"] == "BAD_REQUEST"
        assert "at most 1048576 bytes" in answer.json()["message"]
    lineage = requests.get(f"{server.url}/api/provkit/v1/lineage/0190a3f2c4d07000800000000000a001", timeout=30)
    assert lineage.status_code == 404, "nothing from the refused uploads was stored"
    assert requests.get(f"{server.url}/api/provkit/v1/runs", timeout=30).json() == statistics
    assert requests.get(f"{server.url}/health", timeout=30).status_code == 200
    small = requests.post(f"{server.url}/api/provkit/v1/events", data=_native_events(1000), timeout=60)
    assert small.status_code == 200, small.text
    # MLflow's JSON routes honour the same limit.
    big = requests.post(
        f"{server.url}/api/2.0/mlflow/experiments/create", json={"name": "x" * (2 << 20)}, timeout=60
    )
    assert big.status_code == 413


def test_a_symbolic_link_in_the_artifact_root_never_leads_outside(start_server, tmp_path):
    artifacts = tmp_path / "root"
    server = start_server("--artifacts-root", str(artifacts))
    outside = tmp_path / "outside"
    (outside / "folder").mkdir(parents=True)
    (outside / "secret.txt").write_text("TOP SECRET\n")
    (outside / "folder" / "inner.txt").write_text("TOP SECRET\n")
    folder = artifacts / "0" / "r" / "artifacts"
    folder.mkdir(parents=True)
    (folder / "leak.txt").symlink_to(outside / "secret.txt")
    (folder / "leakdir").symlink_to(outside / "folder")
    base = f"{server.url}/api/2.0/mlflow-artifacts/artifacts"
    for path in ("0/r/artifacts/leak.txt", "0/r/artifacts/leakdir/inner.txt"):
        answer = requests.get(f"{base}/{path}", timeout=30)
        assert answer.status_code in (400, 403, 404), (path, answer.status_code)
        assert "TOP SECRET" not in answer.text
    for path in ("0/r/artifacts/leakdir", "0/r/artifacts"):
        answer = requests.get(base, params={"path": path}, timeout=30)
        assert answer.status_code in (200, 400, 403, 404)
        listed = [entry["path"] for entry in answer.json().get("files", [])] if answer.status_code == 200 else []
        assert not {"inner.txt", "leak.txt", "leakdir"} & set(listed), (path, answer.text)
    for path in ("0/r/artifacts/leak.txt", "0/r/artifacts/leakdir/new.txt"):
        answer = requests.put(f"{base}/{path}", data=b"pwned", timeout=30)
        assert answer.status_code == 400, (path, answer.status_code, answer.text)
    assert (outside / "secret.txt").read_text() == "TOP SECRET\n"
    assert not (outside / "folder" / "new.txt").exists()
    assert (folder / "leak.txt").is_symlink()
