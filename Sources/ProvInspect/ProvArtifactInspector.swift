import Foundation
public import ProvModel

/// The inspectors behind ProvModel's ``ProvArtifactInspecting`` seam: what `provkit run`, `provkit serve` and an
/// SDK session that opts in use to describe the model and dataset files they capture.
///
/// Which files are inspected, by the name they arrive under: `.onnx` and `.safetensors` (models), `.json` files
/// that are a Hugging Face config or a Keras model JSON (others are left alone), `.csv`, `.tsv`, `.jsonl` and
/// `.ndjson` (datasets, with a label column found by name: `label`, `labels`, `target`, `class`, `y`), and folders
/// (a model when they hold a `config.json`, otherwise a dataset). The attributes are keyed by taxonomy term ids;
/// `inspection` holds the format and the details. A file that fails to parse is recorded with
/// `inspection.error` and a ``ArtifactInspection/note``; it never fails the capture.
public struct ProvArtifactInspector: ProvArtifactInspecting {
    /// Tables larger than this are hashed but not profiled (reading every row of a huge file at capture time would
    /// hold the capture up). Default 1 GiB.
    public var maximumProfileBytes: Int64 = 1 << 30
    /// The most entries a list attribute (layer types, columns) carries; longer lists are cut, with
    /// `inspection.truncated` set. Default 1,000.
    public var maximumListEntries = 1_000
    /// Hashes files of folders when no digest is given.
    public var fileHasher: ContentDigest.FileHasher

    public init(fileHasher: @escaping ContentDigest.FileHasher = { try ContentDigest.hashFile($0) }) {
        self.fileHasher = fileHasher
    }

    public func inspectArtifact(at path: String, name: String, digest: ContentDigest?) -> ArtifactInspection? {
        let lower = name.lowercased()
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { return nil }
        if isDirectory.boolValue {
            if FileManager.default.fileExists(atPath: path + "/config.json") {
                return model(format: "huggingface") { try ModelInspector().inspect(path: path) }
            }
            return dataset(format: "directory") {
                try DatasetInspector(fileHasher: fileHasher).inspect(path: path, digest: digest)
            }
        }
        if lower.hasSuffix(".onnx") {
            return model(format: "onnx") { try ONNXInspector.inspect(path: path) }
        }
        if lower.hasSuffix(".safetensors") {
            return model(format: "safetensors") { try SafetensorsInspector.inspect(path: path) }
        }
        if lower.hasSuffix(".json"), !lower.hasSuffix(".safetensors.index.json") {
            // Only JSON that is a model description; other JSON artifacts (metrics, configs) are not models.
            guard let value = try? JSONFile.read(path, what: "model JSON") else { return nil }
            if KerasInspector.recognises(value) {
                return model(format: "keras") { try KerasInspector.inspect(value, path: path) }
            }
            if HuggingFaceConfigInspector.recognises(value) {
                return model(format: "huggingface") {
                    try HuggingFaceConfigInspector.inspect(config: value, path: path)
                }
            }
            return nil
        }
        if let format = DatasetInspector.tableFormat(of: lower) {
            let size =
                digest?.totalBytes
                ?? ((try? FileManager.default.attributesOfItem(atPath: path))?[.size]
                as? NSNumber)?.int64Value ?? 0
            if size > maximumProfileBytes {
                return dataset(format: format) {
                    var inspection = try DatasetInspector(fileHasher: fileHasher).inspect(
                        path: path, digest: digest, formatName: "unprofiled")
                    inspection.table = nil
                    return inspection
                }
            }
            return dataset(format: format) {
                try DatasetInspector(fileHasher: fileHasher).inspect(path: path, digest: digest, formatName: lower)
            }
        }
        return nil
    }

    private func model(format: String, _ read: () throws -> ModelInspection) -> ArtifactInspection {
        do {
            return ArtifactInspection(kind: .model, attributes: attributes(of: try read()))
        } catch {
            return failure(.model, format: format, error)
        }
    }

    private func dataset(format: String, _ read: () throws -> DatasetInspection) -> ArtifactInspection {
        do {
            return ArtifactInspection(kind: .dataset, attributes: attributes(of: try read()))
        } catch {
            return failure(.dataset, format: format, error)
        }
    }

    private func failure(_ kind: EntityKind, format: String, _ error: any Error) -> ArtifactInspection {
        let message = String(describing: error)
        return ArtifactInspection(
            kind: kind,
            attributes: ["inspection": .object(["format": .string(format), "error": .string(message)])],
            note: "\(format) inspection failed: \(message)")
    }

    // MARK: Attributes

