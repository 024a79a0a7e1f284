import ProvModel
import ProvStore
import Testing

// The ingest planner (ProvStore/Ingest) without a database: a batch and what the store holds in, operations or a
// refusal out. Here because ProvStore has no test target of its own; the back-ends' behaviour is the conformance
// suite's.

@Suite("Ingest planner")
struct IngestPlannerTests {
    let experiment = ProvID(high: 1, low: 1)
    let run = ProvID(high: 2, low: 2)
    let other = ProvID(high: 3, low: 3)
    let model = ProvID(high: 4, low: 4)
    let time = ProvTime(microsecondsSinceEpoch: 1_700_000_000_000_000)

    /// Facts holding the experiment and a run of it (active unless `deleted`).
    func facts(runDeleted deleted: Bool = false) -> IngestFacts {
        var facts = IngestFacts()
        facts.nodes[experiment] = StoredNode(
            type: .experiment, experiment: StoredExperiment(name: "study", deletedAt: nil))
        facts.nodes[run] = StoredNode(
            type: .run, active: !deleted,
            run: StoredRun(
                experiment: experiment, parent: nil, kind: RunKind.workflow.rawValue, name: "a", status: "running",
                startedAt: time.microsecondsSinceEpoch, endedAt: nil, deletedAt: deleted ? 5 : nil))
        return facts
    }

    func planned(_ events: [ProvEvent], _ facts: IngestFacts) -> IngestPlan {
        IngestPlanner(events).plan(with: facts)
    }

    @Test("the lookups name every node, parameter, name and would-be parent of a batch")
    func lookups() {
        let lookups = IngestPlanner([
            .experiment(ExperimentRecord(id: experiment, name: "study")),
            .runStart(RunStart(id: run, experiment: experiment, parent: other, startedAt: time)),
            .parameter(ParameterRecord(run: run, key: "lr", value: "0.1")),
            .tag(TagRecord(target: run, key: IngestRules.parentRunTag, value: model.hex)),
            .runEnd(RunEnd(run: run, status: .finished, endedAt: time)),
        ]).lookups
        #expect(lookups.nodes == [experiment, run, other, model])
        #expect(lookups.experimentNames == ["study"])
        #expect(lookups.experiments == [experiment])
        #expect(lookups.parameters == [HeldKey(node: run, key: "lr")])
        #expect(lookups.ancestors == [other, model])
        #expect(lookups.changedRuns == [run])
        #expect(lookups.tags.isEmpty)
        #expect(lookups.tagsOfDeletedNodes == [HeldKey(node: run, key: IngestRules.parentRunTag)])
    }

