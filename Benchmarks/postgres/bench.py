"""The many-writers load test: N writer processes through 2 `provkit serve` instances on one PostgreSQL database,
then the same work through 1 `provkit serve` on the embedded SQLite store; exact counts after each (nothing lost,
nothing duplicated) and the throughput of both. Loopback only; every phase is bounded by --timeout.

Usage: bench.py --provkit PATH --postgres-url URL [--writers 8 --runs 5 --points 25000 --relations 2500]
"""
import argparse
import json
import os
import pathlib
import re
import select
import shutil
import subprocess
import sys
import tempfile
import time

HERE = pathlib.Path(__file__).resolve().parent


def start_server(provkit, store, folder):
    folder.mkdir(parents=True, exist_ok=True)
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("PROVKIT_", "MLFLOW_"))}
    process = subprocess.Popen(
        [provkit, "serve", "--port", "0", "--store", store, "--artifacts-root", str(folder / "artifacts")],
        cwd=folder, stdout=subprocess.PIPE, stderr=open(folder / "server.stderr", "w"), text=True, env=environment,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        ready, _, _ = select.select([process.stdout], [], [], 0.5)
        if ready:
            line = process.stdout.readline()
            match = re.search(r"listening on (http://127\.0\.0\.1:\d+)", line)
            if match:
                return process, match.group(1)
        if process.poll() is not None:
            break
    process.kill()
    raise SystemExit(f"provkit serve did not start: {(folder / 'server.stderr').read_text()}")


def cpu_seconds(pid):
    """User + system CPU seconds of a live process (from /proc)."""
    fields = pathlib.Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def phase(name, provkit, store, servers, args, folder):
    processes = [start_server(provkit, store, folder / f"server{index}") for index in range(servers)]
    urls = ",".join(url for _, url in processes)
    python = sys.executable
    started = time.monotonic()
    writers = [
        subprocess.Popen(
            [python, str(HERE / "writer.py"), "--servers", urls, "--writer", str(index), "--runs", str(args.runs),
             "--points", str(args.points), "--relations", str(args.relations), "--batch", str(args.batch),
             "--retry-fraction", str(args.retry_fraction), "--deadline", str(args.timeout)],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        for index in range(args.writers)
    ]
    reports = []
    failed = []
    for writer in writers:
        try:
            out, err = writer.communicate(timeout=args.timeout + 60)
        except subprocess.TimeoutExpired:
            writer.kill()
            out, err = writer.communicate()
        if writer.returncode != 0:
            failed.append(err.strip()[-2000:])
        else:
            reports.append(json.loads(out.strip().splitlines()[-1]))
    elapsed = time.monotonic() - started
    server_cpu = sum(cpu_seconds(process.pid) for process, _ in processes)
    for process, _ in processes:
        process.terminate()
        process.wait(timeout=60)
    if failed:
        raise SystemExit(f"{name}: writers failed:\n" + "\n".join(failed))
    stats = json.loads(
        subprocess.run([provkit, "stats", "--json", "--store", store], capture_output=True, text=True, check=True,
                       cwd=folder).stdout
    )
    points = sum(r["points"] for r in reports)
    relations = sum(r["relations"] for r in reports)
    result = {
        "phase": name, "servers": servers, "writers": args.writers, "seconds": round(elapsed, 2),
        "server_cpu_seconds": round(server_cpu, 2),
        "requests": sum(r["requests"] for r in reports), "retried_requests": sum(r["retried"] for r in reports),
        "points_sent": points, "relations_sent": relations,
        "points_stored": stats["metricPoints"], "relations_stored": stats["relations"], "runs_stored": stats["runs"],
        "entities_stored": stats["entities"],
        "points_per_second": round(points / elapsed), "relations_per_second": round(relations / elapsed),
    }
    result["exact"] = (
        result["points_stored"] == points and result["relations_stored"] == relations
        and result["runs_stored"] == args.writers * args.runs
        and result["entities_stored"] == relations - args.writers * args.runs
    )
    return result


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--provkit", required=True)
    parser.add_argument("--postgres-url", required=True, help="an empty database")
    parser.add_argument("--psql", default="psql")
    parser.add_argument("--writers", type=int, default=8)
    parser.add_argument("--runs", type=int, default=5, help="runs per writer")
    parser.add_argument("--points", type=int, default=25_000, help="metric points per run")
    parser.add_argument("--relations", type=int, default=2_500, help="relations per run")
    parser.add_argument("--batch", type=int, default=5_000)
    parser.add_argument("--retry-fraction", type=float, default=0.1)
    parser.add_argument("--timeout", type=float, default=1200, help="seconds per phase")
    parser.add_argument("--skip-sqlite", action="store_true")
    parser.add_argument("--json", help="write the results here too")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (SQLite store, server logs)")
    args = parser.parse_args()
    folder = pathlib.Path(tempfile.mkdtemp(prefix="provkit-load-"))
    results = [phase("postgres, 2 servers", args.provkit, args.postgres_url, 2, args, folder / "postgres")]
    # Direct checks in the database: the stored rows themselves, not only the store's counters.
    query = (
        "SELECT (SELECT count(*) FROM metric_point), (SELECT sum(point_count) FROM metric_series), "
        "(SELECT count(*) FROM relation), (SELECT count(*) FROM (SELECT 1 FROM metric_point "
        "GROUP BY series_pk, step, time, value HAVING count(*) > 1) d), (SELECT count(*) FROM ingested_batch)"
    )
    rows = subprocess.run([args.psql, args.postgres_url, "-At", "-c", query], capture_output=True, text=True,
                          check=True).stdout.strip().split("|")
    results[0]["database"] = dict(zip(
        ["metric_point_rows", "series_point_count", "relation_rows", "duplicate_points", "keyed_batches"],
        map(int, rows)))
    results[0]["exact"] = results[0]["exact"] and int(rows[0]) == results[0]["points_sent"] and int(rows[3]) == 0
    if not args.skip_sqlite:
        results.append(phase("sqlite, 1 server", args.provkit, str(folder / "sqlite" / "store"), 1, args,
                             folder / "sqlite"))
        results.append({
            "postgres_over_sqlite_throughput": round(results[0]["points_per_second"] / results[1]["points_per_second"], 3)
        })
    for result in results:
        print(json.dumps(result))
    if args.json:
        pathlib.Path(args.json).write_text(json.dumps(results, indent=2) + "\n")
    if not all(r.get("exact", True) for r in results):
        raise SystemExit(f"counts do not match what was sent (stores and logs kept in {folder})")
    if not args.keep:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
