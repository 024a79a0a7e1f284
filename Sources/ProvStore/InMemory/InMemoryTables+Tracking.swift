import ProvModel

// The tracking view over the in-memory tables: experiments, runs and logged models as `ProvStore/SQL/TrackingSQL.swift`
// reads and searches them (the same keys, comparisons, orderings, ties and errors).

extension InMemoryTables {
    // MARK: Experiments

    func location(of experiment: ExperimentRow) -> String {
        experiment.artifactLocation ?? "mlflow-artifacts:/\(experiment.number)"
    }

    private func tracked(_ id: ProvID, _ row: ExperimentRow) -> TrackedExperiment {
        TrackedExperiment(
            id: id, number: row.number, name: row.name, artifactLocation: location(of: row), lifecycle: row.lifecycle,
            createdAt: row.createdAt.map(ProvTime.init), updatedAt: (row.updatedAt ?? row.createdAt).map(ProvTime.init),
            tags: Self.byKey(tags[id]).map { KeyValue(key: $0.key, value: $0.value) })
    }

    /// One experiment, if held.
    func trackedExperiment(_ reference: ExperimentReference) -> TrackedExperiment? {
        let found: (key: ProvID, value: ExperimentRow)? =
            switch reference {
            case .id(let id): experiments[id].map { (id, $0) }
            case .number(let number): experiments.first { $0.value.number == number }
            case .name(let name): experiments.first { binaryEqual($0.value.name, name) }
            }
        return found.map { tracked($0.key, $0.value) }
    }

    /// One page of an experiment search.
    func searchExperiments(_ search: ExperimentSearch) throws -> SearchPage<TrackedExperiment> {
        typealias Row = (id: ProvID, row: ExperimentRow)
        var query = InMemorySearch<Row>()
        query.lifecycle(search.lifecycle) { $0.row.lifecycle }
        let milliseconds = { (time: Int64?) in SQLCell(time.map { Double($0 / 1000) }) }
        for clause in search.filter {
            switch clause.key {
            case .attribute(.id): try query.compare({ SQLCell(Double($0.row.number)) }, clause, numeric: true)
            case .attribute(.name): try query.compare({ .text($0.row.name) }, clause, numeric: false)
            case .attribute(.creationTime): try query.compare({ milliseconds($0.row.createdAt) }, clause, numeric: true)
            case .attribute(.lastUpdateTime):
                try query.compare({ milliseconds($0.row.updatedAt ?? $0.row.createdAt) }, clause, numeric: true)
            case .tag(let key):
                try query.presenceOrComparison({ row in tags[row.id]?[key].map { .text($0) } }, clause)
            default: throw SearchSQL.unsupported(clause.key, in: "experiment")
            }
        }
        for order in search.orderBy {
            switch order.key {
            case .attribute(.id): query.order({ SQLCell(Double($0.row.number)) }, order.ascending)
            case .attribute(.name): query.order({ .text($0.row.name) }, order.ascending)
            case .attribute(.creationTime): query.order({ SQLCell($0.row.createdAt.map(Double.init)) }, order.ascending)
            case .attribute(.lastUpdateTime):
                query.order({ SQLCell(($0.row.updatedAt ?? $0.row.createdAt).map(Double.init)) }, order.ascending)
            case .tag(let key): query.order({ row in SQLCell(tags[row.id]?[key]) }, order.ascending)
            default: throw SearchSQL.unsupported(order.key, in: "experiment")
            }
        }
        query.order({ SQLCell($0.row.createdAt.map(Double.init)) }, false)
        query.order({ SQLCell(Double($0.row.number)) }, true)
        let page = try query.page(
            experiments.map { ($0.key, $0.value) }, limit: search.limit, offset: search.offset)
        return SearchPage(items: page.items.map { tracked($0.id, $0.row) }, hasMore: page.hasMore)
    }

    /// Gives an experiment its number, artifact location and update time from a copy, unless another experiment has
    /// that number.
    mutating func restoreBookkeeping(of experiment: TrackedExperiment) throws {
        if experiments.contains(where: { $0.key != experiment.id && $0.value.number == experiment.number }) {
            throw StoreError(.invalidQuery, "another experiment already has the number \(experiment.number)")
        }
        guard var row = experiments[experiment.id] else {
            throw StoreError(.notFound, "no experiment with id \(experiment.id.hex)")
        }
        row.number = experiment.number
        row.artifactLocation =
            experiment.artifactLocation == "mlflow-artifacts:/\(experiment.number)" ? nil : experiment.artifactLocation
        row.updatedAt = experiment.updatedAt?.microsecondsSinceEpoch ?? row.updatedAt
        experiments[experiment.id] = row
    }

    // MARK: Runs

