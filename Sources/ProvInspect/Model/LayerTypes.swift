import Foundation
import ProvModel

/// Maps the names formats give layers and operators to the taxonomy's architectural layer types.
enum LayerTypes {
    static let taxonomy = Taxonomy.standard

    /// The layer type a taxonomy name or alias names (`Conv2D` → `conv2d`, `MaxPooling2D` → `pool`), if any.
    static func named(_ name: String) -> String? {
        byNormalizedName[Taxonomy.normalize(name)]
    }

    /// Every layer type's name and aliases, normalized, once (``Taxonomy/layerType(named:)`` normalizes them on
    /// every call, and a checkpoint asks for hundreds of names).
    static let byNormalizedName: [String: String] = {
        var map: [String: String] = [:]
        for type in taxonomy.layerTypes {
            for name in [type.name] + type.aliases where map[Taxonomy.normalize(name)] == nil {
                map[Taxonomy.normalize(name)] = type.name
            }
        }
        return map
    }()

    /// The layer type of an ONNX operator, from the taxonomy's ONNX mappings, refined where the operator alone does
    /// not tell: `Conv` by its kernel's rank, `MatMul` and `Gather` only with a constant (initializer) weight
    /// (otherwise they are data movement, not layers), and `Add` never (a bias add is no residual block).
    static func onnx(_ op: String, kernelRank: Int?, hasConstantWeight: Bool) -> String? {
        switch op {
        case "Conv":
            switch kernelRank {
            case 1: return "conv1d"
            case 3: return "conv3d"
            default: return "conv2d"
            }
        case "MatMul", "Gather":
            return hasConstantWeight ? (op == "MatMul" ? "dense" : "embedding") : nil
        case "Add":
            return nil
        default:
            return onnxMapping[op] ?? named(op)
        }
    }

    /// ONNX operator → layer type, from ``LayerTypeTerm/mappings`` (`https://onnx.ai/onnx/operators/onnx__Conv.html`).
    static let onnxMapping: [String: String] = {
        var map: [String: String] = [:]
        for type in taxonomy.layerTypes {
            for iri in type.mappings {
                guard let range = iri.range(of: "onnx__"), iri.hasSuffix(".html") else { continue }
                let op = String(iri[range.upperBound...].dropLast(5))
                if map[op] == nil { map[op] = type.name }
            }
        }
        return map
    }()

    /// A guess from a tensor group's dotted name (`encoder.layer.0.attention.self.query`): the last component that
    /// names a layer type, else words that commonly mark one (`embeddings`, `attention`, `norm`, `conv`, `dense`).
    static func fromTensorName(_ name: String) -> String? {
        let components = name.split(separator: ".").map(String.init)
        for component in components.reversed() where Int(component) == nil {
            if let type = named(component) { return type }
        }
        let lower = name.lowercased()
        let rules: [(String, String)] = [
            ("embed", "embedding"), ("attn", "attention"), ("attention", "attention"), ("layernorm", "layernorm"),
            ("layer_norm", "layernorm"), ("rmsnorm", "layernorm"), ("batchnorm", "batchnorm"), ("bn", "batchnorm"),
            ("norm", "layernorm"), ("conv", "conv2d"), ("lstm", "recurrent"), ("gru", "recurrent"),
            ("dense", "dense"), ("fc", "dense"), ("linear", "dense"), ("proj", "dense"), ("mlp", "dense"),
            ("pooler", "dense"), ("classifier", "dense"), ("lm_head", "dense"), ("head", "dense"),
        ]
        for component in components.reversed().map({ $0.lowercased() }) {
            for (marker, type) in rules where component.contains(marker) { return type }
        }
        for (marker, type) in rules where lower.contains(marker) { return type }
        return nil
    }
}
