"""Parity of `provkit analyze causal|strength|effect` with causal-learn, scipy, scikit-learn and DoWhy.

PC: the same CSV goes to causal-learn 0.1.4.8's `pc` (every FisherZ call recorded by wrapping `FisherZ.__call__`) and
to `provkit analyze causal --ci-log`; the CI-test sequence (order, x, y, S, cache hits; |Δp| ≤ 1e-12), the
separating sets and `G.graph` must be identical, including the tests maxP, definiteMaxP and uc_priority 3/4 run
after the skeleton (ordered by CPython's set iteration order, which ProvKit models).
"""
import csv
import json
import subprocess

import numpy as np
import pytest

from analysis_reference import reference_data, random_dag_data, write_csv
from conftest import require_module

# causal-learn and DoWhy are pinned peers: without them the module skips with the reason, and fails under CI=true.
causallearn = require_module("causallearn")
from causallearn.search.ConstraintBased import PC as pc_module  # noqa: E402
from causallearn.search.ConstraintBased.PC import pc  # noqa: E402
from causallearn.utils import cit  # noqa: E402
from causallearn.utils.PCUtils.BackgroundKnowledge import BackgroundKnowledge  # noqa: E402


def run_causallearn(data, names=None, background=None, **options):
    """Runs causal-learn's pc; returns (cg, calls, skeleton_call_count)."""
    calls = []
    original_call = cit.FisherZ.__call__
    original_skeleton = pc_module.SkeletonDiscovery.skeleton_discovery
    skeleton_calls = []

    def recording_call(self, X, Y, condition_set=None):
        _, _, _, key = self.get_formatted_XYZ_and_cachekey(X, Y, condition_set)
        hit = key in self.pvalue_cache
        p = original_call(self, X, Y, condition_set)
        x, y = (int(X), int(Y)) if X < Y else (int(Y), int(X))
        calls.append((x, y, tuple(sorted(int(s) for s in (condition_set or ()))), float(p), hit))
        return p

    def recording_skeleton(*args, **kwargs):
        cg = original_skeleton(*args, **kwargs)
        skeleton_calls.append(len(calls))
        return cg

    cit.FisherZ.__call__ = recording_call
    pc_module.SkeletonDiscovery.skeleton_discovery = recording_skeleton
    try:
        cg = pc(data, indep_test="fisherz", show_progress=False, node_names=names,
                background_knowledge=background, **options)
    finally:
        cit.FisherZ.__call__ = original_call
        pc_module.SkeletonDiscovery.skeleton_discovery = original_skeleton
    return cg, calls, skeleton_calls[0]


def run_provkit(provkit, csv_path, tmp_path, *args):
    log_path = tmp_path / "ci.csv"
    result = provkit("analyze", "causal", "--csv", str(csv_path), "--json", "--ci-log", str(log_path), *args,
                     store=False)
    report = json.loads(result.stdout)
    with open(log_path) as handle:
        rows = list(csv.DictReader(handle))
    calls = [(int(r["x"]), int(r["y"]), tuple(int(s) for s in r["S"].split(";")) if r["S"] else (), float(r["p"]),
              r["cache_hit"] == "1") for r in rows]
    return report, calls


def assert_same_calls(expected, actual):
    assert len(actual) == len(expected), f"{len(actual)} CI tests, causal-learn made {len(expected)}"
    for seq, (e, a) in enumerate(zip(expected, actual)):
        assert e[:3] == a[:3] and e[4] == a[4], f"test #{seq}: causal-learn {e}, provkit {a}"
        assert abs(e[3] - a[3]) <= 1e-12, f"test #{seq} {e[:3]}: p {e[3]!r} vs {a[3]!r}"


def assert_same_result(cg, report, names):
    graph = np.array(report["graph"])
    assert graph.tolist() == cg.G.graph.tolist(), f"G.graph differs:\ncausal-learn\n{cg.G.graph}\nprovkit\n{graph}"
    expected = {}
    p = len(names)
    for i in range(p):
        for j in range(i + 1, p):
            entry = cg.sepset[i, j]
            if entry is not None:
                expected[(names[i], names[j])] = [sorted(names[s] for s in t) for t in entry]
    actual = {(s["x"], s["y"]): [sorted(t) for t in s["sets"]] for s in report["sepsets"]}
    assert actual == expected


