import Foundation
import GRDB
import Logging
import ProvModel
public import ProvStore

extension SQLiteStore {
    /// Ingests events in order in one transaction: all or nothing, durable on return.
    /// - Throws: ``IngestError`` naming the event and field at fault; nothing of the batch is kept.
    @discardableResult
    public func ingestCounting(_ events: [ProvEvent]) async throws -> IngestSummary {
        guard !events.isEmpty else { return IngestSummary() }
        let classifier = self.classifier
        do {
            let summary = try await writer.write { db in
                try IngestSession.apply(events, db: db, classifier: classifier)
            }
            logger.debug("store.ingested", metadata: ["ingest.events": "\(events.count)"])
            return summary
        } catch let error as IngestError {
            throw error
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError(.backend, "the store could not write the batch: \(Self.safeMessage(error))")
        }
    }

    /// Ingests independent batches in one transaction, each inside its own savepoint: a refused batch is rolled
    /// back alone, the others commit together (one disk sync for all of them).
    public func ingest(batches: [[ProvEvent]]) async throws -> [Result<IngestSummary, IngestError>] {
        try await ingest(keyedBatches: batches.map { KeyedBatch(events: $0) })
    }

    /// As ``ingest(batches:)``; a batch whose key is already stored is skipped (its result counts only its events),
    /// and a refused batch's key is not kept.
    public func ingest(keyedBatches batches: [KeyedBatch]) async throws -> [Result<IngestSummary, IngestError>] {
        guard !batches.isEmpty else { return [] }
        let classifier = self.classifier
        do {
            let results = try await writer.write { db -> [Result<IngestSummary, IngestError>] in
                var results: [Result<IngestSummary, IngestError>] = []
                results.reserveCapacity(batches.count)
                for batch in batches {
                    let events = batch.events
                    var outcome: Result<IngestSummary, IngestError> = .success(IngestSummary())
                    try db.inSavepoint {
                        if let key = batch.key {
                            try db.execute(
                                sql: """
                                    INSERT OR IGNORE INTO ingested_batch (key, events, stored_at)
                                    VALUES (?, ?, \(IngestSession.nowSQL))
                                    """, arguments: [key, events.count])
                            if db.changesCount == 0 {
                                var summary = IngestSummary()
                                summary.events = events.count
                                outcome = .success(summary)
                                return .commit
                            }
                        }
                        do {
                            outcome = .success(try IngestSession.apply(events, db: db, classifier: classifier))
                            return .commit
                        } catch let error as IngestError {
                            outcome = .failure(error)
                            return .rollback
                        }
                    }
                    results.append(outcome)
                }
                return results
            }
            logger.debug("store.ingested", metadata: ["ingest.batches": "\(batches.count)"])
            return results
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError(.backend, "the store could not write the batches: \(Self.safeMessage(error))")
        }
    }
}

/// The state of one ingest transaction: caches of node keys and series, and the running summary.
struct IngestSession {
    let db: Database
    let classifier: KeyClassifier
    var eventIndex = 0
    var summary = IngestSummary()
    /// Known nodes: identifier → (integer key, type, whether a run or experiment is active).
    private var nodes: [ProvID: Node] = [:]

    struct Node {
        var pk: Int64
        var type: NodeType
        /// `false` for a deleted run or experiment.
        var active: Bool
    }
    private var series: [SeriesKey: Int64] = [:]
    private var seriesDeltas: [Int64: MetricSeriesDelta] = [:]

    private struct SeriesKey: Hashable {
        var run: Int64
        var key: String
    }

    init(db: Database, classifier: KeyClassifier) {
        self.db = db
        self.classifier = classifier
    }

    /// Applies a batch of events in the current transaction and returns what it stored.
    static func apply(_ events: [ProvEvent], db: Database, classifier: KeyClassifier) throws -> IngestSummary {
        var session = IngestSession(db: db, classifier: classifier)
        for (index, event) in events.enumerated() {
            session.eventIndex = index
            try session.apply(event)
        }
        try session.finish()
        return session.summary
    }

