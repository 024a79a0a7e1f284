public import ProvModel

/// The taxonomy as an OWL ontology with SKOS concept schemes, in Turtle.
///
/// - The taxonomy is a `skos:ConceptScheme` (`pk:taxonomy`). Each layer is a top concept (`pk:layer.model`),
///   each facet of a layer a narrower concept (`pk:facet.model.hyperparameter`), each term a concept under its
///   facet (`pk:model.hyperparameter.learning_rate`, the IRI exports name in `pk:term`) with `skos:prefLabel`,
///   `skos:definition`, `skos:notation` (its id), `skos:altLabel` (its aliases), `pk:pattern`, `pk:unit` and
///   `pk:valueType`. Each mapping IRI is a `skos:closeMatch`; a mapping that names a class (its local name starts
///   with a capital, as `mls:HyperParameter`) is also an `rdfs:subClassOf`, the term then being an `owl:Class` too.
/// - The architectural vocabulary is the scheme `pk:layerTypes` (`pk:layerType.conv2d`, …) and the behavioural one
///   the scheme `pk:curveClasses` (`pk:curveClass.overfitter`, …), with their hyperparameters and thresholds.
/// - ProvKit's export vocabulary (`pk:Experiment`, `pk:MetricSeries`, `pk:status`, …) is declared with its place
///   under PROV-O and ML-Schema.
public struct TaxonomyOntology: Sendable {
    /// The taxonomy the ontology describes.
    public let taxonomy: Taxonomy

    /// Creates the ontology of a taxonomy.
    public init(taxonomy: Taxonomy) {
        self.taxonomy = taxonomy
    }

    /// Short descriptions of the five layers.
    public static func summary(of layer: TaxonomyLayer) -> String {
        switch layer {
        case .system: "Hardware, infrastructure and storage, and the telemetry sampled from them."
        case .platform: "Workflow manager, ML framework and software environment."
        case .model: "Architecture, hyperparameters, training behaviour and performance of the model."
        case .application: "Inputs, intermediate data, feedback and decisions of the application domain."
        case .data: "Datasets, splits, class statistics and loaders."
        }
    }

    /// The ontology in Turtle.
    public func turtle() -> String {
        TurtleWriter.write(
            graph(),
            header: ["ProvKit taxonomy \(taxonomy.version) as an OWL/SKOS ontology (provkit taxonomy --format turtle)"])
    }

    var namespace: String { taxonomy.namespace }
    var ontologyIRI: String {
        namespace.hasSuffix("#") || namespace.hasSuffix("/") ? String(namespace.dropLast()) : namespace
    }

    func iri(_ local: String) -> String { namespace + LocalName.encode(local) }

    /// A property of ProvKit's own vocabulary (always in `https://w3id.org/provkit/ns#`).
    func vocabulary(_ name: String) -> String { ExportNamespaces.pk.iri + name }

    static let skos = ExportNamespaces.skos.iri
    static let rdfs = ExportNamespaces.rdfs.iri
    static let owl = ExportNamespaces.owl.iri
    static let xsd = ExportNamespaces.xsd.iri
    static let type = RDFGraph.rdfType

    static func text(_ value: String) -> RDFObject { .literal(RDFLiteral(value, language: "en")) }
    static func plain(_ value: String) -> RDFObject { .literal(RDFLiteral(value)) }

