public import ProvModel

/// Settings of the exports.
public struct ExportOptions: Hashable, Sendable {
    /// The default for ``maxEmbeddedPoints``.
    public static let defaultMaxEmbeddedPoints = 10_000

    /// The most points of one metric series embedded in its series entity (`pk:points`). A longer series keeps
    /// its summary (count, last, min, max) and is marked `pk:pointsOmitted`, which bounds the size of an export of
    /// a run with a very long series.
    public var maxEmbeddedPoints: Int

    /// Creates options.
    public init(maxEmbeddedPoints: Int = ExportOptions.defaultMaxEmbeddedPoints) {
        self.maxEmbeddedPoints = maxEmbeddedPoints
    }
}

/// The names of the parts of a run that the PROV mapping turns into entities of their own.
///
/// Their identifiers extend the run's: `pkid:<run>/parameter/<key>`, `pkid:<run>/metric/<key>`,
/// `pkid:<run>/telemetry/<microseconds>-<phase>` and `pkid:<run>/architecture`, keys percent-encoded by
/// ``LocalName/encode(_:)``. The PROV-JSON importer recognises them by this shape.
public enum RunPart: String, Hashable, Sendable, CaseIterable {
    case parameter
    case metric
    case telemetry
    case architecture
}

/// ProvKit's PROV vocabulary: the class and property names of the `pk:` namespace that exports use.
enum PK {
    static let experiment = QualifiedName.pk("Experiment")
    static let workflow = QualifiedName.pk("Workflow")
    static let task = QualifiedName.pk("Task")
    static let step = QualifiedName.pk("Step")
    static let host = QualifiedName.pk("Host")
    static let checkpoint = QualifiedName.pk("Checkpoint")
    static let artifact = QualifiedName.pk("Artifact")
    static let file = QualifiedName.pk("File")
    static let directory = QualifiedName.pk("Directory")
    static let telemetryData = QualifiedName.pk("TelemetryData")
    static let learningCurve = QualifiedName.pk("LearningCurve")
    static let curveClass = QualifiedName.pk("CurveClass")
    static let value = QualifiedName.pk("Value")
    static let metricSeries = QualifiedName.pk("MetricSeries")
    static let architecture = QualifiedName.pk("Architecture")

    static let status = QualifiedName.pk("status")
    static let experimentProperty = QualifiedName.pk("experiment")
    static let parent = QualifiedName.pk("parent")
    static let description = QualifiedName.pk("description")
    static let createdAt = QualifiedName.pk("createdAt")
    static let digest = QualifiedName.pk("digest")
    static let sizeBytes = QualifiedName.pk("sizeBytes")
    static let term = QualifiedName.pk("term")
    static let count = QualifiedName.pk("count")
    static let lastStep = QualifiedName.pk("lastStep")
    static let min = QualifiedName.pk("min")
    static let max = QualifiedName.pk("max")
    static let points = QualifiedName.pk("points")
    static let pointsOmitted = QualifiedName.pk("pointsOmitted")
    static let phase = QualifiedName.pk("phase")
    static let layers = QualifiedName.pk("layers")
    static let layerCount = QualifiedName.pk("layerCount")
    static let model = QualifiedName.pk("model")
    static let time = QualifiedName.pk("time")

    static let provType = QualifiedName.prov("type")
    static let label = QualifiedName.prov("label")
    static let location = QualifiedName.prov("location")
    static let role = QualifiedName.prov("role")
    static let collection = QualifiedName.prov("Collection")
    static let revision = QualifiedName.prov("Revision")
    static let plan = QualifiedName.prov("Plan")
    static let person = QualifiedName.prov("Person")
    static let softwareAgent = QualifiedName.prov("SoftwareAgent")
    static let organization = QualifiedName.prov("Organization")

    static let run = QualifiedName.mls("Run")
    static let dataset = QualifiedName.mls("Dataset")
    static let mlsModel = QualifiedName.mls("Model")
    static let modelEvaluation = QualifiedName.mls("ModelEvaluation")
    static let hyperParameterSetting = QualifiedName.mls("HyperParameterSetting")
    static let hasValue = QualifiedName.mls("hasValue")
    static let specifiedBy = QualifiedName.mls("specifiedBy")

