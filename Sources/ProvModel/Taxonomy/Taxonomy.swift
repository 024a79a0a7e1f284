import Synchronization

/// The five layers of the ProvKit taxonomy of AI-workflow provenance. A closed set.
public enum TaxonomyLayer: String, Sendable, Codable, CaseIterable {
    /// Hardware, infrastructure, storage, and the telemetry sampled from them.
    case system
    /// Workflow manager, ML framework, software environment.
    case platform
    /// Architecture, hyperparameters, training behaviour, performance.
    case model
    /// Inputs, intermediate data, feedback, decisions of the application domain.
    case application
    /// Datasets, splits, class statistics, loaders.
    case data
}

/// The type of value a term's keys carry. A closed set.
public enum TaxonomyValueType: String, Sendable, Codable, CaseIterable {
    /// A real number.
    case number
    /// A whole number.
    case integer
    /// Text.
    case string
    /// `true` or `false`.
    case boolean
    /// An ordered list of values (for RCLJT22 per-layer lists, hyphen-joined text such as `24-2-2`).
    case list
    /// A set of named values.
    case object
}

/// One term of the taxonomy: a concept that captured keys are classified into.
public struct TaxonomyTerm: Hashable, Sendable, Codable {
    /// A stable dotted identifier, such as `model.hyperparameter.learning_rate`. Its first segment is the layer.
    public var id: String
    /// The layer the term belongs to.
    public var layer: TaxonomyLayer
    /// The group within the layer, such as `hyperparameter`, `architecture`, `behaviour`, `performance`, `telemetry`.
    public var facet: String
    /// A short human-readable name.
    public var label: String
    /// The type of value the term's keys carry.
    public var valueType: TaxonomyValueType
    /// The SI or conventional unit (`1` for a fraction, `s`, `By`, `W`, `J`, `Cel`, `MHz`, `%`, `nat`); `nil` if none.
    public var unit: String?
    /// What the term means, in one or two sentences.
    public var description: String
    /// Normalized key names that map to this term exactly (see ``Taxonomy/normalize(_:)``).
    public var aliases: [String]
    /// Regular expressions that must match a whole normalized key.
    public var patterns: [String]
    /// IRIs of the equivalent or broader concepts in PROV-O, ML-Schema and other vocabularies.
    public var mappings: [String]

    /// Creates a term.
    public init(
        id: String, layer: TaxonomyLayer, facet: String, label: String, valueType: TaxonomyValueType,
        unit: String? = nil, description: String, aliases: [String] = [], patterns: [String] = [],
        mappings: [String] = []
    ) {
        self.id = id
        self.layer = layer
        self.facet = facet
        self.label = label
        self.valueType = valueType
        self.unit = unit
        self.description = description
        self.aliases = aliases
        self.patterns = patterns
        self.mappings = mappings
    }
}

/// A layer type of the neural-network architectural taxonomy (`conv2d`, `pool`, `dense`, ...),
/// with the per-layer hyperparameters that describe it.
public struct LayerTypeTerm: Hashable, Sendable, Codable {
    /// The type's name, such as `conv2d`.
    public var name: String
    /// What the layer does.
    public var description: String
    /// The hyperparameter names a layer of this type may carry, such as `kernel`, `stride`, `filters`.
    public var hyperparameters: [String]
    /// Other names for the type (framework class names, normalized).
    public var aliases: [String]
    /// IRIs of equivalent operators in other vocabularies (ONNX operators).
    public var mappings: [String]

    /// Creates a layer type.
    public init(
        name: String, description: String, hyperparameters: [String], aliases: [String] = [], mappings: [String] = []
    ) {
        self.name = name
        self.description = description
        self.hyperparameters = hyperparameters
        self.aliases = aliases
        self.mappings = mappings
    }
}

