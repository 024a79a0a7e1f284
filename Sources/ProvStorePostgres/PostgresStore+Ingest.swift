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

        /// Ingests independent batches in one transaction, each inside its own savepoint: a refused batch is rolled
        /// back alone, the others commit together.
        public func ingest(batches: [[ProvEvent]]) async throws -> [Result<IngestSummary, IngestError>] {
            try await ingest(keyedBatches: batches.map { KeyedBatch(events: $0) })
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

    /// The state of one ingest: caches of node keys and series, the metric points waiting to be written together, and
    /// the running summary. The rules are the embedded store's (`IngestSession` in ProvStoreSQLite), made safe for
    /// concurrent writers: rows are created with `ON CONFLICT`, and read-modify-write of a run locks its row.
    struct PostgresIngestSession {
        let connection: PostgresConnection
        let classifier: KeyClassifier
        let logger: Logger
        var eventIndex = 0
        var summary = IngestSummary()
        private var nodes: [ProvID: Node] = [:]
        /// Ids the batch mentions that were not in the store when the batch started (read in one query up front).
        private var absent = Set<ProvID>()
        /// Relations, written with the batch's other relations in one statement at the end.
        private var pendingRelations = PendingRelations()
        /// New entities (ids not in the store), written together when something needs their keys or the batch ends.
        private var pendingEntities: [EntityRecord] = []
        private var pendingEntityIDs = Set<ProvID>()
        private var series: [SeriesKey: Int64] = [:]
        /// Points of active runs, written in one statement at the end of the batch.
        private var pending = PendingPoints()
        private var numberLockHeld = false
        private var parentLockHeld = false

        struct Node {
            var pk: Int64
            var type: NodeType
            var active: Bool
        }

        private struct SeriesKey: Hashable {
            var run: Int64
            var key: String
        }

        /// Column arrays for `unnest` (array parameters carry no NULLs here: see the fields).
        private struct PendingRelations {
            var kinds: [String] = []
            /// Node ids; their keys are looked up when the relations are written (after pending entities are).
            var subjects: [ProvID] = []
            var objects: [ProvID] = []
            /// Microseconds since the epoch, `Int64.min` for none.
            var times: [Int64] = []
            /// JSON text, "" for none.
            var attributes: [String] = []
            var isEmpty: Bool { kinds.isEmpty }
        }

        /// Column arrays for `unnest`; a missing time is `Int64.min` and a missing epoch or value NaN, turned back into
        /// NULL by the statement.
        private struct PendingPoints {
            var series: [Int64] = []
            var steps: [Int64] = []
            var times: [Int64] = []
            var epochs: [Double] = []
            var values: [Double] = []
            var isEmpty: Bool { series.isEmpty }
        }

        private var seriesDeltas: [Int64: MetricSeriesDelta] = [:]

        init(connection: PostgresConnection, classifier: KeyClassifier, logger: Logger) {
            self.connection = connection
            self.classifier = classifier
            self.logger = logger
        }

        static func apply(
            _ events: [ProvEvent], connection: PostgresConnection, classifier: KeyClassifier, logger: Logger
        ) async throws -> IngestSummary {
            var session = PostgresIngestSession(connection: connection, classifier: classifier, logger: logger)
            try await session.prefetch(events)
            for (index, event) in events.enumerated() {
                session.eventIndex = index
                try await session.apply(event)
            }
            try await session.finish()
            return session.summary
        }

        func fail(_ field: String?, _ message: String, _ code: IngestError.Code = .invalid) -> IngestError {
            IngestError(eventIndex: eventIndex, field: field, message: message, code: code)
        }

        /// The database's clock in microseconds since the epoch.
        static let nowSQL = "(extract(epoch FROM clock_timestamp()) * 1000000)::bigint"

        private func rows(_ sql: String, _ arguments: [any SQLBindable]) async throws -> [SQLRow] {
            try await connection.rows(sql, arguments, logger: logger)
        }

        private func row(_ sql: String, _ arguments: [any SQLBindable]) async throws -> SQLRow? {
            try await connection.row(sql, arguments, logger: logger)
        }

        private func execute(_ sql: String, _ arguments: [any SQLBindable]) async throws {
            try await connection.execute(sql, arguments, logger: logger)
        }

        // MARK: Node lookup

        /// Reads every node the batch mentions in one query, so that most lookups need no round trip.
        private mutating func prefetch(_ events: [ProvEvent]) async throws {
            var ids = Set<ProvID>()
            for event in events {
                switch event {
                case .experiment(let record): ids.insert(record.id)
                case .runStart(let record):
                    ids.insert(record.id)
                    ids.insert(record.experiment)
                    if let parent = record.parent { ids.insert(parent) }
                case .runEnd(let record): ids.insert(record.run)
                case .entity(let record): ids.insert(record.id)
                case .agent(let record): ids.insert(record.id)
                case .relation(let record):
                    ids.insert(record.subject)
                    ids.insert(record.object)
                case .parameter(let record): ids.insert(record.run)
                case .tag(let record): ids.insert(record.target)
                case .metric(let point):
                    ids.insert(point.run)
                    if let model = point.model { ids.insert(model) }
                case .telemetry(let sample): ids.insert(sample.run)
                case .architecture(let record):
                    ids.insert(record.run)
                    if let model = record.model { ids.insert(model) }
                case .runUpdate(let update):
                    ids.insert(update.run)
                    if let parent = update.parent { ids.insert(parent) }
                case .tagDelete(let deletion): ids.insert(deletion.target)
                case .lifecycle(let change): ids.insert(change.target)
                }
            }
            guard ids.count > 1 else { return }
            absent = ids
            try await connection.eachRow(
                """
                SELECT n.id, n.pk, n.node_type, coalesce(r.lifecycle, x.lifecycle, 'active') FROM node n
                LEFT JOIN run r ON n.node_type = 'run' AND r.node_pk = n.pk
                LEFT JOIN experiment x ON n.node_type = 'experiment' AND x.node_pk = n.pk
                WHERE n.id = ANY(?)
                """, [ids.map(\.hex)], logger: logger
            ) { row in
                let id = PostgresStore.id(row[0])
                nodes[id] = Node(
                    pk: row[1], type: NodeType(rawValue: row[2]) ?? .entity,
                    active: (row[3] as String) == LifecycleStage.active.rawValue)
                absent.remove(id)
            }
        }

        private mutating func lookup(_ id: ProvID) async throws -> Node? {
            if pendingEntityIDs.contains(id) { try await writeEntities() }
            if let known = nodes[id] { return known }
            if absent.contains(id) { return nil }
            guard
                let row = try await row(
                    """
                    SELECT n.pk, n.node_type, coalesce(r.lifecycle, x.lifecycle, 'active') FROM node n
                    LEFT JOIN run r ON n.node_type = 'run' AND r.node_pk = n.pk
                    LEFT JOIN experiment x ON n.node_type = 'experiment' AND x.node_pk = n.pk
                    WHERE n.id = ?
                    """, [id.hex])
            else { return nil }
            let found = Node(
                pk: row[0], type: NodeType(rawValue: row[1]) ?? .entity,
                active: (row[2] as String) == LifecycleStage.active.rawValue)
            nodes[id] = found
            return found
        }

        private mutating func require(_ id: ProvID, _ types: Set<NodeType>, field: String) async throws -> Node {
            guard let node = try await lookup(id) else {
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

        private func requireActive(_ node: Node, _ id: ProvID, field: String) throws {
            guard node.active else {
                throw fail(
                    field, "\(node.type.rawValue) \(id.hex) is deleted; restore it before changing it", .inactiveTarget)
            }
        }

        /// Creates the node row for `id`, or returns the existing key when it exists with the same type. Another writer
        /// creating the same node at the same time is waited for (the unique key), then its row is used.
        private mutating func defineNode(_ id: ProvID, type: NodeType) async throws -> (pk: Int64, isNew: Bool) {
            if let existing = try await lookup(id) {
                guard existing.type == type else {
                    throw fail(
                        "id",
                        "\(id.hex) is already a \(existing.type.rawValue) and cannot be redefined as a \(type.rawValue)"
                    )
                }
                return (existing.pk, false)
            }
            absent.remove(id)
            if let inserted = try await row(
                "INSERT INTO node (id, node_type) VALUES (?, ?) ON CONFLICT (id) DO NOTHING RETURNING pk",
                [id.hex, type.rawValue])
            {
                let pk: Int64 = inserted[0]
                nodes[id] = Node(pk: pk, type: type, active: true)
                return (pk, true)
            }
            // Another writer created it meanwhile.
            guard let existing = try await lookup(id) else {
                throw StoreError(.backend, "the node \(id.hex) could not be read back")
            }
            guard existing.type == type else {
                throw fail(
                    "id",
                    "\(id.hex) is already a \(existing.type.rawValue) and cannot be redefined as a \(type.rawValue)")
            }
            return (existing.pk, false)
        }

        // MARK: Events

        mutating func apply(_ event: ProvEvent) async throws {
            summary.events += 1
            do {
                try IngestRules.check(event)
            } catch {
                throw fail(error.field, error.message, error.code)
            }
            switch event {
            case .experiment(let record): try await apply(record)
            case .runStart(let record): try await apply(record)
            case .runEnd(let record): try await apply(record)
            case .entity(let record): try await apply(record)
            case .agent(let record): try await apply(record)
            case .relation(let record): try await apply(record)
            case .parameter(let record): try await apply(record)
            case .tag(let record): try await apply(record)
            case .metric(let point): try await apply(point)
            case .telemetry(let sample): try await apply(sample)
            case .architecture(let record): try await apply(record)
            case .runUpdate(let update): try await apply(update)
            case .tagDelete(let deletion): try await apply(deletion)
            case .lifecycle(let change): try await apply(change)
            }
        }

        /// Serializes experiment numbering among all writers until this transaction ends.
        private mutating func lockExperimentNumbers() async throws {
            guard !numberLockHeld else { return }
            try await execute("SELECT pg_advisory_xact_lock(?)", [PostgresSchema.experimentNumberLock])
            numberLockHeld = true
        }

        private mutating func apply(_ record: ExperimentRecord) async throws {
            if try await lookup(record.id) == nil { try await lockExperimentNumbers() }
            if let byName = try await row(
                "SELECT node.id FROM experiment JOIN node ON node.pk = experiment.node_pk WHERE name = ?", [record.name]
            ),
                (byName[0] as String) != record.id.hex
            {
                throw fail(
                    "name", "an experiment named '\(record.name)' already exists with id \(byName[0] as String)",
                    .duplicateName)
            }
            let (pk, isNew) = try await defineNode(record.id, type: .experiment)
            try await execute(
                """
                INSERT INTO experiment (node_pk, name, description, created_at, number, updated_at)
                VALUES (?1, ?2, ?3, ?4, (SELECT coalesce(max(number), 0) + 1 FROM experiment),
                    coalesce(?4, \(Self.nowSQL)))
                ON CONFLICT (node_pk) DO UPDATE SET name = excluded.name,
                    description = coalesce(excluded.description, experiment.description),
                    created_at = coalesce(experiment.created_at, excluded.created_at),
                    updated_at = CASE WHEN experiment.name = excluded.name THEN experiment.updated_at
                        ELSE \(Self.nowSQL) END
                """,
                [pk, record.name, record.description, record.createdAt?.microsecondsSinceEpoch])
            if isNew { summary.experiments += 1 }
        }

        private mutating func apply(_ record: RunStart) async throws {
            let experiment = try await require(record.experiment, [.experiment], field: "experiment")
            var parentPK: Int64? = nil
            if let parent = record.parent {
                guard parent != record.id else { throw fail("parent", "a run cannot be its own parent") }
                parentPK = try await require(parent, [.run], field: "parent").pk
                try await checkParent(of: record.id, parent: parent)
            }
            if try await lookup(record.id) == nil {
                try requireActive(experiment, record.experiment, field: "experiment")
            }
            let (pk, isNew) = try await defineNode(record.id, type: .run)
            try await execute(
                """
                INSERT INTO run (node_pk, experiment_pk, parent_pk, kind, name, status, started_at)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (node_pk) DO UPDATE SET experiment_pk = excluded.experiment_pk,
                    parent_pk = excluded.parent_pk, kind = excluded.kind, name = coalesce(excluded.name, run.name),
                    started_at = excluded.started_at
                """,
                [
                    pk, experiment.pk, parentPK, record.kind.rawValue, record.name, record.status.rawValue,
                    record.startedAt.microsecondsSinceEpoch,
                ])
            if isNew { summary.runs += 1 }
        }

        /// Serializes changes of parent among all writers until this transaction ends, so that two concurrent
        /// batches cannot close a cycle between them.
        static let parentChangeLock: Int64 = 0x50_72_6F_76_4B_69_74_70

        private mutating func lockParentChanges() async throws {
            guard !parentLockHeld else { return }
            try await execute("SELECT pg_advisory_xact_lock(?)", [Self.parentChangeLock])
            parentLockHeld = true
        }

        /// Refuses a parent that would make `run` its own ancestor (``IngestRules/checkParent(of:parent:ancestors:)``).
        private mutating func checkParent(of run: ProvID, parent: ProvID) async throws {
            try await lockParentChanges()
            let ancestors = try await rows(IngestRules.ancestorsQuery, [parent.hex]).map { PostgresStore.id($0[0]) }
            do {
                try IngestRules.checkParent(of: run, parent: parent, ancestors: ancestors)
            } catch {
                throw fail(error.field, error.message, error.code)
            }
        }

        private mutating func apply(_ record: RunEnd) async throws {
            let run = try await require(record.run, [.run], field: "id")
            // The row lock keeps a concurrent update of the same run from being lost.
            let row = try await row(
                "SELECT started_at, status, ended_at FROM run WHERE node_pk = ? FOR UPDATE", [run.pk])
            let started = (row?[0] as Int64?) ?? .min
            let ended = record.endedAt?.microsecondsSinceEpoch
            guard (ended ?? .max) >= started else {
                throw fail("time", "the run ends before it started")
            }
            if !run.active, (row?[1] as String?) != record.status.rawValue || (row?[2] as Int64?) != ended {
                try requireActive(run, record.run, field: "id")
            }
            try await execute(
                "UPDATE run SET status = ?, ended_at = ? WHERE node_pk = ?", [record.status.rawValue, ended, run.pk])
        }

        private mutating func apply(_ update: RunUpdate) async throws {
            let run = try await require(update.run, [.run], field: "id")
            // Before the run's row lock, so that every writer takes the two in the same order.
            if update.parent != nil { try await lockParentChanges() }
            guard
                let row = try await row(
                    "SELECT started_at, name, status, ended_at, parent_pk, kind FROM run WHERE node_pk = ? FOR UPDATE",
                    [run.pk])
            else { return }
            let heldParent: Int64? = row[4]
            var parentPK = heldParent
            if let parent = update.parent {
                guard parent != update.run else { throw fail("parent", "a run cannot be its own parent") }
                parentPK = try await require(parent, [.run], field: "parent").pk
                try await checkParent(of: update.run, parent: parent)
            }
            let heldName: String? = row[1]
            let heldStatus: String = row[2]
            let heldEnd: Int64? = row[3]
            let name: String? = update.name ?? heldName
            let status = update.status?.rawValue ?? heldStatus
            let ended: Int64? = update.endedAt?.microsecondsSinceEpoch ?? heldEnd
            if let ended, ended < (row[0] as Int64) {
                throw fail("time", "the run ends before it started")
            }
            let changed = name != heldName || status != heldStatus || ended != heldEnd || parentPK != heldParent
            guard changed else { return }
            try requireActive(run, update.run, field: "id")
            var kind = row[5] as String
            if parentPK != nil, kind == RunKind.workflow.rawValue { kind = RunKind.task.rawValue }
            try await execute(
                "UPDATE run SET name = ?, status = ?, ended_at = ?, parent_pk = ?, kind = ? WHERE node_pk = ?",
                [name, status, ended, parentPK, kind, run.pk])
        }

        private mutating func apply(_ deletion: TagDeletion) async throws {
            let target =
                switch deletion.targetType {
                case .run: try await require(deletion.target, [.run], field: "run")
                case .experiment: try await require(deletion.target, [.experiment], field: "experiment")
                }
            let held =
                try await row("SELECT 1 FROM tag WHERE node_pk = ? AND key = ?", [target.pk, deletion.key]) != nil
            guard held else { return }
            try requireActive(target, deletion.target, field: deletion.targetType.rawValue)
            try await execute("DELETE FROM tag WHERE node_pk = ? AND key = ?", [target.pk, deletion.key])
            if deletion.targetType == .experiment { try await touchExperiment(target.pk) }
        }

        private mutating func apply(_ change: LifecycleChange) async throws {
            let time = change.time?.microsecondsSinceEpoch
            let stage = change.stage.rawValue
            switch change.targetType {
            case .run:
                let run = try await require(change.target, [.run], field: "run")
                guard run.active != (change.stage == .active) else { return }
                try await execute(
                    "UPDATE run SET lifecycle = ?, deleted_at = ? WHERE node_pk = ?",
                    [stage, change.stage == .deleted ? time : nil, run.pk])
                nodes[change.target]?.active = change.stage == .active
            case .experiment:
                let experiment = try await require(change.target, [.experiment], field: "experiment")
                guard experiment.active != (change.stage == .active) else { return }
                if change.stage == .deleted {
                    try await execute(
                        "UPDATE run SET lifecycle = 'deleted', deleted_at = ? WHERE experiment_pk = ? AND lifecycle = 'active'",
                        [time, experiment.pk])
                } else {
                    try await execute(
                        """
                        UPDATE run SET lifecycle = 'active', deleted_at = NULL
                        WHERE experiment_pk = ?1 AND lifecycle = 'deleted'
                            AND deleted_at IS NOT DISTINCT FROM (SELECT deleted_at FROM experiment WHERE node_pk = ?1)
                        """, [experiment.pk])
                }
                try await execute(
                    "UPDATE experiment SET lifecycle = ?, deleted_at = ?, updated_at = \(Self.nowSQL) WHERE node_pk = ?",
                    [stage, change.stage == .deleted ? time : nil, experiment.pk])
                nodes[change.target]?.active = change.stage == .active
                nodes = nodes.filter { $0.value.type != .run }
            }
        }

        private func touchExperiment(_ pk: Int64) async throws {
            try await execute("UPDATE experiment SET updated_at = \(Self.nowSQL) WHERE node_pk = ?", [pk])
        }

        private mutating func apply(_ record: EntityRecord) async throws {
            if try await lookup(record.id) == nil {
                // A new entity: written with the batch's other new entities, in one statement.
                absent.remove(record.id)
                pendingEntities.append(record)
                pendingEntityIDs.insert(record.id)
                return
            }
            try await upsertEntity(record)
        }

        /// Writes the pending new entities (nodes and rows) in one statement. One that another writer created meanwhile
        /// is updated as an existing entity instead.
        private mutating func writeEntities() async throws {
            guard !pendingEntities.isEmpty else { return }
            let records = pendingEntities
            pendingEntities = []
            pendingEntityIDs = []
            // The rows travel as one JSON array (a bound value); numbers as strings, so that no digit is lost.
            let input = JSONValue.array(
                records.enumerated().map { index, record in
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
                    if let attributes = Self.json(record.attributes) { fields["attributes"] = .string(attributes) }
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
                nodes[PostgresStore.id(row[0])] = Node(pk: row[1], type: .entity, active: true)
            }
            summary.entities += created.count
            for record in records where nodes[record.id] == nil {
                try await upsertEntity(record)  // created by another writer since the batch began
            }
        }

        /// Defines an entity one at a time: creates it, or updates the one held.
        private mutating func upsertEntity(_ record: EntityRecord) async throws {
            let (pk, isNew) = try await defineNode(record.id, type: .entity)
            try await execute(
                """
                INSERT INTO entity (node_pk, kind, name, location, digest, size_bytes, created_at, attributes)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (node_pk) DO UPDATE SET kind = excluded.kind, name = coalesce(excluded.name, entity.name),
                    location = coalesce(excluded.location, entity.location),
                    digest = coalesce(excluded.digest, entity.digest),
                    size_bytes = coalesce(excluded.size_bytes, entity.size_bytes),
                    created_at = coalesce(entity.created_at, excluded.created_at),
                    attributes = coalesce(excluded.attributes, entity.attributes)
                """,
                [
                    pk, record.kind.rawValue, record.name, record.location, record.digest, record.sizeBytes,
                    record.createdAt?.microsecondsSinceEpoch, Self.json(record.attributes),
                ])
            if isNew { summary.entities += 1 }
        }

        private mutating func apply(_ record: AgentRecord) async throws {
            let (pk, isNew) = try await defineNode(record.id, type: .agent)
            try await execute(
                """
                INSERT INTO agent (node_pk, kind, name, attributes) VALUES (?, ?, ?, ?)
                ON CONFLICT (node_pk) DO UPDATE SET kind = excluded.kind, name = excluded.name,
                    attributes = coalesce(excluded.attributes, agent.attributes)
                """, [pk, record.kind.rawValue, record.name, Self.json(record.attributes)])
            if isNew { summary.agents += 1 }
        }

        private mutating func apply(_ record: RelationRecord) async throws {
            // An endpoint that is a new entity of this batch is valid without its key yet.
            func pendingEntity(_ id: ProvID, _ types: Set<NodeType>) -> Bool {
                types.contains(.entity) && pendingEntityIDs.contains(id)
            }
            if !pendingEntity(record.subject, record.kind.subjectTypes) {
                _ = try await require(record.subject, record.kind.subjectTypes, field: "subject")
            }
            if !pendingEntity(record.object, record.kind.objectTypes) {
                _ = try await require(record.object, record.kind.objectTypes, field: "object")
            }
            // Written with the batch's other relations at the end (nothing in a batch reads relations back).
            pendingRelations.kinds.append(record.kind.rawValue)
            pendingRelations.subjects.append(record.subject)
            pendingRelations.objects.append(record.object)
            pendingRelations.times.append(record.time?.microsecondsSinceEpoch ?? .min)
            pendingRelations.attributes.append(Self.json(record.attributes) ?? "")
        }

        /// Inserts the batch's relations in one statement; a relation already held (or repeated in the batch) keeps
        /// its first time and takes newer attributes, in batch order, and is not counted as new.
        private mutating func writeRelations() async throws {
            guard !pendingRelations.isEmpty else { return }
            try await writeEntities()
            let pending = pendingRelations
            pendingRelations = PendingRelations()
            var relations = (
                kinds: pending.kinds, subjects: [Int64](), objects: [Int64](), times: pending.times,
                attributes: pending.attributes
            )
            for (subject, object) in zip(pending.subjects, pending.objects) {
                guard let subjectNode = try await lookup(subject), let objectNode = try await lookup(object) else {
                    throw StoreError(.backend, "a relation's node could not be read back")
                }
                relations.subjects.append(subjectNode.pk)
                relations.objects.append(objectNode.pk)
            }
            let inserted = try await rows(
                """
                INSERT INTO relation (kind, subject_pk, object_pk, time, attributes)
                SELECT k, s, o, NULLIF(t, ?6), NULLIF(a, '') FROM unnest(?1, ?2, ?3, ?4, ?5) WITH ORDINALITY AS u(k, s, o, t, a, i)
                ORDER BY i
                ON CONFLICT (subject_pk, object_pk, kind) DO NOTHING
                RETURNING kind, subject_pk, object_pk
                """,
                [
                    relations.kinds, relations.subjects, relations.objects, relations.times, relations.attributes,
                    Int64.min,
                ])
            summary.relations += inserted.count
            struct Key: Hashable {
                var kind: String
                var subject: Int64
                var object: Int64
            }
            var fresh = Set(inserted.map { Key(kind: $0[0], subject: $0[1], object: $0[2]) })
            for index in relations.kinds.indices {
                let key = Key(
                    kind: relations.kinds[index], subject: relations.subjects[index], object: relations.objects[index])
                if fresh.remove(key) != nil { continue }  // the first occurrence is the inserted row
                let time: Int64? = relations.times[index] == .min ? nil : relations.times[index]
                let attributes: String? = relations.attributes[index].isEmpty ? nil : relations.attributes[index]
                guard time != nil || attributes != nil else { continue }  // nothing to change
                try await execute(
                    """
                    UPDATE relation SET time = coalesce(time, ?), attributes = coalesce(?, attributes)
                    WHERE subject_pk = ? AND object_pk = ? AND kind = ?
                    """, [time, attributes, key.subject, key.object, key.kind])
            }
        }

        private mutating func apply(_ record: ParameterRecord) async throws {
            let run = try await require(record.run, [.run], field: "run")
            func check(_ existing: String) throws {
                guard existing == record.value else {
                    throw fail(
                        "value",
                        "parameter '\(record.key)' of run \(record.run.hex) is already set to a different value; parameters cannot change",
                        .immutableValue)
                }
            }
            let select = "SELECT value FROM parameter WHERE node_pk = ? AND key = ?"
            if let existing = try await row(select, [run.pk, record.key]) {
                try check(existing[0])
                return
            }
            try requireActive(run, record.run, field: "run")
            let inserted = try await row(
                """
                INSERT INTO parameter (node_pk, key, value, value_number, term) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (node_pk, key) DO NOTHING RETURNING 1
                """,
                [run.pk, record.key, record.value, Self.number(record.value), classifier.term(for: record.key)])
            if inserted != nil {
                summary.parameters += 1
            } else if let existing = try await row(select, [run.pk, record.key]) {
                try check(existing[0])  // another writer set it meanwhile
            }
        }

        private mutating func apply(_ record: TagRecord) async throws {
            let target =
                switch record.targetType {
                case .run: try await require(record.target, [.run], field: "run")
                case .experiment: try await require(record.target, [.experiment], field: "experiment")
                }
            if !target.active {
                let held = try await row(
                    "SELECT value FROM tag WHERE node_pk = ? AND key = ?", [target.pk, record.key])
                if (held?[0] as String?) != record.value {
                    try requireActive(target, record.target, field: record.targetType.rawValue)
                }
            }
            if record.targetType == .experiment { try await touchExperiment(target.pk) }
            try await execute(
                """
                INSERT INTO tag (node_pk, key, value, value_number, term) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (node_pk, key) DO UPDATE SET value = excluded.value, value_number = excluded.value_number
                """,
                [target.pk, record.key, record.value, Self.number(record.value), classifier.term(for: record.key)])
            summary.tags += 1
        }

        private mutating func seriesKey(run: Int64, key: String) async throws -> Int64 {
            let seriesKey = SeriesKey(run: run, key: key)
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

        private mutating func apply(_ point: MetricPoint) async throws {
            let run = try await require(point.run, [.run], field: "run")
            let seriesPK = try await seriesKey(run: run.pk, key: point.key)
            let time = point.time?.microsecondsSinceEpoch
            let value: Double? = point.value.isNaN ? nil : point.value
            if run.active, point.model == nil {
                // The common case: written with the batch's other points, in one statement, at the end.
                pending.series.append(seriesPK)
                pending.steps.append(point.step)
                pending.times.append(time ?? .min)
                pending.epochs.append(point.epoch ?? .nan)
                pending.values.append(point.value)
                return
            }
            // A point of a deleted run is refused unless it is a re-send; a model's point also goes to model_metric.
            let inserted =
                try await row(
                    """
                    INSERT INTO metric_point (series_pk, step, time, epoch, value) VALUES (?, ?, ?, ?, ?)
                    ON CONFLICT ON CONSTRAINT metric_point_identity DO NOTHING RETURNING 1
                    """, [seriesPK, point.step, time, point.epoch, value]) != nil
            var modelPointInserted = false
            if let model = point.model {
                let modelNode = try await require(model, [.entity], field: "model")
                modelPointInserted =
                    try await row(
                        """
                        INSERT INTO model_metric (model_pk, run_pk, key, step, time, value, dataset_name, dataset_digest)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                        ON CONFLICT (model_pk, key, step, time, value, run_pk, md5(dataset_name), md5(dataset_digest))
                            DO NOTHING RETURNING 1
                        """,
                        [
                            modelNode.pk, run.pk, point.key, point.step, time, value, point.dataset?.name,
                            point.dataset?.digest,
                        ]) != nil
            }
            if inserted || modelPointInserted { try requireActive(run, point.run, field: "run") }
            guard inserted else { return }
            seriesDeltas[seriesPK, default: MetricSeriesDelta()].add(value: point.value, step: point.step, time: time)
            summary.metricPoints += 1
        }

        private mutating func apply(_ sample: TelemetrySample) async throws {
            let run = try await require(sample.run, [.run], field: "run")
            let readings = JSONValue.object(sample.values.mapValues { .number($0) }).jsonText
            let time = sample.time.microsecondsSinceEpoch
            if !run.active {
                let held =
                    try await row(
                        """
                        SELECT 1 FROM telemetry_sample
                        WHERE run_pk = ? AND time = ? AND phase = ? AND md5(readings) = md5(?) AND readings = ?
                        """, [run.pk, time, sample.phase.rawValue, readings, readings]) != nil
                if !held { try requireActive(run, sample.run, field: "run") }
                return
            }
            let inserted =
                try await row(
                    """
                    INSERT INTO telemetry_sample (run_pk, time, phase, readings) VALUES (?, ?, ?, ?)
                    ON CONFLICT (run_pk, time, phase, md5(readings)) DO NOTHING RETURNING 1
                    """, [run.pk, time, sample.phase.rawValue, readings]) != nil
            guard inserted else { return }
            let keys = sample.values.keys.sorted()
            try await execute(
                """
                INSERT INTO telemetry_key (run_pk, key, term)
                SELECT ?, k, NULLIF(t, '') FROM unnest(?, ?) AS u(k, t) ON CONFLICT DO NOTHING
                """, [run.pk, keys, keys.map { classifier.term(for: $0) ?? "" }])
            summary.telemetrySamples += 1
        }

        private mutating func apply(_ record: ArchitectureRecord) async throws {
            let run = try await require(record.run, [.run], field: "run")
            try requireActive(run, record.run, field: "run")
            var modelPK: Int64? = nil
            if let model = record.model {
                modelPK = try await require(model, [.entity], field: "model").pk
            }
            try await execute("SELECT 1 FROM run WHERE node_pk = ? FOR UPDATE", [run.pk])
            try await execute("DELETE FROM architecture_layer WHERE run_pk = ?", [run.pk])
            guard !record.layers.isEmpty else {
                summary.architectures += 1
                return
            }
            try await execute(
                """
                INSERT INTO architecture_layer (run_pk, position, layer_type, model_pk, hyperparameters)
                SELECT ?, p - 1, t, ?, h FROM unnest(?, ?) WITH ORDINALITY AS u(t, h, p)
                """,
                [
                    run.pk, modelPK, record.layers.map(\.type),
                    record.layers.map { JSONValue.object($0.hyperparameters).jsonText },
                ])
            summary.architectures += 1
        }

        /// Writes the batch's pending points in one statement, then folds the changes into each series' summary
        /// (series in key order, so that concurrent batches lock them in the same order).
        mutating func finish() async throws {
            try await writeEntities()
            try await writeRelations()
            if !pending.isEmpty {
                let inserted = try await rows(
                    """
                    INSERT INTO metric_point (series_pk, step, time, epoch, value)
                    SELECT s, st, NULLIF(t, ?6), NULLIF(e, 'NaN'::float8), NULLIF(v, 'NaN'::float8)
                    FROM unnest(?1, ?2, ?3, ?4, ?5) AS u(s, st, t, e, v)
                    ON CONFLICT ON CONSTRAINT metric_point_identity DO NOTHING
                    RETURNING series_pk, step, time, value
                    """,
                    [pending.series, pending.steps, pending.times, pending.epochs, pending.values, Int64.min])
                for row in inserted {
                    let value: Double? = row[3]
                    seriesDeltas[row[0], default: MetricSeriesDelta()].add(
                        value: value ?? .nan, step: row[1], time: row[2])
                }
                summary.metricPoints += inserted.count
                pending = PendingPoints()
            }
            for (pk, delta) in seriesDeltas.sorted(by: { $0.key < $1.key }) {
                let lastValue: Double? = delta.lastValue.isNaN ? nil : delta.lastValue
                let lastTime: Int64? = delta.lastTime == .min ? nil : delta.lastTime
                try await execute(
                    """
                    UPDATE metric_series SET
                        point_count = point_count + ?1,
                        last_value = CASE WHEN last_step IS NULL OR ?2 > last_step
                            OR (?2 = last_step AND ?3 >= coalesce(last_time, -9223372036854775808))
                            THEN ?4 ELSE last_value END,
                        last_time = CASE WHEN last_step IS NULL OR ?2 > last_step
                            OR (?2 = last_step AND ?3 >= coalesce(last_time, -9223372036854775808))
                            THEN ?5 ELSE last_time END,
                        last_step = CASE WHEN last_step IS NULL OR ?2 > last_step THEN ?2 ELSE last_step END,
                        min_value = CASE WHEN ?6 IS NULL THEN min_value ELSE least(min_value, ?6) END,
                        max_value = CASE WHEN ?7 IS NULL THEN max_value ELSE greatest(max_value, ?7) END
                    WHERE pk = ?8
                    """,
                    [
                        Int64(delta.count), delta.lastStep, delta.lastTime, lastValue, lastTime, delta.minimum,
                        delta.maximum, pk,
                    ])
            }
            seriesDeltas = [:]
        }

        static func json(_ attributes: [String: JSONValue]) -> String? {
            attributes.isEmpty ? nil : JSONValue.object(attributes).jsonText
        }

        static func number(_ text: String) -> Double? {
            guard let value = Double(text.trimmingCharacters(in: .whitespaces)), value.isFinite else { return nil }
            return value
        }
    }
#endif
