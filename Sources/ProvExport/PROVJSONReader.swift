import Foundation
public import ProvModel

/// Reads PROV-JSON (W3C member submission, 2013) into a ``ProvDocument``, as written by the `prov` Python library,
/// ProvToolbox, yProv4ML, MLflow2PROV or ProvKit itself.
///
/// It is strict where an importer must be: the text must be a JSON object whose members are PROV-JSON's
/// (`prefix`, `entity`, `activity`, `agent`, the relation names, `bundle`), every qualified name's prefix must be
/// declared, and times must be ISO 8601 date-times (one without a time zone is taken as UTC, as xsd:dateTime
/// allows). Errors name the record and attribute at fault.
public enum PROVJSONReader {
    /// The top-level members a PROV-JSON document may have.
    public static let members: [String] =
        ["prefix", "entity", "activity", "agent", "bundle"] + ProvRelationType.allCases.map(\.rawValue)

    /// Parses PROV-JSON text.
    /// - Throws: ``ProvImportError`` saying what is wrong and where.
    public static func read(_ text: String) throws(ProvImportError) -> ProvDocument {
        let value: JSONValue
        do {
            value = try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
        } catch {
            var detail = describe(error)
            while detail.hasSuffix(".") { detail.removeLast() }
            throw ProvImportError("not valid JSON: \(detail)")
        }
        guard case .object(let object) = value else {
            throw ProvImportError("not PROV-JSON: the document must be a JSON object, found \(value.typeName)")
        }
        let known = Set(members)
        let unknown = object.keys.filter { !known.contains($0) }.sorted()
        if !unknown.isEmpty {
            let hint = object.keys.contains(where: known.contains) ? "" : " (is this PROV-JSON at all?)"
            throw ProvImportError(
                "not PROV-JSON: unknown top-level member\(unknown.count == 1 ? "" : "s") "
                    + unknown.map { "'\($0)'" }.joined(separator: ", ") + hint + "; PROV-JSON has "
                    + members.joined(separator: ", "))
        }
        return try document(object, inherited: [], inheritedDefault: nil, context: "")
    }

    static func document(
        _ object: [String: JSONValue], inherited: [Namespace], inheritedDefault: String?, context: String
    ) throws(ProvImportError) -> ProvDocument {
        var namespaces = inherited
        var defaultNamespace = inheritedDefault
        if let prefixes = object["prefix"] {
            guard case .object(let members) = prefixes else {
                throw ProvImportError(
                    "\(context)'prefix' must be an object of prefix → namespace IRI, found \(prefixes.typeName)")
            }
            for prefix in members.keys.sorted() {
                guard case .string(let iri)? = members[prefix], !iri.isEmpty else {
                    throw ProvImportError("\(context)prefix '\(prefix)' must name a namespace IRI (a non-empty string)")
                }
                if prefix == "default" {
                    defaultNamespace = iri
                } else {
                    namespaces.removeAll { $0.prefix == prefix }
                    namespaces.append(Namespace(prefix: prefix, iri: iri))
                }
            }
        }
        let names = Names(namespaces: namespaces, defaultNamespace: defaultNamespace)
        var document = ProvDocument(namespaces: namespaces, defaultNamespace: defaultNamespace)
        for kind in ProvElementKind.allCases {
            guard let section = object[kind.rawValue] else { continue }
            guard case .object(let members) = section else {
                throw ProvImportError("\(context)'\(kind.rawValue)' must be an object of identifier → attributes")
            }
            for key in members.keys.sorted() {
                let place = "\(context)\(kind.rawValue) '\(key)'"
                let id = try names.parse(key, where: place)
                guard case .object(let attributes)? = members[key] else {
                    throw ProvImportError("\(place): expected an object of attributes")
                }
                var element = ProvElement(kind, id)
                for name in attributes.keys.sorted() {
                    guard let value = attributes[name] else { continue }
                    if kind == .activity, name == "prov:startTime" || name == "prov:endTime" {
                        let time = try self.time(value, where: "\(place): \(name)")
                        if name == "prov:startTime" { element.startTime = time } else { element.endTime = time }
                        continue
                    }
                    let attribute = try names.parse(name, where: "\(place): attribute name")
                    for item in try values(value, names: names, where: "\(place): attribute '\(name)'") {
                        element.attributes.append(ProvAttribute(attribute, item))
                    }
                }
                document.elements.append(element)
            }
        }
        for type in ProvRelationType.allCases {
            guard let section = object[type.rawValue] else { continue }
            guard case .object(let members) = section else {
                throw ProvImportError(
                    "\(context)'\(type.rawValue)' must be an object of relation identifier → arguments")
            }
            for key in members.keys.sorted() {
                let place = "\(context)\(type.rawValue) '\(key)'"
                guard case .object(let fields)? = members[key] else {
                    throw ProvImportError("\(place): expected an object of arguments")
                }
                var relation = ProvRelation(type, arguments: [:])
                if !key.hasPrefix("_:") { relation.id = try names.parse(key, where: place) }
                let formal = Set(type.formalArguments.map { "prov:" + $0 })
                for name in fields.keys.sorted() {
                    guard let value = fields[name] else { continue }
                    if formal.contains(name) {
                        guard let reference = try qualifiedName(value, names: names, where: "\(place): \(name)") else {
                            continue
                        }
                        relation.arguments[String(name.dropFirst("prov:".count))] = reference
                    } else if name == "prov:time", type.hasTime {
                        relation.time = try time(value, where: "\(place): prov:time")
                    } else {
                        let attribute = try names.parse(name, where: "\(place): attribute name")
                        for item in try values(value, names: names, where: "\(place): attribute '\(name)'") {
                            relation.attributes.append(ProvAttribute(attribute, item))
                        }
                    }
                }
                document.relations.append(relation)
            }
        }
        if let bundles = object["bundle"] {
            guard case .object(let members) = bundles else {
                throw ProvImportError("\(context)'bundle' must be an object of bundle identifier → document")
            }
            for key in members.keys.sorted() {
                let id = try names.parse(key, where: "\(context)bundle '\(key)'")
                guard case .object(let inner)? = members[key] else {
                    throw ProvImportError("\(context)bundle '\(key)': expected a PROV-JSON object")
                }
                let nested = try PROVJSONReader.document(
                    inner, inherited: namespaces, inheritedDefault: defaultNamespace,
                    context: "\(context)bundle '\(key)': ")
                document.bundles.append((id: id, document: nested))
            }
        }
        return document
    }

