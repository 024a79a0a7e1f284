import ProvModel

// The in-memory store's side of an ingest (``IngestBackend``): answers the planner's lookups from the tables and
// applies its primitive writes. The rules are ``IngestPlanner``'s; each write does what the SQL back-ends' statement
// for it does (`SQLiteStore+Ingest.swift`).

/// One batch's transaction over the tables, which it holds alone while the batch is applied (so that its writes
/// change the tables in place rather than copying what they touch). A plan that may still be refused once written
/// (it has steps that may only repeat what is held: ``IngestStep/onlyResend``) is written over a copy kept aside;
/// any other plan that reaches its writes is stored (``IngestPlan/refuseBeforeWriting()``).
struct InMemoryTransaction: IngestBackend {
    var tables: InMemoryTables
    /// The tables as they were before the writes, when the plan may still be refused.
    var backup: InMemoryTables?

    func facts(for lookups: IngestLookups) -> IngestFacts { tables.facts(for: lookups) }

    mutating func apply(_ steps: [IngestStep]) throws -> [Bool] {
        if steps.contains(where: \.onlyResend) { backup = tables }
        return tables.apply(steps)
    }

    mutating func updateSeries(_ deltas: [HeldKey: MetricSeriesDelta]) throws { tables.updateSeries(deltas) }
}

extension InMemoryTables {
    /// Ingests a batch all or nothing: a refused batch leaves the tables as they were.
    /// - Throws: ``IngestError`` for the first event that breaks a rule.
    mutating func ingestAtomically(_ events: [ProvEvent]) throws -> IngestSummary {
        var transaction = InMemoryTransaction(tables: InMemoryTables(classifier: classifier))
        swap(&self, &transaction.tables)
        do {
            let summary = try transaction.ingest(events)
            swap(&self, &transaction.tables)
            return summary
        } catch {
            self = transaction.backup ?? transaction.tables
            throw error
        }
    }

    // MARK: Lookups

    func facts(for lookups: IngestLookups) -> IngestFacts {
        var facts = IngestFacts()
        for id in lookups.nodes {
            if let node = storedNode(id) { facts.nodes[id] = node }
        }
        for name in lookups.experimentNames {
            if let holder = experiment(named: name) { facts.experimentNames[name] = holder }
        }
        for held in lookups.parameters {
            if let value = parameters[held.node]?[held.key] { facts.parameters[held] = value }
        }
        for held in lookups.tags.union(lookups.tagsOfDeletedNodes) {
            if let value = tags[held.node]?[held.key] { facts.tags[held] = value }
        }
        for parent in lookups.ancestors {
            facts.ancestors[parent] = ancestors(of: parent)
        }
        return facts
    }

    /// A node as the ingest rules see it.
    func storedNode(_ id: ProvID) -> StoredNode? {
        guard let type = nodeTypes[id] else { return nil }
        var node = StoredNode(type: type)
        if let run = runs[id] {
            node.active = run.lifecycle == .active
            node.run = StoredRun(
                experiment: run.experiment, parent: run.parent, kind: run.kind, name: run.name, status: run.status,
                startedAt: run.startedAt, endedAt: run.endedAt, deletedAt: run.deletedAt)
        }
        if let experiment = experiments[id] {
            node.active = experiment.lifecycle == .active
            node.experiment = StoredExperiment(name: experiment.name, deletedAt: experiment.deletedAt)
        }
        return node
    }

    /// The experiment with exactly this name (compared byte for byte).
    func experiment(named name: String) -> ProvID? {
        experiments.first { $0.value.name.utf8.elementsEqual(name.utf8) }?.key
    }

    /// A run's ancestors, nearest first, as ``IngestRules/ancestorsQuery`` reads them (at most
    /// ``IngestRules/maximumAncestorDepth``).
    func ancestors(of run: ProvID) -> [ProvID] {
        var chain: [ProvID] = []
        var current = runs[run]?.parent
        while let parent = current, chain.count < IngestRules.maximumAncestorDepth {
            chain.append(parent)
            current = runs[parent]?.parent
        }
        return chain
    }

    // MARK: Writes

    mutating func apply(_ steps: [IngestStep]) -> [Bool] {
        steps.map { apply($0.operation) }
    }

