"""Stored-value robustness through a live `provkit serve` (issue #12): extreme numbers, times and text sent by the
unmodified MLflow client and by raw HTTP (MLflow and native routes) are either refused with a 400 when written or read
back fine, and the server stays up. Values already held by a store (written by an older version) are read, never
fatal. Runs on the embedded store and on PostgreSQL (the `mlflow_server` fixture of conftest.py)."""
import json
import math
import sqlite3
import subprocess
import uuid

import pytest
import requests
from mlflow import MlflowClient
from mlflow.entities import Metric
from mlflow.entities.logged_model_output import LoggedModelOutput
from mlflow.exceptions import MlflowException
# No telemetry, no retries (a refused request must show at once), no run left active: the client tests' fixture.
from test_mlflow_client import client_environment  # noqa: F401

INT64_MAX = 2**63 - 1
INT64_MIN = -(2**63)
MLFLOW = "/api/2.0/mlflow"


@pytest.fixture()
def server(mlflow_server):
    yield mlflow_server
    # Whatever a test sent, the server is still up and answering.
    assert mlflow_server.process.poll() is None, "the server stopped"
    assert requests.get(f"{mlflow_server.url}/health", timeout=30).json() == {"status": "ok"}


@pytest.fixture()
def client(server):
    return MlflowClient(server.url)


def post(server, path, body):
    return requests.post(f"{server.url}{MLFLOW}/{path}", json=body, timeout=60)


def get(server, path, **params):
    return requests.get(f"{server.url}{MLFLOW}/{path}", params=params, timeout=60)


def ingest(server, *events):
    body = "\n".join(json.dumps(event, allow_nan=False) for event in events)
    return requests.post(f"{server.url}/api/provkit/v1/events", data=body.encode(), timeout=60)


def refused(response):
    """A clean refusal: 400 with MLflow's error code and a message."""
    assert response.status_code == 400, (response.status_code, response.text)
    body = response.json()
    assert body.get("error_code") == "INVALID_PARAMETER_VALUE", body
    assert body.get("message")
    return body["message"]


def new_run(client):
    experiment = client.create_experiment(f"values-{uuid.uuid4().hex[:8]}")
    return experiment, client.create_run(experiment).info.run_id


def hex_id():
    return uuid.uuid4().hex


# MARK: The three attack paths of issue #12


def test_model_output_step_beyond_what_a_json_number_holds_is_refused(client, server):
    experiment, run = new_run(client)
    model = client.create_logged_model(experiment_id=experiment, source_run_id=run).model_id
    # Before the fix: 200, then every runs/get of the run aborted the server.
    with pytest.raises(MlflowException) as error:
        client.log_outputs(run, [LoggedModelOutput(model_id=model, step=INT64_MAX)])
    assert error.value.error_code == "INVALID_PARAMETER_VALUE"
    assert "step" in str(error.value)
    refused(post(server, "runs/outputs", {"run_id": run, "models": [{"model_id": model, "step": INT64_MIN}]}))
    # The largest exact step is kept, and the run reads back.
    client.log_outputs(run, [LoggedModelOutput(model_id=model, step=2**53 - 1)])
    outputs = client.get_run(run).outputs.model_outputs
    assert [(o.model_id, o.step) for o in outputs] == [(model, 2**53 - 1)]


def test_relation_step_minus_1e300_on_the_native_path_is_refused(client, server):
    experiment, run = new_run(client)
    model = hex_id()
    response = ingest(
        server,
        {"type": "entity", "id": model, "kind": "model", "name": "m"},
        {"type": "relation", "relation": "wasGeneratedBy", "subject": model, "object": run,
         "attributes": {"step": -1e300}},
    )
    # Before the fix: 200, then every runs/search over the experiment aborted the server.
    assert response.status_code == 400, response.text
    assert "step" in response.json()["message"]
    assert [r.info.run_id for r in client.search_runs([experiment])] == [run]


def test_logged_model_update_time_1e300_on_the_native_path_is_refused(client, server):
    experiment, run = new_run(client)
    model = client.create_logged_model(experiment_id=experiment).model_id
    response = ingest(
        server,
        {"type": "entity", "id": model[2:], "kind": "model", "name": "m", "attributes": {"last_updated_ms": 1e300}},
    )
    # Before the fix: 200, then GET logged-models/<id> aborted the server.
    assert response.status_code == 400, response.text
    assert "last_updated_ms" in response.json()["message"]
    assert get(server, f"logged-models/{model}").status_code == 200


