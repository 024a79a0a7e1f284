import ProvModel

/// An RDF literal: a lexical form with a datatype IRI or a language tag (neither: `xsd:string`).
struct RDFLiteral: Hashable, Sendable {
    var lexical: String
    var datatype: String?
    var language: String?

    init(_ lexical: String, datatype: String? = nil, language: String? = nil) {
        self.lexical = lexical
        self.datatype = datatype
        self.language = language
    }
}

/// The object of an RDF statement: an IRI, a literal or a described node (a blank node when it has no IRI).
indirect enum RDFObject: Hashable, Sendable {
    case iri(String)
    case literal(RDFLiteral)
    case node(RDFNode)
}

/// One predicate and object of a node.
struct RDFStatement: Hashable, Sendable {
    var predicate: String
    var object: RDFObject

    init(_ predicate: String, _ object: RDFObject) {
        self.predicate = predicate
        self.object = object
    }
}

/// A node and what is said about it. A node without an IRI is a blank node, written inline where it is used.
struct RDFNode: Hashable, Sendable {
    var iri: String?
    var statements: [RDFStatement]

    init(iri: String?, statements: [RDFStatement] = []) {
        self.iri = iri
        self.statements = statements
    }
}

/// An RDF graph as a list of described nodes, with the namespaces used to abbreviate IRIs.
struct RDFGraph: Hashable, Sendable {
    var namespaces: [Namespace]
    var nodes: [RDFNode]

    static let rdfType = ExportNamespaces.rdf.iri + "type"
    static let xsdString = ExportNamespaces.xsd.iri + "string"

    /// The nodes with an IRI that are nested as objects, lifted to the top level (blank nodes stay nested).
    var flattened: [RDFNode] {
        var output: [RDFNode] = []
        func lift(_ node: RDFNode) -> RDFNode {
            var copy = node
            copy.statements = node.statements.map { statement in
                if case .node(let inner) = statement.object, let iri = inner.iri {
                    output.append(lift(inner))
                    return RDFStatement(statement.predicate, .iri(iri))
                }
                if case .node(let inner) = statement.object {
                    return RDFStatement(statement.predicate, .node(lift(inner)))
                }
                return statement
            }
            return copy
        }
        var top: [RDFNode] = []
        for node in nodes {
            top.append(lift(node))
            top += output
            output = []
        }
        return top
    }

    /// The shortest way to write an IRI with the namespaces: `prefix:local` when a namespace fits and the local
    /// part is a plain name, else `nil`.
    func compact(_ iri: String, strict: Bool) -> String? {
        var best: Namespace? = nil
        for namespace in namespaces where iri.hasPrefix(namespace.iri) {
            if best == nil || namespace.iri.count > (best?.iri.count ?? 0) { best = namespace }
        }
        guard let namespace = best else { return nil }
        let local = String(iri.dropFirst(namespace.iri.count))
        if strict && !Self.isPlainLocalName(local) { return nil }
        if !strict && local.hasPrefix("//") { return nil }
        return namespace.prefix + ":" + local
    }

    /// Whether a local part can be written after a prefix in Turtle without escapes.
    static func isPlainLocalName(_ local: String) -> Bool {
        guard let first = local.unicodeScalars.first, let last = local.unicodeScalars.last else { return true }
        func plain(_ scalar: Unicode.Scalar) -> Bool {
            (scalar >= "a" && scalar <= "z") || (scalar >= "A" && scalar <= "Z") || (scalar >= "0" && scalar <= "9")
                || scalar == "_"
        }
        guard plain(first), plain(last) || last == "-" else { return false }
        return local.unicodeScalars.allSatisfy { plain($0) || $0 == "-" || $0 == "." }
    }
}

/// Writes an RDF graph in Turtle.
enum TurtleWriter {
    static func write(_ graph: RDFGraph, header: [String] = []) -> String {
        var output = header.map { "# " + $0 + "\n" }.joined()
        for namespace in graph.namespaces {
            output += "@prefix \(namespace.prefix): <\(namespace.iri)> .\n"
        }
        for node in graph.flattened {
            output += "\n" + term(.iri(node.iri ?? ""), graph)
            output += body(node.statements, graph, indent: 1) + " .\n"
        }
        return output
    }

