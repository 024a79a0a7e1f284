public import ProvModel
public import ProvStore

/// Ready-made provenance that tests ingest into stores: small, complete and deterministic.
///
/// Identifiers come from an injected ``ProvIDGenerator`` (``SequentialIDGenerator`` in tests), times from a fixed
/// base time, so two calls with equal generators build equal events.
public enum ProvFixtures {
    /// The base time of the fixtures: 2024-05-01T12:00:00Z.
    public static let baseTime = ProvTime(microsecondsSinceEpoch: 1_714_564_800_000_000)

    /// The time `seconds` after ``baseTime``.
    public static func time(_ seconds: Double) -> ProvTime {
        ProvTime(
            microsecondsSinceEpoch: baseTime.microsecondsSinceEpoch + Int64(saturating: (seconds * 1_000_000).rounded()))
    }

    /// The taxonomy term every taxonomy version classifies `lr` and `learning_rate` into.
    public static let learningRateTerm = "model.hyperparameter.learning_rate"

    // MARK: The campaign

    /// Builds a small but complete training campaign: an experiment, a person and a software agent, a dataset,
    /// a workflow run with a training task (with one step below it) and an evaluation task, parameters, tags,
    /// metric series (out-of-order steps, NaN and infinities), telemetry, an architecture, checkpoints and models,
    /// and every kind of relation the stores must walk.
    ///
    /// The graph, read `subject relation object`:
    /// ```
    /// software actedOnBehalfOf person          experiment hadMember workflow
    /// workflow wasAssociatedWith person        train wasAssociatedWith software
    /// train used dataset                       checkpoint1 wasGeneratedBy step
    /// checkpoint2 wasGeneratedBy train         checkpoint2 wasRevisionOf checkpoint1
    /// model wasGeneratedBy train               model wasDerivedFrom checkpoint2
    /// evaluate used model                      evaluate wasInformedBy train
    /// report wasGeneratedBy evaluate           quantizedModel specializationOf model
    /// ```
    /// Runs: `workflow` (ends `failed`) ⊃ `train` (task, `finished`) ⊃ `step` (step, `finished`), and
    /// `workflow` ⊃ `evaluate` (task, `failed`). ``CampaignFixture/expectedStatistics`` counts what the events hold.
    ///
    /// - Parameters:
    ///   - ids: the source of every identifier, called in a fixed order.
    ///   - experimentName: the experiment's name (experiment names are unique within a store).
    public static func campaign(
        ids: some ProvIDGenerator, experimentName: String = CampaignFixture.defaultExperimentName
    ) -> CampaignFixture {
        let campaignIDs = CampaignIDs(
            experiment: ids.next(), person: ids.next(), software: ids.next(), dataset: ids.next(),
            workflow: ids.next(), train: ids.next(), step: ids.next(), evaluate: ids.next(),
            checkpoint1: ids.next(), checkpoint2: ids.next(), model: ids.next(), quantizedModel: ids.next(),
            report: ids.next())
        let i = campaignIDs
        let t = time
        var events: [ProvEvent] = []
        func relate(
            _ kind: RelationKind, _ subject: ProvID, _ object: ProvID, at seconds: Double? = nil,
            attributes: [String: JSONValue] = [:]
        ) {
            events.append(
                .relation(
                    RelationRecord(
                        kind, subject: subject, object: object,
                        time: seconds.map(t), attributes: attributes)))
        }
        func metric(_ run: ProvID, _ key: String, _ value: Double, step: Int64) {
            events.append(
                .metric(
                    MetricPoint(
                        run: run, key: key, value: value, step: step,
                        time: t(30 + Double(step)), epoch: Double(step) / 2)))
        }

        // Who and what.
        events.append(
            .experiment(
                ExperimentRecord(
                    id: i.experiment, name: experimentName,
                    description: "A small training campaign for store tests", createdAt: t(0))))
        events.append(.tag(TagRecord(target: i.experiment, targetType: .experiment, key: "project", value: "provkit")))
        events.append(
            .agent(
                AgentRecord(
                    id: i.person, kind: .person, name: "Ada Lovelace",
                    attributes: ["email": "ada@example.org"])))
        events.append(
            .agent(
                AgentRecord(
                    id: i.software, kind: .software, name: "provkit-capture",
                    attributes: ["version": "0.1.0"])))
        relate(.actedOnBehalfOf, i.software, i.person)
        events.append(
            .entity(
                EntityRecord(
                    id: i.dataset, kind: .dataset, name: CampaignFixture.datasetName,
                    location: CampaignFixture.datasetLocation,
                    digest: CampaignFixture.datasetDigest, sizeBytes: 170_498_071, createdAt: t(-3600),
                    attributes: ["classes": 10, "split": "train"])))

        // The workflow and its training task, with a step below the task.
        events.append(
            .runStart(
                RunStart(
                    id: i.workflow, experiment: i.experiment, kind: .workflow,
                    name: CampaignFixture.workflowName, startedAt: t(0))))
        relate(.hadMember, i.experiment, i.workflow)
        relate(.wasAssociatedWith, i.workflow, i.person)
        events.append(.parameter(ParameterRecord(run: i.workflow, key: "seed", value: "42")))
        events.append(.tag(TagRecord(target: i.workflow, key: "owner", value: "ada")))
        events.append(
            .runStart(
                RunStart(
                    id: i.train, experiment: i.experiment, parent: i.workflow, kind: .task,
                    name: CampaignFixture.trainName, startedAt: t(10))))
        relate(.wasAssociatedWith, i.train, i.software)
        relate(.used, i.train, i.dataset, at: 10, attributes: ["role": "training-data"])
        events.append(.parameter(ParameterRecord(run: i.train, key: "lr", value: "0.01")))
        events.append(.parameter(ParameterRecord(run: i.train, key: "optimizer", value: "SGD")))
        events.append(.parameter(ParameterRecord(run: i.train, key: "batch_size", value: "128")))
        events.append(.parameter(ParameterRecord(run: i.train, key: "zz_unknown", value: "on")))
        events.append(.tag(TagRecord(target: i.train, key: "stage", value: "training")))
        events.append(
            .telemetry(
                TelemetrySample(
                    run: i.train, time: t(10), phase: .start,
                    values: ["cpu_percent": 12.5, "memory_used_bytes": 1.0e9])))
        events.append(
            .runStart(
                RunStart(
                    id: i.step, experiment: i.experiment, parent: i.train, kind: .step,
                    name: CampaignFixture.stepName, startedAt: t(20))))
        metric(i.step, "loss", 1.9, step: 0)
        // Loss arrives out of step order and has a NaN; the last value is the one at step 3.
        metric(i.train, "loss", 1.2, step: 1)
        metric(i.train, "loss", 2.3, step: 0)
        metric(i.train, "loss", 0.6, step: 3)
        metric(i.train, "loss", .nan, step: 2)
        // Score runs from minus to plus infinity; the last value (step 2) is +infinity.
        metric(i.train, "score", .infinity, step: 2)
        metric(i.train, "score", -.infinity, step: 0)
        metric(i.train, "score", 0.5, step: 1)
        // A learning-rate schedule logged as a metric.
        metric(i.train, "lr", 0.01, step: 0)
        metric(i.train, "lr", 0.005, step: 1)
        events.append(
            .telemetry(
                TelemetrySample(
                    run: i.train, time: t(50), phase: .periodic,
                    values: ["cpu_percent": 97.0, "memory_used_bytes": 2.0e9, "gpu_0_power_watts": 250])))
        events.append(
            .entity(
                EntityRecord(
                    id: i.checkpoint1, kind: .checkpoint, name: "ckpt-epoch-1",
                    location: "models/ckpt-1.pt", createdAt: t(39))))
        relate(.wasGeneratedBy, i.checkpoint1, i.step, at: 39)
        events.append(.runEnd(RunEnd(run: i.step, status: .finished, endedAt: t(40))))
        events.append(
            .entity(
                EntityRecord(
                    id: i.checkpoint2, kind: .checkpoint, name: "ckpt-epoch-2",
                    location: "models/ckpt-2.pt", createdAt: t(80))))
        relate(.wasGeneratedBy, i.checkpoint2, i.train, at: 80)
        relate(.wasRevisionOf, i.checkpoint2, i.checkpoint1)
        events.append(
            .entity(
                EntityRecord(
                    id: i.model, kind: .model, name: CampaignFixture.modelName,
                    location: CampaignFixture.modelLocation, sizeBytes: 4_200_000, createdAt: t(90))))
        relate(.wasGeneratedBy, i.model, i.train, at: 90)
        relate(.wasDerivedFrom, i.model, i.checkpoint2)
        events.append(.architecture(ArchitectureRecord(run: i.train, model: i.model, layers: CampaignFixture.layers)))
        events.append(.telemetry(TelemetrySample(run: i.train, time: t(95), phase: .end, values: ["cpu_percent": 5])))
        events.append(.runEnd(RunEnd(run: i.train, status: .finished, endedAt: t(95))))

        // The evaluation task, informed by training, and what it produced.
        events.append(
            .runStart(
                RunStart(
                    id: i.evaluate, experiment: i.experiment, parent: i.workflow, kind: .task,
                    name: CampaignFixture.evaluateName, startedAt: t(100))))
        relate(.used, i.evaluate, i.model, at: 100)
        relate(.wasInformedBy, i.evaluate, i.train)
        events.append(.parameter(ParameterRecord(run: i.evaluate, key: "split", value: "test")))
        metric(i.evaluate, "accuracy", 0.91, step: 0)
        events.append(
            .entity(
                EntityRecord(
                    id: i.report, kind: .evaluation, name: "eval-report",
                    location: "reports/eval.json")))
        relate(.wasGeneratedBy, i.report, i.evaluate, at: 120)
        events.append(
            .entity(
                EntityRecord(
                    id: i.quantizedModel, kind: .model, name: "cnn-int8",
                    location: "models/cnn-int8.onnx")))
        relate(.specializationOf, i.quantizedModel, i.model)
        events.append(.runEnd(RunEnd(run: i.evaluate, status: .failed, endedAt: t(130))))
        events.append(.runEnd(RunEnd(run: i.workflow, status: .failed, endedAt: t(140))))

        return CampaignFixture(
            events: events, ids: campaignIDs, experimentName: experimentName,
            expectedStatistics: StoreStatistics(
                experiments: 1, runs: 4, entities: 6, agents: 2, relations: 14, parameters: 6, tags: 3,
                metricSeries: 5, metricPoints: 11, telemetrySamples: 3))
    }

