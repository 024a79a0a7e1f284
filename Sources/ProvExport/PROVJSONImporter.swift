import Foundation
public import ProvModel

/// Turns a PROV document (read from PROV-JSON) into native events, ready to be ingested in one transaction.
///
/// - Identifiers: a ProvKit identifier (`https://w3id.org/provkit/id/<32 hex digits>`) is kept. Any other
///   identifier is mapped to a name-based identifier derived from its full IRI (``derivedID(for:)``), so importing
///   the same document twice finds the same nodes and stores nothing new; the original IRI is kept as the
///   attribute (entities, agents) or tag (runs) `provkit.sourceId`.
/// - Activities become runs: in the experiment they name (`pk:experiment`), else in the experiment given to the
///   importer. ProvKit's own attributes (`pk:status`, `pk:parent`, `pktag:` tags) are read back; other
///   attributes of a foreign activity become its parameters.
/// - Entities and agents keep their kind (from `prov:type`), label, location and attributes.
/// - The parts of a run that ProvKit exports as entities (parameter settings, metric series, telemetry samples,
///   architectures) become parameters, metric points, telemetry samples and architectures again; so does any
///   `mls:HyperParameterSetting` with an `mls:hasValue` that an activity used.
/// - Relations map to ProvKit's relations (`wasDerivedFrom` typed `prov:Revision` to `wasRevisionOf`);
///   `alternateOf`, `wasInvalidatedBy`, `wasInfluencedBy` and `mentionOf` have no ProvKit counterpart and are
///   skipped, as are relations without their two main arguments; each skip is reported in the result's notes.
public struct PROVJSONImporter: Sendable {
    /// The experiment for activities that name none (created when the store has no experiment of that name).
    public var experimentName: String
    /// The time of the import: it stands in for the start of an activity that records no time at all.
    public var now: ProvTime
    /// Makes the identifier of a new experiment.
    public var ids: any ProvIDGenerator

    /// Creates an importer.
    public init(experimentName: String = "prov-import", now: ProvTime = .now(), ids: any ProvIDGenerator) {
        self.experimentName = experimentName
        self.now = now
        self.ids = ids
    }

    /// The key of the attribute (entities, agents) or tag (runs) that keeps a foreign node's original IRI.
    public static let sourceIDKey = "provkit.sourceId"
    /// The key of the attribute or tag that keeps a foreign node's `prov:type` IRIs.
    public static let sourceTypesKey = "provkit.sourceTypes"
    /// Tag keys ProvKit's record-trail importers use for the same facts.
    static let startTimeSourceTag = "provkit.startedAt.source"
    static let durationTag = "provkit.duration"

    /// What an import produces.
    public struct Result: Sendable {
        /// The events, in an order the store accepts (every node defined before it is referred to).
        public var events: [ProvEvent]
        /// How many runs the document defines.
        public var runs = 0
        /// How many entities the document defines (run parts not counted).
        public var entities = 0
        /// How many agents the document defines.
        public var agents = 0
        /// What was skipped or assumed, for the user to read.
        public var notes: [String] = []
    }

    /// A name-based identifier for a foreign IRI: UUID version 7 layout with a zero timestamp (so it sorts before
    /// every time-based identifier and never collides with one) and 74 bits of a 128-bit FNV-1a hash of the IRI.
    public static func derivedID(for iri: String) -> ProvID {
        var hash: UInt128 = 0x6c62_272e_07bb_0142_62b8_2175_6295_c58d
        let prime: UInt128 = 0x0000_0000_0100_0000_0000_0000_0000_013B
        for byte in iri.utf8 {
            hash ^= UInt128(byte)
            hash = hash &* prime
        }
        func mix(_ value: UInt64) -> UInt64 {  // SplitMix64's finalizer, to spread every input bit
            var x = value
            x = (x ^ (x >> 30)) &* 0xBF58_476D_1CE4_E5B9
            x = (x ^ (x >> 27)) &* 0x94D0_49BB_1331_11EB
            return x ^ (x >> 31)
        }
        let upper = UInt64(truncatingIfNeeded: hash >> 64)
        let lower = UInt64(truncatingIfNeeded: hash)
        let high = mix(upper ^ mix(lower))
        let low = mix(lower &+ high)
        return ProvID(high: 0x7000 | (high & 0xFFF), low: (low & 0x3FFF_FFFF_FFFF_FFFF) | 0x8000_0000_0000_0000)
    }

    /// The events of a document.
    /// - Parameter existingExperiments: the store's experiments by name, so that a document's experiment (or the
    ///   default one) that the store already has under that name is reused.
    /// - Throws: ``ProvImportError`` naming the record at fault; nothing should then be stored.
    public func events(
        from document: ProvDocument, existingExperiments: [String: ProvID]
    ) throws(ProvImportError)
        -> Result
    {
        var session = Session(importer: self, existingExperiments: existingExperiments)
        try session.load(document, context: "")
        return try session.convert()
    }

