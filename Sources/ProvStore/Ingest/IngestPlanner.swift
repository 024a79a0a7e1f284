public import ProvModel

// The ingest rules, once for every back-end. The planner walks a batch's events in order over what it learned of
// the store (``IngestFacts``) and what the events before changed, checks every rule, and writes down the primitive
// operations that store the batch (``IngestOperation``). It reads nothing itself: a back-end answers its lookups in
// bulk inside its transaction, synchronous or not, then applies the plan.

/// Checks a batch against the ingest rules and plans its writes.
public struct IngestPlanner: Sendable {
    public let events: [ProvEvent]

    public init(_ events: [ProvEvent]) {
        self.events = events
    }

    /// What the plan needs to know about the store.
    public var lookups: IngestLookups {
        var lookups = IngestLookups()
        let changesStages = events.contains { if case .lifecycle = $0 { true } else { false } }
        for event in events {
            switch event {
            case .experiment(let record):
                lookups.nodes.insert(record.id)
                lookups.experiments.insert(record.id)
                lookups.experimentNames.insert(record.name)
            case .runStart(let record):
                lookups.nodes.formUnion([record.id, record.experiment])
                if let parent = record.parent {
                    lookups.nodes.insert(parent)
                    lookups.ancestors.insert(parent)
                }
            case .runEnd(let record):
                lookups.nodes.insert(record.run)
                lookups.changedRuns.insert(record.run)
            case .entity(let record): lookups.nodes.insert(record.id)
            case .agent(let record): lookups.nodes.insert(record.id)
            case .relation(let record): lookups.nodes.formUnion([record.subject, record.object])
            case .parameter(let record):
                lookups.nodes.insert(record.run)
                lookups.parameters.insert(HeldKey(node: record.run, key: record.key))
            case .tag(let record):
                lookups.nodes.insert(record.target)
                let key = HeldKey(node: record.target, key: record.key)
                if changesStages { lookups.tags.insert(key) } else { lookups.tagsOfDeletedNodes.insert(key) }
                if let parent = IngestRules.parentRun(namedBy: record) {
                    lookups.nodes.insert(parent)
                    lookups.ancestors.insert(parent)
                    lookups.changedRuns.insert(record.target)
                }
            case .metric(let point):
                lookups.nodes.insert(point.run)
                if let model = point.model { lookups.nodes.insert(model) }
            case .telemetry(let sample): lookups.nodes.insert(sample.run)
            case .architecture(let record):
                lookups.nodes.insert(record.run)
                lookups.changedRuns.insert(record.run)
                if let model = record.model { lookups.nodes.insert(model) }
            case .runUpdate(let update):
                lookups.nodes.insert(update.run)
                lookups.changedRuns.insert(update.run)
                if let parent = update.parent {
                    lookups.nodes.insert(parent)
                    lookups.ancestors.insert(parent)
                }
            case .tagDelete(let deletion):
                lookups.nodes.insert(deletion.target)
                lookups.tags.insert(HeldKey(node: deletion.target, key: deletion.key))
            case .lifecycle(let change): lookups.nodes.insert(change.target)
            }
        }
        lookups.tagsOfDeletedNodes.subtract(lookups.tags)
        return lookups
    }

    /// Checks the batch over the store's `facts` and plans its writes.
    public func plan(with facts: IngestFacts) -> IngestPlan {
        var planning = Planning(facts: facts)
        for (index, event) in events.enumerated() {
            planning.index = index
            let planned = planning.steps.count
            do {
                try planning.plan(event)
            } catch {
                planning.steps.removeSubrange(planned...)  // the refused event stores nothing
                return IngestPlan(eventCount: events.count, steps: planning.steps, failure: error)
            }
        }
        return IngestPlan(eventCount: events.count, steps: planning.steps, failure: nil)
    }
}

/// The writes that store a batch, and the first rule it breaks, when it breaks one.
public struct IngestPlan: Sendable, Equatable {
    /// How many events the batch holds.
    public var eventCount: Int
    /// The operations for the events before ``failure`` (all of them when there is none), in event order.
    public var steps: [IngestStep]
    /// The first rule broken; a step before it that stores something new for a deleted run is refused first.
    public var failure: IngestError?
}

/// The store as the batch has changed it so far, and the steps planned.
private struct Planning {
    var index = 0
    var steps: [IngestStep] = []
    var nodes: [ProvID: StoredNode]
    var experimentNames: [String: ProvID]
    var parameters: [HeldKey: String]
    var tags: [HeldKey: String]
    /// The stored parent of each run on a would-be parent's chain of ancestors.
    var storedParents: [ProvID: ProvID] = [:]

    init(facts: IngestFacts) {
        nodes = facts.nodes
        experimentNames = facts.experimentNames
        parameters = facts.parameters
        tags = facts.tags
        for (run, ancestors) in facts.ancestors {
            for (child, parent) in zip([run] + ancestors, ancestors) where storedParents[child] == nil {
                storedParents[child] = parent
            }
        }
    }

    mutating func emit(_ operation: IngestOperation, onlyResend: Bool = false) {
        steps.append(IngestStep(eventIndex: index, operation: operation, onlyResend: onlyResend))
    }

