"""Reference data for the analysis parity tests: the linear-Gaussian SEM of shared/reference/causal-parity.md §4
and random linear-Gaussian DAGs, written as CSV with `%.10g` and read back exactly."""
import numpy as np

NAMES = ["depth", "width", "log_lr", "log_batch", "dropout", "n_params", "grad_noise", "train_time",
         "early_slope", "overfit_gap", "epoch_to_50", "final_acc", "val_loss", "plateau_len"]
EDGES = [(0, 5), (1, 5), (2, 6), (3, 6), (5, 7), (3, 7), (6, 8), (0, 8), (5, 9), (4, 9), (8, 10), (8, 11), (9, 11),
         (2, 11), (11, 12), (10, 13), (11, 13), (0, 1)]


def reference_data(n=6000, seed=20240607):
    rng = np.random.default_rng(seed)
    p = len(NAMES)
    w = np.zeros((p, p))
    for a, b in EDGES:
        w[a, b] = rng.uniform(0.5, 1.2) * rng.choice([-1.0, 1.0])
    sigma = rng.uniform(0.7, 1.3, size=p)
    e = rng.standard_normal((n, p)) * sigma
    x = np.zeros((n, p))
    for j in range(p):
        x[:, j] = x @ w[:, j] + e[:, j]
    return x, NAMES, EDGES, w


def random_dag_data(p, n, seed, edge_probability=0.3):
    rng = np.random.default_rng(seed)
    w = np.zeros((p, p))
    edges = []
    for a in range(p):
        for b in range(a + 1, p):
            if rng.uniform() < edge_probability:
                w[a, b] = rng.uniform(0.5, 1.2) * rng.choice([-1.0, 1.0])
                edges.append((a, b))
    sigma = rng.uniform(0.7, 1.3, size=p)
    e = rng.standard_normal((n, p)) * sigma
    x = np.zeros((n, p))
    for j in range(p):
        x[:, j] = x @ w[:, j] + e[:, j]
    names = [f"v{i}" for i in range(p)]
    return x, names, edges, w


def write_csv(path, x, names):
    """Writes `%.10g` text and returns the array parsed back from it (what both sides then read)."""
    np.savetxt(path, x, fmt="%.10g", delimiter=",", header=",".join(names), comments="")
    return np.loadtxt(path, delimiter=",", skiprows=1, ndmin=2)