/// A class of learning behaviour in the behavioural taxonomy (`never_learner`, `overfitter`, ...).
public struct CurveClassTerm: Hashable, Sendable, Codable {
    /// The class's name, such as `never_learner`.
    public var name: String
    /// The rule, in words, with its default thresholds.
    public var rule: String
    /// The default thresholds by name.
    public var defaults: [String: Double]

    /// Creates a curve class.
    public init(name: String, rule: String, defaults: [String: Double] = [:]) {
        self.name = name
        self.rule = rule
        self.defaults = defaults
    }
}

/// How a key was matched to a term.
public struct TaxonomyMatch: Hashable, Sendable {
    /// How the key matched. A closed set.
    public enum Rule: String, Hashable, Sendable, Codable {
        /// The normalized key equals one of the term's aliases.
        case alias
        /// One of the term's patterns matches the whole normalized key.
        case pattern
    }

    /// The term the key belongs to.
    public var term: TaxonomyTerm
    /// How the key matched.
    public var rule: Rule
    /// The normalized key that was matched.
    public var normalizedKey: String
}

/// The ProvKit taxonomy: terms in five layers, the architectural and behavioural vocabularies,
/// mappings to W3C PROV and ML-Schema, and the classifier that assigns captured keys to terms.
///
/// It is versioned; ``Taxonomy/standard`` is the one shipped with this package.
public struct Taxonomy: Sendable {
    /// The taxonomy's version, bumped whenever a term is added, removed or changes meaning.
    public var version: String
    /// The namespace IRI that term identifiers extend (`pk:` in exports).
    public var namespace: String
    /// The terms, in classification order: among patterns, the first term's wins.
    public var terms: [TaxonomyTerm]
    /// The architectural vocabulary: the types of neural-network layers.
    public var layerTypes: [LayerTypeTerm]
    /// The behavioural vocabulary: the classes of learning curves.
    public var curveClasses: [CurveClassTerm]

    private let aliasIndex: [String: Int]
    private let patterns: PatternMatcher
    private let termIndex: [String: Int]

    /// Creates a taxonomy.
    /// - Throws: when a pattern is not a valid regular expression, two terms share an id or an alias, or two
    ///   layer types share a name or an alias, or two curve classes share a name.
    public init(
        version: String, namespace: String, terms: [TaxonomyTerm], layerTypes: [LayerTypeTerm],
        curveClasses: [CurveClassTerm]
    ) throws {
        self.version = version
        self.namespace = namespace
        self.terms = terms
        self.layerTypes = layerTypes
        self.curveClasses = curveClasses
        var aliasIndex: [String: Int] = [:]
        var termIndex: [String: Int] = [:]
        var patternSources: [(Int, String)] = []
        for (index, term) in terms.enumerated() {
            guard termIndex.updateValue(index, forKey: term.id) == nil else {
                throw TaxonomyError("duplicate term id '\(term.id)'")
            }
            for alias in term.aliases {
                let normalized = Taxonomy.normalize(alias)
                if let other = aliasIndex.updateValue(index, forKey: normalized), other != index {
                    throw TaxonomyError("alias '\(alias)' names both '\(terms[other].id)' and '\(term.id)'")
                }
            }
            for pattern in term.patterns {
                patternSources.append((index, pattern))
            }
        }
        var layerTypeNames: [String: Int] = [:]
        for (index, layerType) in layerTypes.enumerated() {
            for name in [layerType.name] + layerType.aliases {
                if let other = layerTypeNames.updateValue(index, forKey: Taxonomy.normalize(name)), other != index {
                    throw TaxonomyError(
                        "layer type name '\(name)' names both '\(layerTypes[other].name)' and '\(layerType.name)'")
                }
            }
        }
        var curveClassNames: Set<String> = []
        for curveClass in curveClasses where !curveClassNames.insert(curveClass.name).inserted {
            throw TaxonomyError("duplicate curve class '\(curveClass.name)'")
        }
        self.aliasIndex = aliasIndex
        self.termIndex = termIndex
        self.patterns = try PatternMatcher(patternSources, terms: terms)
    }

