import Foundation
import ProvModel
import ProvTesting
import SwiftProtobuf
import Testing

@testable import ProvInspect

/// Mutated model files and tables, read from disk as `provkit inspect` reads them: the inspectors return a
/// description or throw an ``InspectError``, never trap.
@Suite("Fuzz: inspectors")
struct InspectorFuzzTests {
    let folder: TemporaryDirectory

    init() throws {
        folder = try TemporaryDirectory()
    }

    /// Writes `bytes` to `name` in the test's folder and returns the path.
    func write(_ name: String, _ bytes: [UInt8]) -> String {
        let path = folder.path(name)
        FileManager.default.createFile(atPath: path, contents: Data(bytes))
        return path
    }

    @Test("safetensors headers", .timeLimit(.minutes(10)))
    func safetensorsFiles() {
        defer { folder.remove() }
        let seeds = [
            safetensors(
                #"{"__metadata__":{"format":"pt"},"w":{"dtype":"F32","shape":[2,3],"data_offsets":[0,24]},"#
                    + #""b":{"dtype":"BF16","shape":[3],"data_offsets":[24,30]}}"#,
                data: Array(repeating: 0, count: 30)),
            safetensors(#"{"x":{"dtype":"I64","shape":[],"data_offsets":[0,8]}}"#, data: Array(repeating: 1, count: 8)),
        ]
        let outcome = MutationFuzzer(name: "safetensors").run(seeds: seeds) { bytes in
            _ = try ModelInspector().inspect(path: write("m.safetensors", bytes))
        }
        #expect(outcome.accepted > 0 && outcome.refused > 0, "\(outcome)")
    }

    @Test("ONNX protobufs", .timeLimit(.minutes(10)))
    func onnxFiles() throws {
        defer { folder.remove() }
        let outcome = MutationFuzzer(name: "onnx").run(seeds: [try Self.onnxModel()]) { bytes in
            _ = try ModelInspector().inspect(path: write("m.onnx", bytes))
        }
        #expect(outcome.accepted > 0 && outcome.refused > 0, "\(outcome)")
    }

    @Test("Keras model JSON", .timeLimit(.minutes(10)))
    func kerasFiles() throws {
        defer { folder.remove() }
        let fixture = SharedData.packageRoot.appendingPathComponent("Tests/Fixtures/inspect/keras_mnist_cnn.json")
        let seed = Array(try Data(contentsOf: fixture))
        let outcome = MutationFuzzer(name: "keras").run(seeds: [seed]) { bytes in
            _ = try ModelInspector().inspect(path: write("model.json", bytes))
        }
        #expect(outcome.accepted > 0 && outcome.refused > 0, "\(outcome)")
    }

    @Test("CSV, TSV and JSON Lines tables through the profiler", .timeLimit(.minutes(10)))
    func tables() {
        defer { folder.remove() }
        let seeds = [
            "a,b,label\n1,2.5,x\n2,NA,y\n3,,x\n4,\"q,\"\"r\"\"\",x\n",
            "{\"z\":1,\"a\":true}\n\n{\"a\":false,\"n\":null,\"z\":1.5,\"label\":\"q\"}\n",
            "x\ty\tclass\n1e308\t-0\tA\n9223372036854775807\tNaN\tB\n",
        ].map { Array($0.utf8) }
        let outcome = MutationFuzzer(name: "tables").run(seeds: seeds) { bytes in
            // Accepted when any of the three formats reads it.
            var failure: (any Error)?
            var parsed = false
            for name in ["t.csv", "t.tsv", "t.jsonl"] {
                do {
                    _ = try DatasetInspector().inspect(path: write(name, bytes))
                    parsed = true
                } catch { failure = error }
            }
            if !parsed, let failure { throw failure }
        }
        #expect(outcome.accepted > 0 && outcome.refused > 0, "\(outcome)")
    }

    /// A small network with attributes of every common kind and initializers: Conv → MaxPool → Flatten → Gemm.
    static func onnxModel() throws -> [UInt8] {
        func attribute(_ name: String, ints: [Int64] = [], int: Int64? = nil, float: Float? = nil, text: String? = nil)
            -> Onnx_AttributeProto
        {
            var attribute = Onnx_AttributeProto()
            attribute.name = name
            if let int { (attribute.type, attribute.i) = (.int, int) }
            if let float { (attribute.type, attribute.f) = (.float, float) }
            if let text { (attribute.type, attribute.s) = (.string, Data(text.utf8)) }
            if !ints.isEmpty { (attribute.type, attribute.ints) = (.ints, ints) }
            return attribute
        }
        func node(_ op: String, _ inputs: [String], _ output: String, _ attributes: [Onnx_AttributeProto] = [])
            -> Onnx_NodeProto
        {
            var node = Onnx_NodeProto()
            (node.opType, node.name, node.input, node.output, node.attribute) = (op, output, inputs, [output], attributes)
            return node
        }
        func tensor(_ name: String, _ dims: [Int64]) -> Onnx_TensorProto {
            var tensor = Onnx_TensorProto()
            (tensor.name, tensor.dims) = (name, dims)
            tensor.dataType = Int32(Onnx_TensorProto.DataType.float.rawValue)
            return tensor
        }
        var model = Onnx_ModelProto()
        model.irVersion = 9
        model.graph.name = "fuzz-seed"
        model.graph.initializer = [tensor("k", [8, 1, 5, 5]), tensor("fc", [10, 128]), tensor("bias", [10])]
        model.graph.node = [
            node("Conv", ["x", "k"], "c", [attribute("kernel_shape", ints: [5, 5]), attribute("pads", ints: [2, 2, 2, 2])]),
            node("MaxPool", ["c"], "p", [attribute("kernel_shape", ints: [2, 2]), attribute("auto_pad", text: "VALID")]),
            node("Flatten", ["p"], "f", [attribute("axis", int: 1)]),
            node("Gemm", ["f", "fc", "bias"], "y", [attribute("transB", int: 1), attribute("alpha", float: 1)]),
        ]
        return try model.serializedBytes()
    }
}
