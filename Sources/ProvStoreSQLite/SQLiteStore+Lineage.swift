import GRDB
public import ProvModel
public import ProvStore

extension SQLiteStore {
    /// The most relation hops a lineage query may ask for.
    public static let maximumLineageDepth = 1000

    /// Walks the lineage of a node with a recursive query inside SQLite.
    ///
    /// `both` is the union of the upward and the downward walk (not the whole connected component).
    public func lineage(of id: ProvID, direction: LineageDirection, depth: Int) async throws -> LineageGraph {
        guard depth >= 0, depth <= Self.maximumLineageDepth else {
            throw StoreError(.invalidQuery, "the depth must be between 0 and \(Self.maximumLineageDepth), got \(depth)")
        }
        return try await read { db in
            guard let rootPK = try Int64.fetchOne(db, sql: "SELECT pk FROM node WHERE id = ?", arguments: [id.hex])
            else {
                throw StoreError(.notFound, "no node with id \(id.hex)")
            }
            var depths: [Int64: Int] = [rootPK: 0]
            var relationKeys = Set<Int64>()
            let walks: [(from: String, to: String)] =
                switch direction {
                case .up: [("subject_pk", "object_pk")]
                case .down: [("object_pk", "subject_pk")]
                case .both: [("subject_pk", "object_pk"), ("object_pk", "subject_pk")]
                }
            for walk in walks {
                // Column names come from the closed list above, never from user input.
                let rows = try Row.fetchCursor(
                    db,
                    sql: """
                        WITH RECURSIVE walk(pk, depth, relation_pk) AS (
                            SELECT ?, 0, NULL
                            UNION
                            SELECT rel.\(walk.to), walk.depth + 1, rel.pk
                            FROM walk JOIN relation rel ON rel.\(walk.from) = walk.pk
                            WHERE walk.depth < ?
                        )
                        SELECT pk, depth, relation_pk FROM walk
                        """, arguments: [rootPK, depth])
                while let row = try rows.next() {
                    let pk: Int64 = row[0]
                    let reached: Int = row[1]
                    if let known = depths[pk] {
                        if reached < known { depths[pk] = reached }
                    } else {
                        depths[pk] = reached
                    }
                    if let relation = row[2] as Int64? { relationKeys.insert(relation) }
                }
            }
            let nodeKeys = JSONValue.array(depths.keys.map { .number(Double($0)) }).jsonText
            let summaries = try Row.fetchAll(
                db,
                sql: Self.keyedNodeSelect + " WHERE n.pk IN (SELECT value FROM json_each(?))",
                arguments: [nodeKeys])
            var nodes = summaries.map { row in
                LineageNode(node: Self.nodeSummary(row, offset: 1), depth: depths[row[0] as Int64] ?? 0)
            }
            nodes.sort { ($0.depth, $0.node.id) < ($1.depth, $1.node.id) }
            let edgeKeys = JSONValue.array(relationKeys.map { .number(Double($0)) }).jsonText
            let edges = try Row.fetchAll(
                db,
                sql: """
                    SELECT rel.kind, s.id, o.id FROM relation rel
                    JOIN node s ON s.pk = rel.subject_pk JOIN node o ON o.pk = rel.object_pk
                    WHERE rel.pk IN (SELECT value FROM json_each(?)) ORDER BY s.id, rel.kind, o.id
                    """, arguments: [edgeKeys]
            ).map { row in
                LineageEdge(
                    kind: RelationKind(rawValue: row[0]) ?? .used, subject: SQLiteStore.storedID(row[1]),
                    object: SQLiteStore.storedID(row[2]))
            }
            return LineageGraph(root: id, direction: direction, depth: depth, nodes: nodes, edges: edges)
        }
    }
}
