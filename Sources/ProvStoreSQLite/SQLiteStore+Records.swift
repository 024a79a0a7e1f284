import Foundation
import GRDB
import ProvModel
public import ProvStore

extension SQLiteStore {
    public func records(for scope: RecordScope, includePoints: Bool) async throws -> ProvenanceRecords {
        if case .lineage(let id, let direction, let depth) = scope {
            let graph = try await lineage(of: id, direction: direction, depth: depth)
            let ids = graph.nodes.map { $0.node.id.hex }
            return try await read { db in
                let keys = try Int64.fetchAll(
                    db, sql: "SELECT pk FROM node WHERE id IN (SELECT value FROM json_each(?))",
                    arguments: [Self.jsonArray(ids)])
                return try Self.collect(db, nodeKeys: Set(keys), includePoints: includePoints)
            }
        }
        return try await read { db in
            let rootRuns: [Int64]
            var extra: [Int64] = []
            switch scope {
            case .run(let id):
                guard
                    let pk = try Int64.fetchOne(
                        db, sql: "SELECT n.pk FROM node n JOIN run r ON r.node_pk = n.pk WHERE n.id = ?",
                        arguments: [id.hex])
                else { throw StoreError(.notFound, "no run with id \(id.hex)") }
                rootRuns = try Int64.fetchAll(
                    db,
                    sql: """
                        WITH RECURSIVE tree(pk) AS (
                            SELECT ? UNION SELECT r.node_pk FROM run r JOIN tree ON r.parent_pk = tree.pk
                        )
                        SELECT pk FROM tree
                        """, arguments: [pk])
            case .experiment(let id):
                guard
                    let pk = try Int64.fetchOne(
                        db, sql: "SELECT n.pk FROM node n JOIN experiment x ON x.node_pk = n.pk WHERE n.id = ?",
                        arguments: [id.hex])
                else { throw StoreError(.notFound, "no experiment with id \(id.hex)") }
                rootRuns = try Int64.fetchAll(
                    db, sql: "SELECT node_pk FROM run WHERE experiment_pk = ?", arguments: [pk])
                extra = [pk]
            case .lineage:
                rootRuns = []  // handled above
            }
            // The runs, their direct neighbours, and the agents responsible for any of those.
            var keys = Set(rootRuns).union(extra)
            let neighbours = try Self.neighbours(db, of: keys)
            keys.formUnion(neighbours)
            let agents = try Int64.fetchAll(
                db,
                sql: """
                    SELECT rel.object_pk FROM relation rel JOIN node n ON n.pk = rel.object_pk
                    WHERE n.node_type = 'agent' AND rel.subject_pk IN (SELECT value FROM json_each(?))
                    """, arguments: [Self.jsonArray(keys)])
            keys.formUnion(agents)
            // Agents' delegation chains (actedOnBehalfOf), to any length.
            let chain = try Int64.fetchAll(
                db,
                sql: """
                    WITH RECURSIVE chain(pk) AS (
                        SELECT value FROM json_each(?)
                        UNION SELECT rel.object_pk FROM relation rel JOIN chain ON rel.subject_pk = chain.pk
                        WHERE rel.kind = 'actedOnBehalfOf'
                    )
                    SELECT pk FROM chain
                    """, arguments: [Self.jsonArray(agents)])
            keys.formUnion(chain)
            return try Self.collect(db, nodeKeys: keys, includePoints: includePoints)
        }
    }

    public func allRecords(includePoints: Bool) async throws -> ProvenanceRecords {
        try await read { db in
            let keys = try Int64.fetchAll(db, sql: "SELECT pk FROM node")
            return try Self.collect(db, nodeKeys: Set(keys), includePoints: includePoints)
        }
    }

    public func restoreBookkeeping(of experiment: TrackedExperiment) async throws {
        let location: String? =
            experiment.artifactLocation == "mlflow-artifacts:/\(experiment.number)" ? nil : experiment.artifactLocation
        try await write { db in
            let taken = try Bool.fetchOne(
                db,
                sql: """
                    SELECT 1 FROM experiment x JOIN node n ON n.pk = x.node_pk WHERE x.number = ? AND n.id <> ?
                    """, arguments: [experiment.number, experiment.id.hex]) ?? false
            if taken {
                throw StoreError(.invalidQuery, "another experiment already has the number \(experiment.number)")
            }
            try db.execute(
                sql: """
                    UPDATE experiment SET number = ?, artifact_location = ?, updated_at = coalesce(?, updated_at)
                    WHERE node_pk = (SELECT pk FROM node WHERE id = ?)
                    """,
                arguments: [
                    experiment.number, location, experiment.updatedAt?.microsecondsSinceEpoch, experiment.id.hex,
                ])
            if db.changesCount == 0 { throw StoreError(.notFound, "no experiment with id \(experiment.id.hex)") }
        }
    }

    static func jsonArray(_ values: some Collection<Int64>) -> String {
        "[" + values.map(String.init).joined(separator: ",") + "]"
    }

