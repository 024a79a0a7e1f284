import Foundation
import ProvModel

/// Reads a Hugging Face `config.json`: the architecture class, model type, depth, width, heads, vocabulary,
/// intermediate size, positions, activation and dropout, under the names the common model families use; and a
/// sentence-transformers folder's `modules.json`, pooling config and `sentence_bert_config.json`.
///
/// The layers it reports are the ones the config implies for a transformer: the token embedding, then per block
/// self-attention and the two dense layers of the feed-forward network.
enum HuggingFaceConfigInspector {
    /// Config keys by the fact they state, first match wins (BERT, GPT-2, T5, Llama and others differ).
    static let synonyms: [(fact: String, keys: [String])] = [
        ("num_hidden_layers", ["num_hidden_layers", "n_layer", "num_layers", "n_layers", "encoder_layers"]),
        ("hidden_size", ["hidden_size", "n_embd", "d_model", "dim", "embed_dim"]),
        ("num_attention_heads", ["num_attention_heads", "n_head", "num_heads", "encoder_attention_heads"]),
        ("num_key_value_heads", ["num_key_value_heads"]),
        ("intermediate_size", ["intermediate_size", "n_inner", "d_ff", "ffn_dim", "encoder_ffn_dim", "hidden_dim"]),
        ("vocab_size", ["vocab_size"]),
        ("max_position_embeddings", ["max_position_embeddings", "n_positions", "n_ctx", "max_seq_len"]),
        ("type_vocab_size", ["type_vocab_size"]),
        ("hidden_act", ["hidden_act", "activation_function", "hidden_activation", "feed_forward_proj"]),
        ("hidden_dropout_prob", ["hidden_dropout_prob", "resid_pdrop", "dropout", "dropout_rate"]),
        ("attention_probs_dropout_prob", ["attention_probs_dropout_prob", "attn_pdrop", "attention_dropout"]),
        ("layer_norm_eps", ["layer_norm_eps", "layer_norm_epsilon", "rms_norm_eps"]),
        ("torch_dtype", ["torch_dtype", "dtype"]),
        ("position_embedding_type", ["position_embedding_type"]),
    ]

    /// Whether a parsed JSON object looks like a Hugging Face config (it names a model type or architectures).
    static func recognises(_ value: JSONValue) -> Bool {
        value["model_type"]?.stringValue != nil || value["architectures"]?.arrayValue != nil
    }

    static func inspect(configPath: String) throws -> ModelInspection {
        let config = try JSONFile.read(configPath, what: "Hugging Face config.json")
        guard case .object = config else {
            throw InspectError("\(configPath) is not a Hugging Face config: it is not a JSON object")
        }
        guard recognises(config) else {
            throw InspectError(
                "\(configPath) is not a Hugging Face config: it has neither `model_type` nor `architectures`")
        }
        return try inspect(config: config, path: configPath)
    }

    static func inspect(config: JSONValue, path: String) throws -> ModelInspection {
        var inspection = ModelInspection(path: path, formats: [.huggingFace])
        inspection.architecture = config["architectures"]?.arrayValue?.first?.stringValue
        inspection.modelType = config["model_type"]?.stringValue
        for (fact, keys) in synonyms {
            if let value = keys.lazy.compactMap({ config[$0] }).first(where: { $0 != .null }) {
                inspection.details[fact] = value
            }
        }
        if let labels = config["id2label"]?.objectValue, !labels.isEmpty {
            inspection.details["num_labels"] = .number(Double(labels.count))
        }
        if let name = config["_name_or_path"]?.stringValue, !name.isEmpty {
            inspection.details["name_or_path"] = .string(name)
        }
        let depth = inspection.details["num_hidden_layers"]?.intValue
        inspection.layerCount = depth
        guard depth.map({ $0 >= 0 && $0 <= 100_000 }) ?? true else {
            throw InspectError("\(path) states \(depth!) layers, which is not a plausible depth")
        }
        inspection.layers = impliedLayers(inspection.details, depth: depth ?? 0)
        inspection.countLayerTypes()
        return inspection
    }

