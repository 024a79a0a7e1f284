public import ProvModel

/// What a local path is, as the caller's file system answers (the builder itself touches no files).
public enum LocalFileKind: Hashable, Sendable {
    /// An existing file.
    case file
    /// An existing folder.
    case directory
}

/// Settings of an RO-Crate export.
public struct ROCrateOptions: Sendable {
    /// The crate's license: a URL (such as `https://spdx.org/licenses/CC-BY-4.0`) or a text; `nil` writes a text
    /// saying that no license was given.
    public var license: String?
    /// The crate's `datePublished`: the time of the export.
    public var datePublished: ProvTime
    /// The version of ProvKit that writes the crate.
    public var provKitVersion: String
    /// Answers whether an absolute local path is an existing file or folder (`nil` when it does not exist).
    public var localFile: @Sendable (String) -> LocalFileKind?

    /// Creates options.
    public init(
        license: String? = nil, datePublished: ProvTime, provKitVersion: String,
        localFile: @escaping @Sendable (String) -> LocalFileKind?
    ) {
        self.license = license
        self.datePublished = datePublished
        self.provKitVersion = provKitVersion
        self.localFile = localFile
    }
}

/// A file of an RO-Crate: its path inside the crate and where its bytes come from.
public struct ROCrateFile: Hashable, Sendable {
    /// Where the bytes come from. A closed set.
    public enum Source: Hashable, Sendable {
        /// A local file or folder to copy (an absolute path).
        case copy(String)
        /// Text the export generated.
        case text(String)
    }

    /// The path inside the crate, relative, with `/` separators; a folder's path ends in `/`.
    public var path: String
    /// Where the bytes come from.
    public var source: Source

    /// Creates a crate file.
    public init(path: String, source: Source) {
        self.path = path
        self.source = source
    }
}

/// An RO-Crate: the metadata document and the files to put beside it.
public struct ROCrate: Hashable, Sendable {
    /// `ro-crate-metadata.json`.
    public var metadata: String
    /// The payload: generated files and copies of the run's local artifacts.
    public var files: [ROCrateFile]
}

/// Why a crate cannot be built from the records.
public struct ROCrateError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What is missing.
    public var description: String
}

/// Builds an RO-Crate 1.1 that follows the Provenance Run Crate 0.5 profile (and so Workflow Run Crate 0.5,
/// Process Run Crate 0.5 and Workflow RO-Crate 1.0) from stored records.
///
/// ProvKit records executions, not workflow definitions, so the crate's main workflow (`provkit-workflow.json`)
/// is a generated description of the recorded structure: its runs, how they nest, their parameters and tools.
/// Each run is a `CreateAction`; a top-level run's instrument is the main workflow; a nested run is a step
/// (`HowToStep`, `ControlAction`) whose tool is the software agent it was associated with. Parameters are
/// `PropertyValue` inputs, metric series `PropertyValue` results (their last value), the last telemetry sample
/// `resourceUsage`. Entities whose location is an existing local file or folder are copied under `data/`; the
/// others are contextual entities identified by their ProvKit IRI. The full provenance travels along as
/// `provenance/prov.json` (PROV-JSON) and `provenance/prov.ttl` (PROV-O).
public struct ROCrateBuilder: Sendable {
    /// Writes the PROV files the crate carries and names taxonomy terms.
    public let exporter: ProvExporter
    /// The crate settings.
    public let options: ROCrateOptions

    /// The profiles the crate conforms to.
    public static let profiles: [(iri: String, name: String, version: String)] = [
        ("https://w3id.org/ro/wfrun/process/0.5", "Process Run Crate", "0.5"),
        ("https://w3id.org/ro/wfrun/workflow/0.5", "Workflow Run Crate", "0.5"),
        ("https://w3id.org/ro/wfrun/provenance/0.5", "Provenance Run Crate", "0.5"),
        ("https://w3id.org/workflowhub/workflow-ro-crate/1.0", "Workflow RO-Crate", "1.0"),
    ]

