import ProvModel

// The one filter of runs in SQL: every clause of the query model on a run (`r`, with its node `n` and experiment `x`)
// and every ordering key, for the MLflow run search and the graph's run listing alike.

extension SearchSQL {
    /// The person a run is associated with: the name of its first `wasAssociatedWith` person agent.
    package static let runUserExpression = """
        (SELECT a.name FROM relation ua JOIN agent a ON a.node_pk = ua.object_pk
            WHERE ua.subject_pk = r.node_pk AND ua.kind = 'wasAssociatedWith' AND a.kind = 'person'
            ORDER BY ua.pk LIMIT 1)
        """

    /// The tables whose rows carry a taxonomy term, and the column naming their run.
    private static let termTables = [
        ("parameter", "node_pk"), ("tag", "node_pk"), ("metric_series", "run_pk"), ("telemetry_key", "run_pk"),
    ]

    /// The SQL expression of a run attribute, or `nil` for one runs do not have.
    private static func runAttribute(_ attribute: SearchAttribute) -> String? {
        switch attribute {
        case .id: "n.id"
        case .name: "r.name"
        case .status: "r.status"
        case .user: runUserExpression
        case .artifactURI:
            "(coalesce(x.artifact_location, 'mlflow-artifacts:/' || x.number) || '/' || n.id || '/artifacts')"
        case .startTime: "(r.started_at / 1000)"
        case .endTime: "(r.ended_at / 1000)"
        case .kind: "r.kind"
        case .parentRun: "(SELECT pi.id FROM node pi WHERE pi.pk = r.parent_pk)"
        case .experiment: "x.name"
        case .creationTime, .lastUpdateTime, .modelType, .sourceRun: nil
        }
    }

    /// Adds a clause on runs.
    package mutating func runClause(_ clause: SearchClause) throws {
        switch clause.key {
        case .attribute(.experiment):
            let references = try Self.experimentReferences(clause)
            condition(
                "(\(dialect.inList("x.name")) OR \(dialect.inList("(SELECT xi.id FROM node xi WHERE xi.pk = x.node_pk)")))",
                [.texts(references), .texts(references.compactMap { ProvID(hex: $0)?.hex })])
        case .attribute(let attribute):
            guard let expression = Self.runAttribute(attribute) else {
                throw SearchSQL.unsupported(clause.key, in: "run")
            }
            try compare(
                attribute == .status ? "upper(\(expression))" : expression, clause, numeric: attribute.isNumeric)
        case .metric(let key):
            try exists(
                "SELECT 1 FROM metric_series m WHERE m.run_pk = r.node_pk AND m.key = ?", [.text(key)],
                comparing: "m.last_value", clause, numeric: true)
        case .parameter(let key):
            try keyValueClause(table: "parameter", owner: "r.node_pk", key: key, clause: clause)
        case .tag(let key):
            try keyValueClause(table: "tag", owner: "r.node_pk", key: key, clause: clause)
        case .dataset(let field):
            let expression =
                switch field {
                case .name: "e.name"
                case .digest: dialect.jsonText("e.attributes", TrackedDataset.Attribute.digest)
                case .context: dialect.jsonText("rel.attributes", TrackedDataset.Attribute.context)
                }
            try exists(
                """
                SELECT 1 FROM relation rel JOIN entity e ON e.node_pk = rel.object_pk
                    WHERE rel.subject_pk = r.node_pk AND rel.kind = 'used' AND e.kind = 'dataset'
                """, [], comparing: expression, clause, numeric: false)
        case .term(let term):
            // `term.` < narrower ids < `term/` ('/' sorts right after '.').
            let held =
                "("
                + Self.termTables.map { table, owner in
                    "EXISTS (SELECT 1 FROM \(table) t WHERE t.\(owner) = r.node_pk AND (t.term = ? OR (t.term > ? AND t.term < ?)))"
                }.joined(separator: "\nOR ") + ")"
            let arguments = Self.termTables.flatMap { _ in [SQLValue.text(term), .text(term + "."), .text(term + "/")] }
            switch clause.comparator {
            case .isNotNull: condition(held, arguments)
            case .isNull: condition("NOT " + held, arguments)
            default: throw SearchSQL.unsupported(clause.key, in: "run")
            }
        }
    }

    /// The statement selecting the keys of one page of runs (one more than `limit`): the conditions already added,
    /// then the clauses, ordered by `orderBy`, then newest first, then by id (`highestIDFirst` or lowest first).
    package mutating func runKeys(
        _ filter: [SearchClause], orderBy: [SearchOrder], highestIDFirst: Bool, limit: Int, offset: Int
    ) throws -> SQLStatement {
        for clause in filter { try runClause(clause) }
        for order in orderBy { try runOrder(order) }
        order("r.started_at", false)
        order("n.id", !highestIDFirst)
        return try statement(
            """
            SELECT r.node_pk FROM run r
            JOIN node n ON n.pk = r.node_pk
            JOIN experiment x ON x.node_pk = r.experiment_pk
            """, limit: limit, offset: offset)
    }

    /// The experiment names or ids a clause on ``SearchAttribute/experiment`` names (with `=` or `IN`).
    package static func experimentReferences(_ clause: SearchClause) throws -> [String] {
        switch (clause.comparator, clause.value) {
        case (.in, .list(let values)): values
        case (.equal, .string(let value)): [value]
        default: throw SearchSQL.unsupported(clause.key, in: "run")
        }
    }

    /// Adds an ordering key of runs.
    package mutating func runOrder(_ order: SearchOrder) throws {
        switch order.key {
        case .attribute(let attribute):
            guard let expression = Self.runAttribute(attribute) else {
                throw SearchSQL.unsupported(order.key, in: "run")
            }
            self.order(expression, order.ascending, missingLast: attribute == .endTime || attribute == .name)
        case .metric(let key):
            // Numbers, then NaN (a NULL value), then runs without the metric, in both directions.
            self.order(
                """
                coalesce((SELECT CASE WHEN m.last_value IS NULL THEN 1 ELSE 0 END FROM metric_series m
                    WHERE m.run_pk = r.node_pk AND m.key = ?), 2)
                """, true, [.text(key)])
            self.order(
                "(SELECT m.last_value FROM metric_series m WHERE m.run_pk = r.node_pk AND m.key = ?)",
                order.ascending, [.text(key)])
        case .parameter(let key):
            self.order(
                "(SELECT p.value FROM parameter p WHERE p.node_pk = r.node_pk AND p.key = ?)", order.ascending,
                [.text(key)], missingLast: true)
        case .tag(let key):
            self.order(
                "(SELECT t.value FROM tag t WHERE t.node_pk = r.node_pk AND t.key = ?)", order.ascending,
                [.text(key)], missingLast: true)
        case .dataset, .term:
            throw SearchSQL.unsupported(order.key, in: "run")
        }
    }
}
