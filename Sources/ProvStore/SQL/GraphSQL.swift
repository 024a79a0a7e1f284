import Foundation
package import ProvModel

/// The statements and row decoding of the provenance graph's reads: experiments, runs, nodes, lineage, statistics.
package struct GraphSQL: Sendable {
    package let dialect: SQLDialect

    package init(_ dialect: SQLDialect) {
        self.dialect = dialect
    }

    /// The most relation hops a lineage query may ask for.
    package static let maximumLineageDepth = 1000

    // MARK: Nodes

    private static let nodeColumns = """
        n.id, n.node_type, coalesce(r.kind, e.kind, a.kind, 'experiment'),
            coalesce(r.name, e.name, a.name, x.name), e.location, e.digest
        FROM node n
        LEFT JOIN run r ON r.node_pk = n.pk
        LEFT JOIN entity e ON e.node_pk = n.pk
        LEFT JOIN agent a ON a.node_pk = n.pk
        LEFT JOIN experiment x ON x.node_pk = n.pk
        """

    /// Selects node summaries; append a WHERE clause on `n`.
    private static let nodeSelect = "SELECT " + nodeColumns

    /// Selects each node's integer key, then its summary columns; append a WHERE clause on `n`.
    private static let keyedNodeSelect = "SELECT n.pk AS node_pk, " + nodeColumns

    private static func node(_ row: any SQLRowReading, offset: Int = 0) -> NodeSummary {
        NodeSummary(
            id: row.id(offset), type: NodeType(rawValue: row.string(offset + 1)) ?? .entity,
            kind: row.string(offset + 2), name: row.text(at: offset + 3), location: row.text(at: offset + 4),
            digest: row.text(at: offset + 5))
    }

    private static func nodes(_ statement: SQLStatement) -> SQLSteps<[NodeSummary], [NodeSummary]> {
        SQLSteps([], [.init(statement) { nodes, row in nodes.append(node(row)) }])
    }

    /// One node, if held.
    package func node(_ id: ProvID) -> some SQLRead<NodeSummary?> {
        Self.nodes(SQLStatement(Self.nodeSelect + " WHERE n.id = ?", [.text(id.hex)])).map { $0.first }
    }

    /// The nodes a user may mean by `reference`: a full id, a unique id prefix, or a name or location.
    package func resolve(_ reference: String) -> some SQLRead<[NodeSummary]> {
        let trimmed = reference.trimmingCharacters(in: .whitespaces)
        let lowered = trimmed.lowercased()
        let byName = SQLStatement(
            Self.nodeSelect
                + " WHERE r.name = ?1 OR e.name = ?1 OR e.location = ?1 OR a.name = ?1 OR x.name = ?1 ORDER BY n.id LIMIT 20",
            [.text(trimmed)])
        let isPrefix = lowered.count >= 6 && lowered.count < 32 && lowered.allSatisfy(\.isHexDigit)
        return SQLSteps<[NodeSummary], [NodeSummary]>(
            [],
            [
                .init({ _ in
                    if trimmed.isEmpty { return nil }
                    if let id = ProvID(hex: trimmed) {
                        return SQLStatement(Self.nodeSelect + " WHERE n.id = ?", [.text(id.hex)])
                    }
                    return isPrefix
                        ? SQLStatement(
                            Self.nodeSelect + " WHERE n.id >= ? AND n.id < ? ORDER BY n.id LIMIT 20",
                            [.text(lowered), .text(lowered + "g")])
                        : byName
                }) { nodes, row in nodes.append(Self.node(row)) },
                // A prefix that matched no id may be a name.
                .init({ nodes in isPrefix && nodes.isEmpty && ProvID(hex: trimmed) == nil ? byName : nil }) {
                    nodes, row in nodes.append(Self.node(row))
                },
            ])
    }

    // MARK: Experiments and runs

    private struct ExperimentList: Sendable {
        var keys: [Int64] = []
        var experiments: [ExperimentSummary] = []
        var tags: [Int64: [String: String]] = [:]
    }

    /// All experiments, by name.
    package func experiments() -> some SQLRead<[ExperimentSummary]> {
        let dialect = dialect
        return SQLSteps<ExperimentList, [ExperimentSummary]>(
            ExperimentList(),
            [
                .init(
                    SQLStatement(
                        """
                        SELECT n.id, x.name, x.description, x.created_at, x.node_pk,
                            (SELECT count(*) FROM run WHERE run.experiment_pk = x.node_pk)
                        FROM experiment x JOIN node n ON n.pk = x.node_pk ORDER BY x.name
                        """)
                ) { list, row in
                    list.keys.append(row.int64(4))
                    list.experiments.append(
                        ExperimentSummary(
                            id: row.id(0), name: row.string(1), description: row.text(at: 2),
                            createdAt: row.time(3), runCount: row.int(5), tags: [:]))
                },
                .init({ list in
                    SQLStatement(
                        "SELECT node_pk, key, value FROM tag WHERE \(dialect.inList("node_pk")) ORDER BY key",
                        [.ints(list.keys)])
                }) { list, row in list.tags[row.int64(0), default: [:]][row.string(1)] = row.string(2) },
            ]
        ) { list in
            zip(list.keys, list.experiments).map { key, experiment in
                var experiment = experiment
                experiment.tags = list.tags[key] ?? [:]
                return experiment
            }
        }
    }

    private static let runColumns = "n.id, r.name, r.kind, r.status, xn.id, x.name, pn.id, r.started_at, r.ended_at"

    /// Selects run summaries; append a WHERE clause on `r`.
    private static let runSelect = "SELECT \(runColumns)\n" + runFrom

    private static let runFrom = """
        FROM run r
        JOIN node n ON n.pk = r.node_pk
        JOIN experiment x ON x.node_pk = r.experiment_pk
        JOIN node xn ON xn.pk = x.node_pk
        LEFT JOIN node pn ON pn.pk = r.parent_pk
        """

    private static func run(_ row: any SQLRowReading) -> RunSummary {
        RunSummary(
            id: row.id(0), name: row.text(at: 1), kind: RunKind(rawValue: row.string(2)) ?? .task,
            status: RunStatus(rawValue: row.string(3)) ?? .running, experimentID: row.id(4),
            experimentName: row.string(5), parentID: row.optionalID(6), startedAt: row.requiredTime(7),
            endedAt: row.time(8))
    }

    /// The runs matching a filter, newest first.
    package func runs(matching filter: RunFilter) throws -> some SQLRead<[RunSummary]> {
        var query = SearchSQL(dialect)
        for clause in try filter.clauses() { try query.runClause(clause) }
        query.order("r.started_at", false)
        query.order("n.id", false)
        let statement = query.statement(Self.runSelect, limit: filter.limit)
        return SQLSteps([], [.init(statement) { runs, row in runs.append(Self.run(row)) }])
    }

    /// One page of runs with the parts the query asks for.
    package func runs(_ query: RunQuery) throws -> some SQLRead<SearchPage<RunView>> {
        var search = SearchSQL(dialect)
        search.lifecycle(query.lifecycle, column: "r.lifecycle")
        let statement = try search.runKeys(
            query.filter, orderBy: query.orderBy, highestIDFirst: true, limit: query.limit, offset: query.offset)
        let (limit, parts) = (query.limit, query.parts)
        return SQLKeyRead.keys(statement).then { keys in
            runViews(keys: Array(keys.prefix(limit)), parts: parts).map {
                SearchPage(items: $0, hasMore: keys.count > limit)
            }
        }
    }

    private static func relation(_ row: any SQLRowReading, runIsSubject: Bool) -> RunRelation {
        RunRelation(
            kind: RelationKind(rawValue: row.string(0)) ?? .used, runIsSubject: runIsSubject,
            other: node(row, offset: 3), time: row.time(1))
    }

    private static func classified(_ row: any SQLRowReading) -> ClassifiedValue {
        ClassifiedValue(key: row.string(0), value: row.string(1), term: row.text(at: 2))
    }

    /// Runs by key, in the order of `keys`, each part named in `parts` read for all of them by one statement whose
    /// rows start with the run's key.
    package func runViews(keys: [Int64], parts: RunParts) -> SQLSteps<[Int64: RunView], [RunView]> {
        typealias Step = SQLSteps<[Int64: RunView], [RunView]>.Step
        let dialect = dialect
        /// A part's step: `sql` gets the test that a column is one of the keys (bound once per use).
        func part(
            _ part: RunParts, uses: Int = 1, _ sql: (_ owned: (String) -> String) -> String,
            _ take: @escaping @Sendable (inout RunView, any SQLRowReading) -> Void
        ) -> Step? {
            guard parts.contains(part), !keys.isEmpty else { return nil }
            let statement = SQLStatement(
                sql { dialect.inList($0) }, Array(repeating: SQLValue.ints(keys), count: uses))
            return Step(statement) { views, row in
                views[row.int64(0)]?.update { take(&$0, RowOffset(row: row, offset: 1)) }
            }
        }
        /// The relations whose subject (`runIsSubject`) or object is one of the runs, each with the node at its
        /// other end.
        func relations(runIsSubject: Bool) -> Step? {
            let (run, other) = runIsSubject ? ("rel.subject_pk", "rel.object_pk") : ("rel.object_pk", "rel.subject_pk")
            return part(
                .relations,
                {
                    """
                    SELECT \(run), rel.kind, rel.time, other.* FROM relation rel
                    JOIN (\(Self.keyedNodeSelect)) other ON other.node_pk = \(other)
                    WHERE \($0(run)) ORDER BY \(run), rel.kind, other.id
                    """
                }
            ) { view, row in view.relations?.append(Self.relation(row, runIsSubject: runIsSubject)) }
        }
        let summaries =
            keys.isEmpty
            ? nil
            : Step(
                SQLStatement(
                    "SELECT r.node_pk, \(Self.runColumns)\n\(Self.runFrom) WHERE \(dialect.inList("r.node_pk"))",
                    [.ints(keys)])
            ) { views, row in
                views[row.int64(0)] = RunView(summary: Self.run(RowOffset(row: row, offset: 1)), parts: parts)
            }
        let steps: [Step?] = [
            summaries,
            part(
                .parameters,
                { "SELECT node_pk, key, value, term FROM parameter WHERE \($0("node_pk")) ORDER BY node_pk, key" }
            ) {
                view, row in view.parameters?.append(Self.classified(row))
            },
            part(.tags, { "SELECT node_pk, key, value, term FROM tag WHERE \($0("node_pk")) ORDER BY node_pk, key" }) {
                view, row in view.tags?.append(Self.classified(row))
            },
            part(
                .metrics,
                {
                    """
                    SELECT run_pk, key, term, point_count, last_value, last_step, min_value, max_value
                    FROM metric_series WHERE \($0("run_pk")) ORDER BY run_pk, key
                    """
                }
            ) { view, row in
                view.metrics?.append(
                    MetricSummary(
                        key: row.string(0), term: row.text(at: 1), count: row.int(2), last: row.double(3),
                        lastStep: row.int64(4), min: row.double(5), max: row.double(6)))
            },
            relations(runIsSubject: true),
            relations(runIsSubject: false),
            part(
                .children,
                {
                    "SELECT r.parent_pk, \(Self.runColumns)\n\(Self.runFrom)\nWHERE \($0("r.parent_pk")) ORDER BY r.parent_pk, r.started_at, n.id"
                }
            ) { view, row in view.children?.append(Self.run(row)) },
            part(
                .architecture,
                {
                    """
                    SELECT run_pk, position, layer_type, hyperparameters FROM architecture_layer
                    WHERE \($0("run_pk")) ORDER BY run_pk, position
                    """
                }
            ) { view, row in
                view.architecture?.append(
                    ArchitectureLayerRow(position: row.int(0), type: row.string(1), hyperparameters: row.object(2)))
            },
            part(.telemetry, { "SELECT run_pk, count(*) FROM telemetry_sample WHERE \($0("run_pk")) GROUP BY run_pk" })
            {
                view, row in view.telemetrySampleCount = row.int(0)
            },
            part(
                .terms, uses: 4,
                {
                    """
                    SELECT node_pk, term FROM parameter WHERE \($0("node_pk")) AND term IS NOT NULL
                    UNION SELECT node_pk, term FROM tag WHERE \($0("node_pk")) AND term IS NOT NULL
                    UNION SELECT run_pk, term FROM metric_series WHERE \($0("run_pk")) AND term IS NOT NULL
                    UNION SELECT run_pk, term FROM telemetry_key WHERE \($0("run_pk")) AND term IS NOT NULL
                    ORDER BY 1, 2
                    """
                }
            ) { view, row in view.terms?.append(row.string(0)) },
        ]
        return SQLSteps([:], steps.compactMap { $0 }) { views in keys.compactMap { views[$0] } }
    }

    /// One run with everything recorded about it; `nil` if unknown.
    package func runDetail(_ id: ProvID) throws -> some SQLRead<RunDetail?> {
        try runs(RunQuery(filter: [SearchClause(.attribute(.id), .equal, .string(id.hex))], limit: 1, parts: .all))
            .map { $0.items.first?.detail }
    }

    /// The points of one metric series of a run, in step order.
    package func metricHistory(run: ProvID, key: String) -> some SQLRead<[MetricPoint]> {
        SQLSteps(
            [],
            [
                .init(
                    SQLStatement(
                        """
                        SELECT p.step, p.time, p.epoch, p.value FROM metric_point p
                        JOIN metric_series s ON s.pk = p.series_pk
                        JOIN node n ON n.pk = s.run_pk
                        WHERE n.id = ? AND s.key = ? ORDER BY p.step, p.time NULLS FIRST, \(dialect.insertionOrder("p"))
                        """, [.text(run.hex), .text(key)])
                ) { points, row in
                    points.append(
                        MetricPoint(
                            run: run, key: key, value: row.double(3), step: row.int64(0), time: row.time(1),
                            epoch: row.real(at: 2)))
                }
            ])
    }

    /// How much the store holds.
    package func statistics() -> some SQLRead<StoreStatistics> {
        SQLSteps<StoreStatistics?, StoreStatistics>(
            nil,
            [
                .init(
                    SQLStatement(
                        """
                        SELECT (SELECT count(*) FROM experiment), (SELECT count(*) FROM run),
                            (SELECT count(*) FROM entity), (SELECT count(*) FROM agent),
                            (SELECT count(*) FROM relation), (SELECT count(*) FROM parameter),
                            (SELECT count(*) FROM tag), (SELECT count(*) FROM metric_series),
                            (SELECT CAST(coalesce(sum(point_count), 0) AS BIGINT) FROM metric_series),
                            (SELECT count(*) FROM telemetry_sample)
                        """)
                ) { statistics, row in
                    statistics = StoreStatistics(
                        experiments: row.int(0), runs: row.int(1), entities: row.int(2), agents: row.int(3),
                        relations: row.int(4), parameters: row.int(5), tags: row.int(6), metricSeries: row.int(7),
                        metricPoints: row.int(8), telemetrySamples: row.int(9))
                }
            ]
        ) { statistics in
            guard let statistics else { throw StoreError(.backend, "the store's counts could not be read") }
            return statistics
        }
    }

    // MARK: Lineage

    private struct LineageWalk: Sendable {
        var root: Int64?
        var depths: [Int64: Int] = [:]
        var relations = Set<Int64>()
        var nodes: [LineageNode] = []
        var edges: [LineageEdge] = []
    }

    /// The lineage of a node, walked with a recursive query inside the database. `both` is the union of the upward
    /// and the downward walk (not the whole connected component).
    package func lineage(of id: ProvID, direction: LineageDirection, depth: Int) throws -> some SQLRead<LineageGraph> {
        let maximum = Self.maximumLineageDepth
        guard depth >= 0, depth <= maximum else {
            throw StoreError(.invalidQuery, "the depth must be between 0 and \(maximum), got \(depth)")
        }
        let walks: [(from: String, to: String)] =
            switch direction {
            case .up: [("subject_pk", "object_pk")]
            case .down: [("object_pk", "subject_pk")]
            case .both: [("subject_pk", "object_pk"), ("object_pk", "subject_pk")]
            }
        let dialect = dialect
        typealias Step = SQLSteps<LineageWalk, LineageGraph>.Step
        // Column names come from the closed list above, never from user input.
        let walkSteps = walks.map { walk in
            Step({ state in
                state.root.map { root in
                    SQLStatement(
                        """
                        WITH RECURSIVE walk(pk, depth, relation_pk) AS (
                            SELECT ?, 0, CAST(NULL AS BIGINT)
                            UNION
                            SELECT rel.\(walk.to), walk.depth + 1, rel.pk
                            FROM walk JOIN relation rel ON rel.\(walk.from) = walk.pk
                            WHERE walk.depth < ?
                        )
                        SELECT pk, depth, relation_pk FROM walk
                        """, [.int(root), .integer(depth)])
                }
            }) { state, row in
                let pk = row.int64(0)
                let reached = row.int(1)
                if state.depths[pk].map({ reached < $0 }) ?? true { state.depths[pk] = reached }
                if let relation = row.integer(at: 2) { state.relations.insert(relation) }
            }
        }
        return SQLSteps(
            LineageWalk(),
            [
                Step(SQLStatement("SELECT pk FROM node WHERE id = ?", [.text(id.hex)])) { state, row in
                    state.root = row.int64(0)
                    state.depths[row.int64(0)] = 0
                }
            ] + walkSteps + [
                Step({ state in
                    state.root.map { _ in
                        SQLStatement(
                            Self.keyedNodeSelect + " WHERE " + dialect.inList("n.pk"), [.ints(Array(state.depths.keys))]
                        )
                    }
                }) { state, row in
                    state.nodes.append(
                        LineageNode(node: Self.node(row, offset: 1), depth: state.depths[row.int64(0)] ?? 0))
                },
                Step({ state in
                    state.root.map { _ in
                        SQLStatement(
                            """
                            SELECT rel.kind, s.id, o.id FROM relation rel
                            JOIN node s ON s.pk = rel.subject_pk JOIN node o ON o.pk = rel.object_pk
                            WHERE \(dialect.inList("rel.pk")) ORDER BY s.id, rel.kind, o.id
                            """, [.ints(Array(state.relations))])
                    }
                }) { state, row in
                    state.edges.append(
                        LineageEdge(
                            kind: RelationKind(rawValue: row.string(0)) ?? .used, subject: row.id(1), object: row.id(2))
                    )
                },
            ]
        ) { state in
            guard state.root != nil else { throw StoreError(.notFound, "no node with id \(id.hex)") }
            let nodes = state.nodes.sorted { ($0.depth, $0.node.id) < ($1.depth, $1.node.id) }
            return LineageGraph(root: id, direction: direction, depth: depth, nodes: nodes, edges: state.edges)
        }
    }
}

/// A row read from a column on: cell `i` is the underlying row's cell `offset + i`.
private struct RowOffset: SQLRowReading {
    let row: any SQLRowReading
    let offset: Int

    func integer(at index: Int) -> Int64? { row.integer(at: offset + index) }
    func real(at index: Int) -> Double? { row.real(at: offset + index) }
    func text(at index: Int) -> String? { row.text(at: offset + index) }
}

extension RunView {
    /// A view with only the summary, and each part named in `parts` present and empty, to be filled.
    fileprivate init(summary: RunSummary, parts: RunParts) {
        self.init(summary: summary)
        if parts.contains(.parameters) { parameters = [] }
        if parts.contains(.tags) { tags = [] }
        if parts.contains(.metrics) { metrics = [] }
        if parts.contains(.relations) { relations = [] }
        if parts.contains(.children) { children = [] }
        if parts.contains(.architecture) { architecture = [] }
        if parts.contains(.telemetry) { telemetrySampleCount = 0 }
        if parts.contains(.terms) { terms = [] }
    }

    /// Changes the view in place (through an optional chain, without copying its parts).
    fileprivate mutating func update(_ change: (inout RunView) -> Void) {
        change(&self)
    }
}