    /// An element with its identifier resolved to an IRI.
    struct Node {
        var element: ProvElement
        var iri: String
        var namespaces: [Namespace]
        var defaultNamespace: String?
    }

    /// What a node becomes.
    enum Role {
        case experiment(ProvID)
        case run(ProvID)
        case entity(ProvID)
        case agent(ProvID)
        case part(RunPart, run: ProvID, key: String)
        case foreignParameter
    }

    /// The state of one conversion.
    struct Session {
        let importer: PROVJSONImporter
        let existingExperiments: [String: ProvID]
        var nodes: [String: Node] = [:]
        var order: [String] = []
        var relations: [(relation: ProvRelation, namespaces: [Namespace], defaultNamespace: String?, context: String)] =
            []
        var roles: [String: Role] = [:]
        var notes: [String] = []
        var experimentRemap: [ProvID: ProvID] = [:]

        init(importer: PROVJSONImporter, existingExperiments: [String: ProvID]) {
            self.importer = importer
            self.existingExperiments = existingExperiments
        }

        static let pkidBase = ExportNamespaces.pkid.iri

        mutating func load(_ document: ProvDocument, context: String) throws(ProvImportError) {
            for element in document.elements {
                let iri = try resolve(element.id, document.namespaces, document.defaultNamespace, context)
                if var existing = nodes[iri] {
                    guard existing.element.kind == element.kind else {
                        throw ProvImportError(
                            "\(context)'\(element.id)' is declared both as an \(existing.element.kind.rawValue) "
                                + "and as an "
                                + "\(element.kind.rawValue); an identifier names one element")
                    }
                    existing.element.attributes += element.attributes
                    existing.element.startTime = existing.element.startTime ?? element.startTime
                    existing.element.endTime = existing.element.endTime ?? element.endTime
                    nodes[iri] = existing
                } else {
                    nodes[iri] = Node(
                        element: element, iri: iri, namespaces: document.namespaces,
                        defaultNamespace: document.defaultNamespace)
                    order.append(iri)
                }
            }
            for relation in document.relations {
                relations.append((relation, document.namespaces, document.defaultNamespace, context))
            }
            for bundle in document.bundles {
                notes.append("bundle '\(bundle.id)': its records were imported with the rest of the document")
                try load(bundle.document, context: "\(context)bundle '\(bundle.id)': ")
            }
        }

        func resolve(
            _ name: QualifiedName, _ namespaces: [Namespace], _ defaultNamespace: String?, _ context: String
        )
            throws(ProvImportError) -> String
        {
            guard let iri = ProvDocument.iri(name, namespaces: namespaces, defaultNamespace: defaultNamespace) else {
                throw ProvImportError("\(context)the prefix of '\(name)' is not declared")
            }
            return iri
        }

        func iri(_ name: QualifiedName, in node: Node) -> String? {
            ProvDocument.iri(name, namespaces: node.namespaces, defaultNamespace: node.defaultNamespace)
        }

        /// A ProvKit identifier, or the run part an IRI names, or `nil` for a foreign IRI.
        static func provKitIdentity(_ iri: String) -> (id: ProvID, part: (RunPart, String)?)? {
            guard iri.hasPrefix(pkidBase) else { return nil }
            let local = iri.dropFirst(pkidBase.count)
            let segments = local.split(separator: "/", maxSplits: 2, omittingEmptySubsequences: false)
            guard let first = segments.first, first.count == 32, let id = ProvID(hex: first) else { return nil }
            if segments.count == 1 { return (id, nil) }
            guard let part = RunPart(rawValue: String(segments[1])) else { return nil }
            let key = segments.count > 2 ? LocalName.decode(String(segments[2])) : ""
            return (id, (part, key))
        }

        /// The IRIs of a node's `prov:type`s: qualified names, and `xsd:anyURI` values (as the `prov` library
        /// writes an `Identifier`).
        func types(of node: Node) -> [String] {
            node.element.values(PK.provType).compactMap { value in
                switch value {
                case .qualifiedName(let name): return iri(name, in: node)
                case .typed(let lexical, let datatype)
                where iri(datatype, in: node) == ExportNamespaces.xsd.iri + "anyURI":
                    return lexical
                default: return nil
                }
            }
        }

        static func iri(_ name: QualifiedName) -> String {
            ProvDocument.iri(name, namespaces: ExportNamespaces.export + [ExportNamespaces.prov], defaultNamespace: nil)
                ?? name.description
        }

        // MARK: Conversion