    static let workflowPath = "provkit-workflow.json"
    static let resourceUsage = "https://w3id.org/ro/terms/workflow-run#resourceUsage"

    /// Creates a builder.
    public init(exporter: ProvExporter, options: ROCrateOptions) {
        self.exporter = exporter
        self.options = options
    }

    /// The crate of a set of records; `title` names what was exported (a run, an experiment, a lineage).
    /// - Throws: ``ROCrateError`` when the records hold no run (a Run Crate describes runs).
    public func build(_ records: ProvenanceRecords, title: String) throws(ROCrateError) -> ROCrate {
        guard !records.runs.isEmpty else {
            throw ROCrateError(
                description: "\(title) holds no run, and a Run Crate describes runs; export it with --format prov-json")
        }
        var graph = Graph(records: records, builder: self)
        graph.build(title: title)
        let document = OrderedJSON.object([
            (
                "@context",
                .array([
                    .string("https://w3id.org/ro/crate/1.1/context"),
                    .object([("resourceUsage", .string(Self.resourceUsage))]),
                ])
            ),
            ("@graph", .array(graph.entities.map { .object($0.members) })),
        ])
        var files = graph.files
        files.append(ROCrateFile(path: Self.workflowPath, source: .text(graph.workflowDescription())))
        files.append(
            ROCrateFile(path: "provenance/prov.json", source: .text(exporter.text(records, format: .provJSON))))
        files.append(ROCrateFile(path: "provenance/prov.ttl", source: .text(exporter.text(records, format: .turtle))))
        return ROCrate(metadata: document.rendered(indent: 2), files: files)
    }

    /// One JSON-LD entity of the crate, its members in order.
    struct Entity {
        var id: String
        var members: [(String, OrderedJSON)]

        init(_ id: String, _ type: OrderedJSON, _ members: [(String, OrderedJSON)] = []) {
            self.id = id
            self.members = [("@id", .string(id)), ("@type", type)] + members
        }

        mutating func set(_ key: String, _ value: OrderedJSON) {
            if let index = members.firstIndex(where: { $0.0 == key }) {
                members[index].1 = value
            } else {
                members.append((key, value))
            }
        }
    }

    static func reference(_ id: String) -> OrderedJSON { .object([("@id", .string(id))]) }
    /// References to entities: one reference alone, several as an array (RO-Crate prefers no singleton arrays).
    static func references(_ ids: [String]) -> OrderedJSON {
        ids.count == 1 ? reference(ids[0]) : .array(ids.map(reference))
    }

    /// A time as the Run Crate profiles recommend: milliseconds and a `+00:00` offset
    /// (`provenance/prov.json` keeps microseconds).
    static func time(_ time: ProvTime) -> OrderedJSON {
        .string(String(time.iso8601.prefix(23)) + "+00:00")
    }
    static func types(_ names: String...) -> OrderedJSON {
        names.count == 1 ? .string(names[0]) : .array(names.map { .string($0) })
    }

    static func number(_ value: Double) -> OrderedJSON {
        value.isFinite ? .number(JSONValue.format(number: value)) : .string(ProvValue.lexical(value))
    }

    /// Assembles the crate's entities.
    struct Graph {
        let records: ProvenanceRecords
        let builder: ROCrateBuilder
        var entities: [Entity] = []
        var files: [ROCrateFile] = []
        var usedPaths: Set<String> = []
        /// The crate identifiers of the entity records already described.
        var describedEntities: Set<String> = []
        /// The crate identifier of each entity and agent.
        var crateIDs: [ProvID: String] = [:]
        var rootParts: [String] = []
        var runsByID: [ProvID: RunRecord] = [:]
        var children: [ProvID: [RunRecord]] = [:]
        var tools: [ProvID: String] = [:]
        var toolEntities: [String: Entity] = [:]
        var toolOrder: [String] = []
        var formalParameters: [String: Entity] = [:]
        var formalOrder: [String] = []
        // Indexes, so that building a crate of many runs stays linear.
        var agentsByID: [ProvID: AgentRecord] = [:]
        var relationsBySubject: [ProvID: [RelationRecord]] = [:]
        var relationsByObject: [ProvID: [RelationRecord]] = [:]
        var parametersByRun: [ProvID: [ParameterRecord]] = [:]
        var parameterValues: [String: [String]] = [:]
        var seriesByRun: [ProvID: [MetricSeriesRecord]] = [:]
        var telemetryByRun: [ProvID: [TelemetrySample]] = [:]

