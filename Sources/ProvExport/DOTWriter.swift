import ProvModel

/// Writes a PROV document as a Graphviz graph in the PROV convention: entities as yellow ellipses, activities as
/// blue boxes, agents as orange houses; each relation an edge from its subject to its object, labelled with the
/// relation's name.
public enum DOTWriter {
    /// The document in Graphviz DOT, ending in a newline.
    public static func write(_ document: ProvDocument) -> String {
        var lines = [
            "digraph provenance {", "  rankdir=BT;", "  node [fontname=\"Helvetica\", fontsize=10, style=filled];",
            "  edge [fontname=\"Helvetica\", fontsize=9];",
        ]
        var declared: Set<String> = []
        for element in document.elements {
            let style =
                switch element.kind {
                case .entity: "shape=ellipse, fillcolor=\"#FFFC87\", color=\"#808080\""
                case .activity: "shape=box, fillcolor=\"#9FB1FC\", color=\"#0000FF\""
                case .agent: "shape=house, fillcolor=\"#FED37F\""
                }
            let id = element.id.description
            declared.insert(id)
            lines.append("  \"\(escape(id))\" [\(style), label=\"\(escape(label(element)))\"];")
        }
        for relation in document.relations {
            guard let subject = relation.subject, let object = relation.object else { continue }
            var name = relation.type.rawValue
            if relation.attributes.contains(ProvAttribute(PK.provType, .qualifiedName(PK.revision))) {
                name = "wasRevisionOf"
            }
            for end in [subject, object] where !declared.contains(end.description) {
                declared.insert(end.description)
                lines.append("  \"\(escape(end.description))\" [shape=plaintext, style=\"\"];")
            }
            lines.append(
                "  \"\(escape(subject.description))\" -> \"\(escape(object.description))\" [label=\"\(name)\"];")
        }
        lines.append("}")
        return lines.joined(separator: "\n") + "\n"
    }

    /// A node's label: its `prov:label` (or the identifier's local part) and its most specific type.
    static func label(_ element: ProvElement) -> String {
        var name = element.id.localPart
        if case .string(let text)? = element.value(PK.label) { name = text }
        let types = element.values(PK.provType).compactMap { value -> String? in
            if case .qualifiedName(let type) = value { return type.localPart }
            return nil
        }
        guard let type = types.last else { return name }
        return "\(name)\n(\(type))"
    }

    static func escape(_ text: String) -> String {
        var output = ""
        for character in text {
            switch character {
            case "\"": output += "\\\""
            case "\\": output += "\\\\"
            case "\n": output += "\\n"
            default: output.append(character)
            }
        }
        return output
    }
}