    /// The PROV types of an entity kind; the first is the one the importer recognises the kind by.
    static func types(of kind: EntityKind) -> [QualifiedName] {
        switch kind {
        case .dataset: [dataset]
        case .model: [mlsModel]
        case .checkpoint: [checkpoint, mlsModel]
        case .artifact: [artifact]
        case .file: [file]
        case .directory: [directory]
        case .telemetrySample: [telemetryData]
        case .learningCurve: [learningCurve]
        case .curveClass: [curveClass]
        case .plan: [plan]
        case .evaluation: [modelEvaluation]
        case .value: [value]
        }
    }

    /// The order in which the importer tries types to find an entity's kind (specific before general).
    static let kindDetection: [(QualifiedName, EntityKind)] = [
        (checkpoint, .checkpoint), (telemetryData, .telemetrySample), (learningCurve, .learningCurve),
        (curveClass, .curveClass), (artifact, .artifact), (file, .file), (directory, .directory), (value, .value),
        (plan, .plan), (dataset, .dataset), (mlsModel, .model), (modelEvaluation, .evaluation),
    ]

    static func type(of kind: AgentKind) -> QualifiedName {
        switch kind {
        case .person: person
        case .software: softwareAgent
        case .host: host
        case .organization: organization
        }
    }

    static func type(of kind: RunKind) -> QualifiedName {
        switch kind {
        case .workflow: workflow
        case .task: task
        case .step: step
        }
    }
}

/// Maps stored provenance records to a PROV document, following the ProvKit PROV profile
/// (`docs/exports.md` has the table):
///
/// - an experiment is an entity typed `prov:Collection` and `pk:Experiment`; its members (`hadMember`) are the
///   entities recorded as such; runs name their experiment with `pk:experiment`;
/// - a run is an activity typed `mls:Run` and `pk:Workflow`, `pk:Task` or `pk:Step`, with its start and end time,
///   `pk:status`, `pk:parent` and its tags as `pktag:` attributes;
/// - a parameter is an `mls:HyperParameterSetting` entity the run used, with `mls:specifiedBy`, `mls:hasValue`
///   and its taxonomy term (`pk:term`);
/// - a metric series is one `mls:ModelEvaluation` / `pk:MetricSeries` entity per (run, key), generated by the run,
///   with its summary and its points (`pk:points`, see ``ExportOptions/maxEmbeddedPoints``);
/// - a telemetry sample is a `pk:TelemetryData` entity generated by the run at the sample's time;
/// - an architecture is a `pk:Architecture` entity the run used, with its ordered layers;
/// - agents are typed `prov:Person`, `prov:SoftwareAgent`, `pk:Host` or `prov:Organization`;
/// - relations map to the PROV relation of the same name; `wasRevisionOf` is a `wasDerivedFrom` typed
///   `prov:Revision`.
public struct ProvMapping: Sendable {
    /// The taxonomy whose term IRIs the export names.
    public let taxonomy: Taxonomy
    /// The export settings.
    public let options: ExportOptions

    /// Creates a mapping.
    public init(taxonomy: Taxonomy, options: ExportOptions = ExportOptions()) {
        self.taxonomy = taxonomy
        self.options = options
    }

    /// The qualified name of a node: `pkid:<32 hex digits>`.
    public static func name(of id: ProvID) -> QualifiedName {
        QualifiedName(ExportNamespaces.pkid, id.hex)
    }

    /// The qualified name of a part of a run, such as `pkid:<run>/metric/val_acc`.
    public static func name(of part: RunPart, run: ProvID, key: String? = nil) -> QualifiedName {
        var local = run.hex + "/" + part.rawValue
        if let key { local += "/" + LocalName.encode(key) }
        return QualifiedName(ExportNamespaces.pkid, local)
    }

    /// The namespace of taxonomy terms: `pk:` when the taxonomy uses ProvKit's namespace, else `pkterm:`.
    public var termNamespace: Namespace {
        taxonomy.namespace == ExportNamespaces.pk.iri
            ? ExportNamespaces.pk : Namespace(prefix: "pkterm", iri: taxonomy.namespace)
    }

