"""PC causal discovery: causal-learn 0.1.4.8 vs `provkit analyze causal`, as whole processes, on the same CSV.

Usage (from the repository root, after `swift build -c release --product provkit` and with .venv from
requirements-test.txt):

    .venv/bin/python Benchmarks/analysis/pc_benchmark.py [--repeats 5] [--scaling] [--scaling-timeout 900]

1. Reference: the 6,000 x 14 linear-Gaussian data of shared/reference/causal-parity.md §4, alpha 0.01. Each side
   runs as a fresh process that reads the CSV and writes the graph as JSON; the graphs must be identical
   (causal-learn's G.graph vs ProvKit's); median wall time over --repeats, and the ratio.
2. --scaling: 100,000 rows x 30 variables (random linear-Gaussian DAG, seed 7, edge probability 0.15), alpha 0.01,
   ProvKit 3 runs; causal-learn 1 run unless it exceeds --scaling-timeout seconds.
"""
import argparse
import json
import os
import pathlib
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "Tests" / "Python"))
from analysis_reference import random_dag_data, reference_data, write_csv  # noqa: E402

CAUSALLEARN_SCRIPT = r"""
import json, sys, time
import numpy as np
from causallearn.search.ConstraintBased.PC import pc
data = np.loadtxt(sys.argv[1], delimiter=",", skiprows=1, ndmin=2)
cg = pc(data, alpha=float(sys.argv[2]), indep_test="fisherz", show_progress=False)
json.dump({"graph": cg.G.graph.tolist(), "pc_seconds": cg.PC_elapsed}, open(sys.argv[3], "w"))
"""


def timed(command, timeout=None):
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, timeout=timeout)
    return time.perf_counter() - start


def run_pair(csv_path, alpha, repeats, provkit, python, timeout=None, skip_peer=False, peer_repeats=None):
    work = pathlib.Path(tempfile.mkdtemp())
    peer_script = work / "causallearn_pc.py"
    peer_script.write_text(CAUSALLEARN_SCRIPT)
    peer_times, ours_times, peer_inner = [], [], []
    peer_graph = ours_graph = None
    for _ in range(repeats):
        out = work / "ours.json"
        with open(out, "w") as handle:
            start = time.perf_counter()
            subprocess.run([provkit, "analyze", "causal", "--csv", str(csv_path), "--alpha", str(alpha), "--json"],
                           check=True, stdout=handle)
            ours_times.append(time.perf_counter() - start)
        ours_graph = json.loads(out.read_text())["graph"]
        if skip_peer or (peer_repeats is not None and len(peer_times) >= peer_repeats):
            continue
        peer_out = work / "peer.json"
        try:
            peer_times.append(timed([python, str(peer_script), str(csv_path), str(alpha), str(peer_out)], timeout))
        except subprocess.TimeoutExpired:
            print(f"  causal-learn did not finish within {timeout} s; stopping its runs", flush=True)
            skip_peer = True
            continue
        result = json.loads(peer_out.read_text())
        peer_graph = result["graph"]
        peer_inner.append(result["pc_seconds"])
    return ours_times, ours_graph, peer_times, peer_graph, peer_inner


def report(label, ours_times, ours_graph, peer_times, peer_graph, peer_inner):
    ours = statistics.median(ours_times)
    print(f"{label}")
    print(f"  provkit analyze causal (whole process): median {ours:.3f} s over {len(ours_times)} runs "
          f"(min {min(ours_times):.3f}, max {max(ours_times):.3f})")
    if peer_times:
        peer = statistics.median(peer_times)
        print(f"  causal-learn pc (whole process):        median {peer:.3f} s over {len(peer_times)} runs "
              f"(min {min(peer_times):.3f}, max {max(peer_times):.3f}); pc() alone median "
              f"{statistics.median(peer_inner):.3f} s")
        print(f"  identical G.graph: {ours_graph == peer_graph}")
        print(f"  ratio (whole process): {peer / ours:.1f}x faster; vs pc() alone: "
              f"{statistics.median(peer_inner) / ours:.1f}x")
        return ours_graph == peer_graph
    return True


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--scaling", action="store_true")
    parser.add_argument("--scaling-timeout", type=float, default=900)
    parser.add_argument("--provkit", default=str(ROOT / ".build" / "release" / "provkit"))
    parser.add_argument("--python", default=str(ROOT / ".venv" / "bin" / "python"))
    args = parser.parse_args()
    work = pathlib.Path(tempfile.mkdtemp())
    x, names, _, _ = reference_data()
    reference = work / "reference.csv"
    write_csv(reference, x, names)
    ok = report("Reference data: 6,000 rows x 14 variables, alpha 0.01",
                *run_pair(reference, 0.01, args.repeats, args.provkit, args.python))
    if args.scaling:
        x, names, edges, _ = random_dag_data(30, 100_000, 7, edge_probability=0.15)
        scaling = work / "scaling.csv"
        write_csv(scaling, x, names)
        print(f"(scaling DAG: {len(edges)} edges)")
        ok &= report("Scaling: 100,000 rows x 30 variables, alpha 0.01",
                     *run_pair(scaling, 0.01, 3, args.provkit, args.python, timeout=args.scaling_timeout,
                              peer_repeats=1))
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
