public import ProvModel

/// The tracking view of a store: what the MLflow-compatible API reads, beside the provenance graph it is built on.
///
/// Everything a tracking client logs is stored as native events (``ProvEvent``); what is kept beside the events is
/// bookkeeping a tracking API needs and provenance does not:
/// - every experiment has a **number**, its MLflow id: `0` is the default experiment, the others count up from 1 in
///   the order they were created;
/// - every experiment has an **artifact location**: the one given when it was created, else
///   `mlflow-artifacts:/<number>`; a run's artifact URI is `<location>/<run id>/artifacts`;
/// - experiments remember when they were last changed (renamed, tagged, deleted or restored).
///
/// Logged models are model entities that follow the convention of ``TrackedModel/Attribute``.

/// A key and a text value: a parameter or a tag.
public struct KeyValue: Hashable, Sendable, Codable {
    public var key: String
    public var value: String

    public init(key: String, value: String) {
        self.key = key
        self.value = value
    }
}

/// How to name an experiment.
public enum ExperimentReference: Hashable, Sendable {
    case id(ProvID)
    /// The experiment's number (its MLflow id).
    case number(Int64)
    case name(String)
}

/// An experiment as a tracking API shows it.
public struct TrackedExperiment: Hashable, Sendable {
    public var id: ProvID
    /// The experiment's MLflow id: `0` for the default experiment, then 1, 2, ... in creation order.
    public var number: Int64
    public var name: String
    /// Where the experiment's artifacts live: `mlflow-artifacts:/<number>` unless another location was given.
    public var artifactLocation: String
    public var lifecycle: LifecycleStage
    public var createdAt: ProvTime?
    /// When the experiment was last renamed, tagged, deleted or restored (its creation time before that).
    public var updatedAt: ProvTime?
    /// The experiment's tags, by key.
    public var tags: [KeyValue]

    public init(
        id: ProvID, number: Int64, name: String, artifactLocation: String, lifecycle: LifecycleStage,
        createdAt: ProvTime?, updatedAt: ProvTime?, tags: [KeyValue]
    ) {
        self.id = id
        self.number = number
        self.name = name
        self.artifactLocation = artifactLocation
        self.lifecycle = lifecycle
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.tags = tags
    }
}

/// The latest point of a run's metric series.
public struct TrackedMetric: Hashable, Sendable {
    public var key: String
    public var value: Double
    public var step: Int64
    public var time: ProvTime?

    public init(key: String, value: Double, step: Int64, time: ProvTime?) {
        self.key = key
        self.value = value
        self.step = step
        self.time = time
    }

    public static func == (lhs: TrackedMetric, rhs: TrackedMetric) -> Bool {
        lhs.key == rhs.key && lhs.step == rhs.step && lhs.time == rhs.time
            && (lhs.value == rhs.value || (lhs.value.isNaN && rhs.value.isNaN))
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(key)
        hasher.combine(step)
        hasher.combine(time)
    }
}

/// An entity a run used or generated, with the attributes of that relation (such as `{"role": "training"}`).
public struct RunLink: Hashable, Sendable {
    public var entity: EntityRecord
    public var attributes: [String: JSONValue]
    public var time: ProvTime?

    public init(entity: EntityRecord, attributes: [String: JSONValue], time: ProvTime?) {
        self.entity = entity
        self.attributes = attributes
        self.time = time
    }
}

/// A run as a tracking API shows it: its record, its data and the datasets and models it used and generated.
public struct TrackedRun: Hashable, Sendable {
    public var id: ProvID
    public var experimentID: ProvID
    /// The experiment's number (its MLflow id).
    public var experimentNumber: Int64
    /// The experiment's artifact location; the run's artifact URI is `<location>/<run id>/artifacts`.
    public var experimentArtifactLocation: String
    public var name: String?
    /// The name of the person agent the run is associated with, when there is one.
    public var user: String?
    public var status: RunStatus
    public var startedAt: ProvTime
    public var endedAt: ProvTime?
    public var lifecycle: LifecycleStage
    /// Parameters, by key.
    public var parameters: [KeyValue]
    /// Tags, by key.
    public var tags: [KeyValue]
    /// The latest point of each metric, by key.
    public var metrics: [TrackedMetric]
    /// The datasets and models the run used (`run used entity`), datasets first, then by name.
    public var inputs: [RunLink]
    /// The models the run generated (`model wasGeneratedBy run`), oldest first.
    public var outputModels: [RunLink]

