"""docs/openapi.yaml describes what the native API answers: live answers validate against its schemas."""
import json
import uuid

import jsonschema
import pytest
import requests
import yaml

from conftest import ROOT

SPEC = yaml.safe_load((ROOT / "docs" / "openapi.yaml").read_text())


def validator(name):
    """A validator for one component schema, resolving references inside the whole document."""
    return jsonschema.Draft202012Validator({**SPEC, "$ref": f"#/components/schemas/{name}"})


def test_the_document_is_openapi_3_1_with_every_native_route():
    assert SPEC["openapi"].startswith("3.1")
    assert set(SPEC["paths"]) == {
        "/api/provkit/v1/events", "/api/provkit/v1/runs", "/api/provkit/v1/runs/{id}",
        "/api/provkit/v1/lineage/{id}", "/api/provkit/v1/taxonomy", "/health",
        "/api/provkit/v1/analysis/features", "/api/provkit/v1/analysis/curves", "/api/provkit/v1/analysis/report",
        "/api/provkit/v1/analysis/explain",
    }
    for name, schema in SPEC["components"]["schemas"].items():
        jsonschema.Draft202012Validator.check_schema(schema)


def object_schemas(node, path="#"):
    """Every schema in the document that lists properties, with where it is."""
    if isinstance(node, dict):
        if "properties" in node and node.get("type") == "object":
            yield path, node
        for key, value in node.items():
            yield from object_schemas(value, f"{path}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from object_schemas(value, f"{path}/{index}")


def test_every_documented_object_refuses_undocumented_fields():
    """`additionalProperties: false` on every object with listed properties, so that a field the server adds without
    documenting it fails the live validations below (free-form maps list no properties)."""
    schemas = list(object_schemas(SPEC))
    assert len(schemas) > 30
    open_schemas = [path for path, schema in schemas if schema.get("additionalProperties") is not False]
    assert open_schemas == []


def test_live_answers_match_the_schemas(mlflow_server):
    api = f"{mlflow_server.url}/api/provkit/v1"
    experiment, run, dataset = uuid.uuid4().hex, uuid.uuid4().hex, uuid.uuid4().hex
    events = [
        {"type": "experiment", "id": experiment, "name": f"openapi-{experiment[:6]}"},
        {"type": "run_start", "id": run, "experiment": experiment, "name": "spec", "time": "2024-05-01T12:00:00Z"},
        {"type": "parameter", "run": run, "key": "lr", "value": "0.1"},
        {"type": "metric", "run": run, "key": "loss", "value": "NaN"},
        {"type": "entity", "id": dataset, "kind": "dataset", "name": "d", "digest": "sha256:" + "ab" * 32},
        {"type": "relation", "relation": "used", "subject": run, "object": dataset},
    ]
    answer = requests.post(f"{api}/events", data="\n".join(map(json.dumps, events)), timeout=30)
    validator("IngestSummary").validate(answer.json())
    validator("Error").validate(requests.post(f"{api}/events", data="{", timeout=30).json())
    runs = requests.get(f"{api}/runs", params={"experiment": experiment}, timeout=30).json()
    assert [summary["id"] for summary in runs] == [run], runs  # the loop below must check something
    for summary in runs:
        validator("RunSummary").validate(summary)
    validator("RunDetail").validate(requests.get(f"{api}/runs/{run}", timeout=30).json())
    validator("LineageGraph").validate(requests.get(f"{api}/lineage/{dataset}", timeout=30).json())
    validator("Taxonomy").validate(requests.get(f"{api}/taxonomy", timeout=30).json())
    validator("Error").validate(requests.get(f"{api}/runs/{uuid.uuid4().hex}", timeout=30).json())


def test_analysis_answers_match_the_schemas(mlflow_server):
    """A small experiment with learning curves through the events API, then the three analysis routes."""
    api = f"{mlflow_server.url}/api/provkit/v1"
    experiment = uuid.uuid4().hex
    name = f"openapi-analysis-{experiment[:6]}"
    events = [{"type": "experiment", "id": experiment, "name": name}]
    for index, (lr, rate) in enumerate([(0.1, 0.5), (0.01, 0.2), (0.001, 0.0)]):
        run = uuid.uuid4().hex
        events += [
            {"type": "run_start", "id": run, "experiment": experiment, "name": f"net-{index}",
             "time": "2024-05-01T12:00:00Z"},
            {"type": "parameter", "run": run, "key": "lr", "value": str(lr)},
            {"type": "parameter", "run": run, "key": "num_classes", "value": "10"},
        ]
        for epoch in range(1, 11):
            accuracy = 0.1 + (0.8 * (1 - 0.7 ** (rate * epoch * 5)) if rate else 0.0)
            events.append({"type": "metric", "run": run, "key": "val_accuracy", "value": accuracy, "step": epoch})
    assert requests.post(f"{api}/events", data="\n".join(map(json.dumps, events)), timeout=30).status_code == 200
    features = requests.get(f"{api}/analysis/features", params={"experiment": name}, timeout=60)
    assert features.status_code == 200
    validator("FeatureTable").validate(features.json())
    assert len(features.json()["runs"]) == 3
    curves = requests.get(f"{api}/analysis/curves", params={"experiment": name}, timeout=60).json()
    validator("CurveAnalysisReport").validate(curves)
    a4nn = requests.get(f"{api}/analysis/curves", params={"experiment": name, "predictor": "a4nn"}, timeout=60).json()
    assert a4nn["predictor"]["predictionEpoch"] == 25
    classes = {r["runName"]: r["classification"]["curveClass"] for r in curves["results"]}
    assert classes["net-2"] == "never_learner" and classes["net-0"] == "early_learner"
    report = requests.get(f"{api}/analysis/report", params={"experiment": name}, timeout=60).json()
    validator("AnalysisReport").validate(report)
    explanation = requests.get(f"{api}/analysis/explain", params={"experiment": name}, timeout=60).json()
    validator("ExperimentExplanation").validate(explanation)
    assert "at least 10 runs" in explanation["notes"][0]
    for params in ({"experiment": name, "alpha": "2"}, {"experiment": name, "outcome": "nope"}):
        answer = requests.get(f"{api}/analysis/explain", params=params, timeout=30)
        assert answer.status_code == 400, (params, answer.status_code, answer.text)
        validator("Error").validate(answer.json())
    html = requests.get(f"{api}/analysis/report", params={"experiment": name, "format": "html"}, timeout=60)
    assert html.headers["content-type"].startswith("text/html") and "<svg" in html.text
    for params in ({}, {"experiment": "no-such-experiment"}, {"experiment": name, "metric": "nope"},
                   {"experiment": name, "classes": "1"}, {"experiment": name, "predictor": "x"}):
        answer = requests.get(f"{api}/analysis/curves", params=params, timeout=30)
        assert answer.status_code in (400, 404), (params, answer.status_code, answer.text)
        validator("Error").validate(answer.json())
