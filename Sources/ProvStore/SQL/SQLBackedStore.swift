package import ProvModel

/// A store over a relational database whose reads are the shared SQL of this folder: a back-end names its dialect and
/// runs a ``SQLRead`` inside one read transaction; every read of the store protocols below comes with it.
///
/// To add a relational back-end: conform to this protocol (a dialect, and a loop that runs each statement and hands
/// its rows over), and write only what is its own (opening, ingest, schema).
package protocol SQLBackedStore: Sendable {
    /// The SQL dialect the database speaks.
    var dialect: SQLDialect { get }

    /// Runs a read in one read transaction.
    func fetch<Read: SQLRead>(_ read: Read) async throws -> Read.Output

    /// Runs statements that write (and may return rows) in one write transaction; it is rolled back when one throws.
    func fetchWriting<Read: SQLRead>(_ read: Read) async throws -> Read.Output
}

extension SQLBackedStore {
    // MARK: The provenance graph

    public func experiments() async throws -> [ExperimentSummary] {
        try await fetch(GraphSQL(dialect).experiments())
    }

    public func runs(matching filter: RunFilter) async throws -> [RunSummary] {
        try await fetch(try GraphSQL(dialect).runs(matching: filter))
    }

    public func runDetail(_ id: ProvID) async throws -> RunDetail? {
        try await fetch(try GraphSQL(dialect).runDetail(id))
    }

    public func runs(_ query: RunQuery) async throws -> SearchPage<RunView> {
        try await fetch(try GraphSQL(dialect).runs(query))
    }

    public func metricHistory(run: ProvID, key: String) async throws -> [MetricPoint] {
        try await fetch(GraphSQL(dialect).metricHistory(run: run, key: key))
    }

    public func resolve(_ reference: String) async throws -> [NodeSummary] {
        try await fetch(GraphSQL(dialect).resolve(reference))
    }

    public func node(_ id: ProvID) async throws -> NodeSummary? {
        try await fetch(GraphSQL(dialect).node(id))
    }

    /// Walks the lineage of a node with a recursive query inside the database.
    ///
    /// `both` is the union of the upward and the downward walk (not the whole connected component).
    public func lineage(of id: ProvID, direction: LineageDirection, depth: Int) async throws -> LineageGraph {
        try await fetch(try GraphSQL(dialect).lineage(of: id, direction: direction, depth: depth))
    }

    public func statistics() async throws -> StoreStatistics {
        try await fetch(GraphSQL(dialect).statistics())
    }

    public func records(for scope: RecordScope, includePoints: Bool) async throws -> ProvenanceRecords {
        try await fetch(try RecordsSQL(dialect).records(for: scope, includePoints: includePoints))
    }

    public func allRecords(includePoints: Bool) async throws -> ProvenanceRecords {
        try await fetch(RecordsSQL(dialect).allRecords(includePoints: includePoints))
    }

    public func restoreBookkeeping(of experiment: TrackedExperiment) async throws {
        try await fetchWriting(TrackingWrites.restoreBookkeeping(of: experiment))
    }

    // MARK: The tracking view

    public func trackedExperiment(_ reference: ExperimentReference) async throws -> TrackedExperiment? {
        try await fetch(TrackingSQL(dialect).experiment(reference))
    }

    public func searchExperiments(_ search: ExperimentSearch) async throws -> SearchPage<TrackedExperiment> {
        try await fetch(try TrackingSQL(dialect).searchExperiments(search))
    }

    public func trackedRuns(_ ids: [ProvID]) async throws -> [TrackedRun] {
        guard !ids.isEmpty else { return [] }
        return try await fetch(TrackingSQL(dialect).runs(ids))
    }

    public func searchRuns(_ search: RunSearch) async throws -> SearchPage<TrackedRun> {
        try await fetch(try TrackingSQL(dialect).searchRuns(search))
    }

    public func trackedModel(_ id: ProvID) async throws -> TrackedModel? {
        try await fetch(TrackingSQL(dialect).model(id))
    }

    public func searchModels(_ search: ModelSearch) async throws -> SearchPage<TrackedModel> {
        try await fetch(try TrackingSQL(dialect).searchModels(search))
    }
}

/// The tracking view's bookkeeping writes, the same in both dialects.
package enum TrackingWrites {
    /// Sets the artifact location of a new experiment.
    package static func setArtifactLocation(_ location: String, of experiment: ProvID) -> SQLStatement {
        SQLStatement(
            "UPDATE experiment SET artifact_location = ? WHERE node_pk = (SELECT pk FROM node WHERE id = ?)",
            [.text(location), .text(experiment.hex)])
    }

    /// Makes the experiment named `name` the default one (number 0).
    package static func makeDefault(named name: String) -> SQLStatement {
        SQLStatement("UPDATE experiment SET number = 0 WHERE name = ?", [.text(name)])
    }

    private struct Restore: Sendable {
        var taken = false
        var updated = false
    }

    /// Restores an experiment's number, artifact location and update time (from a copy), unless another experiment
    /// has that number.
    package static func restoreBookkeeping(of experiment: TrackedExperiment) -> some SQLRead<Void> {
        let location: String? =
            experiment.artifactLocation == "mlflow-artifacts:/\(experiment.number)" ? nil : experiment.artifactLocation
        return SQLSteps<Restore, Void>(
            Restore(),
            [
                .init(
                    SQLStatement(
                        "SELECT 1 FROM experiment x JOIN node n ON n.pk = x.node_pk WHERE x.number = ? AND n.id <> ?",
                        [.int(experiment.number), .text(experiment.id.hex)])
                ) { state, _ in state.taken = true },
                .init({ state in
                    if state.taken {
                        throw StoreError(
                            .invalidQuery, "another experiment already has the number \(experiment.number)")
                    }
                    return SQLStatement(
                        """
                        UPDATE experiment SET number = ?, artifact_location = ?, updated_at = coalesce(?, updated_at)
                        WHERE node_pk = (SELECT pk FROM node WHERE id = ?) RETURNING 1
                        """,
                        [
                            .int(experiment.number), .text(location),
                            .int(experiment.updatedAt?.microsecondsSinceEpoch),
                            .text(experiment.id.hex),
                        ])
                }) { state, _ in state.updated = true },
            ]
        ) { state in
            if !state.updated { throw StoreError(.notFound, "no experiment with id \(experiment.id.hex)") }
        }
    }
}