        mutating func convert() throws(ProvImportError) -> Result {
            let usedBy = activitiesUsing()
            for iri in order {
                guard let node = nodes[iri] else { continue }
                let identity = Self.provKitIdentity(iri)
                let types = types(of: node)
                switch node.element.kind {
                case .activity:
                    if identity?.part != nil {
                        throw ProvImportError(
                            "activity '\(node.element.id)': this identifier names a part of a run, not a run")
                    }
                    roles[iri] = .run(identity?.id ?? PROVJSONImporter.derivedID(for: iri))
                case .agent:
                    roles[iri] = .agent(identity?.id ?? PROVJSONImporter.derivedID(for: iri))
                case .entity:
                    if let identity, let (part, key) = identity.part {
                        roles[iri] = .part(part, run: identity.id, key: key)
                    } else if types.contains(Self.iri(PK.experiment)), let id = identity?.id {
                        roles[iri] = .experiment(id)
                    } else if types.contains(Self.iri(PK.hyperParameterSetting)),
                        node.element.value(PK.hasValue) != nil,
                        !(usedBy[iri] ?? []).isEmpty
                    {
                        roles[iri] = .foreignParameter
                    } else {
                        roles[iri] = .entity(identity?.id ?? PROVJSONImporter.derivedID(for: iri))
                    }
                }
            }
            var output = Output()
            try experiments(into: &output)
            for iri in order {
                guard let node = nodes[iri], let role = roles[iri] else { continue }
                switch role {
                case .agent(let id): output.agents.append(try agent(node, id: id))
                case .entity(let id): output.entities.append(try entity(node, id: id))
                default: break
                }
            }
            try runs(into: &output)
            try parts(into: &output, usedBy: usedBy)
            try mapRelations(into: &output)
            var result = Result(events: output.events())
            result.runs = output.runStarts.count
            result.entities = output.entities.count
            result.agents = output.agents.count
            result.notes = notes
            return result
        }

        /// The collected events, by kind, in the order the store needs them.
        struct Output {
            var experiments: [ProvEvent] = []
            var agents: [ProvEvent] = []
            var entities: [ProvEvent] = []
            var runStarts: [RunStart] = []
            var runEvents: [ProvEvent] = []
            var partEvents: [ProvEvent] = []
            var relations: [ProvEvent] = []
            var runEnds: [ProvEvent] = []
            var defaultExperiment: ProvID?

            func events() -> [ProvEvent] {
                // Parents before children, so that every parent exists when a child refers to it.
                var started: Set<ProvID> = []
                var pending = runStarts
                var ordered: [ProvEvent] = []
                while !pending.isEmpty {
                    let ready = pending.filter { start in start.parent.map { started.contains($0) } ?? true }
                    let batch = ready.isEmpty ? pending : ready  // a parent outside the document: the store decides
                    for start in batch {
                        ordered.append(.runStart(start))
                        started.insert(start.id)
                    }
                    let done = Set(batch.map(\.id))
                    pending.removeAll { done.contains($0.id) }
                }
                return experiments + agents + entities + ordered + runEvents + partEvents + relations + runEnds
            }
        }

        /// Which activities used each entity (by IRI).
        func activitiesUsing() -> [String: [String]] {
            var usedBy: [String: [String]] = [:]
            for entry in relations where entry.relation.type == .used {
                guard let activity = entry.relation.arguments["activity"],
                    let entity = entry.relation.arguments["entity"],
                    let activityIRI = ProvDocument.iri(
                        activity, namespaces: entry.namespaces, defaultNamespace: entry.defaultNamespace),
                    let entityIRI = ProvDocument.iri(
                        entity, namespaces: entry.namespaces, defaultNamespace: entry.defaultNamespace)
                else { continue }
                usedBy[entityIRI, default: []].append(activityIRI)
            }
            return usedBy
        }

        mutating func experiments(into output: inout Output) throws(ProvImportError) {
            for iri in order {
                guard let node = nodes[iri], case .experiment(let id)? = roles[iri] else { continue }
                guard case .string(let name)? = node.element.value(PK.label), !name.isEmpty else {
                    throw ProvImportError("experiment '\(node.element.id)': prov:label (its name) is required")
                }
                if let existing = existingExperiments[name], existing != id {
                    experimentRemap[id] = existing
                    notes.append("experiment '\(name)' already exists in the store; its runs were added to it")
                    continue
                }
                var description: String? = nil
                if case .string(let text)? = node.element.value(PK.description) { description = text }
                let created = try optionalTime(
                    node.element.value(PK.createdAt), "experiment '\(node.element.id)': pk:createdAt")
                output.experiments.append(
                    .experiment(ExperimentRecord(id: id, name: name, description: description, createdAt: created)))
                for (key, value) in tags(node) {
                    output.experiments.append(
                        .tag(TagRecord(target: id, targetType: .experiment, key: key, value: value)))
                }
            }
        }

        func experimentID(_ id: ProvID) -> ProvID { experimentRemap[id] ?? id }

        mutating func defaultExperiment(_ output: inout Output) -> ProvID {
            if let id = output.defaultExperiment { return id }
            let id: ProvID
            if let existing = existingExperiments[importer.experimentName] {
                id = existing
            } else if let defined = output.experiments.compactMap({ event -> ProvID? in
                if case .experiment(let record) = event, record.name == importer.experimentName { return record.id }
                return nil
            }).first {
                id = defined
            } else {
                id = importer.ids.next()
                output.experiments.append(
                    .experiment(ExperimentRecord(id: id, name: importer.experimentName, createdAt: importer.now)))
            }
            output.defaultExperiment = id
            return id
        }

