public import ProvModel

// The primitive writes an ingest makes, which each back-end implements inside its own transaction, and the
// shared driver that runs a batch through a back-end: lookups, plan, writes, then what only the store could tell.

/// One primitive write of an ingest. The planner has checked every rule; the back-end only stores.
public enum IngestOperation: Sendable, Equatable {
    /// Creates the experiment (`isNew`: its node and the next experiment number) or updates the one held: a new
    /// name, the description when given, the creation time when none is held.
    case putExperiment(ExperimentRecord, isNew: Bool)
    /// Creates the run (`isNew`) or updates the one held: experiment, parent, kind, start time, and the name when
    /// given; status and end stay.
    case putRun(RunStart, isNew: Bool)
    /// Sets a run's status and end time.
    case endRun(RunEnd)
    /// Sets a run's columns to the values given (the held ones merged with the update's; the parent only when
    /// given).
    case updateRun(ProvID, RunColumns)
    /// Creates the entity (`isNew`) or updates the one held (fields given replace, a held creation time stays).
    case putEntity(EntityRecord, isNew: Bool)
    /// Creates the agent (`isNew`) or updates the one held.
    case putAgent(AgentRecord, isNew: Bool)
    /// Adds a relation; one held keeps its first time and takes newer attributes.
    case putRelation(RelationRecord)
    /// Adds a parameter the run does not hold.
    case insertParameter(ParameterRecord)
    /// Sets a tag, replacing a held value.
    case setTag(TagRecord)
    /// Removes a held tag.
    case deleteTag(TagDeletion)
    /// Records that an experiment changed now.
    case touchExperiment(ProvID)
    /// Deletes or restores a run, or an experiment with its runs (restoring the runs deleted with it).
    case setStage(LifecycleChange)
    /// Adds a metric point to its run's series (created when new), unless an identical point is held.
    case insertMetricPoint(MetricPoint)
    /// Adds a metric point of a model (`point.model`) to the model's metrics, unless an identical one is held.
    case insertModelMetric(MetricPoint)
    /// Adds a telemetry sample (and its keys), unless an identical sample is held.
    case insertTelemetry(TelemetrySample)
    /// Replaces a run's architecture.
    case replaceArchitecture(ArchitectureRecord)
}

/// A run's columns as an update leaves them.
public struct RunColumns: Sendable, Equatable {
    public var name: String?
    public var status: String
    /// Microseconds since the epoch.
    public var endedAt: Int64?
    /// The new parent; `nil` keeps the held one.
    public var parent: ProvID?
    public var kind: String

    public init(name: String?, status: String, endedAt: Int64?, parent: ProvID?, kind: String) {
        (self.name, self.status, self.endedAt, self.parent, self.kind) = (name, status, endedAt, parent, kind)
    }
}

/// An operation and the event it stands for.
public struct IngestStep: Sendable, Equatable {
    public var eventIndex: Int
    public var operation: IngestOperation
    /// `true` when the step's run is deleted, so that the step may only repeat what is held: storing anything new
    /// refuses the batch (a re-sent point is accepted, a new one is not).
    public var onlyResend: Bool

    public init(eventIndex: Int, operation: IngestOperation, onlyResend: Bool = false) {
        self.eventIndex = eventIndex
        self.operation = operation
        self.onlyResend = onlyResend
    }
}

/// A back-end's side of an ingest whose transaction is a synchronous closure: lookups and primitive writes.
///
/// `apply` answers, for each step, whether it stored something new: a created node (`put…` with `isNew`, `false`
/// when a concurrent writer created it first), an added relation, parameter, metric point, model metric or
/// telemetry sample (`false` for one already held); other steps answer anything.
public protocol IngestBackend {
    /// Answers a batch's lookups as the store holds them, inside the transaction (taking any locks first).
    mutating func facts(for lookups: IngestLookups) throws -> IngestFacts
    /// Stores the steps in order; for each, whether it stored something new.
    mutating func apply(_ steps: [IngestStep]) throws -> [Bool]
    /// Folds a batch's new points into each series' summary (keyed by run and metric key).
    mutating func updateSeries(_ deltas: [HeldKey: MetricSeriesDelta]) throws
}

