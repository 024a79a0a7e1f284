import Foundation
import ProvModel

// The provenance graph's reads over the in-memory tables: experiments, runs, nodes, lineage, statistics. Each one
// answers what the shared SQL of `ProvStore/SQL/GraphSQL.swift` answers, in the same order; text compares byte for
// byte, as the databases' binary collation does.

/// Whether `lhs` sorts before `rhs` byte for byte (a database's binary collation; Swift's `<` normalizes).
func binaryLess(_ lhs: String, _ rhs: String) -> Bool {
    lhs.utf8.lexicographicallyPrecedes(rhs.utf8)
}

/// Whether two texts are the same bytes (Swift's `==` treats canonically equivalent text as equal).
func binaryEqual(_ lhs: String, _ rhs: String) -> Bool {
    lhs.utf8.elementsEqual(rhs.utf8)
}

extension InMemoryTables {
    // MARK: Nodes

    /// A node's summary: its type, kind, name and (for an entity) location and digest.
    func nodeSummary(_ id: ProvID) -> NodeSummary? {
        guard let type = nodeTypes[id] else { return nil }
        switch type {
        case .experiment:
            return NodeSummary(id: id, type: type, kind: "experiment", name: experiments[id]?.name)
        case .run:
            let run = runs[id]
            return NodeSummary(id: id, type: type, kind: run?.kind ?? "experiment", name: run?.name)
        case .entity:
            let entity = entities[id]
            return NodeSummary(
                id: id, type: type, kind: entity?.kind.rawValue ?? "experiment", name: entity?.name,
                location: entity?.location, digest: entity?.digest)
        case .agent:
            let agent = agents[id]
            return NodeSummary(id: id, type: type, kind: agent?.kind.rawValue ?? "experiment", name: agent?.name)
        }
    }

    /// The nodes a user may mean by `reference`: a full id, a unique id prefix (at least 6 hex digits), or an exact
    /// name or location (at most 20, by id).
    func resolve(_ reference: String) -> [NodeSummary] {
        let trimmed = reference.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else { return [] }
        if let id = ProvID(hex: trimmed) { return nodeSummary(id).map { [$0] } ?? [] }
        let lowered = trimmed.lowercased()
        if lowered.count >= 6, lowered.count < 32, lowered.allSatisfy(\.isHexDigit) {
            let matches = nodeTypes.keys.filter { $0.hex.utf8.starts(with: lowered.utf8) }.sorted().prefix(20)
            if !matches.isEmpty { return matches.compactMap(nodeSummary) }
        }
        let named = nodeTypes.keys.filter { id in
            let names: [String?] =
                [runs[id]?.name, entities[id]?.name, entities[id]?.location, agents[id]?.name, experiments[id]?.name]
            return names.contains { $0.map { binaryEqual($0, trimmed) } ?? false }
        }
        return named.sorted().prefix(20).compactMap(nodeSummary)
    }

    // MARK: Experiments and runs

    /// All experiments, by name.
    func experimentSummaries() -> [ExperimentSummary] {
        var runCounts: [ProvID: Int] = [:]
        for run in runs.values { runCounts[run.experiment, default: 0] += 1 }
        return experiments.sorted { binaryLess($0.value.name, $1.value.name) }.map { id, row in
            ExperimentSummary(
                id: id, name: row.name, description: row.description, createdAt: row.createdAt.map(ProvTime.init),
                runCount: runCounts[id] ?? 0, tags: tags[id] ?? [:])
        }
    }

    /// A run's summary.
    func runSummary(_ id: ProvID, _ run: RunRow) -> RunSummary {
        RunSummary(
            id: id, name: run.name, kind: RunKind(rawValue: run.kind) ?? .task,
            status: RunStatus(rawValue: run.status) ?? .running, experimentID: run.experiment,
            experimentName: experiments[run.experiment]?.name ?? "", parentID: run.parent,
            startedAt: ProvTime(microsecondsSinceEpoch: run.startedAt), endedAt: run.endedAt.map(ProvTime.init))
    }

    /// The runs matching a filter, newest first.
    func runs(matching filter: RunFilter) throws -> [RunSummary] {
        var query = InMemorySearch<RunSearchRow>()
        for clause in try filter.clauses() { try runClause(clause, to: &query) }
        query.order({ SQLCell(Double($0.run.startedAt)) }, false)
        query.order({ .text($0.id.hex) }, false)
        let matching = query.matches(runs.map { ($0.key, $0.value) })
        return (filter.limit.map { Array(matching.prefix($0)) } ?? matching).map { runSummary($0.id, $0.run) }
    }

    /// The text as a finite number, when it is one (what the databases keep beside parameter and tag values).
    static func storedNumber(_ text: String) -> Double? {
        guard let value = Double(text.trimmingCharacters(in: .whitespaces)), value.isFinite else { return nil }
        return value
    }

    /// A metric series' summary.
    func summary(key: String, _ row: SeriesRow) -> MetricSummary {
        MetricSummary(
            key: key, term: classifier.term(for: key), count: row.count, last: row.lastValue ?? .nan,
            lastStep: row.lastStep ?? 0, min: row.minimum ?? .nan, max: row.maximum ?? .nan)
    }

    /// Pairs sorted by key, byte for byte.
    static func byKey<Value>(_ values: [String: Value]?) -> [(key: String, value: Value)] {
        (values ?? [:]).sorted { binaryLess($0.key, $1.key) }
    }