    func fail(_ field: String?, _ message: String, _ code: IngestError.Code = .invalid) -> IngestError {
        IngestError(eventIndex: eventIndex, field: field, message: message, code: code)
    }

    /// The store's clock for bookkeeping times (an experiment's last update), in microseconds since the epoch.
    static let nowSQL = "CAST((julianday('now') - 2440587.5) * 86400000000.0 AS INTEGER)"

    // MARK: Node lookup

    private mutating func lookup(_ id: ProvID) throws -> Node? {
        if let known = nodes[id] { return known }
        let statement = try db.cachedStatement(
            sql: """
                SELECT n.pk, n.node_type, coalesce(r.lifecycle, x.lifecycle, 'active') FROM node n
                LEFT JOIN run r ON n.node_type = 'run' AND r.node_pk = n.pk
                LEFT JOIN experiment x ON n.node_type = 'experiment' AND x.node_pk = n.pk
                WHERE n.id = ?
                """)
        guard let row = try Row.fetchOne(statement, arguments: [id.hex]) else { return nil }
        let type = NodeType(rawValue: row[1]) ?? .entity
        let found = Node(pk: row[0], type: type, active: (row[2] as String) == LifecycleStage.active.rawValue)
        nodes[id] = found
        return found
    }

    /// The key of an existing node of one of `types`, or an error naming `field`.
    private mutating func require(_ id: ProvID, _ types: Set<NodeType>, field: String) throws -> Node {
        guard let node = try lookup(id) else {
            let expected = types.map(\.rawValue).sorted().joined(separator: " or ")
            throw fail(
                field, "refers to unknown \(expected) \(id.hex); define it earlier in the batch or the store",
                .unknownReference)
        }
        guard types.contains(node.type) else {
            let expected = types.map(\.rawValue).sorted().joined(separator: " or ")
            throw fail(field, "\(id.hex) is a \(node.type.rawValue), but a \(expected) is required here")
        }
        return node
    }

    /// Refuses a change to a deleted run or experiment.
    private func requireActive(_ node: Node, _ id: ProvID, field: String) throws {
        guard node.active else {
            throw fail(
                field, "\(node.type.rawValue) \(id.hex) is deleted; restore it before changing it", .inactiveTarget)
        }
    }

    /// Creates the node row for `id`, or returns the existing key when it already exists with the same type.
    private mutating func defineNode(_ id: ProvID, type: NodeType) throws -> (pk: Int64, isNew: Bool) {
        if let existing = try lookup(id) {
            guard existing.type == type else {
                throw fail(
                    "id",
                    "\(id.hex) is already a \(existing.type.rawValue) and cannot be redefined as a \(type.rawValue)")
            }
            return (existing.pk, false)
        }
        let statement = try db.cachedStatement(sql: "INSERT INTO node (id, node_type) VALUES (?, ?)")
        try statement.execute(arguments: [id.hex, type.rawValue])
        let pk = db.lastInsertedRowID
        nodes[id] = Node(pk: pk, type: type, active: true)
        return (pk, true)
    }

    // MARK: Events

    mutating func apply(_ event: ProvEvent) throws {
        summary.events += 1
        do {
            try IngestRules.check(event)
        } catch {
            throw fail(error.field, error.message, error.code)
        }
        switch event {
        case .experiment(let record): try apply(record)
        case .runStart(let record): try apply(record)
        case .runEnd(let record): try apply(record)
        case .entity(let record): try apply(record)
        case .agent(let record): try apply(record)
        case .relation(let record): try apply(record)
        case .parameter(let record): try apply(record)
        case .tag(let record): try apply(record)
        case .metric(let point): try apply(point)
        case .telemetry(let sample): try apply(sample)
        case .architecture(let record): try apply(record)
        case .runUpdate(let update): try apply(update)
        case .tagDelete(let deletion): try apply(deletion)
        case .lifecycle(let change): try apply(change)
        }
    }

