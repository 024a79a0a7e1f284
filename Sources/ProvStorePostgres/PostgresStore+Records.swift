#if Postgres
    import Foundation
    import PostgresNIO
    import ProvModel
    public import ProvStore

    extension PostgresStore {
        public func records(for scope: RecordScope, includePoints: Bool) async throws -> ProvenanceRecords {
            if case .lineage(let id, let direction, let depth) = scope {
                let graph = try await lineage(of: id, direction: direction, depth: depth)
                let ids = graph.nodes.map { $0.node.id.hex }
                return try await read { [self] connection in
                    let keys = try await connection.rows("SELECT pk FROM node WHERE id = ANY(?)", [ids], logger: logger)
                        .map { $0[0] as Int64 }
                    return try await collect(connection, nodeKeys: Set(keys), includePoints: includePoints)
                }
            }
            return try await read { [self] connection in
                let rootRuns: [Int64]
                var extra: [Int64] = []
                switch scope {
                case .run(let id):
                    guard
                        let found = try await connection.row(
                            "SELECT n.pk FROM node n JOIN run r ON r.node_pk = n.pk WHERE n.id = ?", [id.hex],
                            logger: logger)
                    else { throw StoreError(.notFound, "no run with id \(id.hex)") }
                    rootRuns = try await connection.rows(
                        """
                        WITH RECURSIVE tree(pk) AS (
                            SELECT ?::bigint UNION SELECT r.node_pk FROM run r JOIN tree ON r.parent_pk = tree.pk
                        )
                        SELECT pk FROM tree
                        """, [found[0] as Int64], logger: logger
                    ).map { $0[0] as Int64 }
                case .experiment(let id):
                    guard
                        let found = try await connection.row(
                            "SELECT n.pk FROM node n JOIN experiment x ON x.node_pk = n.pk WHERE n.id = ?", [id.hex],
                            logger: logger)
                    else { throw StoreError(.notFound, "no experiment with id \(id.hex)") }
                    let pk: Int64 = found[0]
                    rootRuns = try await connection.rows(
                        "SELECT node_pk FROM run WHERE experiment_pk = ?", [pk], logger: logger
                    ).map { $0[0] as Int64 }
                    extra = [pk]
                case .lineage:
                    rootRuns = []
                }
                var keys = Set(rootRuns).union(extra)
                let neighbours = try await connection.rows(
                    """
                    SELECT object_pk FROM relation WHERE subject_pk = ANY(?1)
                    UNION SELECT subject_pk FROM relation WHERE object_pk = ANY(?1)
                    """, [Array(keys)], logger: logger
                ).map { $0[0] as Int64 }
                keys.formUnion(neighbours)
                let agents = try await connection.rows(
                    """
                    SELECT rel.object_pk FROM relation rel JOIN node n ON n.pk = rel.object_pk
                    WHERE n.node_type = 'agent' AND rel.subject_pk = ANY(?)
                    """, [Array(keys)], logger: logger
                ).map { $0[0] as Int64 }
                keys.formUnion(agents)
                let chain = try await connection.rows(
                    """
                    WITH RECURSIVE chain(pk) AS (
                        SELECT unnest(?)
                        UNION SELECT rel.object_pk FROM relation rel JOIN chain ON rel.subject_pk = chain.pk
                        WHERE rel.kind = 'actedOnBehalfOf'
                    )
                    SELECT pk FROM chain
                    """, [agents], logger: logger
                ).map { $0[0] as Int64 }
                keys.formUnion(chain)
                return try await collect(connection, nodeKeys: keys, includePoints: includePoints)
            }
        }

        public func allRecords(includePoints: Bool) async throws -> ProvenanceRecords {
            try await read { [self] connection in
                let keys = try await connection.rows("SELECT pk FROM node", [], logger: logger).map { $0[0] as Int64 }
                return try await collect(connection, nodeKeys: Set(keys), includePoints: includePoints)
            }
        }

        public func restoreBookkeeping(of experiment: TrackedExperiment) async throws {
            let location: String? =
                experiment.artifactLocation == "mlflow-artifacts:/\(experiment.number)"
                ? nil : experiment.artifactLocation
            try await transaction { [self] connection in
                if try await connection.row(
                    "SELECT 1 FROM experiment x JOIN node n ON n.pk = x.node_pk WHERE x.number = ? AND n.id <> ?",
                    [experiment.number, experiment.id.hex], logger: logger) != nil
                {
                    throw StoreError(.invalidQuery, "another experiment already has the number \(experiment.number)")
                }
                let updated = try await connection.row(
                    """
                    UPDATE experiment SET number = ?, artifact_location = ?, updated_at = coalesce(?, updated_at)
                    WHERE node_pk = (SELECT pk FROM node WHERE id = ?) RETURNING 1
                    """,
                    [experiment.number, location, experiment.updatedAt?.microsecondsSinceEpoch, experiment.id.hex],
                    logger: logger)
                if updated == nil { throw StoreError(.notFound, "no experiment with id \(experiment.id.hex)") }
            }
        }

        /// Reads the records of a set of nodes, the experiments of its runs, and the relations among them.
        func collect(
            _ connection: PostgresConnection, nodeKeys: Set<Int64>, includePoints: Bool
        ) async throws
            -> ProvenanceRecords
        {
            var keys = nodeKeys
            keys.formUnion(
                try await connection.rows(
                    "SELECT DISTINCT experiment_pk FROM run WHERE node_pk = ANY(?)", [Array(keys)], logger: logger
                ).map { $0[0] as Int64 })
            let keyList = Array(keys)
            var records = ProvenanceRecords()
            let id = Self.id
            let time = Self.time

            records.experiments = try await connection.rows(
                """
                SELECT n.id, x.name, x.description, x.created_at FROM experiment x JOIN node n ON n.pk = x.node_pk
                WHERE x.node_pk = ANY(?) ORDER BY n.id
                """, [keyList], logger: logger
            ).map { ExperimentRecord(id: id($0[0]), name: $0[1], description: $0[2], createdAt: time($0[3])) }

            records.runs = try await connection.rows(
                """
                SELECT n.id, xn.id, pn.id, r.kind, r.name, r.status, r.started_at, r.ended_at
                FROM run r JOIN node n ON n.pk = r.node_pk JOIN node xn ON xn.pk = r.experiment_pk
                LEFT JOIN node pn ON pn.pk = r.parent_pk
                WHERE r.node_pk = ANY(?) ORDER BY r.started_at, n.id
                """, [keyList], logger: logger
            ).map { row in
                let status = RunStatus(rawValue: row[5]) ?? .running
                return RunRecord(
                    start: RunStart(
                        id: id(row[0]), experiment: id(row[1]), parent: (row[2] as String?).map(id),
                        kind: RunKind(rawValue: row[3]), name: row[4],
                        startedAt: ProvTime(microsecondsSinceEpoch: row[6]),
                        status: status == .scheduled ? .scheduled : .running),
                    status: status, endedAt: time(row[7]))
            }
            let runIDs = Set(records.runs.map(\.start.id))
            for index in records.runs.indices
            where records.runs[index].start.parent.map({ !runIDs.contains($0) }) ?? false {
                records.runs[index].start.parent = nil
            }

            records.entities = try await connection.rows(
                """
                SELECT n.id, e.kind, e.name, e.location, e.digest, e.size_bytes, e.created_at, e.attributes
                FROM entity e JOIN node n ON n.pk = e.node_pk
                WHERE e.node_pk = ANY(?) ORDER BY n.id
                """, [keyList], logger: logger
            ).map { row in
                EntityRecord(
                    id: id(row[0]), kind: EntityKind(rawValue: row[1]) ?? .artifact, name: row[2], location: row[3],
                    digest: row[4], sizeBytes: row[5], createdAt: time(row[6]), attributes: Self.decodeObject(row[7]))
            }

            records.agents = try await connection.rows(
                """
                SELECT n.id, a.kind, a.name, a.attributes FROM agent a JOIN node n ON n.pk = a.node_pk
                WHERE a.node_pk = ANY(?) ORDER BY n.id
                """, [keyList], logger: logger
            ).map {
                AgentRecord(
                    id: id($0[0]), kind: AgentKind(rawValue: $0[1]) ?? .software, name: $0[2],
                    attributes: Self.decodeObject($0[3]))
            }

            records.relations = try await connection.rows(
                """
                SELECT rel.kind, s.id, o.id, rel.time, rel.attributes FROM relation rel
                JOIN node s ON s.pk = rel.subject_pk JOIN node o ON o.pk = rel.object_pk
                WHERE rel.subject_pk = ANY(?1) AND rel.object_pk = ANY(?1)
                ORDER BY rel.pk
                """, [keyList], logger: logger
            ).map { row in
                RelationRecord(
                    RelationKind(rawValue: row[0]) ?? .used, subject: id(row[1]), object: id(row[2]),
                    time: time(row[3]),
                    attributes: Self.decodeObject(row[4]))
            }

            for row in try await connection.rows(
                """
                SELECT n.id, p.key, p.value, p.term FROM parameter p JOIN node n ON n.pk = p.node_pk
                WHERE p.node_pk = ANY(?) ORDER BY n.id, p.key
                """, [keyList], logger: logger)
            {
                records.parameters.append(ParameterRecord(run: id(row[0]), key: row[1], value: row[2]))
                if let term = row[3] as String? { records.terms[row[1]] = term }
            }

            for row in try await connection.rows(
                """
                SELECT n.id, n.node_type, t.key, t.value, t.term FROM tag t JOIN node n ON n.pk = t.node_pk
                WHERE t.node_pk = ANY(?) ORDER BY n.id, t.key
                """, [keyList], logger: logger)
            {
                let type: TagTarget = (row[1] as String) == "experiment" ? .experiment : .run
                records.tags.append(TagRecord(target: id(row[0]), targetType: type, key: row[2], value: row[3]))
                if let term = row[4] as String? { records.terms[row[2]] = term }
            }

            let seriesRows = try await connection.rows(
                """
                SELECT s.pk, n.id, s.key, s.term, s.point_count, s.last_value, s.last_step, s.min_value, s.max_value
                FROM metric_series s JOIN node n ON n.pk = s.run_pk
                WHERE s.run_pk = ANY(?) ORDER BY n.id, s.key
                """, [keyList], logger: logger)
            var pointsBySeries: [Int64: [SQLRow]] = [:]
            if includePoints, !seriesRows.isEmpty {
                try await connection.eachRow(
                    """
                    SELECT series_pk, step, time, epoch, value FROM metric_point WHERE series_pk = ANY(?)
                    ORDER BY series_pk, step, time NULLS FIRST, pk
                    """, [seriesRows.map { $0[0] as Int64 }], logger: logger
                ) { row in pointsBySeries[row[0], default: []].append(row) }
            }
            for row in seriesRows {
                let run = id(row[1])
                let key: String = row[2]
                let summary = MetricSummary(
                    key: key, term: row[3], count: row[4], last: row[5], lastStep: row[6], min: row[7], max: row[8])
                let points = (pointsBySeries[row[0] as Int64] ?? []).map { point in
                    MetricPoint(
                        run: run, key: key, value: point[4], step: point[1], time: time(point[2]), epoch: point[3])
                }
                records.metricSeries.append(MetricSeriesRecord(run: run, summary: summary, points: points))
            }

            records.telemetry = try await connection.rows(
                """
                SELECT n.id, t.time, t.phase, t.readings FROM telemetry_sample t JOIN node n ON n.pk = t.run_pk
                WHERE t.run_pk = ANY(?) ORDER BY n.id, t.time, t.pk
                """, [keyList], logger: logger
            ).map { row in
                TelemetrySample(
                    run: id(row[0]), time: ProvTime(microsecondsSinceEpoch: row[1]),
                    phase: TelemetryPhase(rawValue: row[2]) ?? .periodic,
                    values: Self.decodeObject(row[3]).compactMapValues(\.numberValue))
            }
            for row in try await connection.rows(
                """
                SELECT DISTINCT t.key, t.term FROM telemetry_key t
                WHERE t.run_pk = ANY(?) AND t.term IS NOT NULL
                """, [keyList], logger: logger)
            {
                records.terms[row[0]] = row[1]
            }

            var layersByRun: [String: (model: String?, layers: [ArchitectureLayer])] = [:]
            var runOrder: [String] = []
            for row in try await connection.rows(
                """
                SELECT n.id, m.id, a.layer_type, a.hyperparameters FROM architecture_layer a
                JOIN node n ON n.pk = a.run_pk LEFT JOIN node m ON m.pk = a.model_pk
                WHERE a.run_pk = ANY(?) ORDER BY n.id, a.position
                """, [keyList], logger: logger)
            {
                let run: String = row[0]
                if layersByRun[run] == nil {
                    runOrder.append(run)
                    layersByRun[run] = (row[1], [])
                }
                layersByRun[run]?.layers.append(
                    ArchitectureLayer(type: row[2], hyperparameters: Self.decodeObject(row[3])))
            }
            records.architectures = runOrder.compactMap { run in
                guard let entry = layersByRun[run] else { return nil }
                let model = entry.model.map(id).flatMap { model in
                    records.entities.contains { $0.id == model } ? model : nil
                }
                return ArchitectureRecord(run: id(run), model: model, layers: entry.layers)
            }
            return records
        }
    }
#endif