        /// `pktag:` attributes as tags.
        func tags(_ node: Node) -> [(String, String)] {
            node.element.attributes.compactMap { attribute in
                guard iri(attribute.name, in: node)?.hasPrefix(ExportNamespaces.pktag.iri) == true else { return nil }
                return (
                    LocalName.decode(attribute.name.localPart), Self.text(attribute.value, node: node, session: self)
                )
            }
        }

        // MARK: Nodes

        mutating func agent(_ node: Node, id: ProvID) throws(ProvImportError) -> ProvEvent {
            let types = types(of: node)
            var kind = AgentKind.software
            if types.contains(Self.iri(PK.person)) {
                kind = .person
            } else if types.contains(Self.iri(PK.host)) {
                kind = .host
            } else if types.contains(Self.iri(PK.organization)) {
                kind = .organization
            }
            var name = ""
            if case .string(let label)? = node.element.value(PK.label) { name = label }
            if name.isEmpty { name = LocalName.decode(node.element.id.localPart) }
            var attributes = try freeAttributes(node, skip: [PK.provType, PK.label])
            addSource(node, to: &attributes, knownTypes: [PK.person, PK.softwareAgent, PK.host, PK.organization])
            return .agent(AgentRecord(id: id, kind: kind, name: name, attributes: attributes))
        }

        mutating func entity(_ node: Node, id: ProvID) throws(ProvImportError) -> ProvEvent {
            let types = types(of: node)
            let kind = PK.kindDetection.first { types.contains(Self.iri($0.0)) }?.1 ?? .artifact
            let place = "entity '\(node.element.id)'"
            var name: String? = nil
            if case .string(let label)? = node.element.value(PK.label) { name = label }
            if name == nil, Self.provKitIdentity(node.iri) == nil { name = LocalName.decode(node.element.id.localPart) }
            var location: String? = nil
            if let value = node.element.value(PK.location) { location = Self.text(value, node: node, session: self) }
            var digest: String? = nil
            if case .string(let text)? = node.element.value(PK.digest) {
                let parts = text.split(separator: ":", maxSplits: 1)
                guard parts.count == 2, parts[1].allSatisfy(\.isHexDigit) else {
                    throw ProvImportError("\(place): pk:digest '\(text)' is not 'algorithm:hex'")
                }
                digest = text.lowercased()
            }
            var size: Int64? = nil
            if let value = node.element.value(PK.sizeBytes) {
                guard let number = Self.number(value), number >= 0, let whole = Int64(exactly: number) else {
                    throw ProvImportError("\(place): pk:sizeBytes must be a whole number of bytes")
                }
                size = whole
            }
            let created = try optionalTime(node.element.value(PK.createdAt), "\(place): pk:createdAt")
            var attributes = try freeAttributes(
                node, skip: [PK.provType, PK.label, PK.location, PK.digest, PK.sizeBytes, PK.createdAt])
            addSource(node, to: &attributes, knownTypes: PK.types(of: kind))
            return .entity(
                EntityRecord(
                    id: id, kind: kind, name: name, location: location, digest: digest, sizeBytes: size,
                    createdAt: created, attributes: attributes))
        }

        /// Keeps a foreign node's IRI and its types.
        func addSource(_ node: Node, to attributes: inout [String: JSONValue], knownTypes: [QualifiedName]) {
            guard Self.provKitIdentity(node.iri) == nil else { return }
            attributes[PROVJSONImporter.sourceIDKey] = .string(node.iri)
            let known = Set(knownTypes.map(Self.iri))
            let types = types(of: node)
            if types.contains(where: { !known.contains($0) }) {
                attributes[PROVJSONImporter.sourceTypesKey] = .array(types.map { .string($0) })
            }
        }

        /// The attributes other than `skip`, as free-form JSON attributes: `pkattr:` keys without their prefix,
        /// other names as `prefix:local`.
        func freeAttributes(_ node: Node, skip: Set<QualifiedName>) throws(ProvImportError) -> [String: JSONValue] {
            var output: [String: JSONValue] = [:]
            var repeated: [String: [JSONValue]] = [:]
            for attribute in node.element.attributes where !skip.contains(attribute.name) {
                let namespace = iri(attribute.name, in: node) ?? ""
                if namespace.hasPrefix(ExportNamespaces.pktag.iri) { continue }
                let key =
                    namespace.hasPrefix(ExportNamespaces.pkattr.iri)
                    ? LocalName.decode(attribute.name.localPart) : attribute.name.description
                let value = try json(
                    attribute.value, node: node, place: "'\(node.element.id)': attribute '\(attribute.name)'")
                repeated[key, default: []].append(value)
            }
            for (key, values) in repeated { output[key] = values.count == 1 ? values[0] : .array(values) }
            return output
        }