    /// The name of the first person agent a run is associated with.
    func user(of run: ProvID) -> String? {
        for position in relationsBySubject[run] ?? [] where relations[position].record.kind == .wasAssociatedWith {
            if let agent = agents[relations[position].record.object], agent.kind == .person { return agent.name }
        }
        return nil
    }

    /// The relations of a run of one kind, in the order stored, from the run (`runIsSubject`) or to it.
    func relations(of run: ProvID, _ kind: RelationKind, runIsSubject: Bool) -> [RelationRecord] {
        ((runIsSubject ? relationsBySubject[run] : relationsByObject[run]) ?? []).map { relations[$0].record }
            .filter { $0.kind == kind }
    }

    /// A run as the tracking view shows it; `nil` if unknown.
    func trackedRun(_ id: ProvID) -> TrackedRun? {
        guard let run = runs[id], let experiment = experiments[run.experiment] else { return nil }
        let inputs = relations(of: id, .used, runIsSubject: true).enumerated().compactMap { position, relation in
            entities[relation.object].flatMap { entity in
                entity.kind == .dataset || entity.kind == .model ? (position, relation, entity) : nil
            }
        }.sorted { lhs, rhs in
            if lhs.2.kind != rhs.2.kind { return binaryLess(lhs.2.kind.rawValue, rhs.2.kind.rawValue) }
            let order = SQLCell.order(SQLCell(lhs.2.name), SQLCell(rhs.2.name))
            return order != 0 ? order < 0 : lhs.0 < rhs.0
        }
        let outputs = relations(of: id, .wasGeneratedBy, runIsSubject: false).compactMap { relation in
            entities[relation.subject].flatMap {
                $0.kind == .model ? RunLink(entity: $0, attributes: relation.attributes, time: relation.time) : nil
            }
        }
        return TrackedRun(
            id: id, experimentID: run.experiment, experimentNumber: experiment.number,
            experimentArtifactLocation: location(of: experiment), name: run.name, user: user(of: id),
            status: RunStatus(rawValue: run.status) ?? .running,
            startedAt: ProvTime(microsecondsSinceEpoch: run.startedAt), endedAt: run.endedAt.map(ProvTime.init),
            lifecycle: run.lifecycle,
            parameters: Self.byKey(parameters[id]).map { KeyValue(key: $0.key, value: $0.value) },
            tags: Self.byKey(tags[id]).map { KeyValue(key: $0.key, value: $0.value) },
            metrics: Self.byKey(series[id]).map { key, row in
                TrackedMetric(
                    key: key, value: row.lastValue ?? .nan, step: row.lastStep ?? 0,
                    time: row.lastTime.map(ProvTime.init))
            },
            inputs: inputs.map { RunLink(entity: $0.2, attributes: $0.1.attributes, time: $0.1.time) },
            outputModels: outputs)
    }

    /// One page of a run search.
    func searchRuns(_ search: RunSearch) throws -> SearchPage<TrackedRun> {
        var query = InMemorySearch<RunSearchRow>()
        let numbers = Set(search.experiments)
        query.condition { row in experiments[row.run.experiment].map { numbers.contains($0.number) } ?? false }
        query.lifecycle(search.lifecycle) { $0.run.lifecycle }
        let page = try runPage(
            &query, search.filter, orderBy: search.orderBy, highestIDFirst: false, limit: search.limit,
            offset: search.offset)
        return SearchPage(items: page.items.compactMap { trackedRun($0.id) }, hasMore: page.hasMore)
    }

    // MARK: Logged models

    /// The experiment a model is a member of (its first `hadMember` from an experiment).
    private func experiment(ofModel model: ProvID) -> ProvID? {
        (relationsByObject[model] ?? []).map { relations[$0].record }
            .first { $0.kind == .hadMember && nodeTypes[$0.subject] == .experiment }?.subject
    }

    /// The run that generated a model (its first `wasGeneratedBy` a run).
    private func sourceRun(ofModel model: ProvID) -> ProvID? {
        (relationsBySubject[model] ?? []).map { relations[$0].record }
            .first { $0.kind == .wasGeneratedBy && nodeTypes[$0.object] == .run }?.object
    }

    /// A model's metric points by key, step, time (none first), then the order stored.
    private func modelMetricRows(_ model: ProvID) -> [ModelMetricRow] {
        (modelMetrics[model] ?? []).enumerated().sorted { lhs, rhs in
            let (left, right) = (lhs.element, rhs.element)
            if !binaryEqual(left.key, right.key) { return binaryLess(left.key, right.key) }
            if left.step != right.step { return left.step < right.step }
            let order = SQLCell.order(SQLCell(left.time.map(Double.init)), SQLCell(right.time.map(Double.init)))
            return order != 0 ? order < 0 : lhs.offset < rhs.offset
        }.map(\.element)
    }