        init(records: ProvenanceRecords, builder: ROCrateBuilder) {
            self.records = records
            self.builder = builder
            for run in records.runs { runsByID[run.start.id] = run }
            for run in records.runs {
                if let parent = run.start.parent, runsByID[parent] != nil { children[parent, default: []].append(run) }
            }
            for agent in records.agents { agentsByID[agent.id] = agent }
            for relation in records.relations {
                relationsBySubject[relation.subject, default: []].append(relation)
                relationsByObject[relation.object, default: []].append(relation)
            }
            for parameter in records.parameters {
                parametersByRun[parameter.run, default: []].append(parameter)
                parameterValues[parameter.key, default: []].append(parameter.value)
            }
            for series in records.metricSeries { seriesByRun[series.run, default: []].append(series) }
            for sample in records.telemetry { telemetryByRun[sample.run, default: []].append(sample) }
        }

        var topLevelRuns: [RunRecord] {
            records.runs.filter { run in run.start.parent.map { runsByID[$0] == nil } ?? true }
        }

        /// Every run below `run`, depth first, in start order.
        func descendants(of run: ProvID) -> [RunRecord] {
            (children[run] ?? []).flatMap { [$0] + descendants(of: $0.start.id) }
        }

        static func runID(_ id: ProvID) -> String { "#run-\(id.hex)" }

        mutating func build(title: String) {
            addAgents()
            addEntities()
            var actions: [Entity] = []
            var steps: [String] = []
            var controls: [Entity] = []
            var organizes: [Entity] = []
            var workflowInputs: [String] = []
            var workflowOutputs: [String] = []
            var position = 0
            for top in topLevelRuns {
                let nested = descendants(of: top.start.id)
                var instruments = [ROCrateBuilder.workflowPath]
                if nested.isEmpty {
                    let tool = tool(for: top)
                    instruments.append(tool)
                    actions.append(action(for: top, instruments: instruments, tool: tool))
                } else {
                    actions.append(action(for: top, instruments: instruments, tool: "#workflow"))
                    var controlIDs: [String] = []
                    for run in nested {
                        position += 1
                        let tool = tool(for: run)
                        let stepID = "#step-\(run.start.id.hex)"
                        steps.append(stepID)
                        var step = Entity(
                            stepID, .string("HowToStep"),
                            [
                                ("name", .string(run.start.name ?? "step \(run.start.id.hex.prefix(12))")),
                                ("position", .string(String(position))),
                                ("workExample", ROCrateBuilder.reference(tool)),
                            ])
                        step.set("identifier", .string(iri(run.start.id)))
                        entities.append(step)
                        actions.append(action(for: run, instruments: [tool], tool: tool))
                        let controlID = "#control-\(run.start.id.hex)"
                        controlIDs.append(controlID)
                        controls.append(
                            Entity(
                                controlID, .string("ControlAction"),
                                [
                                    ("name", .string("orchestrate \(run.start.name ?? run.start.id.hex)")),
                                    ("instrument", ROCrateBuilder.reference(stepID)),
                                    ("object", ROCrateBuilder.reference(ROCrateBuilder.Graph.runID(run.start.id))),
                                ]))
                    }
                    var organize = Entity(
                        "#organize-\(top.start.id.hex)", .string("OrganizeAction"),
                        [
                            ("name", .string("run \(top.start.name ?? top.start.id.hex)")),
                            ("instrument", ROCrateBuilder.reference(engine(for: top))),
                            ("result", ROCrateBuilder.reference(ROCrateBuilder.Graph.runID(top.start.id))),
                            ("object", ROCrateBuilder.references(controlIDs)),
                            ("startTime", ROCrateBuilder.time(top.start.startedAt)),
                        ])
                    if let end = top.endedAt { organize.set("endTime", ROCrateBuilder.time(end)) }
                    organizes.append(organize)
                    workflowInputs += formalParameterIDs(of: top, tool: "#workflow", output: false)
                    workflowOutputs += formalParameterIDs(of: top, tool: "#workflow", output: true)
                }
            }
            entities =
                [descriptor(), root(title: title, mentions: actions.map(\.id))]
                + profileEntities() + [
                    workflow(steps: steps, inputs: workflowInputs, outputs: workflowOutputs), language(),
                ]
                + toolOrder.compactMap { toolEntities[$0] }
                + toolEntities.keys.filter { !toolOrder.contains($0) }.sorted().compactMap { toolEntities[$0] }
                + formalOrder.compactMap { formalParameters[$0] }
                + actions + controls + organizes + entities + provenanceFiles() + licenseEntity()
        }