        /// A PROV value as JSON: numbers for numeric datatypes, booleans, parsed `rdf:JSON`, text otherwise.
        func json(_ value: ProvValue, node: Node, place: String) throws(ProvImportError) -> JSONValue {
            switch value {
            case .string(let text), .languageString(let text, _): return .string(text)
            case .qualifiedName(let name): return .string(iri(name, in: node) ?? name.description)
            case .typed(let lexical, let datatype):
                let type = iri(datatype, in: node) ?? datatype.description
                if type == ExportNamespaces.rdf.iri + "JSON" {
                    do {
                        return try JSONDecoder().decode(JSONValue.self, from: Data(lexical.utf8))
                    } catch {
                        throw ProvImportError("\(place): the rdf:JSON value is not valid JSON")
                    }
                }
                if type == ExportNamespaces.xsd.iri + "boolean" {
                    if lexical == "true" || lexical == "1" { return .bool(true) }
                    if lexical == "false" || lexical == "0" { return .bool(false) }
                    throw ProvImportError("\(place): '\(lexical)' is not an xsd:boolean")
                }
                if Self.numericTypes.contains(type) {
                    guard let number = Self.double(lexical) else {
                        throw ProvImportError("\(place): '\(lexical)' is not a number")
                    }
                    return .number(number)
                }
                return .string(lexical)
            }
        }

        static let numericTypes: Set<String> = Set(
            [
                "double", "float", "decimal", "integer", "long", "int", "short", "byte", "nonNegativeInteger",
                "positiveInteger", "unsignedLong", "unsignedInt", "unsignedShort", "unsignedByte",
                "negativeInteger", "nonPositiveInteger",
            ].map { ExportNamespaces.xsd.iri + $0 })

        static func double(_ lexical: String) -> Double? {
            switch lexical {
            case "INF", "+INF": return .infinity
            case "-INF": return -.infinity
            case "NaN": return .nan
            default: return Double(lexical)
            }
        }

        static func number(_ value: ProvValue) -> Double? {
            switch value {
            case .typed(let lexical, _): double(lexical)
            case .string(let text): Double(text)
            default: nil
            }
        }

        /// A value as text: a string as it is, a literal's lexical form, a qualified name's IRI.
        static func text(_ value: ProvValue, node: Node, session: Session) -> String {
            switch value {
            case .string(let text), .languageString(let text, _): text
            case .typed(let lexical, _): lexical
            case .qualifiedName(let name): session.iri(name, in: node) ?? name.description
            }
        }

        func optionalTime(_ value: ProvValue?, _ place: String) throws(ProvImportError) -> ProvTime? {
            guard let value else { return nil }
            let text: String
            switch value {
            case .typed(let lexical, _), .string(let lexical): text = lexical
            default: throw ProvImportError("\(place): expected an xsd:dateTime")
            }
            guard let time = PROVJSONReader.parseTime(text) else {
                throw ProvImportError(
                    "\(place): '\(text.prefix(40))' is not an xsd:dateTime such as 2024-05-01T12:00:00Z")
            }
            return time
        }

        // MARK: Runs

        func runID(_ name: QualifiedName?, node: Node) -> ProvID? {
            guard let name, let target = iri(name, in: node), case .run(let id)? = roles[target] else { return nil }
            return id
        }

        /// The earliest time any relation records for each element, for activities without a start time.
        func earliestRelationTimes() -> [String: ProvTime] {
            var earliest: [String: ProvTime] = [:]
            for entry in relations {
                guard let time = entry.relation.time else { continue }
                for name in entry.relation.arguments.values {
                    guard
                        let iri = ProvDocument.iri(
                            name, namespaces: entry.namespaces, defaultNamespace: entry.defaultNamespace)
                    else { continue }
                    earliest[iri] = min(earliest[iri] ?? time, time)
                }
            }
            return earliest
        }

