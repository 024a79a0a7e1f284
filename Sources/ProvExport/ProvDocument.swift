public import ProvModel

/// An attribute value of a PROV record: a string, a qualified name or a typed literal.
public enum ProvValue: Hashable, Sendable {
    /// A plain string (`xsd:string`).
    case string(String)
    /// A string with a language tag, as in `"chat"@fr`.
    case languageString(String, language: String)
    /// A qualified name (`prov:QUALIFIED_NAME` in PROV-JSON, an IRI in PROV-O).
    case qualifiedName(QualifiedName)
    /// A literal in its lexical form with a datatype, such as `("0.1", xsd:double)`.
    case typed(String, datatype: QualifiedName)

    /// A double as `xsd:double` (`NaN`, `INF` and `-INF` for the non-finite values).
    public static func double(_ value: Double) -> ProvValue {
        .typed(lexical(value), datatype: .xsd("double"))
    }

    /// An integer as `xsd:long`.
    public static func long(_ value: Int64) -> ProvValue {
        .typed(String(value), datatype: .xsd("long"))
    }

    /// A boolean as `xsd:boolean`.
    public static func boolean(_ value: Bool) -> ProvValue {
        .typed(value ? "true" : "false", datatype: .xsd("boolean"))
    }

    /// A time as `xsd:dateTime`, UTC, with microseconds.
    public static func dateTime(_ time: ProvTime) -> ProvValue {
        .typed(time.iso8601, datatype: .xsd("dateTime"))
    }

    /// A JSON value as an `rdf:JSON` literal (compact JSON text, keys sorted).
    public static func json(_ value: JSONValue) -> ProvValue {
        .typed(value.jsonText, datatype: QualifiedName(ExportNamespaces.rdf, "JSON"))
    }

    /// A free-form JSON attribute value: strings as strings, integers as `xsd:long`, other numbers as
    /// `xsd:double`, booleans as `xsd:boolean`, arrays, objects and null as `rdf:JSON`.
    public static func attribute(_ value: JSONValue) -> ProvValue {
        switch value {
        case .string(let text): return .string(text)
        case .bool(let flag): return .boolean(flag)
        case .number(let number):
            if abs(number) < 9.0e15, let whole = Int64(exactly: number) {
                return .long(whole)
            }
            return .double(number)
        case .null, .array, .object: return .json(value)
        }
    }

    /// The lexical form of a double in XML Schema: the shortest exact decimal, `NaN`, `INF` or `-INF`.
    public static func lexical(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value > 0 ? "INF" : "-INF" }
        return String(value)
    }
}

/// An attribute of a PROV record: a qualified name and a value. A record may carry several values of one name.
public struct ProvAttribute: Hashable, Sendable {
    /// The attribute's name, such as `prov:label` or `pk:status`.
    public var name: QualifiedName
    /// The attribute's value.
    public var value: ProvValue

    /// Creates an attribute.
    public init(_ name: QualifiedName, _ value: ProvValue) {
        self.name = name
        self.value = value
    }
}

/// The three kinds of PROV element. A closed set.
public enum ProvElementKind: String, Hashable, Sendable, CaseIterable {
    case entity
    case activity
    case agent
}

/// A PROV element: an entity, an activity (with its start and end times) or an agent.
public struct ProvElement: Hashable, Sendable {
    /// Entity, activity or agent.
    public var kind: ProvElementKind
    /// The element's identifier.
    public var id: QualifiedName
    /// An activity's start time.
    public var startTime: ProvTime?
    /// An activity's end time.
    public var endTime: ProvTime?
    /// The attributes, in the order they are written.
    public var attributes: [ProvAttribute]

    /// Creates an element.
    public init(
        _ kind: ProvElementKind, _ id: QualifiedName, startTime: ProvTime? = nil, endTime: ProvTime? = nil,
        attributes: [ProvAttribute] = []
    ) {
        self.kind = kind
        self.id = id
        self.startTime = startTime
        self.endTime = endTime
        self.attributes = attributes
    }

    /// The values of one attribute, in order.
    public func values(_ name: QualifiedName) -> [ProvValue] {
        attributes.filter { $0.name == name }.map(\.value)
    }

    /// The first value of one attribute.
    public func value(_ name: QualifiedName) -> ProvValue? {
        attributes.first { $0.name == name }?.value
    }
}

/// The PROV-DM relations a PROV-JSON document can hold. A closed set.
public enum ProvRelationType: String, Hashable, Sendable, CaseIterable {
    case used
    case wasGeneratedBy
    case wasInvalidatedBy
    case wasStartedBy
    case wasEndedBy
    case wasAssociatedWith
    case wasAttributedTo
    case actedOnBehalfOf
    case wasInformedBy
    case wasDerivedFrom
    case wasInfluencedBy
    case specializationOf
    case alternateOf
    case mentionOf
    case hadMember

    /// The formal arguments (PROV-JSON member names without `prov:`), in PROV-N order, excluding the time.
    /// The first two are the relation's subject and object.
    public var formalArguments: [String] {
        switch self {
        case .used: ["activity", "entity"]
        case .wasGeneratedBy, .wasInvalidatedBy: ["entity", "activity"]
        case .wasStartedBy: ["activity", "trigger", "starter"]
        case .wasEndedBy: ["activity", "trigger", "ender"]
        case .wasAssociatedWith: ["activity", "agent", "plan"]
        case .wasAttributedTo: ["entity", "agent"]
        case .actedOnBehalfOf: ["delegate", "responsible", "activity"]
        case .wasInformedBy: ["informed", "informant"]
        case .wasDerivedFrom: ["generatedEntity", "usedEntity", "activity", "generation", "usage"]
        case .wasInfluencedBy: ["influencee", "influencer"]
        case .specializationOf: ["specificEntity", "generalEntity"]
        case .alternateOf: ["alternate1", "alternate2"]
        case .mentionOf: ["specificEntity", "generalEntity", "bundle"]
        case .hadMember: ["collection", "entity"]
        }
    }

