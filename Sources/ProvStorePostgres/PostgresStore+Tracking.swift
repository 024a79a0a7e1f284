#if Postgres
    import Foundation
    import PostgresNIO
    public import ProvModel
    public import ProvStore

    // The tracking view (MLflow-compatible bookkeeping and searches) over the shared store.
    //
    // As in the embedded store, a search is compiled into one SQL statement that filters, orders and pages inside the
    // database; the page's runs are then read, each part in one query for the whole page. Every value is a bound
    // argument; the SQL text is assembled only from fixed fragments chosen by the query's closed-set keys and
    // comparators. Ordering spells out `NULLS FIRST` / `NULLS LAST` to order as SQLite does.

    extension PostgresStore {
        // MARK: Experiments

        static let experimentSelect = """
            SELECT n.id, x.number, x.name, coalesce(x.artifact_location, 'mlflow-artifacts:/' || x.number), x.lifecycle,
                x.created_at, coalesce(x.updated_at, x.created_at), x.node_pk
            FROM experiment x JOIN node n ON n.pk = x.node_pk
            """

        func trackedExperiments(
            _ connection: PostgresConnection, where clause: String, arguments: [any SQLBindable]
        ) async throws -> [TrackedExperiment] {
            let rows = try await connection.rows(Self.experimentSelect + " " + clause, arguments, logger: logger)
            var tags: [Int64: [KeyValue]] = [:]
            if !rows.isEmpty {
                try await connection.eachRow(
                    "SELECT node_pk, key, value FROM tag WHERE node_pk = ANY(?) ORDER BY key",
                    [rows.map { $0[7] as Int64 }], logger: logger
                ) { row in tags[row[0], default: []].append(KeyValue(key: row[1], value: row[2])) }
            }
            return rows.map { row in
                TrackedExperiment(
                    id: Self.id(row[0]), number: row[1], name: row[2], artifactLocation: row[3],
                    lifecycle: LifecycleStage(rawValue: row[4]) ?? .active, createdAt: Self.time(row[5]),
                    updatedAt: Self.time(row[6]), tags: tags[row[7] as Int64] ?? [])
            }
        }

        func trackedExperiment(
            _ connection: PostgresConnection, _ reference: ExperimentReference
        ) async throws -> TrackedExperiment? {
            switch reference {
            case .id(let id):
                try await trackedExperiments(connection, where: "WHERE n.id = ?", arguments: [id.hex]).first
            case .number(let number):
                try await trackedExperiments(connection, where: "WHERE x.number = ?", arguments: [number]).first
            case .name(let name):
                try await trackedExperiments(connection, where: "WHERE x.name = ?", arguments: [name]).first
            }
        }

        public func createExperiment(
            _ record: ExperimentRecord, tags: [TagRecord], artifactLocation: String?
        ) async throws -> TrackedExperiment {
            try await transaction { [self] connection in
                _ = try await PostgresIngestSession.apply(
                    [.experiment(record)] + tags.map { .tag($0) }, connection: connection, classifier: classifier,
                    logger: logger)
                if let artifactLocation {
                    try await connection.execute(
                        "UPDATE experiment SET artifact_location = ? WHERE node_pk = (SELECT pk FROM node WHERE id = ?)",
                        [artifactLocation, record.id.hex], logger: logger)
                }
                guard let created = try await trackedExperiment(connection, .id(record.id)) else {
                    throw StoreError(.backend, "the new experiment \(record.id.hex) could not be read back")
                }
                return created
            }
        }

        public func ensureDefaultExperiment(_ record: ExperimentRecord) async throws -> TrackedExperiment {
            try await transaction { [self] connection in
                // Two servers starting at once agree on one default experiment.
                try await connection.execute(
                    "SELECT pg_advisory_xact_lock(?)", [PostgresSchema.experimentNumberLock], logger: logger)
                if let existing = try await trackedExperiment(connection, .number(0)) { return existing }
                if try await trackedExperiment(connection, .name(record.name)) == nil {
                    _ = try await PostgresIngestSession.apply(
                        [.experiment(record)], connection: connection, classifier: classifier, logger: logger)
                }
                try await connection.execute(
                    "UPDATE experiment SET number = 0 WHERE name = ?", [record.name], logger: logger)
                guard let created = try await trackedExperiment(connection, .number(0)) else {
                    throw StoreError(.backend, "the default experiment could not be read back")
                }
                return created
            }
        }

        public func trackedExperiment(_ reference: ExperimentReference) async throws -> TrackedExperiment? {
            try await read { [self] connection in try await trackedExperiment(connection, reference) }
        }

        public func searchExperiments(_ search: ExperimentSearch) async throws -> SearchPage<TrackedExperiment> {
            var query = PostgresSearchSQL()
            query.lifecycle(search.lifecycle, column: "x.lifecycle")
            for clause in search.filter {
                let expression: String
                var numeric = false
                switch clause.key {
                case .attribute(.id):
                    expression = "x.number"
                    numeric = true
                case .attribute(.name): expression = "x.name"
                case .attribute(.creationTime):
                    expression = "(x.created_at / 1000)"
                    numeric = true
                case .attribute(.lastUpdateTime):
                    expression = "(coalesce(x.updated_at, x.created_at) / 1000)"
                    numeric = true
                case .tag(let key):
                    try query.keyValueClause(table: "tag", ownerExpression: "x.node_pk", key: key, clause: clause)
                    continue
                default:
                    throw Self.unsupported(clause.key, in: "experiment")
                }
                try query.compare(expression, clause, numeric: numeric)
            }
            for order in search.orderBy {
                switch order.key {
                case .attribute(.id): query.order("x.number", order.ascending)
                case .attribute(.name): query.order("x.name", order.ascending)
                case .attribute(.creationTime): query.order("x.created_at", order.ascending)
                case .attribute(.lastUpdateTime): query.order("coalesce(x.updated_at, x.created_at)", order.ascending)
                case .tag(let key):
                    query.order(
                        "(SELECT value FROM tag t WHERE t.node_pk = x.node_pk AND t.key = ?)", order.ascending, [key])
                default: throw Self.unsupported(order.key, in: "experiment")
                }
            }
            query.order("x.created_at", false)
            query.order("x.number", true)
            let (clause, arguments) = try query.tail(limit: search.limit, offset: search.offset)
            return try await read { [self] connection in
                let experiments = try await trackedExperiments(connection, where: clause, arguments: arguments)
                return SearchPage(
                    items: Array(experiments.prefix(search.limit)), hasMore: experiments.count > search.limit)
            }
        }

        static func unsupported(_ key: SearchKey, in search: String) -> StoreError {
            StoreError(.invalidQuery, "a \(search) search cannot filter or order by \(key)")
        }

        // MARK: Runs

        static let runUserExpression = """
            (SELECT a.name FROM relation ua JOIN agent a ON a.node_pk = ua.object_pk
                WHERE ua.subject_pk = r.node_pk AND ua.kind = 'wasAssociatedWith' AND a.kind = 'person'
                ORDER BY ua.pk LIMIT 1)
            """

        static let runArtifactURIExpression =
            "(coalesce(x.artifact_location, 'mlflow-artifacts:/' || x.number) || '/' || n.id || '/artifacts')"

        static let trackedRunSelect = """
            SELECT r.node_pk, n.id, xn.id, x.number, coalesce(x.artifact_location, 'mlflow-artifacts:/' || x.number),
                r.name, r.status, r.started_at, r.ended_at, r.lifecycle, \(runUserExpression)
            FROM run r
            JOIN node n ON n.pk = r.node_pk
            JOIN experiment x ON x.node_pk = r.experiment_pk
            JOIN node xn ON xn.pk = x.node_pk
            """

        public func trackedRuns(_ ids: [ProvID]) async throws -> [TrackedRun] {
            guard !ids.isEmpty else { return [] }
            return try await read { [self] connection in
                let keys = try await connection.rows(
                    "SELECT pk FROM node WHERE id = ANY(?) AND node_type = 'run'", [ids.map(\.hex)], logger: logger
                ).map { $0[0] as Int64 }
                let runs = try await trackedRuns(connection, keys: keys)
                let byID = Dictionary(runs.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
                return ids.compactMap { byID[$0] }
            }
        }

        /// Reads complete runs by key, in the order of `keys`.
        func trackedRuns(_ connection: PostgresConnection, keys: [Int64]) async throws -> [TrackedRun] {
            guard !keys.isEmpty else { return [] }
            var runs: [Int64: TrackedRun] = [:]
            try await connection.eachRow(Self.trackedRunSelect + " WHERE r.node_pk = ANY(?)", [keys], logger: logger) {
                row in
                runs[row[0]] = TrackedRun(
                    id: Self.id(row[1]), experimentID: Self.id(row[2]), experimentNumber: row[3],
                    experimentArtifactLocation: row[4], name: row[5], user: row[10],
                    status: RunStatus(rawValue: row[6]) ?? .running,
                    startedAt: ProvTime(microsecondsSinceEpoch: row[7]), endedAt: Self.time(row[8]),
                    lifecycle: LifecycleStage(rawValue: row[9]) ?? .active)
            }
            try await connection.eachRow(
                "SELECT node_pk, key, value FROM parameter WHERE node_pk = ANY(?) ORDER BY node_pk, key", [keys],
                logger: logger
            ) { row in runs[row[0]]?.parameters.append(KeyValue(key: row[1], value: row[2])) }
            try await connection.eachRow(
                "SELECT node_pk, key, value FROM tag WHERE node_pk = ANY(?) ORDER BY node_pk, key", [keys],
                logger: logger
            ) { row in runs[row[0]]?.tags.append(KeyValue(key: row[1], value: row[2])) }
            try await connection.eachRow(
                """
                SELECT run_pk, key, last_value, coalesce(last_step, 0), last_time FROM metric_series
                WHERE run_pk = ANY(?) ORDER BY run_pk, key
                """, [keys], logger: logger
            ) { row in
                runs[row[0]]?.metrics.append(
                    TrackedMetric(key: row[1], value: row[2], step: row[3], time: Self.time(row[4])))
            }
            let entityColumns = "en.id, e.kind, e.name, e.location, e.digest, e.size_bytes, e.created_at, e.attributes"
            try await connection.eachRow(
                """
                SELECT rel.subject_pk, rel.attributes, rel.time, \(entityColumns)
                FROM relation rel JOIN entity e ON e.node_pk = rel.object_pk JOIN node en ON en.pk = e.node_pk
                WHERE rel.subject_pk = ANY(?) AND rel.kind = 'used' AND e.kind IN ('dataset', 'model')
                ORDER BY rel.subject_pk, e.kind, e.name NULLS FIRST, rel.pk
                """, [keys], logger: logger
            ) { row in
                runs[row[0]]?.inputs.append(
                    RunLink(
                        entity: Self.entityRecord(row, offset: 3), attributes: Self.decodeObject(row[1]),
                        time: Self.time(row[2])))
            }
            try await connection.eachRow(
                """
                SELECT rel.object_pk, rel.attributes, rel.time, \(entityColumns)
                FROM relation rel JOIN entity e ON e.node_pk = rel.subject_pk JOIN node en ON en.pk = e.node_pk
                WHERE rel.object_pk = ANY(?) AND rel.kind = 'wasGeneratedBy' AND e.kind = 'model'
                ORDER BY rel.object_pk, rel.pk
                """, [keys], logger: logger
            ) { row in
                runs[row[0]]?.outputModels.append(
                    RunLink(
                        entity: Self.entityRecord(row, offset: 3), attributes: Self.decodeObject(row[1]),
                        time: Self.time(row[2])))
            }
            return keys.compactMap { runs[$0] }
        }

        static func entityRecord(_ row: SQLRow, offset: Int) -> EntityRecord {
            EntityRecord(
                id: id(row[offset]), kind: EntityKind(rawValue: row[offset + 1]) ?? .file,
                name: row[offset + 2], location: row[offset + 3], digest: row[offset + 4], sizeBytes: row[offset + 5],
                createdAt: time(row[offset + 6]), attributes: decodeObject(row[offset + 7]))
        }

        /// A top-level member of a JSON attributes column, as text (`NULL` when absent). `key` is a fixed name.
        static func attributeText(_ column: String, _ key: String) -> String {
            "(\(column)::jsonb ->> '\(key)')"
        }

        public func searchRuns(_ search: RunSearch) async throws -> SearchPage<TrackedRun> {
            var query = PostgresSearchSQL()
            query.condition("x.number = ANY(?)", [search.experiments.map { Int64($0) }])
            query.lifecycle(search.lifecycle, column: "r.lifecycle")
            for clause in search.filter {
                switch clause.key {
                case .attribute(let attribute):
                    guard let expression = Self.runAttributeExpression(attribute) else {
                        throw Self.unsupported(clause.key, in: "run")
                    }
                    try query.compare(
                        attribute == .status ? "upper(\(expression))" : expression, clause, numeric: attribute.isNumeric
                    )
                case .metric(let key):
                    let (sql, arguments) = try PostgresSearchSQL.comparison("m.last_value", clause, numeric: true)
                    query.condition(
                        "EXISTS (SELECT 1 FROM metric_series m WHERE m.run_pk = r.node_pk AND m.key = ? AND \(sql))",
                        [key] + arguments)
                case .parameter(let key):
                    try query.keyValueClause(table: "parameter", ownerExpression: "r.node_pk", key: key, clause: clause)
                case .tag(let key):
                    try query.keyValueClause(table: "tag", ownerExpression: "r.node_pk", key: key, clause: clause)
                case .dataset(let field):
                    let expression =
                        switch field {
                        case .name: "e.name"
                        case .digest: Self.attributeText("e.attributes", TrackedDataset.Attribute.digest)
                        case .context: Self.attributeText("rel.attributes", TrackedDataset.Attribute.context)
                        }
                    let (sql, arguments) = try PostgresSearchSQL.comparison(expression, clause, numeric: false)
                    query.condition(
                        """
                        EXISTS (SELECT 1 FROM relation rel JOIN entity e ON e.node_pk = rel.object_pk
                            WHERE rel.subject_pk = r.node_pk AND rel.kind = 'used' AND e.kind = 'dataset' AND \(sql))
                        """, arguments)
                }
            }
            for order in search.orderBy {
                switch order.key {
                case .attribute(let attribute):
                    guard let expression = Self.runAttributeExpression(attribute) else {
                        throw Self.unsupported(order.key, in: "run")
                    }
                    query.order(expression, order.ascending, missingLast: attribute == .endTime || attribute == .name)
                case .metric(let key):
                    query.order(
                        """
                        coalesce((SELECT CASE WHEN m.last_value IS NULL THEN 1 ELSE 0 END FROM metric_series m
                            WHERE m.run_pk = r.node_pk AND m.key = ?), 2)
                        """, true, [key])
                    query.order(
                        "(SELECT m.last_value FROM metric_series m WHERE m.run_pk = r.node_pk AND m.key = ?)",
                        order.ascending, [key])
                case .parameter(let key):
                    query.order(
                        "(SELECT p.value FROM parameter p WHERE p.node_pk = r.node_pk AND p.key = ?)", order.ascending,
                        [key], missingLast: true)
                case .tag(let key):
                    query.order(
                        "(SELECT t.value FROM tag t WHERE t.node_pk = r.node_pk AND t.key = ?)", order.ascending, [key],
                        missingLast: true)
                case .dataset:
                    throw Self.unsupported(order.key, in: "run")
                }
            }
            query.order("r.started_at", false)
            query.order("n.id", true)
            let (tail, arguments) = try query.tail(limit: search.limit, offset: search.offset)
            let sql = """
                SELECT r.node_pk FROM run r
                JOIN node n ON n.pk = r.node_pk
                JOIN experiment x ON x.node_pk = r.experiment_pk
                \(tail)
                """
            return try await read { [self] connection in
                let keys = try await connection.rows(sql, arguments, logger: logger).map { $0[0] as Int64 }
                let runs = try await trackedRuns(connection, keys: Array(keys.prefix(search.limit)))
                return SearchPage(items: runs, hasMore: keys.count > search.limit)
            }
        }

        static func runAttributeExpression(_ attribute: SearchAttribute) -> String? {
            switch attribute {
            case .id: "n.id"
            case .name: "r.name"
            case .status: "r.status"
            case .user: runUserExpression
            case .artifactURI: runArtifactURIExpression
            case .startTime: "(r.started_at / 1000)"
            case .endTime: "(r.ended_at / 1000)"
            case .creationTime, .lastUpdateTime, .modelType, .sourceRun: nil
            }
        }

        // MARK: Logged models

        static let modelSourceRunExpression = """
            (SELECT sn.id FROM relation g JOIN node sn ON sn.pk = g.object_pk
                WHERE g.subject_pk = e.node_pk AND g.kind = 'wasGeneratedBy' AND sn.node_type = 'run'
                ORDER BY g.pk LIMIT 1)
            """

        static let modelExperimentJoin = """
            LEFT JOIN experiment x ON x.node_pk = (SELECT hm.subject_pk FROM relation hm
                JOIN node hn ON hn.pk = hm.subject_pk
                WHERE hm.object_pk = e.node_pk AND hm.kind = 'hadMember' AND hn.node_type = 'experiment'
                ORDER BY hm.pk LIMIT 1)
            LEFT JOIN node xn ON xn.pk = x.node_pk
            """

        func trackedModels(_ connection: PostgresConnection, keys: [Int64]) async throws -> [TrackedModel] {
            guard !keys.isEmpty else { return [] }
            var models: [Int64: TrackedModel] = [:]
            try await connection.eachRow(
                """
                SELECT e.node_pk, xn.id, x.number, \(Self.modelSourceRunExpression),
                    en.id, e.kind, e.name, e.location, e.digest, e.size_bytes, e.created_at, e.attributes
                FROM entity e JOIN node en ON en.pk = e.node_pk
                \(Self.modelExperimentJoin)
                WHERE e.node_pk = ANY(?)
                """, [keys], logger: logger
            ) { row in
                models[row[0]] = TrackedModel(
                    entity: Self.entityRecord(row, offset: 4), experimentID: (row[1] as String?).map(Self.id),
                    experimentNumber: row[2], sourceRun: (row[3] as String?).map(Self.id), metrics: [])
            }
            try await connection.eachRow(
                """
                SELECT mm.model_pk, mm.key, mm.value, mm.step, mm.time, rn.id, mm.dataset_name, mm.dataset_digest
                FROM model_metric mm JOIN node rn ON rn.pk = mm.run_pk
                WHERE mm.model_pk = ANY(?)
                ORDER BY mm.model_pk, mm.key, mm.step, mm.time NULLS FIRST, mm.pk
                """, [keys], logger: logger
            ) { row in
                let dataset: MetricDataset? =
                    if let name = row[6] as String?, let digest = row[7] as String? {
                        MetricDataset(name: name, digest: digest)
                    } else { nil }
                models[row[0]]?.metrics.append(
                    TrackedModelMetric(
                        key: row[1], value: row[2], step: row[3], time: Self.time(row[4]), run: Self.id(row[5]),
                        dataset: dataset))
            }
            return keys.compactMap { models[$0] }
        }

        public func trackedModel(_ id: ProvID) async throws -> TrackedModel? {
            try await read { [self] connection in
                guard
                    let key = try await connection.row(
                        "SELECT pk FROM node WHERE id = ? AND node_type = 'entity'", [id.hex], logger: logger)
                else { return nil }
                return try await trackedModels(connection, keys: [key[0] as Int64]).first
            }
        }

        public func searchModels(_ search: ModelSearch) async throws -> SearchPage<TrackedModel> {
            var query = PostgresSearchSQL()
            query.condition("e.kind = 'model'", [])
            query.condition("x.number = ANY(?)", [search.experiments.map { Int64($0) }])
            func attributeText(_ key: String) -> String { Self.attributeText("e.attributes", key) }
            func expression(_ attribute: SearchAttribute) -> String? {
                switch attribute {
                case .id: "en.id"
                case .name: "e.name"
                case .status: attributeText(TrackedModel.Attribute.status)
                case .modelType: attributeText(TrackedModel.Attribute.modelType)
                case .sourceRun: Self.modelSourceRunExpression
                case .creationTime: "(e.created_at / 1000)"
                case .lastUpdateTime:
                    "(e.attributes::jsonb -> '\(TrackedModel.Attribute.updatedAt)')::float8"
                case .user, .artifactURI, .startTime, .endTime: nil
                }
            }
            for clause in search.filter {
                switch clause.key {
                case .attribute(let attribute):
                    guard let sql = expression(attribute) else {
                        throw Self.unsupported(clause.key, in: "logged-model")
                    }
                    try query.compare(sql, clause, numeric: attribute.isNumeric)
                case .metric(let key):
                    let (sql, arguments) = try PostgresSearchSQL.comparison("mm.value", clause, numeric: true)
                    query.condition(
                        "EXISTS (SELECT 1 FROM model_metric mm WHERE mm.model_pk = e.node_pk AND mm.key = ? AND \(sql))",
                        [key] + arguments)
                case .parameter(let key), .tag(let key):
                    let object =
                        if case .parameter = clause.key { TrackedModel.Attribute.parameters } else {
                            TrackedModel.Attribute.tags
                        }
                    let members = "jsonb_each_text(coalesce(e.attributes::jsonb -> '\(object)', '{}'::jsonb))"
                    if clause.comparator == .isNull || clause.comparator == .isNotNull {
                        query.condition(
                            (clause.comparator == .isNull ? "NOT " : "")
                                + "EXISTS (SELECT 1 FROM \(members) j WHERE j.key = ?)", [key])
                    } else {
                        let (sql, arguments) = try PostgresSearchSQL.comparison("j.value", clause, numeric: false)
                        query.condition(
                            "EXISTS (SELECT 1 FROM \(members) j WHERE j.key = ? AND \(sql))", [key] + arguments)
                    }
                case .dataset:
                    throw Self.unsupported(clause.key, in: "logged-model")
                }
            }
            for order in search.orderBy {
                switch order.key {
                case .attribute(let attribute):
                    guard let sql = expression(attribute) else { throw Self.unsupported(order.key, in: "logged-model") }
                    query.order(sql, order.ascending, missingLast: true)
                case .metric(let key):
                    query.order(
                        """
                        (SELECT mm.value FROM model_metric mm WHERE mm.model_pk = e.node_pk AND mm.key = ?
                            ORDER BY mm.step DESC, mm.time DESC NULLS LAST LIMIT 1)
                        """, order.ascending, [key], missingLast: true)
                case .parameter(let key):
                    query.order(
                        "(e.attributes::jsonb -> '\(TrackedModel.Attribute.parameters)' ->> ?)", order.ascending, [key],
                        missingLast: true)
                case .tag(let key):
                    query.order(
                        "(e.attributes::jsonb -> '\(TrackedModel.Attribute.tags)' ->> ?)", order.ascending, [key],
                        missingLast: true)
                case .dataset:
                    throw Self.unsupported(order.key, in: "logged-model")
                }
            }
            query.order("e.created_at", false)
            query.order("en.id", true)
            let (tail, arguments) = try query.tail(limit: search.limit, offset: search.offset)
            let sql = """
                SELECT e.node_pk FROM entity e JOIN node en ON en.pk = e.node_pk
                \(Self.modelExperimentJoin)
                \(tail)
                """
            return try await read { [self] connection in
                let keys = try await connection.rows(sql, arguments, logger: logger).map { $0[0] as Int64 }
                let models = try await trackedModels(connection, keys: Array(keys.prefix(search.limit)))
                return SearchPage(items: models, hasMore: keys.count > search.limit)
            }
        }
    }

    /// Builds the WHERE, ORDER BY and LIMIT parts of a search from fixed fragments and bound arguments.
    struct PostgresSearchSQL {
        private var conditions: [String] = []
        private var orders: [String] = []
        private var conditionArguments: [any SQLBindable] = []
        private var orderArguments: [any SQLBindable] = []

        mutating func condition(_ sql: String, _ arguments: [any SQLBindable]) {
            conditions.append(sql)
            conditionArguments += arguments
        }

        mutating func lifecycle(_ filter: LifecycleFilter, column: String) {
            switch filter {
            case .activeOnly: condition("\(column) = 'active'", [])
            case .deletedOnly: condition("\(column) = 'deleted'", [])
            case .all: break
            }
        }

        /// Adds an ordering key; NULLs sort first ascending and last descending (as in SQLite), or last in both
        /// directions with `missingLast`.
        mutating func order(
            _ expression: String, _ ascending: Bool, _ arguments: [any SQLBindable] = [], missingLast: Bool = false
        ) {
            if missingLast {
                orders.append("(\(expression)) IS NULL")
                orderArguments += arguments
            }
            orders.append("\(expression) \(ascending ? "ASC NULLS FIRST" : "DESC NULLS LAST")")
            orderArguments += arguments
        }

        mutating func compare(_ expression: String, _ clause: SearchClause, numeric: Bool) throws {
            let (sql, arguments) = try Self.comparison(expression, clause, numeric: numeric)
            condition(sql, arguments)
        }

        mutating func keyValueClause(table: String, ownerExpression: String, key: String, clause: SearchClause) throws {
            let exists = "EXISTS (SELECT 1 FROM \(table) kv WHERE kv.node_pk = \(ownerExpression) AND kv.key = ?"
            switch clause.comparator {
            case .isNull: condition("NOT " + exists + ")", [key])
            case .isNotNull: condition(exists + ")", [key])
            default:
                let (sql, arguments) = try Self.comparison("kv.value", clause, numeric: false)
                condition(exists + " AND \(sql))", [key] + arguments)
            }
        }

        func tail(limit: Int, offset: Int) throws -> (String, [any SQLBindable]) {
            guard limit >= 1 else { throw StoreError(.invalidQuery, "the page size must be at least 1, got \(limit)") }
            guard offset >= 0 else { throw StoreError(.invalidQuery, "the page offset must not be negative") }
            var sql = ""
            if !conditions.isEmpty { sql += "WHERE " + conditions.joined(separator: "\n  AND ") }
            if !orders.isEmpty { sql += "\nORDER BY " + orders.joined(separator: ", ") }
            sql += "\nLIMIT ? OFFSET ?"
            return (sql, conditionArguments + orderArguments + [limit + 1, offset])
        }

        /// The SQL comparing `expression` with a clause's value, and its arguments. A numeric expression is compared
        /// with a number; a text expression with text (a number is written as MLflow's client writes it).
        static func comparison(
            _ expression: String, _ clause: SearchClause, numeric: Bool
        ) throws -> (String, [any SQLBindable]) {
            func scalar() throws -> any SQLBindable {
                switch clause.value {
                case .number(let number):
                    return numeric ? number : JSONValue.format(number: number)
                case .string(let text):
                    if numeric {
                        guard let number = Double(text) else {
                            throw StoreError(.invalidQuery, "'\(text)' is not a number")
                        }
                        return number
                    }
                    return text
                case .list, .none:
                    throw StoreError(.invalidQuery, "\(clause.comparator.rawValue) needs a single value")
                }
            }
            func list() throws -> any SQLBindable {
                guard case .list(let values) = clause.value else {
                    throw StoreError(.invalidQuery, "\(clause.comparator.rawValue) needs a list of values")
                }
                if numeric { return values.compactMap { Double($0) } }
                return values
            }
            switch clause.comparator {
            case .equal: return ("\(expression) = ?", [try scalar()])
            case .notEqual: return ("\(expression) <> ?", [try scalar()])
            case .less: return ("\(expression) < ?", [try scalar()])
            case .lessOrEqual: return ("\(expression) <= ?", [try scalar()])
            case .greater: return ("\(expression) > ?", [try scalar()])
            case .greaterOrEqual: return ("\(expression) >= ?", [try scalar()])
            case .like:
                guard case .string(let pattern) = clause.value else {
                    throw StoreError(.invalidQuery, "LIKE needs a quoted pattern")
                }
                // Case-sensitive, as MLflow's LIKE; no escape character (as the embedded store's GLOB translation).
                return ("\(expression) LIKE ? ESCAPE ''", [pattern])
            case .ilike:
                guard case .string(let pattern) = clause.value else {
                    throw StoreError(.invalidQuery, "ILIKE needs a quoted pattern")
                }
                return ("lower(\(expression)) LIKE lower(?) ESCAPE ''", [pattern])
            case .in: return ("\(expression) = ANY(?)", [try list()])
            case .notIn: return ("NOT (\(expression) = ANY(?))", [try list()])
            case .isNull: return ("\(expression) IS NULL", [])
            case .isNotNull: return ("\(expression) IS NOT NULL", [])
            }
        }
    }
#endif
