import Foundation
import ProvModel
import ProvTesting
import SwiftProtobuf
import Testing

@testable import ProvInspect

/// Writes a safetensors file: the 8-byte little-endian header length, the header, then `data`.
func safetensors(_ header: String, length: UInt64? = nil, data: [UInt8] = []) -> [UInt8] {
    let bytes = Array(header.utf8)
    let count = length ?? UInt64(bytes.count)
    return (0..<8).map { UInt8(truncatingIfNeeded: count >> (8 * UInt64($0))) } + bytes + data
}

@Suite("Inspectors on small inline inputs")
struct InspectorTests {
    let folder: TemporaryDirectory

    init() throws {
        folder = try TemporaryDirectory(prefix: "provkit-inspect")
    }

    func write(_ name: String, _ bytes: [UInt8]) throws -> String {
        let path = folder.path(name)
        try FileManager.default.createDirectory(
            atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    func write(_ name: String, _ text: String) throws -> String {
        try write(name, Array(text.utf8))
    }

    @Test("safetensors: header only, tensors in natural order, layers, blocks and buffers")
    func safetensorsHeader() throws {
        let header = """
            {"__metadata__":{"format":"pt"},
             "blocks.10.fc.weight":{"dtype":"F32","shape":[2,3],"data_offsets":[0,24]},
             "blocks.2.fc.weight":{"dtype":"F32","shape":[2,3],"data_offsets":[24,48]},
             "blocks.2.fc.bias":{"dtype":"F16","shape":[2],"data_offsets":[48,52]},
             "blocks.10.fc.bias":{"dtype":"F16","shape":[2],"data_offsets":[52,56]},
             "position_ids":{"dtype":"I64","shape":[1,2],"data_offsets":[56,72]}}
            """
        let path = try write("m.safetensors", safetensors(header, data: [UInt8](repeating: 0, count: 72)))
        let model = try ModelInspector().inspect(path: path)
        #expect(model.formats == [.safetensors])
        #expect(
            model.tensors.map(\.name) == [
                "blocks.2.fc.bias", "blocks.2.fc.weight", "blocks.10.fc.bias", "blocks.10.fc.weight", "position_ids",
            ])
        #expect(model.parameterCount == 16)  // the int64 buffer is listed, not counted
        #expect(model.layers.map(\.name) == ["blocks.2.fc", "blocks.10.fc"])
        #expect(model.layers.map(\.layerType) == ["dense", "dense"])
        #expect(model.layers[0].hyperparameters["units"] == 2)
        #expect(model.blocks.count == 1)
        #expect(model.blocks.first?.pattern == "blocks.N" && model.blocks.first?.count == 2)
        #expect(model.details["safetensors_metadata"] == ["format": "pt"])
    }

    @Test("safetensors: hostile and truncated headers are refused before any allocation")
    func safetensorsMalformed() throws {
        let reader = SafetensorsReader()
        let beyond = try write("beyond.safetensors", safetensors("{}", length: UInt64.max))
        #expect(throws: InspectError.self) { try reader.readHeader(path: beyond) }
        do {
            _ = try reader.readHeader(path: beyond)
        } catch let error as InspectError {
            #expect(error.description.contains("beyond the file's size"))
        }
        let short = try write("short.safetensors", [1, 2])
        #expect(throws: InspectError.self) { try reader.readHeader(path: short) }
        let notJSON = try write("bad.safetensors", safetensors("{oops"))
        #expect(throws: InspectError.self) { try reader.readHeader(path: notJSON) }
        let overflow = try write(
            "overflow.safetensors",
            safetensors(#"{"a":{"dtype":"F32","shape":[4294967296,4294967296],"data_offsets":[0,0]}}"#))
        #expect(throws: InspectError.self) { try reader.readHeader(path: overflow) }
    }

    @Test("Hugging Face config: facts under the common names, implied transformer layers")
    func huggingFaceConfig() throws {
        let path = try write(
            "gpt/config.json",
            #"{"architectures":["GPT2LMHeadModel"],"model_type":"gpt2","n_layer":2,"n_embd":8,"n_head":2,"#
                + #""vocab_size":50,"n_positions":16,"activation_function":"gelu_new"}"#)
        let model = try ModelInspector().inspect(path: path)
        #expect(model.architecture == "GPT2LMHeadModel" && model.modelType == "gpt2")
        #expect(model.layerCount == 2)
        #expect(model.details["hidden_size"] == 8 && model.details["num_attention_heads"] == 2)
        #expect(model.details["max_position_embeddings"] == 16 && model.details["hidden_act"] == "gelu_new")
        #expect(model.layerTypeCounts == ["embedding": 1, "attention": 2, "dense": 4])
        #expect(model.layers[1].hyperparameters["head_dim"] == 4)
        let broken = try write("broken/config.json", #"{"model_type": "bert", "#)
        #expect(throws: InspectError.self) { try ModelInspector().inspect(path: broken) }
    }

    @Test("Keras JSON: layer types, hyperparameters, nested models and parameter counts")
    func keras() throws {
        let json = """
            {"class_name":"Sequential","config":{"name":"m","layers":[
              {"class_name":"InputLayer","config":{"batch_shape":[null,4],"name":"in"}},
              {"class_name":"Dense","config":{"name":"d","units":3,"activation":"relu","use_bias":true},
               "build_config":{"input_shape":[null,4]}},
              {"class_name":"Sequential","config":{"name":"inner","layers":[
                {"class_name":"Dropout","config":{"name":"drop","rate":0.25}},
                {"class_name":"Dense","config":{"name":"out","units":2,"use_bias":false},
                 "build_config":{"input_shape":[null,3]}}]}}]}}
            """
        let model = try ModelInspector().inspect(path: try write("keras.json", json))
        #expect(model.layers.map(\.name) == ["d", "inner/drop", "inner/out"])
        #expect(model.layers.map(\.layerType) == ["dense", "dropout", "dense"])
        #expect(model.layers.map(\.parameterCount) == [15, 0, 6])
        #expect(model.parameterCount == 21)
        #expect(model.layers[1].hyperparameters["rate"] == 0.25)
    }

    @Test("Keras JSON: weight counts that overflow 64 bits are left unknown, never fatal")
    func kerasOverflowingCounts() throws {
        // Before: Int64 multiplication trapped on these sizes (a crafted or corrupt model file).
        let json = """
            {"class_name":"Sequential","config":{"name":"m","layers":[
              {"class_name":"Dense","config":{"name":"d","units":999999999999999},
               "build_config":{"input_shape":[null,999999999999999]}},
              {"class_name":"Embedding","config":{"name":"e","input_dim":999999999999999,"output_dim":999999999}},
              {"class_name":"Conv2D","config":{"name":"c","filters":99999999,"kernel_size":[99999999,99999999]},
               "build_config":{"input_shape":[null,8,8,99999999]}},
              {"class_name":"Dense","config":{"name":"small","units":2},"build_config":{"input_shape":[null,3]}}]}}
            """
        let model = try ModelInspector().inspect(path: try write("huge-keras.json", json))
        #expect(model.layers.map(\.parameterCount) == [nil, nil, nil, 8])
        #expect(model.parameterCount == nil)
    }

    @Test("ONNX: nodes in order, attributes, initializer parameters, cycles refused")
    func onnx() throws {
        var model = Onnx_ModelProto()
        model.irVersion = 8
        var weight = Onnx_TensorProto()
        weight.name = "w"
        weight.dims = [4, 2, 3, 3]
        weight.dataType = Int32(Onnx_TensorProto.DataType.float.rawValue)
        var conv = Onnx_NodeProto()
        conv.opType = "Conv"
        conv.name = "conv"
        conv.input = ["x", "w"]
        conv.output = ["c"]
        var kernel = Onnx_AttributeProto()
        kernel.name = "kernel_shape"
        kernel.type = .ints
        kernel.ints = [3, 3]
        var group = Onnx_AttributeProto()
        group.name = "group"
        group.type = .int
        group.i = 1
        conv.attribute = [kernel, group]
        var relu = Onnx_NodeProto()
        relu.opType = "Relu"
        relu.input = ["c"]
        relu.output = ["y"]
        model.graph.name = "g"
        model.graph.node = [conv, relu]
        model.graph.initializer = [weight]
        let path = try write("m.onnx", Array(try model.serializedBytes() as [UInt8]))
        let result = try ModelInspector().inspect(path: path)
        #expect(result.layers.map(\.op) == ["Conv", "Relu"])
        #expect(result.layers.map(\.layerType) == ["conv2d", "activation"])
        #expect(result.layers[0].hyperparameters["kernel"] == [3, 3])
        #expect(result.layers[0].hyperparameters["filters"] == 4)
        #expect(result.layers[0].parameterCount == 72 && result.parameterCount == 72)
        #expect(result.tensors.first?.dtype == "FLOAT")

        // relu feeds conv and conv feeds relu: a cycle.
        model.graph.node[0].input = ["y", "w"]
        let cyclic = try write("cyclic.onnx", Array(try model.serializedBytes() as [UInt8]))
        #expect {
            try ModelInspector().inspect(path: cyclic)
        } throws: { error in
            (error as? InspectError)?.description.contains("cycle") == true
        }
        // Truncated inside the initializer's name.
        let bytes: [UInt8] = try model.serializedBytes()
        let truncated = try write("truncated.onnx", Array(bytes.prefix(bytes.count - 3)))
        #expect(throws: InspectError.self) { try ModelInspector().inspect(path: truncated) }
    }

    @Test("tables: rows, types, missing values, labels; strict CSV, JSON Lines key order")
    func tables() throws {
        let csv = try write("t.csv", "a,b,label\n1,2.5,x\n2,NA,y\n3,,x\n4,\"q,\"\"r\"\"\",x\n")
        let result = try DatasetInspector().inspect(path: csv, label: "label")
        let table = try #require(result.table)
        #expect(table.rows == 4)
        #expect(table.columns.map(\.type) == ["integer", "string", "string"])
        #expect(table.columns.map(\.missing) == [0, 2, 0])
        #expect(table.label?.classCounts == ["x": 3, "y": 1])
        #expect(table.label?.majorityRate == 0.75 && table.label?.chanceLevel == 0.5)
        let jsonl = try write("t.jsonl", "{\"z\":1,\"a\":true}\n\n{\"a\":false,\"n\":null,\"z\":1.5}\n")
        let lines = try #require(try DatasetInspector().inspect(path: jsonl).table)
        #expect(lines.columns.map(\.name) == ["z", "a", "n"])
        #expect(lines.columns.map(\.type) == ["number", "boolean", "empty"])
        #expect(lines.columns.map(\.missing) == [0, 0, 2])
        let bad = try write("bad.csv", "a\n\"x\"y\n")
        #expect(throws: InspectError.self) { try DatasetInspector().inspect(path: bad) }
    }

    @Test("the artifact inspector keys attributes by taxonomy term and never throws")
    func artifactInspector() throws {
        let inspector = ProvArtifactInspector()
        let csv = try write("train.csv", "x,label\n1,a\n2,b\n3,b\n")
        let dataset = try #require(inspector.inspectArtifact(at: csv, name: "train.csv", digest: nil))
        #expect(dataset.kind == .dataset && dataset.note == nil)
        #expect(dataset.attributes["data.statistics.num_classes"] == 2)
        #expect(dataset.attributes["data.statistics.num_samples"] == 3)
        for key in dataset.attributes.keys where key != "inspection" {
            #expect(Taxonomy.standard.term(id: key) != nil, "\(key) is a taxonomy term")
        }
        let broken = try write("broken.safetensors", [1, 2, 3])
        let failed = try #require(inspector.inspectArtifact(at: broken, name: "broken.safetensors", digest: nil))
        #expect(failed.kind == .model && failed.note?.contains("8-byte") == true)
        #expect(failed.attributes["inspection"]?.objectValue?["error"] != nil)
        let other = try write("notes.txt", "hello")
        #expect(inspector.inspectArtifact(at: other, name: "notes.txt", digest: nil) == nil)
        let metrics = try write("metrics.json", #"{"accuracy": 0.9}"#)
        #expect(inspector.inspectArtifact(at: metrics, name: "metrics.json", digest: nil) == nil)
    }

    @Test("the streaming delimited parser agrees whatever the chunk size")
    func chunking() throws {
        let text = "\u{FEFF}a,b\r\n\"1\r\n2\",x\r\n3,\"\"\"\"\r\n"
        let whole = try DelimitedTextParser.records(text).map(\.fields)
        #expect(whole == [["a", "b"], ["1\r\n2", "x"], ["3", "\""]])
        for size in 1...5 {
            var parser = DelimitedTextParser()
            var records: [[String]] = []
            let bytes = Array(text.utf8)
            for start in stride(from: 0, to: bytes.count, by: size) {
                try parser.consume(bytes[start..<min(start + size, bytes.count)]) { records.append($0.fields) }
            }
            try parser.finish { records.append($0.fields) }
            #expect(records == whole, "chunks of \(size)")
        }
    }
}