        // MARK: Fixed entities

        func descriptor() -> Entity {
            Entity(
                "ro-crate-metadata.json", .string("CreativeWork"),
                [
                    (
                        "conformsTo",
                        ROCrateBuilder.references([
                            "https://w3id.org/ro/crate/1.1", "https://w3id.org/workflowhub/workflow-ro-crate/1.0",
                        ])
                    ),
                    ("about", ROCrateBuilder.reference("./")),
                ])
        }

        func root(title: String, mentions: [String]) -> Entity {
            let options = builder.options
            let description =
                "Provenance of \(title), exported by ProvKit \(options.provKitVersion): \(records.runs.count) runs, "
                + "\(records.entities.count) entities, \(records.agents.count) agents, "
                + "\(records.metricSeries.count) metric series. provenance/prov.json holds the complete W3C PROV "
                + "record."
            var parts = [ROCrateBuilder.workflowPath] + rootParts + ["provenance/prov.json", "provenance/prov.ttl"]
            parts = parts.reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
            return Entity(
                "./", .string("Dataset"),
                [
                    ("name", .string(title)), ("description", .string(description)),
                    ("datePublished", .string(options.datePublished.iso8601)), ("license", license()),
                    ("conformsTo", ROCrateBuilder.references(ROCrateBuilder.profiles.map(\.iri))),
                    ("mainEntity", ROCrateBuilder.reference(ROCrateBuilder.workflowPath)),
                    ("hasPart", ROCrateBuilder.references(parts)), ("mentions", ROCrateBuilder.references(mentions)),
                ])
        }

        func license() -> OrderedJSON {
            guard let license = builder.options.license, !license.isEmpty else {
                return .string("No license was given when this crate was exported; ask its author before reuse.")
            }
            return Self.isURL(license) ? ROCrateBuilder.reference(license) : .string(license)
        }

        /// The crate's own copies of the provenance in W3C formats.
        func provenanceFiles() -> [Entity] {
            [
                Entity(
                    "provenance/prov.json", .string("File"),
                    [
                        ("name", .string("W3C PROV-JSON provenance")), ("encodingFormat", .string("application/json")),
                        ("about", ROCrateBuilder.reference("./")),
                        (
                            "description",
                            .string("Everything ProvKit recorded about what this crate describes, in PROV-JSON.")
                        ),
                    ]),
                Entity(
                    "provenance/prov.ttl", .string("File"),
                    [
                        ("name", .string("W3C PROV-O provenance")), ("encodingFormat", .string("text/turtle")),
                        ("about", ROCrateBuilder.reference("./")),
                        ("description", .string("The same provenance as PROV-O, in Turtle.")),
                    ]),
            ]
        }

        func licenseEntity() -> [Entity] {
            guard let license = builder.options.license, Self.isURL(license) else { return [] }
            return [Entity(license, .string("CreativeWork"), [("name", .string(license))])]
        }

        static func isURL(_ text: String) -> Bool {
            text.hasPrefix("http://") || text.hasPrefix("https://")
        }

