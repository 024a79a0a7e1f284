import ProvModel

/// Reads a Keras model JSON (`model.to_json()`, Keras 2 or 3; Sequential and Functional models, nested ones
/// flattened in order): each layer's class mapped to a taxonomy layer type, with its key hyperparameters. Where
/// Keras 3 recorded a layer's input shape (`build_config`), its parameter count is computed as Keras counts it
/// (Dense, Conv*, Embedding, BatchNormalization, LayerNormalization; layers without weights count 0).
enum KerasInspector {
    /// Keras config keys → taxonomy hyperparameter names.
    static let hyperparameterNames: [(keras: String, taxonomy: String)] = [
        ("filters", "filters"), ("kernel_size", "kernel"), ("strides", "stride"), ("padding", "padding"),
        ("dilation_rate", "dilation"), ("groups", "groups"), ("units", "units"), ("activation", "activation"),
        ("rate", "rate"), ("pool_size", "kernel"), ("use_bias", "bias"), ("input_dim", "num_embeddings"),
        ("output_dim", "embedding_dim"), ("momentum", "momentum"), ("epsilon", "epsilon"), ("num_heads", "heads"),
        ("key_dim", "head_dim"), ("return_sequences", "return_sequences"), ("target_shape", "target_shape"),
    ]

    /// Whether a parsed JSON object looks like a Keras model JSON.
    static func recognises(_ value: JSONValue) -> Bool {
        value["class_name"]?.stringValue != nil && value["config"]?["layers"]?.arrayValue != nil
    }

    static func inspect(path: String) throws -> ModelInspection {
        let value = try JSONFile.read(path, what: "Keras model JSON")
        guard recognises(value) else {
            throw InspectError(
                "\(path) is not a Keras model JSON: expected an object with `class_name` and `config.layers` "
                    + "(what model.to_json() writes)")
        }
        return try inspect(value, path: path)
    }

    static func inspect(_ value: JSONValue, path: String) throws -> ModelInspection {
        var inspection = ModelInspection(path: path, formats: [.keras])
        inspection.architecture = value["class_name"]?.stringValue
        inspection.modelType = value["backend"]?.stringValue
        if let name = value["config"]?["name"]?.stringValue { inspection.details["name"] = .string(name) }
        if let version = value["keras_version"]?.stringValue { inspection.details["keras_version"] = .string(version) }
        var total: Int64? = 0
        try collect(value, prefix: "", into: &inspection.layers, total: &total, depth: 0, path: path)
        inspection.parameterCount = total
        inspection.layerCount = inspection.layers.filter { $0.layerType != nil }.count
        inspection.countLayerTypes()
        return inspection
    }

    private static func collect(
        _ model: JSONValue, prefix: String, into layers: inout [ModelInspection.Layer], total: inout Int64?,
        depth: Int, path: String
    ) throws {
        guard depth < 32 else { throw InspectError("\(path): models are nested more than 32 deep") }
        guard let list = model["config"]?["layers"]?.arrayValue else { return }
        for (index, layer) in list.enumerated() {
            guard let className = layer["class_name"]?.stringValue else {
                throw InspectError(
                    "\(path): layer \(index + 1) of \(prefix.isEmpty ? "the model" : prefix) has no class_name")
            }
            let config = layer["config"]?.objectValue ?? [:]
            let name = prefix + (config["name"]?.stringValue ?? layer["name"]?.stringValue ?? "layer_\(index)")
            if layer["config"]?["layers"]?.arrayValue != nil {
                try collect(layer, prefix: name + "/", into: &layers, total: &total, depth: depth + 1, path: path)
                continue
            }
            if className == "InputLayer" { continue }
            var hyperparameters: [String: JSONValue] = [:]
            for (key, taxonomyName) in hyperparameterNames {
                if let value = config[key], value != .null, hyperparameters[taxonomyName] == nil {
                    hyperparameters[taxonomyName] = simplified(value)
                }
            }
            var type = LayerTypes.named(className)
            if className == "Activation" || className == "ReLU" || className == "Softmax" {
                type = "activation"
                hyperparameters["function"] =
                    hyperparameters.removeValue(forKey: "activation") ?? .string(className.lowercased())
            }
            if type == "pool" {
                hyperparameters["mode"] = .string(poolMode(className))
            }
            let parameters = parameterCount(className, config: config, layer: layer)
            if let parameters, let sum = total {
                total = Counting.sum(sum, parameters)
            } else if parameters == nil, hasWeights(className) {
                total = nil
            }
            layers.append(
                ModelInspection.Layer(
                    name: name, op: className, layerType: type, hyperparameters: hyperparameters,
                    parameterCount: parameters ?? (hasWeights(className) ? nil : 0)))
        }
    }

