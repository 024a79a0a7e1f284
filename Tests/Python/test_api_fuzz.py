"""API fuzzing of `provkit serve`: requests generated with Hypothesis from docs/openapi.yaml (the native API) and
from the MLflow routes' request fields (wrong types, missing and unknown fields, extreme numbers, odd Unicode,
broken JSON), sent one after another to a live server on a fresh SQLite store.

Each answer must be below 500, a documented shape (4xx: the Error schema; native 2xx: its response schema), and a
refused request (4xx) must leave the store exactly as it was: a hash over every row of every table, read from the
SQLite file, is taken after every accepted request and compared after every refused one. The server must still be
running and healthy at the end.

The budget is fixed and the examples are derandomized, so CI sends the same requests every time (about a minute);
`PROVKIT_API_FUZZ_EXAMPLES` and `PROVKIT_FUZZ_SEED` send more or other requests locally (docs/reliability.md).
"""
import contextlib
import hashlib
import json
import os
import sqlite3
import urllib.parse
import uuid

import jsonschema
import pytest
import requests
import yaml
from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st

from conftest import ROOT, ProvKitServer

SPEC = yaml.safe_load((ROOT / "docs" / "openapi.yaml").read_text())
EXAMPLES = int(os.environ.get("PROVKIT_API_FUZZ_EXAMPLES", "1500"))
SEED = os.environ.get("PROVKIT_FUZZ_SEED")
MLFLOW = "/api/2.0/mlflow"
NATIVE = "/api/provkit/v1"


def schema(reference):
    """A validator for a schema of the document (references resolved inside it)."""
    return jsonschema.Draft202012Validator({**SPEC, **reference})


ERROR = schema({"$ref": "#/components/schemas/Error"})


# --- the store's content --------------------------------------------------------------------------------------------

def store_hash(database):
    """SHA-256 over every row of every table (sorted), read in one read transaction of the live store."""
    connection = sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=30)
    try:
        digest = hashlib.sha256()
        connection.execute("BEGIN")
        tables = [row[0] for row in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")]
        for table in tables:
            rows = sorted(repr(row) for row in connection.execute(f'SELECT * FROM "{table}"'))
            digest.update(f"{table}:{len(rows)}\n".encode())
            for row in rows:
                digest.update(row.encode("utf-8", "surrogatepass") + b"\n")
        connection.rollback()
        return digest.hexdigest()
    finally:
        connection.close()


# --- values ---------------------------------------------------------------------------------------------------------

EXTREME_INTEGERS = [0, -1, 1, 2**31 - 1, -(2**31), 2**53 + 1, 2**63 - 1, -(2**63), 2**63, -(2**63) - 1, 2**64,
                    10**30, -(10**30)]
EXTREME_FLOATS = [0.0, -0.0, 1e300, -1e300, 1e-320, 5e-324, 1.7976931348623157e308, float("nan"), float("inf"),
                  float("-inf"), 9.223372036854776e18, -9.223372036854776e18, 1e19]
ODD_STRINGS = ["", " ", "\u0000", "\ud800", "\U0010ffff", "e\u0301", "\u202e", "x" * 5000, "../../etc/passwd",
               "%00", "'", '"', "`", "\\", "a" * 300, "NaN", "-Infinity", "9223372036854775808", "1e400",
               "metrics.x > 1", "' OR 1=1 --", "\n", "\r\n", "😀" * 50]

texts = st.one_of(st.sampled_from(ODD_STRINGS), st.text(max_size=40))
integers = st.one_of(st.sampled_from(EXTREME_INTEGERS), st.integers(min_value=-(2**70), max_value=2**70))
numbers = st.one_of(st.sampled_from(EXTREME_FLOATS), st.floats(allow_nan=True, allow_infinity=True), integers)
scalars = st.one_of(st.none(), st.booleans(), integers, numbers, texts)
header_values = st.text(st.characters(min_codepoint=0x21, max_codepoint=0x7E), max_size=300)
any_json = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(texts, inner, max_size=4)), max_leaves=12)


