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

extension FilterComparator {
    /// The same comparison in the query model.
    public var searchComparator: SearchComparator {
        switch self {
        case .equal: .equal
        case .notEqual: .notEqual
        case .less: .less
        case .lessOrEqual: .lessOrEqual
        case .greater: .greater
        case .greaterOrEqual: .greaterOrEqual
        }
    }
}

extension KeyCondition {
    /// The condition as a clause on a parameter or tag: a numeric value is a ``SearchValue/numeral(_:text:)``
    /// (compared as a number or as text, see there); other values are compared as text, and only for equality.
    /// - Throws: ``StoreError`` `.invalidQuery` for `<`, `<=`, `>`, `>=` with a value that is not a number.
    public func clause(on key: SearchKey) throws -> SearchClause {
        if let number = numericValue {
            return SearchClause(key, comparator.searchComparator, .numeral(number, text: value))
        }
        guard comparator == .equal || comparator == .notEqual else {
            let symbol = comparator.rawValue
            throw StoreError(.invalidQuery, "'\(self.key)\(symbol)\(value)': \(symbol) needs a number")
        }
        return SearchClause(key, comparator.searchComparator, .string(value))
    }

    /// The condition as a clause on a metric's latest value.
    /// - Throws: ``StoreError`` `.invalidQuery` when the value is not a number.
    public func metricClause() throws -> SearchClause {
        guard let number = numericValue else {
            throw StoreError(.invalidQuery, "metric condition on '\(key)' needs a number, got '\(value)'")
        }
        return SearchClause(.metric(key), comparator.searchComparator, .number(number))
    }
}

extension RunFilter {
    /// The filter in the query model: one clause per condition, all of which must hold (the limit is not a clause).
    /// - Throws: ``StoreError`` `.invalidQuery` for a condition that needs a number and has none, or a negative limit.
    public func clauses() throws -> [SearchClause] {
        var clauses: [SearchClause] = []
        if !experiments.isEmpty { clauses.append(SearchClause(.attribute(.experiment), .in, .list(experiments))) }
        for condition in parameters { clauses.append(try condition.clause(on: .parameter(condition.key))) }
        for condition in tags { clauses.append(try condition.clause(on: .tag(condition.key))) }
        for condition in metrics { clauses.append(try condition.metricClause()) }
        for term in terms { clauses.append(SearchClause(.term(term), .isNotNull, .none)) }
        if !statuses.isEmpty {
            clauses.append(SearchClause(.attribute(.status), .in, .list(statuses.map { $0.rawValue.uppercased() })))
        }
        if !kinds.isEmpty { clauses.append(SearchClause(.attribute(.kind), .in, .list(kinds.map(\.rawValue)))) }
        if let parent { clauses.append(SearchClause(.attribute(.parentRun), .equal, .string(parent.hex))) }
        if let limit, limit < 0 { throw StoreError(.invalidQuery, "the limit must not be negative") }
        return clauses
    }
}
