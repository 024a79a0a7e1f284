import ProvModel

/// Turns a safetensors header into a ``ModelInspection``: tensors, parameter count, tensors grouped into layers
/// (the name without its last component: `encoder.layer.0.attention.self.query.weight` belongs to
/// `encoder.layer.0.attention.self.query`) and layers into repeated blocks (`encoder.layer.N`).
enum SafetensorsInspector {
    static func inspect(path: String) throws -> ModelInspection {
        let header = try SafetensorsReader().readHeader(path: path)
        var inspection = ModelInspection(path: path, formats: [.safetensors])
        try add(header, to: &inspection, path: path)
        return inspection
    }

    /// Adds the tensors of one header (one shard of a sharded checkpoint) to `inspection`.
    static func add(_ header: SafetensorsReader.Header, to inspection: inout ModelInspection, path: String) throws {
        let fail = { (message: String) in InspectError("\(path) \(message)") }
        var total = inspection.parameterCount ?? 0
        var buffers = inspection.details["buffer_tensors"]?.intValue ?? 0
        for entry in header.entries {
            inspection.tensors.append(
                ModelInspection.Tensor(
                    name: entry.name, dtype: entry.dtype, shape: entry.shape, elementCount: entry.elementCount))
            if isBuffer(entry.dtype) {
                buffers += 1
            } else {
                total = try Shapes.add(total, entry.elementCount, fail: fail)
            }
        }
        if buffers > 0 { inspection.details["buffer_tensors"] = .number(Double(buffers)) }
        inspection.parameterCount = total
        if !header.metadata.isEmpty {
            inspection.details["safetensors_metadata"] = .object(header.metadata.mapValues { .string($0) })
        }
        inspection.tensors.sort { NaturalOrder.precedes($0.name, $1.name) }
        inspection.layers = try layers(inspection.tensors, fail: fail)
        inspection.blocks = try blocks(inspection.tensors, fail: fail)
        inspection.countLayerTypes()
        if inspection.layerCount == nil, !inspection.blocks.isEmpty {
            inspection.layerCount = inspection.blocks.map(\.count).max()
        }
        let dtypes = Set(inspection.tensors.map(\.dtype)).sorted()
        inspection.details["dtypes"] = .array(dtypes.map { .string($0) })
    }

    /// Whether a tensor of this dtype is a buffer rather than a parameter: 64-bit integers and booleans
    /// (`position_ids`, `num_batches_tracked`, masks). Quantized weights (I8, U8, I32) are parameters.
    static func isBuffer(_ dtype: String) -> Bool {
        dtype == "I64" || dtype == "U64" || dtype == "BOOL"
    }

    /// Tensors (buffers left out) grouped by their name without the last component, in order of first appearance.
    static func layers(
        _ tensors: [ModelInspection.Tensor], fail: (String) -> InspectError
    ) throws
        -> [ModelInspection.Layer]
    {
        var order: [String] = []
        var members: [String: [ModelInspection.Tensor]] = [:]
        for tensor in tensors where !isBuffer(tensor.dtype) {
            let parts = tensor.name.split(separator: ".")
            let layer = parts.count > 1 ? parts.dropLast().joined(separator: ".") : tensor.name
            if members[layer] == nil { order.append(layer) }
            members[layer, default: []].append(tensor)
        }
        return try order.map { name in
            let group = members[name] ?? []
            var count: Int64 = 0
            for tensor in group { count = try Shapes.add(count, tensor.elementCount, fail: fail) }
            let type = LayerTypes.fromTensorName(name)
            var hyperparameters: [String: JSONValue] = [:]
            let weight = group.first { $0.name.hasSuffix(".weight") || $0.name.hasSuffix(".kernel") } ?? group.first
            if let weight {
                hyperparameters["weight_shape"] = .array(weight.shape.map { .number(Double($0)) })
                switch (type, weight.shape.count) {
                case ("dense"?, 2): hyperparameters["units"] = .number(Double(weight.shape[0]))
                case ("embedding"?, 2):
                    hyperparameters["num_embeddings"] = .number(Double(weight.shape[0]))
                    hyperparameters["embedding_dim"] = .number(Double(weight.shape[1]))
                case ("conv2d"?, 4), ("conv2d"?, 3), ("conv2d"?, 5):
                    hyperparameters["filters"] = .number(Double(weight.shape[0]))
                    hyperparameters["kernel"] = .array(weight.shape.dropFirst(2).map { .number(Double($0)) })
                default: break
                }
            }
            return ModelInspection.Layer(
                name: name, op: "tensors", layerType: type, hyperparameters: hyperparameters, parameterCount: count)
        }
    }

    /// Repeated blocks: names whose first numeric component follows the same prefix (`encoder.layer.3.…`).
    static func blocks(
        _ tensors: [ModelInspection.Tensor], fail: (String) -> InspectError
    ) throws
        -> [ModelInspection.Block]
    {
        struct Accumulator {
            var indices: Set<Int> = []
            var parameters: Int64 = 0
            var tensors = 0
        }
        var order: [String] = []
        var groups: [String: Accumulator] = [:]
        for tensor in tensors where !isBuffer(tensor.dtype) {
            let parts = tensor.name.split(separator: ".").map(String.init)
            guard let position = parts.firstIndex(where: { Int($0) != nil }), position > 0,
                let index = Int(parts[position])
            else { continue }
            let prefix = parts[..<position].joined(separator: ".")
            if groups[prefix] == nil { order.append(prefix) }
            groups[prefix, default: Accumulator()].indices.insert(index)
            groups[prefix]!.parameters = try Shapes.add(groups[prefix]!.parameters, tensor.elementCount, fail: fail)
            groups[prefix]!.tensors += 1
        }
        return order.compactMap { prefix in
            guard let group = groups[prefix], group.indices.count > 1 else { return nil }
            return ModelInspection.Block(
                pattern: prefix + ".N", count: group.indices.count, parameterCount: group.parameters,
                tensorsPerBlock: group.tensors / group.indices.count)
        }
    }
}
