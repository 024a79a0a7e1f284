public import Logging
public import ProvModel
import Synchronization

/// A provenance store held in memory, in pure Swift: for tests, the SDK and throwaway work, and a third reference
/// of the store contract beside the SQL back-ends (it passes the same conformance suite).
///
/// The state is one value behind a lock. An ingest holds the lock while it applies its batch (in place; over a copy
/// kept aside when the plan may still be refused once written), so a refused batch leaves nothing behind; reads take
/// a snapshot (a copy-on-write reference) and work outside the lock. The ingest rules are ``IngestPlanner``'s; the
/// tables answer its lookups and apply its primitive operations (``IngestBackend``). Nothing survives the process.
public final class InMemoryStore: ProvenanceStore {
    private let state: Mutex<InMemoryTables>
    private let logger: Logger

    /// Creates an empty store.
    /// - Parameter taxonomy: classifies parameter, tag, metric and telemetry keys.
    public init(taxonomy: Taxonomy = .standard, logger: Logger = Logger(label: "provkit.store.memory")) {
        state = Mutex(InMemoryTables(classifier: KeyClassifier(taxonomy: taxonomy)))
        self.logger = logger
    }

    /// The state as it is now.
    var snapshot: InMemoryTables { state.withLock { $0 } }

    /// Runs `body` on a copy of the state and keeps the copy only when `body` returns.
    private func write<T>(_ body: (inout InMemoryTables) throws -> T) throws -> T {
        try state.withLock { tables in
            var copy = tables
            let result = try body(&copy)
            tables = copy
            return result
        }
    }

    // MARK: Ingest

    /// The batch all or nothing: it is applied to a copy of the state, which replaces the state once it is stored.
    @discardableResult
    public func ingestCounting(_ events: [ProvEvent]) async throws -> IngestSummary {
        if events.isEmpty { return IngestSummary() }
        let summary = try state.withLock { tables in try tables.ingestAtomically(events) }
        logger.debug("store.ingested", metadata: ["ingest.events": "\(events.count)"])
        return summary
    }

    /// Each batch on its own copy: a refused batch is dropped alone; a batch whose key is held is skipped (its result
    /// counts only its events), and a refused batch's key is not kept.
    public func ingest(keyedBatches batches: [KeyedBatch]) async throws -> [Result<IngestSummary, IngestError>] {
        guard !batches.isEmpty else { return [] }
        let results = state.withLock { tables in
            batches.map { batch -> Result<IngestSummary, IngestError> in
                if let key = batch.key, tables.batchKeys.contains(key) {
                    var summary = IngestSummary()
                    summary.events = batch.events.count
                    return .success(summary)
                }
                do {
                    let summary = try tables.ingestAtomically(batch.events)
                    if let key = batch.key { tables.batchKeys.insert(key) }
                    return .success(summary)
                } catch let error as IngestError {
                    return .failure(error)
                } catch {
                    // The planner and the tables raise nothing else.
                    return .failure(IngestError(eventIndex: 0, field: nil, message: "\(error)"))
                }
            }
        }
        logger.debug("store.ingested", metadata: ["ingest.batches": "\(batches.count)"])
        return results
    }

    // MARK: The provenance graph

    public func experiments() async throws -> [ExperimentSummary] { snapshot.experimentSummaries() }

    public func runs(matching filter: RunFilter) async throws -> [RunSummary] { try snapshot.runs(matching: filter) }

    public func runDetail(_ id: ProvID) async throws -> RunDetail? { snapshot.runDetail(id) }

    public func metricHistory(run: ProvID, key: String) async throws -> [MetricPoint] {
        snapshot.metricHistory(run: run, key: key)
    }

    public func resolve(_ reference: String) async throws -> [NodeSummary] { snapshot.resolve(reference) }

    public func node(_ id: ProvID) async throws -> NodeSummary? { snapshot.nodeSummary(id) }

    /// `both` is the union of the upward and the downward walk (not the whole connected component).
    public func lineage(of id: ProvID, direction: LineageDirection, depth: Int) async throws -> LineageGraph {
        try snapshot.lineage(of: id, direction: direction, depth: depth)
    }

    public func statistics() async throws -> StoreStatistics { snapshot.statistics() }

    public func records(for scope: RecordScope, includePoints: Bool) async throws -> ProvenanceRecords {
        try snapshot.records(for: scope, includePoints: includePoints)
    }

    // MARK: Administration

    public func allRecords(includePoints: Bool) async throws -> ProvenanceRecords {
        let tables = snapshot
        return tables.collect(Set(tables.nodeTypes.keys), includePoints: includePoints)
    }

    public func restoreBookkeeping(of experiment: TrackedExperiment) async throws {
        try write { tables in try tables.restoreBookkeeping(of: experiment) }
    }

    // MARK: The tracking view

    public func createExperiment(
        _ record: ExperimentRecord, tags: [TagRecord], artifactLocation: String?
    ) async throws -> TrackedExperiment {
        try write { tables in
            _ = try tables.ingestAtomically([.experiment(record)] + tags.map { .tag($0) })
            if let artifactLocation { tables.experiments[record.id]?.artifactLocation = artifactLocation }
            guard let created = tables.trackedExperiment(.id(record.id)) else {
                throw StoreError(.backend, "the new experiment \(record.id.hex) could not be read back")
            }
            return created
        }
    }

    public func ensureDefaultExperiment(_ record: ExperimentRecord) async throws -> TrackedExperiment {
        try write { tables in
            if let existing = tables.trackedExperiment(.number(0)) { return existing }
            if tables.experiment(named: record.name) == nil { _ = try tables.ingestAtomically([.experiment(record)]) }
            if let id = tables.experiment(named: record.name) { tables.experiments[id]?.number = 0 }
            guard let created = tables.trackedExperiment(.number(0)) else {
                throw StoreError(.backend, "the default experiment could not be read back")
            }
            return created
        }
    }

    public func trackedExperiment(_ reference: ExperimentReference) async throws -> TrackedExperiment? {
        snapshot.trackedExperiment(reference)
    }

    public func searchExperiments(_ search: ExperimentSearch) async throws -> SearchPage<TrackedExperiment> {
        try snapshot.searchExperiments(search)
    }

    public func trackedRuns(_ ids: [ProvID]) async throws -> [TrackedRun] {
        let tables = snapshot
        return ids.compactMap { tables.trackedRun($0) }
    }

    public func searchRuns(_ search: RunSearch) async throws -> SearchPage<TrackedRun> {
        try snapshot.searchRuns(search)
    }

    public func trackedModel(_ id: ProvID) async throws -> TrackedModel? { snapshot.trackedModel(id) }

    public func searchModels(_ search: ModelSearch) async throws -> SearchPage<TrackedModel> {
        try snapshot.searchModels(search)
    }
}