class Typing:
    """Whether the strategies being built put values of any JSON type in typed fields (see `well_typed`)."""
    wrong_types = True


@contextlib.contextmanager
def well_typed():
    """Builds strategies whose fields have their types (still with extreme values and odd text), and whose
    identifiers exist: those requests get past decoding and lookups, so that writes happen and reads see them."""
    Typing.wrong_types = False
    try:
        yield
    finally:
        Typing.wrong_types = True


def maybe_wrong(strategy):
    """Mostly `strategy`, sometimes a value of any JSON type (only `strategy` inside `well_typed`)."""
    return st.one_of(strategy, strategy, strategy, any_json) if Typing.wrong_types else strategy


def int64(pool=integers):
    """An MLflow int64 field: a JSON number or a decimal string, as the MLflow client sends them."""
    return maybe_wrong(st.one_of(pool, pool.map(str)))


def double():
    return maybe_wrong(st.one_of(numbers, st.sampled_from(["NaN", "Infinity", "-Infinity", "1e400", "x"])))


def lists(strategy, max_size=5):
    return maybe_wrong(st.lists(strategy, max_size=max_size))


class Pools:
    """Identifiers that exist in the store, so that most requests reach the handlers past the lookups."""

    def __init__(self, experiments, runs, models, native_experiment, native_run, entity):
        self.experiments = experiments
        self.runs = runs
        self.models = models
        self.native_experiment = native_experiment
        self.native_run = native_run
        self.entity = entity

    def pick(self, existing):
        if not Typing.wrong_types:
            return st.sampled_from(existing)
        return maybe_wrong(st.one_of(st.sampled_from(existing), st.sampled_from(existing), st.just(uuid.uuid4().hex),
                                     texts))

    def experiment_id(self):
        return self.pick(self.experiments)

    def run_id(self):
        return self.pick(self.runs)

    def model_id(self):
        return self.pick(self.models)


# --- MLflow requests ------------------------------------------------------------------------------------------------

