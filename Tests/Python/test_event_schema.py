"""The native event format: the JSON Schema in docs/ is valid, and what ProvKit writes conforms to it."""
import json
import pathlib

import jsonschema
import pytest

from conftest import ROOT

SCHEMA = json.loads((ROOT / "docs" / "event.schema.json").read_text())
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA)


def example_lines():
    text = (ROOT / "docs" / "event-format.md").read_text()
    block = text.split("```jsonl\n", 1)[1].split("```", 1)[0]
    return [line for line in block.splitlines() if line.strip()]


def test_schema_is_valid_draft_2020_12():
    jsonschema.Draft202012Validator.check_schema(SCHEMA)


@pytest.mark.parametrize("line", example_lines())
def test_documented_examples_conform(line):
    VALIDATOR.validate(json.loads(line))


@pytest.mark.parametrize(
    "event",
    [
        {"type": "metric", "run": "0" * 32, "key": "loss", "value": "high"},
        {"type": "parameter", "run": "0" * 32, "key": "lr"},
        {"type": "tag", "run": "0" * 32, "experiment": "0" * 32, "key": "a", "value": "b"},
        {"type": "entity", "id": "0" * 32, "kind": "blob"},
        {"type": "relation", "relation": "usedBy", "subject": "0" * 32, "object": "1" * 32},
        {"type": "run_start", "id": "0" * 32, "experiment": "1" * 32, "time": "yesterday"},
        {"type": "parameter", "run": "0" * 32, "key": "lr", "value": "1", "extra": 1},
        {"type": "metrics"},
    ],
)
def test_schema_rejects_malformed_events(event):
    assert list(VALIDATOR.iter_errors(event)), f"schema accepted {event}"


def test_demo_events_conform_and_reingest_identically(provkit, tmp_path):
    events_file = tmp_path / "demo.jsonl"
    provkit("demo", "--events-out", str(events_file))
    lines = [line for line in events_file.read_text().splitlines() if line.strip()]
    assert len(lines) > 500
    types = set()
    for number, line in enumerate(lines, 1):
        event = json.loads(line)
        errors = list(VALIDATOR.iter_errors(event))
        assert not errors, f"line {number}: {errors[0].message}"
        types.add(event["type"])
    assert types == {"experiment", "agent", "entity", "relation", "run_start", "run_end", "parameter", "tag",
                     "metric", "telemetry", "architecture"}
    original = json.loads(provkit("stats", "--json").stdout)
    # The same events ingested into a second, empty store give the same counts.
    copy_store = tmp_path / "copy"
    result = provkit("ingest", str(events_file), "--store", str(copy_store), store=False)
    assert result.stdout.startswith(f"Stored {len(lines)} events")
    copy = json.loads(provkit("stats", "--json", "--store", str(copy_store), store=False).stdout)
    assert copy == original