    private mutating func apply(_ operation: IngestOperation) -> Bool {
        switch operation {
        case .putExperiment(let record, let isNew):
            put(record, isNew: isNew)
            return isNew
        case .putRun(let record, let isNew):
            put(record, isNew: isNew)
            return isNew
        case .endRun(let record):
            runs[record.run]?.status = record.status.rawValue
            runs[record.run]?.endedAt = record.endedAt?.microsecondsSinceEpoch
        case .updateRun(let run, let columns):
            guard var row = runs[run] else { return true }
            (row.name, row.status, row.endedAt, row.kind) = (
                columns.name, columns.status, columns.endedAt, columns.kind
            )
            if let parent = columns.parent { row.parent = parent }
            runs[run] = row
        case .putEntity(let record, let isNew):
            put(record, isNew: isNew)
            return isNew
        case .putAgent(let record, let isNew):
            put(record, isNew: isNew)
            return isNew
        case .putRelation(let record): return put(record)
        case .insertParameter(let record):
            parameters[record.run, default: [:]][record.key] = record.value
        case .setTag(let record):
            tags[record.target, default: [:]][record.key] = record.value
        case .deleteTag(let deletion):
            tags[deletion.target]?[deletion.key] = nil
        case .touchExperiment(let experiment):
            experiments[experiment]?.updatedAt = Self.now
        case .setStage(let change): apply(change)
        case .insertMetricPoint(let point): return insert(point)
        case .insertModelMetric(let point): return insertModelMetric(point)
        case .insertTelemetry(let sample): return insert(sample)
        case .replaceArchitecture(let record):
            architectures[record.run] = ArchitectureRow(
                model: record.model,
                layers: record.layers.map {
                    ArchitectureLayer(type: $0.type, hyperparameters: Self.stored($0.hyperparameters))
                })
        }
        return true
    }

    /// A new experiment takes the next number; a renamed one records when it changed.
    private mutating func put(_ record: ExperimentRecord, isNew: Bool) {
        let created = record.createdAt?.microsecondsSinceEpoch
        guard !isNew, var row = experiments[record.id] else {
            nodeTypes[record.id] = .experiment
            let number = (experiments.values.map(\.number).max() ?? 0) + 1
            experiments[record.id] = ExperimentRow(
                name: record.name, description: record.description, createdAt: created, number: number,
                updatedAt: created ?? Self.now)
            return
        }
        if !row.name.utf8.elementsEqual(record.name.utf8) { row.updatedAt = Self.now }
        row.name = record.name
        row.description = record.description ?? row.description
        row.createdAt = row.createdAt ?? created
        experiments[record.id] = row
    }

    private mutating func put(_ record: RunStart, isNew: Bool) {
        nodeTypes[record.id] = .run
        let started = record.startedAt.microsecondsSinceEpoch
        guard var row = runs[record.id] else {
            runs[record.id] = RunRow(
                experiment: record.experiment, parent: record.parent, kind: record.kind.rawValue, name: record.name,
                status: record.status.rawValue, startedAt: started)
            return
        }
        (row.experiment, row.parent, row.kind, row.startedAt) =
            (record.experiment, record.parent, record.kind.rawValue, started)
        row.name = record.name ?? row.name
        runs[record.id] = row
    }

    /// Deletes or restores a run, or an experiment with its runs: deleting an experiment deletes its active runs
    /// with the same time; restoring it restores the runs that were deleted with it.
    private mutating func apply(_ change: LifecycleChange) {
        let deletedAt = change.stage == .deleted ? change.time?.microsecondsSinceEpoch : nil
        switch change.targetType {
        case .run:
            runs[change.target]?.lifecycle = change.stage
            runs[change.target]?.deletedAt = deletedAt
        case .experiment:
            guard let experiment = experiments[change.target] else { return }
            for (id, run) in runs where run.experiment == change.target {
                let follows =
                    change.stage == .deleted
                    ? run.lifecycle == .active
                    : run.lifecycle == .deleted && run.deletedAt == experiment.deletedAt
                if follows {
                    runs[id]?.lifecycle = change.stage
                    runs[id]?.deletedAt = deletedAt
                }
            }
            experiments[change.target]?.lifecycle = change.stage
            experiments[change.target]?.deletedAt = deletedAt
            experiments[change.target]?.updatedAt = Self.now
        }
    }