    /// The qualified name of a taxonomy term.
    public func termName(_ termID: String) -> QualifiedName {
        QualifiedName(termNamespace, LocalName.encode(termID))
    }

    /// The PROV document of a set of records.
    public func document(for records: ProvenanceRecords) -> ProvDocument {
        var builder = Builder(mapping: self, records: records)
        builder.build()
        var namespaces = ExportNamespaces.export
        if termNamespace != ExportNamespaces.pk { namespaces.insert(termNamespace, at: 1) }
        let elements = builder.elements.sorted {
            ($0.kind.order, $0.id.description) < ($1.kind.order, $1.id.description)
        }
        let relations = builder.relations.enumerated().sorted { lhs, rhs in
            let left = (
                lhs.element.type.order, lhs.element.subject?.description ?? "", lhs.element.object?.description ?? ""
            )
            let right = (
                rhs.element.type.order, rhs.element.subject?.description ?? "", rhs.element.object?.description ?? ""
            )
            return left != right ? left < right : lhs.offset < rhs.offset
        }.map(\.element)
        return ProvDocument(namespaces: namespaces, elements: elements, relations: relations)
    }

    /// Collects the elements and relations of one document.
    struct Builder {
        let mapping: ProvMapping
        let records: ProvenanceRecords
        var elements: [ProvElement] = []
        var relations: [ProvRelation] = []
        var entityIDs: Set<ProvID> = []

        init(mapping: ProvMapping, records: ProvenanceRecords) {
            self.mapping = mapping
            self.records = records
            entityIDs = Set(records.entities.map(\.id))
        }

        mutating func build() {
            var tagsByTarget: [ProvID: [TagRecord]] = [:]
            for tag in records.tags { tagsByTarget[tag.target, default: []].append(tag) }
            func tagAttributes(_ target: ProvID) -> [ProvAttribute] {
                (tagsByTarget[target] ?? []).sorted { $0.key < $1.key }.map {
                    ProvAttribute(QualifiedName(ExportNamespaces.pktag, LocalName.encode($0.key)), .string($0.value))
                }
            }
            for experiment in records.experiments {
                var attributes = [
                    ProvAttribute(PK.provType, .qualifiedName(PK.collection)),
                    ProvAttribute(PK.provType, .qualifiedName(PK.experiment)),
                    ProvAttribute(PK.label, .string(experiment.name)),
                ]
                if let description = experiment.description {
                    attributes.append(ProvAttribute(PK.description, .string(description)))
                }
                if let created = experiment.createdAt {
                    attributes.append(ProvAttribute(PK.createdAt, .dateTime(created)))
                }
                attributes += tagAttributes(experiment.id)
                elements.append(ProvElement(.entity, ProvMapping.name(of: experiment.id), attributes: attributes))
            }
            let experimentIDs = Set(records.experiments.map(\.id))
            for run in records.runs {
                var attributes = [
                    ProvAttribute(PK.provType, .qualifiedName(PK.run)),
                    ProvAttribute(PK.provType, .qualifiedName(PK.type(of: run.start.kind))),
                ]
                if let name = run.start.name { attributes.append(ProvAttribute(PK.label, .string(name))) }
                attributes.append(ProvAttribute(PK.status, .string(run.status.rawValue)))
                if experimentIDs.contains(run.start.experiment) {
                    attributes.append(
                        ProvAttribute(PK.experimentProperty, .qualifiedName(ProvMapping.name(of: run.start.experiment)))
                    )
                }
                if let parent = run.start.parent {
                    attributes.append(ProvAttribute(PK.parent, .qualifiedName(ProvMapping.name(of: parent))))
                }
                attributes += tagAttributes(run.start.id)
                elements.append(
                    ProvElement(
                        .activity, ProvMapping.name(of: run.start.id), startTime: run.start.startedAt,
                        endTime: run.endedAt, attributes: attributes))
            }
            for agent in records.agents {
                var attributes = [
                    ProvAttribute(PK.provType, .qualifiedName(PK.type(of: agent.kind))),
                    ProvAttribute(PK.label, .string(agent.name)),
                ]
                attributes += Self.freeAttributes(agent.attributes)
                elements.append(ProvElement(.agent, ProvMapping.name(of: agent.id), attributes: attributes))
            }
            for entity in records.entities {
                var attributes = PK.types(of: entity.kind).map { ProvAttribute(PK.provType, .qualifiedName($0)) }
                if let name = entity.name { attributes.append(ProvAttribute(PK.label, .string(name))) }
                if let location = entity.location { attributes.append(ProvAttribute(PK.location, .string(location))) }
                if let digest = entity.digest { attributes.append(ProvAttribute(PK.digest, .string(digest))) }
                if let size = entity.sizeBytes { attributes.append(ProvAttribute(PK.sizeBytes, .long(size))) }
                if let created = entity.createdAt { attributes.append(ProvAttribute(PK.createdAt, .dateTime(created))) }
                attributes += Self.freeAttributes(entity.attributes)
                elements.append(ProvElement(.entity, ProvMapping.name(of: entity.id), attributes: attributes))
            }
            for relation in records.relations {
                relations.append(map(relation))
            }
            addParameters()
            addMetricSeries()
            addTelemetry()
            addArchitectures()
        }