    @Test("a reference to a node neither held nor defined earlier is refused, naming the event and field")
    func unknownReference() {
        let plan = planned([.parameter(ParameterRecord(run: other, key: "lr", value: "1"))], facts())
        #expect(
            plan.failure
                == IngestError(
                    eventIndex: 0, field: "run",
                    message: "refers to unknown run \(other.hex); define it earlier in the batch or the store",
                    code: .unknownReference))
        #expect(plan.steps.isEmpty)
    }

    @Test("a run defined earlier in the batch is known, and the steps follow the events")
    func definedEarlier() throws {
        let start = RunStart(id: other, experiment: experiment, startedAt: time)
        let parameter = ParameterRecord(run: other, key: "lr", value: "1")
        let plan = planned([.runStart(start), .parameter(parameter)], facts())
        #expect(plan.failure == nil)
        #expect(
            plan.steps == [
                IngestStep(eventIndex: 0, operation: .putRun(start, isNew: true)),
                IngestStep(eventIndex: 1, operation: .insertParameter(parameter)),
            ])
        let outcome = try plan.outcome(stored: [true, true])
        #expect(outcome.summary.runs == 1 && outcome.summary.parameters == 1 && outcome.summary.events == 2)
    }

    @Test("a parameter keeps its value: a re-send is nothing to do, a change is refused")
    func parameters() {
        var held = facts()
        held.parameters[HeldKey(node: run, key: "lr")] = "0.1"
        #expect(planned([.parameter(ParameterRecord(run: run, key: "lr", value: "0.1"))], held).steps.isEmpty)
        let refused = planned([.parameter(ParameterRecord(run: run, key: "lr", value: "0.2"))], held).failure
        #expect(refused?.code == .immutableValue)
        #expect(
            refused?.message
                == "parameter 'lr' of run \(run.hex) is already set to a different value; parameters cannot change")
    }

    @Test("a node cannot be redefined as another type, nor a relation end be of the wrong type")
    func types() {
        let redefined = planned([.entity(EntityRecord(id: run, kind: .model))], facts()).failure
        #expect(redefined?.field == "id")
        #expect(redefined?.message == "\(run.hex) is already a run and cannot be redefined as a entity")
        let relation = planned([.relation(RelationRecord(.used, subject: experiment, object: run))], facts()).failure
        #expect(relation?.field == "subject")
        #expect(relation?.message == "\(experiment.hex) is a experiment, but a run is required here")
    }

    @Test("a deleted run takes no new point: a re-send is accepted, a new one refused once the store says so")
    func deletedRun() throws {
        let point = MetricPoint(run: run, key: "loss", value: 1, step: 3)
        let plan = planned([.metric(point)], facts(runDeleted: true))
        #expect(plan.steps == [IngestStep(eventIndex: 0, operation: .insertMetricPoint(point), onlyResend: true)])
        #expect(try plan.outcome(stored: [false]).summary.metricPoints == 0)
        #expect(throws: IngestError.inactive(run, .run, field: "run", at: 0)) {
            try plan.outcome(stored: [true])
        }
        let parameter = planned(
            [.parameter(ParameterRecord(run: run, key: "k", value: "v"))], facts(runDeleted: true))
        #expect(parameter.failure?.code == .inactiveTarget)
        #expect(parameter.failure?.message == "run \(run.hex) is deleted; restore it before changing it")
    }

    @Test("deleting an experiment deletes its runs for the rest of the batch; restoring restores them")
    func experimentStage() {
        let delete = LifecycleChange(target: experiment, targetType: .experiment, stage: .deleted, time: time)
        let restore = LifecycleChange(target: experiment, targetType: .experiment, stage: .active)
        let parameter = ProvEvent.parameter(ParameterRecord(run: run, key: "k", value: "v"))
        #expect(planned([.lifecycle(delete), parameter], facts()).failure?.code == .inactiveTarget)
        #expect(planned([.lifecycle(delete), .lifecycle(restore), parameter], facts()).failure == nil)
    }

    @Test("an earlier store refusal wins over a later rule")
    func refusalOrder() throws {
        let plan = planned(
            [
                .metric(MetricPoint(run: run, key: "loss", value: 1)),
                .parameter(ParameterRecord(run: other, key: "k", value: "v")),
            ], facts(runDeleted: true))
        #expect(plan.failure?.eventIndex == 1)
        #expect(throws: IngestError.inactive(run, .run, field: "run", at: 0)) { try plan.outcome(stored: [true]) }
        let failure = try #require(plan.failure)
        #expect(throws: failure) { try plan.outcome(stored: [false]) }
    }

    @Test("experiment names are unique; a rename in the batch frees the old name")
    func names() {
        let second = ProvID(high: 9, low: 9)
        var held = facts()
        held.experimentNames["study"] = experiment
        let taken = planned([.experiment(ExperimentRecord(id: second, name: "study"))], held).failure
        #expect(taken?.code == .duplicateName)
        #expect(taken?.message == "an experiment named 'study' already exists with id \(experiment.hex)")
        let renamed = planned(
            [
                .experiment(ExperimentRecord(id: experiment, name: "renamed")),
                .experiment(ExperimentRecord(id: second, name: "study")),
            ], held)
        #expect(renamed.failure == nil)
    }

    @Test("the parent tag makes a held run the parent, with the cycle check; any other value is only a tag")
    func parentTag() {
        var held = facts()
        held.nodes[other] = held.nodes[run].map { node in
            var node = node
            node.run?.parent = run
            return node
        }
        held.ancestors[other] = [run]
        held.nodes[model] = StoredNode(type: .entity)
        let parentTag = { (child: ProvID, parent: ProvID) in
            ProvEvent.tag(TagRecord(target: child, key: IngestRules.parentRunTag, value: parent.hex))
        }
        // `other` is a child of `run`: moving `run` under it is a cycle.
        let cycle = planned([parentTag(run, other)], held).failure
        #expect(cycle?.field == "parent")
        #expect(cycle?.message == IngestRules.parentCycleMessage([run, other, run]))
        #expect(planned([parentTag(run, run)], held).failure?.message == "a run cannot be its own parent")
        // A run with no parent moves under another run and becomes a task.
        held.nodes[other]?.run?.parent = nil
        held.ancestors[other] = []
        let moved = planned([parentTag(run, other)], held)
        #expect(moved.failure == nil)
        #expect(
            moved.steps.last?.operation
                == .updateRun(
                    run, RunColumns(name: "a", status: "running", endedAt: nil, parent: other, kind: "task")))
        // A value naming no run is a tag and nothing more.
        #expect(planned([parentTag(run, model)], held).steps.count == 1)
        let text = ProvEvent.tag(TagRecord(target: run, key: IngestRules.parentRunTag, value: "not an id"))
        #expect(planned([text], held).steps.count == 1)
    }

    @Test("the outcome counts new rows and sums each series' new points")
    func outcome() throws {
        let first = MetricPoint(run: run, key: "loss", value: 2, step: 1)
        let second = MetricPoint(run: run, key: "loss", value: 1, step: 2)
        let plan = planned([.metric(first), .metric(second), .metric(first)], facts())
        let outcome = try plan.outcome(stored: [true, true, false])
        #expect(outcome.summary.metricPoints == 2)
        let delta = try #require(outcome.seriesDeltas[HeldKey(node: run, key: "loss")])
        #expect(delta.count == 2 && delta.lastStep == 2 && delta.lastValue == 1 && delta.minimum == 1)
    }
}
