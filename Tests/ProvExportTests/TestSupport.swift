import Foundation
import Logging
import ProvExport
import ProvModel
import ProvStore
import ProvTesting
import Testing

/// A small but complete recorded campaign in an in-memory store: an experiment, a person, a program and a host,
/// a dataset with a split, a workflow run with two tasks (parameters, tags, metric series, telemetry, an
/// architecture, checkpoints with a revision), a model chosen from them, and relations of every kind.
struct Campaign {
    let store: InMemoryStore
    let ids = SequentialIDGenerator()
    var experiment: ProvID!
    var person: ProvID!
    var software: ProvID!
    var host: ProvID!
    var dataset: ProvID!
    var split: ProvID!
    var workflow: ProvID!
    var tasks: [ProvID] = []
    var models: [ProvID] = []
    var checkpoints: [ProvID] = []
    var best: ProvID!
    var plan: ProvID!
    var events: [ProvEvent] = []

    static let start = ProvTime(microsecondsSinceEpoch: 1_714_564_800_000_000)  // 2024-05-01T12:00:00Z

    static func time(_ seconds: Int64) -> ProvTime {
        ProvTime(microsecondsSinceEpoch: start.microsecondsSinceEpoch + seconds * 1_000_000)
    }

    /// Builds and ingests the campaign; `points` is the number of points of each task's `val_acc` series.
    init(points: Int = 5) async throws {
        store = InMemoryStore(taxonomy: try TestTaxonomy.make(), logger: Logger(label: "test"))
        experiment = ids.next()
        person = ids.next()
        software = ids.next()
        host = ids.next()
        dataset = ids.next()
        split = ids.next()
        workflow = ids.next()
        plan = ids.next()
        events = [
            .experiment(
                ExperimentRecord(id: experiment, name: "sweep", description: "a test sweep", createdAt: Self.start)),
            .tag(TagRecord(target: experiment, targetType: .experiment, key: "owner", value: "lab")),
            .agent(AgentRecord(id: person, kind: .person, name: "Ada")),
            .agent(AgentRecord(id: software, kind: .software, name: "trainer", attributes: ["version": "1.2"])),
            .agent(AgentRecord(id: host, kind: .host, name: "node-1", attributes: ["cpu_count": 8])),
            .relation(RelationRecord(.actedOnBehalfOf, subject: software, object: person)),
            .entity(
                EntityRecord(
                    id: dataset, kind: .dataset, name: "blobs", location: "/data/blobs.csv",
                    digest: "sha256:9f86d081884c7d65", sizeBytes: 1234, createdAt: Self.start,
                    attributes: [
                        "classes": 3, "ratio": 0.8, "generated": true, "tags": ["a", "b"], "note": "x \"y\"",
                    ])),
            .entity(EntityRecord(id: split, kind: .dataset, name: "blobs/train")),
            .relation(RelationRecord(.wasDerivedFrom, subject: split, object: dataset)),
            .entity(EntityRecord(id: plan, kind: .plan, name: "train.py", location: "https://example.org/train.py")),
            .runStart(
                RunStart(
                    id: workflow, experiment: experiment, kind: .workflow, name: "sweep-run", startedAt: Self.start)),
            .tag(TagRecord(target: workflow, key: "mlflow.runName", value: "sweep-run")),
            .relation(
                RelationRecord(
                    .wasAssociatedWith, subject: workflow, object: software, attributes: ["plan": .string(plan.hex)])),
            .relation(RelationRecord(.wasAssociatedWith, subject: workflow, object: host)),
            .relation(RelationRecord(.used, subject: workflow, object: dataset, time: Self.time(1))),
            .relation(RelationRecord(.used, subject: workflow, object: plan)),
        ]
        var previous: ProvID? = nil
        for index in 0..<2 {
            let task = ids.next()
            let model = ids.next()
            let checkpoint = ids.next()
            tasks.append(task)
            models.append(model)
            checkpoints.append(checkpoint)
            events += [
                .runStart(
                    RunStart(
                        id: task, experiment: experiment, parent: workflow, kind: .task, name: "train-\(index)",
                        startedAt: Self.time(10))),
                .relation(RelationRecord(.wasInformedBy, subject: task, object: workflow)),
                .relation(RelationRecord(.wasAssociatedWith, subject: task, object: software)),
                .relation(
                    RelationRecord(
                        .used, subject: task, object: split, time: Self.time(11), attributes: ["role": "training"])),
                .parameter(ParameterRecord(run: task, key: "learning_rate", value: index == 0 ? "0.1" : "0.01")),
                .parameter(ParameterRecord(run: task, key: "optimizer", value: "SGD")),
                .parameter(ParameterRecord(run: task, key: "data/path with space", value: "/x y")),
                .tag(TagRecord(target: task, key: "provkit.generated", value: "true")),
                .entity(EntityRecord(id: model, kind: .model, name: "model-\(index)")),
                .architecture(
                    ArchitectureRecord(
                        run: task, model: model,
                        layers: [
                            ArchitectureLayer(type: "dense", hyperparameters: ["units": 16]),
                            ArchitectureLayer(type: "activation", hyperparameters: ["function": "relu"]),
                        ])),
                .telemetry(
                    TelemetrySample(run: task, time: Self.time(10), phase: .start, values: ["cpu_percent": 12.5])),
                .telemetry(
                    TelemetrySample(
                        run: task, time: Self.time(60), phase: .end,
                        values: ["cpu_percent": 80, "gpu/0 power_watts": 120])),
                .entity(
                    EntityRecord(id: checkpoint, kind: .checkpoint, name: "ckpt-\(index)", createdAt: Self.time(30))),
                .relation(RelationRecord(.wasGeneratedBy, subject: checkpoint, object: task, time: Self.time(30))),
                .relation(RelationRecord(.specializationOf, subject: checkpoint, object: model)),
                .relation(RelationRecord(.wasGeneratedBy, subject: model, object: task, time: Self.time(60))),
            ]
            if let previous {
                events.append(.relation(RelationRecord(.wasRevisionOf, subject: checkpoint, object: previous)))
            }
            previous = checkpoint
            for step in 0..<points {
                events.append(
                    .metric(
                        MetricPoint(
                            run: task, key: "val_acc", value: 0.5 + Double(step) / Double(2 * max(points, 1)),
                            step: Int64(step), time: Self.time(10 + Int64(step)), epoch: Double(step))))
            }
            events.append(.metric(MetricPoint(run: task, key: "train/loss", value: .nan, step: 0)))
            events.append(.metric(MetricPoint(run: task, key: "train/loss", value: 0.25, step: 1)))
            events.append(.runEnd(RunEnd(run: task, status: index == 0 ? .finished : .failed, endedAt: Self.time(60))))
        }
        best = ids.next()
        events += [
            .entity(EntityRecord(id: best, kind: .model, name: "best-model", location: "demo://best")),
            .relation(RelationRecord(.wasDerivedFrom, subject: best, object: models[0])),
            .relation(RelationRecord(.wasAttributedTo, subject: best, object: person)),
            .relation(RelationRecord(.hadMember, subject: experiment, object: best)),
            .relation(RelationRecord(.wasEndedBy, subject: workflow, object: best, time: Self.time(61))),
            .runEnd(RunEnd(run: workflow, status: .finished, endedAt: Self.time(62))),
        ]
        try await store.ingest(events)
    }