    private mutating func apply(_ record: ExperimentRecord) throws {
        let byName = try Row.fetchOne(
            db.cachedStatement(
                sql: "SELECT node.id FROM experiment JOIN node ON node.pk = experiment.node_pk WHERE name = ?"),
            arguments: [record.name])
        if let byName, (byName[0] as String) != record.id.hex {
            throw fail(
                "name", "an experiment named '\(record.name)' already exists with id \(byName[0] as String)",
                .duplicateName)
        }
        let (pk, isNew) = try defineNode(record.id, type: .experiment)
        // A new experiment takes the next number; a renamed one records when it changed.
        try db.cachedStatement(
            sql: """
                INSERT INTO experiment (node_pk, name, description, created_at, number, updated_at)
                VALUES (?1, ?2, ?3, ?4, (SELECT coalesce(max(number), 0) + 1 FROM experiment),
                    coalesce(?4, \(Self.nowSQL)))
                ON CONFLICT (node_pk) DO UPDATE SET name = excluded.name,
                    description = coalesce(excluded.description, description),
                    created_at = coalesce(created_at, excluded.created_at),
                    updated_at = CASE WHEN name IS excluded.name THEN updated_at ELSE \(Self.nowSQL) END
                """
        ).execute(arguments: [pk, record.name, record.description, record.createdAt?.microsecondsSinceEpoch])
        if isNew { summary.experiments += 1 }
    }

    private mutating func apply(_ record: RunStart) throws {
        let experiment = try require(record.experiment, [.experiment], field: "experiment")
        var parentPK: Int64? = nil
        if let parent = record.parent {
            guard parent != record.id else { throw fail("parent", "a run cannot be its own parent") }
            parentPK = try require(parent, [.run], field: "parent").pk
            try checkParent(of: record.id, parent: parent)
        }
        if try lookup(record.id) == nil {
            try requireActive(experiment, record.experiment, field: "experiment")
        }
        let (pk, isNew) = try defineNode(record.id, type: .run)
        try db.cachedStatement(
            sql: """
                INSERT INTO run (node_pk, experiment_pk, parent_pk, kind, name, status, started_at)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (node_pk) DO UPDATE SET experiment_pk = excluded.experiment_pk,
                    parent_pk = excluded.parent_pk, kind = excluded.kind, name = coalesce(excluded.name, name),
                    started_at = excluded.started_at
                """
        ).execute(arguments: [
            pk, experiment.pk, parentPK, record.kind.rawValue, record.name, record.status.rawValue,
            record.startedAt.microsecondsSinceEpoch,
        ])
        if isNew { summary.runs += 1 }
    }

    /// Refuses a parent that would make `run` its own ancestor (``IngestRules/checkParent(of:parent:ancestors:)``).
    private func checkParent(of run: ProvID, parent: ProvID) throws {
        let ancestors = try String.fetchAll(
            db.cachedStatement(sql: IngestRules.ancestorsQuery), arguments: [parent.hex])
        do {
            try IngestRules.checkParent(of: run, parent: parent, ancestors: ancestors.map(SQLiteStore.storedID))
        } catch {
            throw fail(error.field, error.message, error.code)
        }
    }

    private mutating func apply(_ record: RunEnd) throws {
        let run = try require(record.run, [.run], field: "id")
        let row = try Row.fetchOne(
            db.cachedStatement(sql: "SELECT started_at, status, ended_at FROM run WHERE node_pk = ?"),
            arguments: [run.pk])
        let started = (row?[0] as Int64?) ?? .min
        let ended = record.endedAt?.microsecondsSinceEpoch
        guard (ended ?? .max) >= started else {
            throw fail("time", "the run ends before it started")
        }
        if !run.active, (row?[1] as String?) != record.status.rawValue || (row?[2] as Int64?) != ended {
            try requireActive(run, record.run, field: "id")
        }
        try db.cachedStatement(sql: "UPDATE run SET status = ?, ended_at = ? WHERE node_pk = ?")
            .execute(arguments: [record.status.rawValue, ended, run.pk])
    }

