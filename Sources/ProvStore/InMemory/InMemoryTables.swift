import Foundation
import ProvModel

// The in-memory store's state: the same tables as the relational schemas, as Swift values. A batch is applied to a
// copy and the copy replaces the state only when the whole batch was stored (``InMemoryStore``).

/// Everything an ``InMemoryStore`` holds.
struct InMemoryTables: Sendable {
    let classifier: KeyClassifier
    var nodeTypes: [ProvID: NodeType] = [:]
    var experiments: [ProvID: ExperimentRow] = [:]
    var runs: [ProvID: RunRow] = [:]
    var entities: [ProvID: EntityRecord] = [:]
    var agents: [ProvID: AgentRecord] = [:]
    /// Relations in the order they were first stored (a relation's position is its key).
    var relations: [RelationRow] = []
    var relationIndex: [RelationRow.Identity: Int] = [:]
    /// The positions of the relations of each subject and of each object.
    var relationsBySubject: [ProvID: [Int]] = [:]
    var relationsByObject: [ProvID: [Int]] = [:]
    /// Parameters by run, then key.
    var parameters: [ProvID: [String: String]] = [:]
    /// Tags by run or experiment, then key.
    var tags: [ProvID: [String: String]] = [:]
    /// Metric series by run, then key.
    var series: [ProvID: [String: SeriesRow]] = [:]
    /// The metric points logged for each model, in the order they were stored.
    var modelMetrics: [ProvID: [ModelMetricRow]] = [:]
    var modelMetricIdentities: Set<ModelMetricRow> = []
    /// Telemetry samples by run, in the order they were stored.
    var telemetry: [ProvID: [TelemetryRow]] = [:]
    var telemetryIdentities: Set<TelemetryIdentity> = []
    var telemetryKeys: [ProvID: Set<String>] = [:]
    var architectures: [ProvID: ArchitectureRow] = [:]
    /// The keys of the keyed batches stored.
    var batchKeys: Set<String> = []

    init(classifier: KeyClassifier) {
        self.classifier = classifier
    }
}

/// An experiment's row; times in microseconds since the epoch.
struct ExperimentRow: Sendable {
    var name: String
    var description: String?
    var createdAt: Int64?
    /// The MLflow id.
    var number: Int64
    /// `nil` for `mlflow-artifacts:/<number>`.
    var artifactLocation: String?
    var lifecycle: LifecycleStage = .active
    var deletedAt: Int64?
    var updatedAt: Int64?
}

/// A run's row; kind and status as the text stored, times in microseconds since the epoch.
struct RunRow: Sendable {
    var experiment: ProvID
    var parent: ProvID?
    var kind: String
    var name: String?
    var status: String
    var startedAt: Int64
    var endedAt: Int64?
    var lifecycle: LifecycleStage = .active
    var deletedAt: Int64?
}

/// A stored relation: one per subject, object and kind.
struct RelationRow: Sendable {
    struct Identity: Hashable, Sendable {
        var subject: ProvID
        var object: ProvID
        var kind: RelationKind
    }

    var record: RelationRecord
    var identity: Identity { Identity(subject: record.subject, object: record.object, kind: record.kind) }
}

/// A stored metric point; a NaN value or epoch is held as `nil`, as a database holds it as NULL.
struct StoredPoint: Hashable, Sendable {
    var step: Int64
    var time: Int64?
    var epoch: Double?
    var value: Double?

    /// What makes two points of a series the same point: step, time and value (not the epoch).
    struct Identity: Hashable, Sendable {
        var step: Int64
        var time: Int64?
        var value: Double?
    }

    var identity: Identity { Identity(step: step, time: time, value: value) }
}

/// A metric series: its points in the order stored and its summary.
struct SeriesRow: Sendable {
    var points: [StoredPoint] = []
    var identities: Set<StoredPoint.Identity> = []
    var count = 0
    var lastValue: Double?
    var lastStep: Int64?
    var lastTime: Int64?
    var minimum: Double?
    var maximum: Double?
}

/// A metric point logged for a model; also its identity (a NaN value is `nil`).
struct ModelMetricRow: Hashable, Sendable {
    var model: ProvID
    var run: ProvID
    var key: String
    var step: Int64
    var time: Int64?
    var value: Double?
    var datasetName: String?
    var datasetDigest: String?
}

/// A stored telemetry sample; the readings as JSON text (as the databases hold them).
struct TelemetryRow: Sendable {
    var time: Int64
    var phase: String
    var readings: String
}

struct TelemetryIdentity: Hashable, Sendable {
    var run: ProvID
    var time: Int64
    var phase: String
    var readings: String
}

struct ArchitectureRow: Sendable {
    var model: ProvID?
    var layers: [ArchitectureLayer]
}

extension InMemoryTables {
    /// A JSON object as a store that keeps it as JSON text reads it back (NaN and infinities become the strings
    /// JSON text writes for them).
    static func stored(_ attributes: [String: JSONValue]) -> [String: JSONValue] {
        guard !attributes.isEmpty else { return [:] }
        return objectFromJSON(JSONValue.object(attributes).jsonText)
    }

    /// The members of a JSON object in text; empty when the text is not an object.
    static func objectFromJSON(_ text: String) -> [String: JSONValue] {
        guard let value = try? JSONDecoder().decode(JSONValue.self, from: Data(text.utf8)),
            case .object(let members) = value
        else { return [:] }
        return members
    }

    /// The store's clock for bookkeeping times, in microseconds since the epoch.
    static var now: Int64 { ProvTime.now().microsecondsSinceEpoch }

    /// A number as a database column holds it: NaN as `nil`.
    static func column(_ value: Double?) -> Double? {
        guard let value, !value.isNaN else { return nil }
        return value
    }
}
