import Foundation
public import ProvModel

/// A comparison in a run filter. A closed set.
public enum FilterComparator: String, Sendable, Codable, CaseIterable {
    case equal = "="
    case notEqual = "!="
    case less = "<"
    case lessOrEqual = "<="
    case greater = ">"
    case greaterOrEqual = ">="
}

/// One condition on a key of a run: `lr>0.01`, `optimizer=SGD`.
///
/// Numeric comparators compare numerically (a parameter or tag whose text is not a number does not match);
/// `=` and `!=` compare numerically when both sides are numbers and as text otherwise.
public struct KeyCondition: Hashable, Sendable, Codable {
    public var key: String
    public var comparator: FilterComparator
    public var value: String

    public init(key: String, comparator: FilterComparator, value: String) {
        self.key = key
        self.comparator = comparator
        self.value = value
    }

    /// The value as a number, when it is one.
    public var numericValue: Double? { Double(value) }

    /// Parses `KEY<op>VALUE`, where `<op>` is one of `=`, `==`, `!=`, `<`, `<=`, `>`, `>=`.
    /// - Returns: `nil` when no comparator is present or the key is empty.
    public init?(parsing text: String) {
        let operators: [(String, FilterComparator)] = [
            ("!=", .notEqual), ("<=", .lessOrEqual), (">=", .greaterOrEqual), ("==", .equal), ("=", .equal),
            ("<", .less), (">", .greater),
        ]
        var earliest: (range: Range<String.Index>, comparator: FilterComparator)?
        for (symbol, comparator) in operators {
            guard let range = text.range(of: symbol) else { continue }
            let isEarlier =
                earliest.map {
                    range.lowerBound < $0.range.lowerBound
                        || (range.lowerBound == $0.range.lowerBound && range.upperBound > $0.range.upperBound)
                } ?? true
            if isEarlier { earliest = (range, comparator) }
        }
        guard let earliest else { return nil }
        let key = text[..<earliest.range.lowerBound].trimmingCharacters(in: .whitespaces)
        guard !key.isEmpty else { return nil }
        self.init(
            key: String(key), comparator: earliest.comparator,
            value: String(text[earliest.range.upperBound...]).trimmingCharacters(in: .whitespaces))
    }
}

/// Which runs a query wants. Empty fields do not filter.
public struct RunFilter: Hashable, Sendable, Codable {
    /// Experiment names or ids.
    public var experiments: [String]
    public var parameters: [KeyCondition]
    /// Conditions on each metric's latest value (the value at its highest step).
    public var metrics: [KeyCondition]
    public var tags: [KeyCondition]
    /// Taxonomy term ids or prefixes (`model.hyperparameter`, `system`): runs with a parameter, tag, metric or
    /// telemetry reading classified under every one of them.
    public var terms: [String]
    public var statuses: [RunStatus]
    public var kinds: [RunKind]
    /// Only the direct children of this run.
    public var parent: ProvID?
    /// At most this many runs; `nil` for all.
    public var limit: Int?

    public init(
        experiments: [String] = [], parameters: [KeyCondition] = [], metrics: [KeyCondition] = [],
        tags: [KeyCondition] = [], terms: [String] = [], statuses: [RunStatus] = [], kinds: [RunKind] = [],
        parent: ProvID? = nil, limit: Int? = nil
    ) {
        self.experiments = experiments
        self.parameters = parameters
        self.metrics = metrics
        self.tags = tags
        self.terms = terms
        self.statuses = statuses
        self.kinds = kinds
        self.parent = parent
        self.limit = limit
    }
}
