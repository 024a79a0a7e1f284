"""The native event format: the JSON Schema in docs/ is valid, and what ProvKit writes conforms to it."""
import json
import pathlib
import subprocess

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


def test_sdk_events_conform_and_ingest(provkit, provkit_binary, tmp_path):
    """The example workflow's events (written by the SDK's JSON Lines sink) follow the schema and ingest."""
    example = pathlib.Path(provkit_binary).with_name("provkit-example")
    events_file = tmp_path / "example.jsonl"
    subprocess.run([str(example), "--events", str(events_file), "--epochs", "10"], check=True, capture_output=True,
                   timeout=300)
    lines = [line for line in events_file.read_text().splitlines() if line.strip()]
    assert len(lines) > 300
    types = set()
    for number, line in enumerate(lines, 1):
        event = json.loads(line)
        errors = list(VALIDATOR.iter_errors(event))
        assert not errors, f"line {number}: {errors[0].message}"
        types.add(event["type"])
    assert types == {"experiment", "agent", "entity", "relation", "run_start", "run_end", "parameter", "tag",
                     "metric", "telemetry", "architecture"}
    result = provkit("ingest", str(events_file))
    assert result.stdout.startswith(f"Stored {len(lines)} events")
    stats = json.loads(provkit("stats", "--json").stdout)
    assert stats["runs"] == 8 and stats["metricPoints"] == 6 * 10 * 4


RUN = "0190a3f2c4d07000800000000000f001"
EXPERIMENT = "0190a3f2c4d07000800000000000e001"
MODEL = "0190a3f2c4d07000800000000000d002"
TRACKING_EVENTS = [
    {"type": "run_update", "id": RUN, "name": "net-1-final", "status": "finished", "time": "2024-05-01T12:31:00Z"},
    {"type": "run_update", "id": RUN, "status": "running"},
    {"type": "tag_delete", "run": RUN, "key": "team"},
    {"type": "metric", "run": RUN, "key": "val_acc", "value": 0.5, "model": MODEL, "dataset_name": "cifar",
     "dataset_digest": "a5357541"},
    {"type": "lifecycle", "run": RUN, "stage": "deleted", "time": "2024-05-02T09:00:00Z"},
    {"type": "lifecycle", "run": RUN, "stage": "active"},
    {"type": "tag_delete", "experiment": EXPERIMENT, "key": "owner"},
    {"type": "lifecycle", "experiment": EXPERIMENT, "stage": "deleted"},
]


@pytest.mark.parametrize("event", TRACKING_EVENTS)
def test_tracking_events_conform(event):
    VALIDATOR.validate(event)


@pytest.mark.parametrize(
    "event",
    [
        {"type": "run_update", "id": RUN},
        {"type": "run_update", "id": RUN, "status": "paused"},
        {"type": "tag_delete", "key": "k"},
        {"type": "tag_delete", "run": RUN, "experiment": EXPERIMENT, "key": "k"},
        {"type": "lifecycle", "run": RUN, "stage": "archived"},
        {"type": "lifecycle", "run": RUN},
        {"type": "metric", "run": RUN, "key": "m", "value": 1, "dataset_name": "d", "dataset_digest": "x"},
        {"type": "metric", "run": RUN, "key": "m", "value": 1, "model": MODEL, "dataset_name": "d"},
    ],
)
def test_schema_rejects_malformed_tracking_events(event):
    assert list(VALIDATOR.iter_errors(event)), f"schema accepted {event}"


def test_tracking_events_ingest_after_the_documented_example(provkit, tmp_path):
    """The decoder and the store take what the schema takes: the example file, then the tracking events."""
    example = tmp_path / "example.jsonl"
    example.write_text("\n".join(example_lines()) + "\n")
    provkit("ingest", str(example))
    tracking = tmp_path / "tracking.jsonl"
    tracking.write_text("\n".join(json.dumps(event) for event in TRACKING_EVENTS[:4]) + "\n")
    provkit("ingest", str(tracking))
    shown = json.loads(provkit("show", RUN, "--json").stdout)
    assert shown["run"]["name"] == "net-1-final" and shown["run"]["status"] == "running"
    assert "team" not in [tag["key"] for tag in shown["tags"]]
    lifecycle = tmp_path / "lifecycle.jsonl"
    lifecycle.write_text(json.dumps(TRACKING_EVENTS[4]) + "\n" + json.dumps(
        {"type": "parameter", "run": RUN, "key": "late", "value": "1"}) + "\n")
    refused = provkit("ingest", str(lifecycle), check=False)
    assert refused.returncode == 1 and "deleted" in refused.stderr