    /// A Keras 3 activation or initializer object (`{"class_name": "ReLU", ...}`) as its name; others as they are.
    private static func simplified(_ value: JSONValue) -> JSONValue {
        if let className = value["class_name"]?.stringValue { return .string(className) }
        return value
    }

    private static func poolMode(_ className: String) -> String {
        let lower = className.lowercased()
        let kind = lower.contains("max") ? "max" : "avg"
        return lower.hasPrefix("global") ? "global_" + kind : (lower.hasPrefix("adaptive") ? "adaptive_" + kind : kind)
    }

    private static func hasWeights(_ className: String) -> Bool {
        let weightless = [
            "Dropout", "Flatten", "Activation", "ReLU", "Softmax", "Reshape", "MaxPooling", "AveragePooling",
            "GlobalMaxPooling", "GlobalAveragePooling", "SpatialDropout", "Add", "Concatenate", "Multiply",
            "ZeroPadding", "Cropping", "UpSampling", "Permute", "RepeatVector", "GaussianNoise", "Rescaling",
        ]
        return !weightless.contains { className.hasPrefix($0) }
    }

    /// The number of weights Keras creates for a layer, from its config and recorded input shape.
    private static func parameterCount(_ className: String, config: [String: JSONValue], layer: JSONValue) -> Int64? {
        if !hasWeights(className) { return 0 }
        let shape =
            layer["build_config"]?["input_shape"]?.arrayValue ?? config["batch_input_shape"]?.arrayValue
            ?? config["batch_shape"]?.arrayValue
        let channelsFirst = config["data_format"]?.stringValue == "channels_first"
        let dims = shape?.map { $0.intValue }
        let bias: Int64 = config["use_bias"]?.boolValue == false ? 0 : 1
        switch className {
        case "Dense":
            guard let input = dims?.last ?? nil, let units = config["units"]?.intValue else { return nil }
            return Counting.sum(Counting.product(input, units), Counting.product(bias, units))
        case "Conv1D", "Conv2D", "Conv3D":
            guard let dims, dims.count >= 2, let filters = config["filters"]?.intValue,
                let kernel = config["kernel_size"]?.arrayValue?.compactMap({ $0.intValue })
                    ?? config["kernel_size"]?
                    .intValue.map({ [$0] }),
                let channels = (channelsFirst ? dims[1] : dims.last ?? nil)
            else { return nil }
            let groups = Int64(exactly: max(config["groups"]?.intValue ?? 1, 1)) ?? 1
            let window = kernel.reduce(1 as Int64?) { product, size in product.flatMap { Counting.product($0, size) } }
            let perGroup = window.flatMap { Counting.product($0, channels) }.map { $0 / groups }
            return Counting.sum(perGroup.flatMap { Counting.product($0, filters) }, Counting.product(bias, filters))
        case "Embedding":
            guard let input = config["input_dim"]?.intValue, let output = config["output_dim"]?.intValue else {
                return nil
            }
            return Counting.product(input, output)
        case "BatchNormalization", "LayerNormalization":
            let axis = config["axis"]?.intValue ?? config["axis"]?.arrayValue?.first?.intValue ?? -1
            guard let dims, !dims.isEmpty else { return nil }
            let index = axis < 0 ? dims.count + axis : axis
            guard index >= 0, index < dims.count, let channels = dims[index] else { return nil }
            let perChannel: Int64 =
                (config["center"]?.boolValue == false ? 0 : 1) + (config["scale"]?.boolValue == false ? 0 : 1)
                + (className == "BatchNormalization" ? 2 : 0)
            return Counting.product(perChannel, channels)
        default:
            return nil
        }
    }
}

/// Weight counts from a config, which can say anything: `nil` when a count overflows 64 bits (or is negative).
enum Counting {
    static func product(_ a: some BinaryInteger, _ b: some BinaryInteger) -> Int64? {
        guard let a = Int64(exactly: a), let b = Int64(exactly: b), a >= 0, b >= 0 else { return nil }
        let (result, overflow) = a.multipliedReportingOverflow(by: b)
        return overflow ? nil : result
    }

    static func sum(_ a: Int64?, _ b: Int64?) -> Int64? {
        guard let a, let b else { return nil }
        let (result, overflow) = a.addingReportingOverflow(b)
        return overflow ? nil : result
    }
}