        mutating func runs(into output: inout Output) throws(ProvImportError) {
            let relationTimes = earliestRelationTimes()
            for iri in order {
                guard let node = nodes[iri], case .run(let id)? = roles[iri] else { continue }
                let element = node.element
                let place = "activity '\(element.id)'"
                let foreign = Self.provKitIdentity(iri) == nil
                var experiment: ProvID? = nil
                if case .qualifiedName(let name)? = element.value(PK.experimentProperty) {
                    guard let target = self.iri(name, in: node), case .experiment(let found)? = roles[target] else {
                        throw ProvImportError("\(place): pk:experiment '\(name)' is not an experiment of the document")
                    }
                    experiment = experimentID(found)
                }
                let experimentID = experiment ?? defaultExperiment(&output)
                var parent: ProvID? = nil
                if case .qualifiedName(let name)? = element.value(PK.parent) {
                    guard let found = runID(name, node: node) else {
                        throw ProvImportError("\(place): pk:parent '\(name)' is not an activity of the document")
                    }
                    parent = found
                }
                let types = types(of: node)
                var kind: RunKind? = nil
                for candidate in RunKind.allCases where types.contains(Self.iri(PK.type(of: candidate))) {
                    kind = candidate
                }
                var name: String? = nil
                if case .string(let label)? = element.value(PK.label) { name = label }
                if name == nil, foreign { name = LocalName.decode(element.id.localPart) }
                var tags = self.tags(node)
                var start = element.startTime
                if start == nil {
                    start = relationTimes[iri] ?? element.endTime
                    tags.append((PROVJSONImporter.startTimeSourceTag, start == nil ? "import-time" : "relation-time"))
                }
                let startedAt = start ?? importer.now
                if let end = element.endTime, end < startedAt {
                    throw ProvImportError(
                        "\(place): prov:endTime \(end.iso8601) is before its start \(startedAt.iso8601)")
                }
                var status: RunStatus = .finished
                if let value = element.value(PK.status) {
                    let text = Self.text(value, node: node, session: self)
                    guard let parsed = RunStatus(rawValue: text) else {
                        throw ProvImportError(
                            "\(place): pk:status '\(text)' is not one of "
                                + RunStatus.allCases.map(\.rawValue).joined(separator: ", "))
                    }
                    status = parsed
                } else if element.endTime == nil {
                    tags.append((PROVJSONImporter.durationTag, "unknown"))
                }
                output.runStarts.append(
                    RunStart(
                        id: id, experiment: experimentID, parent: parent, kind: kind, name: name, startedAt: startedAt,
                        status: status == .scheduled ? .scheduled : .running))
                if status != .running, status != .scheduled {
                    output.runEnds.append(.runEnd(RunEnd(run: id, status: status, endedAt: element.endTime)))
                }
                if foreign {
                    tags.append((PROVJSONImporter.sourceIDKey, iri))
                    let known = Set([PK.run, PK.workflow, PK.task, PK.step].map(Self.iri))
                    if types.contains(where: { !known.contains($0) }) {
                        tags.append((PROVJSONImporter.sourceTypesKey, types.joined(separator: " ")))
                    }
                }
                for (key, value) in tags {
                    output.runEvents.append(.tag(TagRecord(target: id, key: key, value: value)))
                }
                for (key, value) in parameters(of: node) {
                    output.runEvents.append(.parameter(ParameterRecord(run: id, key: key, value: value)))
                }
            }
        }

        /// A foreign activity's own attributes as parameters: keyed by local name (by `prefix:local` when two
        /// namespaces share a local name).
        func parameters(of node: Node) -> [(String, String)] {
            let own: Set<String> = [ExportNamespaces.prov.iri, ExportNamespaces.pk.iri, ExportNamespaces.pktag.iri]
            let attributes = node.element.attributes.filter { attribute in
                let namespace = ProvDocument.iri(
                    QualifiedName(attribute.name.prefix, ""), namespaces: node.namespaces,
                    defaultNamespace: node.defaultNamespace)
                return !own.contains(namespace ?? "")
            }
            var counts: [String: Int] = [:]
            for attribute in attributes { counts[attribute.name.localPart, default: 0] += 1 }
            var seen: Set<String> = []
            var output: [(String, String)] = []
            for attribute in attributes {
                var key = LocalName.decode(attribute.name.localPart)
                if (counts[attribute.name.localPart] ?? 0) > 1 { key = attribute.name.description }
                guard !key.isEmpty, seen.insert(key).inserted else { continue }  // a parameter has one value
                output.append((key, Self.text(attribute.value, node: node, session: self)))
            }
            return output
        }

        // MARK: Run parts

        mutating func parts(into output: inout Output, usedBy: [String: [String]]) throws(ProvImportError) {
            let runs = Set(
                roles.values.compactMap { role -> ProvID? in if case .run(let id) = role { id } else { nil } })
            for iri in order {
                guard let node = nodes[iri], let role = roles[iri] else { continue }
                let place = "entity '\(node.element.id)'"
                switch role {
                case .part(let part, let run, let key):
                    guard runs.contains(run) else {
                        throw ProvImportError(
                            "\(place) is a part of run \(run.hex), which the document does not declare")
                    }
                    switch part {
                    case .parameter:
                        guard let value = node.element.value(PK.hasValue) else {
                            throw ProvImportError("\(place): mls:hasValue (the parameter's value) is required")
                        }
                        output.partEvents.append(
                            .parameter(
                                ParameterRecord(run: run, key: key, value: Self.text(value, node: node, session: self)))
                        )
                    case .metric:
                        try metric(node, run: run, key: key, into: &output)
                    case .telemetry:
                        try telemetry(node, run: run, key: key, into: &output)
                    case .architecture:
                        try architecture(node, run: run, into: &output)
                    }
                case .foreignParameter:
                    guard let value = node.element.value(PK.hasValue) else { continue }
                    var key = LocalName.decode(node.element.id.localPart)
                    if case .string(let label)? = node.element.value(PK.label) {
                        key = label
                    } else if case .qualifiedName(let spec)? = node.element.value(PK.specifiedBy) {
                        key = LocalName.decode(spec.localPart)
                    }
                    for activity in usedBy[iri] ?? [] {
                        guard case .run(let run)? = roles[activity] else { continue }
                        output.partEvents.append(
                            .parameter(
                                ParameterRecord(run: run, key: key, value: Self.text(value, node: node, session: self)))
                        )
                    }
                default:
                    continue
                }
            }
        }

