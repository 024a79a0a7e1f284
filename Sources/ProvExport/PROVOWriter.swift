import ProvModel

/// Writes a PROV document as PROV-O (the W3C PROV ontology), in Turtle or JSON-LD.
///
/// The mapping is PROV-O's: elements are typed `prov:Entity`, `prov:Activity` or `prov:Agent` plus their
/// `prov:type`s; `prov:label` is `rdfs:label`, `prov:location` is `prov:atLocation`, `prov:role` is `prov:hadRole`;
/// activity times are `prov:startedAtTime` and `prov:endedAtTime`. A relation with nothing but its two main
/// arguments is one triple (`run prov:used dataset`); one with a time, a role, a plan or other attributes is a
/// qualified influence (`run prov:qualifiedUsage [ a prov:Usage ; prov:entity dataset ; prov:atTime … ]`). This is
/// the form the `prov` Python library reads back into the same PROV document as the PROV-JSON export.
public enum PROVOWriter {
    /// The document as PROV-O in Turtle.
    public static func turtle(_ document: ProvDocument) -> String {
        TurtleWriter.write(graph(document))
    }

    /// The document as PROV-O in JSON-LD, with an inline context (no remote context to fetch).
    public static func jsonLD(_ document: ProvDocument) -> String {
        JSONLDWriter.write(graph(document))
    }

    static let prov = ExportNamespaces.prov.iri

    static func graph(_ document: ProvDocument) -> RDFGraph {
        var namespaces = document.namespaces
        for namespace in [ExportNamespaces.prov, ExportNamespaces.rdfs, ExportNamespaces.xsd, ExportNamespaces.rdf]
        where !namespaces.contains(where: { $0.prefix == namespace.prefix }) {
            namespaces.append(namespace)
        }
        let mapper = Mapper(document: document)
        var nodes: [RDFNode] = []
        var index: [String: Int] = [:]
        func node(for iri: String) -> Int {
            if let position = index[iri] { return position }
            nodes.append(RDFNode(iri: iri))
            index[iri] = nodes.count - 1
            return nodes.count - 1
        }
        for element in document.elements {
            let position = node(for: mapper.iri(element.id))
            nodes[position].statements += mapper.statements(for: element)
        }
        // When one relation of a subject needs a qualified node, every relation of that type from that subject gets
        // one: readers (the `prov` library among them) otherwise merge the plain triple into the qualified node.
        var qualifiedGroups = Set<String>()
        for relation in document.relations where mapper.needsQualification(relation) {
            if let subject = relation.subject { qualifiedGroups.insert("\(subject) \(relation.type.rawValue)") }
        }
        for relation in document.relations {
            guard let subject = relation.subject else { continue }  // PROV-O cannot express a relation without it
            let position = node(for: mapper.iri(subject))
            let forced =
                relation.type.allowsAttributes && qualifiedGroups.contains("\(subject) \(relation.type.rawValue)")
            nodes[position].statements += forced ? mapper.qualified(relation) : mapper.statements(for: relation)
        }
        return RDFGraph(namespaces: namespaces, nodes: nodes)
    }

    /// Turns records into statements.
    struct Mapper {
        let document: ProvDocument

        func iri(_ name: QualifiedName) -> String {
            document.iri(name) ?? name.description
        }

        func statements(for element: ProvElement) -> [RDFStatement] {
            let base =
                switch element.kind {
                case .entity: "Entity"
                case .activity: "Activity"
                case .agent: "Agent"
                }
            var statements = [RDFStatement(RDFGraph.rdfType, .iri(prov + base))]
            if let start = element.startTime {
                statements.append(RDFStatement(prov + "startedAtTime", .literal(dateTime(start.iso8601))))
            }
            if let end = element.endTime {
                statements.append(RDFStatement(prov + "endedAtTime", .literal(dateTime(end.iso8601))))
            }
            statements += element.attributes.map(statement)
            return statements
        }

        func dateTime(_ lexical: String) -> RDFLiteral {
            RDFLiteral(lexical, datatype: ExportNamespaces.xsd.iri + "dateTime")
        }

        func statement(_ attribute: ProvAttribute) -> RDFStatement {
            let predicate: String
            switch attribute.name {
            case PK.provType:
                if case .qualifiedName(let name) = attribute.value {
                    return RDFStatement(RDFGraph.rdfType, .iri(iri(name)))
                }
                predicate = prov + "type"
            case PK.label: predicate = ExportNamespaces.rdfs.iri + "label"
            case PK.location: predicate = prov + "atLocation"
            case PK.role: predicate = prov + "hadRole"
            default: predicate = iri(attribute.name)
            }
            return RDFStatement(predicate, object(attribute.value))
        }