        func profileEntities() -> [Entity] {
            ROCrateBuilder.profiles.map { profile in
                Entity(
                    profile.iri, .string("CreativeWork"),
                    [
                        ("name", .string(profile.name)), ("version", .string(profile.version)),
                    ])
            }
        }

        func workflow(steps: [String], inputs: [String], outputs: [String]) -> Entity {
            var types = ["File", "SoftwareSourceCode", "ComputationalWorkflow"]
            if !steps.isEmpty { types.append("HowTo") }
            var entity = Entity(
                ROCrateBuilder.workflowPath, .array(types.map { .string($0) }),
                [
                    ("name", .string("Workflow recorded by ProvKit")),
                    (
                        "description",
                        .string(
                            "ProvKit records executions, not workflow definitions: this file describes the workflow "
                                + "as it "
                                + "was recorded, its runs, how they nest, their parameters and tools.")
                    ),
                    ("encodingFormat", .string("application/json")),
                    ("version", .string(builder.options.provKitVersion)),
                    ("programmingLanguage", ROCrateBuilder.reference("#provkit-workflow-description")),
                    ("hasPart", ROCrateBuilder.references(toolOrder)),
                ])
            if !steps.isEmpty { entity.set("step", ROCrateBuilder.references(steps)) }
            if !inputs.isEmpty { entity.set("input", ROCrateBuilder.references(inputs)) }
            if !outputs.isEmpty { entity.set("output", ROCrateBuilder.references(outputs)) }
            return entity
        }

        func language() -> Entity {
            Entity(
                "#provkit-workflow-description", .string("ComputerLanguage"),
                [
                    ("name", .string("ProvKit recorded workflow description")),
                    ("alternateName", .string("provkit-workflow")),
                    ("url", ROCrateBuilder.reference("https://w3id.org/provkit/ns#WorkflowDescription")),
                    ("version", .string(builder.options.provKitVersion)),
                ])
        }

        // MARK: Agents and entities

        func iri(_ id: ProvID) -> String { ExportNamespaces.pkid.iri + id.hex }

        mutating func addAgents() {
            for agent in records.agents {
                let id = iri(agent.id)
                let type: String
                switch agent.kind {
                case .person: type = "Person"
                case .software: type = "SoftwareApplication"
                case .organization: type = "Organization"
                case .host: continue  // hosts stay in provenance/prov.json; schema.org has no fitting agent type
                }
                crateIDs[agent.id] = id
                var entity = Entity(id, .string(type), [("name", .string(agent.name))])
                if agent.kind == .software, case .string(let version)? = agent.attributes["version"] {
                    entity.set("softwareVersion", .string(version))
                }
                if agent.kind == .software {
                    toolEntities[id] = entity  // listed with the tools, so that it appears once
                } else {
                    entities.append(entity)
                }
            }
        }

        mutating func addEntities() {
            for record in records.entities {
                var entity: Entity
                let location = record.location ?? ""
                let localPath = Self.localPath(location)
                if let path = localPath, let kind = builder.options.localFile(path) {
                    let cratePath = uniquePath(for: path, directory: kind == .directory)
                    files.append(ROCrateFile(path: cratePath, source: .copy(path)))
                    rootParts.append(cratePath)
                    entity = Entity(cratePath, .string(kind == .directory ? "Dataset" : "File"))
                    if let size = record.sizeBytes, kind == .file { entity.set("contentSize", .string(String(size))) }
                } else if Self.isURL(location) {
                    rootParts.append(location)
                    entity = Entity(location, .string(record.kind == .directory ? "Dataset" : "File"))
                } else {
                    entity = Entity(iri(record.id), .string("CreativeWork"))
                    if !location.isEmpty { entity.set("description", .string("recorded location: \(location)")) }
                }
                guard describedEntities.insert(entity.id).inserted else {
                    crateIDs[record.id] = entity.id
                    continue  // two records at one URL: the first describes it
                }
                entity.set("name", .string(record.name ?? record.location ?? record.id.hex))
                entity.set("identifier", .string(iri(record.id)))
                entity.set("additionalType", .string(record.kind.rawValue))
                if let created = record.createdAt { entity.set("dateCreated", ROCrateBuilder.time(created)) }
                crateIDs[record.id] = entity.id
                entities.append(entity)
            }
        }

