public import ProvModel

// What the ingest planner needs to know about a store before it checks a batch: the planner names it
// (``IngestLookups``), the back-end answers it in bulk inside its transaction (``IngestFacts``).

/// A key held by a node: a parameter of a run, or a tag of a run or an experiment.
public struct HeldKey: Hashable, Sendable {
    public var node: ProvID
    public var key: String

    public init(node: ProvID, key: String) {
        self.node = node
        self.key = key
    }
}

/// What a batch asks of the store before it is planned; a back-end answers it with ``IngestFacts``.
public struct IngestLookups: Sendable, Equatable {
    /// Every node the batch names (and every run a parent tag names).
    public var nodes: Set<ProvID> = []
    /// Runs whose row the batch reads and then changes (an end, an update, an architecture): a store with concurrent writers locks
    /// them, in a fixed order, before it reads them.
    public var changedRuns: Set<ProvID> = []
    /// Experiments the batch defines: a store with concurrent writers serializes the numbering of new ones.
    public var experiments: Set<ProvID> = []
    /// Names the batch gives experiments.
    public var experimentNames: Set<String> = []
    /// Parameters the batch sets.
    public var parameters: Set<HeldKey> = []
    /// Tags whose held value the batch needs whatever their node's stage.
    public var tags: Set<HeldKey> = []
    /// Tags whose held value the batch needs only when their node is deleted (a tag re-sent to a deleted run).
    public var tagsOfDeletedNodes: Set<HeldKey> = []
    /// Runs that may become parents: the store answers each one's ancestors. A store with concurrent writers
    /// serializes changes of parent before it reads them.
    public var ancestors: Set<ProvID> = []

    public init() {}
}

/// The store's answers to ``IngestLookups``, as the store holds them when the batch begins.
public struct IngestFacts: Sendable, Equatable {
    /// The nodes held, of those asked for (an id not held has no entry).
    public var nodes: [ProvID: StoredNode] = [:]
    /// The experiment holding each name asked for, when one does.
    public var experimentNames: [String: ProvID] = [:]
    /// The held values of the parameters asked for.
    public var parameters: [HeldKey: String] = [:]
    /// The held values of the tags asked for (those of ``IngestLookups/tagsOfDeletedNodes`` may be left out when
    /// their node is active).
    public var tags: [HeldKey: String] = [:]
    /// Each would-be parent's ancestors, nearest first (as ``IngestRules/ancestorsQuery`` reads them).
    public var ancestors: [ProvID: [ProvID]] = [:]

    public init() {}
}

/// A node as the ingest rules see it.
public struct StoredNode: Sendable, Equatable {
    public var type: NodeType
    /// `false` for a deleted run or experiment.
    public var active: Bool
    /// The run's row, for a run.
    public var run: StoredRun?
    /// The experiment's row, for an experiment.
    public var experiment: StoredExperiment?

    public init(type: NodeType, active: Bool = true, run: StoredRun? = nil, experiment: StoredExperiment? = nil) {
        self.type = type
        self.active = active
        self.run = run
        self.experiment = experiment
    }
}

/// The columns of a run that the ingest rules read; times in microseconds since the epoch.
public struct StoredRun: Sendable, Equatable {
    public var experiment: ProvID
    public var parent: ProvID?
    /// The stored kind and status, as text (compared and written back as held).
    public var kind: String
    public var name: String?
    public var status: String
    public var startedAt: Int64
    public var endedAt: Int64?
    public var deletedAt: Int64?

    public init(
        experiment: ProvID, parent: ProvID?, kind: String, name: String?, status: String, startedAt: Int64,
        endedAt: Int64?, deletedAt: Int64?
    ) {
        self.experiment = experiment
        self.parent = parent
        self.kind = kind
        self.name = name
        self.status = status
        self.startedAt = startedAt
        self.endedAt = endedAt
        self.deletedAt = deletedAt
    }
}

/// The columns of an experiment that the ingest rules read.
public struct StoredExperiment: Sendable, Equatable {
    public var name: String
    public var deletedAt: Int64?

    public init(name: String, deletedAt: Int64?) {
        self.name = name
        self.deletedAt = deletedAt
    }
}

extension IngestFacts {
    /// The SQL that reads ``StoredNode``s, for the SQL back-ends (tables `node`, `run`, `experiment` of both
    /// schemas), filtered by `condition` on `n.id`; ``node(_:)`` reads its rows.
    package static func nodeQuery(where condition: String) -> String {
        """
        SELECT n.id, n.node_type, coalesce(r.lifecycle, x.lifecycle, 'active'), re.id, rp.id, r.kind, r.name,
            r.status, r.started_at, r.ended_at, r.deleted_at, x.name, x.deleted_at, n.pk
        FROM node n
        LEFT JOIN run r ON n.node_type = 'run' AND r.node_pk = n.pk
        LEFT JOIN node re ON re.pk = r.experiment_pk
        LEFT JOIN node rp ON rp.pk = r.parent_pk
        LEFT JOIN experiment x ON n.node_type = 'experiment' AND x.node_pk = n.pk
        WHERE \(condition)
        """
    }

    /// A row of ``nodeQuery(where:)``: the node's id, the node as the rules see it, and its integer key.
    package static func node(_ row: any SQLRowReading) -> (id: ProvID, node: StoredNode, key: Int64) {
        let type = NodeType(rawValue: row.string(1)) ?? .entity
        var node = StoredNode(type: type, active: row.string(2) == LifecycleStage.active.rawValue)
        if type == .run, let experiment = row.optionalID(3) {
            node.run = StoredRun(
                experiment: experiment, parent: row.optionalID(4), kind: row.text(at: 5) ?? RunKind.workflow.rawValue,
                name: row.text(at: 6), status: row.text(at: 7) ?? RunStatus.running.rawValue,
                startedAt: row.integer(at: 8) ?? .min, endedAt: row.integer(at: 9), deletedAt: row.integer(at: 10))
        }
        if type == .experiment, let name = row.text(at: 11) {
            node.experiment = StoredExperiment(name: name, deletedAt: row.integer(at: 12))
        }
        return (row.id(0), node, row.int64(13))
    }
}