    /// The predicate-object list of a node: `a` first, objects of one predicate joined by commas.
    static func body(_ statements: [RDFStatement], _ graph: RDFGraph, indent: Int) -> String {
        var order: [String] = []
        var objects: [String: [RDFObject]] = [:]
        for statement in statements {
            if objects[statement.predicate] == nil { order.append(statement.predicate) }
            objects[statement.predicate, default: []].append(statement.object)
        }
        if let index = order.firstIndex(of: RDFGraph.rdfType), index > 0 {
            order.remove(at: index)
            order.insert(RDFGraph.rdfType, at: 0)
        }
        let pad = String(repeating: "    ", count: indent)
        var parts: [String] = []
        for predicate in order {
            let name = predicate == RDFGraph.rdfType ? "a" : term(.iri(predicate), graph)
            let values = (objects[predicate] ?? []).map { object -> String in
                if case .node(let node) = object {
                    return "[" + body(node.statements, graph, indent: indent + 1) + "\n" + pad + "]"
                }
                return term(object, graph)
            }
            parts.append(name + " " + values.joined(separator: ", "))
        }
        return parts.map { "\n" + pad + $0 }.joined(separator: " ;")
    }

    static func term(_ object: RDFObject, _ graph: RDFGraph) -> String {
        switch object {
        case .iri(let iri):
            return graph.compact(iri, strict: true) ?? "<" + escapeIRI(iri) + ">"
        case .literal(let literal):
            var text = quoted(literal.lexical)
            if let language = literal.language {
                text += "@" + language
            } else if let datatype = literal.datatype, datatype != RDFGraph.xsdString {
                text += "^^" + term(.iri(datatype), graph)
            }
            return text
        case .node:
            return "[]"  // nested nodes are written by `body`
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
            case let control where control.value < 0x20:
                let hex = String(control.value, radix: 16, uppercase: true)
                output += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: output.unicodeScalars.append(scalar)
            }
        }
        return output + "\""
    }

    /// Percent-encodes the characters an IRI reference may not contain in Turtle.
    static func escapeIRI(_ iri: String) -> String {
        let forbidden: Set<UInt8> = Set("<>\"{}|^`\\ ".utf8)
        var output: [UInt8] = []
        for byte in iri.utf8 {
            if byte <= 0x20 || forbidden.contains(byte) {
                output += Array(("%" + LocalName.hexByte(byte)).utf8)
            } else {
                output.append(byte)
            }
        }
        return String(decoding: output, as: UTF8.self)
    }
}

/// Writes an RDF graph as JSON-LD 1.1: an inline `@context` of the namespaces, and the nodes in `@graph`.
enum JSONLDWriter {
    static func write(_ graph: RDFGraph) -> String {
        let context = OrderedJSON.object(graph.namespaces.map { ($0.prefix, .string($0.iri)) })
        let nodes = graph.flattened.map { node(statements: $0.statements, iri: $0.iri, graph) }
        return OrderedJSON.object([("@context", context), ("@graph", .array(nodes))]).rendered(indent: 2)
    }

    static func node(statements: [RDFStatement], iri: String?, _ graph: RDFGraph) -> OrderedJSON {
        var members: [(String, OrderedJSON)] = []
        if let iri { members.append(("@id", .string(compact(iri, graph)))) }
        var order: [String] = []
        var objects: [String: [RDFObject]] = [:]
        for statement in statements {
            if objects[statement.predicate] == nil { order.append(statement.predicate) }
            objects[statement.predicate, default: []].append(statement.object)
        }
        if let types = objects[RDFGraph.rdfType] {
            let names = types.compactMap { object -> OrderedJSON? in
                if case .iri(let iri) = object { return .string(compact(iri, graph)) }
                return nil
            }
            members.append(("@type", names.count == 1 ? names[0] : .array(names)))
        }
        for predicate in order where predicate != RDFGraph.rdfType {
            let values = (objects[predicate] ?? []).map { value($0, graph) }
            members.append((compact(predicate, graph), values.count == 1 ? values[0] : .array(values)))
        }
        return .object(members)
    }

    static func value(_ object: RDFObject, _ graph: RDFGraph) -> OrderedJSON {
        switch object {
        case .iri(let iri): .object([("@id", .string(compact(iri, graph)))])
        case .node(let inner): node(statements: inner.statements, iri: inner.iri, graph)
        case .literal(let literal):
            if let language = literal.language {
                .object([("@value", .string(literal.lexical)), ("@language", .string(language))])
            } else if let datatype = literal.datatype, datatype != RDFGraph.xsdString {
                .object([("@value", .string(literal.lexical)), ("@type", .string(compact(datatype, graph)))])
            } else {
                .string(literal.lexical)
            }
        }
    }

    static func compact(_ iri: String, _ graph: RDFGraph) -> String {
        graph.compact(iri, strict: false) ?? iri
    }
}
