public import ProvModel

// The one read model of runs: a query (clauses of the query model, an ordering by any key, a page) and the parts of
// each run the caller wants loaded. Callers map a ``RunView`` to their own wire shape at the edge.

/// The parts of a run a ``RunQuery`` loads besides its summary. Each part is read for the whole page at once.
public struct RunParts: OptionSet, Hashable, Sendable {
    public let rawValue: Int

    public init(rawValue: Int) {
        self.rawValue = rawValue
    }

    /// Parameters with their taxonomy terms, by key.
    public static let parameters = RunParts(rawValue: 1 << 0)
    /// Tags with their taxonomy terms, by key.
    public static let tags = RunParts(rawValue: 1 << 1)
    /// Metric series summaries, by key.
    public static let metrics = RunParts(rawValue: 1 << 2)
    /// Relations from and to the run (its inputs and outputs among them), by kind and other node.
    public static let relations = RunParts(rawValue: 1 << 3)
    /// The direct child runs, oldest first.
    public static let children = RunParts(rawValue: 1 << 4)
    /// Architecture layers, in position order.
    public static let architecture = RunParts(rawValue: 1 << 5)
    /// The number of telemetry samples.
    public static let telemetry = RunParts(rawValue: 1 << 6)
    /// The distinct taxonomy terms of the run's keys, sorted.
    public static let terms = RunParts(rawValue: 1 << 7)
    /// Everything (what ``RunDetail`` holds).
    public static let all: RunParts = [
        .parameters, .tags, .metrics, .relations, .children, .architecture, .telemetry, .terms,
    ]
}

/// A query of runs: which (clauses of the one query model, all of which must hold), in which order, which page, and
/// which parts of each.
public struct RunQuery: Hashable, Sendable {
    /// The clauses, all of which a run must satisfy: any run key of ``SearchKey``.
    public var filter: [SearchClause]
    /// The ordering, by any key; ties (and an empty ordering) go by start time, newest first, then by run id, highest
    /// first.
    public var orderBy: [SearchOrder]
    /// Which lifecycle stages are returned; all by default (the provenance graph keeps deleted runs).
    public var lifecycle: LifecycleFilter
    /// At most this many runs (at least 1).
    public var limit: Int
    /// How many matching runs to skip.
    public var offset: Int
    /// What to load of each run besides its summary.
    public var parts: RunParts

    public init(
        filter: [SearchClause] = [], orderBy: [SearchOrder] = [], lifecycle: LifecycleFilter = .all,
        limit: Int = 1000, offset: Int = 0, parts: RunParts = []
    ) {
        self.filter = filter
        self.orderBy = orderBy
        self.lifecycle = lifecycle
        self.limit = limit
        self.offset = offset
        self.parts = parts
    }
}

/// A run with the parts its query asked for; a part not asked for is `nil`.
public struct RunView: Hashable, Sendable {
    public var summary: RunSummary
    public var parameters: [ClassifiedValue]?
    public var tags: [ClassifiedValue]?
    public var metrics: [MetricSummary]?
    public var relations: [RunRelation]?
    public var children: [RunSummary]?
    public var architecture: [ArchitectureLayerRow]?
    public var telemetrySampleCount: Int?
    public var terms: [String]?

    /// A view with only the summary.
    public init(summary: RunSummary) {
        self.summary = summary
    }

    /// The parts of `detail` that `parts` names.
    public init(_ detail: RunDetail, parts: RunParts) {
        summary = detail.run
        parameters = parts.contains(.parameters) ? detail.parameters : nil
        tags = parts.contains(.tags) ? detail.tags : nil
        metrics = parts.contains(.metrics) ? detail.metrics : nil
        relations = parts.contains(.relations) ? detail.relations : nil
        children = parts.contains(.children) ? detail.children : nil
        architecture = parts.contains(.architecture) ? detail.architecture : nil
        telemetrySampleCount = parts.contains(.telemetry) ? detail.telemetrySampleCount : nil
        terms = parts.contains(.terms) ? detail.terms : nil
    }

    /// The view as a ``RunDetail``, a part not loaded being empty.
    public var detail: RunDetail {
        RunDetail(
            run: summary, parameters: parameters ?? [], tags: tags ?? [], metrics: metrics ?? [],
            relations: relations ?? [], children: children ?? [], architecture: architecture ?? [],
            telemetrySampleCount: telemetrySampleCount ?? 0, terms: terms ?? [])
    }
}
