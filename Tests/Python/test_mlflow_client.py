"""The unmodified MLflow client against a live `provkit serve`: tracking, artifacts, models, searches, async and
system-metrics logging, authentication, malformed requests, and the provenance it all becomes."""
import hashlib
import json
import math
import os
import pathlib
import signal
import subprocess
import time
import uuid

import mlflow
import numpy as np
import pandas as pd
import pytest
import requests
from mlflow import MlflowClient
from mlflow.entities import Metric, Param, RunTag, ViewType
from mlflow.exceptions import MlflowException, RestException


@pytest.fixture(autouse=True)
def client_environment(monkeypatch):
    """No telemetry, no retries of failed requests (a failure must show at once), no run left active."""
    monkeypatch.setenv("MLFLOW_DISABLE_TELEMETRY", "true")
    monkeypatch.setenv("DO_NOT_TRACK", "true")
    monkeypatch.setenv("MLFLOW_HTTP_REQUEST_MAX_RETRIES", "0")
    monkeypatch.setenv("MLFLOW_HTTP_REQUEST_TIMEOUT", "60")
    for name in ("MLFLOW_TRACKING_TOKEN", "MLFLOW_TRACKING_USERNAME", "MLFLOW_TRACKING_PASSWORD"):
        monkeypatch.delenv(name, raising=False)
    yield
    while mlflow.active_run():
        mlflow.end_run()


@pytest.fixture()
def server(mlflow_server):
    mlflow.set_tracking_uri(mlflow_server.url)
    return mlflow_server


@pytest.fixture()
def client(server):
    return MlflowClient(server.url)


def unique(name):
    return f"{name}-{uuid.uuid4().hex[:8]}"


