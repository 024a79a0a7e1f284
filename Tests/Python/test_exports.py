"""Standard exports, checked by the reference libraries.

PROV-JSON, PROV-N and PROV-O (Turtle, JSON-LD) are read by the W3C `prov` library, compared with `prov-compare`,
and checked by the team's strict PROV checker; RDF is parsed by `rdflib`; RO-Crates are loaded by `rocrate` and
validated offline by `rocrate-validator` for the Provenance Run Crate 0.5 profile; PROV-JSON import round-trips.
The data is the demo campaign and, when the team's shared data is present, imported record trails and A4NN
histories (under CI the shared data must be present).
"""
import copy
import importlib.resources
import io
import json
import os
import pathlib
import shutil
import subprocess
import sys
import zipfile

import prov
import prov.model
import pytest
import rdflib
from rdflib.compare import isomorphic
from rdflib.namespace import OWL, RDF, SKOS

from conftest import ROOT, require_shared

# The prov library still calls rdflib APIs that rdflib 7 deprecates (Dataset.default_context, ConjunctiveGraph).
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

BIN = pathlib.Path(sys.executable).parent
PROV_NS = rdflib.Namespace("http://www.w3.org/ns/prov#")
PK = rdflib.Namespace("https://w3id.org/provkit/ns#")
MLS = rdflib.Namespace("http://www.w3.org/ns/mls#")


# --- a store with data, shared by the tests of this module ----------------------------------------------------------