        /// The local path a location names: an absolute path or a `file:` URL.
        static func localPath(_ location: String) -> String? {
            if location.hasPrefix("/") { return location }
            if location.hasPrefix("file://") {
                let path = String(location.dropFirst("file://".count))
                return path.hasPrefix("/") ? LocalName.decode(path) : nil
            }
            return nil
        }

        mutating func uniquePath(for path: String, directory: Bool) -> String {
            var name = path.split(separator: "/").last.map(String.init) ?? "item"
            name = name.map { $0 == "#" || $0 == "?" || $0 == "%" ? "_" : $0 }.reduce(into: "") { $0.append($1) }
            var candidate = "data/" + name
            var counter = 1
            while usedPaths.contains(candidate) {
                counter += 1
                candidate = "data/\(counter)-" + name
            }
            usedPaths.insert(candidate)
            return directory ? candidate + "/" : candidate
        }

        // MARK: Runs

        /// The workflow engine of a top-level run, for its `OrganizeAction`: the software agent the run was
        /// associated with, as an entity of its own (the profile keeps engines and tools apart).
        mutating func engine(for run: RunRecord) -> String {
            let id = "#engine-\(run.start.id.hex)"
            if let software = softwareAgent(of: run.start.id) {
                var entity = Entity(
                    id, .string("SoftwareApplication"),
                    [
                        ("name", .string(software.name)), ("identifier", .string(iri(software.id))),
                        (
                            "description",
                            .string("The program that orchestrated \(run.start.name ?? run.start.id.hex).")
                        ),
                    ])
                if case .string(let version)? = software.attributes["version"] {
                    entity.set("softwareVersion", .string(version))
                }
                toolEntities[id] = entity
            } else {
                toolEntities[id] = Entity(
                    id, .string("SoftwareApplication"),
                    [
                        ("name", .string("orchestrator of \(run.start.name ?? run.start.id.hex)")),
                        (
                            "description",
                            .string("ProvKit recorded no software agent for this run; this stands for it.")
                        ),
                    ])
            }
            return id
        }

        /// The software agent a run was associated with (the first by id when there are several).
        func softwareAgent(of run: ProvID) -> AgentRecord? {
            (relationsBySubject[run] ?? []).filter { $0.kind == .wasAssociatedWith }
                .compactMap { relation in agentsByID[relation.object].flatMap { $0.kind == .software ? $0 : nil } }
                .sorted { $0.id < $1.id }.first
        }

        /// The tool a run used: the software agent it was associated with, else a tool named after the run.
        mutating func tool(for run: RunRecord) -> String {
            if let known = tools[run.start.id] {
                if !toolOrder.contains(known) { toolOrder.append(known) }
                return known
            }
            let software = softwareAgent(of: run.start.id)
            let id: String
            if let software, let crateID = crateIDs[software.id] {
                id = crateID
            } else {
                id = "#tool-\(run.start.id.hex)"
                toolEntities[id] = Entity(
                    id, .string("SoftwareApplication"),
                    [
                        ("name", .string("program of \(run.start.name ?? run.start.id.hex)")),
                        (
                            "description",
                            .string("ProvKit recorded no software agent for this run; this stands for its program.")
                        ),
                    ])
            }
            tools[run.start.id] = id
            if !toolOrder.contains(id) { toolOrder.append(id) }
            return id
        }

