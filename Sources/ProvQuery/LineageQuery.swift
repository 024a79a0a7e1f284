import ProvModel
public import ProvStore

/// Lineage questions over any store: resolve what the user named, walk the graph, render the answer.
///
/// The walk itself runs inside the store (a recursive query), so a large graph is never loaded into memory.
public struct LineageQuery: Sendable {
    public let store: any ProvenanceGraphStore

    public init(store: any ProvenanceGraphStore) {
        self.store = store
    }

    /// The default number of relation hops.
    public static var defaultDepth: Int { 10 }

    /// Finds the one node a reference names (an id, a unique id prefix, a run or entity name, an entity location).
    /// - Throws: ``LineageQueryError`` when nothing or more than one node matches, listing the candidates.
    public func resolveOne(_ reference: String) async throws -> NodeSummary {
        let matches = try await store.resolve(reference)
        switch matches.count {
        case 0:
            throw LineageQueryError(
                "nothing matches '\(reference)'; give a run or entity id (or a unique prefix of at least 6 hex "
                    + "digits), a run name, an entity name or an entity location (see `provkit runs`)")
        case 1:
            return matches[0]
        default:
            let candidates = matches.prefix(10).map {
                "  \($0.id.hex)  \($0.type.rawValue)/\($0.kind)  \($0.name ?? "")"
            }
            throw LineageQueryError(
                "'\(reference)' matches \(matches.count) nodes; give one of these ids instead:\n"
                    + candidates.joined(separator: "\n"))
        }
    }

    /// Walks the lineage of the node a reference names.
    public func lineage(
        of reference: String, direction: LineageDirection, depth: Int = defaultDepth
    )
        async throws -> LineageGraph
    {
        let root = try await resolveOne(reference)
        return try await store.lineage(of: root.id, direction: direction, depth: depth)
    }
}

/// A lineage question that cannot be answered as asked; the message says what to give instead.
public struct LineageQueryError: Error, CustomStringConvertible, Sendable {
    public var description: String

    public init(_ description: String) {
        self.description = description
    }
}
