public import ProvModel

/// A provenance store: it ingests events atomically and answers queries over runs, nodes and lineage
/// (``ProvenanceGraphStore``), keeps the MLflow-compatible tracking view (``TrackingStore``) and copies itself for
/// migrations (``StoreAdministration``).
///
/// Back-ends (embedded SQLite, PostgreSQL) conform to it and must pass the conformance suite in `ProvTesting`.
/// Code outside the composition root takes the narrowest of the three protocols it needs (exports and lineage take
/// `some ProvenanceGraphStore`), or `some ProvenanceStore` when it needs more than one; a test double implements
/// only the protocol its subject takes.
///
/// Contract:
/// - ``ingest(_:)`` is all-or-nothing and durable when it returns; on failure it throws ``IngestError``
///   naming the event (by index in the batch) and the field at fault, and nothing of the batch is kept.
/// - Every parameter, metric, tag and telemetry key is classified by the taxonomy at ingest.
/// - Re-sending events the store holds changes nothing (a retry after a lost reply is safe): nodes, relations,
///   parameters, and metric points and telemetry samples identical to held ones are stored once; tags take their
///   latest value. ``IngestSummary`` does not count re-sent nodes, relations, parameters, points or samples.
/// - An ingest is refused when an event refers to a node neither held nor defined earlier in the batch, redefines an
///   id as another node type, links node types its relation does not allow, changes a parameter's value, reuses
///   another experiment's name, or ends a run before it started.
/// - Lineage is computed by the back-end (a recursive query), not by loading the graph into memory.
/// - A deleted run (``LifecycleStage/deleted``) takes no new data: `run_end`, `run_update`, `parameter`, `tag`,
///   `tag_delete`, `metric`, `telemetry` and `architecture` events for it are refused (code `inactiveTarget`), as
///   are new runs in a deleted experiment; a `lifecycle` event restores it. Deleting or restoring an experiment
///   does the same to its runs.
public protocol ProvenanceStore: ProvenanceGraphStore, TrackingStore, StoreAdministration {}

/// The provenance graph: atomic ingest of events, and the reads over experiments, runs, nodes and lineage that
/// exports, the CLI and analyses use. The ingest contract is ``ProvenanceStore``'s.
public protocol ProvenanceGraphStore: ProvenanceEventSink {
    /// Ingests events in order, in one transaction; returns what was stored.
    @discardableResult
    func ingestCounting(_ events: [ProvEvent]) async throws -> IngestSummary

    /// Ingests several independent batches in one transaction (a group commit): each batch is all-or-nothing on
    /// its own, and every stored batch is durable when the call returns. A batch may carry a key (the client's
    /// idempotency key, such as the native API's `Idempotency-Key` header): a batch whose key the store already holds
    /// from a stored batch is not applied again (its result counts only its events), so that a batch retried after a
    /// lost reply, through any server on the same store, is stored exactly once. A refused batch's key is not kept.
    /// - Returns: for each batch, in order, what it stored or why it was refused.
    /// - Throws: ``StoreError`` when the transaction as a whole failed; then nothing was stored.
    func ingest(keyedBatches: [KeyedBatch]) async throws -> [Result<IngestSummary, IngestError>]

    /// All experiments, by name.
    func experiments() async throws -> [ExperimentSummary]

    /// The runs matching a filter, newest first.
    func runs(matching filter: RunFilter) async throws -> [RunSummary]

    /// One run with its parameters, metric summaries, tags, relations, architecture and terms; `nil` if unknown.
    func runDetail(_ id: ProvID) async throws -> RunDetail?

    /// One page of the runs a query selects, in its order, each with the parts it asks for (the one read model of
    /// runs: filter by any clause, order by any key, page, load only what is needed).
    func runs(_ query: RunQuery) async throws -> SearchPage<RunView>

    /// The points of one metric series of a run, in step order.
    func metricHistory(run: ProvID, key: String) async throws -> [MetricPoint]

    /// Finds nodes a user may mean by `reference`: a full id, a unique id prefix (at least 6 hex digits),
    /// or an exact run name, entity name or entity location.
    func resolve(_ reference: String) async throws -> [NodeSummary]

    /// Describes one node; `nil` if unknown.
    func node(_ id: ProvID) async throws -> NodeSummary?

    /// The lineage of a node: the nodes reachable within `depth` relation hops, with the relations between them.
    ///
    /// `up` follows relations from subject to object (toward what the node came from); `down` the reverse.
    func lineage(of id: ProvID, direction: LineageDirection, depth: Int) async throws -> LineageGraph

