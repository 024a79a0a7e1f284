public import ProvModel

/// What one ingest stored.
public struct IngestSummary: Hashable, Sendable, Codable {
    public var events: Int = 0
    public var experiments: Int = 0
    public var runs: Int = 0
    public var entities: Int = 0
    public var agents: Int = 0
    public var relations: Int = 0
    public var parameters: Int = 0
    public var tags: Int = 0
    public var metricPoints: Int = 0
    public var telemetrySamples: Int = 0
    public var architectures: Int = 0

    public init() {}
}

/// Counts of everything a store holds.
public struct StoreStatistics: Hashable, Sendable, Codable {
    public var experiments: Int
    public var runs: Int
    public var entities: Int
    public var agents: Int
    public var relations: Int
    public var parameters: Int
    public var tags: Int
    public var metricSeries: Int
    public var metricPoints: Int
    public var telemetrySamples: Int

    public init(
        experiments: Int, runs: Int, entities: Int, agents: Int, relations: Int, parameters: Int, tags: Int,
        metricSeries: Int, metricPoints: Int, telemetrySamples: Int
    ) {
        self.experiments = experiments
        self.runs = runs
        self.entities = entities
        self.agents = agents
        self.relations = relations
        self.parameters = parameters
        self.tags = tags
        self.metricSeries = metricSeries
        self.metricPoints = metricPoints
        self.telemetrySamples = telemetrySamples
    }
}

/// An experiment with its run count.
public struct ExperimentSummary: Hashable, Sendable, Codable {
    public var id: ProvID
    public var name: String
    public var description: String?
    public var createdAt: ProvTime?
    public var runCount: Int
    public var tags: [String: String]

    public init(
        id: ProvID, name: String, description: String?, createdAt: ProvTime?, runCount: Int, tags: [String: String]
    ) {
        self.id = id
        self.name = name
        self.description = description
        self.createdAt = createdAt
        self.runCount = runCount
        self.tags = tags
    }
}

/// A run as listed by a query.
public struct RunSummary: Hashable, Sendable, Codable {
    public var id: ProvID
    public var name: String?
    public var kind: RunKind
    public var status: RunStatus
    public var experimentID: ProvID
    public var experimentName: String
    public var parentID: ProvID?
    public var startedAt: ProvTime
    public var endedAt: ProvTime?

    public init(
        id: ProvID, name: String?, kind: RunKind, status: RunStatus, experimentID: ProvID, experimentName: String,
        parentID: ProvID?, startedAt: ProvTime, endedAt: ProvTime?
    ) {
        self.id = id
        self.name = name
        self.kind = kind
        self.status = status
        self.experimentID = experimentID
        self.experimentName = experimentName
        self.parentID = parentID
        self.startedAt = startedAt
        self.endedAt = endedAt
    }
}

/// A key-value pair of a run (parameter or tag) with the taxonomy term it was classified into.
public struct ClassifiedValue: Hashable, Sendable, Codable {
    public var key: String
    public var value: String
    /// The taxonomy term id, or `nil` when no term fits the key.
    public var term: String?

    public init(key: String, value: String, term: String?) {
        self.key = key
        self.value = value
        self.term = term
    }
}

/// A node in the provenance graph: an experiment, run, entity or agent, as a user identifies it.
public struct NodeSummary: Hashable, Sendable, Codable {
    public var id: ProvID
    public var type: NodeType
    /// The node's kind within its type: `workflow`, `dataset`, `person`, ... (`experiment` for experiments).
    public var kind: String
    public var name: String?
    /// An entity's location, when it has one.
    public var location: String?
    /// An entity's content digest (`sha256:…`), when it has one.
    public var digest: String?

    public init(
        id: ProvID, type: NodeType, kind: String, name: String?, location: String? = nil, digest: String? = nil
    ) {
        self.id = id
        self.type = type
        self.kind = kind
        self.name = name
        self.location = location
        self.digest = digest
    }
}

/// A relation seen from one run: the relation, whether the run is its subject, and the node at the other end.
public struct RunRelation: Hashable, Sendable, Codable {
    public var kind: RelationKind
    /// `true` when the run is the relation's subject (`run used X`), `false` when it is the object
    /// (`X wasGeneratedBy run`).
    public var runIsSubject: Bool
    public var other: NodeSummary
    public var time: ProvTime?

    public init(kind: RelationKind, runIsSubject: Bool, other: NodeSummary, time: ProvTime?) {
        self.kind = kind
        self.runIsSubject = runIsSubject
        self.other = other
        self.time = time
    }
}

/// Everything a store knows about one run.
public struct RunDetail: Hashable, Sendable, Codable {
    public var run: RunSummary
    public var parameters: [ClassifiedValue]
    public var tags: [ClassifiedValue]
    public var metrics: [MetricSummary]
    public var relations: [RunRelation]
    public var children: [RunSummary]
    public var architecture: [ArchitectureLayerRow]
    public var telemetrySampleCount: Int
    /// The distinct taxonomy terms of the run's parameters, tags, metrics and telemetry, sorted.
    public var terms: [String]

    public init(
        run: RunSummary, parameters: [ClassifiedValue], tags: [ClassifiedValue], metrics: [MetricSummary],
        relations: [RunRelation], children: [RunSummary], architecture: [ArchitectureLayerRow],
        telemetrySampleCount: Int, terms: [String]
    ) {
        self.run = run
        self.parameters = parameters
        self.tags = tags
        self.metrics = metrics
        self.relations = relations
        self.children = children
        self.architecture = architecture
        self.telemetrySampleCount = telemetrySampleCount
        self.terms = terms
    }
}

/// One stored architecture layer, in position order.
public struct ArchitectureLayerRow: Hashable, Sendable, Codable {
    public var position: Int
    public var type: String
    public var hyperparameters: [String: JSONValue]

    public init(position: Int, type: String, hyperparameters: [String: JSONValue]) {
        self.position = position
        self.type = type
        self.hyperparameters = hyperparameters
    }
}

/// Which way a lineage walk goes. A closed set.
public enum LineageDirection: String, Sendable, Codable, CaseIterable {
    /// Toward what the node came from (ancestors): subject → object.
    case up
    /// Toward what came from the node (descendants): object → subject.
    case down
    /// Both ways.
    case both
}

/// A node reached by a lineage walk, with its distance from the start.
public struct LineageNode: Hashable, Sendable, Codable {
    public var node: NodeSummary
    public var depth: Int

    public init(node: NodeSummary, depth: Int) {
        self.node = node
        self.depth = depth
    }
}

/// A relation in a lineage graph.
public struct LineageEdge: Hashable, Sendable, Codable {
    public var kind: RelationKind
    public var subject: ProvID
    public var object: ProvID

    public init(kind: RelationKind, subject: ProvID, object: ProvID) {
        self.kind = kind
        self.subject = subject
        self.object = object
    }
}

/// The result of a lineage walk: the start, the nodes reached (with depths) and the relations walked.
public struct LineageGraph: Hashable, Sendable, Codable {
    public var root: ProvID
    public var direction: LineageDirection
    public var depth: Int
    /// The nodes reached, the root first (depth 0), then by depth.
    public var nodes: [LineageNode]
    public var edges: [LineageEdge]

    public init(root: ProvID, direction: LineageDirection, depth: Int, nodes: [LineageNode], edges: [LineageEdge]) {
        self.root = root
        self.direction = direction
        self.depth = depth
        self.nodes = nodes
        self.edges = edges
    }
}