    /// One run with everything recorded about it; `nil` if unknown.
    func runDetail(_ id: ProvID) -> RunDetail? {
        guard let run = runs[id] else { return nil }
        let classify = { (pair: (key: String, value: String)) in
            ClassifiedValue(key: pair.key, value: pair.value, term: classifier.term(for: pair.key))
        }
        func related(_ positions: [Int]?, runIsSubject: Bool) -> [RunRelation] {
            (positions ?? []).compactMap { position -> RunRelation? in
                let record = relations[position].record
                guard let other = nodeSummary(runIsSubject ? record.object : record.subject) else { return nil }
                return RunRelation(kind: record.kind, runIsSubject: runIsSubject, other: other, time: record.time)
            }.sorted { ($0.kind.rawValue, $0.other.id.hex) < ($1.kind.rawValue, $1.other.id.hex) }
        }
        let children = runs.filter { $0.value.parent == id }
            .sorted { ($0.value.startedAt, $0.key) < ($1.value.startedAt, $1.key) }
        let terms = Set(keys(of: id).compactMap { classifier.term(for: $0) }).sorted(by: binaryLess)
        return RunDetail(
            run: runSummary(id, run), parameters: Self.byKey(parameters[id]).map(classify),
            tags: Self.byKey(tags[id]).map(classify),
            metrics: Self.byKey(series[id]).map { summary(key: $0.key, $0.value) },
            relations: related(relationsBySubject[id], runIsSubject: true)
                + related(relationsByObject[id], runIsSubject: false),
            children: children.map { runSummary($0.key, $0.value) },
            architecture: (architectures[id]?.layers ?? []).enumerated().map { position, layer in
                ArchitectureLayerRow(position: position, type: layer.type, hyperparameters: layer.hyperparameters)
            },
            telemetrySampleCount: telemetry[id]?.count ?? 0, terms: terms)
    }

    /// A series' points in step order, then time (none first), then the order they were stored.
    static func ordered(_ points: [StoredPoint]) -> [StoredPoint] {
        points.enumerated().sorted { lhs, rhs in
            let (left, right) = (lhs.element, rhs.element)
            if left.step != right.step { return left.step < right.step }
            switch (left.time, right.time) {
            case (nil, _?): return true
            case (_?, nil): return false
            case (let left?, let right?) where left != right: return left < right
            default: return lhs.offset < rhs.offset
            }
        }.map(\.element)
    }

    /// The points of one metric series of a run, in step order.
    func metricHistory(run: ProvID, key: String) -> [MetricPoint] {
        Self.ordered(series[run]?[key]?.points ?? []).map { point in
            MetricPoint(
                run: run, key: key, value: point.value ?? .nan, step: point.step,
                time: point.time.map(ProvTime.init), epoch: point.epoch)
        }
    }

    /// How much the store holds.
    func statistics() -> StoreStatistics {
        let allSeries = series.values.flatMap(\.values)
        return StoreStatistics(
            experiments: experiments.count, runs: runs.count, entities: entities.count, agents: agents.count,
            relations: relations.count, parameters: parameters.values.reduce(0) { $0 + $1.count },
            tags: tags.values.reduce(0) { $0 + $1.count }, metricSeries: allSeries.count,
            metricPoints: allSeries.reduce(0) { $0 + $1.count },
            telemetrySamples: telemetry.values.reduce(0) { $0 + $1.count })
    }

    // MARK: Lineage

    /// The lineage of a node: a breadth-first walk within `depth` hops (each node at the least depth a walk reaches
    /// it), with every relation the walk followed. `both` is the union of the upward and the downward walk.
    func lineage(of id: ProvID, direction: LineageDirection, depth: Int) throws -> LineageGraph {
        let maximum = GraphSQL.maximumLineageDepth
        guard depth >= 0, depth <= maximum else {
            throw StoreError(.invalidQuery, "the depth must be between 0 and \(maximum), got \(depth)")
        }
        guard nodeTypes[id] != nil else { throw StoreError(.notFound, "no node with id \(id.hex)") }
        var depths: [ProvID: Int] = [id: 0]
        var followed = Set<Int>()
        let upward = direction == .up || direction == .both
        let downward = direction == .down || direction == .both
        for walksUp in [true, false] where walksUp ? upward : downward {
            var reached: [ProvID: Int] = [id: 0]
            var frontier = [id]
            var level = 0
            while !frontier.isEmpty, level < depth {
                var next: [ProvID] = []
                for node in frontier {
                    for position in (walksUp ? relationsBySubject[node] : relationsByObject[node]) ?? [] {
                        followed.insert(position)
                        let record = relations[position].record
                        let other = walksUp ? record.object : record.subject
                        if reached[other] == nil {
                            reached[other] = level + 1
                            next.append(other)
                        }
                    }
                }
                frontier = next
                level += 1
            }
            depths.merge(reached) { min($0, $1) }
        }
        let nodes = depths.compactMap { node, depth in nodeSummary(node).map { LineageNode(node: $0, depth: depth) } }
            .sorted { ($0.depth, $0.node.id) < ($1.depth, $1.node.id) }
        let edges = followed.map { relations[$0].record }
            .sorted { ($0.subject, $0.kind.rawValue, $0.object) < ($1.subject, $1.kind.rawValue, $1.object) }
            .map { LineageEdge(kind: $0.kind, subject: $0.subject, object: $0.object) }
        return LineageGraph(root: id, direction: direction, depth: depth, nodes: nodes, edges: edges)
    }
}