    /// Whether the relation has a `prov:time` argument.
    public var hasTime: Bool {
        switch self {
        case .used, .wasGeneratedBy, .wasInvalidatedBy, .wasStartedBy, .wasEndedBy: true
        default: false
        }
    }

    /// Whether PROV-DM allows an identifier and extra attributes on the relation
    /// (`specializationOf`, `alternateOf`, `mentionOf` and `hadMember` have neither).
    public var allowsAttributes: Bool {
        switch self {
        case .specializationOf, .alternateOf, .mentionOf, .hadMember: false
        default: true
        }
    }

    /// The element kind each formal argument names.
    public func argumentKind(_ argument: String) -> ProvElementKind? {
        switch argument {
        case "activity", "informed", "informant", "starter", "ender": .activity
        case "agent", "delegate", "responsible": .agent
        case "entity", "trigger", "plan", "generatedEntity", "usedEntity", "specificEntity", "generalEntity",
            "alternate1", "alternate2", "collection", "bundle":
            .entity
        default: nil  // generation, usage: identifiers of other relations; influencee/influencer: any element
        }
    }
}

/// A PROV relation: its type, optional identifier, formal arguments, time and extra attributes.
public struct ProvRelation: Hashable, Sendable {
    /// The relation, such as `used`.
    public var type: ProvRelationType
    /// The relation's identifier; `nil` for an anonymous relation (`_:` keys in PROV-JSON, blank nodes in PROV-O).
    public var id: QualifiedName?
    /// The formal arguments present, by name (see ``ProvRelationType/formalArguments``).
    public var arguments: [String: QualifiedName]
    /// The relation's time (`prov:time`), for the relations that have one.
    public var time: ProvTime?
    /// The other attributes, such as `prov:role` or `prov:type`.
    public var attributes: [ProvAttribute]

    /// Creates a relation.
    public init(
        _ type: ProvRelationType, id: QualifiedName? = nil, arguments: [String: QualifiedName], time: ProvTime? = nil,
        attributes: [ProvAttribute] = []
    ) {
        self.type = type
        self.id = id
        self.arguments = arguments
        self.time = time
        self.attributes = attributes
    }

    /// The first formal argument: the relation's subject (`used`'s activity, `wasGeneratedBy`'s entity, …).
    public var subject: QualifiedName? { arguments[type.formalArguments[0]] }
    /// The second formal argument: the relation's object.
    public var object: QualifiedName? { arguments[type.formalArguments[1]] }

    /// The first value of one attribute.
    public func value(_ name: QualifiedName) -> ProvValue? {
        attributes.first { $0.name == name }?.value
    }
}

/// A PROV document: namespaces, elements, relations and (when read from a file) named bundles.
public struct ProvDocument: Hashable, Sendable {
    /// The declared namespaces, in the order they are written.
    public var namespaces: [Namespace]
    /// The default namespace, for identifiers without a prefix (PROV-JSON `"default"`).
    public var defaultNamespace: String?
    /// The entities, activities and agents, in the order they are written.
    public var elements: [ProvElement]
    /// The relations, in the order they are written.
    public var relations: [ProvRelation]
    /// Named bundles, each a document of its own (ProvKit's exports write none).
    public var bundles: [(id: QualifiedName, document: ProvDocument)]

    /// Creates a document.
    public init(
        namespaces: [Namespace], defaultNamespace: String? = nil, elements: [ProvElement] = [],
        relations: [ProvRelation] = [], bundles: [(id: QualifiedName, document: ProvDocument)] = []
    ) {
        self.namespaces = namespaces
        self.defaultNamespace = defaultNamespace
        self.elements = elements
        self.relations = relations
        self.bundles = bundles
    }

    /// The IRI a qualified name stands for; `nil` when its prefix is not declared.
    public func iri(_ name: QualifiedName) -> String? {
        Self.iri(name, namespaces: namespaces, defaultNamespace: defaultNamespace)
    }

    static func iri(_ name: QualifiedName, namespaces: [Namespace], defaultNamespace: String?) -> String? {
        if name.prefix.isEmpty { return defaultNamespace.map { $0 + name.localPart } }
        if let namespace = namespaces.first(where: { $0.prefix == name.prefix }) {
            return namespace.iri + name.localPart
        }
        let builtIn = [ExportNamespaces.prov, ExportNamespaces.xsd]
        return builtIn.first { $0.prefix == name.prefix }.map { $0.iri + name.localPart }
    }

    public static func == (lhs: ProvDocument, rhs: ProvDocument) -> Bool {
        lhs.namespaces == rhs.namespaces && lhs.defaultNamespace == rhs.defaultNamespace
            && lhs.elements == rhs.elements && lhs.relations == rhs.relations
            && lhs.bundles.map(\.id) == rhs.bundles.map(\.id)
            && lhs.bundles.map(\.document) == rhs.bundles.map(\.document)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(namespaces)
        hasher.combine(elements)
        hasher.combine(relations)
    }
}
