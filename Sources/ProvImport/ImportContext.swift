public import ProvModel

/// The state shared by all files of one import: identifiers, the importing agent, the import's time and the
/// entities already created.
///
/// Pass the same context, `inout`, to every ``RecordTrailImporter/events(fileName:contents:experiment:context:)``
/// or ``A4NNImporter/events(fileName:contents:experiment:context:)`` call of one import. The first file's events
/// then define the importing agent and each dataset entity; later files only refer to them, so three CIFAR100
/// trails yield one `CIFAR100` entity used by three runs. A call that throws leaves the context unchanged, so a
/// caller may skip a bad file and go on with the next one.
public struct ImportContext: Sendable {
    /// Makes the identifiers of every run, entity and agent the importers create.
    public let ids: any ProvIDGenerator
    /// The time of the import. It stands in where a format records no time at all (A4NN histories), and
    /// importers tag such runs so that the substitution is visible.
    public var now: ProvTime
    /// The software agent (`provkit import`) every imported run is associated with (`wasAssociatedWith`).
    public let agentID: ProvID
    /// The agent's definition, until the first successful import emits it; `nil` once emitted or when the
    /// caller supplied an agent that already exists.
    public private(set) var pendingAgent: AgentRecord?
    /// The dataset entities this import has defined (or the caller registered), by entity name.
    public private(set) var datasets: [String: ProvID]

    /// Creates a context that defines a new software agent with the first imported file.
    ///
    /// - Parameters:
    ///   - ids: the identifier generator, such as `UUIDv7Generator()` (or a deterministic one in tests).
    ///   - now: the time of the import; the current time by default.
    ///   - agentName: the importing agent's name.
    ///   - agentAttributes: extra attributes of the agent, such as `{"version": "0.1.0"}`.
    public init(
        ids: any ProvIDGenerator, now: ProvTime = .now(), agentName: String = "provkit import",
        agentAttributes: [String: JSONValue] = [:]
    ) {
        self.ids = ids
        self.now = now
        let agentID = ids.next()
        self.agentID = agentID
        self.pendingAgent = AgentRecord(id: agentID, kind: .software, name: agentName, attributes: agentAttributes)
        self.datasets = [:]
    }

    /// Creates a context whose importing agent already exists (the caller stored it earlier), so no agent
    /// event is produced.
    public init(ids: any ProvIDGenerator, now: ProvTime = .now(), existingAgent: ProvID) {
        self.ids = ids
        self.now = now
        self.agentID = existingAgent
        self.pendingAgent = nil
        self.datasets = [:]
    }

    /// Records that a dataset entity named `name` already exists with identifier `id`, so that importers use it
    /// instead of defining a new one.
    public mutating func registerDataset(named name: String, id: ProvID) {
        datasets[name] = id
    }

    /// The agent's definition event, the first time it is asked for; `nil` afterwards.
    mutating func takeAgentEvent() -> ProvEvent? {
        guard let agent = pendingAgent else { return nil }
        pendingAgent = nil
        return .agent(agent)
    }

    /// The identifier of the dataset entity named `name`, with its definition event when it is new.
    mutating func dataset(named name: String, attributes: [String: JSONValue]) -> (id: ProvID, event: ProvEvent?) {
        if let id = datasets[name] {
            return (id, nil)
        }
        let id = ids.next()
        datasets[name] = id
        return (id, .entity(EntityRecord(id: id, kind: .dataset, name: name, attributes: attributes)))
    }
}
