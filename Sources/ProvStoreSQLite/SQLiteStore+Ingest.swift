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
    /// back alone, the others commit together (one disk sync for all of them). A batch whose key is already stored
    /// is skipped (its result counts only its events), and a refused batch's key is not kept.
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
            let (_, node, key) = IngestFacts.node(row)
            (facts.nodes[id], keys[id]) = (node, key)
        }
        let names = try db.cachedStatement(
            sql: "SELECT node.id FROM experiment JOIN node ON node.pk = experiment.node_pk WHERE name = ?")
        for name in lookups.experimentNames {
            if let holder = try String.fetchOne(names, arguments: [name]) {
                facts.experimentNames[name] = ProvID(stored: holder)
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
                .map(ProvID.init(stored:))
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

    // MARK: Writes

    /// The shared statements, with this store's clock.
    static let sql = IngestSQL(now: nowSQL)

    mutating func apply(_ steps: [IngestStep]) throws -> [Bool] {
        var stored: [Bool] = []
        stored.reserveCapacity(steps.count)
        for step in steps { stored.append(try apply(step.operation)) }
        return stored
    }

    private mutating func apply(_ operation: IngestOperation) throws -> Bool {
        if let node = operation.definedNode, node.isNew {
            try db.cachedStatement(sql: "INSERT INTO node (id, node_type) VALUES (?, ?)")
                .execute(arguments: [node.id.hex, node.type.rawValue])
            keys[node.id] = db.lastInsertedRowID
        }
        if let statements = try Self.sql.statements(for: operation, classifier: classifier, key: key) {
            var stored = operation.definedNode?.isNew ?? true
            for statement in statements { stored = try run(statement) && stored }
            return stored
        }
        switch operation {
        case .putRelation(let record): return try put(record)
        case .insertMetricPoint(let point): return try insert(point)
        case .insertTelemetry(let sample): return try insert(sample)
        case .replaceArchitecture(let record): try replace(record)
        default: break
        }
        return true
    }

    /// Runs a shared statement; `false` when one that returns a row when it stores something returned none.
    private func run(_ statement: IngestSQL.Statement) throws -> Bool {
        let prepared = try db.cachedStatement(sql: statement.sql)
        let arguments = StatementArguments(sqlValues: statement.arguments)
        guard statement.returnsRow else {
            try prepared.execute(arguments: arguments)
            return true
        }
        return try Row.fetchOne(prepared, arguments: arguments) != nil
    }

    /// Adds a relation; one already held keeps its first time and takes newer attributes (`false`).
    private func put(_ record: RelationRecord) throws -> Bool {
        let (subject, object) = (try key(record.subject), try key(record.object))
        let time = record.time?.microsecondsSinceEpoch
        let attributes = IngestSQL.json(record.attributes)
        try db.cachedStatement(
            sql: """
                INSERT INTO relation (kind, subject_pk, object_pk, time, attributes) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (subject_pk, object_pk, kind) DO NOTHING
                """
        ).execute(arguments: [record.kind.rawValue, subject, object, time, attributes])
        if db.changesCount > 0 { return true }
        try db.cachedStatement(sql: IngestSQL.updateRelation)
            .execute(arguments: [time, attributes, subject, object, record.kind.rawValue])
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
        for (seriesKey, delta) in deltas {
            guard let pk = series[seriesKey] else { continue }
            _ = try run(IngestSQL.updateSeries(delta, series: pk))
        }
    }
}
