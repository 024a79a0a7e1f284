"""`provkit analyze causal|strength|report --experiment`: the numeric feature table of stored runs, with the
taxonomy's tiers as PC background knowledge, gives causal-learn's graph on the same numbers and the same knowledge.
Real data: the A4NN histories in ../shared/data (skipped without them, a failure under CI=true)."""

import json

import numpy as np
import pytest

from test_analysis_parity import assert_same_result, background, run_causallearn
from conftest import require_shared


@pytest.fixture()
def a4nn_store(provkit):
    files = [str(require_shared(f"a4nn/1gpu_{b}_training_data.csv")) for b in ("1e14", "1e15", "1e16")]
    provkit("import", "a4nn", *files)
    return provkit


def numeric_view(table, names):
    """The feature table's columns named `names`, as float arrays, with their tiers and exogenous flags."""
    columns = {c["name"]: c for c in table["columns"]}
    data = np.array([[float(v) for v in columns[n]["values"]] for n in names]).T
    tiers = {n: columns[n]["tier"] for n in names}
    exogenous = [n for n in names if columns[n]["isExogenous"]]
    return data, tiers, exogenous


@pytest.mark.parametrize("alpha", ["0.01", "0.05"])
def test_causal_on_stored_runs_matches_causallearn_with_taxonomy_tiers(a4nn_store, alpha):
    provkit = a4nn_store
    result = provkit("analyze", "causal", "--experiment", "a4nn", "--alpha", alpha, "--json")
    report = json.loads(result.stdout)
    # Text columns and constant ones are left out, and the command says which.
    assert "dataset (categorical)" in result.stderr and "gpu_count (constant)" in result.stderr
    names = report["nodes"]
    assert {"depth", "flops", "beam_intensity", "final_accuracy"} <= set(names)
    assert report["n"] == 300
    table = json.loads(provkit("analyze", "features", "--experiment", "a4nn", "--json").stdout)
    data, tiers, exogenous = numeric_view(table, names)
    assert tiers["beam_intensity"] == 0 and tiers["depth"] == 1 and tiers["final_accuracy"] == 3
    cg, _, _ = run_causallearn(data, names, background=background(names, tiers, exogenous), alpha=float(alpha))
    assert_same_result(cg, report, names)
    # No edge points from a later tier into an earlier one.
    for a, b in report["directed"]:
        assert tiers[a] <= tiers[b], f"{a} -> {b} goes against the tiers"


def test_strength_and_effect_on_stored_runs(a4nn_store):
    provkit = a4nn_store
    strength = json.loads(provkit("analyze", "strength", "--experiment", "a4nn", "--target", "final_accuracy",
                                  "--columns", "depth,flops,beam_intensity", "--json").stdout)
    assert [f["feature"] for f in strength["features"]] == ["depth", "flops", "beam_intensity"]
    table = json.loads(provkit("analyze", "features", "--experiment", "a4nn", "--json").stdout)
    data, _, _ = numeric_view(table, ["depth", "flops", "beam_intensity", "final_accuracy"])
    expected = np.corrcoef(data.T)[3, :3]
    actual = [f["pearson"] for f in strength["features"]]
    assert np.allclose(actual, expected, rtol=0, atol=1e-9)
    # The effect of the beam intensity (tier 0, nothing causes it but the dataset) on the final accuracy.
    effect = provkit("analyze", "effect", "--experiment", "a4nn", "--treatment", "beam_intensity", "--outcome",
                     "final_accuracy", "--json", check=False)
    if effect.returncode == 0:
        estimate = json.loads(effect.stdout)
        low, high = estimate["confidence_interval"]
        assert low <= estimate["effect"] <= high
    else:
        assert "not identified" in effect.stderr, effect.stderr


def test_report_has_strength_and_causal_graph_sections(a4nn_store, tmp_path):
    provkit = a4nn_store
    output = tmp_path / "report.html"
    provkit("analyze", "report", "--experiment", "a4nn", "--output", str(output))
    html = output.read_text()
    assert 'id="strength"' in html and 'id="causal"' in html
    report = json.loads(provkit("analyze", "report", "--experiment", "a4nn", "--json").stdout)
    assert report["causalGraph"]["nodes"] and report["causalGraph"]["edges"]
    titles = [chart["title"] for chart in report["strength"]]
    assert any(t.startswith("Spearman") for t in titles) and any(t.startswith("Mutual information") for t in titles)
    ours = json.loads(provkit("analyze", "causal", "--experiment", "a4nn", "--json").stdout)
    edges = {(e["from"], e["to"]) for e in report["causalGraph"]["edges"] if e["directed"]}
    assert edges == {tuple(e) for e in ours["directed"]}


def test_experiment_input_errors_are_clear(provkit, tmp_path):
    missing = provkit("analyze", "causal", "--experiment", "nope", check=False)
    assert missing.returncode != 0 and "nope" in missing.stderr
    both = provkit("analyze", "causal", "--experiment", "x", "--csv", "y.csv", check=False)
    assert both.returncode != 0 and "either --csv or --experiment" in both.stderr


def test_native_api_explains_stored_runs_as_the_cli_does(a4nn_store, provkit_binary, tmp_path):
    import requests

    from conftest import ProvKitServer

    cli = json.loads(a4nn_store("analyze", "causal", "--experiment", "a4nn", "--alpha", "0.01", "--json").stdout)
    server = ProvKitServer(provkit_binary, tmp_path / "server", store=tmp_path / "store")
    try:
        answer = requests.get(f"{server.url}/api/provkit/v1/analysis/explain",
                              params={"experiment": "a4nn", "alpha": "0.01"}, timeout=120)
        assert answer.status_code == 200, answer.text
        explanation = answer.json()
    finally:
        server.stop()
    assert explanation["causal"]["graph"] == cli["graph"] and explanation["causal"]["nodes"] == cli["nodes"]
    assert explanation["outcome"] == "final_accuracy"
    assert explanation["strength"]["target"] == "final_accuracy" and explanation["strength"]["n"] == 300
    assert explanation["tiers"]["beam_intensity"] == 0
