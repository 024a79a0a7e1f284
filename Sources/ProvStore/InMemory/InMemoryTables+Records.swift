import ProvModel

// The full records of part of the graph (exports, `provkit migrate`), as `ProvStore/SQL/RecordsSQL.swift` collects
// them from a database.

extension InMemoryTables {
    /// The records of a scope: a run and its nested runs, an experiment's runs (with what they are directly related
    /// to and the agents responsible), or a lineage closure.
    func records(for scope: RecordScope, includePoints: Bool) throws -> ProvenanceRecords {
        switch scope {
        case .lineage(let id, let direction, let depth):
            let graph = try lineage(of: id, direction: direction, depth: depth)
            return collect(Set(graph.nodes.map(\.node.id)), includePoints: includePoints)
        case .run(let id):
            guard runs[id] != nil else { throw StoreError(.notFound, "no run with id \(id.hex)") }
            var children: [ProvID: [ProvID]] = [:]
            for (child, run) in runs { if let parent = run.parent { children[parent, default: []].append(child) } }
            var tree: Set<ProvID> = [id]
            var frontier = [id]
            while let next = frontier.popLast() {
                for child in children[next] ?? [] where tree.insert(child).inserted { frontier.append(child) }
            }
            return collect(neighbourhood(of: tree), includePoints: includePoints)
        case .experiment(let id):
            guard experiments[id] != nil else { throw StoreError(.notFound, "no experiment with id \(id.hex)") }
            let members = Set(runs.filter { $0.value.experiment == id }.keys).union([id])
            return collect(neighbourhood(of: members), includePoints: includePoints)
        }
    }

    /// The nodes with their direct neighbours, the agents responsible for any of those, and the agents' delegation
    /// chains (to any length).
    private func neighbourhood(of roots: Set<ProvID>) -> Set<ProvID> {
        var scope = roots
        for root in roots {
            for position in relationsBySubject[root] ?? [] { scope.insert(relations[position].record.object) }
            for position in relationsByObject[root] ?? [] { scope.insert(relations[position].record.subject) }
        }
        var agents: [ProvID] = []
        for node in scope {
            for position in relationsBySubject[node] ?? [] {
                let object = relations[position].record.object
                if nodeTypes[object] == .agent { agents.append(object) }
            }
        }
        var chain = Set(agents)
        var frontier = agents
        while let agent = frontier.popLast() {
            for position in relationsBySubject[agent] ?? [] where relations[position].record.kind == .actedOnBehalfOf {
                let principal = relations[position].record.object
                if chain.insert(principal).inserted { frontier.append(principal) }
            }
        }
        return scope.union(chain)
    }

    /// The records of a set of nodes, the experiments of its runs, and the relations among them.
    func collect(_ nodes: Set<ProvID>, includePoints: Bool) -> ProvenanceRecords {
        var keys = nodes
        for id in nodes { if let run = runs[id] { keys.insert(run.experiment) } }
        let ordered = keys.sorted()
        var records = ProvenanceRecords()
        records.experiments = ordered.compactMap { id in
            experiments[id].map {
                ExperimentRecord(
                    id: id, name: $0.name, description: $0.description, createdAt: $0.createdAt.map(ProvTime.init))
            }
        }
        records.runs = keys.compactMap { id in runs[id].map { (id, $0) } }
            .sorted { ($0.1.startedAt, $0.0) < ($1.1.startedAt, $1.0) }
            .map { id, run in
                let status = RunStatus(rawValue: run.status) ?? .running
                // A parent outside the scope is left out.
                let parent = run.parent.flatMap { keys.contains($0) && runs[$0] != nil ? $0 : nil }
                return RunRecord(
                    start: RunStart(
                        id: id, experiment: run.experiment, parent: parent, kind: RunKind(rawValue: run.kind),
                        name: run.name, startedAt: ProvTime(microsecondsSinceEpoch: run.startedAt),
                        status: status == .scheduled ? .scheduled : .running),
                    status: status, endedAt: run.endedAt.map(ProvTime.init))
            }
        records.entities = ordered.compactMap { entities[$0] }
        records.agents = ordered.compactMap { agents[$0] }
        records.relations = relations.map(\.record).filter { keys.contains($0.subject) && keys.contains($0.object) }
        for id in ordered {
            for (key, value) in Self.byKey(parameters[id]) {
                records.parameters.append(ParameterRecord(run: id, key: key, value: value))
                if let term = classifier.term(for: key) { records.terms[key] = term }
            }
        }
        for id in ordered {
            let type: TagTarget = nodeTypes[id] == .experiment ? .experiment : .run
            for (key, value) in Self.byKey(tags[id]) {
                records.tags.append(TagRecord(target: id, targetType: type, key: key, value: value))
                if let term = classifier.term(for: key) { records.terms[key] = term }
            }
        }
        for id in ordered {
            for (key, row) in Self.byKey(series[id]) {
                let points = includePoints ? Self.ordered(row.points) : []
                records.metricSeries.append(
                    MetricSeriesRecord(
                        run: id, summary: summary(key: key, row),
                        points: points.map { point in
                            MetricPoint(
                                run: id, key: key, value: point.value ?? .nan, step: point.step,
                                time: point.time.map(ProvTime.init), epoch: point.epoch)
                        }))
            }
        }
        for id in ordered {
            let samples = (telemetry[id] ?? []).enumerated().sorted {
                ($0.element.time, $0.offset) < ($1.element.time, $1.offset)
            }
            for sample in samples.map(\.element) {
                records.telemetry.append(
                    TelemetrySample(
                        run: id, time: ProvTime(microsecondsSinceEpoch: sample.time),
                        phase: TelemetryPhase(rawValue: sample.phase) ?? .periodic,
                        values: Self.objectFromJSON(sample.readings).compactMapValues(\.numberValue)))
            }
            for key in telemetryKeys[id] ?? [] {
                if let term = classifier.term(for: key) { records.terms[key] = term }
            }
        }
        let entityIDs = Set(records.entities.map(\.id))
        records.architectures = ordered.compactMap { id in
            guard let row = architectures[id], !row.layers.isEmpty else { return nil }
            return ArchitectureRecord(
                run: id, model: row.model.flatMap { entityIDs.contains($0) ? $0 : nil }, layers: row.layers)
        }
        return records
    }
}
