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

/// The embedded store's side of an ingest (``IngestBackend``): the lookups and primitive writes of one batch in the
/// current transaction; the rules are ``IngestPlanner``'s.
struct IngestSession: IngestBackend {
    let db: Database
    let classifier: KeyClassifier
    /// The integer keys of the nodes the batch names or creates.
    private var keys: [ProvID: Int64] = [:]
    private var series: [HeldKey: Int64] = [:]

    init(db: Database, classifier: KeyClassifier) {
        self.db = db
        self.classifier = classifier
    }

    /// Applies a batch of events in the current transaction and returns what it stored.
    static func apply(_ events: [ProvEvent], db: Database, classifier: KeyClassifier) throws -> IngestSummary {
        var session = IngestSession(db: db, classifier: classifier)
        return try session.ingest(events)
    }

    /// The store's clock for bookkeeping times (an experiment's last update), in microseconds since the epoch.
    static let nowSQL = "CAST((julianday('now') - 2440587.5) * 86400000000.0 AS INTEGER)"

    // MARK: Lookups

    mutating func facts(for lookups: IngestLookups) throws -> IngestFacts {
        var facts = IngestFacts()
        let nodes = try db.cachedStatement(sql: IngestFacts.nodeQuery(where: "n.id = ?"))
        for id in lookups.nodes {
            guard let row = try Row.fetchOne(nodes, arguments: [id.hex]) else { continue }
            facts.nodes[id] = IngestFacts.node(
                type: row[1], lifecycle: row[2], experiment: (row[3] as String?).map(SQLiteStore.storedID),
                parent: (row[4] as String?).map(SQLiteStore.storedID), kind: row[5], name: row[6], status: row[7],
                startedAt: row[8], endedAt: row[9], deletedAt: row[10], experimentName: row[11],
                experimentDeletedAt: row[12])
            keys[id] = row[13]
        }
        let names = try db.cachedStatement(
            sql: "SELECT node.id FROM experiment JOIN node ON node.pk = experiment.node_pk WHERE name = ?")
        for name in lookups.experimentNames {
            if let holder = try String.fetchOne(names, arguments: [name]) {
                facts.experimentNames[name] = SQLiteStore.storedID(holder)
            }
        }
        facts.parameters = try heldValues(
            lookups.parameters, sql: "SELECT value FROM parameter WHERE node_pk = ? AND key = ?")
        let tagsOfDeletedNodes = lookups.tagsOfDeletedNodes.filter { facts.nodes[$0.node]?.active == false }
        facts.tags = try heldValues(
            lookups.tags.union(tagsOfDeletedNodes), sql: "SELECT value FROM tag WHERE node_pk = ? AND key = ?")
        let ancestors = try db.cachedStatement(sql: IngestRules.ancestorsQuery)
        for parent in lookups.ancestors {
            facts.ancestors[parent] = try String.fetchAll(ancestors, arguments: [parent.hex])
                .map(SQLiteStore.storedID)
        }
        return facts
    }

    private func heldValues(_ wanted: Set<HeldKey>, sql: String) throws -> [HeldKey: String] {
        let statement = try db.cachedStatement(sql: sql)
        var values: [HeldKey: String] = [:]
        for held in wanted {
            guard let node = keys[held.node] else { continue }
            values[held] = try String.fetchOne(statement, arguments: [node, held.key])
        }
        return values
    }

    /// The key of a node the batch names or created.
    private func key(_ id: ProvID) throws -> Int64 {
        guard let key = keys[id] else { throw StoreError(.backend, "the node \(id.hex) was not read before writing") }
        return key
    }

    /// The key of a node, creating its row when the plan says it is new.
    private mutating func node(_ id: ProvID, _ type: NodeType, isNew: Bool) throws -> Int64 {
        guard isNew else { return try key(id) }
        try db.cachedStatement(sql: "INSERT INTO node (id, node_type) VALUES (?, ?)")
            .execute(arguments: [id.hex, type.rawValue])
        keys[id] = db.lastInsertedRowID
        return db.lastInsertedRowID
    }

    // MARK: Writes

    mutating func apply(_ steps: [IngestStep]) throws -> [Bool] {
        var stored: [Bool] = []
        stored.reserveCapacity(steps.count)
        for step in steps { stored.append(try apply(step.operation)) }
        return stored
    }

