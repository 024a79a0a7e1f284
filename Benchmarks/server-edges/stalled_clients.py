"""Stalled clients and SIGTERM against a given provkit binary: a 300-byte artifact file name, 100 connections that send
part of a request and stall (how many the server closes after 70 s), then SIGTERM with them connected.

usage: .venv/bin/python Benchmarks/server-edges/stalled_clients.py PATH/TO/provkit
"""
import re, select, signal, socket, subprocess, sys, tempfile, time
import requests
sys.path.insert(0, str(__import__("pathlib").Path(__file__).resolve().parents[2] / "Tests" / "Python"))
from test_server_edges import _stalled_connections, _closed_by_server

binary = sys.argv[1]
folder = tempfile.mkdtemp(prefix="before")
proc = subprocess.Popen([binary, "serve", "--port", "0", "--store", f"{folder}/store", "--no-inspect"],
                        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, cwd=folder)
url = None
while url is None:
    select.select([proc.stdout], [], [], 1)
    m = re.search(r"listening on (http://\S+)", proc.stdout.readline())
    url = m and m.group(1)
r = requests.put(f"{url}/api/2.0/mlflow-artifacts/artifacts/0/r/artifacts/{'n' * 300}.txt", data=b"x", timeout=30)
print("300-byte file name:", r.status_code, r.text[:160])
sockets = _stalled_connections(url, 100)
closed = sum(_closed_by_server(s, time.monotonic() + 0.2) for s in sockets)
time.sleep(70)
closed = sum(_closed_by_server(s, time.monotonic() + 0.1) for s in sockets)
print(f"stalled connections closed by the server after 70 s: {closed} of {len(sockets)}")
print("health while stalled:", requests.get(f"{url}/health", timeout=10).status_code)
start = time.monotonic()
proc.send_signal(signal.SIGTERM)
try:
    code = proc.wait(timeout=30)
    print(f"SIGTERM: exited {code} after {time.monotonic() - start:.1f} s")
except subprocess.TimeoutExpired:
    print("SIGTERM: still running 30 s later; killing it")
    proc.kill(); proc.wait()