# MARK: Times


@pytest.mark.parametrize("timestamp", [INT64_MAX, INT64_MIN, 253402300800000, -62167219200001])
def test_metric_timestamps_outside_the_accepted_range_are_refused(client, server, timestamp):
    _, run = new_run(client)
    # Before the fix 2^63-1 was stored and returned as -1 (the multiplication wrapped).
    message = refused(
        post(server, "runs/log-metric", {"run_id": run, "key": "loss", "value": 1, "timestamp": timestamp, "step": 0}))
    assert "timestamp" in message
    with pytest.raises(MlflowException) as error:
        client.log_batch(run, metrics=[Metric("loss", 1.0, timestamp, 0)])
    assert error.value.error_code == "INVALID_PARAMETER_VALUE"
    assert client.get_metric_history(run, "loss") == []


def test_run_start_and_end_times_outside_the_accepted_range_are_refused(client, server):
    experiment, run = new_run(client)
    refused(post(server, "runs/create", {"experiment_id": experiment, "start_time": INT64_MIN}))
    # Before the fix: end_time -2^63 became 1970.
    refused(post(server, "runs/update", {"run_id": run, "end_time": INT64_MIN}))
    refused(post(server, "runs/update", {"run_id": run, "end_time": INT64_MAX}))
    assert client.get_run(run).info.end_time is None
    # The edges of the range are accepted and read back exactly.
    edge = post(server, "runs/create", {"experiment_id": experiment, "start_time": -62167219200000})
    assert edge.status_code == 200, edge.text
    late = edge.json()["run"]["info"]["run_id"]
    assert post(server, "runs/update", {"run_id": late, "end_time": 253402300799999}).status_code == 200
    info = client.get_run(late).info
    assert (info.start_time, info.end_time) == (-62167219200000, 253402300799999)


# MARK: Parent runs


def test_a_cycle_of_parent_runs_is_refused(client, server):
    experiment, a = new_run(client)
    b = client.create_run(experiment, tags={"mlflow.parentRunId": a}).info.run_id
    c = client.create_run(experiment, tags={"mlflow.parentRunId": b}).info.run_id
    # Before the fix: accepted, making a → b → c → a.
    with pytest.raises(MlflowException) as error:
        client.set_tag(a, "mlflow.parentRunId", c)
    assert error.value.error_code == "INVALID_PARAMETER_VALUE"
    assert all(run in str(error.value) for run in (a, b, c))
    message = refused(post(server, "runs/set-tag", {"run_id": a, "key": "mlflow.parentRunId", "value": a}))
    assert "parent" in message
    refused(post(server, "runs/log-batch", {"run_id": b, "tags": [{"key": "mlflow.parentRunId", "value": c}]}))
    assert "mlflow.parentRunId" not in client.get_run(a).data.tags
    # The runs stay searchable, and a legal move is still accepted.
    assert len(client.search_runs([experiment])) == 3
    client.set_tag(c, "mlflow.parentRunId", a)


# MARK: Extreme numbers and text, read back through every MLflow read


def test_extreme_metric_values_and_steps_are_kept_and_read_back(client, server):
    experiment, run = new_run(client)
    values = [1e300, -1e300, math.inf, -math.inf, math.nan, 0.0, 5e-324]
    metrics = [Metric("v", value, 1_700_000_000_000 + index, index) for index, value in enumerate(values)]
    metrics += [Metric("s", float(index), 1_700_000_000_000, step) for index, step in enumerate([INT64_MAX, INT64_MIN])]
    client.log_batch(run, metrics=metrics)
    history = {m.step: m.value for m in client.get_metric_history(run, "v")}
    assert len(history) == len(values)
    for index, value in enumerate(values):
        assert history[index] == value or (math.isnan(value) and math.isnan(history[index]))
    assert sorted(m.step for m in client.get_metric_history(run, "s")) == [INT64_MIN, INT64_MAX]
    latest = client.get_run(run).data.metrics
    assert set(latest) == {"v", "s"}
    found = client.search_runs([experiment], order_by=["metrics.v DESC"])
    assert [r.info.run_id for r in found] == [run]
    assert [r.info.run_id for r in client.search_runs([experiment], "metrics.s >= 0")] == [run]


