// The full records of part of the provenance graph, as a store holds them: the input of exports, migrations and
// analyses. Plain values, so that consumers (ProvExport, ProvAnalysis) need no store to work on them.

/// A summary of one metric series of a run.
public struct MetricSummary: Hashable, Sendable, Codable {
    public var key: String
    public var term: String?
    public var count: Int
    /// The value at the highest step (latest time on ties), as MLflow reports a metric.
    public var last: Double
    public var lastStep: Int64
    public var min: Double
    public var max: Double

    public init(key: String, term: String?, count: Int, last: Double, lastStep: Int64, min: Double, max: Double) {
        self.key = key
        self.term = term
        self.count = count
        self.last = last
        self.lastStep = lastStep
        self.min = min
        self.max = max
    }
}

/// A stored metric series: its key, classification, summary and (optionally) every point.
public struct MetricSeriesRecord: Hashable, Sendable {
    public var run: ProvID
    public var summary: MetricSummary
    /// The points in step order; empty when they were not asked for.
    public var points: [MetricPoint]

    public init(run: ProvID, summary: MetricSummary, points: [MetricPoint]) {
        self.run = run
        self.summary = summary
        self.points = points
    }
}

/// A stored run with everything recorded at its start and end.
public struct RunRecord: Hashable, Sendable {
    public var start: RunStart
    /// The run's status now (its end status once it ended).
    public var status: RunStatus
    public var endedAt: ProvTime?

    public init(start: RunStart, status: RunStatus, endedAt: ProvTime?) {
        self.start = start
        self.status = status
        self.endedAt = endedAt
    }
}

/// The full records of a part of the provenance graph, as stored: the input of exports.
///
/// Every relation's two ends are among the nodes listed, so the records form a closed graph; parameters, tags,
/// series, telemetry and architectures belong to the runs (or experiments) listed.
public struct ProvenanceRecords: Hashable, Sendable {
    public var experiments: [ExperimentRecord] = []
    public var runs: [RunRecord] = []
    public var entities: [EntityRecord] = []
    public var agents: [AgentRecord] = []
    public var relations: [RelationRecord] = []
    public var parameters: [ParameterRecord] = []
    /// Tags of the runs and experiments listed, with their taxonomy terms.
    public var tags: [TagRecord] = []
    public var metricSeries: [MetricSeriesRecord] = []
    public var telemetry: [TelemetrySample] = []
    public var architectures: [ArchitectureRecord] = []
    /// The taxonomy term of each parameter, tag and telemetry key, by key (metric terms are in their summaries).
    public var terms: [String: String] = [:]

    public init() {}
}