        mutating func action(for run: RunRecord, instruments: [String], tool: String) -> Entity {
            let id = run.start.id
            var entity = Entity(
                Self.runID(id), .string("CreateAction"),
                [
                    ("name", .string(run.start.name ?? "run \(id.hex)")), ("identifier", .string(iri(id))),
                    ("instrument", ROCrateBuilder.references(instruments)),
                    ("startTime", ROCrateBuilder.time(run.start.startedAt)),
                ])
            if let end = run.endedAt { entity.set("endTime", ROCrateBuilder.time(end)) }
            let kind = run.start.kind.rawValue.prefix(1).uppercased() + run.start.kind.rawValue.dropFirst()
            entity.set(
                "description",
                .string(
                    "\(kind) \(run.start.name ?? id.hex), recorded by ProvKit as run \(id.hex) "
                        + "(status \(run.status.rawValue)).")
            )
            // The Run Crate profiles write the status IRI as a string.
            entity.set("actionStatus", .string("http://schema.org/" + Self.actionStatus(run.status)))
            let agents = responsibleAgents(of: id)
            if !agents.isEmpty { entity.set("agent", ROCrateBuilder.references(agents)) }
            var inputs = (relationsBySubject[id] ?? []).filter { $0.kind == .used }.compactMap {
                crateIDs[$0.object]
            }
            var outputs = (relationsByObject[id] ?? []).filter { $0.kind == .wasGeneratedBy }.compactMap {
                crateIDs[$0.subject]
            }
            for parameter in parametersByRun[id] ?? [] {
                let valueID = "#param-\(id.hex)-\(LocalName.encode(parameter.key))"
                var value = Entity(
                    valueID, .string("PropertyValue"),
                    [
                        ("name", .string(parameter.key)), ("value", .string(parameter.value)),
                    ])
                if let term = records.terms[parameter.key] { value.set("propertyID", .string(termIRI(term))) }
                value.set(
                    "exampleOfWork",
                    ROCrateBuilder.reference(formalParameter(tool: tool, key: parameter.key, output: false)))
                entities.append(value)
                inputs.append(valueID)
            }
            for series in seriesByRun[id] ?? [] {
                let summary = series.summary
                let valueID = "#metric-\(id.hex)-\(LocalName.encode(summary.key))"
                var value = Entity(
                    valueID, .string("PropertyValue"),
                    [
                        ("name", .string(summary.key)), ("value", ROCrateBuilder.number(summary.last)),
                        (
                            "description",
                            .string(
                                "last of \(summary.count) points (step \(summary.lastStep)); min "
                                    + "\(ProvValue.lexical(summary.min)), max \(ProvValue.lexical(summary.max))")
                        ),
                    ])
                if let term = summary.term { value.set("propertyID", .string(termIRI(term))) }
                value.set(
                    "exampleOfWork",
                    ROCrateBuilder.reference(formalParameter(tool: tool, key: summary.key, output: true)))
                entities.append(value)
                outputs.append(valueID)
            }
            if !inputs.isEmpty { entity.set("object", ROCrateBuilder.references(inputs)) }
            if !outputs.isEmpty { entity.set("result", ROCrateBuilder.references(outputs)) }
            let samples = telemetryByRun[id] ?? []
            if let sample = samples.last(where: { $0.phase == .end }) ?? samples.last, !sample.values.isEmpty {
                var usage: [String] = []
                for key in sample.values.keys.sorted() {
                    guard let reading = sample.values[key] else { continue }
                    let usageID = "#usage-\(id.hex)-\(LocalName.encode(key))"
                    let property =
                        records.terms[key].map(termIRI) ?? ExportNamespaces.pkread.iri + LocalName.encode(key)
                    var value = Entity(
                        usageID, .string("PropertyValue"),
                        [
                            ("name", .string(key)), ("propertyID", .string(property)),
                            ("value", ROCrateBuilder.number(reading)),
                        ])
                    if let term = records.terms[key], let unit = builder.exporter.mapping.taxonomy.term(id: term)?.unit
                    {
                        value.set("unitCode", .string(unit))
                    }
                    entities.append(value)
                    usage.append(usageID)
                }
                entity.set("resourceUsage", ROCrateBuilder.references(usage))
            }
            return entity
        }

        /// The persons and organizations responsible for a run: associated with it, or on whose behalf its
        /// software agents acted.
        func responsibleAgents(of run: ProvID) -> [String] {
            let associated = (relationsBySubject[run] ?? []).filter { $0.kind == .wasAssociatedWith }.map(\.object)
            let delegators = associated.flatMap { relationsBySubject[$0] ?? [] }.filter { $0.kind == .actedOnBehalfOf }
                .map(\.object)
            var ids: [String] = []
            for agentID in associated + delegators {
                guard let agent = agentsByID[agentID],
                    agent.kind == .person || agent.kind == .organization, let crateID = crateIDs[agentID],
                    !ids.contains(crateID)
                else { continue }
                ids.append(crateID)
            }
            return ids
        }