UNUSUAL = ["", "مرحبا", "👩🏽‍🔬🧪", "e\u0301\u0327", "\ufeff\u200b\ufffd", "\U0010ffff", "x" * 6000]


def test_unusual_parameter_and_tag_text_is_kept_byte_for_byte(client, server):
    experiment, run = new_run(client)
    for index, text in enumerate(UNUSUAL):
        client.log_param(run, f"p{index}", text)
        client.set_tag(run, f"t{index}", text)
    client.set_tag(run, "long", "y" * 8000)
    data = client.get_run(run).data
    for index, text in enumerate(UNUSUAL):
        assert data.params[f"p{index}"] == text
        assert data.tags[f"t{index}"] == text
    assert data.tags["long"] == "y" * 8000
    # Search matches the exact bytes (no normalization).
    assert [r.info.run_id for r in client.search_runs([experiment], "tags.t3 = 'e\u0301\u0327'")] == [run]
    assert client.search_runs([experiment], "tags.t3 = '\u00e9\u0327'") == []


def test_long_incompressible_tag_values_and_run_names_are_kept(client, server):
    """MLflow allows 8,000-character tag values (and so run names). Text that does not compress overflowed
    PostgreSQL's b-tree index entries (2,704 bytes), a 500 there (issue #12): schema version 4 indexes such text
    by hash. Searches by equality, LIKE and ILIKE still find it."""
    experiment, run = new_run(client)
    letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
    state = 0x2545F4914F6CDD1D
    noise = []
    for _ in range(8000):
        state = (state * 6364136223846793005 + 1442695040888963407) % 2**64
        noise.append(letters[(state >> 33) % len(letters)])
    noise = "".join(noise)
    assert post(server, "runs/set-tag", {"run_id": run, "key": "mlflow.note.content", "value": noise}).status_code == 200
    assert post(server, "runs/update", {"run_id": run, "run_name": noise}).status_code == 200
    held = client.get_run(run)
    assert held.data.tags["mlflow.note.content"] == noise
    assert held.info.run_name == noise
    for clause in (
        f"tags.`mlflow.note.content` = '{noise}'",
        f"tags.`mlflow.note.content` LIKE '{noise[:40]}%'",
        f"tags.`mlflow.note.content` ILIKE '%{noise[-40:].lower()}'",
        f"attributes.run_name = '{noise}'",
    ):
        assert [r.info.run_id for r in client.search_runs([experiment], clause)] == [run], clause[:60]


def test_nul_and_lone_surrogates_in_text_are_refused_or_read_back(client, server):
    experiment, run = new_run(client)
    # NUL cannot be stored (PostgreSQL refuses it, C readers cut at it): a 400, never a 5xx.
    message = refused(post(server, "runs/log-parameter", {"run_id": run, "key": "p", "value": "a\u0000b"}))
    assert "NUL" in message
    refused(post(server, "runs/set-tag", {"run_id": run, "key": "t\u0000", "value": "v"}))
    assert ingest(server, {"type": "parameter", "run": run, "key": "n", "value": "\u0000"}).status_code == 400
    # A lone surrogate is not Unicode text: refused, or read back as the replacement character.
    raw = '{"run_id": "%s", "key": "s", "value": "a\\ud800b"}' % run
    response = requests.post(
        f"{server.url}{MLFLOW}/runs/log-parameter", data=raw, headers={"Content-Type": "application/json"}, timeout=60
    )
    assert response.status_code in (200, 400), response.text
    held = client.get_run(run).data.params
    assert set(held) <= {"s"}
    if response.status_code == 200:
        assert held["s"] in ("a\ufffdb", "ab")