    /// Resolves prefixes of one document.
    struct Names {
        let namespaces: [Namespace]
        let defaultNamespace: String?

        func parse(_ text: String, where place: String) throws(ProvImportError) -> QualifiedName {
            if let colon = text.firstIndex(of: ":") {
                let prefix = String(text[..<colon])
                let local = String(text[text.index(after: colon)...])
                guard namespaces.contains(where: { $0.prefix == prefix }) || prefix == "prov" || prefix == "xsd" else {
                    throw ProvImportError(
                        "\(place): the prefix '\(prefix)' of '\(text)' is not declared; add it to \"prefix\"")
                }
                return QualifiedName(prefix, local)
            }
            guard defaultNamespace != nil else {
                throw ProvImportError(
                    "\(place): '\(text)' has no prefix and the document declares no default namespace")
            }
            return QualifiedName("", text)
        }
    }

    /// The values of one attribute: a string, number, boolean, typed value, or an array of those.
    static func values(_ value: JSONValue, names: Names, where place: String) throws(ProvImportError) -> [ProvValue] {
        switch value {
        case .string(let text): return [.string(text)]
        case .bool(let flag): return [.boolean(flag)]
        case .number(let number):
            if number == number.rounded(), abs(number) < 9.0e15, let whole = Int64(exactly: number) {
                return [.typed(String(whole), datatype: .xsd("int"))]
            }
            return [.double(number)]
        case .array(let items):
            var output: [ProvValue] = []
            for item in items {
                if case .array = item { throw ProvImportError("\(place): nested arrays are not PROV-JSON values") }
                output += try values(item, names: names, where: place)
            }
            return output
        case .object(let members):
            guard let literal = members["$"] else {
                throw ProvImportError("\(place): an object value needs a \"$\" member (and \"type\" or \"lang\")")
            }
            let lexical: String
            switch literal {
            case .string(let text): lexical = text
            case .number(let number): lexical = JSONValue.format(number: number)
            case .bool(let flag): lexical = flag ? "true" : "false"
            default: throw ProvImportError("\(place): \"$\" must be a string, number or boolean")
            }
            if case .string(let language)? = members["lang"] {
                return [.languageString(lexical, language: language)]
            }
            guard case .string(let type)? = members["type"] else { return [.string(lexical)] }
            if type == "prov:QUALIFIED_NAME" || type == "xsd:QName" {
                return [.qualifiedName(try names.parse(lexical, where: place))]
            }
            return [.typed(lexical, datatype: try names.parse(type, where: "\(place): type"))]
        case .null:
            throw ProvImportError("\(place): null is not a PROV value; leave the attribute out")
        }
    }

    static func qualifiedName(
        _ value: JSONValue, names: Names, where place: String
    ) throws(ProvImportError)
        -> QualifiedName?
    {
        switch value {
        case .null: return nil
        case .string(let text): return try names.parse(text, where: place)
        case .object(let members):
            if case .string(let text)? = members["$"] { return try names.parse(text, where: place) }
            throw ProvImportError("\(place): expected a qualified name")
        default: throw ProvImportError("\(place): expected a qualified name, found \(value.typeName)")
        }
    }

    static func time(_ value: JSONValue, where place: String) throws(ProvImportError) -> ProvTime {
        var text: String? = nil
        if case .string(let string) = value { text = string }
        if case .object(let members) = value, case .string(let string)? = members["$"] { text = string }
        guard let text else {
            throw ProvImportError("\(place): expected an xsd:dateTime string, found \(value.typeName)")
        }
        guard let time = parseTime(text) else {
            throw ProvImportError(
                "\(place): '\(text.prefix(40))' is not an xsd:dateTime such as 2024-05-01T12:00:00Z")
        }
        return time
    }

    /// An xsd:dateTime; one without a time zone is taken as UTC.
    public static func parseTime(_ text: String) -> ProvTime? {
        if let time = ProvTime(iso8601: text) { return time }
        return ProvTime(iso8601: text + "Z")
    }

    static func describe(_ error: any Error) -> String {
        if case DecodingError.dataCorrupted(let context) = error {
            if let underlying = context.underlyingError as NSError?,
                let detail = underlying.userInfo[NSDebugDescriptionErrorKey] as? String
            {
                return detail
            }
            return context.debugDescription
        }
        return String(describing: error)
    }
}
