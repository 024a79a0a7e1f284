/// The query model of tracking searches: MLflow's filter and order-by grammar, parsed (by `ProvQuery`) into values
/// that a back-end turns into its own query language.
///
/// The types live here, beside the store protocol, so that a back-end executes them without depending on the parser.
/// A filter is a conjunction of clauses (the grammar has only `AND`).

/// A built-in field of the searched records. Which ones a search accepts depends on what it searches. A closed set.
public enum SearchAttribute: String, Hashable, Sendable, Codable, CaseIterable {
    /// The run id, experiment id or logged-model id.
    case id
    /// The run name, experiment name or logged-model name.
    case name
    /// A run's status (`RUNNING`, `FINISHED`, ...) or a logged model's status (`LOGGED_MODEL_READY`, ...).
    case status
    /// The user a run is associated with.
    case user
    /// A run's artifact URI.
    case artifactURI
    /// A run's start time, in milliseconds since the epoch.
    case startTime
    /// A run's end time, in milliseconds since the epoch.
    case endTime
    /// An experiment's or logged model's creation time, in milliseconds since the epoch.
    case creationTime
    /// An experiment's or logged model's last update, in milliseconds since the epoch.
    case lastUpdateTime
    /// A logged model's type.
    case modelType
    /// The run that generated a logged model.
    case sourceRun
    /// A run's kind (`workflow`, `task`, `step`).
    case kind
    /// The id of a run's parent run.
    case parentRun
    /// A run's experiment, by name or id: a value matches either (the command line's `--experiment`).
    case experiment

    /// Whether the attribute holds a number (times) rather than text.
    public var isNumeric: Bool {
        switch self {
        case .startTime, .endTime, .creationTime, .lastUpdateTime: true
        default: false
        }
    }
}

/// A field of a dataset a run used. A closed set.
public enum SearchDatasetField: String, Hashable, Sendable, Codable, CaseIterable {
    case name
    case digest
    /// The context the dataset was used in (`training`, `evaluation`, ...).
    case context
}

/// What a clause or an ordering looks at.
public enum SearchKey: Hashable, Sendable {
    case attribute(SearchAttribute)
    /// The latest value of a metric (the value at the highest step, latest time on ties).
    case metric(String)
    case parameter(String)
    case tag(String)
    /// A field of any dataset the run used.
    case dataset(SearchDatasetField)
    /// A taxonomy term id or prefix (`model.hyperparameter`, `system`): `IS NOT NULL` holds for a run with a
    /// parameter, tag, metric or telemetry reading classified under the term or a narrower one, `IS NULL` for the
    /// others.
    case term(String)
}

/// How a clause compares. A closed set.
public enum SearchComparator: String, Hashable, Sendable, Codable, CaseIterable {
    case equal = "="
    case notEqual = "!="
    case less = "<"
    case lessOrEqual = "<="
    case greater = ">"
    case greaterOrEqual = ">="
    /// SQL `LIKE` with `%` and `_` wildcards, case-sensitive.
    case like = "LIKE"
    /// `LIKE`, ignoring case.
    case ilike = "ILIKE"
    case `in` = "IN"
    case notIn = "NOT IN"
    case isNull = "IS NULL"
    case isNotNull = "IS NOT NULL"
}

/// The right-hand side of a clause.
public enum SearchValue: Hashable, Sendable {
    case number(Double)
    case string(String)
    /// The values of `IN` and `NOT IN`.
    case list([String])
    /// No value: `IS NULL` and `IS NOT NULL`.
    case none
    /// A number as the user wrote it (the command line's `lr=0.01`). On a parameter or tag, `=` matches a value that
    /// is the same number or the same text, `!=` one that is neither, and `<`, `<=`, `>`, `>=` compare the value as a
    /// number (a value that is not a number does not match); elsewhere it is the number, or the text where text is
    /// compared.
    case numeral(Double, text: String)
}

/// One condition of a filter: `metrics.acc > 0.9`, `params.lr = '0.01'`, `tags.team IS NULL`.
///
/// A clause on a key the record lacks is false, except `IS NULL`.
public struct SearchClause: Hashable, Sendable {
    public var key: SearchKey
    public var comparator: SearchComparator
    public var value: SearchValue

    public init(_ key: SearchKey, _ comparator: SearchComparator, _ value: SearchValue) {
        self.key = key
        self.comparator = comparator
        self.value = value
    }
}

/// One key of an ordering. Records without the key sort last in both directions; NaN metrics sort after numbers.
public struct SearchOrder: Hashable, Sendable {
    public var key: SearchKey
    public var ascending: Bool

    public init(_ key: SearchKey, ascending: Bool = true) {
        self.key = key
        self.ascending = ascending
    }
}

/// Which lifecycle stages a search returns (MLflow's view type). A closed set.
public enum LifecycleFilter: String, Hashable, Sendable, Codable, CaseIterable {
    case activeOnly
    case deletedOnly
    case all
}

/// The bounds of a page that every store checks, with the same messages.
package enum PageBounds {
    /// How many rows a page of `limit` rows from `offset` reads: one more than `limit`, to tell whether another page
    /// follows.
    /// - Throws: ``StoreError`` `.invalidQuery` for a size below 1 or too large to add one to, or a negative offset.
    package static func rowsToRead(limit: Int, offset: Int) throws -> Int {
        guard limit >= 1 else { throw StoreError(.invalidQuery, "the page size must be at least 1, got \(limit)") }
        guard offset >= 0 else { throw StoreError(.invalidQuery, "the page offset must not be negative") }
        let (rows, overflow) = limit.addingReportingOverflow(1)
        guard !overflow else { throw StoreError(.invalidQuery, "the page size \(limit) is too large") }
        return rows
    }
}