        func termIRI(_ term: String) -> String {
            builder.exporter.mapping.termNamespace.iri + LocalName.encode(term)
        }

        static func actionStatus(_ status: RunStatus) -> String {
            switch status {
            case .finished: "CompletedActionStatus"
            case .failed, .killed: "FailedActionStatus"
            case .running: "ActiveActionStatus"
            case .scheduled: "PotentialActionStatus"
            }
        }

        /// The formal parameter of a tool's input (a parameter) or output (a metric), created on first use.
        mutating func formalParameter(tool: String, key: String, output: Bool) -> String {
            let owner = tool.hasPrefix("#") ? String(tool.dropFirst()) : tool
            let id = "#\(owner)-\(output ? "output" : "input")-\(LocalName.encode(key))"
            guard formalParameters[id] == nil else { return id }
            let additionalType =
                output ? "Float" : Self.valueType(parameterValues[key] ?? [])
            formalParameters[id] = Entity(
                id, .string("FormalParameter"),
                [
                    ("name", .string(key)), ("additionalType", .string(additionalType)),
                ])
            formalOrder.append(id)
            if var toolEntity = toolEntities[tool] {
                let member = output ? "output" : "input"
                var current: [String] = []
                if case .array(let items)? = toolEntity.members.first(where: { $0.0 == member })?.1 {
                    current = items.compactMap { item in
                        if case .object(let pairs) = item, case .string(let ref)? = pairs.first?.1 { return ref }
                        return nil
                    }
                }
                toolEntity.set(member, ROCrateBuilder.references(current + [id]))
                toolEntities[tool] = toolEntity
            }
            return id
        }

        /// The formal parameters of a workflow-level run (the main workflow's inputs or outputs).
        mutating func formalParameterIDs(of run: RunRecord, tool: String, output: Bool) -> [String] {
            let keys =
                output
                ? (seriesByRun[run.start.id] ?? []).map(\.summary.key)
                : (parametersByRun[run.start.id] ?? []).map(\.key)
            return keys.map { formalParameter(tool: tool, key: $0, output: output) }
        }

        /// The Workflow Run Crate type of a parameter's values: Integer, Float, Boolean or Text.
        static func valueType(_ values: [String]) -> String {
            guard !values.isEmpty else { return "Text" }
            if values.allSatisfy({ Int64($0) != nil }) { return "Integer" }
            if values.allSatisfy({ Double($0) != nil }) { return "Float" }
            if values.allSatisfy({ $0 == "true" || $0 == "false" }) { return "Boolean" }
            return "Text"
        }

        /// The generated main workflow file: the recorded runs, how they nest, their parameters and tools.
        func workflowDescription() -> String {
            let runs = records.runs.map { run -> OrderedJSON in
                var members: [(String, OrderedJSON)] = [
                    ("id", .string(iri(run.start.id))), ("name", run.start.name.map { .string($0) } ?? .null),
                    ("kind", .string(run.start.kind.rawValue)),
                    ("parent", run.start.parent.map { .string(iri($0)) } ?? .null),
                ]
                members.append(("tool", tools[run.start.id].map { .string($0) } ?? .null))
                members.append(
                    ("parameters", .array((parametersByRun[run.start.id] ?? []).map { .string($0.key) }))
                )
                members.append(
                    (
                        "metrics",
                        .array((seriesByRun[run.start.id] ?? []).map { .string($0.summary.key) })
                    ))
                return .object(members)
            }
            return OrderedJSON.object([
                ("description", .string("The workflow as ProvKit recorded it (generated by provkit export).")),
                ("provkit", .string(builder.options.provKitVersion)), ("runs", .array(runs)),
            ]).rendered(indent: 2)
        }
    }
}
