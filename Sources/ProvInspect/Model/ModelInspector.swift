import Foundation
import ProvModel

/// Inspects a model file or folder, choosing the reader by what the path is:
///
/// - `*.onnx` → ONNX; `*.safetensors` → safetensors (header only); a `*.safetensors.index.json` → every shard's
///   header;
/// - a `*.json` that is a Hugging Face config (`model_type` or `architectures`) or a Keras model JSON
///   (`class_name` with `config.layers`), told apart by content;
/// - a folder with `config.json` → the config, plus `model.safetensors` (or the sharded index) and a
///   sentence-transformers `modules.json` when present, combined into one result; a folder with exactly one
///   `*.onnx` or `*.safetensors` file → that file.
public struct ModelInspector: Sendable {
    public init() {}

    /// Inspects the model at `path`.
    /// - Throws: ``InspectError`` when the path is no model format ProvKit reads, or the file is malformed.
    public func inspect(path: String) throws -> ModelInspection {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw InspectError("\(path): no such file or folder")
        }
        if isDirectory.boolValue { return try inspectFolder(path) }
        let lower = path.lowercased()
        if lower.hasSuffix(".onnx") { return try ONNXInspector.inspect(path: path) }
        if lower.hasSuffix(".safetensors") { return try SafetensorsInspector.inspect(path: path) }
        if lower.hasSuffix(".safetensors.index.json") { return try inspectShards(indexPath: path) }
        if lower.hasSuffix(".json") { return try inspectJSON(path) }
        throw InspectError(
            "\(path): not a model format ProvKit reads (.onnx, .safetensors, a Hugging Face config.json or folder, "
                + "or a Keras model .json)")
    }

    /// Whether `name` (a file name or path) has an extension a model reader claims.
    public static func claims(fileName name: String) -> Bool {
        let lower = name.lowercased()
        return lower.hasSuffix(".onnx") || lower.hasSuffix(".safetensors") || lower.hasSuffix(".json")
    }

    func inspectJSON(_ path: String) throws -> ModelInspection {
        let value = try JSONFile.read(path, what: "model JSON")
        if KerasInspector.recognises(value) { return try KerasInspector.inspect(value, path: path) }
        if HuggingFaceConfigInspector.recognises(value) {
            let folder = (path as NSString).deletingLastPathComponent
            if (path as NSString).lastPathComponent == "config.json", !folder.isEmpty {
                return try inspectFolder(folder.isEmpty ? "." : folder)
            }
            return try HuggingFaceConfigInspector.inspect(config: value, path: path)
        }
        throw InspectError(
            "\(path) is JSON but no model format ProvKit reads: neither a Hugging Face config (`model_type`, "
                + "`architectures`) nor a Keras model JSON (`class_name`, `config.layers`)")
    }

    func inspectFolder(_ folder: String) throws -> ModelInspection {
        let manager = FileManager.default
        let config = folder + "/config.json"
        if manager.fileExists(atPath: config) {
            var inspection = try HuggingFaceConfigInspector.inspect(configPath: config)
            inspection.path = folder
            let single = folder + "/model.safetensors"
            let index = folder + "/model.safetensors.index.json"
            if manager.fileExists(atPath: single) {
                try SafetensorsInspector.add(
                    SafetensorsReader().readHeader(path: single), to: &inspection, path: single)
                inspection.formats.append(.safetensors)
            } else if manager.fileExists(atPath: index) {
                try addShards(indexPath: index, to: &inspection)
                inspection.formats.append(.safetensors)
            }
            if manager.fileExists(atPath: folder + "/modules.json") {
                try HuggingFaceConfigInspector.addSentenceTransformer(folder: folder, to: &inspection)
            }
            // The config's depth wins over the blocks counted in tensors.
            if let depth = inspection.details["num_hidden_layers"]?.intValue { inspection.layerCount = depth }
            return inspection
        }
        let names = (try? manager.contentsOfDirectory(atPath: folder)) ?? []
        let models = names.filter { $0.lowercased().hasSuffix(".onnx") || $0.lowercased().hasSuffix(".safetensors") }
        if models.count == 1 {
            var inspection = try inspect(path: folder + "/" + models[0])
            inspection.path = folder
            return inspection
        }
        throw InspectError(
            "\(folder): a model folder needs a config.json (Hugging Face) or exactly one .onnx or .safetensors file; "
                + "found \(models.isEmpty ? "none" : models.sorted().joined(separator: ", "))")
    }

    func inspectShards(indexPath: String) throws -> ModelInspection {
        var inspection = ModelInspection(path: indexPath, formats: [.safetensors])
        try addShards(indexPath: indexPath, to: &inspection)
        return inspection
    }

    /// Reads the header of every shard a `model.safetensors.index.json` names.
    func addShards(indexPath: String, to inspection: inout ModelInspection) throws {
        let index = try JSONFile.read(indexPath, what: "safetensors index")
        guard let map = index["weight_map"]?.objectValue else {
            throw InspectError("\(indexPath) is not a safetensors index: it has no `weight_map` object")
        }
        let folder = (indexPath as NSString).deletingLastPathComponent
        let shards = Set(map.values.compactMap(\.stringValue)).sorted()
        for shard in shards {
            guard !shard.contains("/"), !shard.hasPrefix(".") else {
                throw InspectError("\(indexPath): shard name '\(shard)' must be a file beside the index")
            }
            let shardPath = (folder.isEmpty ? "." : folder) + "/" + shard
            try SafetensorsInspector.add(
                SafetensorsReader().readHeader(path: shardPath), to: &inspection, path: shardPath)
        }
        inspection.details["shards"] = .number(Double(shards.count))
    }
}
