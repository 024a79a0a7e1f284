#if Postgres
    import Foundation
    import PostgresNIO
    public import ProvModel
    public import ProvStore

    extension PostgresStore {
        static let nodeSelect = "SELECT " + nodeColumns
        static let keyedNodeSelect = "SELECT n.pk AS node_pk, " + nodeColumns

        private static let nodeColumns = """
            n.id, n.node_type, coalesce(r.kind, e.kind, a.kind, 'experiment'),
                coalesce(r.name, e.name, a.name, x.name), e.location, e.digest
            FROM node n
            LEFT JOIN run r ON r.node_pk = n.pk
            LEFT JOIN entity e ON e.node_pk = n.pk
            LEFT JOIN agent a ON a.node_pk = n.pk
            LEFT JOIN experiment x ON x.node_pk = n.pk
            """

        static func nodeSummary(_ row: SQLRow, offset: Int = 0) -> NodeSummary {
            NodeSummary(
                id: id(row[offset]), type: NodeType(rawValue: row[offset + 1]) ?? .entity,
                kind: row[offset + 2], name: row[offset + 3], location: row[offset + 4], digest: row[offset + 5])
        }

        /// An identifier read from the database (always 32 hex digits: the schema checks it).
        static func id(_ text: String) -> ProvID {
            ProvID(hex: text) ?? ProvID(high: 0, low: 0)
        }

        static func time(_ micros: Int64?) -> ProvTime? {
            micros.map { ProvTime(microsecondsSinceEpoch: $0) }
        }

        static let runSelect = """
            SELECT n.id, r.name, r.kind, r.status, xn.id, x.name, pn.id, r.started_at, r.ended_at
            FROM run r
            JOIN node n ON n.pk = r.node_pk
            JOIN experiment x ON x.node_pk = r.experiment_pk
            JOIN node xn ON xn.pk = x.node_pk
            LEFT JOIN node pn ON pn.pk = r.parent_pk
            """

        static func runSummary(_ row: SQLRow) -> RunSummary {
            RunSummary(
                id: id(row[0]), name: row[1], kind: RunKind(rawValue: row[2]) ?? .task,
                status: RunStatus(rawValue: row[3]) ?? .running, experimentID: id(row[4]),
                experimentName: row[5], parentID: (row[6] as String?).map(id),
                startedAt: ProvTime(microsecondsSinceEpoch: row[7]), endedAt: time(row[8]))
        }

        public func experiments() async throws -> [ExperimentSummary] {
            try await read { [self] connection in
                let rows = try await connection.rows(
                    """
                    SELECT n.id, x.name, x.description, x.created_at, x.node_pk,
                        (SELECT count(*) FROM run WHERE run.experiment_pk = x.node_pk)
                    FROM experiment x JOIN node n ON n.pk = x.node_pk ORDER BY x.name
                    """, [], logger: logger)
                var tags: [Int64: [String: String]] = [:]
                try await connection.eachRow(
                    "SELECT node_pk, key, value FROM tag WHERE node_pk = ANY(?) ORDER BY key",
                    [rows.map { $0[4] as Int64 }], logger: logger
                ) { row in tags[row[0], default: [:]][row[1]] = row[2] }
                return rows.map { row in
                    ExperimentSummary(
                        id: Self.id(row[0]), name: row[1], description: row[2], createdAt: Self.time(row[3]),
                        runCount: row[5], tags: tags[row[4] as Int64] ?? [:])
                }
            }
        }

        public func runs(matching filter: RunFilter) async throws -> [RunSummary] {
            var clauses: [String] = []
            var arguments: [any SQLBindable] = []
            if !filter.experiments.isEmpty {
                clauses.append("(x.name = ANY(?) OR xn.id = ANY(?))")
                arguments += [filter.experiments, filter.experiments.compactMap { ProvID(hex: $0)?.hex }]
            }
            for condition in filter.parameters {
                let (sql, values) = try Self.keyCondition(condition, table: "parameter")
                clauses.append(sql)
                arguments += values
            }
            for condition in filter.tags {
                let (sql, values) = try Self.keyCondition(condition, table: "tag")
                clauses.append(sql)
                arguments += values
            }
            for condition in filter.metrics {
                guard let number = condition.numericValue else {
                    throw StoreError(
                        .invalidQuery, "metric condition on '\(condition.key)' needs a number, got '\(condition.value)'"
                    )
                }
                clauses.append(
                    "EXISTS (SELECT 1 FROM metric_series m WHERE m.run_pk = r.node_pk AND m.key = ? AND m.last_value \(condition.comparator.sqlOperator) ?)"
                )
                arguments += [condition.key, number]
            }
            for term in filter.terms {
                clauses.append(
                    """
                    (EXISTS (SELECT 1 FROM parameter t WHERE t.node_pk = r.node_pk AND (t.term = ? OR (t.term > ? AND t.term < ?)))
                    OR EXISTS (SELECT 1 FROM tag t WHERE t.node_pk = r.node_pk AND (t.term = ? OR (t.term > ? AND t.term < ?)))
                    OR EXISTS (SELECT 1 FROM metric_series t WHERE t.run_pk = r.node_pk AND (t.term = ? OR (t.term > ? AND t.term < ?)))
                    OR EXISTS (SELECT 1 FROM telemetry_key t WHERE t.run_pk = r.node_pk AND (t.term = ? OR (t.term > ? AND t.term < ?))))
                    """)
                for _ in 0..<4 { arguments += [term, term + ".", term + "/"] }
            }
            if !filter.statuses.isEmpty {
                clauses.append("r.status = ANY(?)")
                arguments.append(filter.statuses.map(\.rawValue))
            }
            if !filter.kinds.isEmpty {
                clauses.append("r.kind = ANY(?)")
                arguments.append(filter.kinds.map(\.rawValue))
            }
            if let parent = filter.parent {
                clauses.append("pn.id = ?")
                arguments.append(parent.hex)
            }
            if let limit = filter.limit, limit < 0 {
                throw StoreError(.invalidQuery, "the limit must not be negative")
            }
            var sql = Self.runSelect
            if !clauses.isEmpty { sql += "\nWHERE " + clauses.joined(separator: "\nAND ") }
            sql += "\nORDER BY r.started_at DESC, n.id DESC"
            if let limit = filter.limit {
                sql += "\nLIMIT ?"
                arguments.append(limit)
            }
            let finalSQL = sql
            let finalArguments = arguments
            return try await read { [self] connection in
                try await connection.rows(finalSQL, finalArguments, logger: logger).map(Self.runSummary)
            }
        }

        /// SQL for one key condition on a parameter-like table, with its arguments.
        static func keyCondition(_ condition: KeyCondition, table: String) throws -> (String, [any SQLBindable]) {
            let prefix = "EXISTS (SELECT 1 FROM \(table) p WHERE p.node_pk = r.node_pk AND p.key = ? AND "
            let number = condition.numericValue
            switch condition.comparator {
            case .equal:
                if let number {
                    return (prefix + "(p.value_number = ? OR p.value = ?))", [condition.key, number, condition.value])
                }
                return (prefix + "p.value = ?)", [condition.key, condition.value])
            case .notEqual:
                if let number {
                    return (
                        prefix + "coalesce(p.value_number <> ?, true) AND p.value <> ?)",
                        [condition.key, number, condition.value]
                    )
                }
                return (prefix + "p.value <> ?)", [condition.key, condition.value])
            case .less, .lessOrEqual, .greater, .greaterOrEqual:
                guard let number else {
                    throw StoreError(
                        .invalidQuery,
                        "'\(condition.key)\(condition.comparator.rawValue)\(condition.value)': \(condition.comparator.rawValue) needs a number"
                    )
                }
                return (prefix + "p.value_number \(condition.comparator.sqlOperator) ?)", [condition.key, number])
            }
        }

        public func runDetail(_ id: ProvID) async throws -> RunDetail? {
            try await read { [self] connection in
                guard
                    let runRow = try await connection.row(Self.runSelect + " WHERE n.id = ?", [id.hex], logger: logger),
                    let pkRow = try await connection.row("SELECT pk FROM node WHERE id = ?", [id.hex], logger: logger)
                else { return nil }
                let pk: Int64 = pkRow[0]
                let run = Self.runSummary(runRow)
                let parameters = try await connection.rows(
                    "SELECT key, value, term FROM parameter WHERE node_pk = ? ORDER BY key", [pk], logger: logger
                ).map { ClassifiedValue(key: $0[0], value: $0[1], term: $0[2]) }
                let tags = try await connection.rows(
                    "SELECT key, value, term FROM tag WHERE node_pk = ? ORDER BY key", [pk], logger: logger
                ).map { ClassifiedValue(key: $0[0], value: $0[1], term: $0[2]) }
                let metrics = try await connection.rows(
                    """
                    SELECT key, term, point_count, last_value, last_step, min_value, max_value
                    FROM metric_series WHERE run_pk = ? ORDER BY key
                    """, [pk], logger: logger
                ).map { row in
                    MetricSummary(
                        key: row[0], term: row[1], count: row[2], last: row[3], lastStep: row[4], min: row[5],
                        max: row[6])
                }
                let outgoing = try await connection.rows(
                    """
                    SELECT rel.kind, rel.time, o.* FROM relation rel
                    JOIN (\(Self.keyedNodeSelect)) o ON o.node_pk = rel.object_pk
                    WHERE rel.subject_pk = ? ORDER BY rel.kind, o.id
                    """, [pk], logger: logger)
                let incoming = try await connection.rows(
                    """
                    SELECT rel.kind, rel.time, s.* FROM relation rel
                    JOIN (\(Self.keyedNodeSelect)) s ON s.node_pk = rel.subject_pk
                    WHERE rel.object_pk = ? ORDER BY rel.kind, s.id
                    """, [pk], logger: logger)
                func relation(_ row: SQLRow, runIsSubject: Bool) -> RunRelation {
                    RunRelation(
                        kind: RelationKind(rawValue: row[0]) ?? .used, runIsSubject: runIsSubject,
                        other: Self.nodeSummary(row, offset: 3), time: Self.time(row[1]))
                }
                let relations =
                    outgoing.map { relation($0, runIsSubject: true) }
                    + incoming.map { relation($0, runIsSubject: false) }
                let children = try await connection.rows(
                    Self.runSelect + " WHERE r.parent_pk = ? ORDER BY r.started_at, n.id", [pk], logger: logger
                ).map(Self.runSummary)
                let architecture = try await connection.rows(
                    "SELECT position, layer_type, hyperparameters FROM architecture_layer WHERE run_pk = ? ORDER BY position",
                    [pk], logger: logger
                ).map { row in
                    ArchitectureLayerRow(
                        position: row[0], type: row[1], hyperparameters: Self.decodeObject(row[2] as String?))
                }
                let telemetryCount: Int =
                    try await connection.row(
                        "SELECT count(*) FROM telemetry_sample WHERE run_pk = ?", [pk], logger: logger)?[0] ?? 0
                let terms = try await connection.rows(
                    """
                    SELECT term FROM parameter WHERE node_pk = ?1 AND term IS NOT NULL
                    UNION SELECT term FROM tag WHERE node_pk = ?1 AND term IS NOT NULL
                    UNION SELECT term FROM metric_series WHERE run_pk = ?1 AND term IS NOT NULL
                    UNION SELECT term FROM telemetry_key WHERE run_pk = ?1 AND term IS NOT NULL
                    ORDER BY 1
                    """, [pk], logger: logger
                ).map { $0[0] as String }
                return RunDetail(
                    run: run, parameters: parameters, tags: tags, metrics: metrics, relations: relations,
                    children: children, architecture: architecture, telemetrySampleCount: telemetryCount, terms: terms)
            }
        }

        public func metricHistory(run: ProvID, key: String) async throws -> [MetricPoint] {
            try await read { [self] connection in
                try await connection.rows(
                    """
                    SELECT p.step, p.time, p.epoch, p.value FROM metric_point p
                    JOIN metric_series s ON s.pk = p.series_pk
                    JOIN node n ON n.pk = s.run_pk
                    WHERE n.id = ? AND s.key = ? ORDER BY p.step, p.time NULLS FIRST, p.pk
                    """, [run.hex, key], logger: logger
                ).map { row in
                    MetricPoint(run: run, key: key, value: row[3], step: row[0], time: Self.time(row[1]), epoch: row[2])
                }
            }
        }

        public func resolve(_ reference: String) async throws -> [NodeSummary] {
            let trimmed = reference.trimmingCharacters(in: .whitespaces)
            guard !trimmed.isEmpty else { return [] }
            return try await read { [self] connection in
                if let id = ProvID(hex: trimmed) {
                    return try await connection.rows(Self.nodeSelect + " WHERE n.id = ?", [id.hex], logger: logger)
                        .map { Self.nodeSummary($0) }
                }
                let lowered = trimmed.lowercased()
                if lowered.count >= 6, lowered.count < 32, lowered.allSatisfy(\.isHexDigit) {
                    let matches = try await connection.rows(
                        Self.nodeSelect + " WHERE n.id >= ? AND n.id < ? ORDER BY n.id LIMIT 20",
                        [lowered, lowered + "g"], logger: logger
                    ).map { Self.nodeSummary($0) }
                    if !matches.isEmpty { return matches }
                }
                return try await connection.rows(
                    Self.nodeSelect
                        + " WHERE r.name = ?1 OR e.name = ?1 OR e.location = ?1 OR a.name = ?1 OR x.name = ?1 ORDER BY n.id LIMIT 20",
                    [trimmed], logger: logger
                ).map { Self.nodeSummary($0) }
            }
        }

        public func node(_ id: ProvID) async throws -> NodeSummary? {
            try await read { [self] connection in
                try await connection.row(Self.nodeSelect + " WHERE n.id = ?", [id.hex], logger: logger).map {
                    Self.nodeSummary($0)
                }
            }
        }

        public func statistics() async throws -> StoreStatistics {
            try await read { [self] connection in
                guard
                    let row = try await connection.row(
                        """
                        SELECT (SELECT count(*) FROM experiment), (SELECT count(*) FROM run),
                            (SELECT count(*) FROM entity), (SELECT count(*) FROM agent),
                            (SELECT count(*) FROM relation), (SELECT count(*) FROM parameter),
                            (SELECT count(*) FROM tag), (SELECT count(*) FROM metric_series),
                            (SELECT coalesce(sum(point_count), 0)::bigint FROM metric_series),
                            (SELECT count(*) FROM telemetry_sample)
                        """, [], logger: logger)
                else { throw StoreError(.backend, "the store's counts could not be read") }
                return StoreStatistics(
                    experiments: row[0], runs: row[1], entities: row[2], agents: row[3], relations: row[4],
                    parameters: row[5], tags: row[6], metricSeries: row[7], metricPoints: row[8],
                    telemetrySamples: row[9])
            }
        }

        static func decodeObject(_ text: String?) -> [String: JSONValue] {
            guard let text, let value = try? JSONDecoder().decode(JSONValue.self, from: Data(text.utf8)),
                case .object(let members) = value
            else { return [:] }
            return members
        }

        // MARK: Lineage

        /// The most relation hops a lineage query may ask for.
        public static let maximumLineageDepth = 1000

        /// Walks the lineage of a node with a recursive query inside PostgreSQL.
        public func lineage(of id: ProvID, direction: LineageDirection, depth: Int) async throws -> LineageGraph {
            guard depth >= 0, depth <= Self.maximumLineageDepth else {
                throw StoreError(
                    .invalidQuery, "the depth must be between 0 and \(Self.maximumLineageDepth), got \(depth)")
            }
            return try await read { [self] connection in
                guard let root = try await connection.row("SELECT pk FROM node WHERE id = ?", [id.hex], logger: logger)
                else {
                    throw StoreError(.notFound, "no node with id \(id.hex)")
                }
                let rootPK: Int64 = root[0]
                var depths: [Int64: Int] = [rootPK: 0]
                var relationKeys = Set<Int64>()
                let walks: [(from: String, to: String)] =
                    switch direction {
                    case .up: [("subject_pk", "object_pk")]
                    case .down: [("object_pk", "subject_pk")]
                    case .both: [("subject_pk", "object_pk"), ("object_pk", "subject_pk")]
                    }
                for walk in walks {
                    // Column names come from the closed list above, never from user input.
                    try await connection.eachRow(
                        """
                        WITH RECURSIVE walk(pk, depth, relation_pk) AS (
                            SELECT ?::bigint, 0, NULL::bigint
                            UNION
                            SELECT rel.\(walk.to), walk.depth + 1, rel.pk
                            FROM walk JOIN relation rel ON rel.\(walk.from) = walk.pk
                            WHERE walk.depth < ?
                        )
                        SELECT pk, depth, relation_pk FROM walk
                        """, [rootPK, depth], logger: logger
                    ) { row in
                        let pk: Int64 = row[0]
                        let reached: Int = row[1]
                        if let known = depths[pk] {
                            if reached < known { depths[pk] = reached }
                        } else {
                            depths[pk] = reached
                        }
                        if let relation = row[2] as Int64? { relationKeys.insert(relation) }
                    }
                }
                let summaries = try await connection.rows(
                    Self.keyedNodeSelect + " WHERE n.pk = ANY(?)", [Array(depths.keys)], logger: logger)
                var nodes = summaries.map { row in
                    LineageNode(node: Self.nodeSummary(row, offset: 1), depth: depths[row[0] as Int64] ?? 0)
                }
                nodes.sort { ($0.depth, $0.node.id) < ($1.depth, $1.node.id) }
                let edges = try await connection.rows(
                    """
                    SELECT rel.kind, s.id, o.id FROM relation rel
                    JOIN node s ON s.pk = rel.subject_pk JOIN node o ON o.pk = rel.object_pk
                    WHERE rel.pk = ANY(?) ORDER BY s.id, rel.kind, o.id
                    """, [Array(relationKeys)], logger: logger
                ).map { row in
                    LineageEdge(
                        kind: RelationKind(rawValue: row[0]) ?? .used, subject: Self.id(row[1]), object: Self.id(row[2])
                    )
                }
                return LineageGraph(root: id, direction: direction, depth: depth, nodes: nodes, edges: edges)
            }
        }
    }

    extension FilterComparator {
        /// The SQL operator (a fixed string from a closed set, never user text).
        var sqlOperator: String {
            switch self {
            case .equal: "="
            case .notEqual: "<>"
            case .less: "<"
            case .lessOrEqual: "<="
            case .greater: ">"
            case .greaterOrEqual: ">="
            }
        }
    }
#endif
