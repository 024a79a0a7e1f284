/// An experiment: a named campaign that groups runs (a PROV collection, an MLflow experiment).
public struct ExperimentRecord: Hashable, Sendable {
    public var id: ProvID
    /// A name unique within the store.
    public var name: String
    public var description: String?
    public var createdAt: ProvTime?

    public init(id: ProvID, name: String, description: String? = nil, createdAt: ProvTime? = nil) {
        self.id = id
        self.name = name
        self.description = description
        self.createdAt = createdAt
    }
}

/// The start of a run: a workflow, task or step (a PROV activity, an MLflow run).
public struct RunStart: Hashable, Sendable {
    public var id: ProvID
    /// The experiment the run belongs to.
    public var experiment: ProvID
    /// The enclosing run, for tasks and steps.
    public var parent: ProvID?
    public var kind: RunKind
    public var name: String?
    public var startedAt: ProvTime
    /// The status at start: `running` unless the run is only scheduled.
    public var status: RunStatus

    public init(
        id: ProvID, experiment: ProvID, parent: ProvID? = nil, kind: RunKind? = nil, name: String? = nil,
        startedAt: ProvTime, status: RunStatus = .running
    ) {
        self.id = id
        self.experiment = experiment
        self.parent = parent
        self.kind = kind ?? (parent == nil ? .workflow : .task)
        self.name = name
        self.startedAt = startedAt
        self.status = status
    }
}

/// The end of a run, with its final status.
public struct RunEnd: Hashable, Sendable {
    public var run: ProvID
    public var status: RunStatus
    /// When the run ended; `nil` when the source records no end time (the duration is then unknown).
    public var endedAt: ProvTime?

    public init(run: ProvID, status: RunStatus, endedAt: ProvTime?) {
        self.run = run
        self.status = status
        self.endedAt = endedAt
    }
}

/// A thing that runs use and generate: a dataset, model, checkpoint, file, ... (a PROV entity).
public struct EntityRecord: Hashable, Sendable {
    public var id: ProvID
    public var kind: EntityKind
    public var name: String?
    /// Where the thing lives: a path or URI.
    public var location: String?
    /// A content digest in `algorithm:hex` form, such as `sha256:9f86…`.
    public var digest: String?
    /// The size in bytes, when known.
    public var sizeBytes: Int64?
    public var createdAt: ProvTime?
    /// Free-form attributes, such as `{"classes": 100}` for a dataset.
    public var attributes: [String: JSONValue]

    public init(
        id: ProvID, kind: EntityKind, name: String? = nil, location: String? = nil, digest: String? = nil,
        sizeBytes: Int64? = nil, createdAt: ProvTime? = nil, attributes: [String: JSONValue] = [:]
    ) {
        self.id = id
        self.kind = kind
        self.name = name
        self.location = location
        self.digest = digest
        self.sizeBytes = sizeBytes
        self.createdAt = createdAt
        self.attributes = attributes
    }
}

/// Someone or something responsible for work: a person, program or host (a PROV agent).
public struct AgentRecord: Hashable, Sendable {
    public var id: ProvID
    public var kind: AgentKind
    public var name: String
    public var attributes: [String: JSONValue]

    public init(id: ProvID, kind: AgentKind, name: String, attributes: [String: JSONValue] = [:]) {
        self.id = id
        self.kind = kind
        self.name = name
        self.attributes = attributes
    }
}

/// A PROV relation between two nodes, read `subject kind object`.
public struct RelationRecord: Hashable, Sendable {
    public var kind: RelationKind
    public var subject: ProvID
    public var object: ProvID
    public var time: ProvTime?
    /// Qualifiers such as `{"role": "training-data"}` or `{"plan": "<id>"}`.
    public var attributes: [String: JSONValue]

    public init(
        _ kind: RelationKind, subject: ProvID, object: ProvID, time: ProvTime? = nil,
        attributes: [String: JSONValue] = [:]
    ) {
        self.kind = kind
        self.subject = subject
        self.object = object
        self.time = time
        self.attributes = attributes
    }
}

/// A parameter of a run (an MLflow param, an ML-Schema hyperparameter setting). Values are text, as in MLflow.
public struct ParameterRecord: Hashable, Sendable {
    public var run: ProvID
    public var key: String
    public var value: String

    public init(run: ProvID, key: String, value: String) {
        self.run = run
        self.key = key
        self.value = value
    }
}

/// What a tag is attached to. A closed set.
public enum TagTarget: String, Hashable, Sendable, Codable, CaseIterable {
    case run
    case experiment
}

/// A tag on a run or an experiment.
public struct TagRecord: Hashable, Sendable {
    /// The run or experiment tagged.
    public var target: ProvID
    /// Whether ``target`` is a run or an experiment.
    public var targetType: TagTarget
    public var key: String
    public var value: String

    public init(target: ProvID, targetType: TagTarget = .run, key: String, value: String) {
        self.target = target
        self.targetType = targetType
        self.key = key
        self.value = value
    }
}

/// One point of a metric series: a value at a step (and optionally a time and an epoch).
public struct MetricPoint: Hashable, Sendable {
    public var run: ProvID
    public var key: String
    /// The value; NaN and infinities are allowed (a diverged loss is provenance too).
    public var value: Double
    public var step: Int64
    /// When the value was measured; absent when unknown.
    public var time: ProvTime?
    /// The training epoch the value belongs to, possibly fractional (0.5 for half an epoch).
    public var epoch: Double?
    /// The model entity the value measures (an MLflow metric logged with a `model_id`), when there is one.
    public var model: ProvID?
    /// The dataset the value was measured on, by name and digest, when the point measures a ``model``.
    public var dataset: MetricDataset?