/// ``IngestBackend`` for a back-end whose transaction is asynchronous.
public protocol AsyncIngestBackend {
    /// Answers a batch's lookups as the store holds them, inside the transaction (taking any locks first).
    mutating func facts(for lookups: IngestLookups) async throws -> IngestFacts
    /// Stores the steps in order; for each, whether it stored something new.
    mutating func apply(_ steps: [IngestStep]) async throws -> [Bool]
    /// Folds a batch's new points into each series' summary (keyed by run and metric key).
    mutating func updateSeries(_ deltas: [HeldKey: MetricSeriesDelta]) async throws
}

extension IngestBackend {
    /// Ingests a batch in the back-end's current transaction.
    /// - Throws: ``IngestError`` for the first event that breaks a rule; the caller rolls the transaction back.
    public mutating func ingest(_ events: [ProvEvent]) throws -> IngestSummary {
        let planner = IngestPlanner(events)
        let plan = planner.plan(with: try facts(for: planner.lookups))
        try plan.refuseBeforeWriting()
        let outcome = try plan.outcome(stored: try apply(plan.steps))
        try updateSeries(outcome.seriesDeltas)
        return outcome.summary
    }
}

extension AsyncIngestBackend {
    /// Ingests a batch in the back-end's current transaction.
    /// - Throws: ``IngestError`` for the first event that breaks a rule; the caller rolls the transaction back.
    public mutating func ingest(_ events: [ProvEvent]) async throws -> IngestSummary {
        let planner = IngestPlanner(events)
        let plan = planner.plan(with: try await facts(for: planner.lookups))
        try plan.refuseBeforeWriting()
        let outcome = try plan.outcome(stored: try await apply(plan.steps))
        try await updateSeries(outcome.seriesDeltas)
        return outcome.summary
    }
}

/// What a batch changed, once the store said which steps stored something new.
public struct IngestOutcome: Sendable {
    public var summary = IngestSummary()
    /// The changes to each metric series' summary, keyed by run and metric key.
    public var seriesDeltas: [HeldKey: MetricSeriesDelta] = [:]
}

extension IngestPlan {
    /// Throws the planned refusal at once when no step before it needs the store's answer.
    public func refuseBeforeWriting() throws(IngestError) {
        if let failure, !steps.contains(where: \.onlyResend) { throw failure }
    }

    /// Counts what the steps stored and sums the metric series' changes.
    /// - Parameter stored: for each step, whether it stored something new (``IngestBackend/apply(_:)``).
    /// - Throws: ``IngestError`` for a step of a deleted run that stored something new, or the planned refusal.
    public func outcome(stored: [Bool]) throws(IngestError) -> IngestOutcome {
        var outcome = IngestOutcome()
        outcome.summary.events = eventCount
        for (step, isNew) in zip(steps, stored) {
            if isNew, step.onlyResend, let run = step.operation.run {
                throw .inactive(run, .run, field: "run", at: step.eventIndex)
            }
            outcome.count(step.operation, isNew: isNew)
        }
        if let failure { throw failure }
        return outcome
    }
}

extension IngestOutcome {
    fileprivate mutating func count(_ operation: IngestOperation, isNew: Bool) {
        switch operation {
        case .putExperiment: if isNew { summary.experiments += 1 }
        case .putRun: if isNew { summary.runs += 1 }
        case .putEntity: if isNew { summary.entities += 1 }
        case .putAgent: if isNew { summary.agents += 1 }
        case .putRelation: if isNew { summary.relations += 1 }
        case .insertParameter: if isNew { summary.parameters += 1 }
        case .setTag: summary.tags += 1
        case .insertTelemetry: if isNew { summary.telemetrySamples += 1 }
        case .replaceArchitecture: summary.architectures += 1
        case .insertMetricPoint(let point):
            guard isNew else { return }
            summary.metricPoints += 1
            seriesDeltas[HeldKey(node: point.run, key: point.key), default: MetricSeriesDelta()].add(
                value: point.value, step: point.step, time: point.time?.microsecondsSinceEpoch)
        case .endRun, .updateRun, .deleteTag, .touchExperiment, .setStage, .insertModelMetric: break
        }
    }
}

extension IngestOperation {
    /// The run whose data a metric or telemetry step adds.
    fileprivate var run: ProvID? {
        switch self {
        case .insertMetricPoint(let point), .insertModelMetric(let point): point.run
        case .insertTelemetry(let sample): sample.run
        default: nil
        }
    }
}
