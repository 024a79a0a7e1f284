"""One load-test writer process: sends its share of the work to ProvKit servers' native API
(`POST /api/provkit/v1/events`, JSON Lines) in batches, round-robin over the servers, and re-sends some batches to
the other server (a retry after a lost reply), with the same `Idempotency-Key`.

Work of writer W (of N): `--runs` runs in experiment `load`, each with one metric series of `--points` points
(steps 0..points-1) and `--relations` relations (`used` of its own dataset entities). Prints one JSON line with what
it sent and how long it took. Only the standard library and `requests`.
"""
import argparse
import json
import random
import sys
import time
import uuid

import requests


def hexid(writer, kind, index, sub=0):
    """A stable 32-hex id: version-7-shaped, unique per (writer, kind, index, sub)."""
    return f"{0x0190a3f2c4d0:012x}7{kind:03x}8{writer:03x}{index:07x}{sub:05x}"[:32]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--servers", required=True, help="comma-separated base URLs")
    parser.add_argument("--writer", type=int, required=True)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--points", type=int, default=25_000, help="metric points per run")
    parser.add_argument("--relations", type=int, default=2_500, help="relations per run")
    parser.add_argument("--batch", type=int, default=5_000, help="metric points per request")
    parser.add_argument("--relation-batch", type=int, default=1_000, help="relations per request")
    parser.add_argument("--retry-fraction", type=float, default=0.1, help="share of batches sent twice")
    parser.add_argument("--deadline", type=float, default=900, help="seconds before the writer gives up")
    args = parser.parse_args()
    servers = args.servers.split(",")
    session = requests.Session()
    rng = random.Random(args.writer)
    started = time.monotonic()
    sent = {"requests": 0, "retried": 0, "points": 0, "relations": 0, "bytes": 0}
    counter = [0]

    def post(lines, retry=False):
        if time.monotonic() - started > args.deadline:
            raise SystemExit(f"writer {args.writer}: deadline of {args.deadline} s passed")
        body = ("\n".join(json.dumps(line, separators=(",", ":")) for line in lines) + "\n").encode()
        key = uuid.uuid4().hex
        server = servers[counter[0] % len(servers)]
        counter[0] += 1
        for attempt in range(5):
            try:
                answer = session.post(
                    f"{server}/api/provkit/v1/events", data=body, timeout=300,
                    headers={"Content-Type": "application/x-ndjson", "Idempotency-Key": key},
                )
                if answer.status_code == 200:
                    break
                if answer.status_code < 500:
                    raise SystemExit(f"writer {args.writer}: HTTP {answer.status_code}: {answer.text[:500]}")
            except requests.RequestException as error:
                if attempt == 4:
                    raise SystemExit(f"writer {args.writer}: {error}")
            time.sleep(0.2 * 2**attempt)
        sent["requests"] += 1
        sent["bytes"] += len(body)
        if retry and rng.random() < args.retry_fraction:
            # The reply "was lost": the same batch, same key, through the other server.
            other = servers[counter[0] % len(servers)]
            answer = session.post(
                f"{other}/api/provkit/v1/events", data=body, timeout=300,
                headers={"Content-Type": "application/x-ndjson", "Idempotency-Key": key},
            )
            if answer.status_code != 200:
                raise SystemExit(f"writer {args.writer}: retry HTTP {answer.status_code}: {answer.text[:500]}")
            sent["retried"] += 1

    experiment = {"type": "experiment", "id": "0190a3f2c4d07000800000000000e001", "name": "load"}
    agent = {"type": "agent", "id": "0190a3f2c4d07000800000000000a001", "kind": "software", "name": "load-writer"}
    for run_index in range(args.runs):
        run = hexid(args.writer, 1, run_index)
        post([
            experiment, agent,
            {"type": "run_start", "id": run, "experiment": experiment["id"], "name": f"w{args.writer}-r{run_index}",
             "time": "2026-11-26T00:00:00Z"},
            {"type": "relation", "relation": "wasAssociatedWith", "subject": run, "object": agent["id"]},
        ])
        for first in range(0, args.points, args.batch):
            lines = [
                {"type": "metric", "run": run, "key": "loss", "value": 1.0 / (step + 1), "step": step,
                 "time": "2026-11-26T00:00:01Z"}
                for step in range(first, min(first + args.batch, args.points))
            ]
            post(lines, retry=True)
            sent["points"] += len(lines)
        # `wasAssociatedWith` above is one relation; the rest are `used` of the run's own datasets.
        relations = args.relations - 1
        for first in range(0, relations, args.relation_batch):
            lines = []
            for index in range(first, min(first + args.relation_batch, relations)):
                entity = hexid(args.writer, 2, run_index, index)
                lines.append({"type": "entity", "id": entity, "kind": "dataset", "name": f"d{index}"})
                lines.append({"type": "relation", "relation": "used", "subject": run, "object": entity})
            post(lines, retry=True)
            sent["relations"] += len(lines) // 2
        sent["relations"] += 1
        post([{"type": "run_end", "id": run, "status": "finished", "time": "2026-11-26T00:10:00Z"}], retry=True)
    sent["seconds"] = round(time.monotonic() - started, 3)
    sent["writer"] = args.writer
    print(json.dumps(sent))


if __name__ == "__main__":
    sys.exit(main())
