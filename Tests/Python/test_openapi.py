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
    }
    for name, schema in SPEC["components"]["schemas"].items():
        jsonschema.Draft202012Validator.check_schema(schema)


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
    for summary in runs:
        validator("RunSummary").validate(summary)
    validator("RunDetail").validate(requests.get(f"{api}/runs/{run}", timeout=30).json())
    validator("LineageGraph").validate(requests.get(f"{api}/lineage/{dataset}", timeout=30).json())
    validator("Taxonomy").validate(requests.get(f"{api}/taxonomy", timeout=30).json())
    validator("Error").validate(requests.get(f"{api}/runs/{uuid.uuid4().hex}", timeout=30).json())
