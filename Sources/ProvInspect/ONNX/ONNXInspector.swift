import Foundation
import ProvModel
import SwiftProtobuf

/// Reads an ONNX model (`ModelProto`, protobuf) with swift-protobuf and the code generated from ONNX's own
/// `onnx.proto` (`scripts/generate-onnx-swift.sh`): the nodes of the main graph in order, each operator mapped to a
/// taxonomy layer type, the attributes `kernel_shape`, `strides`, `pads`, `dilations` and `group` (and the others,
/// under ONNX's names), initializer shapes, and parameter counts per layer and in total.
///
/// A layer's parameters are the elements of the initializers among its inputs, each initializer counted for the
/// first node that uses it; the total is the elements of all initializers (and the values of sparse initializers).
/// Files over ``maximumBytes`` (protobuf's own 2 GiB limit) are refused before they are read; nesting deeper than
/// 100 messages, a node whose output another node also produces, and a cycle among the nodes are errors.
enum ONNXInspector {
    /// The largest file read: 2 GiB, the protobuf limit (larger models keep their weights in external files).
    static let maximumBytes: Int64 = 2 << 30

    static func inspect(path: String) throws -> ModelInspection {
        let attributes = try? FileManager.default.attributesOfItem(atPath: path)
        guard let size = (attributes?[.size] as? NSNumber)?.int64Value else {
            throw InspectError("cannot read \(path): no such file")
        }
        guard size <= maximumBytes else {
            throw InspectError(
                "\(path) has \(size) bytes, more than the 2 GiB an ONNX protobuf may have (save large models with "
                    + "external data)")
        }
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped)
        } catch {
            throw InspectError("cannot read \(path): \(error.localizedDescription)")
        }
        let model: Onnx_ModelProto
        do {
            var options = BinaryDecodingOptions()
            options.messageDepthLimit = 100
            model = try Onnx_ModelProto(serializedBytes: data, options: options)
        } catch {
            throw InspectError("\(path) is not a valid ONNX model: the protobuf cannot be decoded (\(describe(error)))")
        }
        guard model.hasGraph, model.irVersion > 0 else {
            throw InspectError(
                "\(path) is not an ONNX model: it has no " + (model.hasGraph ? "ir_version" : "graph")
                    + " (is it another protobuf, or truncated?)")
        }
        return try inspect(model, path: path)
    }

    static func describe(_ error: any Error) -> String {
        switch error {
        case BinaryDecodingError.truncated: "the file ends inside a message: truncated"
        case BinaryDecodingError.malformedProtobuf: "malformed protobuf"
        case BinaryDecodingError.messageDepthLimit: "messages nested deeper than 100"
        case BinaryDecodingError.invalidUTF8: "a string is not valid UTF-8"
        default: String(describing: error)
        }
    }

    static func inspect(_ model: Onnx_ModelProto, path: String) throws -> ModelInspection {
        let fail = { (message: String) in InspectError("\(path): \(message)") }
        let graph = model.graph
        var inspection = ModelInspection(path: path, formats: [.onnx])
        inspection.architecture = graph.name.isEmpty ? nil : graph.name
        inspection.modelType = model.producerName.isEmpty ? nil : model.producerName
        inspection.details["ir_version"] = .number(Double(model.irVersion))
        if !model.producerVersion.isEmpty { inspection.details["producer_version"] = .string(model.producerVersion) }
        var opsets: [String: JSONValue] = [:]
        for opset in model.opsetImport {
            opsets[opset.domain.isEmpty ? "ai.onnx" : opset.domain] = .number(Double(opset.version))
        }
        inspection.details["opset"] = .object(opsets)
        inspection.details["inputs"] = .array(graph.input.map { .string($0.name) })
        inspection.details["outputs"] = .array(graph.output.map { .string($0.name) })
        inspection.details["node_count"] = .number(Double(graph.node.count))

        // Initializers: shapes and element counts.
        var initializers: [String: Int] = [:]
        var total: Int64 = 0
        for tensor in graph.initializer {
            let count = try Shapes.elementCount(tensor.dims) { fail("initializer '\(tensor.name)' \($0)") }
            initializers[tensor.name] = inspection.tensors.count
            inspection.tensors.append(
                ModelInspection.Tensor(
                    name: tensor.name, dtype: dtypeName(tensor.dataType), shape: tensor.dims, elementCount: count))
            total = try Shapes.add(total, count, fail: fail)
        }
        for sparse in graph.sparseInitializer {
            let values = try Shapes.elementCount(sparse.values.dims) {
                fail("sparse initializer '\(sparse.values.name)' \($0)")
            }
            total = try Shapes.add(total, values, fail: fail)
        }
        inspection.parameterCount = total

        var claimed: Set<String> = []
        for index in try topologicalOrder(graph.node, path: path) {
            let node = graph.node[index]
            let weights = node.input.filter { initializers[$0] != nil }
            var parameters: Int64 = 0
            var shapes: [[Int64]] = []
            for name in weights {
                let tensor = inspection.tensors[initializers[name]!]
                shapes.append(tensor.shape)
                if claimed.insert(name).inserted {
                    parameters = try Shapes.add(parameters, tensor.elementCount, fail: fail)
                }
            }
            let attributes = attributeValues(node.attribute)
            let kernelRank =
                attributes["kernel_shape"]?.arrayValue?.count
                ?? (node.opType == "Conv" ? shapes.first.map { max($0.count - 2, 1) } : nil)
            let type = LayerTypes.onnx(
                node.opType, kernelRank: kernelRank,
                hasConstantWeight: node.input.count > (node.opType == "Gather" ? 0 : 1)
                    && initializers[node.input[node.opType == "Gather" ? 0 : 1]] != nil)
            inspection.layers.append(
                ModelInspection.Layer(
                    name: node.name.isEmpty ? "\(node.opType)_\(index)" : node.name, op: node.opType, layerType: type,
                    hyperparameters: hyperparameters(node, attributes, shapes: shapes, type: type),
                    parameterCount: parameters, attributes: attributes, weightShapes: shapes))
        }
        inspection.layerCount = inspection.layers.filter { $0.layerType != nil }.count
        inspection.countLayerTypes()
        return inspection
    }

    /// The nodes' indices in an order where every node comes after those producing its inputs: the file's order
    /// when it already is one (as the ONNX standard requires), otherwise a stable topological sort.
    /// - Throws: when two nodes produce the same tensor, or the nodes form a cycle.
    static func topologicalOrder(_ nodes: [Onnx_NodeProto], path: String) throws -> [Int] {
        var producer: [String: Int] = [:]
        for (index, node) in nodes.enumerated() {
            for output in node.output where !output.isEmpty {
                if let other = producer.updateValue(index, forKey: output), other != index {
                    throw InspectError(
                        "\(path) is not a valid ONNX graph: tensor '\(output)' is produced by two nodes "
                            + "(\(label(nodes[other], other)) and \(label(node, index)))")
                }
            }
        }
        // The usual case: the file's order already is one.
        let sorted = nodes.enumerated().allSatisfy { index, node in
            node.input.allSatisfy { input in producer[input].map { $0 < index } ?? true }
        }
        if sorted { return Array(nodes.indices) }
        var dependents: [[Int]] = Array(repeating: [], count: nodes.count)
        var pending = [Int](repeating: 0, count: nodes.count)
        for (index, node) in nodes.enumerated() {
            for input in Set(node.input) where !input.isEmpty {
                if let source = producer[input] {
                    dependents[source].append(index)
                    pending[index] += 1
                }
            }
        }
        // Kahn's algorithm, first in first out from the file's order.
        var order = (0..<nodes.count).filter { pending[$0] == 0 }
        order.reserveCapacity(nodes.count)
        var cursor = 0
        while cursor < order.count {
            let next = order[cursor]
            cursor += 1
            for dependent in dependents[next] {
                pending[dependent] -= 1
                if pending[dependent] == 0 { order.append(dependent) }
            }
        }
        guard order.count == nodes.count else {
            let stuck = (0..<nodes.count).filter { pending[$0] > 0 }
            let names = stuck.prefix(5).map { label(nodes[$0], $0) }.joined(separator: ", ")
            throw InspectError(
                "\(path) is not a valid ONNX graph: it has a cycle (\(stuck.count) nodes wait on each other, "
                    + "among them \(names)); ONNX graphs must be acyclic")
        }
        return order
    }

    private static func label(_ node: Onnx_NodeProto, _ index: Int) -> String {
        node.name.isEmpty ? "\(node.opType) #\(index + 1)" : "'\(node.name)' (\(node.opType))"
    }

    /// Scalar and list attributes as JSON (tensors and graphs are left out).
    static func attributeValues(_ attributes: [Onnx_AttributeProto]) -> [String: JSONValue] {
        var values: [String: JSONValue] = [:]
        for attribute in attributes {
            switch attribute.type {
            case .int: values[attribute.name] = .number(Double(attribute.i))
            case .ints: values[attribute.name] = .array(attribute.ints.map { .number(Double($0)) })
            case .float: values[attribute.name] = .number(Double(attribute.f))
            case .floats: values[attribute.name] = .array(attribute.floats.map { .number(Double($0)) })
            case .string: values[attribute.name] = .string(String(decoding: attribute.s, as: UTF8.self))
            case .strings:
                values[attribute.name] = .array(attribute.strings.map { .string(String(decoding: $0, as: UTF8.self)) })
            default: break
            }
        }
        return values
    }

    /// Attributes under taxonomy names, plus what the weight shapes tell (`filters`, `units`).
    static func hyperparameters(
        _ node: Onnx_NodeProto, _ attributes: [String: JSONValue], shapes: [[Int64]], type: String?
    ) -> [String: JSONValue] {
        var result: [String: JSONValue] = [:]
        let names = [
            ("kernel_shape", "kernel"), ("strides", "stride"), ("pads", "padding"), ("dilations", "dilation"),
            ("group", "groups"), ("auto_pad", "auto_pad"), ("epsilon", "epsilon"), ("momentum", "momentum"),
            ("ratio", "rate"), ("axis", "axis"), ("alpha", "alpha"),
        ]
        for (onnx, taxonomy) in names {
            if let value = attributes[onnx] { result[taxonomy] = value }
        }
        switch node.opType {
        case "Conv", "ConvTranspose":
            if let weight = shapes.first, !weight.isEmpty {
                let filters =
                    node.opType == "Conv"
                    ? weight[0]
                    : weight.count > 1 ? weight[1] * (attributes["group"]?.intValue.map(Int64.init) ?? 1) : weight[0]
                result["filters"] = .number(Double(filters))
                if result["kernel"] == nil, weight.count > 2 {
                    result["kernel"] = .array(weight.dropFirst(2).map { .number(Double($0)) })
                }
            }
        case "Gemm":
            if let weight = shapes.first, weight.count == 2 {
                let transposed = attributes["transB"]?.intValue == 1
                result["units"] = .number(Double(transposed ? weight[0] : weight[1]))
            }
        case "MatMul":
            if let weight = shapes.first, weight.count == 2 { result["units"] = .number(Double(weight[1])) }
        case "MaxPool", "GlobalMaxPool":
            result["mode"] = .string(node.opType == "MaxPool" ? "max" : "global_max")
        case "AveragePool", "GlobalAveragePool":
            result["mode"] = .string(node.opType == "AveragePool" ? "avg" : "global_avg")
        default:
            if type == "activation" { result["function"] = .string(node.opType.lowercased()) }
        }
        return result
    }

    /// ONNX's name for a `TensorProto.DataType` (`FLOAT`, `INT64`, ...).
    static func dtypeName(_ raw: Int32) -> String {
        guard let type = Onnx_TensorProto.DataType(rawValue: Int(raw)) else { return "TYPE_\(raw)" }
        return String(describing: type).uppercased()
    }
}