    /// Counts of what the store holds.
    func statistics() async throws -> StoreStatistics

    /// The full records of part of the graph (for exports): the nodes in scope, every relation between them, and
    /// the runs' parameters, tags, metric series (with every point when `includePoints`), telemetry and
    /// architectures. Runs in scope bring their experiment along.
    /// - Throws: ``StoreError`` `.notFound` when the scope's root does not exist.
    func records(for scope: RecordScope, includePoints: Bool) async throws -> ProvenanceRecords
}

/// The MLflow-compatible tracking view: numbered experiments with artifact locations, and paged searches of
/// experiments, runs and logged models (see `TrackedExperiment` for what is kept beside the events).
public protocol TrackingStore: Sendable {
    /// Creates an experiment with its tags in one transaction and gives it the next number.
    /// - Parameter artifactLocation: where its artifacts go; `nil` for `mlflow-artifacts:/<number>`.
    /// - Throws: ``IngestError`` (code `duplicateName` when another experiment has the name).
    func createExperiment(
        _ record: ExperimentRecord, tags: [TagRecord], artifactLocation: String?
    ) async throws
        -> TrackedExperiment

    /// Makes sure experiment number 0 exists: returns it, else gives number 0 to the experiment named like
    /// `record`, else creates `record` as number 0.
    func ensureDefaultExperiment(_ record: ExperimentRecord) async throws -> TrackedExperiment

    /// One experiment; `nil` if there is none by that reference.
    func trackedExperiment(_ reference: ExperimentReference) async throws -> TrackedExperiment?

    /// The experiments a search matches, one page.
    /// - Throws: ``StoreError`` `.invalidQuery` for a key the search does not know.
    func searchExperiments(_ search: ExperimentSearch) async throws -> SearchPage<TrackedExperiment>

    /// The runs with these ids, in the same order; unknown ids are left out.
    func trackedRuns(_ ids: [ProvID]) async throws -> [TrackedRun]

    /// The runs a search matches, one page, each complete. Filtering, ordering and paging run in the back-end.
    /// - Throws: ``StoreError`` `.invalidQuery` for a key the search does not know.
    func searchRuns(_ search: RunSearch) async throws -> SearchPage<TrackedRun>

    /// One logged model (any model entity); `nil` if there is none.
    func trackedModel(_ id: ProvID) async throws -> TrackedModel?

    /// The logged models a search matches, one page.
    /// - Throws: ``StoreError`` `.invalidQuery` for a key the search does not know.
    func searchModels(_ search: ModelSearch) async throws -> SearchPage<TrackedModel>
}

/// Administration: what `provkit migrate` needs to copy a whole store into another.
public protocol StoreAdministration: Sendable {
    /// The full records of the whole store (for `provkit migrate`): every node, relation, parameter, tag, metric
    /// series (with every point when `includePoints`), telemetry sample and architecture.
    func allRecords(includePoints: Bool) async throws -> ProvenanceRecords

    /// Gives a stored experiment the MLflow number, artifact location and last-update time it has in another store
    /// (for `provkit migrate`, which copies experiments and then their bookkeeping).
    /// - Throws: ``StoreError`` `.notFound` for an unknown experiment, `.invalidQuery` when another experiment has
    ///   the number.
    func restoreBookkeeping(of experiment: TrackedExperiment) async throws
}

extension ProvenanceGraphStore {
    public func ingest(_ events: [ProvEvent]) async throws {
        try await ingestCounting(events)
    }

    /// Ingests several independent batches without keys (``ingest(keyedBatches:)``): each all-or-nothing on its
    /// own, in one transaction.
    public func ingest(batches: [[ProvEvent]]) async throws -> [Result<IngestSummary, IngestError>] {
        try await ingest(keyedBatches: batches.map { KeyedBatch(events: $0) })
    }
}

/// A batch of events with the key that identifies it across retries (see
/// ``ProvenanceGraphStore/ingest(keyedBatches:)``).
public struct KeyedBatch: Sendable {
    /// The events, stored all or nothing.
    public var events: [ProvEvent]
    /// The client's key for the batch (at most ``maximumKeyLength`` characters); `nil` for none.
    public var key: String?

    /// The longest key kept.
    public static let maximumKeyLength = 200

    public init(events: [ProvEvent], key: String? = nil) {
        self.events = events
        self.key = key
    }
}