    func graph() -> RDFGraph {
        var namespaces = [
            Namespace(prefix: "pk", iri: namespace), ExportNamespaces.prov, ExportNamespaces.mls, ExportNamespaces.skos,
            ExportNamespaces.owl, ExportNamespaces.rdfs, ExportNamespaces.rdf, ExportNamespaces.xsd,
            ExportNamespaces.dcterms,
        ]
        if namespace != ExportNamespaces.pk.iri {
            namespaces.append(Namespace(prefix: "pkv", iri: ExportNamespaces.pk.iri))
        }
        var nodes: [RDFNode] = []
        nodes.append(
            RDFNode(
                iri: ontologyIRI,
                statements: [
                    RDFStatement(Self.type, .iri(Self.owl + "Ontology")),
                    RDFStatement(
                        ExportNamespaces.dcterms.iri + "title",
                        Self.text("ProvKit taxonomy of AI-workflow provenance")),
                    RDFStatement(
                        ExportNamespaces.dcterms.iri + "description",
                        Self.text(
                            "Terms in five layers (system, platform, model, application, data) that captured keys are "
                                + "classified into, the architectural vocabulary of neural-network layer types, the "
                                + "behavioural "
                                + "vocabulary of learning-curve classes, and the vocabulary of ProvKit's PROV exports.")
                    ),
                    RDFStatement(Self.owl + "versionInfo", Self.plain(taxonomy.version)),
                ]))
        let scheme = iri("taxonomy")
        nodes.append(
            RDFNode(
                iri: scheme,
                statements: [
                    RDFStatement(Self.type, .iri(Self.skos + "ConceptScheme")),
                    RDFStatement(Self.skos + "prefLabel", Self.text("ProvKit taxonomy \(taxonomy.version)")),
                    RDFStatement(ExportNamespaces.rdfs.iri + "isDefinedBy", .iri(ontologyIRI)),
                ]
                    + TaxonomyLayer.allCases.map {
                        RDFStatement(Self.skos + "hasTopConcept", .iri(iri("layer." + $0.rawValue)))
                    }))
        for layer in TaxonomyLayer.allCases {
            let layerTerms = taxonomy.terms.filter { $0.layer == layer }
            var facets: [String] = []
            for term in layerTerms where !facets.contains(term.facet) { facets.append(term.facet) }
            nodes.append(
                RDFNode(
                    iri: iri("layer." + layer.rawValue),
                    statements: [
                        RDFStatement(Self.type, .iri(Self.skos + "Concept")),
                        RDFStatement(Self.skos + "prefLabel", Self.text("\(layer.rawValue) layer")),
                        RDFStatement(Self.skos + "definition", Self.text(Self.summary(of: layer))),
                        RDFStatement(Self.skos + "notation", Self.plain(layer.rawValue)),
                        RDFStatement(Self.skos + "inScheme", .iri(scheme)),
                        RDFStatement(Self.skos + "topConceptOf", .iri(scheme)),
                    ] + facets.map { RDFStatement(Self.skos + "narrower", .iri(facetIRI(layer, $0))) }))
            for facet in facets {
                nodes.append(
                    RDFNode(
                        iri: facetIRI(layer, facet),
                        statements: [
                            RDFStatement(Self.type, .iri(Self.skos + "Concept")),
                            RDFStatement(Self.skos + "prefLabel", Self.text("\(layer.rawValue) \(facet)")),
                            RDFStatement(Self.skos + "notation", Self.plain("\(layer.rawValue).\(facet)")),
                            RDFStatement(Self.skos + "inScheme", .iri(scheme)),
                            RDFStatement(Self.skos + "broader", .iri(iri("layer." + layer.rawValue))),
                        ]))
            }
            for term in layerTerms { nodes.append(node(for: term, scheme: scheme)) }
        }
        nodes += layerTypeNodes() + curveClassNodes() + vocabularyNodes()
        return RDFGraph(namespaces: namespaces, nodes: nodes)
    }

    func facetIRI(_ layer: TaxonomyLayer, _ facet: String) -> String { iri("facet.\(layer.rawValue).\(facet)") }

    func node(for term: TaxonomyTerm, scheme: String) -> RDFNode {
        var statements = [RDFStatement(Self.type, .iri(Self.skos + "Concept"))]
        let classes = term.mappings.filter(Self.namesClass)
        if !classes.isEmpty { statements.append(RDFStatement(Self.type, .iri(Self.owl + "Class"))) }
        statements += [
            RDFStatement(Self.skos + "prefLabel", Self.text(term.label)),
            RDFStatement(Self.skos + "definition", Self.text(term.description)),
            RDFStatement(Self.skos + "notation", Self.plain(term.id)),
            RDFStatement(Self.skos + "inScheme", .iri(scheme)),
            RDFStatement(Self.skos + "broader", .iri(facetIRI(term.layer, term.facet))),
        ]
        statements += term.aliases.map { RDFStatement(Self.skos + "altLabel", Self.plain($0)) }
        statements += term.patterns.map { RDFStatement(vocabulary("pattern"), Self.plain($0)) }
        if let unit = term.unit { statements.append(RDFStatement(vocabulary("unit"), Self.plain(unit))) }
        statements.append(RDFStatement(vocabulary("valueType"), .iri(Self.datatype(term.valueType))))
        statements += term.mappings.map { RDFStatement(Self.skos + "closeMatch", .iri($0)) }
        statements += classes.map { RDFStatement(Self.rdfs + "subClassOf", .iri($0)) }
        return RDFNode(iri: iri(term.id), statements: statements)
    }