    // MARK: Nodes

    /// The node `id` of one of `types`, or the error naming `field`.
    func require(_ id: ProvID, _ types: Set<NodeType>, field: String) throws(IngestError) -> StoredNode {
        guard let node = nodes[id] else { throw .unknown(id, types, field: field, at: index) }
        guard types.contains(node.type) else {
            throw .wrongType(id, is: node.type, expected: types, field: field, at: index)
        }
        return node
    }

    func requireActive(_ node: StoredNode, _ id: ProvID, field: String) throws(IngestError) {
        guard node.active else { throw .inactive(id, node.type, field: field, at: index) }
    }

    /// Whether `id` is new; a node held as another type cannot be redefined.
    func isNew(_ id: ProvID, as type: NodeType) throws(IngestError) -> Bool {
        guard let held = nodes[id] else { return true }
        guard held.type == type else { throw .redefinition(id, is: held.type, as: type, at: index) }
        return false
    }

    func requireTarget(_ id: ProvID, _ type: TagTarget) throws(IngestError) -> StoredNode {
        switch type {
        case .run: try require(id, [.run], field: "run")
        case .experiment: try require(id, [.experiment], field: "experiment")
        }
    }

    // MARK: Events

    mutating func plan(_ event: ProvEvent) throws(IngestError) {
        do {
            try IngestRules.check(event)
        } catch {
            throw error.at(index)
        }
        switch event {
        case .experiment(let record): try plan(record)
        case .runStart(let record): try plan(record)
        case .runEnd(let record): try plan(record)
        case .entity(let record):
            let isNew = try define(record.id, as: .entity)
            emit(.putEntity(record, isNew: isNew))
        case .agent(let record):
            let isNew = try define(record.id, as: .agent)
            emit(.putAgent(record, isNew: isNew))
        case .relation(let record):
            _ = try require(record.subject, record.kind.subjectTypes, field: "subject")
            _ = try require(record.object, record.kind.objectTypes, field: "object")
            emit(.putRelation(record))
        case .parameter(let record): try plan(record)
        case .tag(let record): try plan(record)
        case .metric(let point):
            let run = try require(point.run, [.run], field: "run")
            emit(.insertMetricPoint(point), onlyResend: !run.active)
            if let model = point.model {
                _ = try require(model, [.entity], field: "model")
                emit(.insertModelMetric(point), onlyResend: !run.active)
            }
        case .telemetry(let sample):
            let run = try require(sample.run, [.run], field: "run")
            emit(.insertTelemetry(sample), onlyResend: !run.active)
        case .architecture(let record):
            let run = try require(record.run, [.run], field: "run")
            try requireActive(run, record.run, field: "run")
            if let model = record.model { _ = try require(model, [.entity], field: "model") }
            emit(.replaceArchitecture(record))
        case .runUpdate(let update):
            try change(update)
        case .tagDelete(let deletion): try plan(deletion)
        case .lifecycle(let change): try plan(change)
        }
    }

    /// Whether `id` is new, defining it when it is.
    mutating func define(_ id: ProvID, as type: NodeType) throws(IngestError) -> Bool {
        let isNew = try isNew(id, as: type)
        if isNew { nodes[id] = StoredNode(type: type) }
        return isNew
    }

    mutating func plan(_ record: ExperimentRecord) throws(IngestError) {
        if let holder = experimentNames[record.name], holder != record.id {
            throw .duplicateName(record.name, heldBy: holder, at: index)
        }
        let isNew = try define(record.id, as: .experiment)
        if let old = nodes[record.id]?.experiment?.name, experimentNames[old] == record.id {
            experimentNames[old] = nil
        }
        let deletedAt = nodes[record.id]?.experiment?.deletedAt
        nodes[record.id]?.experiment = StoredExperiment(name: record.name, deletedAt: deletedAt)
        experimentNames[record.name] = record.id
        emit(.putExperiment(record, isNew: isNew))
    }

    mutating func plan(_ record: RunStart) throws(IngestError) {
        let experiment = try require(record.experiment, [.experiment], field: "experiment")
        if let parent = record.parent {
            guard parent != record.id else { throw .ownParent(at: index) }
            _ = try require(parent, [.run], field: "parent")
            try checkParent(of: record.id, parent: parent)
        }
        if nodes[record.id] == nil { try requireActive(experiment, record.experiment, field: "experiment") }
        let isNew = try define(record.id, as: .run)
        let held = nodes[record.id]?.run
        nodes[record.id]?.run = StoredRun(
            experiment: record.experiment, parent: record.parent, kind: record.kind.rawValue,
            name: record.name ?? held?.name, status: held?.status ?? record.status.rawValue,
            startedAt: record.startedAt.microsecondsSinceEpoch, endedAt: held?.endedAt, deletedAt: held?.deletedAt)
        emit(.putRun(record, isNew: isNew))
    }