    private mutating func apply(_ update: RunUpdate) throws {
        let run = try require(update.run, [.run], field: "id")
        guard
            let row = try Row.fetchOne(
                db.cachedStatement(
                    sql: "SELECT started_at, name, status, ended_at, parent_pk, kind FROM run WHERE node_pk = ?"),
                arguments: [run.pk])
        else { return }
        var parentPK: Int64? = row[4]
        if let parent = update.parent {
            guard parent != update.run else { throw fail("parent", "a run cannot be its own parent") }
            parentPK = try require(parent, [.run], field: "parent").pk
            try checkParent(of: update.run, parent: parent)
        }
        let name: String? = update.name ?? row[1]
        let status = update.status?.rawValue ?? (row[2] as String)
        let ended: Int64? = update.endedAt?.microsecondsSinceEpoch ?? row[3]
        if let ended, ended < (row[0] as Int64) {
            throw fail("time", "the run ends before it started")
        }
        let changed = name != row[1] || status != row[2] || ended != row[3] || parentPK != row[4]
        guard changed else { return }
        try requireActive(run, update.run, field: "id")
        var kind = row[5] as String
        if parentPK != nil, kind == RunKind.workflow.rawValue { kind = RunKind.task.rawValue }
        try db.cachedStatement(
            sql: "UPDATE run SET name = ?, status = ?, ended_at = ?, parent_pk = ?, kind = ? WHERE node_pk = ?"
        ).execute(arguments: [name, status, ended, parentPK, kind, run.pk])
    }

    private mutating func apply(_ deletion: TagDeletion) throws {
        let target =
            switch deletion.targetType {
            case .run: try require(deletion.target, [.run], field: "run")
            case .experiment: try require(deletion.target, [.experiment], field: "experiment")
            }
        let held =
            try Bool.fetchOne(
                db.cachedStatement(sql: "SELECT 1 FROM tag WHERE node_pk = ? AND key = ?"),
                arguments: [target.pk, deletion.key]) ?? false
        guard held else { return }
        try requireActive(target, deletion.target, field: deletion.targetType.rawValue)
        try db.cachedStatement(sql: "DELETE FROM tag WHERE node_pk = ? AND key = ?")
            .execute(arguments: [target.pk, deletion.key])
        if deletion.targetType == .experiment { try touchExperiment(target.pk) }
    }

    private mutating func apply(_ change: LifecycleChange) throws {
        let time = change.time?.microsecondsSinceEpoch
        let stage = change.stage.rawValue
        switch change.targetType {
        case .run:
            let run = try require(change.target, [.run], field: "run")
            guard run.active != (change.stage == .active) else { return }
            try db.cachedStatement(sql: "UPDATE run SET lifecycle = ?, deleted_at = ? WHERE node_pk = ?")
                .execute(arguments: [stage, change.stage == .deleted ? time : nil, run.pk])
            nodes[change.target]?.active = change.stage == .active
        case .experiment:
            let experiment = try require(change.target, [.experiment], field: "experiment")
            guard experiment.active != (change.stage == .active) else { return }
            // Deleting an experiment deletes its active runs with the same time; restoring it restores the runs
            // that were deleted with it.
            if change.stage == .deleted {
                try db.cachedStatement(
                    sql:
                        "UPDATE run SET lifecycle = 'deleted', deleted_at = ? WHERE experiment_pk = ? AND lifecycle = 'active'"
                ).execute(arguments: [time, experiment.pk])
            } else {
                try db.cachedStatement(
                    sql: """
                        UPDATE run SET lifecycle = 'active', deleted_at = NULL
                        WHERE experiment_pk = ?1 AND lifecycle = 'deleted'
                            AND deleted_at IS (SELECT deleted_at FROM experiment WHERE node_pk = ?1)
                        """
                ).execute(arguments: [experiment.pk])
            }
            try db.cachedStatement(
                sql:
                    "UPDATE experiment SET lifecycle = ?, deleted_at = ?, updated_at = \(Self.nowSQL) WHERE node_pk = ?"
            ).execute(arguments: [stage, change.stage == .deleted ? time : nil, experiment.pk])
            nodes[change.target]?.active = change.stage == .active
            // Runs cached in this batch may have changed stage.
            nodes = nodes.filter { $0.value.type != .run }
        }
    }