    /// The records of a scope, with every metric point.
    func records(_ scope: RecordScope) async throws -> ProvenanceRecords {
        try await store.records(for: scope, includePoints: true)
    }
}

/// A taxonomy with terms in several layers, layer types and curve classes, for exports that name terms.
enum TestTaxonomy {
    static func make(namespace: String = Taxonomy.provKitNamespace) throws -> Taxonomy {
        try Taxonomy(
            version: "9.9.9", namespace: namespace,
            terms: [
                TaxonomyTerm(
                    id: "model.hyperparameter.learning_rate", layer: .model, facet: "hyperparameter",
                    label: "Learning rate", valueType: .number, description: "Step size of the optimizer.",
                    aliases: ["lr", "learning_rate"], mappings: ["http://www.w3.org/ns/mls#HyperParameter"]),
                TaxonomyTerm(
                    id: "model.performance.accuracy", layer: .model, facet: "performance", label: "Accuracy",
                    valueType: .number, unit: "1", description: "Fraction of correct predictions.",
                    patterns: [".*acc"],
                    mappings: ["http://www.w3.org/ns/mls#EvaluationMeasure", "http://example.org/ns#accuracy"]),
                TaxonomyTerm(
                    id: "system.telemetry.cpu_percent", layer: .system, facet: "telemetry", label: "CPU use",
                    valueType: .number, unit: "%", description: "Share of CPU time.", aliases: ["cpu_percent"]),
            ],
            layerTypes: [
                LayerTypeTerm(
                    name: "dense", description: "Fully connected layer.", hyperparameters: ["units"],
                    aliases: ["linear"],
                    mappings: ["https://onnx.ai/onnx/operators/onnx__Gemm.html"])
            ],
            curveClasses: [
                CurveClassTerm(
                    name: "overfitter", rule: "Validation loss rises after its minimum.", defaults: ["window": 5])
            ]
        )
    }
}

/// Parses JSON text into a ``JSONValue``.
func parseJSON(_ text: String) throws -> JSONValue {
    try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
}

extension JSONValue {
    subscript(key: String) -> JSONValue? { objectValue?[key] }

    var arrayValue: [JSONValue]? {
        if case .array(let items) = self { items } else { nil }
    }

    /// The values of a PROV-JSON attribute (one value or an array).
    var provValues: [JSONValue] { arrayValue ?? [self] }

    /// The `$` of a typed PROV-JSON value, or the string itself.
    var provText: String? { self["$"]?.stringValue ?? stringValue }
}

/// Runs `body`, expecting a ``ProvImportError``, and returns its message.
func importError(
    sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws(ProvImportError) -> Void
) -> String {
    do {
        try body()
        Issue.record("expected a ProvImportError", sourceLocation: sourceLocation)
        return ""
    } catch {
        return error.description
    }
}