    /// Whether a mapping IRI names a class: its local name (after the last `#` or `/`) starts with a capital.
    static func namesClass(_ mapping: String) -> Bool {
        guard let separator = mapping.lastIndex(where: { $0 == "#" || $0 == "/" }) else { return false }
        return mapping[mapping.index(after: separator)...].first?.isUppercase ?? false
    }

    static func datatype(_ type: TaxonomyValueType) -> String {
        switch type {
        case .number: xsd + "double"
        case .integer: xsd + "integer"
        case .string: xsd + "string"
        case .boolean: xsd + "boolean"
        case .list: ExportNamespaces.rdf.iri + "List"
        case .object: ExportNamespaces.rdf.iri + "JSON"
        }
    }

    func layerTypeNodes() -> [RDFNode] {
        let scheme = iri("layerTypes")
        var nodes = [
            RDFNode(
                iri: scheme,
                statements: [
                    RDFStatement(Self.type, .iri(Self.skos + "ConceptScheme")),
                    RDFStatement(
                        Self.skos + "prefLabel", Self.text("Neural-network layer types (architectural taxonomy)")),
                ]
                    + taxonomy.layerTypes.map {
                        RDFStatement(Self.skos + "hasTopConcept", .iri(iri("layerType." + $0.name)))
                    })
        ]
        for type in taxonomy.layerTypes {
            var statements = [
                RDFStatement(Self.type, .iri(Self.skos + "Concept")),
                RDFStatement(Self.skos + "prefLabel", Self.plain(type.name)),
                RDFStatement(Self.skos + "definition", Self.text(type.description)),
                RDFStatement(Self.skos + "inScheme", .iri(scheme)),
                RDFStatement(Self.skos + "topConceptOf", .iri(scheme)),
            ]
            statements += type.aliases.map { RDFStatement(Self.skos + "altLabel", Self.plain($0)) }
            statements += type.hyperparameters.map { RDFStatement(vocabulary("hyperparameter"), Self.plain($0)) }
            statements += type.mappings.map { RDFStatement(Self.skos + "closeMatch", .iri($0)) }
            nodes.append(RDFNode(iri: iri("layerType." + type.name), statements: statements))
        }
        return nodes
    }

    func curveClassNodes() -> [RDFNode] {
        let scheme = iri("curveClasses")
        var nodes = [
            RDFNode(
                iri: scheme,
                statements: [
                    RDFStatement(Self.type, .iri(Self.skos + "ConceptScheme")),
                    RDFStatement(Self.skos + "prefLabel", Self.text("Learning-curve classes (behavioural taxonomy)")),
                ]
                    + taxonomy.curveClasses.map {
                        RDFStatement(Self.skos + "hasTopConcept", .iri(iri("curveClass." + $0.name)))
                    })
        ]
        for curveClass in taxonomy.curveClasses {
            var statements = [
                RDFStatement(Self.type, .iri(Self.skos + "Concept")),
                RDFStatement(Self.skos + "prefLabel", Self.plain(curveClass.name)),
                RDFStatement(Self.skos + "definition", Self.text(curveClass.rule)),
                RDFStatement(Self.skos + "inScheme", .iri(scheme)),
                RDFStatement(Self.skos + "topConceptOf", .iri(scheme)),
            ]
            for name in curveClass.defaults.keys.sorted() {
                guard let value = curveClass.defaults[name] else { continue }
                statements.append(
                    RDFStatement(
                        vocabulary("threshold"),
                        .node(
                            RDFNode(
                                iri: nil,
                                statements: [
                                    RDFStatement(Self.rdfs + "label", Self.plain(name)),
                                    RDFStatement(
                                        ExportNamespaces.rdf.iri + "value",
                                        .literal(RDFLiteral(ProvValue.lexical(value), datatype: Self.xsd + "double"))),
                                ]))))
            }
            nodes.append(RDFNode(iri: iri("curveClass." + curveClass.name), statements: statements))
        }
        return nodes
    }

