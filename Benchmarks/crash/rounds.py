"""Longer rounds of the crash-safety tests (Tests/Python/test_crash_safety.py), for the figures in
docs/reliability.md: `kill -9` of a SQLite server, and of two servers sharing one PostgreSQL database, every few
seconds under 8 writer threads logging 100 points per request; then every acknowledged point is looked for.

    .venv/bin/python Benchmarks/crash/rounds.py sqlite --rounds 5
    .venv/bin/python Benchmarks/crash/rounds.py postgres --rounds 3

Uses PROVKIT_BINARY (default .build/debug/provkit) and, for PostgreSQL, a throwaway cluster of its own
(scripts/postgres-cluster.sh). Loopback only. Prints one JSON line. Not part of CI.
"""
import argparse
import json
import os
import pathlib
import shutil
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "Tests" / "Python"))

from conftest import ProvKitServer  # noqa: E402
from crash_load import MetricLoad  # noqa: E402
import test_crash_safety as crash  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("store", choices=["sqlite", "postgres"])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--seconds", type=float, default=3, help="load between two kills")
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--points", type=int, default=100, help="points per request (runs/log-batch)")
    args = parser.parse_args()
    binary = os.environ.get("PROVKIT_BINARY") or str(ROOT / ".build" / "debug" / "provkit")
    folder = pathlib.Path(tempfile.mkdtemp(prefix="provkit-crash-rounds-"))
    started = []

    def start(store):
        server = ProvKitServer(binary, folder / f"server{len(started)}", store=store)
        started.append(server)
        return server

    cluster = crash.Cluster() if args.store == "postgres" else None
    try:
        store = cluster.database()[0] if cluster else folder / "store"
        servers = [start(store) for _ in range(2 if cluster else 1)]
        urls = [server.url for server in servers]
        load = MetricLoad(urls, threads=args.threads, points_per_request=args.points, timeout=30).start()
        for _ in range(args.rounds):
            time.sleep(args.seconds)
            for server in servers:
                crash.kill9(server)
            for index in range(len(servers)):
                servers[index] = start(store)
                urls[index] = servers[index].url
        time.sleep(args.seconds)
        load.stop()
        result = {"store": args.store, "servers": len(servers), "rounds": args.rounds, **load.check(urls[0]),
                  **load.summary()}
        for server in servers:
            server.stop()
        if not cluster:
            result["integrity"] = crash.integrity(folder / "store" / "provkit.sqlite")
        print(json.dumps(result))
    finally:
        for server in started:
            if server.process.poll() is None:
                server.process.kill()
        if cluster:
            cluster.remove()
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
