package import ProvModel

/// The statements and row decoding of exports: the full records of a part of the graph.
package struct RecordsSQL: Sendable {
    package let dialect: SQLDialect

    package init(_ dialect: SQLDialect) {
        self.dialect = dialect
    }

    /// The records of a scope: a run and its nested runs, an experiment's runs (with what they are directly related
    /// to and the agents responsible), or a lineage closure.
    package func records(for scope: RecordScope, includePoints: Bool) throws -> some SQLRead<ProvenanceRecords> {
        let nodes: SQLThen<SQLKeyRead, SQLSteps<Scope, Set<Int64>>>
        switch scope {
        case .lineage(let id, let direction, let depth):
            let ids = try GraphSQL(dialect).lineage(of: id, direction: direction, depth: depth)
                .map { graph in graph.nodes.map { $0.node.id.hex } }
            let dialect = dialect
            return collect(
                AnySQLRead(
                    ids.then { ids in
                        SQLKeyRead.keys(
                            SQLStatement("SELECT pk FROM node WHERE \(dialect.inList("id"))", [.texts(ids)]))
                    }.map { Set($0) }), includePoints: includePoints)
        case .run(let id):
            nodes = roots(
                SQLStatement("SELECT n.pk FROM node n JOIN run r ON r.node_pk = n.pk WHERE n.id = ?", [.text(id.hex)]),
                missing: "no run with id \(id.hex)", keepingRoot: false
            ) { pk in
                SQLStatement(
                    """
                    WITH RECURSIVE tree(pk) AS (
                        SELECT ? UNION SELECT r.node_pk FROM run r JOIN tree ON r.parent_pk = tree.pk
                    )
                    SELECT pk FROM tree
                    """, [.int(pk)])
            }
        case .experiment(let id):
            nodes = roots(
                SQLStatement(
                    "SELECT n.pk FROM node n JOIN experiment x ON x.node_pk = n.pk WHERE n.id = ?", [.text(id.hex)]),
                missing: "no experiment with id \(id.hex)", keepingRoot: true
            ) { pk in SQLStatement("SELECT node_pk FROM run WHERE experiment_pk = ?", [.int(pk)]) }
        }
        return collect(AnySQLRead(nodes), includePoints: includePoints)
    }

    private struct Scope: Sendable {
        var keys: Set<Int64>
        var agents: [Int64] = []
    }

    /// The root runs of a scope (found from the key `find` selects, or `missing` thrown), then their direct
    /// neighbours, the agents responsible for any of those, and the agents' delegation chains (to any length).
    private func roots(
        _ find: SQLStatement, missing: String, keepingRoot: Bool,
        runs: @escaping @Sendable (Int64) -> SQLStatement
    ) -> SQLThen<SQLKeyRead, SQLSteps<Scope, Set<Int64>>> {
        let dialect = dialect
        return SQLKeyRead.keys(find).then { found in
            guard let root = found.first else { throw StoreError(.notFound, missing) }
            return SQLSteps<Scope, Set<Int64>>(
                Scope(keys: keepingRoot ? [root] : []),
                [
                    .init(runs(root)) { scope, row in scope.keys.insert(row.int64(0)) },
                    .init({ scope in
                        SQLStatement(
                            """
                            SELECT object_pk FROM relation WHERE \(dialect.inList("subject_pk", placeholder: "?1"))
                            UNION SELECT subject_pk FROM relation WHERE \(dialect.inList("object_pk", placeholder: "?1"))
                            """, [.ints(Array(scope.keys))])
                    }) { scope, row in scope.keys.insert(row.int64(0)) },
                    .init({ scope in
                        SQLStatement(
                            """
                            SELECT rel.object_pk FROM relation rel JOIN node n ON n.pk = rel.object_pk
                            WHERE n.node_type = 'agent' AND \(dialect.inList("rel.subject_pk"))
                            """, [.ints(Array(scope.keys))])
                    }) { scope, row in scope.agents.append(row.int64(0)) },
                    .init({ scope in
                        SQLStatement(
                            """
                            WITH RECURSIVE chain(pk) AS (
                                \(dialect.listValues)
                                UNION SELECT rel.object_pk FROM relation rel JOIN chain ON rel.subject_pk = chain.pk
                                WHERE rel.kind = 'actedOnBehalfOf'
                            )
                            SELECT pk FROM chain
                            """, [.ints(scope.agents)])
                    }) { scope, row in scope.keys.insert(row.int64(0)) },
                ]
            ) { scope in scope.keys.union(scope.agents) }
        }
    }

    /// All records.
    package func allRecords(includePoints: Bool) -> some SQLRead<ProvenanceRecords> {
        collect(
            AnySQLRead(SQLKeyRead.keys(SQLStatement("SELECT pk FROM node")).map { Set($0) }),
            includePoints: includePoints)
    }

    private struct Collected: Sendable {
        var keys: Set<Int64>
        var records = ProvenanceRecords()
        var seriesKeys: [Int64] = []
        var points: [Int64: [MetricPoint]] = [:]
        var layerRuns: [ProvID] = []
        var layers: [ProvID: (model: ProvID?, layers: [ArchitectureLayer])] = [:]
    }

    /// The records of a set of nodes, the experiments of its runs, and the relations among them.
    private func collect(
        _ nodes: AnySQLRead<Set<Int64>>, includePoints: Bool
    ) -> some SQLRead<ProvenanceRecords> {
        let dialect = dialect
        return nodes.then { nodes in
            typealias Step = SQLSteps<Collected, ProvenanceRecords>.Step
            /// A statement over the node keys, bound at `?1`.
            func step(
                _ sql: String, _ take: @escaping @Sendable (inout Collected, any SQLRowReading) -> Void
            ) -> Step {
                Step({ state in SQLStatement(sql, [.ints(Array(state.keys))]) }, take: take)
            }
            func keyed(_ column: String) -> String { dialect.inList(column, placeholder: "?1") }
            return SQLSteps(
                Collected(keys: nodes),
                [
                    // Runs bring their experiment.
                    step("SELECT DISTINCT experiment_pk FROM run WHERE \(keyed("node_pk"))") { state, row in
                        state.keys.insert(row.int64(0))
                    },
                    step(
                        """
                        SELECT n.id, x.name, x.description, x.created_at FROM experiment x JOIN node n ON n.pk = x.node_pk
                        WHERE \(keyed("x.node_pk")) ORDER BY n.id
                        """
                    ) { state, row in
                        state.records.experiments.append(
                            ExperimentRecord(
                                id: row.id(0), name: row.string(1), description: row.text(at: 2), createdAt: row.time(3)
                            ))
                    },
                    step(
                        """
                        SELECT n.id, xn.id, pn.id, r.kind, r.name, r.status, r.started_at, r.ended_at
                        FROM run r JOIN node n ON n.pk = r.node_pk JOIN node xn ON xn.pk = r.experiment_pk
                        LEFT JOIN node pn ON pn.pk = r.parent_pk
                        WHERE \(keyed("r.node_pk")) ORDER BY r.started_at, n.id
                        """
                    ) { state, row in
                        let status = RunStatus(rawValue: row.string(5)) ?? .running
                        state.records.runs.append(
                            RunRecord(
                                start: RunStart(
                                    id: row.id(0), experiment: row.id(1), parent: row.optionalID(2),
                                    kind: RunKind(rawValue: row.string(3)), name: row.text(at: 4),
                                    startedAt: row.requiredTime(6), status: status == .scheduled ? .scheduled : .running
                                ),
                                status: status, endedAt: row.time(7)))
                    },
                    step(
                        """
                        SELECT n.id, e.kind, e.name, e.location, e.digest, e.size_bytes, e.created_at, e.attributes
                        FROM entity e JOIN node n ON n.pk = e.node_pk
                        WHERE \(keyed("e.node_pk")) ORDER BY n.id
                        """
                    ) { state, row in
                        state.records.entities.append(
                            EntityRecord(
                                id: row.id(0), kind: EntityKind(rawValue: row.string(1)) ?? .artifact,
                                name: row.text(at: 2), location: row.text(at: 3), digest: row.text(at: 4),
                                sizeBytes: row.integer(at: 5), createdAt: row.time(6), attributes: row.object(7)))
                    },
                    step(
                        """
                        SELECT n.id, a.kind, a.name, a.attributes FROM agent a JOIN node n ON n.pk = a.node_pk
                        WHERE \(keyed("a.node_pk")) ORDER BY n.id
                        """
                    ) { state, row in
                        state.records.agents.append(
                            AgentRecord(
                                id: row.id(0), kind: AgentKind(rawValue: row.string(1)) ?? .software,
                                name: row.string(2), attributes: row.object(3)))
                    },
                    step(
                        """
                        SELECT rel.kind, s.id, o.id, rel.time, rel.attributes FROM relation rel
                        JOIN node s ON s.pk = rel.subject_pk JOIN node o ON o.pk = rel.object_pk
                        WHERE \(keyed("rel.subject_pk")) AND \(keyed("rel.object_pk"))
                        ORDER BY rel.pk
                        """
                    ) { state, row in
                        state.records.relations.append(
                            RelationRecord(
                                RelationKind(rawValue: row.string(0)) ?? .used, subject: row.id(1), object: row.id(2),
                                time: row.time(3), attributes: row.object(4)))
                    },
                    step(
                        """
                        SELECT n.id, p.key, p.value, p.term FROM parameter p JOIN node n ON n.pk = p.node_pk
                        WHERE \(keyed("p.node_pk")) ORDER BY n.id, p.key
                        """
                    ) { state, row in
                        state.records.parameters.append(
                            ParameterRecord(run: row.id(0), key: row.string(1), value: row.string(2)))
                        if let term = row.text(at: 3) { state.records.terms[row.string(1)] = term }
                    },
                    step(
                        """
                        SELECT n.id, n.node_type, t.key, t.value, t.term FROM tag t JOIN node n ON n.pk = t.node_pk
                        WHERE \(keyed("t.node_pk")) ORDER BY n.id, t.key
                        """
                    ) { state, row in
                        let type: TagTarget = row.string(1) == "experiment" ? .experiment : .run
                        state.records.tags.append(
                            TagRecord(target: row.id(0), targetType: type, key: row.string(2), value: row.string(3)))
                        if let term = row.text(at: 4) { state.records.terms[row.string(2)] = term }
                    },
                    step(
                        """
                        SELECT s.pk, n.id, s.key, s.term, s.point_count, s.last_value, s.last_step, s.min_value,
                            s.max_value
                        FROM metric_series s JOIN node n ON n.pk = s.run_pk
                        WHERE \(keyed("s.run_pk")) ORDER BY n.id, s.key
                        """
                    ) { state, row in
                        state.seriesKeys.append(row.int64(0))
                        let summary = MetricSummary(
                            key: row.string(2), term: row.text(at: 3), count: row.int(4), last: row.double(5),
                            lastStep: row.int64(6), min: row.double(7), max: row.double(8))
                        state.records.metricSeries.append(
                            MetricSeriesRecord(run: row.id(1), summary: summary, points: []))
                    },
                    Step({ state in
                        guard includePoints, !state.seriesKeys.isEmpty else { return nil }
                        return SQLStatement(
                            """
                            SELECT series_pk, step, time, epoch, value FROM metric_point WHERE \(dialect.inList("series_pk"))
                            ORDER BY series_pk, step, time NULLS FIRST, \(dialect.insertionOrder("metric_point"))
                            """, [.ints(state.seriesKeys)])
                    }) { state, row in
                        // The run and key are filled in from the series.
                        state.points[row.int64(0), default: []].append(
                            MetricPoint(
                                run: ProvID(high: 0, low: 0), key: "", value: row.double(4), step: row.int64(1),
                                time: row.time(2), epoch: row.real(at: 3)))
                    },
                    step(
                        """
                        SELECT n.id, t.time, t.phase, t.readings FROM telemetry_sample t JOIN node n ON n.pk = t.run_pk
                        WHERE \(keyed("t.run_pk")) ORDER BY n.id, t.time, t.pk
                        """
                    ) { state, row in
                        state.records.telemetry.append(
                            TelemetrySample(
                                run: row.id(0), time: row.requiredTime(1),
                                phase: TelemetryPhase(rawValue: row.string(2)) ?? .periodic,
                                values: row.object(3).compactMapValues(\.numberValue)))
                    },
                    step(
                        """
                        SELECT DISTINCT t.key, t.term FROM telemetry_key t
                        WHERE \(keyed("t.run_pk")) AND t.term IS NOT NULL
                        """
                    ) { state, row in state.records.terms[row.string(0)] = row.string(1) },
                    step(
                        """
                        SELECT n.id, m.id, a.layer_type, a.hyperparameters FROM architecture_layer a
                        JOIN node n ON n.pk = a.run_pk LEFT JOIN node m ON m.pk = a.model_pk
                        WHERE \(keyed("a.run_pk")) ORDER BY n.id, a.position
                        """
                    ) { state, row in
                        let run = row.id(0)
                        if state.layers[run] == nil {
                            state.layerRuns.append(run)
                            state.layers[run] = (row.optionalID(1), [])
                        }
                        state.layers[run]?.layers.append(
                            ArchitectureLayer(type: row.string(2), hyperparameters: row.object(3)))
                    },
                ], finish: { Self.assemble($0) })
        }
    }

    /// Fills in the series' points and the architectures, and drops references to what is outside the scope.
    private static func assemble(_ state: Collected) -> ProvenanceRecords {
        var records = state.records
        for index in records.metricSeries.indices {
            let series = records.metricSeries[index]
            records.metricSeries[index].points = (state.points[state.seriesKeys[index]] ?? []).map { point in
                var point = point
                point.run = series.run
                point.key = series.summary.key
                return point
            }
        }
        // Runs whose parent is outside the scope keep no dangling parent.
        let runIDs = Set(records.runs.map(\.start.id))
        for index in records.runs.indices where records.runs[index].start.parent.map({ !runIDs.contains($0) }) ?? false
        {
            records.runs[index].start.parent = nil
        }
        // A model outside the scope is not referenced.
        let entityIDs = Set(records.entities.map(\.id))
        records.architectures = state.layerRuns.compactMap { run in
            guard let entry = state.layers[run] else { return nil }
            return ArchitectureRecord(
                run: run, model: entry.model.flatMap { entityIDs.contains($0) ? $0 : nil }, layers: entry.layers)
        }
        return records
    }
}

/// A read of some type, its type hidden.
package struct AnySQLRead<Output: Sendable>: SQLRead {
    private var base: any SQLRead<Output>

    package init(_ base: some SQLRead<Output>) {
        self.base = base
    }

    package mutating func nextStatement() throws -> SQLStatement? { try base.nextStatement() }
    package mutating func take(_ row: any SQLRowReading) throws { try base.take(row) }
    package func result() throws -> Output { try base.result() }
}