    /// Records that an experiment changed now.
    private func touchExperiment(_ pk: Int64) throws {
        try db.cachedStatement(sql: "UPDATE experiment SET updated_at = \(Self.nowSQL) WHERE node_pk = ?")
            .execute(arguments: [pk])
    }

    private mutating func apply(_ record: EntityRecord) throws {
        let (pk, isNew) = try defineNode(record.id, type: .entity)
        try db.cachedStatement(
            sql: """
                INSERT INTO entity (node_pk, kind, name, location, digest, size_bytes, created_at, attributes)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (node_pk) DO UPDATE SET kind = excluded.kind, name = coalesce(excluded.name, name),
                    location = coalesce(excluded.location, location), digest = coalesce(excluded.digest, digest),
                    size_bytes = coalesce(excluded.size_bytes, size_bytes),
                    created_at = coalesce(created_at, excluded.created_at),
                    attributes = coalesce(excluded.attributes, attributes)
                """
        ).execute(arguments: [
            pk, record.kind.rawValue, record.name, record.location, record.digest, record.sizeBytes,
            record.createdAt?.microsecondsSinceEpoch, Self.json(record.attributes),
        ])
        if isNew { summary.entities += 1 }
    }

    private mutating func apply(_ record: AgentRecord) throws {
        let (pk, isNew) = try defineNode(record.id, type: .agent)
        try db.cachedStatement(
            sql: """
                INSERT INTO agent (node_pk, kind, name, attributes) VALUES (?, ?, ?, ?)
                ON CONFLICT (node_pk) DO UPDATE SET kind = excluded.kind, name = excluded.name,
                    attributes = coalesce(excluded.attributes, attributes)
                """
        ).execute(arguments: [pk, record.kind.rawValue, record.name, Self.json(record.attributes)])
        if isNew { summary.agents += 1 }
    }

    private mutating func apply(_ record: RelationRecord) throws {
        let subject = try require(record.subject, record.kind.subjectTypes, field: "subject")
        let object = try require(record.object, record.kind.objectTypes, field: "object")
        let time = record.time?.microsecondsSinceEpoch
        let attributes = Self.json(record.attributes)
        try db.cachedStatement(
            sql: """
                INSERT INTO relation (kind, subject_pk, object_pk, time, attributes) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (subject_pk, object_pk, kind) DO NOTHING
                """
        ).execute(arguments: [record.kind.rawValue, subject.pk, object.pk, time, attributes])
        if db.changesCount > 0 {
            summary.relations += 1
            return
        }
        // A relation already held: keep its first time, take newer attributes; it is not counted as new.
        try db.cachedStatement(
            sql: """
                UPDATE relation SET time = coalesce(time, ?), attributes = coalesce(?, attributes)
                WHERE subject_pk = ? AND object_pk = ? AND kind = ?
                """
        ).execute(arguments: [time, attributes, subject.pk, object.pk, record.kind.rawValue])
    }

    private mutating func apply(_ record: ParameterRecord) throws {
        let run = try require(record.run, [.run], field: "run")
        if let existing = try String.fetchOne(
            db.cachedStatement(sql: "SELECT value FROM parameter WHERE node_pk = ? AND key = ?"),
            arguments: [run.pk, record.key])
        {
            guard existing == record.value else {
                throw fail(
                    "value",
                    "parameter '\(record.key)' of run \(record.run.hex) is already set to a different value; parameters cannot change",
                    .immutableValue)
            }
            return
        }
        try requireActive(run, record.run, field: "run")
        try db.cachedStatement(
            sql: "INSERT INTO parameter (node_pk, key, value, value_number, term) VALUES (?, ?, ?, ?, ?)"
        ).execute(arguments: [
            run.pk, record.key, record.value, Self.number(record.value), classifier.term(for: record.key),
        ])
        summary.parameters += 1
    }