@pytest.fixture(scope="module")
def reference_csv(tmp_path_factory):
    x, names, edges, _ = reference_data()
    path = tmp_path_factory.mktemp("reference") / "reference.csv"
    data = write_csv(path, x, names)
    return path, data, names, edges


def test_pc_reference_data_matches_causallearn_exactly(provkit, reference_csv, tmp_path):
    path, data, names, _ = reference_csv
    cg, expected_calls, skeleton = run_causallearn(data, names, alpha=0.01)
    report, calls = run_provkit(provkit, path, tmp_path, "--alpha", "0.01")
    assert len(expected_calls) == 2191 and report["ci_tests"] == 2191
    assert report["distinct_ci_tests"] == 1497 == len(cg.test.pvalue_cache) - 3
    assert skeleton == len(expected_calls)
    assert_same_calls(expected_calls, calls)
    assert_same_result(cg, report, names)
    # The documented outcome: the true CPDAG except final_acc -> early_slope (a real finite-sample error).
    assert ["final_acc", "early_slope"] in report["directed"]
    assert sorted(map(sorted, report["undirected"])) == [["depth", "n_params"], ["depth", "width"],
                                                         ["n_params", "width"]]
    assert len(report["directed"]) == 15
    assert report["sepsets"] and any(s["x"] == "depth" and s["y"] == "dropout" and
                                     [sorted(t) for t in s["sets"]] == [["plateau_len", "width"], ["plateau_len"]]
                                     for s in report["sepsets"])


VARIANTS = [
    ({"alpha": 0.05}, ["--alpha", "0.05"]),
    ({"alpha": 0.01, "stable": False}, ["--alpha", "0.01", "--no-stable"]),
    ({"alpha": 0.01, "uc_priority": 0}, ["--alpha", "0.01", "--uc-priority", "0"]),
    ({"alpha": 0.01, "uc_priority": 1}, ["--alpha", "0.01", "--uc-priority", "1"]),
    ({"alpha": 0.01, "uc_priority": 3}, ["--alpha", "0.01", "--uc-priority", "3"]),
    ({"alpha": 0.01, "uc_priority": 4}, ["--alpha", "0.01", "--uc-priority", "4"]),
    ({"alpha": 0.01, "uc_rule": 1}, ["--alpha", "0.01", "--uc-rule", "1"]),
    ({"alpha": 0.01, "uc_rule": 1, "uc_priority": 3}, ["--alpha", "0.01", "--uc-rule", "1", "--uc-priority", "3"]),
    ({"alpha": 0.01, "uc_rule": 2}, ["--alpha", "0.01", "--uc-rule", "2"]),
    ({"alpha": 0.01, "uc_rule": 2, "uc_priority": 4}, ["--alpha", "0.01", "--uc-rule", "2", "--uc-priority", "4"]),
    ({"alpha": 0.01, "max_k": 1}, ["--alpha", "0.01", "--max-k", "1"]),
]


@pytest.mark.parametrize("options,args", VARIANTS, ids=[" ".join(a) for _, a in VARIANTS])
def test_pc_variants_match_causallearn(provkit, reference_csv, tmp_path, options, args):
    path, data, names, _ = reference_csv
    cg, expected_calls, skeleton = run_causallearn(data, names, **options)
    report, calls = run_provkit(provkit, path, tmp_path, *args)
    assert_same_calls(expected_calls, calls)
    assert_same_result(cg, report, names)


RANDOM_CASES = [(p, n, seed, alpha) for (p, n) in [(8, 200), (10, 300), (12, 1000), (15, 3000), (20, 500)]
                for seed in (1, 2, 3) for alpha in (0.05, 0.01)]


@pytest.mark.parametrize("p,n,seed,alpha", RANDOM_CASES)
def test_pc_random_dags_match_causallearn(provkit, tmp_path, p, n, seed, alpha):
    x, names, _, _ = random_dag_data(p, n, seed)
    path = tmp_path / "data.csv"
    data = write_csv(path, x, names)
    for stable in (True, False):
        cg, expected_calls, skeleton = run_causallearn(data, names, alpha=alpha, stable=stable)
        args = ["--alpha", str(alpha)] + ([] if stable else ["--no-stable"])
        report, calls = run_provkit(provkit, path, tmp_path, *args)
        assert_same_calls(expected_calls, calls)
        assert_same_result(cg, report, names)