def mlflow_routes(pools):
    """(method, path, fields) for every MLflow route: `fields` maps each request field to a strategy."""
    key_value = st.fixed_dictionaries({}, optional={"key": maybe_wrong(texts), "value": maybe_wrong(texts)})
    metric = st.fixed_dictionaries({}, optional={
        "key": maybe_wrong(texts), "value": double(), "timestamp": int64(), "step": int64(),
        "model_id": pools.model_id(), "dataset_name": maybe_wrong(texts), "dataset_digest": maybe_wrong(texts)})
    dataset = st.fixed_dictionaries({}, optional={
        "name": maybe_wrong(texts), "digest": maybe_wrong(texts), "source_type": maybe_wrong(texts),
        "source": maybe_wrong(texts), "schema": maybe_wrong(texts), "profile": maybe_wrong(texts)})
    dataset_input = st.fixed_dictionaries({}, optional={"tags": lists(key_value), "dataset": maybe_wrong(dataset)})
    view_type = maybe_wrong(st.sampled_from(["ACTIVE_ONLY", "DELETED_ONLY", "ALL", "all", 1, 3]))
    search = {"max_results": int64(), "page_token": maybe_wrong(texts), "filter": maybe_wrong(texts),
              "order_by": lists(maybe_wrong(texts))}
    status = maybe_wrong(st.sampled_from(["RUNNING", "SCHEDULED", "FINISHED", "FAILED", "KILLED", "finished", ""]))
    run = {"run_id": pools.run_id()}
    experiment = {"experiment_id": pools.experiment_id()}
    model_order = st.fixed_dictionaries({}, optional={
        "field_name": maybe_wrong(texts), "ascending": maybe_wrong(st.booleans()),
        "dataset_name": maybe_wrong(texts), "dataset_digest": maybe_wrong(texts)})
    return [
        ("GET", "experiments/get-by-name", {"experiment_name": maybe_wrong(texts)}),
        ("GET", "experiments/get", experiment),
        ("POST", "experiments/create", {"name": maybe_wrong(texts), "artifact_location": maybe_wrong(texts),
                                        "tags": lists(key_value)}),
        ("POST", "experiments/search", {**search, "view_type": view_type}),
        ("GET", "experiments/search", {**search, "view_type": view_type}),
        ("POST", "experiments/update", {**experiment, "new_name": maybe_wrong(texts)}),
        ("POST", "experiments/delete", experiment),
        ("POST", "experiments/restore", experiment),
        ("POST", "experiments/set-experiment-tag", {**experiment, "key": maybe_wrong(texts),
                                                    "value": maybe_wrong(texts)}),
        ("POST", "runs/create", {**experiment, "user_id": maybe_wrong(texts), "run_name": maybe_wrong(texts),
                                 "start_time": int64(), "tags": lists(key_value)}),
        ("POST", "runs/update", {**run, "status": status, "end_time": int64(), "run_name": maybe_wrong(texts)}),
        ("GET", "runs/get", run),
        ("POST", "runs/delete", run),
        ("POST", "runs/restore", run),
        ("POST", "runs/set-tag", {**run, "key": maybe_wrong(texts), "value": maybe_wrong(texts)}),
        ("POST", "runs/delete-tag", {**run, "key": maybe_wrong(texts)}),
        ("POST", "runs/log-metric", {**run, "key": maybe_wrong(texts), "value": double(), "timestamp": int64(),
                                     "step": int64(), "model_id": pools.model_id()}),
        ("POST", "runs/log-parameter", {**run, "key": maybe_wrong(texts), "value": maybe_wrong(texts)}),
        ("POST", "runs/log-batch", {**run, "metrics": lists(metric), "params": lists(key_value),
                                    "tags": lists(key_value)}),
        ("POST", "runs/log-inputs", {**run, "datasets": lists(dataset_input, 3),
                                     "models": lists(st.fixed_dictionaries({"model_id": pools.model_id()}))}),
        ("POST", "runs/outputs", {**run, "models": lists(st.fixed_dictionaries(
            {"model_id": pools.model_id()}, optional={"step": int64()}))}),
        ("POST", "runs/search", {**search, "experiment_ids": lists(pools.experiment_id()),
                                 "run_view_type": view_type}),
        ("GET", "metrics/get-history", {**run, "metric_key": maybe_wrong(texts), "max_results": int64(),
                                        "page_token": maybe_wrong(texts)}),
        ("POST", "logged-models", {**experiment, "name": maybe_wrong(texts), "source_run_id": pools.run_id(),
                                   "model_type": maybe_wrong(texts), "params": lists(key_value),
                                   "tags": lists(key_value)}),
        ("POST", "logged-models/search", {"experiment_ids": lists(pools.experiment_id()),
                                          "filter": maybe_wrong(texts), "page_token": maybe_wrong(texts),
                                          "max_results": int64(), "order_by": lists(model_order)}),
        ("GET", "logged-models/{model_id}", {}),
        ("PATCH", "logged-models/{model_id}", {"status": maybe_wrong(st.sampled_from(
            ["LOGGED_MODEL_READY", "LOGGED_MODEL_UPLOAD_FAILED", "LOGGED_MODEL_PENDING", "READY", ""]))}),
        ("PATCH", "logged-models/{model_id}/tags", {"tags": lists(key_value)}),
    ]


def raw(text):
    """Text as UTF-8 bytes, lone surrogates included (sent as the invalid bytes they stand for)."""
    return text.encode("utf-8", "surrogatepass")


def query_value(value):
    """A JSON value as a query parameter's bytes (GET routes take their fields in the query string)."""
    return raw(value if isinstance(value, str) else json.dumps(value))


