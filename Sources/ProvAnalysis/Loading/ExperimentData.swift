public import ProvModel

/// One point of a stored series, as the analyses see it.
public struct SeriesPoint: Sendable, Hashable, Codable {
    public var step: Int64
    /// The point's epoch: the recorded epoch, else the step.
    public var epoch: Double
    public var value: Double

    public init(step: Int64, epoch: Double, value: Double) {
        self.step = step
        self.epoch = epoch
        self.value = value
    }
}

/// A stored metric series of a run with its taxonomy term.
public struct RunSeries: Sendable, Hashable {
    public var key: String
    public var term: String?
    /// The points in step order.
    public var points: [SeriesPoint]

    public init(key: String, term: String?, points: [SeriesPoint]) {
        self.key = key
        self.term = term
        self.points = points
    }
}

/// A key-value pair of a run with its taxonomy term.
public struct RunValue: Sendable, Hashable {
    public var key: String
    public var value: String
    public var term: String?

    public init(key: String, value: String, term: String?) {
        self.key = key
        self.value = value
        self.term = term
    }
}

/// Everything the analyses need about one stored run: plain values, loaded once from a store.
public struct RunData: Sendable, Hashable {
    public var id: ProvID
    public var name: String?
    public var status: RunStatus
    public var startedAt: ProvTime
    public var endedAt: ProvTime?
    public var parameters: [RunValue]
    public var tags: [RunValue]
    public var series: [RunSeries]
    /// The layers of the run's recorded architecture, in order; empty when none was recorded.
    public var layers: [ArchitectureLayer]
    /// The dataset entities the run used.
    public var datasets: [EntityRecord]

    public init(
        id: ProvID, name: String?, status: RunStatus, startedAt: ProvTime, endedAt: ProvTime?,
        parameters: [RunValue] = [], tags: [RunValue] = [], series: [RunSeries] = [], layers: [ArchitectureLayer] = [],
        datasets: [EntityRecord] = []
    ) {
        self.id = id
        self.name = name
        self.status = status
        self.startedAt = startedAt
        self.endedAt = endedAt
        self.parameters = parameters
        self.tags = tags
        self.series = series
        self.layers = layers
        self.datasets = datasets
    }

    /// The run's display name: its name, else its id.
    public var label: String { name ?? id.hex }

    /// The first parameter, else tag, with this key.
    public func value(forKey key: String) -> String? {
        parameters.first { $0.key == key }?.value ?? tags.first { $0.key == key }?.value
    }

    /// The first parameter, else tag, classified under this taxonomy term.
    public func value(forTerm term: String) -> RunValue? {
        parameters.first { $0.term == term } ?? tags.first { $0.term == term }
    }

    /// The series with this key.
    public func series(forKey key: String) -> RunSeries? { series.first { $0.key == key } }
}

/// The runs of one experiment, as stored.
public struct ExperimentData: Sendable, Hashable {
    public var id: ProvID
    public var name: String
    /// The runs, in start order (then by id).
    public var runs: [RunData]

    public init(id: ProvID, name: String, runs: [RunData]) {
        self.id = id
        self.name = name
        self.runs = runs
    }

    /// Builds the analyses' view of an experiment from stored records (a store's `records(for:includePoints:)` with
    /// scope `.experiment`; `ExperimentData.load` in ProvQuery does both).
    public init(records: ProvenanceRecords, experiment: ProvID) throws(AnalysisError) {
        guard let record = records.experiments.first(where: { $0.id == experiment }) else {
            throw .insufficientData("the records hold no experiment \(experiment.hex)")
        }
        let entities = Dictionary(records.entities.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        var byRun: [ProvID: RunData] = [:]
        for run in records.runs where run.start.experiment == experiment {
            byRun[run.start.id] = RunData(
                id: run.start.id, name: run.start.name, status: run.status, startedAt: run.start.startedAt,
                endedAt: run.endedAt)
        }
        for parameter in records.parameters where byRun[parameter.run] != nil {
            byRun[parameter.run]?.parameters.append(
                RunValue(key: parameter.key, value: parameter.value, term: records.terms[parameter.key]))
        }
        for tag in records.tags where tag.targetType == .run && byRun[tag.target] != nil {
            byRun[tag.target]?.tags.append(RunValue(key: tag.key, value: tag.value, term: records.terms[tag.key]))
        }
        for series in records.metricSeries where byRun[series.run] != nil {
            let points = series.points.sorted { $0.step < $1.step }.map {
                SeriesPoint(step: $0.step, epoch: $0.epoch ?? Double($0.step), value: $0.value)
            }
            byRun[series.run]?.series.append(
                RunSeries(key: series.summary.key, term: series.summary.term, points: points))
        }
        for architecture in records.architectures where byRun[architecture.run] != nil {
            byRun[architecture.run]?.layers = architecture.layers
        }
        for relation in records.relations where relation.kind == .used && byRun[relation.subject] != nil {
            if let entity = entities[relation.object], entity.kind == .dataset {
                byRun[relation.subject]?.datasets.append(entity)
            }
        }
        var runs = Array(byRun.values)
        for index in runs.indices {
            runs[index].parameters.sort { $0.key < $1.key }
            runs[index].tags.sort { $0.key < $1.key }
            runs[index].series.sort { $0.key < $1.key }
        }
        runs.sort { ($0.startedAt, $0.id) < ($1.startedAt, $1.id) }
        self.init(id: record.id, name: record.name, runs: runs)
    }
}