RULE_VARIANTS = [({"uc_rule": 1}, ["--uc-rule", "1"]), ({"uc_rule": 2}, ["--uc-rule", "2"]),
                 ({"uc_priority": 3}, ["--uc-priority", "3"]), ({"uc_priority": 4}, ["--uc-priority", "4"]),
                 ({"uc_priority": 0}, ["--uc-priority", "0"]), ({"uc_priority": 1}, ["--uc-priority", "1"]),
                 ({"uc_rule": 1, "uc_priority": 4}, ["--uc-rule", "1", "--uc-priority", "4"]),
                 ({"uc_rule": 2, "uc_priority": 3}, ["--uc-rule", "2", "--uc-priority", "3"])]


@pytest.mark.parametrize("seed", [4, 5, 6])
def test_pc_collider_rules_on_random_dags_match_causallearn(provkit, tmp_path, seed):
    x, names, _, _ = random_dag_data(10, 400, seed, edge_probability=0.35)
    path = tmp_path / "data.csv"
    data = write_csv(path, x, names)
    for options, args in RULE_VARIANTS:
        cg, expected_calls, _ = run_causallearn(data, names, alpha=0.05, **options)
        report, calls = run_provkit(provkit, path, tmp_path, "--alpha", "0.05", *args)
        assert_same_calls(expected_calls, calls)
        assert_same_result(cg, report, names)


def background(names, tiers, exogenous):
    from causallearn.graph.GraphNode import GraphNode
    bk = BackgroundKnowledge()
    nodes = {name: GraphNode(name) for name in names}
    for name, tier in tiers.items():
        bk.add_node_to_tier(nodes[name], tier)
    for name in exogenous:
        for other in names:
            if other != name:
                bk.add_forbidden_by_node(nodes[other], nodes[name])
    return bk


BK_CASES = [
    ({"depth": 0, "width": 0, "log_lr": 0, "log_batch": 0, "dropout": 0, "n_params": 0, "early_slope": 1,
      "grad_noise": 1, "train_time": 1, "overfit_gap": 1, "epoch_to_50": 1, "final_acc": 2, "val_loss": 2,
      "plateau_len": 2}, []),
    ({"final_acc": 0, "early_slope": 1}, []),
    ({}, ["depth", "width"]),
    ({"val_loss": 0, "plateau_len": 1}, ["log_lr", "log_batch"]),
]


@pytest.mark.parametrize("tiers,exogenous", BK_CASES)
@pytest.mark.parametrize("stable", [True, False])
def test_pc_background_knowledge_matches_causallearn(provkit, reference_csv, tmp_path, tiers, exogenous, stable):
    path, data, names, _ = reference_csv
    bk = background(names, tiers, exogenous)
    cg, expected_calls, skeleton = run_causallearn(data, names, background=bk, alpha=0.01, stable=stable)
    knowledge = tmp_path / "knowledge.json"
    knowledge.write_text(json.dumps({"tiers": tiers, "exogenous": exogenous}))
    args = ["--alpha", "0.01", "--tiers", str(knowledge)] + ([] if stable else ["--no-stable"])
    report, calls = run_provkit(provkit, path, tmp_path, *args)
    assert_same_calls(expected_calls, calls)
    assert_same_result(cg, report, names)


def test_pc_tier_flags_equal_tiers_file(provkit, reference_csv, tmp_path):
    path, _, _, _ = reference_csv
    by_flags = provkit("analyze", "causal", "--csv", str(path), "--alpha", "0.01", "--json", "--tier", "final_acc=0",
                       "--tier", "early_slope=1", "--exogenous", "depth", store=False)
    knowledge = tmp_path / "k.json"
    knowledge.write_text(json.dumps({"tiers": {"final_acc": 0, "early_slope": 1}, "exogenous": ["depth"]}))
    by_file = provkit("analyze", "causal", "--csv", str(path), "--alpha", "0.01", "--json", "--tiers",
                      str(knowledge), store=False)
    assert json.loads(by_flags.stdout)["graph"] == json.loads(by_file.stdout)["graph"]