    /// The layers a transformer config implies: embedding, then per block attention and the feed-forward pair.
    static func impliedLayers(_ facts: [String: JSONValue], depth: Int) -> [ModelInspection.Layer] {
        let hidden = facts["hidden_size"]?.intValue
        let heads = facts["num_attention_heads"]?.intValue
        var layers: [ModelInspection.Layer] = []
        var embedding: [String: JSONValue] = [:]
        if let vocabulary = facts["vocab_size"]?.intValue { embedding["num_embeddings"] = .number(Double(vocabulary)) }
        if let hidden { embedding["embedding_dim"] = .number(Double(hidden)) }
        layers.append(
            ModelInspection.Layer(
                name: "embeddings", op: "embedding", layerType: "embedding",
                hyperparameters: embedding))
        for index in 0..<depth {
            var attention: [String: JSONValue] = [:]
            if let heads { attention["heads"] = .number(Double(heads)) }
            if let hidden { attention["embed_dim"] = .number(Double(hidden)) }
            if let heads, let hidden, heads > 0 { attention["head_dim"] = .number(Double(hidden / heads)) }
            if let dropout = facts["attention_probs_dropout_prob"] { attention["dropout"] = dropout }
            layers.append(
                ModelInspection.Layer(
                    name: "layer.\(index).attention", op: "attention",
                    layerType: "attention", hyperparameters: attention))
            var up: [String: JSONValue] = [:]
            if let size = facts["intermediate_size"] { up["units"] = size }
            if let activation = facts["hidden_act"] { up["activation"] = activation }
            layers.append(
                ModelInspection.Layer(
                    name: "layer.\(index).intermediate", op: "dense", layerType: "dense",
                    hyperparameters: up))
            var down: [String: JSONValue] = [:]
            if let hidden { down["units"] = .number(Double(hidden)) }
            layers.append(
                ModelInspection.Layer(
                    name: "layer.\(index).output", op: "dense", layerType: "dense",
                    hyperparameters: down))
        }
        return layers
    }

    /// Adds a sentence-transformers pipeline (`modules.json` and the configs it points to) in `folder`.
    static func addSentenceTransformer(folder: String, to inspection: inout ModelInspection) throws {
        let modulesPath = folder + "/modules.json"
        let modules = try JSONFile.read(modulesPath, what: "sentence-transformers modules.json")
        guard let list = modules.arrayValue else {
            throw InspectError("\(modulesPath) is not a sentence-transformers modules.json: expected a JSON array")
        }
        var result = ModelInspection.SentenceTransformer(
            modules: [], pooling: [], embeddingDimension: nil, normalize: false, maxSequenceLength: nil)
        for module in list {
            guard let type = module["type"]?.stringValue else {
                throw InspectError("\(modulesPath): every module needs a `type`")
            }
            result.modules.append(type)
            if type.hasSuffix(".Normalize") { result.normalize = true }
            if type.hasSuffix(".Pooling") {
                let relative = module["path"]?.stringValue ?? ""
                guard !relative.contains("..") else {
                    throw InspectError("\(modulesPath): module path leaves the folder")
                }
                let poolingPath = folder + "/" + (relative.isEmpty ? "" : relative + "/") + "config.json"
                if FileManager.default.fileExists(atPath: poolingPath) {
                    let pooling = try JSONFile.read(poolingPath, what: "sentence-transformers pooling config")
                    for (key, value) in (pooling.objectValue ?? [:]).sorted(by: { $0.key < $1.key })
                    where key.hasPrefix("pooling_mode_") && value.boolValue == true {
                        result.pooling.append(String(key.dropFirst("pooling_mode_".count)))
                    }
                    result.embeddingDimension = pooling["word_embedding_dimension"]?.intValue
                }
            }
        }
        let bertConfig = folder + "/sentence_bert_config.json"
        if FileManager.default.fileExists(atPath: bertConfig) {
            result.maxSequenceLength = try JSONFile.read(bertConfig, what: "sentence_bert_config.json")[
                "max_seq_length"]?.intValue
        }
        inspection.sentenceTransformer = result
        for mode in result.pooling {
            inspection.layers.append(
                ModelInspection.Layer(
                    name: "pooling", op: "Pooling", layerType: "pool",
                    hyperparameters: ["mode": .string(mode)]))
        }
        inspection.countLayerTypes()
    }
}