    /// A model's taxonomy-classified attributes.
    public func attributes(of model: ModelInspection) -> [String: JSONValue] {
        var attributes: [String: JSONValue] = [:]
        var truncated = false
        func list(_ values: [JSONValue]) -> JSONValue {
            if values.count > maximumListEntries { truncated = true }
            return .array(Array(values.prefix(maximumListEntries)))
        }
        if let family = model.architecture ?? model.modelType {
            attributes["model.architecture.family"] = .string(family)
        }
        if let layers = model.layerCount { attributes["model.architecture.num_layers"] = number(layers) }
        if let parameters = model.parameterCount {
            attributes["model.architecture.parameter_count"] = .number(Double(parameters))
        }
        let typed = model.layers.filter { $0.layerType != nil }
        if !typed.isEmpty {
            attributes["model.architecture.layer_types"] = list(typed.map { .string($0.layerType!) })
        }
        if let activation = model.details["hidden_act"], case .string = activation {
            attributes["model.architecture.activation"] = activation
        }
        let convs = typed.filter { $0.layerType?.hasPrefix("conv") == true }
        let pools = typed.filter { $0.layerType == "pool" && $0.hyperparameters["kernel"] != nil }
        let dense = typed.filter { $0.layerType == "dense" && $0.hyperparameters["units"] != nil }
        let perLayer: [(String, [ModelInspection.Layer], String)] = [
            ("conv_kernels", convs, "kernel"), ("conv_strides", convs, "stride"), ("conv_paddings", convs, "padding"),
            ("conv_filters", convs, "filters"), ("pool_kernels", pools, "kernel"), ("pool_strides", pools, "stride"),
            ("fc_units", dense, "units"),
        ]
        for (term, layers, key) in perLayer
        where !layers.isEmpty && layers.allSatisfy({ $0.hyperparameters[key] != nil }) {
            attributes["model.architecture." + term] = list(layers.map { $0.hyperparameters[key]! })
        }
        var inspection: [String: JSONValue] = [
            "format": .string(model.formats.map(\.rawValue).joined(separator: "+")),
            "layer_type_counts": .object(model.layerTypeCounts.mapValues { number($0) }),
            "layer_count": number(model.layers.count),
            "tensor_count": number(model.tensors.count),
        ]
        if let type = model.modelType { inspection["model_type"] = .string(type) }
        if !model.details.isEmpty { inspection["details"] = .object(model.details) }
        if !model.blocks.isEmpty {
            inspection["blocks"] = .array(
                model.blocks.map {
                    .object([
                        "pattern": .string($0.pattern), "count": number($0.count),
                        "parameter_count": .number(Double($0.parameterCount)),
                        "tensors_per_block": number($0.tensorsPerBlock),
                    ])
                })
        }
        if let sentence = model.sentenceTransformer {
            var object: [String: JSONValue] = [
                "modules": .array(sentence.modules.map { .string($0) }),
                "pooling": .array(sentence.pooling.map { .string($0) }), "normalize": .bool(sentence.normalize),
            ]
            if let dimension = sentence.embeddingDimension { object["embedding_dimension"] = number(dimension) }
            if let length = sentence.maxSequenceLength { object["max_sequence_length"] = number(length) }
            inspection["sentence_transformer"] = .object(object)
        }
        if truncated { inspection["truncated"] = .bool(true) }
        attributes["inspection"] = .object(inspection)
        return attributes
    }

    /// A dataset's taxonomy-classified attributes.
    public func attributes(of dataset: DatasetInspection) -> [String: JSONValue] {
        var attributes: [String: JSONValue] = ["data.dataset.digest": .string(dataset.digest)]
        var inspection: [String: JSONValue] = [
            "format": .string(dataset.table?.format ?? (dataset.isDirectory ? "directory" : "file")),
            "size_bytes": .number(Double(dataset.sizeBytes)), "file_count": number(dataset.fileCount),
        ]
        if let types = dataset.fileTypes { inspection["file_types"] = .object(types.mapValues { number($0) }) }
        if let table = dataset.table {
            attributes["data.statistics.num_samples"] = number(table.rows)
            inspection["rows"] = number(table.rows)
            inspection["column_count"] = number(table.columns.count)
            inspection["columns"] = .array(
                table.columns.prefix(maximumListEntries).map {
                    .object(["name": .string($0.name), "type": .string($0.type), "missing": number($0.missing)])
                })
            if table.columns.count > maximumListEntries { inspection["truncated"] = .bool(true) }
            if let label = table.label {
                attributes["data.statistics.num_classes"] = number(label.classes)
                // The taxonomy term's definition: p₀ = max(1/C, majority-class rate), what never_learner compares
                // with; both inputs are kept under `inspection.label`.
                attributes["data.statistics.chance_level"] = .number(max(label.chanceLevel, label.majorityRate))
                if label.classCounts.count <= maximumListEntries {
                    attributes["data.statistics.class_counts"] = .object(label.classCounts.mapValues { number($0) })
                }
                inspection["label"] = .object([
                    "column": .string(label.column), "labelled_rows": number(label.labelledRows),
                    "majority_rate": .number(label.majorityRate), "uniform_chance": .number(label.chanceLevel),
                ])
            }
        }
        attributes["inspection"] = .object(inspection)
        return attributes
    }

    private func number(_ value: Int) -> JSONValue { .number(Double(value)) }
}