    public init(
        run: ProvID, key: String, value: Double, step: Int64 = 0, time: ProvTime? = nil, epoch: Double? = nil,
        model: ProvID? = nil, dataset: MetricDataset? = nil
    ) {
        self.run = run
        self.key = key
        self.value = value
        self.step = step
        self.time = time
        self.epoch = epoch
        self.model = model
        self.dataset = dataset
    }

    public static func == (lhs: MetricPoint, rhs: MetricPoint) -> Bool {
        lhs.run == rhs.run && lhs.key == rhs.key && lhs.step == rhs.step && lhs.time == rhs.time
            && lhs.epoch == rhs.epoch && (lhs.value == rhs.value || (lhs.value.isNaN && rhs.value.isNaN))
            && lhs.model == rhs.model && lhs.dataset == rhs.dataset
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(run)
        hasher.combine(key)
        hasher.combine(step)
        hasher.combine(time)
        hasher.combine(model)
    }
}

/// The dataset a model metric was measured on, as MLflow names it: a name and a digest (both free text).
public struct MetricDataset: Hashable, Sendable {
    public var name: String
    public var digest: String

    public init(name: String, digest: String) {
        self.name = name
        self.digest = digest
    }
}

/// A change to a run after its start. Fields left `nil` are unchanged.
public struct RunUpdate: Hashable, Sendable {
    public var run: ProvID
    /// The run's new name.
    public var name: String?
    /// The run's new status (`running` again when a finished run is resumed).
    public var status: RunStatus?
    /// The run's new end time.
    public var endedAt: ProvTime?
    /// The enclosing run, when the run is moved under one (MLflow's `mlflow.parentRunId` tag set after the start).
    public var parent: ProvID?

    public init(
        run: ProvID, name: String? = nil, status: RunStatus? = nil, endedAt: ProvTime? = nil, parent: ProvID? = nil
    ) {
        self.run = run
        self.name = name
        self.status = status
        self.endedAt = endedAt
        self.parent = parent
    }
}

/// The removal of one tag from a run or an experiment. Removing a tag that is not there changes nothing.
public struct TagDeletion: Hashable, Sendable {
    /// The run or experiment whose tag goes.
    public var target: ProvID
    /// Whether ``target`` is a run or an experiment.
    public var targetType: TagTarget
    public var key: String

    public init(target: ProvID, targetType: TagTarget = .run, key: String) {
        self.target = target
        self.targetType = targetType
        self.key = key
    }
}

/// Whether a run or an experiment is in use or deleted (MLflow's lifecycle stage). A closed set.
///
/// Deleting keeps everything recorded: a deleted run or experiment is hidden from MLflow searches by default and
/// takes no new data until it is restored; its lineage stays.
public enum LifecycleStage: String, Hashable, Sendable, Codable, CaseIterable {
    case active
    case deleted
}

/// A run or an experiment moved to a lifecycle stage: deleted, or restored to active.
public struct LifecycleChange: Hashable, Sendable {
    /// The run or experiment.
    public var target: ProvID
    /// Whether ``target`` is a run or an experiment (the set of kinds tags can target, reused).
    public var targetType: TagTarget
    public var stage: LifecycleStage
    /// When it happened, when known.
    public var time: ProvTime?

    public init(target: ProvID, targetType: TagTarget, stage: LifecycleStage, time: ProvTime? = nil) {
        self.target = target
        self.targetType = targetType
        self.stage = stage
        self.time = time
    }
}

/// When a telemetry sample was taken relative to its run or task. A closed set.
public enum TelemetryPhase: String, Sendable, Codable, CaseIterable {
    case start
    case end
    case periodic
}

/// A telemetry sample: readings of system resources taken at one time for one run.
///
/// Readings a collector could not take are absent from `values`, never 0.
public struct TelemetrySample: Hashable, Sendable {
    public var run: ProvID
    public var time: ProvTime
    public var phase: TelemetryPhase
    /// Readings by key, such as `cpu_percent` or `gpu_0_power_watts`, in SI units.
    public var values: [String: Double]

    public init(run: ProvID, time: ProvTime, phase: TelemetryPhase = .periodic, values: [String: Double]) {
        self.run = run
        self.time = time
        self.phase = phase
        self.values = values
    }
}

/// One layer of a neural network in the architectural taxonomy.
public struct ArchitectureLayer: Hashable, Sendable {
    /// The layer type, a name from ``Taxonomy/layerTypes`` such as `conv2d`, `pool`, `dropout` or `dense`.
    public var type: String
    /// Per-layer hyperparameters such as `kernel`, `stride`, `padding`, `filters`, `units` or `rate`.
    public var hyperparameters: [String: JSONValue]

    public init(type: String, hyperparameters: [String: JSONValue] = [:]) {
        self.type = type
        self.hyperparameters = hyperparameters
    }
}

/// The architecture of the model a run trains: its layers in order.
public struct ArchitectureRecord: Hashable, Sendable {
    public var run: ProvID
    /// The model entity the architecture describes, when one is recorded.
    public var model: ProvID?
    public var layers: [ArchitectureLayer]

    public init(run: ProvID, model: ProvID? = nil, layers: [ArchitectureLayer]) {
        self.run = run
        self.model = model
        self.layers = layers
    }
}