def test_causal_rejects_bad_input_clearly(provkit, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b,c\r\n1,2,3\r\n4,x,6\r\n")
    result = provkit("analyze", "causal", "--csv", str(bad), check=False, store=False)
    assert result.returncode != 0
    assert "line 3" in result.stderr and "'b'" in result.stderr and "'x'" in result.stderr
    constant = tmp_path / "constant.csv"
    constant.write_text("a,b,c\n1,2,3\n1,5,6\n1,7,1\n1,1,1\n1,0,2\n")
    result = provkit("analyze", "causal", "--csv", str(constant), check=False, store=False)
    assert result.returncode != 0 and "'a' is constant" in result.stderr
    result = provkit("analyze", "causal", "--csv", str(bad), "--tier", "zz=1", check=False, store=False)
    assert result.returncode != 0


# ---------------------------------------------------------------------------------------------------------------
# Feature strength vs numpy / scipy / scikit-learn

FEATURES = ["depth", "width", "log_lr", "log_batch", "dropout", "n_params"]


def sklearn_permutations(n, n_features, n_repeats, random_state):
    """The row orders sklearn's permutation_importance applies, per feature and repeat (cumulative shuffles)."""
    seed = np.random.RandomState(random_state).randint(np.iinfo(np.int32).max + 1)
    result = []
    for _ in range(n_features):
        rs = np.random.RandomState(seed)
        shuffling = np.arange(n)
        effective = np.arange(n)
        orders = []
        for _ in range(n_repeats):
            rs.shuffle(shuffling)
            effective = effective[shuffling]
            orders.append(effective.tolist())
        result.append(orders)
    return result


def strength_expectations(X, y, seed=0):
    from scipy.stats import spearmanr
    from sklearn.feature_selection import mutual_info_regression
    from sklearn.inspection import permutation_importance
    from sklearn.linear_model import LinearRegression

    pearson = [np.corrcoef(X[:, j], y)[0, 1] for j in range(X.shape[1])]
    spearman = [spearmanr(X[:, j], y).statistic for j in range(X.shape[1])]
    P = np.linalg.inv(np.corrcoef(np.column_stack([X, y]).T))
    t = X.shape[1]
    partial = [-P[j, t] / np.sqrt(P[j, j] * P[t, t]) for j in range(t)]
    mi = mutual_info_regression(X, y, n_neighbors=3, random_state=seed)
    pi = permutation_importance(LinearRegression().fit(X, y), X, y, n_repeats=10, random_state=seed)
    return pearson, spearman, partial, mi, pi


def run_strength(provkit, csv_path, tmp_path, columns, target, n, extra=()):
    replay = tmp_path / "permutations.json"
    replay.write_text(json.dumps(sklearn_permutations(n, len(columns), 10, 0)))
    result = provkit("analyze", "strength", "--csv", str(csv_path), "--target", target, "--columns",
                     ",".join(columns), "--replay-permutations", str(replay), "--json", *extra, store=False)
    return json.loads(result.stdout)


def test_strength_matches_numpy_scipy_sklearn(provkit, reference_csv, tmp_path):
    path, data, names, _ = reference_csv
    X = data[:, [names.index(f) for f in FEATURES]]
    y = data[:, names.index("final_acc")]
    pearson, spearman, partial, mi, pi = strength_expectations(X, y)
    report = run_strength(provkit, path, tmp_path, FEATURES, "final_acc", len(y))
    assert [f["feature"] for f in report["features"]] == FEATURES
    for j, entry in enumerate(report["features"]):
        assert abs(entry["pearson"] - pearson[j]) <= 1e-9
        assert abs(entry["spearman"] - spearman[j]) <= 1e-9
        assert abs(entry["partial_correlation"] - partial[j]) <= 1e-9
        assert abs(entry["mutual_information"] - mi[j]) <= 1e-9, (entry["feature"], entry["mutual_information"], mi[j])
        assert np.allclose(entry["permutation_importances"], pi.importances[j], rtol=0, atol=1e-9)
        assert abs(entry["permutation_importance"] - pi.importances_mean[j]) <= 1e-9
        assert abs(entry["permutation_importance_std"] - pi.importances_std[j]) <= 1e-9
    # The documented pattern: width matters marginally, not given n_params.
    width = report["features"][1]
    assert abs(width["pearson"]) > 0.3 and abs(width["partial_correlation"]) < 0.05
    # Without a replay ProvKit draws the permutations itself, from NumPy's RandomState stream as scikit-learn does.
    own = json.loads(provkit("analyze", "strength", "--csv", str(path), "--target", "final_acc", "--columns",
                             ",".join(FEATURES), "--json", "--seed", "0", store=False).stdout)
    for j, entry in enumerate(own["features"]):
        assert np.allclose(entry["permutation_importances"], pi.importances[j], rtol=0, atol=1e-9)


@pytest.mark.parametrize("seed", [1, 2])
def test_strength_on_random_and_tied_data(provkit, tmp_path, seed):
    x, names, _, _ = random_dag_data(7, 800, seed)
    x[:, 0] = np.round(x[:, 0])  # integer-valued: ties for the ranks and for the KSG neighbours
    x[:, 1] = np.round(x[:, 1] * 2) / 2
    x[:, 2] = np.clip(np.round(x[:, 2]), -1, 1)  # three values, like a categorical hyperparameter
    path = tmp_path / "data.csv"
    data = write_csv(path, x, names)
    X, y = data[:, :-1], data[:, -1]
    pearson, spearman, partial, mi, pi = strength_expectations(X, y, seed=seed)
    report = json.loads(provkit("analyze", "strength", "--csv", str(path), "--target", names[-1], "--json", "--seed",
                                str(seed), store=False).stdout)
    for j, entry in enumerate(report["features"]):
        assert abs(entry["pearson"] - pearson[j]) <= 1e-9
        assert abs(entry["spearman"] - spearman[j]) <= 1e-9
        assert abs(entry["partial_correlation"] - partial[j]) <= 1e-9
        assert np.allclose(entry["permutation_importances"], pi.importances[j], rtol=0, atol=1e-9)
        # Tied values are broken by the 1e-10 jitter, drawn from NumPy's RandomState(seed) as scikit-learn does.
        assert abs(entry["mutual_information"] - mi[j]) <= 1e-9, (entry["feature"], entry["mutual_information"], mi[j])


# ---------------------------------------------------------------------------------------------------------------
# Effects vs DoWhy (backdoor.linear_regression, efficient-adjustment, refuters)

def dowhy_effect(df, dag_edges, treatment, outcome, refuters=(), simulations=100, seed=0):
    import logging
    import networkx as nx
    from dowhy import CausalModel

    logging.getLogger("dowhy").setLevel(logging.ERROR)
    graph = nx.DiGraph()
    graph.add_nodes_from(df.columns)
    graph.add_edges_from(dag_edges)
    model = CausalModel(data=df, treatment=treatment, outcome=outcome, graph=graph)
    ident = model.identify_effect(method_name="efficient-adjustment", proceed_when_unidentifiable=True)
    est = model.estimate_effect(ident, method_name="backdoor.linear_regression", effect_modifiers=[],
                                test_significance=True, confidence_intervals=True)
    refutations = {}
    names = {"placebo": "placebo_treatment_refuter", "random-common-cause": "random_common_cause",
             "data-subset": "data_subset_refuter"}
    for refuter in refuters:
        extra = {"placebo_type": "permute"} if refuter == "placebo" else {}
        if refuter == "data-subset":
            extra["subset_fraction"] = 0.8
        r = model.refute_estimate(ident, est, method_name=names[refuter], num_simulations=simulations,
                                  random_state=np.random.RandomState(seed), **extra)
        refutations[refuter] = r
    return ident, est, refutations


def run_effect(provkit, csv_path, graph_path, treatment, outcome, *extra):
    args = ["analyze", "effect", "--csv", str(csv_path), "--treatment", treatment, "--outcome", outcome, "--json"]
    if graph_path is not None:
        args += ["--graph", str(graph_path)]
    return json.loads(provkit(*args, *extra, store=False).stdout)


def assert_effect_matches(report, ident, est):
    assert sorted(report["adjustment_set"]) == sorted(ident.get_adjustment_set())
    beta = est.value
    se = float(np.ravel(est.get_standard_error())[0])
    low, high = np.ravel(est.get_confidence_intervals())
    assert abs(report["effect"] - beta) <= 1e-12 * abs(beta), (report["effect"], beta)
    assert abs(report["standard_error"] - se) <= 1e-12 * se, (report["standard_error"], se)
    # statsmodels' t quantile (scipy stdtrit) is good to ~1e-11 relative; the bounds inherit that times SE.
    assert abs(report["confidence_interval"][0] - low) <= 1e-10 * abs(low) + 1e-12
    assert abs(report["confidence_interval"][1] - high) <= 1e-10 * abs(high) + 1e-12


@pytest.fixture(scope="module")
def reference_frame(reference_csv):
    import pandas as pd
    path, data, names, edges = reference_csv
    df = pd.DataFrame(data, columns=names)
    dag = [(names[a], names[b]) for a, b in edges]
    return path, df, dag, names


@pytest.mark.parametrize("treatment", ["early_slope", "n_params", "log_lr", "depth", "overfit_gap"])
def test_effect_on_true_dag_matches_dowhy(provkit, reference_frame, tmp_path, treatment):
    path, df, dag, names = reference_frame
    graph_path = tmp_path / "dag.json"
    graph_path.write_text(json.dumps({"nodes": names, "directed": [list(e) for e in dag]}))
    ident, est, _ = dowhy_effect(df, dag, treatment, "final_acc")
    report = run_effect(provkit, path, graph_path, treatment, "final_acc")
    assert_effect_matches(report, ident, est)


def test_effect_reference_values_and_refuters(provkit, reference_frame, tmp_path):
    path, df, dag, names = reference_frame
    graph_path = tmp_path / "dag.json"
    graph_path.write_text(json.dumps({"nodes": names, "directed": [list(e) for e in dag]}))
    refuters = ("placebo", "random-common-cause", "data-subset")
    ident, est, refutations = dowhy_effect(df, dag, "early_slope", "final_acc", refuters)
    report = run_effect(provkit, path, graph_path, "early_slope", "final_acc", "--refute", ",".join(refuters))
    assert_effect_matches(report, ident, est)
    assert report["adjustment_set"] == ["log_lr", "overfit_gap"]
    assert abs(report["effect"] - -1.149234) < 1e-6 and abs(report["standard_error"] - 0.0075386) < 1e-7
    se = report["standard_error"]
    for refutation in report["refutations"]:
        theirs = refutations[refutation["refuter"]]
        # Same draws (NumPy's RandomState(0) stream, as DoWhy is given), so the same simulated effects.
        assert refutation["simulations"] == 100 and refutation["test"] == "two-sided percentile"
        assert abs(refutation["new_effect"] - theirs.new_effect) <= 1e-9 * abs(theirs.new_effect) + 1e-12, (
            refutation, theirs.new_effect)
        assert abs(refutation["p_value"] - theirs.refutation_result["p_value"]) <= 1e-12
        assert refutation["is_statistically_significant"] == theirs.refutation_result["is_statistically_significant"]
        assert not refutation["is_statistically_significant"]
    placebo = next(r for r in report["refutations"] if r["refuter"] == "placebo")
    assert abs(placebo["new_effect"]) < se and placebo["reference"] == 0


def test_refuters_with_few_simulations_match_dowhy_normal_test(provkit, reference_frame, tmp_path):
    path, df, dag, names = reference_frame
    graph_path = tmp_path / "dag.json"
    graph_path.write_text(json.dumps({"nodes": names, "directed": [list(e) for e in dag]}))
    refuters = ("placebo", "random-common-cause", "data-subset")
    ident, est, refutations = dowhy_effect(df, dag, "n_params", "final_acc", refuters, simulations=20, seed=7)
    report = run_effect(provkit, path, graph_path, "n_params", "final_acc", "--refute", ",".join(refuters),
                        "--simulations", "20", "--seed", "7")
    assert_effect_matches(report, ident, est)
    for refutation in report["refutations"]:
        theirs = refutations[refutation["refuter"]]
        assert refutation["test"] == "one-sided normal"
        assert abs(refutation["new_effect"] - theirs.new_effect) <= 1e-9 * abs(theirs.new_effect) + 1e-12
        assert abs(refutation["p_value"] - theirs.refutation_result["p_value"]) <= 1e-9


@pytest.mark.parametrize("seed", [11, 12, 13])
def test_effect_on_random_dags_matches_dowhy(provkit, tmp_path, seed):
    import pandas as pd
    x, names, edges, _ = random_dag_data(9, 1500, seed, edge_probability=0.35)
    path = tmp_path / "data.csv"
    data = write_csv(path, x, names)
    df = pd.DataFrame(data, columns=names)
    dag = [(names[a], names[b]) for a, b in edges]
    graph_path = tmp_path / "dag.json"
    graph_path.write_text(json.dumps({"nodes": names, "directed": [list(e) for e in dag]}))
    import networkx as nx
    g = nx.DiGraph(dag)
    checked = 0
    for treatment, outcome in [(a, b) for a in names for b in names if a in g and b in g and a != b]:
        if not nx.has_path(g, treatment, outcome):
            continue
        try:
            ident, est, _ = dowhy_effect(df, dag, treatment, outcome)
        except nx.NetworkXError:
            # DoWhy 0.14's backdoor_graph removes the first edge of every causal path and fails when two paths
            # share it (T -> M -> Y and T -> M -> W -> Y); ProvKit computes the O-set from its definition instead.
            continue
        report = run_effect(provkit, path, graph_path, treatment, outcome)
        assert_effect_matches(report, ident, est)
        checked += 1
        if checked == 6:
            break
    assert checked >= 3


def test_effect_on_discovered_graph_says_when_not_identified(provkit, reference_frame, tmp_path):
    path, df, dag, names = reference_frame
    # PC reverses early_slope <- final_acc on this data: no causal path, said plainly.
    result = provkit("analyze", "effect", "--csv", str(path), "--treatment", "early_slope", "--outcome", "final_acc",
                     "--alpha", "0.01", check=False, store=False)
    assert result.returncode != 0 and "not a descendant" in result.stderr
    # n_params sits in the undirected depth-width-n_params triangle: not identified, and the edges are named.
    result = provkit("analyze", "effect", "--csv", str(path), "--treatment", "n_params", "--outcome", "final_acc",
                     "--alpha", "0.01", check=False, store=False)
    assert result.returncode != 0 and "not identified" in result.stderr and "depth -- n_params" in result.stderr
    # log_lr has only directed edges on its causal paths: identified. DoWhy on the discovered CPDAG with its
    # (irrelevant) undirected triangle oriented as in the truth gives the same set and estimate.
    discovered = json.loads(provkit("analyze", "causal", "--csv", str(path), "--alpha", "0.01", "--json",
                                    store=False).stdout)
    edges = [tuple(e) for e in discovered["directed"]] + [("depth", "width"), ("depth", "n_params"),
                                                           ("width", "n_params")]
    ident, est, _ = dowhy_effect(df, edges, "log_lr", "final_acc")
    report = run_effect(provkit, path, None, "log_lr", "final_acc", "--alpha", "0.01")
    assert report["adjustment_set"] == ["overfit_gap"]
    assert_effect_matches(report, ident, est)


# ---------------------------------------------------------------------------------------------------------------
# Real data: A4NN architecture-search histories (../shared/data/a4nn), numeric columns only

A4NN_COLUMNS = ["epoch", "train_accs", "val_accs", "flops"]


@pytest.mark.parametrize("name", ["1gpu_1e14_training_data.csv", "1gpu_1e16_training_data.csv"])
def test_pc_on_a4nn_history_matches_causallearn(provkit, tmp_path, name):
    from conftest import require_shared

    path = require_shared(f"a4nn/{name}")
    with open(path, newline="") as handle:
        rows = list(csv.DictReader(handle))
    data = np.array([[float(row[c]) for c in A4NN_COLUMNS] for row in rows])
    cg, expected_calls, _ = run_causallearn(data, A4NN_COLUMNS, alpha=0.01)
    # The file also has text, boolean and infinite columns: --columns reads only the numeric ones.
    report, calls = run_provkit(provkit, path, tmp_path, "--alpha", "0.01", "--columns", ",".join(A4NN_COLUMNS))
    assert report["n"] == len(rows)
    assert_same_calls(expected_calls, calls)
    assert_same_result(cg, report, A4NN_COLUMNS)
    strength = json.loads(provkit("analyze", "strength", "--csv", str(path), "--target", "val_accs", "--columns",
                                  "epoch,train_accs,flops", "--json", store=False).stdout)
    assert [f["feature"] for f in strength["features"]] == ["epoch", "train_accs", "flops"]
    whole = provkit("analyze", "causal", "--csv", str(path), check=False, store=False)
    assert whole.returncode != 0 and "column 'predictions'" in whole.stderr and "line 2" in whole.stderr


def test_causal_dot_output_parses_with_pydot(provkit, reference_csv):
    import pydot

    path, _, _, _ = reference_csv
    dot = provkit("analyze", "causal", "--csv", str(path), "--alpha", "0.01", "--dot", store=False).stdout
    (graph,) = pydot.graph_from_dot_data(dot)
    edges = graph.get_edges()
    assert len(edges) == 18 and len(graph.get_nodes()) == 14
    undirected = {tuple(sorted((e.get_source().strip('"'), e.get_destination().strip('"')))) for e in edges
                  if e.get("dir") == "none"}
    assert undirected == {("depth", "n_params"), ("depth", "width"), ("n_params", "width")}
    assert any(e.get_source().strip('"') == "final_acc" and e.get_destination().strip('"') == "early_slope"
               and e.get("dir") is None for e in edges)