def provkit_json(provkit_binary, server, *args):
    result = subprocess.run(
        [provkit_binary, *args, "--json", "--store", str(server.store)], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


# MARK: Experiments


def test_experiments_create_get_search_rename_tag_delete_restore(client, server):
    assert client.get_experiment("0").name == "Default"
    name = unique("exp")
    experiment_id = mlflow.set_experiment(name).experiment_id
    assert experiment_id.isdigit() and experiment_id != "0"
    experiment = client.get_experiment_by_name(name)
    assert experiment.experiment_id == experiment_id
    assert experiment.artifact_location == f"mlflow-artifacts:/{experiment_id}"
    assert experiment.lifecycle_stage == "active"
    assert client.get_experiment_by_name(unique("missing")) is None
    with pytest.raises(MlflowException) as error:
        client.create_experiment(name)
    assert error.value.error_code == "RESOURCE_ALREADY_EXISTS"

    client.set_experiment_tag(experiment_id, "team", "provenance")
    assert client.get_experiment(experiment_id).tags["team"] == "provenance"
    renamed = unique("renamed")
    client.rename_experiment(experiment_id, renamed)
    assert client.get_experiment(experiment_id).name == renamed

    found = client.search_experiments(filter_string=f"name = '{renamed}'")
    assert [e.experiment_id for e in found] == [experiment_id]
    found = client.search_experiments(filter_string="tags.team = 'provenance'", order_by=["creation_time DESC"])
    assert experiment_id in [e.experiment_id for e in found]

    client.delete_experiment(experiment_id)
    assert client.get_experiment(experiment_id).lifecycle_stage == "deleted"
    assert experiment_id not in [e.experiment_id for e in client.search_experiments()]
    deleted = client.search_experiments(view_type=ViewType.DELETED_ONLY)
    assert experiment_id in [e.experiment_id for e in deleted]
    client.restore_experiment(experiment_id)
    assert client.get_experiment(experiment_id).lifecycle_stage == "active"


# MARK: Runs


def test_nested_runs_params_metrics_tags_and_batches(provkit_binary, client, server):
    mlflow.set_experiment(unique("runs"))
    with mlflow.start_run(run_name="parent", description="a parent run") as parent:
        mlflow.log_param("lr", 0.01)
        mlflow.log_params({"batch_size": 32, "optimizer": "adam"})
        mlflow.log_metric("loss", 0.5, step=0)
        mlflow.log_metrics({"loss": 0.25, "accuracy": 0.9}, step=1)
        mlflow.log_metric("diverged", float("nan"))
        mlflow.log_metric("peak", float("inf"))
        mlflow.set_tags({"team": "vision", "stage": "dev"})
        with mlflow.start_run(run_name="child", nested=True) as child:
            mlflow.log_metric("loss", 0.1)
    run = client.get_run(parent.info.run_id)
    assert run.info.run_name == "parent"
    assert run.info.status == "FINISHED" and run.info.end_time >= run.info.start_time
    assert run.info.artifact_uri.endswith(f"/{run.info.run_id}/artifacts")
    assert run.data.params == {"lr": "0.01", "batch_size": "32", "optimizer": "adam"}
    assert run.data.metrics["loss"] == 0.25 and run.data.metrics["accuracy"] == 0.9
    assert math.isnan(run.data.metrics["diverged"]) and run.data.metrics["peak"] == math.inf
    assert run.data.tags["team"] == "vision" and run.data.tags["mlflow.note.content"] == "a parent run"
    child_run = client.get_run(child.info.run_id)
    assert child_run.data.tags["mlflow.parentRunId"] == parent.info.run_id

    # A parameter cannot change; tags can be deleted.
    with pytest.raises(MlflowException) as error:
        client.log_param(parent.info.run_id, "lr", "0.1")
    assert error.value.error_code == "INVALID_PARAMETER_VALUE"
    client.delete_tag(parent.info.run_id, "stage")
    assert "stage" not in client.get_run(parent.info.run_id).data.tags
    with pytest.raises(MlflowException) as error:
        client.delete_tag(parent.info.run_id, "stage")
    assert error.value.error_code == "RESOURCE_DOES_NOT_EXIST"

    # log_batch with 2,500 metrics: the client splits it into three requests.
    timestamp = int(time.time() * 1000)
    metrics = [Metric("series", float(i), timestamp, i) for i in range(2500)]
    client.log_batch(
        child.info.run_id, metrics=metrics, params=[Param("p", "1")], tags=[RunTag("batch", "yes")]
    )
    history = client.get_metric_history(child.info.run_id, "series")
    assert [m.step for m in history] == list(range(2500))
    assert client.get_run(child.info.run_id).data.metrics["series"] == 2499.0

    # Renaming by update_run and by the mlflow.runName tag.
    client.update_run(child.info.run_id, name="renamed-child")
    assert client.get_run(child.info.run_id).info.run_name == "renamed-child"
    client.set_tag(child.info.run_id, "mlflow.runName", "child-again")
    assert client.get_run(child.info.run_id).info.run_name == "child-again"

    # The nesting is provenance: the child is a task under the parent.
    detail = provkit_json(provkit_binary, server, "show", child.info.run_id)
    assert detail["run"]["parentID"] == parent.info.run_id
    assert detail["run"]["kind"] == "task"


def test_runs_without_a_name_get_one_and_resume(client, server):
    experiment_id = mlflow.set_experiment(unique("names")).experiment_id
    run = client.create_run(experiment_id)
    assert run.info.run_name and run.data.tags["mlflow.runName"] == run.info.run_name
    client.set_terminated(run.info.run_id)
    with mlflow.start_run(run_id=run.info.run_id):
        mlflow.log_metric("resumed", 1.0)
    resumed = client.get_run(run.info.run_id)
    assert resumed.data.metrics["resumed"] == 1.0 and resumed.info.status == "FINISHED"
    default_run = client.create_run("0")
    assert default_run.info.experiment_id == "0"


def test_delete_and_restore_runs(client, server):
    experiment_id = mlflow.set_experiment(unique("lifecycle")).experiment_id
    run = client.create_run(experiment_id, run_name="doomed")
    client.delete_run(run.info.run_id)
    assert client.get_run(run.info.run_id).info.lifecycle_stage == "deleted"
    assert client.search_runs([experiment_id]) == []
    assert len(client.search_runs([experiment_id], run_view_type=ViewType.ALL)) == 1
    assert len(client.search_runs([experiment_id], run_view_type=ViewType.DELETED_ONLY)) == 1
    with pytest.raises(MlflowException) as error:
        client.log_metric(run.info.run_id, "late", 1.0)
    assert error.value.error_code == "INVALID_PARAMETER_VALUE"
    client.restore_run(run.info.run_id)
    client.log_metric(run.info.run_id, "late", 1.0)
    assert client.get_run(run.info.run_id).info.lifecycle_stage == "active"


# MARK: Inputs, artifacts and models


def test_log_input_and_artifacts(provkit_binary, client, server, tmp_path):
    mlflow.set_experiment(unique("artifacts"))
    frame = pd.DataFrame({"x": [1.0, 2.0, 3.0], "y": [0, 1, 0]})
    dataset = mlflow.data.from_pandas(frame, name="toy", source="file:///data/toy.csv")
    notes = tmp_path / "notes.txt"
    notes.write_text("hello provenance\n")
    folder = tmp_path / "outputs"
    (folder / "nested").mkdir(parents=True)
    (folder / "a.json").write_text('{"a": 1}')
    (folder / "nested" / "b.bin").write_bytes(bytes(range(256)) * 40)
    with mlflow.start_run() as run:
        mlflow.log_input(dataset, context="training")
        mlflow.log_artifact(str(notes))
        mlflow.log_artifacts(str(folder), artifact_path="outputs")
    run_id = run.info.run_id
    inputs = client.get_run(run_id).inputs.dataset_inputs
    assert len(inputs) == 1
    assert inputs[0].dataset.name == "toy" and inputs[0].dataset.digest == dataset.digest
    assert {t.key: t.value for t in inputs[0].tags} == {"mlflow.data.context": "training"}

    root = {f.path: f for f in client.list_artifacts(run_id)}
    assert set(root) == {"notes.txt", "outputs"}
    assert root["notes.txt"].file_size == len("hello provenance\n") and root["outputs"].is_dir
    assert [f.path for f in client.list_artifacts(run_id, "outputs")] == ["outputs/a.json", "outputs/nested"]
    assert [f.path for f in client.list_artifacts(run_id, "outputs/nested")] == ["outputs/nested/b.bin"]

    target = tmp_path / "download"
    target.mkdir()
    path = client.download_artifacts(run_id, "notes.txt", str(target))
    assert pathlib.Path(path).read_text() == "hello provenance\n"
    path = client.download_artifacts(run_id, "outputs", str(target))
    assert (pathlib.Path(path) / "nested" / "b.bin").read_bytes() == bytes(range(256)) * 40

    # The provenance: the dataset the run used, the artifacts it generated, with SHA-256 digests.
    detail = provkit_json(provkit_binary, server, "show", run_id)
    used = [r for r in detail["relations"] if r["kind"] == "used"]
    assert [(r["other"]["kind"], r["other"]["name"]) for r in used] == [("dataset", "toy")]
    generated = {
        r["other"]["name"]: r["other"] for r in detail["relations"] if r["kind"] == "wasGeneratedBy"
    }
    assert set(generated) == {"notes.txt", "outputs/a.json", "outputs/nested/b.bin"}
    expected = "sha256:" + hashlib.sha256(notes.read_bytes()).hexdigest()
    assert generated["notes.txt"]["digest"] == expected
    assert generated["notes.txt"]["kind"] == "artifact"
    lineage = provkit_json(provkit_binary, server, "lineage", generated["notes.txt"]["id"], "--direction", "up")
    reached = {node["node"]["id"]: node["node"] for node in lineage["nodes"]}
    assert run_id in reached
    assert any(node["kind"] == "person" for node in reached.values())


def test_log_model_and_load_model(provkit_binary, client, server):
    from sklearn.linear_model import LogisticRegression

    mlflow.set_experiment(unique("models"))
    features = np.array([[0.0, 1.0], [1.0, 0.0], [0.9, 0.1], [0.1, 0.9]])
    labels = np.array([0, 1, 1, 0])
    with mlflow.start_run() as run:
        model = LogisticRegression(C=0.5).fit(features, labels)
        mlflow.log_metric("train_accuracy", 1.0)
        info = mlflow.sklearn.log_model(model, name="model", params={"C": 0.5})
    assert info.model_id.startswith("m-")
    logged = client.get_logged_model(info.model_id)
    assert logged.status == "READY" or str(logged.status).endswith("READY")
    assert logged.source_run_id == run.info.run_id
    assert logged.params == {"C": "0.5"}
    assert [m.key for m in logged.metrics] == ["train_accuracy"]
    outputs = client.get_run(run.info.run_id).outputs.model_outputs
    assert [o.model_id for o in outputs] == [info.model_id]
    names = {f.path for f in client.list_artifacts(run.info.run_id, "model")}
    assert "model/MLmodel" in names
    loaded = mlflow.pyfunc.load_model(info.model_uri)
    assert list(loaded.predict(features)) == [0, 1, 1, 0]
    found = client.search_logged_models(
        experiment_ids=[run.info.experiment_id], filter_string="name = 'model' AND params.C = '0.5'"
    )
    assert [m.model_id for m in found] == [info.model_id]

    # The model is an entity the run generated; its files are its members.
    entity = info.model_id[2:]
    lineage = provkit_json(provkit_binary, server, "lineage", entity, "--direction", "both", "--depth", "1")
    edges = {(e["kind"], e["subject"], e["object"]) for e in lineage["edges"]}
    assert ("wasGeneratedBy", entity, run.info.run_id) in edges
    members = [e for e in edges if e[0] == "hadMember" and e[1] == entity]
    assert len(members) >= 3
    kinds = {n["node"]["id"]: n["node"]["kind"] for n in lineage["nodes"]}
    assert kinds[entity] == "model"


# MARK: Searches and histories


def test_search_runs_filters_order_and_pages(client, server):
    experiment_id = mlflow.set_experiment(unique("search")).experiment_id
    ids = []
    for i in range(25):
        with mlflow.start_run(run_name=f"run-{i:02d}") as run:
            mlflow.log_metric("acc", i / 25)
            mlflow.log_param("lr", "0.01" if i % 2 == 0 else "0.1")
            mlflow.set_tag("group", f"g{i % 5}")
            if i == 3:
                frame = pd.DataFrame({"v": [1, 2]})
                mlflow.log_input(mlflow.data.from_pandas(frame, name="eval-set"), context="evaluation")
        ids.append(run.info.run_id)

    runs = client.search_runs([experiment_id], "metrics.acc > 0.5 and params.lr = '0.01'", order_by=["metrics.acc DESC"])
    assert [r.info.run_name for r in runs] == [f"run-{i:02d}" for i in (24, 22, 20, 18, 16, 14)]
    runs = client.search_runs([experiment_id], "tags.group = 'g3'")
    assert sorted(r.info.run_name for r in runs) == ["run-03", "run-08", "run-13", "run-18", "run-23"]
    runs = client.search_runs([experiment_id], "attributes.run_name LIKE 'run-1%'", order_by=["attributes.run_name"])
    assert [r.info.run_name for r in runs] == [f"run-{i}" for i in range(10, 20)]
    runs = client.search_runs([experiment_id], "tags.`mlflow.runName` ILIKE 'RUN-0_'")
    assert len(runs) == 10
    runs = client.search_runs([experiment_id], f"attributes.run_id IN ('{ids[0]}', '{ids[1]}')")
    assert {r.info.run_id for r in runs} == {ids[0], ids[1]}
    runs = client.search_runs([experiment_id], "datasets.context = 'evaluation'")
    assert [r.info.run_name for r in runs] == ["run-03"]
    runs = client.search_runs([experiment_id], "params.missing IS NULL and status = 'FINISHED'")
    assert len(runs) == 25

    # Pages of 10: 10 + 10 + 5, newest first by default.
    first = client.search_runs([experiment_id], max_results=10)
    assert len(first) == 10 and first.token
    second = client.search_runs([experiment_id], max_results=10, page_token=first.token)
    third = client.search_runs([experiment_id], max_results=10, page_token=second.token)
    assert len(third) == 5 and not third.token
    assert [r.info.run_id for r in first + second + third] == list(reversed(ids))

    frame = mlflow.search_runs([experiment_id], filter_string="metrics.acc >= 0.8", order_by=["metrics.acc ASC"])
    assert list(frame["tags.mlflow.runName"]) == [f"run-{i}" for i in range(20, 25)]

    for bad in ["metrics.acc > 1 OR metrics.acc < 0", "metrics.acc = 'x'", "params.lr = 0.01", "tags.t IN ('a','b')"]:
        with pytest.raises(MlflowException) as error:
            client.search_runs([experiment_id], bad)
        assert error.value.error_code == "INVALID_PARAMETER_VALUE", bad


def test_metric_history_in_pages(client, server):
    mlflow.set_experiment(unique("history"))
    with mlflow.start_run() as run:
        timestamp = int(time.time() * 1000)
        for chunk in range(3):
            client.log_batch(
                run.info.run_id, metrics=[Metric("loss", 1.0 / (s + 1), timestamp, s) for s in range(chunk * 1000, chunk * 1000 + 1000)]
            )
    history = client.get_metric_history(run.info.run_id, "loss")
    assert len(history) == 3000 and history[-1].step == 2999
    page = requests.get(
        f"{server.url}/api/2.0/mlflow/metrics/get-history",
        params={"run_id": run.info.run_id, "metric_key": "loss", "max_results": 1000},
        timeout=60,
    ).json()
    assert len(page["metrics"]) == 1000 and page["next_page_token"]


# MARK: Asynchronous and system-metrics logging


def test_async_logging(client, server):
    mlflow.set_experiment(unique("async"))
    with mlflow.start_run() as run:
        for step in range(50):
            mlflow.log_metric("async_loss", 1.0 / (step + 1), step=step, synchronous=False)
        mlflow.log_param("mode", "async", synchronous=False)
        mlflow.flush_async_logging()
    history = client.get_metric_history(run.info.run_id, "async_loss")
    assert sorted(m.step for m in history) == list(range(50))
    assert client.get_run(run.info.run_id).data.params == {"mode": "async"}


def test_system_metrics_logging(provkit_binary, client, server, monkeypatch):
    monkeypatch.setenv("MLFLOW_SYSTEM_METRICS_SAMPLING_INTERVAL", "1")
    monkeypatch.setenv("MLFLOW_SYSTEM_METRICS_SAMPLES_BEFORE_LOGGING", "1")
    mlflow.set_experiment(unique("system"))
    with mlflow.start_run(log_system_metrics=True) as run:
        time.sleep(4)
    metrics = client.get_run(run.info.run_id).data.metrics
    assert "system/cpu_utilization_percentage" in metrics
    assert "system/system_memory_usage_megabytes" in metrics
    detail = provkit_json(provkit_binary, server, "show", run.info.run_id)
    terms = {m["key"]: m.get("term") for m in detail["metrics"]}
    assert terms["system/cpu_utilization_percentage"], "system metrics are classified by the taxonomy"


# MARK: Provenance of a whole client session


def test_provenance_of_a_client_session(provkit_binary, client, server):
    mlflow.set_experiment(unique("provenance"))
    with mlflow.start_run(run_name="trained") as run:
        mlflow.log_params({"learning_rate": 0.05, "epochs": 3})
        for epoch in range(3):
            mlflow.log_metric("val_loss", 1.0 / (epoch + 1), step=epoch)
        mlflow.set_tag("owner", "ada")
    detail = provkit_json(provkit_binary, server, "show", run.info.run_id)
    assert detail["run"]["name"] == "trained" and detail["run"]["status"] == "finished"
    params = {p["key"]: p for p in detail["parameters"]}
    assert params["learning_rate"]["value"] == "0.05"
    assert params["learning_rate"]["term"] == "model.hyperparameter.learning_rate"
    metrics = {m["key"]: m for m in detail["metrics"]}
    assert metrics["val_loss"]["count"] == 3 and metrics["val_loss"]["lastStep"] == 2
    assert {t["key"]: t["value"] for t in detail["tags"]}["owner"] == "ada"
    agents = {r["other"]["kind"]: r["other"]["name"] for r in detail["relations"] if r["kind"] == "wasAssociatedWith"}
    assert agents["person"] == client.get_run(run.info.run_id).info.user_id
    assert agents["software"] == "mlflow-python-client"
    runs = provkit_json(provkit_binary, server, "runs")
    assert run.info.run_id in [r["id"] for r in runs]


# MARK: Authentication


def test_auth_token_required_when_configured(start_server, monkeypatch):
    server = start_server("--auth-token", "s3cret")
    client = MlflowClient(server.url)
    with pytest.raises(MlflowException) as error:
        client.search_experiments()
    assert "401" in str(error.value) or error.value.error_code == "UNAUTHENTICATED"
    answer = requests.get(f"{server.url}/health", timeout=30)
    assert answer.status_code == 401 and answer.json()["error_code"] == "UNAUTHENTICATED"
    answer = requests.get(
        f"{server.url}/api/2.0/mlflow/experiments/get?experiment_id=0",
        headers={"Authorization": "Bearer wrong"},
        timeout=30,
    )
    assert answer.status_code == 401

    monkeypatch.setenv("MLFLOW_TRACKING_TOKEN", "s3cret")
    assert client.get_experiment("0").name == "Default"
    monkeypatch.delenv("MLFLOW_TRACKING_TOKEN")
    monkeypatch.setenv("MLFLOW_TRACKING_USERNAME", "ada")
    monkeypatch.setenv("MLFLOW_TRACKING_PASSWORD", "s3cret")
    mlflow.set_tracking_uri(server.url)
    mlflow.set_experiment("with-basic-auth")
    with mlflow.start_run():
        mlflow.log_metric("m", 1.0)
    monkeypatch.setenv("MLFLOW_TRACKING_PASSWORD", "wrong")
    with pytest.raises(MlflowException):
        client.get_experiment("0")


def test_no_auth_by_default(start_server):
    server = start_server()
    assert requests.get(f"{server.url}/health", timeout=30).status_code == 200
    assert server.url.startswith("http://127.0.0.1:")


# MARK: Malformed requests


def test_malformed_requests_get_mlflow_errors_and_never_crash_the_server(server):
    base = f"{server.url}/api/2.0/mlflow"
    run = MlflowClient(server.url).create_run("0")
    run_id = run.info.run_id

    def post(path, body=None, data=None, headers=None):
        return requests.post(f"{base}/{path}", json=body, data=data, headers=headers, timeout=30)

    cases = [
        (post("runs/log-metric", data="{not json", headers={"Content-Type": "application/json"}), 400,
         "INVALID_PARAMETER_VALUE"),
        (post("runs/log-metric", {"key": "m", "value": 1, "timestamp": 1}), 400, "INVALID_PARAMETER_VALUE"),
        (post("runs/log-metric", {"run_id": run_id, "key": "m", "value": "high", "timestamp": 1}), 400,
         "INVALID_PARAMETER_VALUE"),
        (post("runs/log-metric", {"run_id": run_id, "key": "m", "value": 1}), 400, "INVALID_PARAMETER_VALUE"),
        (post("runs/log-metric", {"run_id": "0" * 32, "key": "m", "value": 1, "timestamp": 1}), 404,
         "RESOURCE_DOES_NOT_EXIST"),
        (post("runs/log-batch", {"run_id": run_id, "metrics": "many"}), 400, "INVALID_PARAMETER_VALUE"),
        (post("runs/log-batch", {"run_id": run_id, "params": [{"key": "k", "value": "v"}] * 101}), 400,
         "INVALID_PARAMETER_VALUE"),
        (post("runs/log-parameter", {"run_id": run_id, "key": "../escape", "value": "1"}), 400,
         "INVALID_PARAMETER_VALUE"),
        (post("runs/create", {"experiment_id": "987654"}), 404, "RESOURCE_DOES_NOT_EXIST"),
        (post("runs/search", {"experiment_ids": ["0"], "filter": "metrics.acc >>> 1"}), 400,
         "INVALID_PARAMETER_VALUE"),
        (post("runs/search", {"experiment_ids": ["0"], "page_token": "%%%"}), 400, "INVALID_PARAMETER_VALUE"),
        (post("runs/search", {"experiment_ids": ["0"], "max_results": 1000000}), 400, "INVALID_PARAMETER_VALUE"),
        (post("experiments/create", {}), 400, "INVALID_PARAMETER_VALUE"),
        (post("experiments/create", {"name": 5}), 400, "INVALID_PARAMETER_VALUE"),
        (requests.get(f"{base}/runs/get", timeout=30), 400, "INVALID_PARAMETER_VALUE"),
        (requests.get(f"{base}/experiments/get-by-name?experiment_name=nope-{uuid.uuid4().hex}", timeout=30), 404,
         "RESOURCE_DOES_NOT_EXIST"),
        (requests.get(f"{base}/no/such/endpoint", timeout=30), 404, "ENDPOINT_NOT_FOUND"),
        (requests.get(f"{server.url}/api/2.0/mlflow/logged-models/m-nothing", timeout=30), 404,
         "RESOURCE_DOES_NOT_EXIST"),
    ]
    for response, status, code in cases:
        assert response.status_code == status, (response.request.url, response.request.body, response.text)
        assert response.json()["error_code"] == code, response.text

    # Artifact paths that would leave the artifact root.
    artifacts = f"{server.url}/api/2.0/mlflow-artifacts/artifacts"
    for path in [
        f"0/{run_id}/artifacts/../../../../etc/passwd",
        f"0/{run_id}/artifacts/%2e%2e/%2e%2e/secret",
        f"0/{run_id}/artifacts/%252e%252e/x",
        f"0/{run_id}/artifacts/a%2F..%2F..%2Fb",
        "%2Fetc%2Fpasswd",
        f"0/{run_id}/artifacts/dir/",
    ]:
        answer = requests.put(f"{artifacts}/{path}", data=b"x", timeout=30)
        assert answer.status_code in (400, 404), (path, answer.status_code, answer.text)
        assert answer.status_code == 400 or answer.json()["error_code"] == "ENDPOINT_NOT_FOUND", path
    answer = requests.get(artifacts, params={"path": f"0/{run_id}/../../.."}, timeout=30)
    assert answer.status_code == 400
    escaped = server.folder.parent / "escaped"
    assert not escaped.exists()

    # Too large a body.
    answer = requests.post(f"{base}/runs/log-batch", data=b"{" + b" " * (33 << 20) + b"}", timeout=120,
                           headers={"Content-Type": "application/json"})
    assert answer.status_code == 413

    # The server is still there and consistent.
    assert requests.get(f"{server.url}/health", timeout=30).status_code == 200
    assert MlflowClient(server.url).get_run(run_id).info.run_id == run_id


# MARK: The native API


def test_native_api(server, tmp_path):
    api = f"{server.url}/api/provkit/v1"
    experiment, run, model = uuid.uuid4().hex, uuid.uuid4().hex, uuid.uuid4().hex
    lines = [
        {"type": "experiment", "id": experiment, "name": unique("native"), "time": "2024-05-01T12:00:00Z"},
        {"type": "run_start", "id": run, "experiment": experiment, "name": "native-run", "time": "2024-05-01T12:00:01Z"},
        {"type": "parameter", "run": run, "key": "lr", "value": "0.1"},
        {"type": "metric", "run": run, "key": "val_acc", "value": 0.75, "step": 1},
        {"type": "entity", "id": model, "kind": "model", "name": "native-model"},
        {"type": "relation", "relation": "wasGeneratedBy", "subject": model, "object": run},
        {"type": "run_end", "id": run, "status": "finished", "time": "2024-05-01T12:10:00Z"},
    ]
    body = "\n".join(json.dumps(line) for line in lines) + "\n"
    answer = requests.post(f"{api}/events", data=body, headers={"Content-Type": "application/x-ndjson"}, timeout=30)
    assert answer.status_code == 200, answer.text
    assert answer.json()["runs"] == 1 and answer.json()["metricPoints"] == 1

    bad = body.replace('"value": 0.75', '"value": "high"')
    answer = requests.post(f"{api}/events", data=f'{{"type":"lifecycle","run":"{run}","stage":"deleted"}}\n' + bad,
                           timeout=30)
    assert answer.status_code == 400
    assert answer.json()["line"] == 5 and answer.json()["field"] == "value"
    answer = requests.post(
        f"{api}/events", data=json.dumps({"type": "parameter", "run": uuid.uuid4().hex, "key": "k", "value": "v"}),
        timeout=30)
    assert answer.status_code == 404 and answer.json()["line"] == 1

    runs = requests.get(f"{api}/runs", params={"param": "lr=0.1", "metric": "val_acc>0.5"}, timeout=30).json()
    assert [r["id"] for r in runs] == [run]
    detail = requests.get(f"{api}/runs/{run}", timeout=30).json()
    assert detail["parameters"][0]["term"] == "model.hyperparameter.learning_rate"
    lineage = requests.get(f"{api}/lineage/{model}", params={"direction": "up", "depth": 2}, timeout=30).json()
    assert {n["node"]["id"] for n in lineage["nodes"]} >= {model, run}
    assert requests.get(f"{api}/lineage/{model}", params={"direction": "sideways"}, timeout=30).status_code == 400
    taxonomy = requests.get(f"{api}/taxonomy", timeout=30).json()
    assert any(term["id"] == "model.hyperparameter.learning_rate" for term in taxonomy["terms"])
    assert requests.get(f"{api}/runs/{uuid.uuid4().hex}", timeout=30).status_code == 404


# MARK: Shutdown


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_graceful_shutdown_exits_zero_and_keeps_what_it_acknowledged(start_server, sig):
    server = start_server()
    client = MlflowClient(server.url)
    run = client.create_run("0")
    client.log_batch(run.info.run_id, metrics=[Metric("m", float(i), 1, i) for i in range(100)])
    assert server.stop(sig) == 0
    assert "stopped" in server.rest
    restarted = start_server("--store", str(server.store))
    history = MlflowClient(restarted.url).get_metric_history(run.info.run_id, "m")
    assert len(history) == 100


# MARK: Compatibility details (#20)


def test_artifact_paths_with_dot_segments_name_their_folder(client, server, tmp_path):
    mlflow.set_experiment(unique("dot-paths"))
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "x.txt").write_text("x\n")
    with mlflow.start_run() as run:
        mlflow.log_artifact(str(tmp_path / "out" / "x.txt"))
        mlflow.log_artifacts(str(tmp_path / "out"), artifact_path="sub")
    run_id = run.info.run_id
    assert sorted(f.path for f in client.list_artifacts(run_id, ".")) == ["./sub", "./x.txt"]
    target = tmp_path / "whole"
    target.mkdir()
    whole = pathlib.Path(mlflow.artifacts.download_artifacts(run_id=run_id, artifact_path=".", dst_path=str(target)))
    assert (whole / "x.txt").read_text() == "x\n" and (whole / "sub" / "x.txt").read_text() == "x\n"
    target = tmp_path / "one"
    target.mkdir()
    one = mlflow.artifacts.download_artifacts(run_id=run_id, artifact_path="./x.txt", dst_path=str(target))
    assert pathlib.Path(one).read_text() == "x\n"
    # `..` still never leaves the root, and `.` alone is not a file to upload.
    experiment = client.get_experiment(run.info.experiment_id).experiment_id
    listing = f"{server.url}/api/2.0/mlflow-artifacts/artifacts"
    answer = requests.get(listing, params={"path": f"{experiment}/{run_id}/artifacts/.."}, timeout=30)
    assert answer.status_code == 400 and answer.json()["error_code"] == "INVALID_PARAMETER_VALUE"
    answer = requests.put(f"{listing}/%2e", data=b"x", timeout=30)
    assert answer.status_code == 400 and answer.json()["error_code"] == "INVALID_PARAMETER_VALUE"