class Store:
    """Runs provkit against one store folder."""

    def __init__(self, binary: str, folder: pathlib.Path):
        self.binary = binary
        self.folder = folder
        self.path = folder / "store"

    def __call__(self, *args, check=True, store: pathlib.Path | None = None, input: str | None = None,
                 uses_store: bool = True):
        command = [self.binary, *args] + (["--store", str(store or self.path)] if uses_store else [])
        env = {k: v for k, v in os.environ.items() if k != "PROVKIT_STORE"}
        result = subprocess.run(command, cwd=self.folder, capture_output=True, text=True, env=env, timeout=300,
                                input=input)
        if check and result.returncode != 0:
            raise AssertionError(
                f"provkit {' '.join(args)} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
        return result

    def export(self, node: str, *options: str, store: pathlib.Path | None = None) -> str:
        return self("export", node, *options, store=store).stdout

    def stats(self, store: pathlib.Path | None = None) -> dict:
        return json.loads(self("stats", "--json", store=store).stdout)


@pytest.fixture(scope="module")
def store(provkit_binary, tmp_path_factory) -> Store:
    folder = tmp_path_factory.mktemp("exports")
    result = Store(provkit_binary, folder)
    result("demo")
    return result


@pytest.fixture(scope="module")
def shared_store(store) -> Store:
    """The demo store with the shared record trails and A4NN histories imported."""
    store("import", "trails", str(require_shared("record-trails")))
    store("import", "a4nn", str(require_shared("a4nn")))
    return store


def node_id(store: Store, reference: str) -> str:
    """The full id of the node a reference names (as `provkit lineage --json` reports its root)."""
    return json.loads(store("lineage", reference, "--depth", "0", "--json").stdout)["root"]


DEMO_SCOPES = [
    pytest.param(("classifier-sweep",), id="demo-workflow-run"),
    pytest.param(("example-classifier-sweep",), id="demo-experiment"),
    pytest.param(("best-model", "--direction", "up"), id="demo-lineage"),
    pytest.param(("select-best", "--scope", "experiment"), id="demo-experiment-of-a-run"),
]
SHARED_SCOPES = [
    pytest.param(("record-trails",), id="trails-experiment"),
    pytest.param(("a4nn",), id="a4nn-experiment"),
]


def write(folder: pathlib.Path, name: str, text: str) -> pathlib.Path:
    path = folder / name
    path.write_text(text)
    return path


def run_tool(*command, check=False):
    return subprocess.run([str(c) for c in command], capture_output=True, text=True, timeout=600)


# --- PROV-JSON, PROV-N, PROV-O ------------------------------------------------------------------------------------


def check_prov_formats(store: Store, scope: tuple, folder: pathlib.Path):
    """Every PROV format of one scope: readable, strict-valid, and equivalent to the PROV-JSON."""
    provjson = write(folder, "export.provjson", store.export(*scope))
    document = prov.read(str(provjson))
    assert len(document.get_records()) > 10
    # The prov library converts it to PROV-N and to PROV-O.
    assert document.serialize(format="provn").startswith("document")
    reference = rdflib.Graph().parse(data=document.serialize(format="rdf", rdf_format="turtle"), format="turtle")
    # The strict checker: absolute namespaces, mandatory arguments, declared endpoints, complete profile.
    checker = require_shared("../tools/prov_strict_check.py")
    strict = run_tool(sys.executable, checker, provjson, "--require-complete")
    assert strict.returncode == 0, strict.stdout
    # prov-compare finds our PROV-N and our Turtle equivalent to our PROV-JSON.
    provn = write(folder, "export.provn", store.export(*scope, "--format", "prov-n"))
    turtle = write(folder, "export.ttl", store.export(*scope, "--format", "turtle"))
    for other, fmt in [(provn, "provn"), (turtle, "rdf")]:
        compared = run_tool(BIN / "prov-compare", "-f", "json", "-F", fmt, provjson, other)
        assert compared.returncode == 0, f"prov-compare json vs {fmt}: {compared.stdout}{compared.stderr}"
    # JSON-LD (PROV-O): the prov library reads it into the same document (what prov-compare does in-process).
    jsonld = write(folder, "export.jsonld", store.export(*scope, "--format", "jsonld"))
    assert prov.read(str(jsonld), format="rdf", rdf_format="json-ld") == document
    # Our Turtle and our JSON-LD are the same graph. (It is not always the graph the prov library writes for our
    # PROV-JSON: when an activity has a plain and a qualified association, the library writes a plain triple and
    # a qualified node, and its own reader then merges the two into one association; ProvKit qualifies both.)
    ours = rdflib.Graph().parse(str(turtle), format="turtle")
    assert isomorphic(ours, rdflib.Graph().parse(str(jsonld), format="json-ld"))
    assert len(ours) >= len(reference)
    return document, ours


@pytest.mark.parametrize("scope", DEMO_SCOPES)
def test_prov_formats_demo(store, scope, tmp_path):
    check_prov_formats(store, scope, tmp_path)


@pytest.mark.parametrize("scope", SHARED_SCOPES)
def test_prov_formats_imported_shared_data(shared_store, scope, tmp_path):
    check_prov_formats(shared_store, scope, tmp_path)


def test_checkers_can_fail(store, tmp_path):
    """The checks above are not vacuous: the strict checker and prov-compare reject what is wrong."""
    checker = require_shared("../tools/prov_strict_check.py")
    fixtures = checker.parent / "prov-fixtures"
    assert run_tool(sys.executable, checker, fixtures / "incomplete.provjson").returncode == 0
    assert run_tool(sys.executable, checker, fixtures / "incomplete.provjson", "--require-complete").returncode == 1
    assert run_tool(sys.executable, checker, fixtures / "bad.provjson").returncode == 1
    provjson = write(tmp_path, "a.provjson", store.export("classifier-sweep"))
    turtle = store.export("classifier-sweep", "--format", "turtle")
    changed = write(tmp_path, "b.ttl", turtle.replace('pk:status "finished"', 'pk:status "failed"', 1))
    assert changed.read_text() != turtle
    assert run_tool(BIN / "prov-compare", "-f", "json", "-F", "rdf", provjson, changed).returncode == 1


def test_prov_o_content(store, tmp_path):
    """rdflib finds the PROV-O and ML-Schema statements the mapping promises."""
    wrapper = json.loads(store("runs", "--experiment", "example-classifier-sweep", "--kind", "workflow", "--json")
                         .stdout)[0]["id"]  # the outer run of the (first) demo
    graph = rdflib.Graph().parse(data=store.export(wrapper, "--format", "turtle"), format="turtle")
    run = rdflib.URIRef("https://w3id.org/provkit/id/" + wrapper)
    assert (run, RDF.type, PROV_NS.Activity) in graph
    assert (run, RDF.type, MLS.Run) in graph
    assert (run, RDF.type, PK.Workflow) in graph
    assert graph.value(run, PROV_NS.startedAtTime) is not None
    settings = list(graph.subjects(RDF.type, MLS.HyperParameterSetting))
    assert len(settings) == 43
    for setting in settings:
        assert graph.value(setting, MLS.hasValue) is not None
        assert graph.value(setting, MLS.specifiedBy) is not None
    series = list(graph.subjects(RDF.type, PK.MetricSeries))
    assert len(series) == 24  # 6 trained tasks × 4 metrics: one entity per (run, key), not per point
    assert all((s, RDF.type, MLS.ModelEvaluation) in graph for s in series)
    # start and end samples of the 8 runs the SDK recorded, and at least start and end of the wrapper's run
    assert len(list(graph.subjects(RDF.type, PK.TelemetryData))) >= 8 * 2 + 2
    assert len(list(graph.subjects(RDF.type, PROV_NS.Person))) == 1


def test_taxonomy_ontology(store, tmp_path):
    ontology = rdflib.Graph().parse(data=store("taxonomy", "--format", "turtle", uses_store=False).stdout,
                                    format="turtle")
    assert (rdflib.URIRef("https://w3id.org/provkit/ns"), RDF.type, OWL.Ontology) in ontology
    assert (PK.taxonomy, RDF.type, SKOS.ConceptScheme) in ontology
    term = PK["model.hyperparameter.learning_rate"]
    assert (term, RDF.type, SKOS.Concept) in ontology
    assert ontology.value(term, SKOS.prefLabel) is not None
    assert ontology.value(term, SKOS.definition) is not None
    assert (term, SKOS.closeMatch, MLS.HyperParameter) in ontology
    assert len(list(ontology.subjects(SKOS.topConceptOf, PK.taxonomy))) == 5
    # Every term an export names is a concept of the ontology.
    export = rdflib.Graph().parse(data=store.export("example-classifier-sweep", "--format", "turtle"), format="turtle")
    terms = set(export.objects(None, PK["term"]))  # PK.term is a method of Namespace
    assert terms
    for named in terms:
        assert (named, RDF.type, SKOS.Concept) in ontology, named


# --- RO-Crate -----------------------------------------------------------------------------------------------------

RO_CRATE_11_CONTEXT = "https://w3id.org/ro/crate/1.1/context"


def ro_crate_11_context() -> dict:
    """The RO-Crate 1.1 JSON-LD context, built from the context the `rocrate` package ships (RO-Crate 1.3).

    No PyPI package ships the 1.1 context itself, and the tests run offline. The 1.3 context maps the same
    schema.org terms (a newer schema.org release); the terms whose mapping changed after 1.1 are set to their 1.1
    IRIs (as in the ro-crate repository's docs/_specification/1.1/context.jsonld), and the terms added after 1.1
    are removed. `test_crate_terms_are_in_the_context` checks that every term our crates use is mapped.
    """
    shipped = json.loads(importlib.resources.files("rocrate").joinpath("data/ro-crate.jsonld").read_text("utf8"))
    terms = dict(shipped["@context"])
    added_after_1_1 = [
        "RepositoryFile", "Standard", "hasArtifact", "hasResource", "hasRole", "hasToken", "isProfileOf",
        "ResourceDescriptor", "ResourceRole", "Profile", "softwareSuggestions", "continuousIntegration",
        "buildInstructions", "developmentStatus", "embargoEndDate", "readme", "issueTracker", "referencePublication",
        "hasSourceCode", "isSourceCodeOf", "Geometry", "asWKT", "localPath", "prof", "profrole", "vann",
        "geosparql", "relation", "HTML",
    ]
    for term in added_after_1_1:
        terms.pop(term, None)
    terms.update({
        "ComputationalWorkflow": "https://bioschemas.org/ComputationalWorkflow",
        "input": "https://bioschemas.org/ComputationalWorkflow#input",
        "output": "https://bioschemas.org/ComputationalWorkflow#output",
        "FormalParameter": "https://bioschemas.org/FormalParameter",
        "cite-as": "https://www.w3.org/ns/iana/link-relations/relation#cite-as",
        "schema": "http://schema.org/",
    })
    return {"@id": RO_CRATE_11_CONTEXT, "name": ["RO-Crate JSON-LD Context"], "version": "1.1.3", "@context": terms}


@pytest.fixture(scope="module")
def validator_cache(tmp_path_factory) -> pathlib.Path:
    """A requests-cache SQLite cache holding the RO-Crate 1.1 context, so that rocrate-validator runs offline."""
    import requests
    import requests_cache
    import urllib3

    cache = tmp_path_factory.mktemp("vcache") / "http-cache"
    session = requests_cache.CachedSession(cache_name=str(cache), backend="sqlite", expire_after=-1)
    body = json.dumps(ro_crate_11_context()).encode()
    for headers in [{"Accept": "application/ld+json, application/json, */*;q=0.1"}, {}]:
        response = requests.Response()
        response.url = RO_CRATE_11_CONTEXT
        response.status_code = 200
        response.encoding = "utf-8"
        response.headers["Content-Type"] = "application/ld+json"
        response.request = requests.Request("GET", RO_CRATE_11_CONTEXT, headers=headers).prepare()
        response._content = body
        response.raw = urllib3.HTTPResponse(body=io.BytesIO(body), headers={"Content-Type": "application/ld+json"},
                                            status=200, preload_content=False, request_url=RO_CRATE_11_CONTEXT)
        session.cache.save_response(response)
    session.close()
    return cache


def validate_crate(crate: pathlib.Path, cache: pathlib.Path, tmp_path: pathlib.Path, *extra: str) -> dict:
    report = tmp_path / f"report-{crate.name}.json"
    result = run_tool(
        BIN / "rocrate-validator", "-y", "validate", "--offline", "--cache-path", cache,
        "-p", "provenance-run-crate-0.5", "--no-paging", "-f", "json", "-o", report, *extra, crate)
    assert report.exists(), result.stdout + result.stderr
    outcome = json.loads(report.read_text())
    outcome["returncode"] = result.returncode
    return outcome


def issues(outcome: dict) -> list:
    return [f"{issue.get('severity')} {issue.get('message')}" for issue in outcome.get("issues", [])]


def check_crate(store: Store, scope: tuple, tmp_path: pathlib.Path, cache: pathlib.Path) -> pathlib.Path:
    from rocrate.rocrate import ROCrate

    folder = tmp_path / "crate"
    store.export(*scope, "--format", "rocrate", "--output", str(folder), "--license",
                 "https://spdx.org/licenses/CC-BY-4.0")
    crate = ROCrate(str(folder))
    assert crate.mainEntity.id == "provkit-workflow.json"
    assert {"provenance/prov.json", "provenance/prov.ttl"} <= {entity.id for entity in crate.data_entities}
    actions = [entity for entity in crate.get_entities() if entity.type == "CreateAction"]
    assert actions
    outcome = validate_crate(folder, cache, tmp_path)
    assert outcome["returncode"] == 0 and outcome["passed"], issues(outcome)
    # The crate's PROV-JSON is the export of the same scope.
    assert prov.read(str(folder / "provenance" / "prov.json")) == prov.read(
        str(write(tmp_path, "scope.provjson", store.export(*scope))))
    return folder


@pytest.mark.parametrize("scope", DEMO_SCOPES)
def test_rocrate_demo(store, scope, tmp_path, validator_cache):
    check_crate(store, scope, tmp_path, validator_cache)


@pytest.mark.parametrize("scope", SHARED_SCOPES + [pytest.param(("2021_02_15_13_55_26_539263",), id="one-trail-run")])
def test_rocrate_imported_shared_data(shared_store, scope, tmp_path, validator_cache):
    check_crate(shared_store, scope, tmp_path, validator_cache)


def test_rocrate_zip_with_local_files(provkit, tmp_path, validator_cache):
    """A run's local files travel in the crate; the zip loads and validates, with the availability check on."""
    from rocrate.rocrate import ROCrate

    artifacts = tmp_path / "artifacts"
    (artifacts / "images").mkdir(parents=True)
    (artifacts / "model.onnx").write_bytes(b"onnx")
    (artifacts / "images" / "a.png").write_bytes(b"png")
    run, experiment = "0190a3f2c4d07000800000000000f001", "0190a3f2c4d07000800000000000e001"
    events = [
        {"type": "experiment", "id": experiment, "name": "files"},
        {"type": "run_start", "id": run, "experiment": experiment, "name": "train", "time": "2024-05-01T12:00:00Z"},
        {"type": "entity", "id": "0190a3f2c4d07000800000000000d001", "kind": "directory", "name": "images",
         "location": str(artifacts / "images")},
        {"type": "entity", "id": "0190a3f2c4d07000800000000000d002", "kind": "model", "name": "model.onnx",
         "location": "file://" + str(artifacts / "model.onnx"), "size": 4},
        {"type": "relation", "relation": "used", "subject": run, "object": "0190a3f2c4d07000800000000000d001"},
        {"type": "relation", "relation": "wasGeneratedBy", "subject": "0190a3f2c4d07000800000000000d002",
         "object": run},
        {"type": "parameter", "run": run, "key": "lr", "value": "0.1"},
        {"type": "metric", "run": run, "key": "val_acc", "value": 0.5, "step": 1},
        {"type": "run_end", "id": run, "status": "finished", "time": "2024-05-01T12:10:00Z"},
    ]
    provkit("ingest", str(write(tmp_path, "events.jsonl", "\n".join(json.dumps(e) for e in events))))
    archive = tmp_path / "train.zip"
    provkit("export", "train", "--format", "rocrate", "--output", str(archive))
    names = set(zipfile.ZipFile(archive).namelist())
    assert {"ro-crate-metadata.json", "data/model.onnx", "data/images/a.png", "provkit-workflow.json"} <= names
    crate = ROCrate(str(archive))
    assert {"data/model.onnx", "data/images/"} <= {entity.id for entity in crate.data_entities}
    unpacked = tmp_path / "unpacked"
    zipfile.ZipFile(archive).extractall(unpacked)
    outcome = validate_crate(unpacked, validator_cache, tmp_path)
    assert outcome["returncode"] == 0 and outcome["passed"], issues(outcome)
    # The validator can fail: a crate without its license, or missing a payload file, is refused.
    metadata = json.loads((unpacked / "ro-crate-metadata.json").read_text())
    broken = copy.deepcopy(metadata)
    root = next(entity for entity in broken["@graph"] if entity["@id"] == "./")
    del root["license"]
    no_license = tmp_path / "no-license"
    shutil.copytree(unpacked, no_license)
    (no_license / "ro-crate-metadata.json").write_text(json.dumps(broken))
    assert validate_crate(no_license, validator_cache, tmp_path)["returncode"] != 0
    missing_file = tmp_path / "missing-file"
    shutil.copytree(unpacked, missing_file)
    (missing_file / "data" / "model.onnx").unlink()
    assert validate_crate(missing_file, validator_cache, tmp_path)["returncode"] != 0
    # An existing folder is not overwritten.
    refused = provkit("export", "train", "--format", "rocrate", "--output", str(unpacked), check=False)
    assert refused.returncode != 0 and "not an empty folder" in refused.stderr


def test_crate_terms_are_in_the_context(store, tmp_path):
    """Every term a ProvKit crate uses is mapped by the RO-Crate 1.1 context the validator is given."""
    folder = tmp_path / "crate"
    store.export("classifier-sweep", "--format", "rocrate", "--output", str(folder))
    metadata = json.loads((folder / "ro-crate-metadata.json").read_text())
    context = ro_crate_11_context()["@context"]
    local = {k for part in metadata["@context"] if isinstance(part, dict) for k in part}
    used = set()
    for entity in metadata["@graph"]:
        used |= {key for key in entity if not key.startswith("@")}
        types = entity["@type"] if isinstance(entity["@type"], list) else [entity["@type"]]
        used |= set(types)
    assert used - local - set(context) == set()


# --- PROV-JSON import ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("scope", DEMO_SCOPES[:3])
def test_export_import_export_demo(store, scope, tmp_path):
    check_round_trip(store, scope, tmp_path)


@pytest.mark.parametrize("scope", SHARED_SCOPES)
def test_export_import_export_shared_data(shared_store, scope, tmp_path):
    check_round_trip(shared_store, scope, tmp_path)


def check_round_trip(store: Store, scope: tuple, tmp_path: pathlib.Path):
    first = write(tmp_path, "first.provjson", store.export(*scope))
    fresh = tmp_path / "fresh"
    store("import", "prov-json", str(first), store=fresh)
    second = write(tmp_path, "second.provjson", store.export(*scope, store=fresh))
    compared = run_tool(BIN / "prov-compare", "-f", "json", "-F", "json", first, second)
    assert compared.returncode == 0, compared.stdout + compared.stderr
    assert first.read_text() == second.read_text()
    # Importing the same document again stores nothing new.
    counts = store.stats(store=fresh)
    store("import", "prov-json", str(first), store=fresh)
    assert store.stats(store=fresh) == counts


def test_prov_library_document_imports(provkit, tmp_path):
    """A document the prov library writes imports: runs, parameters, entities, agents and relations."""
    document = prov.model.ProvDocument()
    ex = document.add_namespace("ex", "https://example.org/study/")
    document.add_namespace("mls", "http://www.w3.org/ns/mls#")
    dataset = document.entity(ex["cifar100"], {"prov:type": prov.model.Identifier("http://www.w3.org/ns/mls#Dataset"),
                                               "prov:label": "CIFAR-100", ex["classes"]: 100})
    model = document.entity(ex["model"], {"prov:type": prov.model.Identifier("http://www.w3.org/ns/mls#Model"),
                                          ex["val_acc"]: 0.2635})
    train = document.activity(ex["train"], "2021-02-15T13:55:26", "2021-02-15T14:30:00",
                              {ex["learning_rate"]: 0.1146, ex["batch_size"]: 25, ex["optimizer"]: "SGD"})
    evaluate = document.activity(ex["evaluate"], "2021-02-15T14:31:00", "2021-02-15T14:32:00")
    person = document.agent(ex["alice"], {"prov:type": prov.model.PROV["Person"]})
    torch = document.agent(ex["pytorch"], {"prov:type": prov.model.PROV["SoftwareAgent"], ex["version"]: "1.7"})
    document.used(train, dataset, "2021-02-15T13:55:27", other_attributes={"prov:role": "training"})
    document.wasGeneratedBy(model, train, "2021-02-15T14:30:00")
    document.used(evaluate, model)
    document.wasInformedBy(evaluate, train)
    document.wasAssociatedWith(train, torch)
    document.actedOnBehalfOf(torch, person)
    document.wasAttributedTo(model, person)
    document.alternateOf(model, dataset)
    path = write(tmp_path, "study.provjson", document.serialize(format="json"))
    result = provkit("import", "prov-json", str(path), "--experiment", "study")
    assert "2 runs, 2 entities, 2 agents" in result.stdout
    assert "alternateOf" in result.stderr
    runs = {run["name"]: run for run in json.loads(provkit("runs", "--json").stdout)}
    assert set(runs) == {"train", "evaluate"}
    assert runs["train"]["experimentName"] == "study"
    detail = json.loads(provkit("show", runs["train"]["id"], "--json").stdout)
    parameters = {p["key"]: p for p in detail["parameters"]}
    assert {k: p["value"] for k, p in parameters.items()} == {"learning_rate": "0.1146", "batch_size": "25",
                                                               "optimizer": "SGD"}
    assert parameters["learning_rate"]["term"] == "model.hyperparameter.learning_rate"
    kinds = {(r["kind"], r["other"]["kind"], r["other"]["name"]) for r in detail["relations"]}
    assert ("used", "dataset", "CIFAR-100") in kinds
    assert ("wasGeneratedBy", "model", "model") in kinds
    assert ("wasAssociatedWith", "software", "pytorch") in kinds
    assert detail["run"]["startedAt"] == "2021-02-15T13:55:26.000000Z"
    # What was imported exports as strict-valid PROV.
    exported = write(tmp_path, "study-export.provjson", provkit("export", "study").stdout)
    checker = require_shared("../tools/prov_strict_check.py")
    assert run_tool(sys.executable, checker, exported, "--require-complete").returncode == 0
    # Importing it again stores nothing new.
    counts = json.loads(provkit("stats", "--json").stdout)
    provkit("import", "prov-json", str(path), "--experiment", "study")
    assert json.loads(provkit("stats", "--json").stdout) == counts


MALFORMED = {
    "invalid-json": ('{"entity": {', "not valid JSON"),
    "not-prov-json": ('{"runs": [1, 2]}', "not PROV-JSON: unknown top-level member 'runs'"),
    "not-an-object": ("[1, 2, 3]", "must be a JSON object"),
    "undeclared-node": ('{"prefix": {"ex": "https://e/"}, "activity": {"ex:a": {}}, '
                        '"used": {"_:u": {"prov:activity": "ex:a", "prov:entity": "ex:nope"}}}',
                        "prov:entity 'ex:nope' is not declared in the document"),
    "bad-time": ('{"prefix": {"ex": "https://e/"}, "activity": {"ex:a": {"prov:startTime": "yesterday"}}}',
                 "'yesterday' is not an xsd:dateTime"),
    "undeclared-prefix": ('{"entity": {"ex:a": {}}}', "the prefix 'ex' of 'ex:a' is not declared"),
}


@pytest.mark.parametrize("case", sorted(MALFORMED))
def test_malformed_prov_json_refused(provkit, tmp_path, case):
    provkit("demo")
    before = json.loads(provkit("stats", "--json").stdout)
    text, message = MALFORMED[case]
    result = provkit("import", "prov-json", str(write(tmp_path, "bad.provjson", text)), check=False)
    assert result.returncode == 1
    assert message in result.stderr, result.stderr
    assert "Nothing was imported" in result.stderr
    assert json.loads(provkit("stats", "--json").stdout) == before


def test_shared_bad_fixture_refused(provkit):
    fixture = require_shared("../tools/prov-fixtures/bad.provjson")
    result = provkit("import", "prov-json", str(fixture), check=False)
    assert result.returncode == 1 and "xsd:dateTime" in result.stderr
    assert json.loads(provkit("stats", "--json").stdout)["runs"] == 0


# --- the command line ---------------------------------------------------------------------------------------------


def test_export_command_errors(store):
    cases = [
        (("export", "no-such-thing"), "nothing matches 'no-such-thing'"),
        (("export", "synthetic-blobs/train", "--scope", "run"), "not a run; use --scope lineage"),
        (("export", "classifier-sweep", "--direction", "down"), "--direction and --depth apply to --scope lineage only"),
        (("export", "classifier-sweep", "--format", "rocrate"), "--format rocrate needs --output"),
        (("export", "classifier-sweep", "--format", "xml"), "xml"),
        (("export", "classifier-sweep", "--license", "MIT"), "--license applies to --format rocrate only"),
        (("export", "synthetic-blobs/train", "--format", "rocrate", "--output", "x.zip"), "holds no run"),
    ]
    for args, message in cases:
        result = store(*args, check=False)
        assert result.returncode != 0, args
        assert message in result.stderr, (args, result.stderr)
    help_text = store("export", "--help", check=False).stdout
    assert "rocrate" in help_text and "--scope" in help_text and "--max-points" in help_text


def test_export_to_file_and_max_points(store, tmp_path):
    output = tmp_path / "sweep.provjson"
    result = store("export", "classifier-sweep", "--output", str(output))
    assert result.stdout == ""
    assert "Wrote prov-json" in result.stderr
    full = json.loads(output.read_text())
    summarised = json.loads(store.export("classifier-sweep", "--max-points", "5"))
    series = [e for e in summarised["entity"].values() if "pk:pointsOmitted" in e]
    assert len(series) == 24
    assert not any("pk:pointsOmitted" in e for e in full["entity"].values())
    assert len(json.dumps(summarised)) < len(json.dumps(full))
