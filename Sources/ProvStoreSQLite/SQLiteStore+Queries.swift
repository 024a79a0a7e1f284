import Foundation
import GRDB
public import ProvModel
public import ProvStore

extension SQLiteStore {
    /// Selects node summaries; append a WHERE clause on `n`.
    static let nodeSelect = "SELECT " + nodeColumns

    /// Selects each node's integer key, then its summary columns; append a WHERE clause on `n`.
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

    static func nodeSummary(_ row: Row, offset: Int = 0) -> NodeSummary {
        NodeSummary(
            id: SQLiteStore.storedID(row[offset]),
            type: NodeType(rawValue: row[offset + 1]) ?? .entity,
            kind: row[offset + 2], name: row[offset + 3], location: row[offset + 4], digest: row[offset + 5])
    }

    /// Selects run summaries; append a WHERE clause on `r`.
    static let runSelect = """
        SELECT n.id, r.name, r.kind, r.status, xn.id, x.name, pn.id, r.started_at, r.ended_at
        FROM run r
        JOIN node n ON n.pk = r.node_pk
        JOIN experiment x ON x.node_pk = r.experiment_pk
        JOIN node xn ON xn.pk = x.node_pk
        LEFT JOIN node pn ON pn.pk = r.parent_pk
        """

    static func runSummary(_ row: Row) -> RunSummary {
        RunSummary(
            id: SQLiteStore.storedID(row[0]), name: row[1], kind: RunKind(rawValue: row[2]) ?? .task,
            status: RunStatus(rawValue: row[3]) ?? .running, experimentID: SQLiteStore.storedID(row[4]),
            experimentName: row[5], parentID: (row[6] as String?).flatMap { ProvID(hex: $0) },
            startedAt: ProvTime(microsecondsSinceEpoch: row[7]),
            endedAt: (row[8] as Int64?).map { ProvTime(microsecondsSinceEpoch: $0) })
    }