def test_delete_experiment_tag(client, server):
    experiment = client.create_experiment(unique("untag"), tags={"team": "a", "keep": "b"})
    client.delete_experiment_tag(experiment, "team")
    assert client.get_experiment(experiment).tags == {"keep": "b"}
    with pytest.raises(MlflowException) as error:
        client.delete_experiment_tag(experiment, "team")
    assert error.value.error_code == "RESOURCE_DOES_NOT_EXIST"
    client.delete_experiment(experiment)
    with pytest.raises(MlflowException) as error:
        client.delete_experiment_tag(experiment, "keep")
    assert error.value.error_code == "INVALID_PARAMETER_VALUE" and "'active' state" in error.value.message


def test_delete_tag_on_a_deleted_run_reports_its_state(client, server):
    run = client.create_run(client.create_experiment(unique("deleted-run-tag")))
    client.set_tag(run.info.run_id, "k", "v")
    client.delete_run(run.info.run_id)
    for key in ("missing", "k"):
        with pytest.raises(MlflowException) as error:
            client.delete_tag(run.info.run_id, key)
        assert error.value.error_code == "INVALID_PARAMETER_VALUE"
        assert f"The run {run.info.run_id} must be in the 'active' state. Current state is deleted." in str(
            error.value.message)


def test_version_and_ajax_api_aliases(server, start_server):
    answer = requests.get(f"{server.url}/version", timeout=30)
    assert answer.status_code == 200 and answer.text == mlflow.__version__
    name = unique("ajax")
    created = requests.post(f"{server.url}/ajax-api/2.0/mlflow/experiments/create", json={"name": name}, timeout=30)
    assert created.status_code == 200
    fetched = requests.get(
        f"{server.url}/api/2.0/mlflow/experiments/get-by-name", params={"experiment_name": name}, timeout=30)
    assert fetched.json()["experiment"]["experiment_id"] == created.json()["experiment_id"]
    # The aliases are guarded by the token like the routes they alias.
    guarded = start_server("--auth-token", "s3cret")
    alias = f"{guarded.url}/ajax-api/2.0/mlflow/experiments/get?experiment_id=0"
    assert requests.get(alias, timeout=30).status_code == 401
    answer = requests.get(alias, headers={"Authorization": "Bearer s3cret"}, timeout=30)
    assert answer.status_code == 200 and answer.json()["experiment"]["name"] == "Default"
    assert requests.get(f"{guarded.url}/version", timeout=30).status_code == 401


