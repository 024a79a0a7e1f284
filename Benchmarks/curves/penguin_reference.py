"""The reference side of the curve benchmark: A4NN's in-situ PENGUIN loop (penguin/penguino.py as its NSGA-Net
workflow calls it: scipy curve_fit, p0 = scipy's default, bounds a in [0.5, 200], b >= 1, c >= 0, first prediction
after 3 epochs, e_pred = 25, N = 3, t = 0.5, failed fits recorded as inf) over every network of the A4NN CSVs,
stopping each network at convergence as ProvKit does. Prints the number of fits and convergences as JSON."""
import csv
import json
import sys
import warnings

import numpy as np
from scipy.optimize import OptimizeWarning, curve_fit


def model(x, a, b, c):
    return a - b ** (c - x)


def converged(history, n=3, threshold=0.5):
    recent = history[-n:]
    if len(recent) < n or any(not (0 < p <= 100) for p in recent):
        return False
    median = np.median(recent)
    return all(abs(p - median) <= threshold for p in recent)


def main(paths):
    fits = networks = converged_count = 0
    for path in paths:
        rows = list(csv.DictReader(open(path)))
        groups, current = [], []
        for row in rows:
            if row["epoch"] == "0" and current:
                groups.append(current)
                current = []
            current.append(row)
        groups.append(current)
        for network in groups:
            networks += 1
            accuracy = np.array([float(r["val_accs"]) for r in network])
            history = []
            for k in range(3, len(accuracy)):
                x = np.arange(0, k + 1, dtype=float)
                fits += 1
                try:
                    with warnings.catch_warnings():
                        warnings.simplefilter("ignore", OptimizeWarning)
                        p, _ = curve_fit(model, x, accuracy[: k + 1], bounds=[(0.5, 1, 0), (200, np.inf, np.inf)])
                    history.append(model(25.0, *p))
                except RuntimeError:
                    history.append(np.inf)
                if converged(history):
                    converged_count += 1
                    break
    print(json.dumps({"networks": networks, "fits": fits, "converged": converged_count}))


if __name__ == "__main__":
    main(sys.argv[1:])