    /// Looks a term up by its identifier.
    public func term(id: String) -> TaxonomyTerm? {
        termIndex[id].map { terms[$0] }
    }

    /// The terms whose identifier equals `prefix` or starts with `prefix` followed by a dot.
    public func terms(under prefix: String) -> [TaxonomyTerm] {
        terms.filter { $0.id == prefix || $0.id.hasPrefix(prefix + ".") || $0.layer.rawValue == prefix }
    }

    /// Finds the term for a free-form key such as `lr`, `val_acc` or `system/gpu_0_utilization_percentage`.
    ///
    /// The key is normalized (``normalize(_:)``); an exact alias wins over a pattern; among patterns,
    /// the first term in taxonomy order wins. - Returns: `nil` when no term fits.
    public func classify(_ key: String) -> TaxonomyMatch? {
        let normalized = Taxonomy.normalize(key)
        if let index = aliasIndex[normalized] {
            return TaxonomyMatch(term: terms[index], rule: .alias, normalizedKey: normalized)
        }
        guard let index = patterns.firstMatch(normalized) else { return nil }
        return TaxonomyMatch(term: terms[index], rule: .pattern, normalizedKey: normalized)
    }

    /// Finds the layer type for a name such as `Conv2d`, `MaxPooling2D` or `fc`, by its name or one of its
    /// aliases after normalization (``normalize(_:)``). - Returns: `nil` when no layer type has that name.
    public func layerType(named name: String) -> LayerTypeTerm? {
        let normalized = Taxonomy.normalize(name)
        return layerTypes.first { type in
            Taxonomy.normalize(type.name) == normalized
                || type.aliases.contains { Taxonomy.normalize($0) == normalized }
        }
    }

    /// Normalizes a key for classification: camelCase becomes snake_case, letters are lowercased,
    /// every run of other characters (`/`, `.`, `-`, spaces) becomes one `_`, and leading or trailing `_` go.
    ///
    /// `learningRate` → `learning_rate`; `system/gpu_0_utilization_percentage` → `system_gpu_0_utilization_percentage`.
    public static func normalize(_ key: String) -> String {
        var output = ""
        output.reserveCapacity(key.utf8.count + 4)
        var previous: Character? = nil
        var pendingSeparator = false
        for character in key {
            if character.isLetter || character.isNumber {
                if pendingSeparator, !output.isEmpty { output.append("_") }
                pendingSeparator = false
                if character.isUppercase, let previous, previous.isLowercase || previous.isNumber, !output.isEmpty,
                    output.last != "_"
                {
                    output.append("_")
                }
                output.append(contentsOf: character.lowercased())
            } else {
                pendingSeparator = true
            }
            previous = character
        }
        return output
    }
}

/// A defect in a taxonomy definition.
public struct TaxonomyError: Error, CustomStringConvertible, Sendable {
    /// What is wrong with the definition.
    public var description: String
    init(_ description: String) { self.description = description }
}

/// The compiled patterns of a taxonomy. `Regex` is not `Sendable` (it compiles lazily), so matching is serialized.
private final class PatternMatcher: Sendable {
    private let compiled: Mutex<[(termIndex: Int, regex: Regex<AnyRegexOutput>)]>

    init(_ sources: [(Int, String)], terms: [TaxonomyTerm]) throws {
        var compiled: [(termIndex: Int, regex: Regex<AnyRegexOutput>)] = []
        for (index, pattern) in sources {
            do {
                compiled.append((index, try Regex(pattern)))
            } catch {
                throw TaxonomyError("term '\(terms[index].id)': invalid pattern '\(pattern)': \(error)")
            }
        }
        self.compiled = Mutex(compiled)
    }

    func firstMatch(_ key: String) -> Int? {
        compiled.withLock { patterns in
            patterns.first { (try? $0.regex.wholeMatch(in: key)) != nil }?.termIndex
        }
    }
}