        mutating func metric(_ node: Node, run: ProvID, key: String, into output: inout Output) throws(ProvImportError)
        {
            guard let value = node.element.value(PK.points) else {
                notes.append(
                    "metric '\(key)' of run \(run.hex): the export left its points out (pk:pointsOmitted), so "
                        + "nothing of it was imported; export with a larger --max-points to carry them")
                return
            }
            guard case .typed(let text, _) = value,
                let json = try? JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
            else {
                throw ProvImportError("entity '\(node.element.id)': pk:points must be an rdf:JSON literal")
            }
            for point in try MetricPointsCodec.decode(json, run: run, key: key) {
                output.partEvents.append(.metric(point))
            }
        }

        mutating func telemetry(
            _ node: Node, run: ProvID, key: String, into output: inout Output
        ) throws(ProvImportError) {
            let place = "entity '\(node.element.id)'"
            let pieces = key.split(separator: "-", maxSplits: 1)
            guard pieces.count == 2, let micros = Int64(pieces[0]),
                let phase = TelemetryPhase(rawValue: String(pieces[1]))
            else {
                throw ProvImportError("\(place): a telemetry sample's identifier ends in <microseconds>-<phase>")
            }
            var values: [String: Double] = [:]
            for attribute in node.element.attributes {
                guard iri(attribute.name, in: node)?.hasPrefix(ExportNamespaces.pkread.iri) == true else { continue }
                guard let number = Self.number(attribute.value), number.isFinite else {
                    throw ProvImportError("\(place): reading '\(attribute.name)' is not a finite number")
                }
                values[LocalName.decode(attribute.name.localPart)] = number
            }
            output.partEvents.append(
                .telemetry(
                    TelemetrySample(
                        run: run, time: ProvTime(microsecondsSinceEpoch: micros), phase: phase, values: values)))
        }

        mutating func architecture(_ node: Node, run: ProvID, into output: inout Output) throws(ProvImportError) {
            let place = "entity '\(node.element.id)'"
            guard case .typed(let text, _)? = node.element.value(PK.layers),
                case .array(let items)? = try? JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
            else {
                throw ProvImportError("\(place): pk:layers must be an rdf:JSON array of layers")
            }
            var layers: [ArchitectureLayer] = []
            for (index, item) in items.enumerated() {
                guard case .object(var members) = item, case .string(let type)? = members["type"], !type.isEmpty else {
                    throw ProvImportError("\(place): layer \(index + 1) needs a 'type'")
                }
                members["type"] = nil
                layers.append(ArchitectureLayer(type: type, hyperparameters: members))
            }
            var model: ProvID? = nil
            if case .qualifiedName(let name)? = node.element.value(PK.model) {
                guard let target = iri(name, in: node), case .entity(let id)? = roles[target] else {
                    throw ProvImportError("\(place): pk:model '\(name)' is not an entity of the document")
                }
                model = id
            }
            output.partEvents.append(.architecture(ArchitectureRecord(run: run, model: model, layers: layers)))
        }

        // MARK: Relations