    public func experiments() async throws -> [ExperimentSummary] {
        try await read { db in
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT n.id, x.name, x.description, x.created_at, x.node_pk,
                        (SELECT count(*) FROM run WHERE run.experiment_pk = x.node_pk)
                    FROM experiment x JOIN node n ON n.pk = x.node_pk ORDER BY x.name
                    """)
            return try rows.map { row in
                let tags = try Row.fetchAll(
                    db, sql: "SELECT key, value FROM tag WHERE node_pk = ? ORDER BY key", arguments: [row[4] as Int64])
                return ExperimentSummary(
                    id: SQLiteStore.storedID(row[0]), name: row[1], description: row[2],
                    createdAt: (row[3] as Int64?).map { ProvTime(microsecondsSinceEpoch: $0) }, runCount: row[5],
                    tags: Dictionary(tags.map { ($0[0] as String, $0[1] as String) }, uniquingKeysWith: { $1 }))
            }
        }
    }

    public func runs(matching filter: RunFilter) async throws -> [RunSummary] {
        var clauses: [String] = []
        var arguments = StatementArguments()
        if !filter.experiments.isEmpty {
            clauses.append("(x.name IN (SELECT value FROM json_each(?)) OR xn.id IN (SELECT value FROM json_each(?)))")
            let names = JSONValue.array(filter.experiments.map { .string($0) }).jsonText
            let ids = JSONValue.array(filter.experiments.compactMap { ProvID(hex: $0)?.hex }.map { .string($0) })
                .jsonText
            arguments += [names, ids]
        }
        for condition in filter.parameters {
            let (sql, values) = try Self.keyCondition(
                condition, table: "parameter", valueColumn: "value",
                numberColumn: "value_number", owner: "node_pk")
            clauses.append(sql)
            arguments += values
        }
        for condition in filter.tags {
            let (sql, values) = try Self.keyCondition(
                condition, table: "tag", valueColumn: "value",
                numberColumn: "value_number", owner: "node_pk")
            clauses.append(sql)
            arguments += values
        }
        for condition in filter.metrics {
            guard let number = condition.numericValue else {
                throw StoreError(
                    .invalidQuery, "metric condition on '\(condition.key)' needs a number, got '\(condition.value)'")
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
            // `term.` < child ids < `term/` ('/' sorts right after '.').
            for _ in 0..<4 { arguments += [term, term + ".", term + "/"] }
        }
        if !filter.statuses.isEmpty {
            clauses.append("r.status IN (SELECT value FROM json_each(?))")
            arguments += [JSONValue.array(filter.statuses.map { .string($0.rawValue) }).jsonText]
        }
        if !filter.kinds.isEmpty {
            clauses.append("r.kind IN (SELECT value FROM json_each(?))")
            arguments += [JSONValue.array(filter.kinds.map { .string($0.rawValue) }).jsonText]
        }
        if let parent = filter.parent {
            clauses.append("pn.id = ?")
            arguments += [parent.hex]
        }
        if let limit = filter.limit, limit < 0 {
            throw StoreError(.invalidQuery, "the limit must not be negative")
        }
        var sql = Self.runSelect
        if !clauses.isEmpty { sql += "\nWHERE " + clauses.joined(separator: "\nAND ") }
        sql += "\nORDER BY r.started_at DESC, n.id DESC"
        if let limit = filter.limit {
            sql += "\nLIMIT ?"
            arguments += [limit]
        }
        let finalSQL = sql
        let finalArguments = arguments
        return try await read { db in
            try Row.fetchAll(db, sql: finalSQL, arguments: finalArguments).map(Self.runSummary)
        }
    }

    /// SQL for one key condition on a parameter-like table, with its arguments.
    static func keyCondition(
        _ condition: KeyCondition, table: String, valueColumn: String, numberColumn: String, owner: String
    ) throws -> (String, StatementArguments) {
        let prefix = "EXISTS (SELECT 1 FROM \(table) p WHERE p.\(owner) = r.node_pk AND p.key = ? AND "
        let number = condition.numericValue
        switch condition.comparator {
        case .equal:
            if let number {
                return (
                    prefix + "(p.\(numberColumn) = ? OR p.\(valueColumn) = ?))",
                    [condition.key, number, condition.value]
                )
            }
            return (prefix + "p.\(valueColumn) = ?)", [condition.key, condition.value])
        case .notEqual:
            if let number {
                return (
                    prefix + "coalesce(p.\(numberColumn) <> ?, 1) AND p.\(valueColumn) <> ?)",
                    [condition.key, number, condition.value]
                )
            }
            return (prefix + "p.\(valueColumn) <> ?)", [condition.key, condition.value])
        case .less, .lessOrEqual, .greater, .greaterOrEqual:
            guard let number else {
                throw StoreError(
                    .invalidQuery,
                    "'\(condition.key)\(condition.comparator.rawValue)\(condition.value)': \(condition.comparator.rawValue) needs a number"
                )
            }
            return (prefix + "p.\(numberColumn) \(condition.comparator.sqlOperator) ?)", [condition.key, number])
        }
    }

    public func runDetail(_ id: ProvID) async throws -> RunDetail? {
        try await read { db in
            guard let runRow = try Row.fetchOne(db, sql: Self.runSelect + " WHERE n.id = ?", arguments: [id.hex]),
                let pk = try Int64.fetchOne(db, sql: "SELECT pk FROM node WHERE id = ?", arguments: [id.hex])
            else { return nil }
            let run = Self.runSummary(runRow)
            let parameters = try Row.fetchAll(
                db, sql: "SELECT key, value, term FROM parameter WHERE node_pk = ? ORDER BY key", arguments: [pk]
            ).map { ClassifiedValue(key: $0[0], value: $0[1], term: $0[2]) }
            let tags = try Row.fetchAll(
                db, sql: "SELECT key, value, term FROM tag WHERE node_pk = ? ORDER BY key", arguments: [pk]
            ).map { ClassifiedValue(key: $0[0], value: $0[1], term: $0[2]) }
            let metrics = try Row.fetchAll(
                db,
                sql: """
                    SELECT key, term, point_count, last_value, last_step, min_value, max_value
                    FROM metric_series WHERE run_pk = ? ORDER BY key
                    """, arguments: [pk]
            ).map { row in
                MetricSummary(
                    key: row[0], term: row[1], count: row[2], last: (row[3] as Double?) ?? .nan,
                    lastStep: (row[4] as Int64?) ?? 0, min: (row[5] as Double?) ?? .nan,
                    max: (row[6] as Double?) ?? .nan)
            }
            let outgoing = try Row.fetchAll(
                db,
                sql: """
                    SELECT rel.kind, rel.time, o.* FROM relation rel
                    JOIN (\(Self.keyedNodeSelect)) o
                        ON o.node_pk = rel.object_pk
                    WHERE rel.subject_pk = ? ORDER BY rel.kind, o.id
                    """, arguments: [pk])
            let incoming = try Row.fetchAll(
                db,
                sql: """
                    SELECT rel.kind, rel.time, s.* FROM relation rel
                    JOIN (\(Self.keyedNodeSelect)) s
                        ON s.node_pk = rel.subject_pk
                    WHERE rel.object_pk = ? ORDER BY rel.kind, s.id
                    """, arguments: [pk])
            func relation(_ row: Row, runIsSubject: Bool) -> RunRelation {
                RunRelation(
                    kind: RelationKind(rawValue: row[0]) ?? .used, runIsSubject: runIsSubject,
                    other: Self.nodeSummary(row, offset: 3),
                    time: (row[1] as Int64?).map { ProvTime(microsecondsSinceEpoch: $0) })
            }
            let relations =
                outgoing.map { relation($0, runIsSubject: true) }
                + incoming.map { relation($0, runIsSubject: false) }
            let children = try Row.fetchAll(
                db, sql: Self.runSelect + " WHERE r.parent_pk = ? ORDER BY r.started_at, n.id", arguments: [pk]
            ).map(Self.runSummary)
            let architecture = try Row.fetchAll(
                db,
                sql:
                    "SELECT position, layer_type, hyperparameters FROM architecture_layer WHERE run_pk = ? ORDER BY position",
                arguments: [pk]
            ).map { row in
                ArchitectureLayerRow(
                    position: row[0], type: row[1], hyperparameters: Self.decodeObject(row[2] as String?))
            }
            let telemetryCount =
                try Int.fetchOne(
                    db, sql: "SELECT count(*) FROM telemetry_sample WHERE run_pk = ?", arguments: [pk]) ?? 0
            let terms = try String.fetchAll(
                db,
                sql: """
                    SELECT term FROM parameter WHERE node_pk = ?1 AND term IS NOT NULL
                    UNION SELECT term FROM tag WHERE node_pk = ?1 AND term IS NOT NULL
                    UNION SELECT term FROM metric_series WHERE run_pk = ?1 AND term IS NOT NULL
                    UNION SELECT term FROM telemetry_key WHERE run_pk = ?1 AND term IS NOT NULL
                    ORDER BY 1
                    """, arguments: [pk])
            return RunDetail(
                run: run, parameters: parameters, tags: tags, metrics: metrics, relations: relations,
                children: children, architecture: architecture, telemetrySampleCount: telemetryCount, terms: terms)
        }
    }

    public func metricHistory(run: ProvID, key: String) async throws -> [MetricPoint] {
        try await read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT p.step, p.time, p.epoch, p.value FROM metric_point p
                    JOIN metric_series s ON s.pk = p.series_pk
                    JOIN node n ON n.pk = s.run_pk
                    WHERE n.id = ? AND s.key = ? ORDER BY p.step, p.time, p.rowid
                    """, arguments: [run.hex, key]
            ).map { row in
                MetricPoint(
                    run: run, key: key, value: (row[3] as Double?) ?? .nan, step: row[0],
                    time: (row[1] as Int64?).map { ProvTime(microsecondsSinceEpoch: $0) }, epoch: row[2])
            }
        }
    }

    public func resolve(_ reference: String) async throws -> [NodeSummary] {
        let trimmed = reference.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else { return [] }
        return try await read { db in
            if let id = ProvID(hex: trimmed) {
                return try Row.fetchAll(db, sql: Self.nodeSelect + " WHERE n.id = ?", arguments: [id.hex])
                    .map { Self.nodeSummary($0) }
            }
            let lowered = trimmed.lowercased()
            if lowered.count >= 6, lowered.count < 32, lowered.allSatisfy(\.isHexDigit) {
                let matches = try Row.fetchAll(
                    db, sql: Self.nodeSelect + " WHERE n.id >= ? AND n.id < ? ORDER BY n.id LIMIT 20",
                    arguments: [lowered, lowered + "g"]
                ).map { Self.nodeSummary($0) }
                if !matches.isEmpty { return matches }
            }
            return try Row.fetchAll(
                db,
                sql: Self.nodeSelect
                    + " WHERE r.name = ?1 OR e.name = ?1 OR e.location = ?1 OR a.name = ?1 OR x.name = ?1 ORDER BY n.id LIMIT 20",
                arguments: [trimmed]
            ).map { Self.nodeSummary($0) }
        }
    }

    public func node(_ id: ProvID) async throws -> NodeSummary? {
        try await read { db in
            try Row.fetchOne(db, sql: Self.nodeSelect + " WHERE n.id = ?", arguments: [id.hex]).map {
                Self.nodeSummary($0)
            }
        }
    }

    public func statistics() async throws -> StoreStatistics {
        try await read { db in
            func count(_ sql: String) throws -> Int { try Int.fetchOne(db, sql: sql) ?? 0 }
            return StoreStatistics(
                experiments: try count("SELECT count(*) FROM experiment"), runs: try count("SELECT count(*) FROM run"),
                entities: try count("SELECT count(*) FROM entity"), agents: try count("SELECT count(*) FROM agent"),
                relations: try count("SELECT count(*) FROM relation"),
                parameters: try count("SELECT count(*) FROM parameter"), tags: try count("SELECT count(*) FROM tag"),
                metricSeries: try count("SELECT count(*) FROM metric_series"),
                metricPoints: try count("SELECT coalesce(sum(point_count), 0) FROM metric_series"),
                telemetrySamples: try count("SELECT count(*) FROM telemetry_sample"))
        }
    }

    static func decodeObject(_ text: String?) -> [String: JSONValue] {
        guard let text, let value = try? JSONDecoder().decode(JSONValue.self, from: Data(text.utf8)),
            case .object(let members) = value
        else { return [:] }
        return members
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