def path_segment(value):
    return urllib.parse.quote(raw(str(value)), safe="")


def json_body(value):
    """JSON as MLflow clients send it: NaN and infinities as bare words; lone surrogates as escapes."""
    return {"data": json.dumps(value, allow_nan=True).encode(), "headers": {"Content-Type": "application/json"}}


def mlflow_request(pools, wrong_types):
    """Requests for the MLflow routes; `wrong_types` also sends fields of other types, unknown fields and bodies
    that are not JSON objects."""
    if wrong_types:
        routes, model_ids = mlflow_routes(pools), pools.model_id()
    else:
        with well_typed():
            routes, model_ids = mlflow_routes(pools), pools.model_id()

    @st.composite
    def request(draw):
        return draw_mlflow_request(draw, routes, model_ids, wrong_types)

    return request()


def draw_mlflow_request(draw, routes, model_ids, wrong_types):
    method, path, fields = draw(st.sampled_from(routes))
    if "{model_id}" in path:
        path = path.replace("{model_id}", path_segment(draw(model_ids)))
    # Well-typed requests send every field; the others a random subset (a missing required field is a 400 too).
    names = draw(st.lists(st.sampled_from(sorted(fields)), unique=True)) if fields and wrong_types else sorted(fields)
    payload = {name: draw(fields[name]) for name in names}
    if wrong_types and draw(st.integers(0, 9)) == 0:
        payload[draw(st.sampled_from(["unknown_field", "run_uuid", ""]))] = draw(any_json)
    url = f"{MLFLOW}/{path}"
    if method == "GET":
        return {"method": method, "url": url, "params": {k: query_value(v) for k, v in payload.items()}}
    shape = draw(st.integers(0, 19)) if wrong_types else 2
    if shape == 0:  # not JSON at all, or JSON of another type
        return {"method": method, "url": url, "data": draw(st.sampled_from(
            [b"{", b"", b"null", b"[]", b'"x"', b"{\"run_id\": }", b"\xff\xfe", b"{}" * 3]))}
    if shape == 1:
        return {"method": method, "url": url, **json_body(draw(any_json))}
    return {"method": method, "url": url, **json_body(payload)}


# --- artifact proxy requests -----------------------------------------------------------------------------------------

ARTIFACTS = "/api/2.0/mlflow-artifacts/artifacts"
artifact_paths = st.one_of(
    st.sampled_from(["model/model.pkl", "a" * 300, "d/" + "b" * 256 + ".txt", "../x", "..%2Fx", "/etc/passwd",
                     "a/./b", "a//b", "%00", "dir/", ""]),
    st.lists(texts, min_size=1, max_size=3).map("/".join))


@st.composite
def artifact_request(draw):
    """Upload (PUT), list (GET ?path=) and download (GET) below the artifact root, with odd and long paths."""
    path = draw(artifact_paths)
    kind = draw(st.sampled_from(["upload", "list", "download"]))
    if kind == "list":
        return {"method": "GET", "url": ARTIFACTS, "params": {"path": raw(path)}}
    url = f"{ARTIFACTS}/{urllib.parse.quote(raw(path), safe='/')}"
    if kind == "download":
        return {"method": "GET", "url": url}
    return {"method": "PUT", "url": url, "data": draw(st.binary(max_size=64))}


# --- native requests (from the OpenAPI document) --------------------------------------------------------------------

def parameter_strategy(parameter):
    """Values for one OpenAPI query parameter: per its schema, or wrong."""
    definition = parameter.get("schema", {})
    if "$ref" in definition:
        definition = SPEC["components"]["schemas"][definition["$ref"].rsplit("/", 1)[1]]
    if "enum" in definition:
        good = st.sampled_from(definition["enum"])
    elif definition.get("type") == "integer":
        good = integers.map(str)
    elif definition.get("type") == "number":
        good = numbers.map(str)
    elif definition.get("type") == "array":
        good = st.lists(texts, max_size=3)
    else:
        good = texts
    return st.one_of(good, good, texts)