    private mutating func apply(_ operation: IngestOperation) throws -> Bool {
        switch operation {
        case .putExperiment(let record, let isNew):
            try put(record, isNew: isNew)
            return isNew
        case .putRun(let record, let isNew):
            try put(record, isNew: isNew)
            return isNew
        case .endRun(let record):
            try db.cachedStatement(sql: "UPDATE run SET status = ?, ended_at = ? WHERE node_pk = ?")
                .execute(arguments: [
                    record.status.rawValue, record.endedAt?.microsecondsSinceEpoch, try key(record.run),
                ])
        case .updateRun(let run, let columns):
            try db.cachedStatement(
                sql:
                    "UPDATE run SET name = ?, status = ?, ended_at = ?, parent_pk = coalesce(?, parent_pk), kind = ? WHERE node_pk = ?"
            ).execute(arguments: [
                columns.name, columns.status, columns.endedAt, try columns.parent.map(key), columns.kind, try key(run),
            ])
        case .putEntity(let record, let isNew):
            try put(record, isNew: isNew)
            return isNew
        case .putAgent(let record, let isNew):
            try put(record, isNew: isNew)
            return isNew
        case .putRelation(let record): return try put(record)
        case .insertParameter(let record):
            try db.cachedStatement(
                sql: "INSERT INTO parameter (node_pk, key, value, value_number, term) VALUES (?, ?, ?, ?, ?)"
            ).execute(arguments: [
                try key(record.run), record.key, record.value, Self.number(record.value),
                classifier.term(for: record.key),
            ])
        case .setTag(let record):
            try db.cachedStatement(
                sql: """
                    INSERT INTO tag (node_pk, key, value, value_number, term) VALUES (?, ?, ?, ?, ?)
                    ON CONFLICT (node_pk, key) DO UPDATE SET value = excluded.value, value_number = excluded.value_number
                    """
            ).execute(arguments: [
                try key(record.target), record.key, record.value, Self.number(record.value),
                classifier.term(for: record.key),
            ])
        case .deleteTag(let deletion):
            try db.cachedStatement(sql: "DELETE FROM tag WHERE node_pk = ? AND key = ?")
                .execute(arguments: [try key(deletion.target), deletion.key])
        case .touchExperiment(let experiment):
            try db.cachedStatement(sql: "UPDATE experiment SET updated_at = \(Self.nowSQL) WHERE node_pk = ?")
                .execute(arguments: [try key(experiment)])
        case .setStage(let change): try apply(change)
        case .insertMetricPoint(let point): return try insert(point)
        case .insertModelMetric(let point): return try insertModelMetric(point)
        case .insertTelemetry(let sample): return try insert(sample)
        case .replaceArchitecture(let record): try replace(record)
        }
        return true
    }

    private mutating func put(_ record: ExperimentRecord, isNew: Bool) throws {
        let pk = try node(record.id, .experiment, isNew: isNew)
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
    }

    private mutating func put(_ record: RunStart, isNew: Bool) throws {
        let pk = try node(record.id, .run, isNew: isNew)
        try db.cachedStatement(
            sql: """
                INSERT INTO run (node_pk, experiment_pk, parent_pk, kind, name, status, started_at)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (node_pk) DO UPDATE SET experiment_pk = excluded.experiment_pk,
                    parent_pk = excluded.parent_pk, kind = excluded.kind, name = coalesce(excluded.name, name),
                    started_at = excluded.started_at
                """
        ).execute(arguments: [
            pk, try key(record.experiment), try record.parent.map(key), record.kind.rawValue, record.name,
            record.status.rawValue, record.startedAt.microsecondsSinceEpoch,
        ])
    }

    private mutating func apply(_ change: LifecycleChange) throws {
        let time = change.time?.microsecondsSinceEpoch
        let stage = change.stage.rawValue
        let pk = try key(change.target)
        switch change.targetType {
        case .run:
            try db.cachedStatement(sql: "UPDATE run SET lifecycle = ?, deleted_at = ? WHERE node_pk = ?")
                .execute(arguments: [stage, change.stage == .deleted ? time : nil, pk])
        case .experiment:
            // Deleting an experiment deletes its active runs with the same time; restoring it restores the runs
            // that were deleted with it.
            if change.stage == .deleted {
                try db.cachedStatement(
                    sql:
                        "UPDATE run SET lifecycle = 'deleted', deleted_at = ? WHERE experiment_pk = ? AND lifecycle = 'active'"
                ).execute(arguments: [time, pk])
            } else {
                try db.cachedStatement(
                    sql: """
                        UPDATE run SET lifecycle = 'active', deleted_at = NULL
                        WHERE experiment_pk = ?1 AND lifecycle = 'deleted'
                            AND deleted_at IS (SELECT deleted_at FROM experiment WHERE node_pk = ?1)
                        """
                ).execute(arguments: [pk])
            }
            try db.cachedStatement(
                sql:
                    "UPDATE experiment SET lifecycle = ?, deleted_at = ?, updated_at = \(Self.nowSQL) WHERE node_pk = ?"
            ).execute(arguments: [stage, change.stage == .deleted ? time : nil, pk])
        }
    }

    private mutating func put(_ record: EntityRecord, isNew: Bool) throws {
        let pk = try node(record.id, .entity, isNew: isNew)
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
    }

    private mutating func put(_ record: AgentRecord, isNew: Bool) throws {
        let pk = try node(record.id, .agent, isNew: isNew)
        try db.cachedStatement(
            sql: """
                INSERT INTO agent (node_pk, kind, name, attributes) VALUES (?, ?, ?, ?)
                ON CONFLICT (node_pk) DO UPDATE SET kind = excluded.kind, name = excluded.name,
                    attributes = coalesce(excluded.attributes, attributes)
                """
        ).execute(arguments: [pk, record.kind.rawValue, record.name, Self.json(record.attributes)])
    }

