import ProvModel

/// Writes a PROV document as PROV-JSON (W3C member submission, 2013): `prefix`, then `entity`, `activity`,
/// `agent`, then one object per relation type, keyed by relation identifier (`_:<type><n>` for anonymous ones).
public enum PROVJSONWriter {
    /// The document as pretty-printed PROV-JSON, ending in a newline.
    public static func write(_ document: ProvDocument) -> String {
        json(document).rendered(indent: 2)
    }

    static func json(_ document: ProvDocument) -> OrderedJSON {
        var members: [(String, OrderedJSON)] = []
        var prefixes: [(String, OrderedJSON)] = document.namespaces.map { ($0.prefix, .string($0.iri)) }
        if let defaultNamespace = document.defaultNamespace { prefixes.append(("default", .string(defaultNamespace))) }
        members.append(("prefix", .object(prefixes)))
        for kind in ProvElementKind.allCases {
            let elements = document.elements.filter { $0.kind == kind }
            guard !elements.isEmpty else { continue }
            members.append((kind.rawValue, .object(elements.map { ($0.id.description, element($0)) })))
        }
        var counters: [ProvRelationType: Int] = [:]
        var byType: [ProvRelationType: [(String, OrderedJSON)]] = [:]
        for relation in document.relations {
            let key: String
            if let id = relation.id {
                key = id.description
            } else {
                counters[relation.type, default: 0] += 1
                key = "_:\(relation.type.rawValue)\(counters[relation.type] ?? 0)"
            }
            byType[relation.type, default: []].append((key, self.relation(relation)))
        }
        for type in ProvRelationType.allCases {
            if let entries = byType[type] { members.append((type.rawValue, .object(entries))) }
        }
        if !document.bundles.isEmpty {
            members.append(
                ("bundle", .object(document.bundles.map { ($0.id.description, json($0.document)) })))
        }
        return .object(members)
    }

    static func element(_ element: ProvElement) -> OrderedJSON {
        var members: [(String, OrderedJSON)] = []
        if let start = element.startTime { members.append(("prov:startTime", .string(start.iso8601))) }
        if let end = element.endTime { members.append(("prov:endTime", .string(end.iso8601))) }
        members += attributes(element.attributes)
        return .object(members)
    }

    static func relation(_ relation: ProvRelation) -> OrderedJSON {
        var members: [(String, OrderedJSON)] = []
        for argument in relation.type.formalArguments {
            if let value = relation.arguments[argument] {
                members.append(("prov:" + argument, .string(value.description)))
            }
        }
        if let time = relation.time { members.append(("prov:time", .string(time.iso8601))) }
        members += attributes(relation.attributes)
        return .object(members)
    }

    /// Attributes grouped by name in first-appearance order; several values of one name become an array.
    static func attributes(_ attributes: [ProvAttribute]) -> [(String, OrderedJSON)] {
        var order: [QualifiedName] = []
        var values: [QualifiedName: [OrderedJSON]] = [:]
        for attribute in attributes {
            if values[attribute.name] == nil { order.append(attribute.name) }
            values[attribute.name, default: []].append(value(attribute.value))
        }
        return order.map { name in
            let items = values[name] ?? []
            return (name.description, items.count == 1 ? items[0] : .array(items))
        }
    }

    static func value(_ value: ProvValue) -> OrderedJSON {
        switch value {
        case .string(let text): .string(text)
        case .languageString(let text, let language): .object([("$", .string(text)), ("lang", .string(language))])
        case .qualifiedName(let name):
            .object([("$", .string(name.description)), ("type", .string("prov:QUALIFIED_NAME"))])
        case .typed(let lexical, let datatype):
            .object([("$", .string(lexical)), ("type", .string(datatype.description))])
        }
    }
}