def test_extreme_numbers_on_the_native_path(client, server):
    experiment, run = new_run(client)
    entity = hex_id()
    response = ingest(
        server,
        {"type": "entity", "id": entity, "kind": "dataset", "name": "d", "size": 2**53 - 1,
         "attributes": {"huge": 1e300, "tiny": -1e300, "nested": {"deep": [1e300, "\u202eRTL"]}}},
        {"type": "relation", "relation": "used", "subject": run, "object": entity, "attributes": {"weight": -1e300}},
        {"type": "metric", "run": run, "key": "m", "value": "Infinity", "step": 2**53 - 1},
        {"type": "metric", "run": run, "key": "m", "value": -1e300, "step": -(2**53 - 1)},
        {"type": "telemetry", "run": run, "time": "9999-12-31T23:59:59.999999Z", "values": {"cpu": 1e300}},
    )
    assert response.status_code == 200, response.text
    # Times beyond year 9999 cannot be written in the event format; a step beyond 2^53 is not a whole JSON number.
    assert ingest(server, {"type": "metric", "run": run, "key": "m", "value": 1, "step": 1e300}).status_code == 400
    assert (
        ingest(server, {"type": "metric", "run": run, "key": "m", "value": 1, "time": "10000-01-01T00:00:00Z"})
        .status_code == 400
    )
    assert {m.step for m in client.get_metric_history(run, "m")} == {2**53 - 1, -(2**53 - 1)}
    native = requests.get(f"{server.url}/api/provkit/v1/runs/{run}", timeout=60)
    assert native.status_code == 200, native.text
    assert client.search_runs([experiment])[0].data.metrics["m"] == math.inf


# MARK: Values an older version stored


def stored_sqlite(server):
    if not str(server.store).startswith("/"):
        return None
    return sqlite3.connect(str(server.store / "provkit.sqlite"), timeout=30)


def test_bad_values_already_in_the_store_are_read_not_fatal(client, server, provkit_binary):
    """Writes what the ingest rules now refuse straight into the database, as an older version could have, and
    reads it through every MLflow read and the CLI."""
    experiment, run = new_run(client)
    model = client.create_logged_model(experiment_id=experiment, source_run_id=run).model_id
    client.log_outputs(run, [LoggedModelOutput(model_id=model, step=1)])
    client.log_metric(run, "loss", 0.5, step=3)
    statements = [
        ("UPDATE relation SET attributes = '{\"step\":-1e300}' WHERE kind = 'wasGeneratedBy' AND subject_pk = "
         "(SELECT pk FROM node WHERE id = ?)", [model[2:]]),
        ("UPDATE entity SET attributes = '{\"last_updated_ms\":1e300,\"status\":\"LOGGED_MODEL_READY\"}' "
         "WHERE node_pk = (SELECT pk FROM node WHERE id = ?)", [model[2:]]),
        ("UPDATE run SET started_at = -9223372036854775808, ended_at = 9223372036854775807 "
         "WHERE node_pk = (SELECT pk FROM node WHERE id = ?)", [run]),
        ("UPDATE metric_point SET time = 9223372036854775807 WHERE series_pk IN "
         "(SELECT s.pk FROM metric_series s JOIN node n ON n.pk = s.run_pk WHERE n.id = ?)", [run]),
    ]
    database = stored_sqlite(server)
    if database is not None:
        with database:
            for sql, arguments in statements:
                database.execute(sql, arguments)
        database.close()
    else:
        for sql, arguments in statements:
            sql = sql.replace("?", "'%s'" % arguments[0])
            result = subprocess.run(
                ["psql", str(server.store), "-v", "ON_ERROR_STOP=1", "-q", "-c", sql],
                capture_output=True, text=True, timeout=60,
            )
            assert result.returncode == 0, result.stderr
    # Every read answers; out-of-range numbers are clamped.
    outputs = client.get_run(run).outputs.model_outputs
    assert [o.step for o in outputs] == [INT64_MIN]
    assert [r.info.run_id for r in client.search_runs([experiment])] == [run]
    logged = get(server, f"logged-models/{model}")
    assert logged.status_code == 200, logged.text
    assert int(logged.json()["model"]["info"]["last_updated_timestamp_ms"]) == INT64_MAX
    assert len(client.search_logged_models([experiment])) == 1
    assert [m.value for m in client.get_metric_history(run, "loss")] == [0.5]
    assert requests.get(f"{server.url}/api/provkit/v1/runs/{run}", timeout=60).status_code == 200
    for args in (["show", run], ["runs"], ["export", run]):
        result = subprocess.run(
            [provkit_binary, *args, "--store", str(server.store)], capture_output=True, text=True, timeout=120
        )
        assert result.returncode == 0 and "Fatal error" not in result.stderr, (args, result.stderr)
