public import ProvModel

/// A provenance store: it ingests events atomically and answers queries over runs, nodes and lineage.
///
/// Back-ends (embedded SQLite, later PostgreSQL) conform to it and must pass the conformance suite in
/// `ProvTesting`. Everything outside the composition root takes `some ProvenanceStore`.
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
public protocol ProvenanceStore: ProvenanceEventSink {
    /// Ingests events in order, in one transaction; returns what was stored.
    @discardableResult
    func ingestCounting(_ events: [ProvEvent]) async throws -> IngestSummary

    /// All experiments, by name.
    func experiments() async throws -> [ExperimentSummary]

    /// The runs matching a filter, newest first.
    func runs(matching filter: RunFilter) async throws -> [RunSummary]

    /// One run with its parameters, metric summaries, tags, relations, architecture and terms; `nil` if unknown.
    func runDetail(_ id: ProvID) async throws -> RunDetail?

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

extension ProvenanceStore {
    public func ingest(_ events: [ProvEvent]) async throws {
        try await ingestCounting(events)
    }
}