        /// Free-form attributes (`pkattr:<key>`), sorted by key.
        static func freeAttributes(_ attributes: [String: JSONValue]) -> [ProvAttribute] {
            attributes.keys.sorted().compactMap { key in
                attributes[key].map {
                    ProvAttribute(QualifiedName(ExportNamespaces.pkattr, LocalName.encode(key)), .attribute($0))
                }
            }
        }

        func map(_ record: RelationRecord) -> ProvRelation {
            let subject = ProvMapping.name(of: record.subject)
            let object = ProvMapping.name(of: record.object)
            let type: ProvRelationType
            var attributes: [ProvAttribute] = []
            switch record.kind {
            case .used: type = .used
            case .wasGeneratedBy: type = .wasGeneratedBy
            case .wasAssociatedWith: type = .wasAssociatedWith
            case .wasAttributedTo: type = .wasAttributedTo
            case .wasInformedBy: type = .wasInformedBy
            case .wasDerivedFrom: type = .wasDerivedFrom
            case .wasRevisionOf:
                type = .wasDerivedFrom
                attributes.append(ProvAttribute(PK.provType, .qualifiedName(PK.revision)))
            case .specializationOf: type = .specializationOf
            case .hadMember: type = .hadMember
            case .wasStartedBy: type = .wasStartedBy
            case .wasEndedBy: type = .wasEndedBy
            case .actedOnBehalfOf: type = .actedOnBehalfOf
            }
            let names = type.formalArguments
            var relation = ProvRelation(type, arguments: [names[0]: subject, names[1]: object])
            guard type.allowsAttributes else { return relation }  // PROV-DM gives these no time or attributes
            if type.hasTime {
                relation.time = record.time
            } else if let time = record.time {
                attributes.append(ProvAttribute(PK.time, .dateTime(time)))
            }
            for key in record.attributes.keys.sorted() {
                guard let value = record.attributes[key] else { continue }
                if key == "role", case .string(let role) = value {
                    attributes.append(ProvAttribute(PK.role, .string(role)))
                } else if key == "plan", type == .wasAssociatedWith, case .string(let text) = value,
                    let plan = ProvID(hex: text), entityIDs.contains(plan)
                {
                    relation.arguments["plan"] = ProvMapping.name(of: plan)
                } else {
                    attributes.append(
                        ProvAttribute(QualifiedName(ExportNamespaces.pkattr, LocalName.encode(key)), .attribute(value)))
                }
            }
            relation.attributes = attributes
            return relation
        }

