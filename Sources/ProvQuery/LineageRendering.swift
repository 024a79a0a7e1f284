import ProvModel
public import ProvStore

extension LineageGraph {
    /// The graph in Graphviz DOT: runs as boxes, entities as ellipses, agents as houses, experiments as folders;
    /// edges point from subject to object and are labelled with the PROV relation.
    public func dot() -> String {
        var lines = [
            "digraph lineage {", "  rankdir=BT;", "  node [fontname=\"Helvetica\", fontsize=10];",
            "  edge [fontname=\"Helvetica\", fontsize=9];",
        ]
        for entry in nodes {
            let node = entry.node
            let shape =
                switch node.type {
                case .run: "box"
                case .entity: "ellipse"
                case .agent: "house"
                case .experiment: "folder"
                }
            var label = "\(node.kind): \(node.name ?? String(node.id.hex.prefix(12)))"
            if node.name != nil { label += "\\n\(node.id.hex.prefix(12))" }
            let style = node.id == root ? ", style=bold, penwidth=2" : ""
            lines.append("  \"\(node.id.hex)\" [shape=\(shape), label=\"\(Self.escapeDOT(label))\"\(style)];")
        }
        for edge in edges {
            lines.append("  \"\(edge.subject.hex)\" -> \"\(edge.object.hex)\" [label=\"\(edge.kind.rawValue)\"];")
        }
        lines.append("}")
        return lines.joined(separator: "\n") + "\n"
    }

    /// The graph as an indented tree of text, one line per relation walked, starting at the root.
    ///
    /// A node reached again (a diamond or a cycle) is printed once more with `(see above)` and not expanded.
    public func text() -> String {
        let byID = Dictionary(nodes.map { ($0.node.id, $0.node) }, uniquingKeysWith: { first, _ in first })
        var children: [ProvID: [(LineageEdge, ProvID, Bool)]] = [:]
        for edge in edges {
            if direction != .down {
                children[edge.subject, default: []].append((edge, edge.object, true))
            }
            if direction != .up {
                children[edge.object, default: []].append((edge, edge.subject, false))
            }
        }
        func describe(_ id: ProvID) -> String {
            guard let node = byID[id] else { return id.hex }
            var text = "\(node.type.rawValue)/\(node.kind) \(node.name ?? "-") [\(id.hex)]"
            if let location = node.location { text += " at \(location)" }
            return text
        }
        var lines = [describe(root)]
        var expanded: Set<ProvID> = [root]
        func visit(_ id: ProvID, indent: String, level: Int) {
            guard level < depth else { return }
            let next = (children[id] ?? []).sorted { ($0.1, $0.0.kind.rawValue) < ($1.1, $1.0.kind.rawValue) }
            for (edge, other, outward) in next {
                // An upward hop reads "root used X"; a downward hop reads "X used root" (shown as "<- used").
                let arrow = outward ? edge.kind.rawValue : "<- \(edge.kind.rawValue)"
                if expanded.contains(other) {
                    lines.append("\(indent)\(arrow) \(describe(other)) (see above)")
                    continue
                }
                expanded.insert(other)
                lines.append("\(indent)\(arrow) \(describe(other))")
                visit(other, indent: indent + "  ", level: level + 1)
            }
        }
        visit(root, indent: "  ", level: 0)
        return lines.joined(separator: "\n") + "\n"
    }

    static func escapeDOT(_ text: String) -> String {
        var escaped = ""
        for character in text {
            switch character {
            case "\"": escaped += "\\\""
            case "\n": escaped += "\\n"
            default: escaped.append(character)
            }
        }
        return escaped
    }
}