    static func jsonArray(_ values: [String]) -> String {
        JSONValue.array(values.map { .string($0) }).jsonText
    }

    static func neighbours(_ db: Database, of keys: Set<Int64>) throws -> [Int64] {
        try Int64.fetchAll(
            db,
            sql: """
                SELECT object_pk FROM relation WHERE subject_pk IN (SELECT value FROM json_each(?1))
                UNION SELECT subject_pk FROM relation WHERE object_pk IN (SELECT value FROM json_each(?1))
                """, arguments: [jsonArray(keys)])
    }

    /// Reads the records of a set of nodes, the experiments of its runs, and the relations among them.
    static func collect(_ db: Database, nodeKeys: Set<Int64>, includePoints: Bool) throws -> ProvenanceRecords {
        var keys = nodeKeys
        // Runs bring their experiment.
        keys.formUnion(
            try Int64.fetchAll(
                db, sql: "SELECT DISTINCT experiment_pk FROM run WHERE node_pk IN (SELECT value FROM json_each(?))",
                arguments: [jsonArray(keys)]))
        let keyList = jsonArray(keys)
        var records = ProvenanceRecords()
        func time(_ value: Int64?) -> ProvTime? { value.map { ProvTime(microsecondsSinceEpoch: $0) } }
        func id(_ text: String) -> ProvID { SQLiteStore.storedID(text) }

        records.experiments = try Row.fetchAll(
            db,
            sql: """
                SELECT n.id, x.name, x.description, x.created_at FROM experiment x JOIN node n ON n.pk = x.node_pk
                WHERE x.node_pk IN (SELECT value FROM json_each(?)) ORDER BY n.id
                """, arguments: [keyList]
        ).map { ExperimentRecord(id: id($0[0]), name: $0[1], description: $0[2], createdAt: time($0[3])) }

        records.runs = try Row.fetchAll(
            db,
            sql: """
                SELECT n.id, xn.id, pn.id, r.kind, r.name, r.status, r.started_at, r.ended_at
                FROM run r JOIN node n ON n.pk = r.node_pk JOIN node xn ON xn.pk = r.experiment_pk
                LEFT JOIN node pn ON pn.pk = r.parent_pk
                WHERE r.node_pk IN (SELECT value FROM json_each(?)) ORDER BY r.started_at, n.id
                """, arguments: [keyList]
        ).map { row in
            let status = RunStatus(rawValue: row[5]) ?? .running
            return RunRecord(
                start: RunStart(
                    id: id(row[0]), experiment: id(row[1]), parent: (row[2] as String?).map(id),
                    kind: RunKind(rawValue: row[3]), name: row[4], startedAt: time(row[6]) ?? ProvTime(microsecondsSinceEpoch: 0),
                    status: status == .scheduled ? .scheduled : .running),
                status: status, endedAt: time(row[7]))
        }
        // Runs whose parent is outside the scope keep no dangling parent.
        let runIDs = Set(records.runs.map(\.start.id))
        for index in records.runs.indices where records.runs[index].start.parent.map({ !runIDs.contains($0) }) ?? false
        {
            records.runs[index].start.parent = nil
        }

        records.entities = try Row.fetchAll(
            db,
            sql: """
                SELECT n.id, e.kind, e.name, e.location, e.digest, e.size_bytes, e.created_at, e.attributes
                FROM entity e JOIN node n ON n.pk = e.node_pk
                WHERE e.node_pk IN (SELECT value FROM json_each(?)) ORDER BY n.id
                """, arguments: [keyList]
        ).map { row in
            EntityRecord(
                id: id(row[0]), kind: EntityKind(rawValue: row[1]) ?? .artifact, name: row[2], location: row[3],
                digest: row[4], sizeBytes: row[5], createdAt: time(row[6]), attributes: decodeObject(row[7]))
        }

        records.agents = try Row.fetchAll(
            db,
            sql: """
                SELECT n.id, a.kind, a.name, a.attributes FROM agent a JOIN node n ON n.pk = a.node_pk
                WHERE a.node_pk IN (SELECT value FROM json_each(?)) ORDER BY n.id
                """, arguments: [keyList]
        ).map {
            AgentRecord(
                id: id($0[0]), kind: AgentKind(rawValue: $0[1]) ?? .software, name: $0[2],
                attributes: decodeObject($0[3]))
        }

        records.relations = try Row.fetchAll(
            db,
            sql: """
                SELECT rel.kind, s.id, o.id, rel.time, rel.attributes FROM relation rel
                JOIN node s ON s.pk = rel.subject_pk JOIN node o ON o.pk = rel.object_pk
                WHERE rel.subject_pk IN (SELECT value FROM json_each(?1))
                    AND rel.object_pk IN (SELECT value FROM json_each(?1))
                ORDER BY rel.pk
                """, arguments: [keyList]
        ).map { row in
            RelationRecord(
                RelationKind(rawValue: row[0]) ?? .used, subject: id(row[1]), object: id(row[2]), time: time(row[3]),
                attributes: decodeObject(row[4]))
        }

        for row in try Row.fetchAll(
            db,
            sql: """
                SELECT n.id, p.key, p.value, p.term FROM parameter p JOIN node n ON n.pk = p.node_pk
                WHERE p.node_pk IN (SELECT value FROM json_each(?)) ORDER BY n.id, p.key
                """, arguments: [keyList])
        {
            records.parameters.append(ParameterRecord(run: id(row[0]), key: row[1], value: row[2]))
            if let term = row[3] as String? { records.terms[row[1]] = term }
        }

        for row in try Row.fetchAll(
            db,
            sql: """
                SELECT n.id, n.node_type, t.key, t.value, t.term FROM tag t JOIN node n ON n.pk = t.node_pk
                WHERE t.node_pk IN (SELECT value FROM json_each(?)) ORDER BY n.id, t.key
                """, arguments: [keyList])
        {
            let type: TagTarget = (row[1] as String) == "experiment" ? .experiment : .run
            records.tags.append(TagRecord(target: id(row[0]), targetType: type, key: row[2], value: row[3]))
            if let term = row[4] as String? { records.terms[row[2]] = term }
        }

        let seriesRows = try Row.fetchAll(
            db,
            sql: """
                SELECT s.pk, n.id, s.key, s.term, s.point_count, s.last_value, s.last_step, s.min_value, s.max_value
                FROM metric_series s JOIN node n ON n.pk = s.run_pk
                WHERE s.run_pk IN (SELECT value FROM json_each(?)) ORDER BY n.id, s.key
                """, arguments: [keyList])
        for row in seriesRows {
            let run = id(row[1])
            let key: String = row[2]
            let summary = MetricSummary(
                key: key, term: row[3], count: row[4], last: (row[5] as Double?) ?? .nan,
                lastStep: (row[6] as Int64?) ?? 0,
                min: (row[7] as Double?) ?? .nan, max: (row[8] as Double?) ?? .nan)
            var points: [MetricPoint] = []
            if includePoints {
                points = try Row.fetchAll(
                    db,
                    sql:
                        "SELECT step, time, epoch, value FROM metric_point WHERE series_pk = ? ORDER BY step, time, rowid",
                    arguments: [row[0] as Int64]
                ).map { point in
                    MetricPoint(
                        run: run, key: key, value: (point[3] as Double?) ?? .nan, step: point[0], time: time(point[1]),
                        epoch: point[2])
                }
            }
            records.metricSeries.append(MetricSeriesRecord(run: run, summary: summary, points: points))
        }

        records.telemetry = try Row.fetchAll(
            db,
            sql: """
                SELECT n.id, t.time, t.phase, t.readings FROM telemetry_sample t JOIN node n ON n.pk = t.run_pk
                WHERE t.run_pk IN (SELECT value FROM json_each(?)) ORDER BY n.id, t.time
                """, arguments: [keyList]
        ).map { row in
            let readings = decodeObject(row[3]).compactMapValues(\.numberValue)
            return TelemetrySample(
                run: id(row[0]), time: time(row[1]) ?? ProvTime(microsecondsSinceEpoch: 0), phase: TelemetryPhase(rawValue: row[2]) ?? .periodic,
                values: readings)
        }
        for row in try Row.fetchAll(
            db,
            sql: """
                SELECT DISTINCT t.key, t.term FROM telemetry_key t
                WHERE t.run_pk IN (SELECT value FROM json_each(?)) AND t.term IS NOT NULL
                """, arguments: [keyList])
        {
            records.terms[row[0]] = row[1]
        }

        var layersByRun: [String: (model: String?, layers: [ArchitectureLayer])] = [:]
        var runOrder: [String] = []
        for row in try Row.fetchAll(
            db,
            sql: """
                SELECT n.id, m.id, a.layer_type, a.hyperparameters FROM architecture_layer a
                JOIN node n ON n.pk = a.run_pk LEFT JOIN node m ON m.pk = a.model_pk
                WHERE a.run_pk IN (SELECT value FROM json_each(?)) ORDER BY n.id, a.position
                """, arguments: [keyList])
        {
            let run: String = row[0]
            if layersByRun[run] == nil {
                runOrder.append(run)
                layersByRun[run] = (row[1], [])
            }
            layersByRun[run]?.layers.append(ArchitectureLayer(type: row[2], hyperparameters: decodeObject(row[3])))
        }
        records.architectures = runOrder.compactMap { run in
            guard let entry = layersByRun[run] else { return nil }
            // A model outside the scope is not referenced.
            let model = entry.model.map(id).flatMap { model in
                records.entities.contains { $0.id == model } ? model : nil
            }
            return ArchitectureRecord(run: id(run), model: model, layers: entry.layers)
        }
        return records
    }
}

extension SQLiteStore {
    /// An identifier read from the store. The schema checks its length; a held value that is not hexadecimal (written
    /// by another program) reads as the zero id rather than stopping the reader.
    static func storedID(_ text: String) -> ProvID {
        ProvID(hex: text) ?? ProvID(high: 0, low: 0)
    }
}
