import ProvModel

/// Writes a PROV document in PROV-N, the W3C PROV notation: `document`, prefix declarations, one expression per
/// element and relation (optional arguments written `-`), `endDocument`.
public enum PROVNWriter {
    /// The document in PROV-N, ending in a newline.
    public static func write(_ document: ProvDocument) -> String {
        var lines = ["document"]
        write(document, into: &lines, indent: "  ")
        lines.append("endDocument")
        return lines.joined(separator: "\n") + "\n"
    }

    static func write(_ document: ProvDocument, into lines: inout [String], indent: String) {
        if let defaultNamespace = document.defaultNamespace { lines.append("\(indent)default <\(defaultNamespace)>") }
        for namespace in document.namespaces {
            lines.append("\(indent)prefix \(namespace.prefix) <\(namespace.iri)>")
        }
        lines.append("")
        for element in document.elements {
            var arguments = [element.id.description]
            if element.kind == .activity {
                arguments.append(element.startTime?.iso8601 ?? "-")
                arguments.append(element.endTime?.iso8601 ?? "-")
            }
            lines.append(indent + expression(element.kind.rawValue, arguments, element.attributes))
        }
        for relation in document.relations {
            var arguments = relation.type.formalArguments.map { relation.arguments[$0]?.description ?? "-" }
            if relation.type.hasTime { arguments.append(relation.time?.iso8601 ?? "-") }
            // Trailing optional arguments that PROV-N lets a writer leave out.
            if relation.type == .specializationOf || relation.type == .alternateOf || relation.type == .hadMember {
                arguments = Array(arguments.prefix(2))
            }
            lines.append(indent + expression(relation.type.rawValue, arguments, relation.attributes, id: relation.id))
        }
        for bundle in document.bundles {
            lines.append("\(indent)bundle \(bundle.id)")
            write(bundle.document, into: &lines, indent: indent + "  ")
            lines.append("\(indent)endBundle")
        }
    }

    static func expression(
        _ name: String, _ arguments: [String], _ attributes: [ProvAttribute], id: QualifiedName? = nil
    ) -> String {
        var text = "\(name)(" + (id.map { "\($0); " } ?? "") + arguments.joined(separator: ", ")
        if !attributes.isEmpty {
            text += ", [" + attributes.map { "\($0.name)=\(literal($0.value))" }.joined(separator: ", ") + "]"
        }
        return text + ")"
    }

    /// A value as a PROV-N literal: `"text"`, `'prefix:name'`, `"lexical" %% datatype`, `"text"@lang`.
    static func literal(_ value: ProvValue) -> String {
        switch value {
        case .string(let text): quoted(text)
        case .languageString(let text, let language): quoted(text) + "@" + language
        case .qualifiedName(let name): "'\(name)'"
        case .typed(let lexical, let datatype): quoted(lexical) + " %% " + datatype.description
        }
    }

    static func quoted(_ text: String) -> String {
        var output = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": output += "\\\""
            case "\\": output += "\\\\"
            case "\n": output += "\\n"
            case "\r": output += "\\r"
            case "\t": output += "\\t"
            default: output.unicodeScalars.append(scalar)
            }
        }
        return output + "\""
    }
}