    /// The classes and properties ProvKit's PROV exports use, placed under PROV-O and ML-Schema.
    func vocabularyNodes() -> [RDFNode] {
        let pk = ExportNamespaces.pk.iri
        let prov = ExportNamespaces.prov.iri
        let mls = ExportNamespaces.mls.iri
        let classes: [(String, String, String)] = [
            (
                "Experiment", prov + "Collection",
                "A campaign of runs: a collection whose runs name it with pk:experiment."
            ),
            ("Workflow", mls + "Run", "A top-level run."), ("Task", mls + "Run", "A run nested in a workflow."),
            ("Step", mls + "Run", "A run nested in a task."),
            ("Host", prov + "Agent", "A machine that runs work."),
            ("Checkpoint", mls + "Model", "A model saved during training."),
            ("Artifact", prov + "Entity", "A file or value a run produced that is none of the other kinds."),
            ("File", prov + "Entity", "A file."), ("Directory", prov + "Entity", "A folder."),
            ("TelemetryData", prov + "Entity", "Readings of system resources taken at one time for one run."),
            ("LearningCurve", prov + "Entity", "A learning curve."),
            ("CurveClass", prov + "Entity", "A learning-curve class."),
            ("Value", prov + "Entity", "A value passed between tasks."),
            ("MetricSeries", mls + "ModelEvaluation", "All points of one metric of one run, with their summary."),
            ("Architecture", prov + "Entity", "The ordered layers of the model a run trains."),
        ]
        let properties: [(String, String)] = [
            ("status", "The run's final state: scheduled, running, finished, failed or killed."),
            ("experiment", "The experiment a run belongs to."), ("parent", "The run a run is nested in."),
            ("description", "A description."), ("createdAt", "When the thing was created."),
            ("digest", "A content digest, algorithm:hex."), ("sizeBytes", "The size in bytes."),
            ("term", "The taxonomy term a key is classified into."), ("count", "The number of points of a series."),
            ("lastStep", "The step of a series' last point."), ("min", "The smallest value of a series."),
            ("max", "The largest value of a series."),
            ("points", "A series' points as JSON: parallel arrays step, value, time, epoch."),
            ("pointsOmitted", "True when a series' points were left out of the export for its size."),
            ("phase", "When a telemetry sample was taken: start, end or periodic."),
            ("layers", "An architecture's layers as a JSON array."), ("layerCount", "The number of layers."),
            ("model", "The model an architecture describes."), ("time", "When a relation happened."),
            ("unit", "A term's unit."), ("valueType", "The datatype of a term's values."),
            ("pattern", "A regular expression that classifies keys into a term."),
            ("hyperparameter", "A hyperparameter a layer type takes."), ("threshold", "A default threshold of a rule."),
        ]
        var nodes = classes.map { name, parent, comment in
            RDFNode(
                iri: pk + name,
                statements: [
                    RDFStatement(Self.type, .iri(Self.owl + "Class")),
                    RDFStatement(Self.rdfs + "subClassOf", .iri(parent)),
                    RDFStatement(Self.rdfs + "label", Self.text(name)),
                    RDFStatement(Self.rdfs + "comment", Self.text(comment)),
                    RDFStatement(Self.rdfs + "isDefinedBy", .iri(ontologyIRI)),
                ])
        }
        nodes += properties.map { name, comment in
            RDFNode(
                iri: pk + name,
                statements: [
                    RDFStatement(Self.type, .iri(ExportNamespaces.rdf.iri + "Property")),
                    RDFStatement(Self.rdfs + "label", Self.text(name)),
                    RDFStatement(Self.rdfs + "comment", Self.text(comment)),
                    RDFStatement(Self.rdfs + "isDefinedBy", .iri(ontologyIRI)),
                ])
        }
        return nodes
    }
}