    // MARK: The sweep

    /// Builds a learning-rate sweep: one experiment with four workflow runs that differ in the values run filters
    /// look at. Runs start 1,000 s, 2,000 s, 3,000 s and 4,000 s after ``baseTime`` (later than every campaign run).
    ///
    /// | run | lr | optimizer | tag `team` | `accuracy` (step: value, in arrival order) | status |
    /// |---|---|---|---|---|---|
    /// | `s1` | 0.001 | Adam | vision | 0: 0.5, 1: 0.7 | finished |
    /// | `s2` | 0.01 | SGD | vision | 0: 0.6, 1: 0.85 | finished |
    /// | `s3` | 0.1 | SGD | nlp | 1: 0.2, 0: 0.9 (latest value 0.2) | failed |
    /// | `s4` | — | — | — | — | running |
    ///
    /// `s4` has only the parameter `zz_unknown`, which no taxonomy term fits.
    public static func sweep(
        ids: some ProvIDGenerator, experimentName: String = SweepFixture.defaultExperimentName
    )
        -> SweepFixture
    {
        let experiment = ids.next()
        let runs = [ids.next(), ids.next(), ids.next(), ids.next()]
        var events: [ProvEvent] = [
            .experiment(ExperimentRecord(id: experiment, name: experimentName, createdAt: time(900)))
        ]
        typealias Setting = (
            lr: String, optimizer: String, team: String, accuracy: [(Int64, Double)], status: RunStatus
        )
        let settings: [Setting] = [
            ("0.001", "Adam", "vision", [(0, 0.5), (1, 0.7)], .finished),
            ("0.01", "SGD", "vision", [(0, 0.6), (1, 0.85)], .finished),
            ("0.1", "SGD", "nlp", [(1, 0.2), (0, 0.9)], .failed),
        ]
        for (index, run) in runs.enumerated() {
            let start = Double(1000 * (index + 1))
            events.append(
                .runStart(
                    RunStart(
                        id: run, experiment: experiment, kind: .workflow,
                        name: "sweep-\(index + 1)", startedAt: time(start))))
            guard index < settings.count else {
                events.append(.parameter(ParameterRecord(run: run, key: "zz_unknown", value: "x")))
                continue
            }
            let setting = settings[index]
            events.append(.parameter(ParameterRecord(run: run, key: "lr", value: setting.lr)))
            events.append(.parameter(ParameterRecord(run: run, key: "optimizer", value: setting.optimizer)))
            events.append(.tag(TagRecord(target: run, key: "team", value: setting.team)))
            for (step, value) in setting.accuracy {
                events.append(
                    .metric(
                        MetricPoint(
                            run: run, key: "accuracy", value: value, step: step,
                            time: time(start + 10 + Double(step)))))
            }
            events.append(.runEnd(RunEnd(run: run, status: setting.status, endedAt: time(start + 100))))
        }
        return SweepFixture(events: events, experiment: experiment, experimentName: experimentName, runs: runs)
    }
}