    private mutating func apply(_ record: TagRecord) throws {
        let target =
            switch record.targetType {
            case .run: try require(record.target, [.run], field: "run")
            case .experiment: try require(record.target, [.experiment], field: "experiment")
            }
        if !target.active {
            let held = try String.fetchOne(
                db.cachedStatement(sql: "SELECT value FROM tag WHERE node_pk = ? AND key = ?"),
                arguments: [target.pk, record.key])
            if held != record.value { try requireActive(target, record.target, field: record.targetType.rawValue) }
        }
        if record.targetType == .experiment { try touchExperiment(target.pk) }
        try db.cachedStatement(
            sql: """
                INSERT INTO tag (node_pk, key, value, value_number, term) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (node_pk, key) DO UPDATE SET value = excluded.value, value_number = excluded.value_number
                """
        ).execute(arguments: [
            target.pk, record.key, record.value, Self.number(record.value), classifier.term(for: record.key),
        ])
        summary.tags += 1
    }

    private mutating func apply(_ point: MetricPoint) throws {
        let run = try require(point.run, [.run], field: "run")
        let seriesKey = SeriesKey(run: run.pk, key: point.key)
        let seriesPK: Int64
        if let known = series[seriesKey] {
            seriesPK = known
        } else {
            if let existing = try Int64.fetchOne(
                db.cachedStatement(sql: "SELECT pk FROM metric_series WHERE run_pk = ? AND key = ?"),
                arguments: [run.pk, point.key])
            {
                seriesPK = existing
            } else {
                try db.cachedStatement(sql: "INSERT INTO metric_series (run_pk, key, term) VALUES (?, ?, ?)")
                    .execute(arguments: [run.pk, point.key, classifier.term(for: point.key)])
                seriesPK = db.lastInsertedRowID
            }
            series[seriesKey] = seriesPK
        }
        // A point identical in step, time and value to a held one is a re-send: the unique index
        // `metric_point_identity` skips it, and it neither counts nor changes the series' summary.
        let statement = try db.cachedStatement(
            sql: "INSERT OR IGNORE INTO metric_point (series_pk, step, time, epoch, value) VALUES (?, ?, ?, ?, ?)")
        let time = point.time?.microsecondsSinceEpoch
        statement.setUncheckedArguments([
            seriesPK, point.step, time, point.epoch, point.value.isNaN ? nil : point.value,
        ])
        try statement.execute()
        let inserted = db.changesCount > 0  // false when the same point is already stored
        var modelPointInserted = false
        if let model = point.model {
            let modelNode = try require(model, [.entity], field: "model")
            try db.cachedStatement(
                sql: """
                    INSERT OR IGNORE INTO model_metric
                        (model_pk, run_pk, key, step, time, value, dataset_name, dataset_digest)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """
            ).execute(arguments: [
                modelNode.pk, run.pk, point.key, point.step, time, point.value.isNaN ? nil : point.value,
                point.dataset?.name, point.dataset?.digest,
            ])
            modelPointInserted = db.changesCount > 0
        }
        if inserted || modelPointInserted { try requireActive(run, point.run, field: "run") }
        guard inserted else { return }
        seriesDeltas[seriesPK, default: MetricSeriesDelta()].add(value: point.value, step: point.step, time: time)
        summary.metricPoints += 1
    }