def native_event(pools):
    """One event line: a valid-looking event of a random type with some fields wrong or extreme."""
    run, experiment, entity = pools.native_run, pools.native_experiment, pools.entity
    ids = st.one_of(st.sampled_from([run, experiment, entity]), st.just(uuid.uuid4().hex), texts)
    time_ = st.one_of(st.sampled_from(["2024-05-01T12:00:00Z", "9999-12-31T23:59:59.999999Z",
                                       "0001-01-01T00:00:00Z", "1970-01-01T00:00:00Z", "2024-02-30T00:00:00Z"]),
                      texts, integers)
    templates = {
        "experiment": {"id": ids, "name": texts, "description": texts, "time": time_},
        "run_start": {"id": ids, "experiment": ids, "parent": ids, "kind": st.sampled_from(["workflow", "task", "step"]),
                      "name": texts, "time": time_, "status": texts},
        "run_end": {"id": ids, "status": st.sampled_from(["finished", "failed", "x"]), "time": time_},
        "run_update": {"id": ids, "name": texts, "status": texts, "time": time_, "parent": ids},
        "entity": {"id": ids, "kind": st.sampled_from(["dataset", "model", "artifact", "value", "x"]), "name": texts,
                   "location": texts, "digest": texts, "size": integers, "time": time_, "attributes": any_json},
        "agent": {"id": ids, "kind": st.sampled_from(["person", "software", "host", "x"]), "name": texts,
                  "attributes": any_json},
        "relation": {"relation": st.sampled_from(["used", "wasGeneratedBy", "hadMember", "wasInformedBy", "x"]),
                     "subject": ids, "object": ids, "time": time_, "attributes": any_json},
        "parameter": {"run": ids, "key": texts, "value": texts},
        "tag": {"target": ids, "run": ids, "key": texts, "value": texts},
        "metric": {"run": ids, "key": texts, "value": numbers, "step": integers, "time": time_, "epoch": numbers,
                   "model": ids},
        "telemetry": {"run": ids, "time": time_, "values": st.dictionaries(texts, numbers, max_size=3)},
        "architecture": {"run": ids, "model": ids, "layers": st.lists(st.fixed_dictionaries(
            {"type": texts}, optional={"hyperparameters": any_json}), max_size=3)},
        "lifecycle": {"id": ids, "action": st.sampled_from(["delete", "restore", "x"]), "time": time_},
    }

    @st.composite
    def event(draw):
        kind = draw(st.sampled_from(sorted(templates)))
        fields = templates[kind]
        names = draw(st.lists(st.sampled_from(sorted(fields)), unique=True))
        line = {"type": kind, **{name: draw(maybe_wrong(fields[name])) for name in names}}
        return json.dumps(line, allow_nan=True)

    return st.one_of(event(), event(), event(), st.sampled_from(["{", "[]", "null", "{\"type\": 1}", ""]), texts)


@st.composite
def native_request(draw, pools):
    path = draw(st.sampled_from(sorted(SPEC["paths"])))
    operation_method, operation = next(iter(SPEC["paths"][path].items()))
    url = path
    if "{id}" in url:
        value = draw(st.one_of(st.sampled_from([pools.native_run, pools.entity, pools.native_experiment,
                                                pools.native_run[:8]]), texts))
        url = url.replace("{id}", path_segment(value) or pools.native_run)
    parameters = []
    for parameter in operation.get("parameters", []):
        if "$ref" in parameter:
            parameter = SPEC["components"]["parameters"][parameter["$ref"].rsplit("/", 1)[1]]
        if parameter["in"] == "query":
            parameters.append(parameter)
    params = {}
    for parameter in parameters:
        if parameter["name"] == "experiment" and draw(st.booleans()):
            params["experiment"] = "fuzz-native"
        elif draw(st.booleans()):
            value = draw(parameter_strategy(parameter))
            params[parameter["name"]] = [raw(v) for v in value] if isinstance(value, list) else raw(value)
    request = {"method": operation_method.upper(), "url": url, "params": params, "operation": path}
    if operation_method == "post":
        lines = draw(st.lists(native_event(pools), min_size=0, max_size=4))
        request["data"] = "\n".join(lines).encode("utf-8", "surrogatepass")
        if draw(st.integers(0, 9)) == 0:
            request["headers"] = {"Idempotency-Key": draw(header_values)}
    return request


