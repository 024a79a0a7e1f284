#if Postgres
    import Foundation
    import Logging
    import PostgresNIO
    import ProvModel
    public import ProvStore

    extension PostgresStore {
        /// Ingests events in order in one transaction: all or nothing, committed on return.
        /// - Throws: ``IngestError`` naming the event and field at fault; nothing of the batch is kept.
        @discardableResult
        public func ingestCounting(_ events: [ProvEvent]) async throws -> IngestSummary {
            guard !events.isEmpty else { return IngestSummary() }
            let summary = try await transaction { [self] connection in
                try await PostgresIngestSession.apply(
                    events, connection: connection, classifier: classifier, logger: logger)
            }
            logger.debug("store.ingested", metadata: ["ingest.events": "\(events.count)"])
            return summary
        }

        /// Ingests independent batches in one transaction, each inside its own savepoint; a batch whose key is already
        /// stored is skipped. The key is claimed in the batch's savepoint, so a concurrent writer with the same key waits
        /// for this transaction and then skips the batch, and a refused batch releases its key.
        public func ingest(keyedBatches batches: [KeyedBatch]) async throws -> [Result<IngestSummary, IngestError>] {
            guard !batches.isEmpty else { return [] }
            let results = try await transaction { [self] connection -> [Result<IngestSummary, IngestError>] in
                var results: [Result<IngestSummary, IngestError>] = []
                results.reserveCapacity(batches.count)
                for batch in batches {
                    let events = batch.events
                    try await connection.execute("SAVEPOINT batch", [], logger: logger)
                    do {
                        if let key = batch.key {
                            let claimed = try await connection.row(
                                """
                                INSERT INTO ingested_batch (key, events, stored_at)
                                VALUES (?, ?, \(PostgresIngestSession.nowSQL)) ON CONFLICT (key) DO NOTHING RETURNING 1
                                """, [key, Int64(events.count)], logger: logger)
                            if claimed == nil {
                                try await connection.execute("RELEASE SAVEPOINT batch", [], logger: logger)
                                var summary = IngestSummary()
                                summary.events = events.count
                                results.append(.success(summary))
                                continue
                            }
                        }
                        let summary = try await PostgresIngestSession.apply(
                            events, connection: connection, classifier: classifier, logger: logger)
                        try await connection.execute("RELEASE SAVEPOINT batch", [], logger: logger)
                        results.append(.success(summary))
                    } catch let error as IngestError {
                        try await connection.execute("ROLLBACK TO SAVEPOINT batch", [], logger: logger)
                        try await connection.execute("RELEASE SAVEPOINT batch", [], logger: logger)
                        results.append(.failure(error))
                    }
                }
                return results
            }
            logger.debug("store.ingested", metadata: ["ingest.batches": "\(batches.count)"])
            return results
        }
    }

    /// The server store's side of an ingest (``AsyncIngestBackend``): the lookups and primitive writes of one batch
    /// in the current transaction; the rules are ``IngestPlanner``'s. Made safe for concurrent writers: the lookups
    /// take the locks first (changes of parent, then the rows of the runs the batch changes, in key order, then the
    /// numbering of new experiments), rows are created with `ON CONFLICT`, and a row another writer created meanwhile
    /// is checked as the planner would have. Points, relations and new entities are written in bulk.
    struct PostgresIngestSession: AsyncIngestBackend {
        let connection: PostgresConnection
        let classifier: KeyClassifier
        let logger: Logger
        /// The integer keys of the nodes the batch names or creates.
        private var keys: [ProvID: Int64] = [:]
        private var series: [HeldKey: Int64] = [:]
        /// New entities, written together when something needs their keys or the batch ends (with their steps).
        private var pendingEntities: [(position: Int, eventIndex: Int, record: EntityRecord)] = []
        private var pendingEntityIDs = Set<ProvID>()
        /// Relations and points, written with the batch's others in one statement at the end (with their steps'
        /// positions).
        private var pendingRelations: [(position: Int, record: RelationRecord)] = []
        private var pendingPoints: [(position: Int, series: Int64, point: MetricPoint)] = []
        private var stored: [Bool] = []

        init(connection: PostgresConnection, classifier: KeyClassifier, logger: Logger) {
            self.connection = connection
            self.classifier = classifier
            self.logger = logger
        }

        static func apply(
            _ events: [ProvEvent], connection: PostgresConnection, classifier: KeyClassifier, logger: Logger
        ) async throws -> IngestSummary {
            var session = PostgresIngestSession(connection: connection, classifier: classifier, logger: logger)
            return try await session.ingest(events)
        }

        /// The database's clock in microseconds since the epoch.
        static let nowSQL = "(extract(epoch FROM clock_timestamp()) * 1000000)::bigint"
        /// The shared statements, with this store's clock.
        static let sql = IngestSQL(now: nowSQL)

        /// Serializes changes of parent among all writers until this transaction ends, so that two concurrent
        /// batches cannot close a cycle between them.
        static let parentChangeLock: Int64 = 0x50_72_6F_76_4B_69_74_70

        private func rows(_ sql: String, _ arguments: [any SQLBindable]) async throws -> [SQLRow] {
            try await connection.rows(sql, arguments, logger: logger)
        }

        private func row(_ sql: String, _ arguments: [any SQLBindable]) async throws -> SQLRow? {
            try await connection.row(sql, arguments, logger: logger)
        }

        private func execute(_ sql: String, _ arguments: [any SQLBindable]) async throws {
            try await connection.execute(sql, arguments, logger: logger)
        }

        // MARK: Lookups

        mutating func facts(for lookups: IngestLookups) async throws -> IngestFacts {
            var facts = IngestFacts()
            if !lookups.ancestors.isEmpty {
                try await execute("SELECT pg_advisory_xact_lock(?)", [Self.parentChangeLock])
            }
            if !lookups.changedRuns.isEmpty {
                // The row locks keep a concurrent update of the same runs from being lost.
                try await execute(
                    """
                    SELECT r.node_pk FROM run r JOIN node n ON n.pk = r.node_pk WHERE n.id = ANY(?)
                    ORDER BY r.node_pk FOR UPDATE OF r
                    """, [lookups.changedRuns.map(\.hex)])
            }
            try await connection.eachRow(
                IngestFacts.nodeQuery(where: "n.id = ANY(?)"), [lookups.nodes.map(\.hex)], logger: logger
            ) { row in
                let (id, node, key) = IngestFacts.node(row)
                (facts.nodes[id], keys[id]) = (node, key)
            }
            if lookups.experiments.contains(where: { facts.nodes[$0] == nil }) {
                // Serializes experiment numbering among all writers until this transaction ends.
                try await execute("SELECT pg_advisory_xact_lock(?)", [PostgresSchema.experimentNumberLock])
            }
            for name in lookups.experimentNames {
                if let holder = try await row(
                    "SELECT node.id FROM experiment JOIN node ON node.pk = experiment.node_pk WHERE name = ?", [name])
                {
                    facts.experimentNames[name] = ProvID(stored: holder[0])
                }
            }
            facts.parameters = try await heldValues(lookups.parameters, table: "parameter")
            let tagsOfDeletedNodes = lookups.tagsOfDeletedNodes.filter { facts.nodes[$0.node]?.active == false }
            facts.tags = try await heldValues(lookups.tags.union(tagsOfDeletedNodes), table: "tag")
            for parent in lookups.ancestors {
                facts.ancestors[parent] = try await rows(IngestRules.ancestorsQuery, [parent.hex])
                    .map { ProvID(stored: $0[0]) }
            }
            return facts
        }

        /// The held values of keys of the `parameter` or `tag` table, in one query.
        private func heldValues(_ wanted: Set<HeldKey>, table: String) async throws -> [HeldKey: String] {
            var owners: [Int64: ProvID] = [:]
            var (nodes, names) = ([Int64](), [String]())
            for held in wanted {
                guard let node = keys[held.node] else { continue }
                owners[node] = held.node
                nodes.append(node)
                names.append(held.key)
            }
            guard !nodes.isEmpty else { return [:] }
            var values: [HeldKey: String] = [:]
            for row in try await rows(
                """
                SELECT t.node_pk, t.key, t.value FROM unnest(?, ?) AS u(n, k)
                JOIN \(table) t ON t.node_pk = u.n AND t.key = u.k
                """, [nodes, names])
            {
                guard let owner = owners[row[0]] else { continue }
                values[HeldKey(node: owner, key: row[1])] = row[2]
            }
            return values
        }

        /// The key of a node the batch names or created (writing pending entities first when it is one of them).
        private mutating func key(_ id: ProvID) async throws -> Int64 {
            if pendingEntityIDs.contains(id) { try await writeEntities() }
            guard let key = keys[id] else { throw StoreError(.backend, "the node \(id.hex) could not be read back") }
            return key
        }

        /// The key of a node, creating its row when the plan says it is new; `isNew` is `false` when another writer
        /// created it meanwhile (and refused when it did so with another type).
        private mutating func define(
            _ id: ProvID, _ type: NodeType, isNew: Bool, step: Int
        ) async throws -> (
            pk: Int64, isNew: Bool
        ) {
            guard isNew else { return (try await key(id), false) }
            if let inserted = try await row(
                "INSERT INTO node (id, node_type) VALUES (?, ?) ON CONFLICT (id) DO NOTHING RETURNING pk",
                [id.hex, type.rawValue])
            {
                keys[id] = inserted[0]
                return (inserted[0], true)
            }
            guard let held = try await row("SELECT pk, node_type FROM node WHERE id = ?", [id.hex]) else {
                throw StoreError(.backend, "the node \(id.hex) could not be read back")
            }
            let heldType = NodeType(rawValue: held[1]) ?? .entity
            guard heldType == type else { throw IngestError.redefinition(id, is: heldType, as: type, at: step) }
            keys[id] = held[0]
            return (held[0], false)
        }

        // MARK: Writes

        mutating func apply(_ steps: [IngestStep]) async throws -> [Bool] {
            stored = Array(repeating: true, count: steps.count)
            for (position, step) in steps.enumerated() {
                try await apply(step, at: position)
            }
            try await writeEntities()
            try await writeRelations()
            try await writePoints()
            return stored
        }

        private mutating func apply(_ step: IngestStep, at position: Int) async throws {
            switch step.operation {
            case .putEntity(let record, true):
                // A new entity: written with the batch's other new entities, in one statement.
                pendingEntities.append((position, step.eventIndex, record))
                pendingEntityIDs.insert(record.id)
            case .putRelation(let record):
                // Written with the batch's other relations at the end (nothing in a batch reads relations back).
                pendingRelations.append((position, record))
            case .insertMetricPoint(let point):
                // Written with the batch's other points, in one statement, at the end.
                let series = try await seriesKey(run: try await key(point.run), point.run, key: point.key)
                pendingPoints.append((position, series, point))
            case .insertTelemetry(let sample):
                stored[position] = try await insert(sample, onlyResend: step.onlyResend)
            case .replaceArchitecture(let record):
                try await replace(record)
            default:
                stored[position] = try await write(step.operation, step: step.eventIndex)
            }
        }

        /// Writes an operation with the shared statements, a new node first; `true` when it stored something new
        /// (`false` for a node another writer created meanwhile, or a parameter another writer set).
        private mutating func write(_ operation: IngestOperation, step: Int) async throws -> Bool {
            if namesPendingEntity(operation) { try await writeEntities() }
            var stored = true
            if let node = operation.definedNode {
                stored = try await define(node.id, node.type, isNew: node.isNew, step: step).isNew
            }
            let keys = self.keys
            let statements =
                try Self.sql.statements(for: operation, classifier: classifier) { id in
                    guard let key = keys[id] else {
                        throw StoreError(.backend, "the node \(id.hex) could not be read back")
                    }
                    return key
                } ?? []
            for statement in statements {
                let arguments = statement.arguments
                if statement.returnsRow {
                    stored = try await row(statement.sql, arguments) != nil && stored
                } else {
                    try await execute(statement.sql, arguments)
                }
            }
            if case .insertParameter(let record) = operation, !stored {
                // Another writer set it meanwhile: it must have the same value.
                let held = try await row(
                    "SELECT value FROM parameter WHERE node_pk = ? AND key = ?",
                    [try await key(record.run), record.key])
                if let held, (held[0] as String) != record.value {
                    throw IngestError.parameterChanged(record.key, run: record.run, at: step)
                }
            }
            return stored
        }

        /// Whether a shared statement of the operation needs the key of an entity not written yet.
        private func namesPendingEntity(_ operation: IngestOperation) -> Bool {
            guard !pendingEntityIDs.isEmpty else { return false }
            return switch operation {
            case .putEntity(let record, _): pendingEntityIDs.contains(record.id)
            case .insertModelMetric(let point): point.model.map(pendingEntityIDs.contains) ?? false
            default: false
            }
        }

        /// Writes the pending new entities (nodes and rows) in one statement. One that another writer created meanwhile
        /// is updated as an existing entity instead.
        private mutating func writeEntities() async throws {
            guard !pendingEntities.isEmpty else { return }
            let pending = pendingEntities
            pendingEntities = []
            pendingEntityIDs = []
            // The rows travel as one JSON array (a bound value); numbers as strings, so that no digit is lost.
            let input = JSONValue.array(
                pending.enumerated().map { index, entry in
                    let record = entry.record
                    var fields: [String: JSONValue] = [
                        "i": .string(String(index)), "id": .string(record.id.hex),
                        "kind": .string(record.kind.rawValue),
                    ]
                    if let name = record.name { fields["name"] = .string(name) }
                    if let location = record.location { fields["location"] = .string(location) }
                    if let digest = record.digest { fields["digest"] = .string(digest) }
                    if let size = record.sizeBytes { fields["size_bytes"] = .string(String(size)) }
                    if let created = record.createdAt {
                        fields["created_at"] = .string(String(created.microsecondsSinceEpoch))
                    }
                    if let attributes = IngestSQL.json(record.attributes) { fields["attributes"] = .string(attributes) }
                    return .object(fields)
                }
            ).jsonText
            let created = try await rows(
                """
                WITH input AS (
                    SELECT * FROM jsonb_to_recordset(?::jsonb) AS x(i bigint, id text, kind text, name text, location text,
                        digest text, size_bytes bigint, created_at bigint, attributes text)),
                created AS (
                    INSERT INTO node (id, node_type) SELECT id, 'entity' FROM input ORDER BY i
                    ON CONFLICT (id) DO NOTHING RETURNING pk, id),
                stored AS (
                    INSERT INTO entity (node_pk, kind, name, location, digest, size_bytes, created_at, attributes)
                    SELECT c.pk, x.kind, x.name, x.location, x.digest, x.size_bytes, x.created_at, x.attributes
                    FROM created c JOIN input x ON x.id = c.id
                    RETURNING node_pk)
                SELECT c.id, c.pk FROM created c
                """, [input])
            for row in created {
                keys[ProvID(stored: row[0])] = row[1]
            }
            for entry in pending where keys[entry.record.id] == nil {
                // Created by another writer since the batch began.
                stored[entry.position] = try await write(.putEntity(entry.record, isNew: true), step: entry.eventIndex)
            }
        }

        /// Inserts the batch's relations in one statement; a relation already held (or repeated in the batch) keeps
        /// its first time and takes newer attributes, in batch order, and is not new.
        private mutating func writeRelations() async throws {
            guard !pendingRelations.isEmpty else { return }
            let pending = pendingRelations
            pendingRelations = []
            var (kinds, subjects, objects) = ([String](), [Int64](), [Int64]())
            for (_, record) in pending {
                kinds.append(record.kind.rawValue)
                subjects.append(try await key(record.subject))
                objects.append(try await key(record.object))
            }
            // A missing time travels as Int64.min and missing attributes as "", turned back into NULL.
            let times = pending.map { $0.record.time?.microsecondsSinceEpoch ?? .min }
            let texts = pending.map { IngestSQL.json($0.record.attributes) ?? "" }
            let inserted = try await rows(
                """
                INSERT INTO relation (kind, subject_pk, object_pk, time, attributes)
                SELECT k, s, o, NULLIF(t, ?6), NULLIF(a, '') FROM unnest(?1, ?2, ?3, ?4, ?5) WITH ORDINALITY AS u(k, s, o, t, a, i)
                ORDER BY i
                ON CONFLICT (subject_pk, object_pk, kind) DO NOTHING
                RETURNING kind, subject_pk, object_pk
                """, [kinds, subjects, objects, times, texts, Int64.min])
            struct Key: Hashable {
                var kind: String
                var subject: Int64
                var object: Int64
            }
            var fresh = Set(inserted.map { Key(kind: $0[0], subject: $0[1], object: $0[2]) })
            for (index, entry) in pending.enumerated() {
                let key = Key(kind: kinds[index], subject: subjects[index], object: objects[index])
                // The first occurrence is the inserted row.
                stored[entry.position] = fresh.remove(key) != nil
                if stored[entry.position] { continue }
                let time: Int64? = times[index] == .min ? nil : times[index]
                let attributes: String? = texts[index].isEmpty ? nil : texts[index]
                guard time != nil || attributes != nil else { continue }  // nothing to change
                try await execute(IngestSQL.updateRelation, [time, attributes, key.subject, key.object, key.kind])
            }
        }

        private mutating func seriesKey(run: Int64, _ runID: ProvID, key: String) async throws -> Int64 {
            let seriesKey = HeldKey(node: runID, key: key)
            if let known = series[seriesKey] { return known }
            let pk: Int64
            if let inserted = try await row(
                """
                INSERT INTO metric_series (run_pk, key, term) VALUES (?, ?, ?)
                ON CONFLICT (run_pk, key) DO NOTHING RETURNING pk
                """, [run, key, classifier.term(for: key)])
            {
                pk = inserted[0]
            } else if let existing = try await row(
                "SELECT pk FROM metric_series WHERE run_pk = ? AND key = ?", [run, key])
            {
                pk = existing[0]
            } else {
                throw StoreError(.backend, "the metric series '\(key)' could not be read back")
            }
            series[seriesKey] = pk
            return pk
        }

        /// Writes the batch's points in one statement; a point identical to a held one (or to one before it in the
        /// batch) is a re-send and is not new.
        private mutating func writePoints() async throws {
            guard !pendingPoints.isEmpty else { return }
            let pending = pendingPoints
            pendingPoints = []
            let inserted = try await rows(
                """
                INSERT INTO metric_point (series_pk, step, time, epoch, value)
                SELECT s, st, NULLIF(t, ?6), NULLIF(e, 'NaN'::float8), NULLIF(v, 'NaN'::float8)
                FROM unnest(?1, ?2, ?3, ?4, ?5) AS u(s, st, t, e, v)
                ON CONFLICT ON CONSTRAINT metric_point_identity DO NOTHING
                RETURNING series_pk, step, time, value
                """,
                [
                    pending.map { $0.series }, pending.map { $0.point.step },
                    pending.map { $0.point.time?.microsecondsSinceEpoch ?? .min },
                    pending.map { $0.point.epoch ?? .nan },
                    pending.map { $0.point.value }, Int64.min,
                ])
            struct Identity: Hashable {
                var series: Int64
                var step: Int64
                var time: Int64?
                var value: Double?
            }
            var fresh = Set(inserted.map { Identity(series: $0[0], step: $0[1], time: $0[2], value: $0[3]) })
            for entry in pending {
                let point = entry.point
                let identity = Identity(
                    series: entry.series, step: point.step, time: point.time?.microsecondsSinceEpoch,
                    value: point.value.isNaN ? nil : point.value)
                stored[entry.position] = fresh.remove(identity) != nil
            }
        }

        /// Adds a sample unless an identical one is held; for a deleted run (`onlyResend`) only looks whether it is.
        private mutating func insert(_ sample: TelemetrySample, onlyResend: Bool) async throws -> Bool {
            let run = try await key(sample.run)
            let readings = JSONValue.object(sample.values.mapValues { .number($0) }).jsonText
            let time = sample.time.microsecondsSinceEpoch
            if onlyResend {
                return try await row(
                    """
                    SELECT 1 FROM telemetry_sample
                    WHERE run_pk = ? AND time = ? AND phase = ? AND md5(readings) = md5(?) AND readings = ?
                    """, [run, time, sample.phase.rawValue, readings, readings]) == nil
            }
            let inserted =
                try await row(
                    """
                    INSERT INTO telemetry_sample (run_pk, time, phase, readings) VALUES (?, ?, ?, ?)
                    ON CONFLICT (run_pk, time, phase, md5(readings)) DO NOTHING RETURNING 1
                    """, [run, time, sample.phase.rawValue, readings]) != nil
            guard inserted else { return false }
            let keys = sample.values.keys.sorted()
            try await execute(
                """
                INSERT INTO telemetry_key (run_pk, key, term)
                SELECT ?, k, NULLIF(t, '') FROM unnest(?, ?) AS u(k, t) ON CONFLICT DO NOTHING
                """, [run, keys, keys.map { classifier.term(for: $0) ?? "" }])
            return true
        }

        private mutating func replace(_ record: ArchitectureRecord) async throws {
            let run = try await key(record.run)
            let model: Int64? = if let model = record.model { try await key(model) } else { nil }
            try await execute("DELETE FROM architecture_layer WHERE run_pk = ?", [run])
            guard !record.layers.isEmpty else { return }
            try await execute(
                """
                INSERT INTO architecture_layer (run_pk, position, layer_type, model_pk, hyperparameters)
                SELECT ?, p - 1, t, ?, h FROM unnest(?, ?) WITH ORDINALITY AS u(t, h, p)
                """,
                [
                    run, model, record.layers.map(\.type),
                    record.layers.map { JSONValue.object($0.hyperparameters).jsonText },
                ])
        }

        /// Folds the changes into each series' summary (series in key order, so that concurrent batches lock them in
        /// the same order).
        mutating func updateSeries(_ deltas: [HeldKey: MetricSeriesDelta]) async throws {
            let keyed = deltas.compactMap { entry in series[entry.key].map { ($0, entry.value) } }
            for (pk, delta) in keyed.sorted(by: { $0.0 < $1.0 }) {
                let statement = IngestSQL.updateSeries(delta, series: pk)
                try await execute(statement.sql, statement.arguments)
            }
        }
    }

#endif