    private mutating func apply(_ sample: TelemetrySample) throws {
        let run = try require(sample.run, [.run], field: "run")
        let readings = JSONValue.object(sample.values.mapValues { .number($0) }).jsonText
        let arguments: StatementArguments = [
            run.pk, sample.time.microsecondsSinceEpoch, sample.phase.rawValue, readings,
        ]
        // An identical sample already held is a re-send: it is not stored or counted again.
        let held =
            try Bool.fetchOne(
                db.cachedStatement(
                    sql: """
                        SELECT 1 FROM telemetry_sample WHERE run_pk = ? AND time = ? AND phase = ? AND readings = ?
                        """),
                arguments: arguments) ?? false
        guard !held else { return }
        try requireActive(run, sample.run, field: "run")
        try db.cachedStatement(sql: "INSERT INTO telemetry_sample (run_pk, time, phase, readings) VALUES (?, ?, ?, ?)")
            .execute(arguments: arguments)
        let keyStatement = try db.cachedStatement(
            sql: "INSERT INTO telemetry_key (run_pk, key, term) VALUES (?, ?, ?) ON CONFLICT DO NOTHING")
        for key in sample.values.keys {
            try keyStatement.execute(arguments: [run.pk, key, classifier.term(for: key)])
        }
        summary.telemetrySamples += 1
    }

    private mutating func apply(_ record: ArchitectureRecord) throws {
        let run = try require(record.run, [.run], field: "run")
        try requireActive(run, record.run, field: "run")
        var modelPK: Int64? = nil
        if let model = record.model {
            modelPK = try require(model, [.entity], field: "model").pk
        }
        try db.cachedStatement(sql: "DELETE FROM architecture_layer WHERE run_pk = ?").execute(arguments: [run.pk])
        let statement = try db.cachedStatement(
            sql: """
                INSERT INTO architecture_layer (run_pk, position, layer_type, model_pk, hyperparameters)
                VALUES (?, ?, ?, ?, ?)
                """)
        for (position, layer) in record.layers.enumerated() {
            try statement.execute(arguments: [
                run.pk, position, layer.type, modelPK, JSONValue.object(layer.hyperparameters).jsonText,
            ])
        }
        summary.architectures += 1
    }

    /// Folds the batch's changes into each metric series' summary.
    mutating func finish() throws {
        let statement = try db.cachedStatement(
            sql: """
                UPDATE metric_series SET
                    point_count = point_count + ?,
                    last_value = CASE WHEN last_step IS NULL OR ? > last_step
                        OR (? = last_step AND ? >= coalesce(last_time, -9223372036854775808)) THEN ? ELSE last_value END,
                    last_time = CASE WHEN last_step IS NULL OR ? > last_step
                        OR (? = last_step AND ? >= coalesce(last_time, -9223372036854775808)) THEN ? ELSE last_time END,
                    last_step = CASE WHEN last_step IS NULL OR ? > last_step THEN ? ELSE last_step END,
                    min_value = CASE WHEN ? IS NULL THEN min_value WHEN min_value IS NULL THEN ? ELSE min(min_value, ?) END,
                    max_value = CASE WHEN ? IS NULL THEN max_value WHEN max_value IS NULL THEN ? ELSE max(max_value, ?) END
                WHERE pk = ?
                """)
        for (pk, delta) in seriesDeltas {
            let lastValue: Double? = delta.lastValue.isNaN ? nil : delta.lastValue
            let lastTime: Int64? = delta.lastTime == .min ? nil : delta.lastTime
            let comparableTime = delta.lastTime
            let minimum = delta.minimum
            let maximum = delta.maximum
            try statement.execute(arguments: [
                delta.count,
                delta.lastStep, delta.lastStep, comparableTime, lastValue,
                delta.lastStep, delta.lastStep, comparableTime, lastTime,
                delta.lastStep, delta.lastStep,
                minimum, minimum, minimum,
                maximum, maximum, maximum,
                pk,
            ])
        }
    }

    static func json(_ attributes: [String: JSONValue]) -> String? {
        attributes.isEmpty ? nil : JSONValue.object(attributes).jsonText
    }

    /// The text as a finite number, when it is one, for numeric comparisons in filters.
    static func number(_ text: String) -> Double? {
        guard let value = Double(text.trimmingCharacters(in: .whitespaces)), value.isFinite else { return nil }
        return value
    }
}