        mutating func addParameters() {
            for parameter in records.parameters {
                let id = ProvMapping.name(of: .parameter, run: parameter.run, key: parameter.key)
                var attributes = [
                    ProvAttribute(PK.provType, .qualifiedName(PK.hyperParameterSetting)),
                    ProvAttribute(PK.label, .string(parameter.key)),
                    ProvAttribute(PK.hasValue, .string(parameter.value)),
                    ProvAttribute(
                        PK.specifiedBy,
                        .qualifiedName(QualifiedName(ExportNamespaces.pkkey, LocalName.encode(parameter.key)))),
                ]
                if let term = records.terms[parameter.key] {
                    attributes.append(ProvAttribute(PK.term, .qualifiedName(mapping.termName(term))))
                }
                elements.append(ProvElement(.entity, id, attributes: attributes))
                relations.append(
                    ProvRelation(.used, arguments: ["activity": ProvMapping.name(of: parameter.run), "entity": id]))
            }
        }

        mutating func addMetricSeries() {
            for series in records.metricSeries {
                let summary = series.summary
                let id = ProvMapping.name(of: .metric, run: series.run, key: summary.key)
                var attributes = [
                    ProvAttribute(PK.provType, .qualifiedName(PK.modelEvaluation)),
                    ProvAttribute(PK.provType, .qualifiedName(PK.metricSeries)),
                    ProvAttribute(PK.label, .string(summary.key)),
                    ProvAttribute(
                        PK.specifiedBy,
                        .qualifiedName(QualifiedName(ExportNamespaces.pkkey, LocalName.encode(summary.key)))),
                ]
                if let term = summary.term {
                    attributes.append(ProvAttribute(PK.term, .qualifiedName(mapping.termName(term))))
                }
                // NaN summaries are left out: NaN equals nothing, not even itself, in the readers' comparisons.
                if !summary.last.isNaN { attributes.append(ProvAttribute(PK.hasValue, .double(summary.last))) }
                attributes.append(ProvAttribute(PK.count, .long(Int64(summary.count))))
                attributes.append(ProvAttribute(PK.lastStep, .long(summary.lastStep)))
                if !summary.min.isNaN { attributes.append(ProvAttribute(PK.min, .double(summary.min))) }
                if !summary.max.isNaN { attributes.append(ProvAttribute(PK.max, .double(summary.max))) }
                if !series.points.isEmpty, series.points.count == summary.count,
                    series.points.count <= mapping.options.maxEmbeddedPoints
                {
                    attributes.append(ProvAttribute(PK.points, .json(MetricPointsCodec.encode(series.points))))
                } else if summary.count > 0 {
                    attributes.append(ProvAttribute(PK.pointsOmitted, .boolean(true)))
                }
                elements.append(ProvElement(.entity, id, attributes: attributes))
                relations.append(
                    ProvRelation(
                        .wasGeneratedBy, arguments: ["entity": id, "activity": ProvMapping.name(of: series.run)]))
            }
        }

        mutating func addTelemetry() {
            for sample in records.telemetry {
                let id = ProvMapping.name(
                    of: .telemetry, run: sample.run,
                    key: "\(sample.time.microsecondsSinceEpoch)-\(sample.phase.rawValue)")
                var attributes = [
                    ProvAttribute(PK.provType, .qualifiedName(PK.telemetryData)),
                    ProvAttribute(PK.phase, .string(sample.phase.rawValue)),
                ]
                for key in sample.values.keys.sorted() {
                    guard let value = sample.values[key] else { continue }
                    attributes.append(
                        ProvAttribute(QualifiedName(ExportNamespaces.pkread, LocalName.encode(key)), .double(value)))
                }
                elements.append(ProvElement(.entity, id, attributes: attributes))
                relations.append(
                    ProvRelation(
                        .wasGeneratedBy, arguments: ["entity": id, "activity": ProvMapping.name(of: sample.run)],
                        time: sample.time))
            }
        }

