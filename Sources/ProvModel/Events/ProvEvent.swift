/// One provenance event: the unit of the native JSON Lines format, of the SDK's sinks and of store ingest.
///
/// The set of cases is closed; `docs/event-format.md` documents each one's fields.
public enum ProvEvent: Hashable, Sendable {
    case experiment(ExperimentRecord)
    case runStart(RunStart)
    case runEnd(RunEnd)
    case entity(EntityRecord)
    case agent(AgentRecord)
    case relation(RelationRecord)
    case parameter(ParameterRecord)
    case tag(TagRecord)
    case metric(MetricPoint)
    case telemetry(TelemetrySample)
    case architecture(ArchitectureRecord)
    /// A change to a run after its start: a new name, status, end time or parent.
    case runUpdate(RunUpdate)
    /// The removal of a tag from a run or an experiment.
    case tagDelete(TagDeletion)
    /// A run or an experiment moved to the deleted stage, or restored from it.
    case lifecycle(LifecycleChange)

    /// The event's `type` field in the JSON Lines format.
    public var typeName: String {
        switch self {
        case .experiment: "experiment"
        case .runStart: "run_start"
        case .runEnd: "run_end"
        case .entity: "entity"
        case .agent: "agent"
        case .relation: "relation"
        case .parameter: "parameter"
        case .tag: "tag"
        case .metric: "metric"
        case .telemetry: "telemetry"
        case .architecture: "architecture"
        case .runUpdate: "run_update"
        case .tagDelete: "tag_delete"
        case .lifecycle: "lifecycle"
        }
    }

    /// Every `type` name the format knows.
    public static let typeNames = [
        "experiment", "run_start", "run_end", "entity", "agent", "relation", "parameter", "tag", "metric",
        "telemetry", "architecture", "run_update", "tag_delete", "lifecycle",
    ]
}

/// Anything that takes provenance events: a store, a file writer, an HTTP client.
///
/// Stores refine this protocol, so capture code can write into a store without depending on any back-end.
public protocol ProvenanceEventSink: Sendable {
    /// Takes a batch of events, all or nothing: when the call throws, none of the batch was kept.
    func ingest(_ events: [ProvEvent]) async throws
}