    /// Creates or updates an entity: fields given replace, a held creation time stays.
    private mutating func put(_ record: EntityRecord, isNew: Bool) {
        nodeTypes[record.id] = .entity
        var stored = record
        stored.attributes = Self.stored(record.attributes)
        if let held = entities[record.id] {
            stored.name = record.name ?? held.name
            stored.location = record.location ?? held.location
            stored.digest = record.digest ?? held.digest
            stored.sizeBytes = record.sizeBytes ?? held.sizeBytes
            stored.createdAt = held.createdAt ?? record.createdAt
            if record.attributes.isEmpty { stored.attributes = held.attributes }
        }
        entities[record.id] = stored
    }

    private mutating func put(_ record: AgentRecord, isNew: Bool) {
        nodeTypes[record.id] = .agent
        var stored = record
        stored.attributes = Self.stored(record.attributes)
        if let held = agents[record.id], record.attributes.isEmpty { stored.attributes = held.attributes }
        agents[record.id] = stored
    }

    /// Adds a relation; one already held keeps its first time and takes newer attributes (`false`).
    private mutating func put(_ record: RelationRecord) -> Bool {
        var stored = record
        stored.attributes = Self.stored(record.attributes)
        let row = RelationRow(record: stored)
        if let position = relationIndex[row.identity] {
            let held = relations[position].record
            stored.time = held.time ?? record.time
            if record.attributes.isEmpty { stored.attributes = held.attributes }
            relations[position].record = stored
            return false
        }
        relationIndex[row.identity] = relations.count
        relationsBySubject[record.subject, default: []].append(relations.count)
        relationsByObject[record.object, default: []].append(relations.count)
        relations.append(row)
        return true
    }

    /// Adds a point unless an identical one (step, time and value) is held. The series is changed in place.
    private mutating func insert(_ point: MetricPoint) -> Bool {
        let stored = StoredPoint(
            step: point.step, time: point.time?.microsecondsSinceEpoch, epoch: Self.column(point.epoch),
            value: Self.column(point.value))
        return series[point.run, default: [:]][point.key, default: SeriesRow()].add(stored)
    }

    private mutating func insertModelMetric(_ point: MetricPoint) -> Bool {
        guard let model = point.model else { return false }
        let row = ModelMetricRow(
            model: model, run: point.run, key: point.key, step: point.step,
            time: point.time?.microsecondsSinceEpoch, value: Self.column(point.value),
            datasetName: point.dataset?.name, datasetDigest: point.dataset?.digest)
        guard modelMetricIdentities.insert(row).inserted else { return false }
        modelMetrics[model, default: []].append(row)
        return true
    }

    /// Adds a sample unless an identical one is held (a re-send).
    private mutating func insert(_ sample: TelemetrySample) -> Bool {
        let readings = JSONValue.object(sample.values.mapValues { .number($0) }).jsonText
        let time = sample.time.microsecondsSinceEpoch
        let identity = TelemetryIdentity(run: sample.run, time: time, phase: sample.phase.rawValue, readings: readings)
        guard telemetryIdentities.insert(identity).inserted else { return false }
        telemetry[sample.run, default: []].append(
            TelemetryRow(time: time, phase: sample.phase.rawValue, readings: readings))
        telemetryKeys[sample.run, default: []].formUnion(sample.values.keys)
        return true
    }

    /// Folds the batch's changes into each metric series' summary.
    mutating func updateSeries(_ deltas: [HeldKey: MetricSeriesDelta]) {
        for (held, delta) in deltas { series[held.node]?[held.key]?.fold(delta) }
    }
}

extension SeriesRow {
    /// Adds a point unless an identical one is held; whether it was added.
    mutating func add(_ point: StoredPoint) -> Bool {
        guard identities.insert(point.identity).inserted else { return false }
        points.append(point)
        return true
    }

    /// Folds a batch's new points into the summary, as the SQL back-ends' `UPDATE metric_series` does.
    mutating func fold(_ delta: MetricSeriesDelta) {
        count += delta.count
        let isLater =
            lastStep.map { delta.lastStep > $0 || (delta.lastStep == $0 && delta.lastTime >= lastTime ?? .min) } ?? true
        if isLater {
            lastValue = InMemoryTables.column(delta.lastValue)
            lastTime = delta.lastTime == .min ? nil : delta.lastTime
        }
        if lastStep.map({ delta.lastStep > $0 }) ?? true { lastStep = delta.lastStep }
        if let low = delta.minimum { minimum = Swift.min(minimum ?? low, low) }
        if let high = delta.maximum { maximum = Swift.max(maximum ?? high, high) }
    }
}
