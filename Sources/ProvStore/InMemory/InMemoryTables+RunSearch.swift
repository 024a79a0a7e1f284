import ProvModel

// The one filter of runs over values: every clause of the query model on a run and every ordering key, as
// `ProvStore/SQL/RunSearchSQL.swift` compiles them, for the MLflow run search and the graph's run listing alike.

/// A run as a search sees it.
typealias RunSearchRow = (id: ProvID, run: RunRow)

extension InMemoryTables {
    /// A run attribute as a search compares it, or `nil` for one runs do not have.
    private func runAttribute(_ attribute: SearchAttribute) -> ((ProvID, RunRow) -> SQLCell)? {
        switch attribute {
        case .id: { id, _ in .text(id.hex) }
        case .name: { _, run in SQLCell(run.name) }
        case .status: { _, run in .text(run.status) }
        case .user: { id, _ in SQLCell(user(of: id)) }
        case .artifactURI:
            { id, run in
                SQLCell(experiments[run.experiment].map { "\(location(of: $0))/\(id.hex)/artifacts" })
            }
        case .startTime: { _, run in SQLCell(Double(run.startedAt / 1000)) }
        case .endTime: { _, run in SQLCell(run.endedAt.map { Double($0 / 1000) }) }
        case .kind: { _, run in .text(run.kind) }
        case .parentRun: { _, run in SQLCell(run.parent?.hex) }
        case .experiment: { _, run in SQLCell(experiments[run.experiment]?.name) }
        case .creationTime, .lastUpdateTime, .modelType, .sourceRun: nil
        }
    }

    /// Adds a clause on runs.
    func runClause(_ clause: SearchClause, to query: inout InMemorySearch<RunSearchRow>) throws {
        switch clause.key {
        case .attribute(.experiment):
            let references = try SearchSQL.experimentReferences(clause)
            let ids = Set(references.compactMap { ProvID(hex: $0) })
            query.condition { row in
                let name = experiments[row.run.experiment]?.name ?? ""
                return ids.contains(row.run.experiment) || references.contains { binaryEqual($0, name) }
            }
        case .attribute(let attribute):
            guard let value = runAttribute(attribute) else { throw SearchSQL.unsupported(clause.key, in: "run") }
            let compared: (RunSearchRow) -> SQLCell =
                attribute == .status
                ? { row in SQLCell(row.run.status.uppercased()) } : { row in value(row.id, row.run) }
            try query.compare(compared, clause, numeric: attribute.isNumeric)
        case .metric(let key):
            try query.exists(
                { row in series[row.id]?[key].map { [SQLCell($0.lastValue)] } ?? [] }, clause, numeric: true)
        case .parameter(let key):
            try query.keyValue({ row in parameters[row.id]?[key] }, clause)
        case .tag(let key):
            try query.keyValue({ row in tags[row.id]?[key] }, clause)
        case .dataset(let field):
            try query.exists(
                { row in
                    relations(of: row.id, .used, runIsSubject: true).compactMap { relation in
                        guard let entity = entities[relation.object], entity.kind == .dataset else { return nil }
                        return switch field {
                        case .name: SQLCell(entity.name)
                        case .digest: SQLCell(json: entity.attributes[TrackedDataset.Attribute.digest])
                        case .context: SQLCell(json: relation.attributes[TrackedDataset.Attribute.context])
                        }
                    }
                }, clause, numeric: false)
        case .term(let term):
            let held: (RunSearchRow) -> Bool = { row in
                keys(of: row.id).contains { key in
                    guard let held = classifier.term(for: key) else { return false }
                    return binaryEqual(held, term)
                        || (held.utf8.count > term.utf8.count + 1 && held.utf8.starts(with: (term + ".").utf8))
                }
            }
            switch clause.comparator {
            case .isNotNull: query.condition(held)
            case .isNull: query.condition { !held($0) }
            default: throw SearchSQL.unsupported(clause.key, in: "run")
            }
        }
    }

    /// Adds an ordering key of runs.
    func runOrder(_ order: SearchOrder, to query: inout InMemorySearch<RunSearchRow>) throws {
        switch order.key {
        case .attribute(let attribute):
            guard let value = runAttribute(attribute) else { throw SearchSQL.unsupported(order.key, in: "run") }
            query.order(
                { value($0.id, $0.run) }, order.ascending, missingLast: attribute == .endTime || attribute == .name)
        case .metric(let key):
            // Numbers, then NaN (a NULL value), then runs without the metric, in both directions.
            query.order(
                { row in
                    guard let held = series[row.id]?[key] else { return .number(2) }
                    return .number(held.lastValue == nil ? 1 : 0)
                }, true)
            query.order({ row in SQLCell(series[row.id]?[key]?.lastValue) }, order.ascending)
        case .parameter(let key):
            query.order({ row in SQLCell(parameters[row.id]?[key]) }, order.ascending, missingLast: true)
        case .tag(let key):
            query.order({ row in SQLCell(tags[row.id]?[key]) }, order.ascending, missingLast: true)
        case .dataset, .term:
            throw SearchSQL.unsupported(order.key, in: "run")
        }
    }

    /// Every key a run holds: parameters, tags, metrics and telemetry readings.
    func keys(of run: ProvID) -> [String] {
        Array((parameters[run] ?? [:]).keys) + Array((tags[run] ?? [:]).keys) + Array((series[run] ?? [:]).keys)
            + Array(telemetryKeys[run] ?? [])
    }
}

extension InMemoryTables {
    /// One page of runs: the conditions already in `search`, then the clauses, ordered by `orderBy`, then newest
    /// first, then by id (`highestIDFirst` or lowest first).
    func runPage(
        _ search: inout InMemorySearch<RunSearchRow>, _ filter: [SearchClause], orderBy: [SearchOrder],
        highestIDFirst: Bool, limit: Int, offset: Int
    ) throws -> (items: [RunSearchRow], hasMore: Bool) {
        for clause in filter { try runClause(clause, to: &search) }
        for order in orderBy { try runOrder(order, to: &search) }
        search.order({ SQLCell(Double($0.run.startedAt)) }, false)
        search.order({ .text($0.id.hex) }, !highestIDFirst)
        return try search.page(runs.map { ($0.key, $0.value) }, limit: limit, offset: offset)
    }

    /// One page of the runs a query selects, with the parts it asks for.
    func runViews(_ query: RunQuery) throws -> SearchPage<RunView> {
        var search = InMemorySearch<RunSearchRow>()
        search.lifecycle(query.lifecycle) { $0.run.lifecycle }
        let page = try runPage(
            &search, query.filter, orderBy: query.orderBy, highestIDFirst: true, limit: query.limit,
            offset: query.offset)
        return SearchPage(
            items: page.items.compactMap { row in runDetail(row.id).map { RunView($0, parts: query.parts) } },
            hasMore: page.hasMore)
    }
}

extension InMemoryStore {
    public func runs(_ query: RunQuery) async throws -> SearchPage<RunView> { try snapshot.runViews(query) }
}