        mutating func mapRelations(into output: inout Output) throws(ProvImportError) {
            var skipped: [String: Int] = [:]
            var incomplete: [String: Int] = [:]
            for entry in relations {
                let relation = entry.relation
                let label = "\(entry.context)\(relation.type.rawValue)\(relation.id.map { " '\($0)'" } ?? "")"
                var ends: [String: (node: Node, role: Role)] = [:]
                for (argument, name) in relation.arguments {
                    guard
                        let target = ProvDocument.iri(
                            name, namespaces: entry.namespaces, defaultNamespace: entry.defaultNamespace)
                    else {
                        throw ProvImportError("\(label): the prefix of '\(name)' is not declared")
                    }
                    guard let node = nodes[target], let role = roles[target] else {
                        let expected = relation.type.argumentKind(argument)?.rawValue ?? "element"
                        throw ProvImportError(
                            "\(label): prov:\(argument) '\(name)' is not declared in the document; declare it under "
                                + "\"\(expected)\" (or remove the relation)")
                    }
                    if let expected = relation.type.argumentKind(argument), node.element.kind != expected {
                        throw ProvImportError(
                            "\(label): prov:\(argument) '\(name)' is an \(node.element.kind.rawValue), "
                                + "not an \(expected.rawValue)"
                        )
                    }
                    ends[argument] = (node, role)
                }
                let kind: RelationKind
                var attributes = relation.attributes
                switch relation.type {
                case .used: kind = .used
                case .wasGeneratedBy: kind = .wasGeneratedBy
                case .wasAssociatedWith: kind = .wasAssociatedWith
                case .wasAttributedTo: kind = .wasAttributedTo
                case .wasInformedBy: kind = .wasInformedBy
                case .wasDerivedFrom:
                    let revision = ProvAttribute(PK.provType, .qualifiedName(PK.revision))
                    if let index = attributes.firstIndex(where: {
                        $0.name == PK.provType && Self.sameIRI($0.value, revision.value, entry)
                    }) {
                        attributes.remove(at: index)
                        kind = .wasRevisionOf
                    } else {
                        kind = .wasDerivedFrom
                    }
                case .specializationOf: kind = .specializationOf
                case .hadMember: kind = .hadMember
                case .wasStartedBy: kind = .wasStartedBy
                case .wasEndedBy: kind = .wasEndedBy
                case .actedOnBehalfOf: kind = .actedOnBehalfOf
                case .alternateOf, .wasInvalidatedBy, .wasInfluencedBy, .mentionOf:
                    skipped[relation.type.rawValue, default: 0] += 1
                    continue
                }
                let names = relation.type.formalArguments
                guard let subjectEnd = ends[names[0]], let objectEnd = ends[names[1]] else {
                    incomplete[relation.type.rawValue, default: 0] += 1
                    continue
                }
                // Relations that attach a run's parts are implied by the parts themselves.
                if case .part = subjectEnd.role { continue }
                if case .part = objectEnd.role { continue }
                if case .foreignParameter = objectEnd.role, kind == .used { continue }
                guard let subject = nodeID(subjectEnd.role), let object = nodeID(objectEnd.role) else {
                    throw ProvImportError(
                        "\(label): a parameter setting cannot be the subject of \(relation.type.rawValue)")
                }
                guard kind.subjectTypes.contains(nodeType(subjectEnd.role)),
                    kind.objectTypes.contains(nodeType(objectEnd.role))
                else {
                    throw ProvImportError(
                        "\(label): ProvKit cannot relate a \(nodeType(subjectEnd.role).rawValue) to a "
                            + "\(nodeType(objectEnd.role).rawValue) with \(kind.rawValue)")
                }
                var record = RelationRecord(kind, subject: subject, object: object, time: relation.time)
                if let plan = ends["plan"], case .entity(let planID) = plan.role {
                    record.attributes["plan"] = .string(planID.hex)
                }
                for attribute in attributes {
                    let namespace =
                        ProvDocument.iri(
                            attribute.name, namespaces: entry.namespaces, defaultNamespace: entry.defaultNamespace)
                        ?? ""
                    let node = Node(
                        element: ProvElement(.entity, attribute.name), iri: "", namespaces: entry.namespaces,
                        defaultNamespace: entry.defaultNamespace)
                    if attribute.name == PK.role {
                        record.attributes["role"] = .string(Self.text(attribute.value, node: node, session: self))
                    } else if namespace == Self.iri(PK.time), record.time == nil {
                        record.time = try optionalTime(attribute.value, "\(label): pk:time")
                    } else {
                        let key =
                            namespace.hasPrefix(ExportNamespaces.pkattr.iri)
                            ? LocalName.decode(attribute.name.localPart) : attribute.name.description
                        record.attributes[key] = try json(
                            attribute.value, node: node, place: "\(label): attribute '\(attribute.name)'")
                    }
                }
                output.relations.append(.relation(record))
            }
            for (type, count) in skipped.sorted(by: { $0.key < $1.key }) {
                notes.append("skipped \(count) \(type) relation\(count == 1 ? "" : "s"): ProvKit has no such relation")
            }
            for (type, count) in incomplete.sorted(by: { $0.key < $1.key }) {
                notes.append(
                    "skipped \(count) \(type) relation\(count == 1 ? "" : "s") without both main arguments "
                        + "(ProvKit stores a relation only between two nodes)")
            }
        }

        static func sameIRI(
            _ lhs: ProvValue, _ rhs: ProvValue,
            _ entry: (relation: ProvRelation, namespaces: [Namespace], defaultNamespace: String?, context: String)
        ) -> Bool {
            guard case .qualifiedName(let left) = lhs, case .qualifiedName(let right) = rhs else { return false }
            return ProvDocument.iri(left, namespaces: entry.namespaces, defaultNamespace: entry.defaultNamespace)
                == iri(right)
        }

        func nodeID(_ role: Role) -> ProvID? {
            switch role {
            case .experiment(let id): experimentID(id)
            case .run(let id), .entity(let id), .agent(let id): id
            case .part, .foreignParameter: nil
            }
        }

        func nodeType(_ role: Role) -> NodeType {
            switch role {
            case .experiment: .experiment
            case .run: .run
            case .entity, .part, .foreignParameter: .entity
            case .agent: .agent
            }
        }
    }
}