    /// One logged model (any entity), if held.
    func trackedModel(_ id: ProvID) -> TrackedModel? {
        guard let entity = entities[id] else { return nil }
        let experiment = experiment(ofModel: id)
        return TrackedModel(
            entity: entity, experimentID: experiment, experimentNumber: experiment.flatMap { experiments[$0]?.number },
            sourceRun: sourceRun(ofModel: id),
            metrics: modelMetricRows(id).map { row in
                let dataset = row.datasetName.flatMap { name in
                    row.datasetDigest.map { MetricDataset(name: name, digest: $0) }
                }
                return TrackedModelMetric(
                    key: row.key, value: row.value ?? .nan, step: row.step, time: row.time.map(ProvTime.init),
                    run: row.run, dataset: dataset)
            })
    }

    /// One page of a logged-model search.
    func searchModels(_ search: ModelSearch) throws -> SearchPage<TrackedModel> {
        typealias Row = (id: ProvID, entity: EntityRecord)
        var query = InMemorySearch<Row>()
        let numbers = Set(search.experiments)
        query.condition { row in
            experiment(ofModel: row.id).flatMap { experiments[$0] }.map { numbers.contains($0.number) } ?? false
        }
        func attribute(_ attribute: SearchAttribute) -> ((Row) -> SQLCell)? {
            switch attribute {
            case .id: { .text($0.id.hex) }
            case .name: { SQLCell($0.entity.name) }
            case .status: { SQLCell(json: $0.entity.attributes[TrackedModel.Attribute.status]) }
            case .modelType: { SQLCell(json: $0.entity.attributes[TrackedModel.Attribute.modelType]) }
            case .sourceRun: { row in SQLCell(sourceRun(ofModel: row.id)?.hex) }
            case .creationTime:
                { row in SQLCell(row.entity.createdAt.map { Double($0.microsecondsSinceEpoch / 1000) }) }
            case .lastUpdateTime: { SQLCell(json: $0.entity.attributes[TrackedModel.Attribute.updatedAt]) }
            case .user, .artifactURI, .startTime, .endTime, .kind, .parentRun, .experiment: nil
            }
        }
        func member(_ key: SearchKey, _ name: String) -> (Row) -> SQLCell? {
            let object =
                if case .parameter = key { TrackedModel.Attribute.parameters } else { TrackedModel.Attribute.tags }
            return { row in row.entity.attributes[object]?.objectValue?[name].map { SQLCell(json: $0) } }
        }
        for clause in search.filter {
            switch clause.key {
            case .attribute(let name):
                guard let value = attribute(name) else { throw SearchSQL.unsupported(clause.key, in: "logged-model") }
                try query.compare(value, clause, numeric: name.isNumeric)
            case .metric(let key):
                try query.exists(
                    { row in (modelMetrics[row.id] ?? []).filter { binaryEqual($0.key, key) }.map { SQLCell($0.value) }
                    },
                    clause, numeric: true)
            case .parameter(let key), .tag(let key):
                try query.presenceOrComparison(member(clause.key, key), clause)
            case .dataset, .term:
                throw SearchSQL.unsupported(clause.key, in: "logged-model")
            }
        }
        for order in search.orderBy {
            switch order.key {
            case .attribute(let name):
                guard let value = attribute(name) else { throw SearchSQL.unsupported(order.key, in: "logged-model") }
                query.order(value, order.ascending, missingLast: true)
            case .metric(let key):
                query.order(
                    { row in SQLCell(latestModelMetric(row.id, key)?.value) }, order.ascending, missingLast: true)
            case .parameter(let key), .tag(let key):
                let value = member(order.key, key)
                query.order({ value($0) ?? .null }, order.ascending, missingLast: true)
            case .dataset, .term:
                throw SearchSQL.unsupported(order.key, in: "logged-model")
            }
        }
        query.order({ row in SQLCell(row.entity.createdAt.map { Double($0.microsecondsSinceEpoch) }) }, false)
        query.order({ .text($0.id.hex) }, true)
        let models = entities.filter { $0.value.kind == .model }.map { ($0.key, $0.value) }
        let page = try query.page(models, limit: search.limit, offset: search.offset)
        return SearchPage(items: page.items.compactMap { trackedModel($0.id) }, hasMore: page.hasMore)
    }

    /// A model's latest point of a metric: the highest step, then the latest time (none last).
    private func latestModelMetric(_ model: ProvID, _ key: String) -> ModelMetricRow? {
        var latest: ModelMetricRow?
        for row in modelMetrics[model] ?? [] where binaryEqual(row.key, key) {
            guard let held = latest else {
                latest = row
                continue
            }
            let later =
                row.step > held.step
                || (row.step == held.step
                    && SQLCell.order(SQLCell(row.time.map(Double.init)), SQLCell(held.time.map(Double.init))) > 0)
            if later { latest = row }
        }
        return latest
    }
}