    /// Adds a relation; one already held keeps its first time and takes newer attributes (`false`).
    private func put(_ record: RelationRecord) throws -> Bool {
        let (subject, object) = (try key(record.subject), try key(record.object))
        let time = record.time?.microsecondsSinceEpoch
        let attributes = Self.json(record.attributes)
        try db.cachedStatement(
            sql: """
                INSERT INTO relation (kind, subject_pk, object_pk, time, attributes) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (subject_pk, object_pk, kind) DO NOTHING
                """
        ).execute(arguments: [record.kind.rawValue, subject, object, time, attributes])
        if db.changesCount > 0 { return true }
        try db.cachedStatement(
            sql: """
                UPDATE relation SET time = coalesce(time, ?), attributes = coalesce(?, attributes)
                WHERE subject_pk = ? AND object_pk = ? AND kind = ?
                """
        ).execute(arguments: [time, attributes, subject, object, record.kind.rawValue])
        return false
    }

    /// Adds a point unless an identical one (step, time and value) is held: the unique index
    /// `metric_point_identity` skips a re-send.
    private mutating func insert(_ point: MetricPoint) throws -> Bool {
        let run = try key(point.run)
        let seriesKey = HeldKey(node: point.run, key: point.key)
        let seriesPK: Int64
        if let known = series[seriesKey] {
            seriesPK = known
        } else if let existing = try Int64.fetchOne(
            db.cachedStatement(sql: "SELECT pk FROM metric_series WHERE run_pk = ? AND key = ?"),
            arguments: [run, point.key])
        {
            seriesPK = existing
        } else {
            try db.cachedStatement(sql: "INSERT INTO metric_series (run_pk, key, term) VALUES (?, ?, ?)")
                .execute(arguments: [run, point.key, classifier.term(for: point.key)])
            seriesPK = db.lastInsertedRowID
        }
        series[seriesKey] = seriesPK
        let statement = try db.cachedStatement(
            sql: "INSERT OR IGNORE INTO metric_point (series_pk, step, time, epoch, value) VALUES (?, ?, ?, ?, ?)")
        statement.setUncheckedArguments([
            seriesPK, point.step, point.time?.microsecondsSinceEpoch, point.epoch,
            point.value.isNaN ? nil : point.value,
        ])
        try statement.execute()
        return db.changesCount > 0
    }

    private func insertModelMetric(_ point: MetricPoint) throws -> Bool {
        guard let model = point.model else { return false }
        try db.cachedStatement(
            sql: """
                INSERT OR IGNORE INTO model_metric
                    (model_pk, run_pk, key, step, time, value, dataset_name, dataset_digest)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """
        ).execute(arguments: [
            try key(model), try key(point.run), point.key, point.step, point.time?.microsecondsSinceEpoch,
            point.value.isNaN ? nil : point.value, point.dataset?.name, point.dataset?.digest,
        ])
        return db.changesCount > 0
    }

    /// Adds a sample unless an identical one is held (a re-send).
    private func insert(_ sample: TelemetrySample) throws -> Bool {
        let run = try key(sample.run)
        let readings = JSONValue.object(sample.values.mapValues { .number($0) }).jsonText
        let arguments: StatementArguments = [run, sample.time.microsecondsSinceEpoch, sample.phase.rawValue, readings]
        let held =
            try Bool.fetchOne(
                db.cachedStatement(
                    sql: "SELECT 1 FROM telemetry_sample WHERE run_pk = ? AND time = ? AND phase = ? AND readings = ?"),
                arguments: arguments) ?? false
        guard !held else { return false }
        try db.cachedStatement(sql: "INSERT INTO telemetry_sample (run_pk, time, phase, readings) VALUES (?, ?, ?, ?)")
            .execute(arguments: arguments)
        let keyStatement = try db.cachedStatement(
            sql: "INSERT INTO telemetry_key (run_pk, key, term) VALUES (?, ?, ?) ON CONFLICT DO NOTHING")
        for key in sample.values.keys {
            try keyStatement.execute(arguments: [run, key, classifier.term(for: key)])
        }
        return true
    }

    private func replace(_ record: ArchitectureRecord) throws {
        let run = try key(record.run)
        let model = try record.model.map(key)
        try db.cachedStatement(sql: "DELETE FROM architecture_layer WHERE run_pk = ?").execute(arguments: [run])
        let statement = try db.cachedStatement(
            sql: """
                INSERT INTO architecture_layer (run_pk, position, layer_type, model_pk, hyperparameters)
                VALUES (?, ?, ?, ?, ?)
                """)
        for (position, layer) in record.layers.enumerated() {
            try statement.execute(arguments: [
                run, position, layer.type, model, JSONValue.object(layer.hyperparameters).jsonText,
            ])
        }
    }

    /// Folds the batch's changes into each metric series' summary.
    mutating func updateSeries(_ deltas: [HeldKey: MetricSeriesDelta]) throws {
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
        for (seriesKey, delta) in deltas {
            guard let pk = series[seriesKey] else { continue }
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