        func object(_ value: ProvValue) -> RDFObject {
            switch value {
            case .string(let text): .literal(RDFLiteral(text))
            case .languageString(let text, let language): .literal(RDFLiteral(text, language: language))
            case .qualifiedName(let name): .iri(iri(name))
            case .typed(let lexical, let datatype): .literal(RDFLiteral(lexical, datatype: iri(datatype)))
            }
        }

        /// Whether a relation needs a qualified influence node (an id, a time, attributes or extra arguments).
        func needsQualification(_ relation: ProvRelation) -> Bool {
            guard relation.object != nil else { return true }
            guard relation.type.allowsAttributes else { return false }
            return relation.id != nil || relation.time != nil || !relation.attributes.isEmpty
                || relation.type.formalArguments.dropFirst(2).contains { relation.arguments[$0] != nil }
        }

        /// The statements a relation adds to its subject: one triple, or a qualified influence node.
        func statements(for relation: ProvRelation) -> [RDFStatement] {
            guard let object = relation.object else {
                return qualified(relation)
            }
            if !needsQualification(relation) {
                var statements = [RDFStatement(prov + relation.type.rawValue, .iri(iri(object)))]
                if relation.type == .mentionOf, let bundle = relation.arguments["bundle"] {
                    statements.append(RDFStatement(prov + "asInBundle", .iri(iri(bundle))))
                }
                return statements
            }
            return qualified(relation)
        }

        func qualified(_ relation: ProvRelation) -> [RDFStatement] {
            var attributes = relation.attributes
            var className: String
            var property: String
            switch relation.type {
            case .used: (className, property) = ("Usage", "qualifiedUsage")
            case .wasGeneratedBy: (className, property) = ("Generation", "qualifiedGeneration")
            case .wasInvalidatedBy: (className, property) = ("Invalidation", "qualifiedInvalidation")
            case .wasStartedBy: (className, property) = ("Start", "qualifiedStart")
            case .wasEndedBy: (className, property) = ("End", "qualifiedEnd")
            case .wasAssociatedWith: (className, property) = ("Association", "qualifiedAssociation")
            case .wasAttributedTo: (className, property) = ("Attribution", "qualifiedAttribution")
            case .actedOnBehalfOf: (className, property) = ("Delegation", "qualifiedDelegation")
            case .wasInformedBy: (className, property) = ("Communication", "qualifiedCommunication")
            case .wasDerivedFrom: (className, property) = ("Derivation", "qualifiedDerivation")
            case .wasInfluencedBy, .specializationOf, .alternateOf, .mentionOf, .hadMember:
                (className, property) = ("Influence", "qualifiedInfluence")
            }
            if relation.type == .wasDerivedFrom {
                // A derivation subtype is the qualified node's class: Revision, Quotation, PrimarySource.
                for subtype in ["Revision", "Quotation", "PrimarySource"] {
                    let typeAttribute = ProvAttribute(PK.provType, .qualifiedName(.prov(subtype)))
                    if let position = attributes.firstIndex(of: typeAttribute) {
                        attributes.remove(at: position)
                        className = subtype
                        property = "qualified" + subtype
                        break
                    }
                }
            }
            var statements = [RDFStatement(RDFGraph.rdfType, .iri(prov + className))]
            let influencer: [String: String] = [
                "entity": "entity", "activity": "activity", "trigger": "entity", "starter": "hadActivity",
                "ender": "hadActivity", "agent": "agent", "plan": "hadPlan", "responsible": "agent",
                "informant": "activity", "usedEntity": "entity", "generation": "hadGeneration", "usage": "hadUsage",
                "influencer": "influencer",
            ]
            for (position, argument) in relation.type.formalArguments.enumerated() where position > 0 {
                guard let value = relation.arguments[argument] else { continue }
                var predicate = influencer[argument] ?? argument
                // The activity of a derivation or delegation is the one it happened in.
                if argument == "activity", relation.type == .wasDerivedFrom || relation.type == .actedOnBehalfOf {
                    predicate = "hadActivity"
                }
                statements.append(RDFStatement(prov + predicate, .iri(iri(value))))
            }
            if let time = relation.time {
                statements.append(RDFStatement(prov + "atTime", .literal(dateTime(time.iso8601))))
            }
            statements += attributes.map(statement)
            let node = RDFNode(iri: relation.id.map(iri), statements: statements)
            return [RDFStatement(prov + property, .node(node))]
        }
    }
}