        mutating func addArchitectures() {
            for architecture in records.architectures {
                let id = ProvMapping.name(of: .architecture, run: architecture.run)
                let layers = JSONValue.array(
                    architecture.layers.map { layer in
                        var members = layer.hyperparameters
                        members["type"] = .string(layer.type)
                        return .object(members)
                    })
                var attributes = [
                    ProvAttribute(PK.provType, .qualifiedName(PK.architecture)),
                    ProvAttribute(PK.layerCount, .long(Int64(architecture.layers.count))),
                    ProvAttribute(PK.layers, .json(layers)),
                ]
                if let model = architecture.model {
                    attributes.append(ProvAttribute(PK.model, .qualifiedName(ProvMapping.name(of: model))))
                }
                elements.append(ProvElement(.entity, id, attributes: attributes))
                relations.append(
                    ProvRelation(.used, arguments: ["activity": ProvMapping.name(of: architecture.run), "entity": id]))
            }
        }
    }
}

/// The compact form of a metric series' points in `pk:points`: one JSON object of parallel arrays,
/// `{"step": [...], "value": [...], "time": [...], "epoch": [...]}`. `time` (ISO 8601 strings) and `epoch` are left
/// out when no point has one, and hold `null` for the points without. Non-finite values are the strings `"NaN"`,
/// `"Infinity"` and `"-Infinity"`, as in MLflow.
public enum MetricPointsCodec {
    /// Encodes points (of one series) in order.
    public static func encode(_ points: [MetricPoint]) -> JSONValue {
        var object: [String: JSONValue] = [
            "step": .array(points.map { .number(Double($0.step)) }),
            "value": .array(points.map { .number($0.value) }),
        ]
        if points.contains(where: { $0.time != nil }) {
            object["time"] = .array(points.map { $0.time.map { .string($0.iso8601) } ?? .null })
        }
        if points.contains(where: { $0.epoch != nil }) {
            object["epoch"] = .array(points.map { $0.epoch.map { .number($0) } ?? .null })
        }
        return .object(object)
    }

    /// Decodes points for a run and key.
    /// - Throws: a message saying what is malformed.
    public static func decode(_ value: JSONValue, run: ProvID, key: String) throws(ProvImportError) -> [MetricPoint] {
        guard case .object(let object) = value, case .array(let steps)? = object["step"],
            case .array(let values)? = object["value"], steps.count == values.count
        else {
            throw ProvImportError(
                "pk:points of metric '\(key)' must be an object with 'step' and 'value' arrays of equal length")
        }
        var times: [JSONValue] = []
        if case .array(let items)? = object["time"] { times = items }
        var epochs: [JSONValue] = []
        if case .array(let items)? = object["epoch"] { epochs = items }
        guard times.isEmpty || times.count == steps.count, epochs.isEmpty || epochs.count == steps.count else {
            throw ProvImportError("pk:points of metric '\(key)': 'time' and 'epoch' must have one entry per step")
        }
        var points: [MetricPoint] = []
        points.reserveCapacity(steps.count)
        for index in steps.indices {
            guard case .number(let stepNumber) = steps[index], abs(stepNumber) < 9.0e15,
                let step = Int64(exactly: stepNumber)
            else {
                throw ProvImportError("pk:points of metric '\(key)': step \(index + 1) is not a whole number")
            }
            let number: Double
            switch values[index] {
            case .number(let value): number = value
            case .string("NaN"): number = .nan
            case .string("Infinity"): number = .infinity
            case .string("-Infinity"): number = -.infinity
            default: throw ProvImportError("pk:points of metric '\(key)': value \(index + 1) is not a number")
            }
            var time: ProvTime? = nil
            if !times.isEmpty, case .string(let text) = times[index] {
                guard let parsed = ProvTime(iso8601: text) else {
                    throw ProvImportError(
                        "pk:points of metric '\(key)': time \(index + 1) '\(text)' is not an ISO 8601 date-time")
                }
                time = parsed
            }
            var epoch: Double? = nil
            if !epochs.isEmpty, case .number(let value) = epochs[index] { epoch = value }
            points.append(MetricPoint(run: run, key: key, value: number, step: step, time: time, epoch: epoch))
        }
        return points
    }
}

extension ProvElementKind {
    var order: Int {
        switch self {
        case .entity: 0
        case .activity: 1
        case .agent: 2
        }
    }
}

extension ProvRelationType {
    var order: Int { Self.allCases.firstIndex(of: self) ?? 0 }
}
