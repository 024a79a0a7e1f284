public import ProvModel

// The refusals of the ingest rules, each message defined once: the planner raises them, and a back-end whose
// concurrent writers can change the store between its lookups and its writes raises the same ones.

extension IngestError {
    /// An event names a node that is neither held nor defined earlier in the batch.
    public static func unknown(_ id: ProvID, _ types: Set<NodeType>, field: String, at index: Int) -> IngestError {
        IngestError(
            eventIndex: index, field: field,
            message: "refers to unknown \(expected(types)) \(id.hex); define it earlier in the batch or the store",
            code: .unknownReference)
    }

    /// An event names a node of a type its field does not take.
    public static func wrongType(
        _ id: ProvID, is type: NodeType, expected types: Set<NodeType>, field: String, at index: Int
    ) -> IngestError {
        IngestError(
            eventIndex: index, field: field,
            message: "\(id.hex) is a \(type.rawValue), but a \(expected(types)) is required here")
    }

    /// An event defines a node that is held as another type.
    public static func redefinition(_ id: ProvID, is held: NodeType, as type: NodeType, at index: Int) -> IngestError {
        IngestError(
            eventIndex: index, field: "id",
            message: "\(id.hex) is already a \(held.rawValue) and cannot be redefined as a \(type.rawValue)")
    }

    /// An event adds to or changes a deleted run or experiment.
    public static func inactive(_ id: ProvID, _ type: NodeType, field: String, at index: Int) -> IngestError {
        IngestError(
            eventIndex: index, field: field,
            message: "\(type.rawValue) \(id.hex) is deleted; restore it before changing it", code: .inactiveTarget)
    }

    /// An event gives a parameter a value other than the one held.
    public static func parameterChanged(_ key: String, run: ProvID, at index: Int) -> IngestError {
        IngestError(
            eventIndex: index, field: "value",
            message:
                "parameter '\(key)' of run \(run.hex) is already set to a different value; parameters cannot change",
            code: .immutableValue)
    }

    /// An event names an experiment by a name another experiment holds.
    public static func duplicateName(_ name: String, heldBy holder: ProvID, at index: Int) -> IngestError {
        IngestError(
            eventIndex: index, field: "name",
            message: "an experiment named '\(name)' already exists with id \(holder.hex)", code: .duplicateName)
    }

    /// An event makes a run its own parent.
    static func ownParent(at index: Int) -> IngestError {
        IngestError(eventIndex: index, field: "parent", message: "a run cannot be its own parent")
    }

    /// An event ends a run before its start.
    static func endsBeforeStart(at index: Int) -> IngestError {
        IngestError(eventIndex: index, field: "time", message: "the run ends before it started")
    }

    /// The error at the position of the event that broke the rule.
    func at(_ index: Int) -> IngestError {
        IngestError(eventIndex: index, field: field, message: message, code: code)
    }

    private static func expected(_ types: Set<NodeType>) -> String {
        types.map(\.rawValue).sorted().joined(separator: " or ")
    }
}