/// The identifiers of the nodes of ``ProvFixtures/campaign(ids:experimentName:)``.
public struct CampaignIDs: Hashable, Sendable {
    /// The experiment (a collection whose member is `workflow`).
    public var experiment: ProvID
    /// A person agent, associated with `workflow`.
    public var person: ProvID
    /// A software agent that acted on behalf of `person`, associated with `train`.
    public var software: ProvID
    /// The dataset `train` used.
    public var dataset: ProvID
    /// The workflow run, parent of `train` and `evaluate`; ends `failed`.
    public var workflow: ProvID
    /// The training task; ends `finished`.
    public var train: ProvID
    /// The step below `train`; ends `finished`.
    public var step: ProvID
    /// The evaluation task; ends `failed`.
    public var evaluate: ProvID
    /// The checkpoint `step` generated.
    public var checkpoint1: ProvID
    /// The checkpoint `train` generated, a revision of `checkpoint1`.
    public var checkpoint2: ProvID
    /// The model `train` generated, derived from `checkpoint2`, used by `evaluate`.
    public var model: ProvID
    /// A specialization of `model`.
    public var quantizedModel: ProvID
    /// The evaluation report `evaluate` generated.
    public var report: ProvID

    /// The four runs, in start order.
    public var runs: [ProvID] { [workflow, train, step, evaluate] }
    /// The six entities.
    public var entities: [ProvID] { [dataset, checkpoint1, checkpoint2, model, quantizedModel, report] }
    /// The two agents.
    public var agents: [ProvID] { [person, software] }
    /// Every node: the experiment, the runs, the entities and the agents.
    public var all: [ProvID] { [experiment] + runs + entities + agents }
}

