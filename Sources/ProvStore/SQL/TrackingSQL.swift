package import ProvModel

// The tracking view's reads (MLflow-compatible experiments, runs and logged models) in either dialect.
//
// A search is compiled into one statement that filters, orders and pages inside the database; only the page's
// records are then read, each part (parameters, tags, latest metrics, inputs, outputs) in one statement for the whole
// page.

/// The statements and row decoding of the tracking view.
package struct TrackingSQL: Sendable {
    package let dialect: SQLDialect

    package init(_ dialect: SQLDialect) {
        self.dialect = dialect
    }

    // MARK: Experiments

    private static let experimentSelect = """
        SELECT n.id, x.number, x.name, coalesce(x.artifact_location, 'mlflow-artifacts:/' || x.number), x.lifecycle,
            x.created_at, coalesce(x.updated_at, x.created_at), x.node_pk
        FROM experiment x JOIN node n ON n.pk = x.node_pk
        """

    private struct ExperimentRows: Sendable {
        var experiments: [(key: Int64, experiment: TrackedExperiment)] = []
        var tags: [Int64: [KeyValue]] = [:]
    }

    /// The experiments a statement over `experimentSelect` selects, with their tags.
    private func experiments(_ statement: SQLStatement) -> SQLSteps<ExperimentRows, [TrackedExperiment]> {
        let dialect = dialect
        return SQLSteps(
            ExperimentRows(),
            [
                .init(statement) { state, row in
                    state.experiments.append(
                        (
                            row.int64(7),
                            TrackedExperiment(
                                id: row.id(0), number: row.int64(1), name: row.string(2),
                                artifactLocation: row.string(3),
                                lifecycle: LifecycleStage(rawValue: row.string(4)) ?? .active, createdAt: row.time(5),
                                updatedAt: row.time(6), tags: [])
                        ))
                },
                .init({ state in
                    state.experiments.isEmpty
                        ? nil
                        : SQLStatement(
                            "SELECT node_pk, key, value FROM tag WHERE \(dialect.inList("node_pk")) ORDER BY key",
                            [.ints(state.experiments.map(\.key))])
                }) { state, row in
                    state.tags[row.int64(0), default: []].append(KeyValue(key: row.string(1), value: row.string(2)))
                },
            ]
        ) { state in
            state.experiments.map { key, experiment in
                var experiment = experiment
                experiment.tags = state.tags[key] ?? []
                return experiment
            }
        }
    }

    /// One experiment, if held.
    package func experiment(_ reference: ExperimentReference) -> some SQLRead<TrackedExperiment?> {
        let statement =
            switch reference {
            case .id(let id): SQLStatement(Self.experimentSelect + " WHERE n.id = ?", [.text(id.hex)])
            case .number(let number): SQLStatement(Self.experimentSelect + " WHERE x.number = ?", [.int(number)])
            case .name(let name): SQLStatement(Self.experimentSelect + " WHERE x.name = ?", [.text(name)])
            }
        return experiments(statement).map { $0.first }
    }

    /// One page of an experiment search.
    package func searchExperiments(_ search: ExperimentSearch) throws -> some SQLRead<SearchPage<TrackedExperiment>> {
        var query = SearchSQL(dialect)
        query.lifecycle(search.lifecycle, column: "x.lifecycle")
        for clause in search.filter {
            switch clause.key {
            case .attribute(.id): try query.compare("x.number", clause, numeric: true)
            case .attribute(.name): try query.compare("x.name", clause, numeric: false)
            case .attribute(.creationTime): try query.compare("(x.created_at / 1000)", clause, numeric: true)
            case .attribute(.lastUpdateTime):
                try query.compare("(coalesce(x.updated_at, x.created_at) / 1000)", clause, numeric: true)
            case .tag(let key): try query.keyValueClause(table: "tag", owner: "x.node_pk", key: key, clause: clause)
            default: throw SearchSQL.unsupported(clause.key, in: "experiment")
            }
        }
        for order in search.orderBy {
            switch order.key {
            case .attribute(.id): query.order("x.number", order.ascending)
            case .attribute(.name): query.order("x.name", order.ascending)
            case .attribute(.creationTime): query.order("x.created_at", order.ascending)
            case .attribute(.lastUpdateTime): query.order("coalesce(x.updated_at, x.created_at)", order.ascending)
            case .tag(let key):
                query.order(
                    "(SELECT value FROM tag t WHERE t.node_pk = x.node_pk AND t.key = ?)", order.ascending, [.text(key)]
                )
            default: throw SearchSQL.unsupported(order.key, in: "experiment")
            }
        }
        query.order("x.created_at", false)
        query.order("x.number", true)
        let limit = search.limit
        return experiments(try query.statement(Self.experimentSelect, limit: limit, offset: search.offset)).map {
            SearchPage(items: Array($0.prefix(limit)), hasMore: $0.count > limit)
        }
    }

    // MARK: Runs

    private static let runSelect = """
        SELECT r.node_pk, n.id, xn.id, x.number, coalesce(x.artifact_location, 'mlflow-artifacts:/' || x.number),
            r.name, r.status, r.started_at, r.ended_at, r.lifecycle, \(SearchSQL.runUserExpression)
        FROM run r
        JOIN node n ON n.pk = r.node_pk
        JOIN experiment x ON x.node_pk = r.experiment_pk
        JOIN node xn ON xn.pk = x.node_pk
        """

    private static let entityColumns =
        "en.id, e.kind, e.name, e.location, e.digest, e.size_bytes, e.created_at, e.attributes"

    /// An entity from `entityColumns` at `offset`.
    private static func entity(_ row: any SQLRowReading, offset: Int) -> EntityRecord {
        EntityRecord(
            id: row.id(offset), kind: EntityKind(rawValue: row.string(offset + 1)) ?? .file,
            name: row.text(at: offset + 2), location: row.text(at: offset + 3), digest: row.text(at: offset + 4),
            sizeBytes: row.integer(at: offset + 5), createdAt: row.time(offset + 6),
            attributes: row.object(offset + 7))
    }

    private static func link(_ row: any SQLRowReading) -> RunLink {
        RunLink(entity: entity(row, offset: 3), attributes: row.object(1), time: row.time(2))
    }

    /// Runs by id, in the order asked for; unknown ids are left out.
    package func runs(_ ids: [ProvID]) -> some SQLRead<[TrackedRun]> {
        SQLKeyRead.keys(
            SQLStatement(
                "SELECT pk FROM node WHERE \(dialect.inList("id")) AND node_type = 'run'", [.texts(ids.map(\.hex))])
        ).then { keys in runs(keys: keys) }.map { runs in
            let byID = Dictionary(runs.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
            return ids.compactMap { byID[$0] }
        }
    }

    /// Complete runs by key, in the order of `keys`.
    package func runs(keys: [Int64]) -> SQLSteps<[Int64: TrackedRun], [TrackedRun]> {
        let list = dialect.inList("r.node_pk")
        let owned = dialect.inList("node_pk")
        let owners = [SQLValue.ints(keys)]
        let statement: @Sendable (String) -> SQLStatement? = { sql in keys.isEmpty ? nil : SQLStatement(sql, owners) }
        return SQLSteps(
            [:],
            [
                .init({ _ in statement(Self.runSelect + " WHERE \(list)") }) { runs, row in
                    runs[row.int64(0)] = TrackedRun(
                        id: row.id(1), experimentID: row.id(2), experimentNumber: row.int64(3),
                        experimentArtifactLocation: row.string(4), name: row.text(at: 5), user: row.text(at: 10),
                        status: RunStatus(rawValue: row.string(6)) ?? .running, startedAt: row.requiredTime(7),
                        endedAt: row.time(8), lifecycle: LifecycleStage(rawValue: row.string(9)) ?? .active)
                },
                .init({ _ in
                    statement(
                        "SELECT node_pk, key, value FROM parameter WHERE \(owned) ORDER BY node_pk, key")
                }) { runs, row in
                    runs[row.int64(0)]?.parameters.append(KeyValue(key: row.string(1), value: row.string(2)))
                },
                .init({ _ in statement("SELECT node_pk, key, value FROM tag WHERE \(owned) ORDER BY node_pk, key") }) {
                    runs, row in
                    runs[row.int64(0)]?.tags.append(KeyValue(key: row.string(1), value: row.string(2)))
                },
                .init({ _ in
                    statement(
                        """
                        SELECT run_pk, key, last_value, coalesce(last_step, 0), last_time FROM metric_series
                        WHERE \(dialect.inList("run_pk")) ORDER BY run_pk, key
                        """)
                }) { runs, row in
                    runs[row.int64(0)]?.metrics.append(
                        TrackedMetric(key: row.string(1), value: row.double(2), step: row.int64(3), time: row.time(4)))
                },
                .init({ _ in
                    statement(
                        """
                        SELECT rel.subject_pk, rel.attributes, rel.time, \(Self.entityColumns)
                        FROM relation rel JOIN entity e ON e.node_pk = rel.object_pk JOIN node en ON en.pk = e.node_pk
                        WHERE \(dialect.inList("rel.subject_pk")) AND rel.kind = 'used' AND e.kind IN ('dataset', 'model')
                        ORDER BY rel.subject_pk, e.kind, e.name NULLS FIRST, rel.pk
                        """)
                }) { runs, row in runs[row.int64(0)]?.inputs.append(Self.link(row)) },
                .init({ _ in
                    statement(
                        """
                        SELECT rel.object_pk, rel.attributes, rel.time, \(Self.entityColumns)
                        FROM relation rel JOIN entity e ON e.node_pk = rel.subject_pk JOIN node en ON en.pk = e.node_pk
                        WHERE \(dialect.inList("rel.object_pk")) AND rel.kind = 'wasGeneratedBy' AND e.kind = 'model'
                        ORDER BY rel.object_pk, rel.pk
                        """)
                }) { runs, row in runs[row.int64(0)]?.outputModels.append(Self.link(row)) },
            ]
        ) { runs in keys.compactMap { runs[$0] } }
    }

    /// One page of a run search.
    package func searchRuns(_ search: RunSearch) throws -> some SQLRead<SearchPage<TrackedRun>> {
        var query = SearchSQL(dialect)
        query.condition(dialect.inList("x.number"), [.ints(search.experiments)])
        query.lifecycle(search.lifecycle, column: "r.lifecycle")
        let statement = try query.runKeys(
            search.filter, orderBy: search.orderBy, highestIDFirst: false, limit: search.limit, offset: search.offset)
        return page(statement, limit: search.limit) { keys in runs(keys: keys) }
    }

    /// The records of a page of keys (one more than `limit` to tell whether another page follows).
    private func page<Item: Hashable & Sendable, Read: SQLRead<[Item]>>(
        _ keys: SQLStatement, limit: Int, _ read: @escaping @Sendable ([Int64]) -> Read
    ) -> some SQLRead<SearchPage<Item>> {
        SQLKeyRead.keys(keys).then { keys in
            read(Array(keys.prefix(limit))).map { SearchPage(items: $0, hasMore: keys.count > limit) }
        }
    }

    // MARK: Logged models

    private static let modelSourceRunExpression = """
        (SELECT sn.id FROM relation g JOIN node sn ON sn.pk = g.object_pk
            WHERE g.subject_pk = e.node_pk AND g.kind = 'wasGeneratedBy' AND sn.node_type = 'run'
            ORDER BY g.pk LIMIT 1)
        """

    private static let modelSelect = """
        FROM entity e JOIN node en ON en.pk = e.node_pk
        LEFT JOIN experiment x ON x.node_pk = (SELECT hm.subject_pk FROM relation hm
            JOIN node hn ON hn.pk = hm.subject_pk
            WHERE hm.object_pk = e.node_pk AND hm.kind = 'hadMember' AND hn.node_type = 'experiment'
            ORDER BY hm.pk LIMIT 1)
        LEFT JOIN node xn ON xn.pk = x.node_pk
        """

    /// One logged model, if held.
    package func model(_ id: ProvID) -> some SQLRead<TrackedModel?> {
        SQLKeyRead.keys(SQLStatement("SELECT pk FROM node WHERE id = ? AND node_type = 'entity'", [.text(id.hex)]))
            .then { keys in models(keys: Array(keys.prefix(1))) }.map { $0.first }
    }

    /// Complete logged models by key, in the order of `keys`.
    package func models(keys: [Int64]) -> SQLSteps<[Int64: TrackedModel], [TrackedModel]> {
        let owners = [SQLValue.ints(keys)]
        let dialect = dialect
        return SQLSteps(
            [:],
            [
                .init({ _ in
                    keys.isEmpty
                        ? nil
                        : SQLStatement(
                            """
                            SELECT e.node_pk, xn.id, x.number, \(Self.modelSourceRunExpression), \(Self.entityColumns)
                            \(Self.modelSelect)
                            WHERE \(dialect.inList("e.node_pk"))
                            """, owners)
                }) { models, row in
                    models[row.int64(0)] = TrackedModel(
                        entity: Self.entity(row, offset: 4), experimentID: row.optionalID(1),
                        experimentNumber: row.integer(at: 2), sourceRun: row.optionalID(3), metrics: [])
                },
                .init({ _ in
                    keys.isEmpty
                        ? nil
                        : SQLStatement(
                            """
                            SELECT mm.model_pk, mm.key, mm.value, mm.step, mm.time, rn.id, mm.dataset_name,
                                mm.dataset_digest
                            FROM model_metric mm JOIN node rn ON rn.pk = mm.run_pk
                            WHERE \(dialect.inList("mm.model_pk"))
                            ORDER BY mm.model_pk, mm.key, mm.step, mm.time NULLS FIRST, \(dialect.insertionOrder("mm"))
                            """, owners)
                }) { models, row in
                    let dataset: MetricDataset? =
                        if let name = row.text(at: 6), let digest = row.text(at: 7) {
                            MetricDataset(name: name, digest: digest)
                        } else { nil }
                    models[row.int64(0)]?.metrics.append(
                        TrackedModelMetric(
                            key: row.string(1), value: row.double(2), step: row.int64(3), time: row.time(4),
                            run: row.id(5), dataset: dataset))
                },
            ]
        ) { models in keys.compactMap { models[$0] } }
    }

    /// One page of a logged-model search.
    package func searchModels(_ search: ModelSearch) throws -> some SQLRead<SearchPage<TrackedModel>> {
        var query = SearchSQL(dialect)
        query.condition("e.kind = 'model'", [])
        query.condition(dialect.inList("x.number"), [.ints(search.experiments)])
        func expression(_ attribute: SearchAttribute) -> String? {
            switch attribute {
            case .id: "en.id"
            case .name: "e.name"
            case .status: dialect.jsonText("e.attributes", TrackedModel.Attribute.status)
            case .modelType: dialect.jsonText("e.attributes", TrackedModel.Attribute.modelType)
            case .sourceRun: Self.modelSourceRunExpression
            case .creationTime: "(e.created_at / 1000)"
            case .lastUpdateTime: dialect.jsonNumber("e.attributes", TrackedModel.Attribute.updatedAt)
            case .user, .artifactURI, .startTime, .endTime, .kind, .parentRun, .experiment: nil
            }
        }
        func object(_ key: SearchKey) -> String {
            if case .parameter = key { TrackedModel.Attribute.parameters } else { TrackedModel.Attribute.tags }
        }
        for clause in search.filter {
            switch clause.key {
            case .attribute(let attribute):
                guard let sql = expression(attribute) else {
                    throw SearchSQL.unsupported(clause.key, in: "logged-model")
                }
                try query.compare(sql, clause, numeric: attribute.isNumeric)
            case .metric(let key):
                try query.exists(
                    "SELECT 1 FROM model_metric mm WHERE mm.model_pk = e.node_pk AND mm.key = ?", [.text(key)],
                    comparing: "mm.value", clause, numeric: true)
            case .parameter(let key), .tag(let key):
                let members = dialect.jsonMembers("e.attributes", object: object(clause.key))
                try query.presenceOrComparison(
                    "SELECT 1 FROM \(members) j WHERE j.key = ?", key: key, value: "j.value", clause)
            case .dataset, .term:
                throw SearchSQL.unsupported(clause.key, in: "logged-model")
            }
        }
        for order in search.orderBy {
            switch order.key {
            case .attribute(let attribute):
                guard let sql = expression(attribute) else {
                    throw SearchSQL.unsupported(order.key, in: "logged-model")
                }
                query.order(sql, order.ascending, missingLast: true)
            case .metric(let key):
                query.order(
                    """
                    (SELECT mm.value FROM model_metric mm WHERE mm.model_pk = e.node_pk AND mm.key = ?
                        ORDER BY mm.step DESC, mm.time DESC NULLS LAST LIMIT 1)
                    """, order.ascending, [.text(key)], missingLast: true)
            case .parameter(let key), .tag(let key):
                query.order(
                    dialect.jsonMember("e.attributes", object: object(order.key)), order.ascending, [.text(key)],
                    missingLast: true)
            case .dataset, .term:
                throw SearchSQL.unsupported(order.key, in: "logged-model")
            }
        }
        query.order("e.created_at", false)
        query.order("en.id", true)
        let statement = try query.statement(
            "SELECT e.node_pk " + Self.modelSelect, limit: search.limit, offset: search.offset)
        return page(statement, limit: search.limit) { keys in models(keys: keys) }
    }
}