# --- the server and the test ----------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def fuzz_server(provkit_binary, tmp_path_factory):
    server = ProvKitServer(provkit_binary, tmp_path_factory.mktemp("api-fuzz"))
    yield server
    if server.process.poll() is None:
        server.stop()


def seed_store(url):
    """Valid data to aim at: MLflow experiments, runs and a logged model, and native nodes with a lineage."""
    api = f"{url}{MLFLOW}"
    session = requests.Session()

    def call(path, payload):
        answer = session.post(f"{api}/{path}", json=payload, timeout=30)
        assert answer.status_code == 200, (path, answer.status_code, answer.text)
        return answer.json()

    experiments = [call("experiments/create", {"name": f"fuzz-{i}"})["experiment_id"] for i in range(2)]
    runs = []
    for experiment in experiments:
        for index in range(2):
            run = call("runs/create", {"experiment_id": experiment, "run_name": f"r{index}",
                                       "start_time": 1714564800000})["run"]["info"]["run_id"]
            call("runs/log-batch", {"run_id": run, "metrics": [
                {"key": "acc", "value": 0.5 + step / 100, "timestamp": 1714564800000 + step, "step": step}
                for step in range(5)], "params": [{"key": "lr", "value": "0.1"}]})
            runs.append(run)
    model = call("logged-models", {"experiment_id": experiments[0], "name": "m", "source_run_id": runs[0]})
    models = [model["model"]["info"]["model_id"]]
    native_experiment, native_run, entity = uuid.uuid4().hex, uuid.uuid4().hex, uuid.uuid4().hex
    events = [
        {"type": "experiment", "id": native_experiment, "name": "fuzz-native"},
        {"type": "run_start", "id": native_run, "experiment": native_experiment, "name": "native",
         "time": "2024-05-01T12:00:00Z"},
        {"type": "metric", "run": native_run, "key": "val_accuracy", "value": 0.5, "step": 1},
        {"type": "entity", "id": entity, "kind": "dataset", "name": "d", "digest": "sha256:" + "ab" * 32},
        {"type": "relation", "relation": "used", "subject": native_run, "object": entity},
    ]
    answer = session.post(f"{url}{NATIVE}/events", data="\n".join(map(json.dumps, events)), timeout=30)
    assert answer.status_code == 200, answer.text
    return Pools(experiments, runs, models, native_experiment, native_run, entity)


def response_schema(operation, status):
    """The documented JSON schema of an answer, if any."""
    response = operation.get("responses", {}).get(str(status))
    if response and "$ref" in response:
        response = SPEC["components"]["responses"][response["$ref"].rsplit("/", 1)[1]]
    content = (response or {}).get("content", {}).get("application/json")
    return content["schema"] if content else None