def test_logged_model_with_unknown_source_run_is_accepted(client, server):
    experiment_id = client.create_experiment(unique("models"))
    unknown = uuid.uuid4().hex
    model = client.create_logged_model(experiment_id, name="orphan", source_run_id=unknown)
    assert model.source_run_id == unknown
    assert client.get_logged_model(model.model_id).source_run_id == unknown
    # A stored source run is still linked and answered.
    run = client.create_run(experiment_id)
    linked = client.create_logged_model(experiment_id, name="linked", source_run_id=run.info.run_id)
    assert client.get_logged_model(linked.model_id).source_run_id == run.info.run_id


def test_relative_artifact_location_is_made_absolute(client, server):
    relative = client.create_experiment(unique("relative"), artifact_location="rel/store")
    assert client.get_experiment(relative).artifact_location == str(pathlib.Path(server.folder).resolve() / "rel/store")
    for uri in ("s3://bucket/path", "file:///tmp/provkit-abs", "mlflow-artifacts:/custom", "/tmp/provkit-abs"):
        kept = client.create_experiment(unique("kept"), artifact_location=uri)
        assert client.get_experiment(kept).artifact_location == uri


def test_artifact_proxy_ajax_api_alias(server, start_server, tmp_path):
    path = f"{uuid.uuid4().hex}/alias.txt"
    put = requests.put(f"{server.url}/ajax-api/2.0/mlflow-artifacts/artifacts/{path}", data=b"alias", timeout=30)
    assert put.status_code == 200
    got = requests.get(f"{server.url}/api/2.0/mlflow-artifacts/artifacts/{path}", timeout=30)
    assert got.status_code == 200 and got.content == b"alias"
    got = requests.get(f"{server.url}/ajax-api/2.0/mlflow-artifacts/artifacts/{path}", timeout=30)
    assert got.status_code == 200 and got.content == b"alias"
    listed = requests.get(
        f"{server.url}/ajax-api/2.0/mlflow-artifacts/artifacts", params={"path": path.split("/")[0]}, timeout=30)
    assert listed.status_code == 200 and [f["path"] for f in listed.json()["files"]] == ["alias.txt"]
    # The alias is guarded by the token like the route it aliases.
    guarded = start_server("--auth-token", "s3cret")
    alias = f"{guarded.url}/ajax-api/2.0/mlflow-artifacts/artifacts"
    assert requests.get(alias, timeout=30).status_code == 401
    assert requests.get(alias, headers={"Authorization": "Bearer s3cret"}, timeout=30).status_code == 200