    /// Refuses a parent that would make `run` its own ancestor, walking the parents as the batch left them.
    func checkParent(of run: ProvID, parent: ProvID) throws(IngestError) {
        var ancestors: [ProvID] = []
        var current = parent
        while ancestors.count < IngestRules.maximumAncestorDepth, let next = parentOf(current) {
            ancestors.append(next)
            if next == run { break }
            current = next
        }
        do {
            try IngestRules.checkParent(of: run, parent: parent, ancestors: ancestors)
        } catch {
            throw error.at(index)
        }
    }

    func parentOf(_ run: ProvID) -> ProvID? {
        if let row = nodes[run]?.run { return row.parent }
        return storedParents[run]
    }

    mutating func plan(_ record: RunEnd) throws(IngestError) {
        let run = try require(record.run, [.run], field: "id")
        let ended = record.endedAt?.microsecondsSinceEpoch
        guard (ended ?? .max) >= (run.run?.startedAt ?? .min) else { throw .endsBeforeStart(at: index) }
        if !run.active, run.run?.status != record.status.rawValue || run.run?.endedAt != ended {
            try requireActive(run, record.run, field: "id")
        }
        nodes[record.run]?.run?.status = record.status.rawValue
        nodes[record.run]?.run?.endedAt = ended
        emit(.endRun(record))
    }

    /// A run update, or the parent a tag names.
    mutating func change(_ update: RunUpdate) throws(IngestError) {
        let node = try require(update.run, [.run], field: "id")
        guard let held = node.run else { return }
        var parent = held.parent
        if let newParent = update.parent {
            guard newParent != update.run else { throw .ownParent(at: index) }
            _ = try require(newParent, [.run], field: "parent")
            try checkParent(of: update.run, parent: newParent)
            parent = newParent
        }
        let name = update.name ?? held.name
        let status = update.status?.rawValue ?? held.status
        let ended = update.endedAt?.microsecondsSinceEpoch ?? held.endedAt
        if let ended, ended < held.startedAt { throw .endsBeforeStart(at: index) }
        guard name != held.name || status != held.status || ended != held.endedAt || parent != held.parent else {
            return
        }
        try requireActive(node, update.run, field: "id")
        var kind = held.kind
        if parent != nil, kind == RunKind.workflow.rawValue { kind = RunKind.task.rawValue }
        var row = held
        (row.name, row.status, row.endedAt, row.parent, row.kind) = (name, status, ended, parent, kind)
        nodes[update.run]?.run = row
        emit(
            .updateRun(
                update.run, RunColumns(name: name, status: status, endedAt: ended, parent: update.parent, kind: kind)))
    }

    mutating func plan(_ record: ParameterRecord) throws(IngestError) {
        let run = try require(record.run, [.run], field: "run")
        let key = HeldKey(node: record.run, key: record.key)
        if let held = parameters[key] {
            guard held == record.value else { throw .parameterChanged(record.key, run: record.run, at: index) }
            return
        }
        try requireActive(run, record.run, field: "run")
        parameters[key] = record.value
        emit(.insertParameter(record))
    }

    mutating func plan(_ record: TagRecord) throws(IngestError) {
        let target = try requireTarget(record.target, record.targetType)
        let key = HeldKey(node: record.target, key: record.key)
        if !target.active, tags[key] != record.value {
            try requireActive(target, record.target, field: record.targetType.rawValue)
        }
        if record.targetType == .experiment { emit(.touchExperiment(record.target)) }
        tags[key] = record.value
        emit(.setTag(record))
        if let parent = IngestRules.parentRun(namedBy: record), nodes[parent]?.type == .run {
            try change(RunUpdate(run: record.target, parent: parent))
        }
    }

    mutating func plan(_ deletion: TagDeletion) throws(IngestError) {
        let target = try requireTarget(deletion.target, deletion.targetType)
        let key = HeldKey(node: deletion.target, key: deletion.key)
        guard tags[key] != nil else { return }
        try requireActive(target, deletion.target, field: deletion.targetType.rawValue)
        tags[key] = nil
        emit(.deleteTag(deletion))
        if deletion.targetType == .experiment { emit(.touchExperiment(deletion.target)) }
    }

    mutating func plan(_ change: LifecycleChange) throws(IngestError) {
        let active = change.stage == .active
        let deletedAt = active ? nil : change.time?.microsecondsSinceEpoch
        switch change.targetType {
        case .run:
            let run = try require(change.target, [.run], field: "run")
            guard run.active != active else { return }
            nodes[change.target]?.active = active
            nodes[change.target]?.run?.deletedAt = deletedAt
        case .experiment:
            let experiment = try require(change.target, [.experiment], field: "experiment")
            guard experiment.active != active else { return }
            // Deleting an experiment deletes its active runs with the same time; restoring it restores the runs
            // that were deleted with it.
            let heldDeletion = experiment.experiment?.deletedAt
            for (id, node) in nodes where node.run?.experiment == change.target {
                if active ? (!node.active && node.run?.deletedAt == heldDeletion) : node.active {
                    nodes[id]?.active = active
                    nodes[id]?.run?.deletedAt = deletedAt
                }
            }
            nodes[change.target]?.active = active
            nodes[change.target]?.experiment?.deletedAt = deletedAt
        }
        emit(.setStage(change))
    }
}