class Checker:
    """Sends requests and checks each answer against the rules in the module's docstring."""

    def __init__(self, server):
        self.server = server
        self.database = server.store / "provkit.sqlite"
        self.session = requests.Session()
        self.hash = store_hash(self.database)
        self.statuses = {}

    def send(self, request):
        request = dict(request)
        operation = request.pop("operation", None)
        url = self.server.url + request.pop("url")
        try:
            answer = self.session.request(url=url, timeout=60, **request)
        except requests.RequestException as error:
            pytest.fail(f"no answer ({error}) to {request['method']} {url} {describe(request)}; "
                        f"server running: {self.server.process.poll() is None}")
        status = answer.status_code
        self.statuses[status // 100] = self.statuses.get(status // 100, 0) + 1
        context = f"{request['method']} {url} {describe(request)} → {status} {answer.text[:500]}"
        assert status < 500, context
        assert self.server.process.poll() is None, "the server exited after " + context
        after = store_hash(self.database)
        if 400 <= status < 500:
            assert after == self.hash, "a refused request changed the store: " + context
            self.validate(ERROR, answer, context)
        else:
            self.hash = after
        documented = response_schema(next(iter(SPEC["paths"][operation].values())), status) if operation else None
        if documented and answer.headers.get("content-type", "").startswith("application/json"):
            self.validate(schema(documented), answer, context)

    @staticmethod
    def validate(validator, answer, context):
        try:
            validator.validate(answer.json())
        except ValueError as error:
            pytest.fail(f"the answer is not JSON ({error}): {context}")
        except jsonschema.ValidationError as error:
            pytest.fail(f"the answer does not match docs/openapi.yaml ({error.message} at "
                        f"{list(error.absolute_path)}): {context}")


def describe(request):
    shown = {k: v for k, v in request.items() if k in ("params", "data", "headers")}
    text = json.dumps(shown, default=lambda v: v.decode("utf-8", "replace") if isinstance(v, bytes) else str(v),
                      allow_nan=True)
    return text if len(text) < 2000 else text[:2000] + "…"


def fuzz_settings(function):
    configured = settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=SEED is None,
                          phases=[Phase.explicit, Phase.generate], print_blob=False,
                          suppress_health_check=list(HealthCheck))(function)
    return seed(int(SEED))(configured) if SEED else configured


def test_fuzzed_requests_never_get_5xx_and_refusals_change_nothing(fuzz_server):
    pools = seed_store(fuzz_server.url)
    checker = Checker(fuzz_server)

    @fuzz_settings
    @given(st.one_of(mlflow_request(pools, wrong_types=True), mlflow_request(pools, wrong_types=False),
                     native_request(pools), artifact_request()))
    def fuzz(request):
        checker.send(request)

    fuzz()
    print(f"answers by status class: {dict(sorted(checker.statuses.items()))}")
    # The budget reached both outcomes: requests accepted and requests refused.
    assert checker.statuses.get(2, 0) > 20 and checker.statuses.get(4, 0) > 20, checker.statuses
    assert fuzz_server.process.poll() is None
    health = requests.get(f"{fuzz_server.url}/health", timeout=30)
    assert health.status_code == 200 and health.json() == {"status": "ok"}
    # Valid requests still work after the fuzzing.
    api = f"{fuzz_server.url}{MLFLOW}"
    experiment = requests.post(f"{api}/experiments/create", json={"name": f"after-{uuid.uuid4().hex}"},
                               timeout=30).json()["experiment_id"]
    run = requests.post(f"{api}/runs/create", json={"experiment_id": experiment}, timeout=30).json()
    run_id = run["run"]["info"]["run_id"]
    assert requests.post(f"{api}/runs/log-metric", json={"run_id": run_id, "key": "k", "value": 1.0,
                                                         "timestamp": 1, "step": 0}, timeout=30).status_code == 200
    assert requests.get(f"{api}/runs/get", params={"run_id": run_id}, timeout=30).status_code == 200


def test_the_store_hash_sees_a_change(fuzz_server):
    """The hash compared above is not blind: one accepted write changes it."""
    database = fuzz_server.store / "provkit.sqlite"
    before = store_hash(database)
    answer = requests.post(f"{fuzz_server.url}{MLFLOW}/experiments/create",
                           json={"name": f"hash-{uuid.uuid4().hex}"}, timeout=30)
    assert answer.status_code == 200
    assert store_hash(database) != before
