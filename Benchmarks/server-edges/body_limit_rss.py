"""Peak RSS (VmHWM) of `provkit serve` for a rejected ~250 MB native ingest body.

usage: python measure_body_rss.py PROVKIT_BINARY first|last [serve args...]
Sends one 250 MB body (valid agent events, the first or last line invalid) with a Content-Length, and one chunked, to
POST /api/provkit/v1/events, printing the status and the server's VmHWM before and after each.
"""
import os, re, select, subprocess, sys, tempfile, time
import requests

binary, position, extra = sys.argv[1], sys.argv[2], sys.argv[3:]  # position: first|last (the invalid line)
folder = tempfile.mkdtemp(prefix="rss")
proc = subprocess.Popen([binary, "serve", "--port", "0", "--store", f"{folder}/store", "--no-inspect", *extra],
                        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, cwd=folder)
url = None
deadline = time.time() + 60
while time.time() < deadline and url is None:
    if select.select([proc.stdout], [], [], 0.5)[0]:
        m = re.search(r"listening on (http://\S+)", proc.stdout.readline())
        if m: url = m.group(1)

def hwm():
    text = open(f"/proc/{proc.pid}/status").read()
    return int(re.search(r"VmHWM:\s+(\d+) kB", text).group(1)) // 1024

line = b'{"type":"agent","id":"0190a3f2c4d07000800000000000a001","kind":"person","name":"ada"}\n'
count = 250_000_000 // len(line)
bad = b'{"type":"nonsense"}\n'
body = bad + line * count if position == "first" else line * count + bad
print(f"serve args: {extra or '(defaults)'}; body {len(body)/1e6:.0f} MB, invalid line {position}; VmHWM at start {hwm()} MiB")
t = time.time()
r = requests.post(f"{url}/api/provkit/v1/events", data=body, timeout=600)
print(f"content-length body: HTTP {r.status_code} in {time.time()-t:.1f}s {r.text[:100]!r}; VmHWM {hwm()} MiB")

def chunks():
    step = 1 << 20
    for i in range(0, len(body), step):
        yield body[i:i + step]
t = time.time()
try:
    r = requests.post(f"{url}/api/provkit/v1/events", data=chunks(), timeout=600)
    print(f"chunked body: HTTP {r.status_code} in {time.time()-t:.1f}s {r.text[:100]!r}; VmHWM {hwm()} MiB")
except requests.RequestException as e:
    print(f"chunked body: {type(e).__name__} in {time.time()-t:.1f}s; VmHWM {hwm()} MiB")
print("health:", requests.get(f"{url}/health", timeout=30).status_code)
proc.terminate(); proc.wait(timeout=60)