    public init(
        id: ProvID, experimentID: ProvID, experimentNumber: Int64, experimentArtifactLocation: String, name: String?,
        user: String?, status: RunStatus, startedAt: ProvTime, endedAt: ProvTime?, lifecycle: LifecycleStage,
        parameters: [KeyValue] = [], tags: [KeyValue] = [], metrics: [TrackedMetric] = [], inputs: [RunLink] = [],
        outputModels: [RunLink] = []
    ) {
        self.id = id
        self.experimentID = experimentID
        self.experimentNumber = experimentNumber
        self.experimentArtifactLocation = experimentArtifactLocation
        self.name = name
        self.user = user
        self.status = status
        self.startedAt = startedAt
        self.endedAt = endedAt
        self.lifecycle = lifecycle
        self.parameters = parameters
        self.tags = tags
        self.metrics = metrics
        self.inputs = inputs
        self.outputModels = outputModels
    }

    /// The run's artifact URI: `<experiment artifact location>/<run id>/artifacts`.
    public var artifactURI: String { "\(experimentArtifactLocation)/\(id.hex)/artifacts" }
}

/// A metric point recorded for a logged model.
public struct TrackedModelMetric: Hashable, Sendable {
    public var key: String
    public var value: Double
    public var step: Int64
    public var time: ProvTime?
    /// The run that logged it.
    public var run: ProvID
    public var dataset: MetricDataset?

    public init(key: String, value: Double, step: Int64, time: ProvTime?, run: ProvID, dataset: MetricDataset?) {
        self.key = key
        self.value = value
        self.step = step
        self.time = time
        self.run = run
        self.dataset = dataset
    }

    public static func == (lhs: TrackedModelMetric, rhs: TrackedModelMetric) -> Bool {
        lhs.key == rhs.key && lhs.step == rhs.step && lhs.time == rhs.time && lhs.run == rhs.run
            && lhs.dataset == rhs.dataset && (lhs.value == rhs.value || (lhs.value.isNaN && rhs.value.isNaN))
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(key)
        hasher.combine(step)
        hasher.combine(run)
    }
}

/// A logged model: a model entity that an experiment has as a member (`experiment hadMember model`), generated by
/// its source run (`model wasGeneratedBy run`), with the metrics logged for it.
///
/// The tracking fields live in the entity's attributes under the keys of ``Attribute``, so that the native event
/// stream carries them (a logged model is re-created exactly by re-ingesting its events).
public struct TrackedModel: Hashable, Sendable {
    /// The entity attribute keys of a logged model. A closed set.
    public enum Attribute {
        /// Text: the model's status, such as `LOGGED_MODEL_READY`.
        public static let status = "status"
        /// Text: why the status is what it is.
        public static let statusMessage = "status_message"
        /// Text: the model's type.
        public static let modelType = "model_type"
        /// Object of text values: the model's parameters.
        public static let parameters = "params"
        /// Object of text values: the model's tags.
        public static let tags = "tags"
        /// Number: when the model last changed, in milliseconds since the epoch.
        public static let updatedAt = "last_updated_ms"
    }

    public var entity: EntityRecord
    /// The experiment the model belongs to, when it belongs to one.
    public var experimentID: ProvID?
    /// That experiment's number.
    public var experimentNumber: Int64?
    /// The run that generated the model.
    public var sourceRun: ProvID?
    /// Every metric point logged for the model, by key, then step.
    public var metrics: [TrackedModelMetric]

    public init(
        entity: EntityRecord, experimentID: ProvID?, experimentNumber: Int64?, sourceRun: ProvID?,
        metrics: [TrackedModelMetric]
    ) {
        self.entity = entity
        self.experimentID = experimentID
        self.experimentNumber = experimentNumber
        self.sourceRun = sourceRun
        self.metrics = metrics
    }

    public static func == (lhs: TrackedModel, rhs: TrackedModel) -> Bool {
        lhs.entity == rhs.entity && lhs.experimentID == rhs.experimentID
            && lhs.experimentNumber == rhs.experimentNumber && lhs.sourceRun == rhs.sourceRun
            && lhs.metrics == rhs.metrics
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(entity.id)
    }
}