/// The events of ``ProvFixtures/campaign(ids:experimentName:)``, their identifiers and what a store holds after
/// ingesting them into an empty store.
public struct CampaignFixture: Sendable {
    /// The default experiment name.
    public static let defaultExperimentName = "fixture-campaign"
    /// The workflow run's name.
    public static let workflowName = "train-workflow"
    /// The training task's name.
    public static let trainName = "train"
    /// The step's name.
    public static let stepName = "epoch-1"
    /// The evaluation task's name.
    public static let evaluateName = "evaluate"
    /// The dataset's name.
    public static let datasetName = "cifar10"
    /// The dataset's location.
    public static let datasetLocation = "data/cifar10"
    /// The dataset's content digest.
    public static let datasetDigest = "sha256:" + String(repeating: "ab", count: 32)
    /// The model's name.
    public static let modelName = "cnn"
    /// The model's location.
    public static let modelLocation = "models/cnn.onnx"
    /// The architecture of the model `train` trains, in layer order.
    public static let layers: [ArchitectureLayer] = [
        ArchitectureLayer(type: "conv2d", hyperparameters: ["filters": 32, "kernel": 3, "stride": 1]),
        ArchitectureLayer(type: "pool", hyperparameters: ["kernel": 2, "mode": "max"]),
        ArchitectureLayer(type: "dropout", hyperparameters: ["rate": 0.25]),
        ArchitectureLayer(type: "dense", hyperparameters: ["units": 10]),
    ]

    /// The events, in an order a store accepts (every node is defined before it is referred to).
    public var events: [ProvEvent]
    /// The identifiers of the campaign's nodes.
    public var ids: CampaignIDs
    /// The experiment's name.
    public var experimentName: String
    /// What `statistics()` reports after the events are ingested into an empty store.
    public var expectedStatistics: StoreStatistics
}

/// The events of ``ProvFixtures/sweep(ids:experimentName:)`` and their identifiers.
public struct SweepFixture: Sendable {
    /// The default experiment name.
    public static let defaultExperimentName = "lr-sweep"

    /// The events, in an order a store accepts.
    public var events: [ProvEvent]
    /// The sweep's experiment.
    public var experiment: ProvID
    /// The experiment's name.
    public var experimentName: String
    /// The four runs `s1` … `s4`, in start order.
    public var runs: [ProvID]
}