/// The convention for datasets runs used, as tracking clients log them: an entity of kind `dataset` (named as the
/// client names it) and a `used` relation from the run.
public enum TrackedDataset {
    /// Attribute keys. A closed set.
    public enum Attribute {
        /// Entity attribute, text: the client's digest of the data (MLflow's short hash, not a content digest).
        public static let digest = "digest"
        /// Entity attribute, text: what kind of source the data came from (`local`, `http`, `code`, ...).
        public static let sourceType = "source_type"
        /// Entity attribute, text: the source, as the client describes it (MLflow sends JSON text).
        public static let source = "source"
        /// Entity attribute, text: the data's schema, as the client describes it.
        public static let schema = "schema"
        /// Entity attribute, text: the data's profile (row counts and the like), as the client describes it.
        public static let profile = "profile"
        /// Relation attribute, text: the context the run used the data in (`training`, `evaluation`, ...).
        public static let context = "role"
        /// Relation attribute, object of text values: the tags the client gave the input.
        public static let tags = "tags"
    }
}

/// A run search: MLflow's `runs/search`.
public struct RunSearch: Hashable, Sendable {
    /// The experiments searched, by number. Empty searches none.
    public var experiments: [Int64]
    /// The clauses, all of which a run must satisfy. Keys: attributes `id`, `name`, `status`, `user`,
    /// `artifactURI`, `startTime`, `endTime`; metrics, parameters, tags and dataset fields.
    public var filter: [SearchClause]
    /// The ordering; ties (and an empty ordering) go by start time, newest first, then by run id.
    public var orderBy: [SearchOrder]
    public var lifecycle: LifecycleFilter
    /// At most this many runs (at least 1).
    public var limit: Int
    /// How many matching runs to skip.
    public var offset: Int

    public init(
        experiments: [Int64], filter: [SearchClause] = [], orderBy: [SearchOrder] = [],
        lifecycle: LifecycleFilter = .activeOnly, limit: Int = 1000, offset: Int = 0
    ) {
        self.experiments = experiments
        self.filter = filter
        self.orderBy = orderBy
        self.lifecycle = lifecycle
        self.limit = limit
        self.offset = offset
    }
}

/// An experiment search: MLflow's `experiments/search`.
public struct ExperimentSearch: Hashable, Sendable {
    /// Keys: attributes `id`, `name`, `creationTime`, `lastUpdateTime`, and tags.
    public var filter: [SearchClause]
    /// Ties (and an empty ordering) go by creation time, newest first, then by number.
    public var orderBy: [SearchOrder]
    public var lifecycle: LifecycleFilter
    public var limit: Int
    public var offset: Int

    public init(
        filter: [SearchClause] = [], orderBy: [SearchOrder] = [], lifecycle: LifecycleFilter = .activeOnly,
        limit: Int = 1000, offset: Int = 0
    ) {
        self.filter = filter
        self.orderBy = orderBy
        self.lifecycle = lifecycle
        self.limit = limit
        self.offset = offset
    }
}

/// A logged-model search: MLflow's `logged-models/search`.
public struct ModelSearch: Hashable, Sendable {
    /// The experiments searched, by number. Empty searches none.
    public var experiments: [Int64]
    /// Keys: attributes `id`, `name`, `status`, `modelType`, `sourceRun`, `creationTime`, `lastUpdateTime`;
    /// metrics (any point logged for the model), parameters and tags.
    public var filter: [SearchClause]
    /// Ties (and an empty ordering) go by creation time, newest first, then by id.
    public var orderBy: [SearchOrder]
    public var limit: Int
    public var offset: Int

    public init(
        experiments: [Int64], filter: [SearchClause] = [], orderBy: [SearchOrder] = [], limit: Int = 100,
        offset: Int = 0
    ) {
        self.experiments = experiments
        self.filter = filter
        self.orderBy = orderBy
        self.limit = limit
        self.offset = offset
    }
}

/// One page of search results.
public struct SearchPage<Item: Hashable & Sendable>: Hashable, Sendable {
    public var items: [Item]
    /// Whether more results follow this page.
    public var hasMore: Bool

    public init(items: [Item], hasMore: Bool) {
        self.items = items
        self.hasMore = hasMore
    }
}
