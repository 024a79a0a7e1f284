import ArgumentParser
import Foundation
import ProvExport
import ProvImport
import ProvModel
import ProvStore

/// `provkit import trails|a4nn|prov-json PATH...`: turn third-party training records into provenance.
struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import training records from other tools into the store.",
        subcommands: [Trails.self, A4NN.self, ProvJSON.self])

    struct Trails: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "trails",
            abstract: "Import RCLJT22 record trails of random neural networks (one run per network).",
            discussion: """
                Each file (<network-id>.txt, single-space separated, 28 columns, metadata on the first row) becomes \
                one run with its parameters classified by the taxonomy, its architecture as ordered layers, the \
                dataset it used, and the valAcc (as a fraction), valLoss and trainLoss series at half-epoch steps. \
                A folder is searched for .txt files. Files already imported are skipped. All files are stored in \
                one transaction: if any file is malformed, nothing is stored and the error names the file, line \
                and column.
                """)

        @OptionGroup var storeOptions: StoreOptions

        @Option(name: .shortAndLong, help: "The experiment to import into (created when new).")
        var experiment = "record-trails"

        @Argument(help: "Record-trail files, or folders holding them.")
        var paths: [String]

        func run() async throws {
            let files = try FileCollector.collect(paths, extensions: ["txt"])
            try await ImportRunner(storeOptions: storeOptions, experimentName: experiment)
                .run(files: files, importer: RecordTrailImporter())
        }
    }

    struct A4NN: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "a4nn",
            abstract: "Import A4NN neural-architecture-search histories (one run per network).",
            discussion: """
                Each CSV (header epoch,train_accs,val_accs,predictions,converged,genome,arch,flops) holds several \
                networks; each becomes one run with its NSGA-Net genome decoded into architecture features, the beam \
                intensity and GPU count from the file name (1gpu_1e14_training_data.csv) as application metadata, \
                and its accuracy series as fractions. A folder is searched for .csv files. Files already imported \
                are skipped; all files are stored in one transaction.
                """)

        @OptionGroup var storeOptions: StoreOptions

        @Option(name: .shortAndLong, help: "The experiment to import into (created when new).")
        var experiment = "a4nn"

        @Argument(help: "A4NN history CSV files, or folders holding them.")
        var paths: [String]

        func run() async throws {
            let files = try FileCollector.collect(paths, extensions: ["csv"])
            try await ImportRunner(storeOptions: storeOptions, experimentName: experiment)
                .run(files: files, importer: A4NNImporter())
        }
    }
}

extension ImportCommand {
    struct ProvJSON: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "prov-json",
            abstract:
                "Import a W3C PROV-JSON document (from the prov library, yProv4ML, MLflow2PROV or provkit export).",
            discussion: """
                Activities become runs, entities and agents keep their types and attributes, and PROV relations \
                become ProvKit relations. A document that `provkit export` wrote comes back whole: experiment, \
                runs, parameters, metric series (with their points), telemetry, architectures, tags and relations; \
                exporting it again gives an equivalent document.

                Identifiers that are not ProvKit ids are mapped to ids derived from their IRI, and the IRI is kept as \
                provkit.sourceId, so importing the same document again stores nothing new. Activities that name no \
                experiment go into --experiment; a foreign activity's own attributes become its parameters.

                Everything is stored in one transaction. Invalid JSON, a document that is not PROV-JSON, a bad time, \
                an undeclared prefix, or a relation to an element the document does not declare is an error that \
                names the record at fault, and nothing is stored. Relations ProvKit has no counterpart for \
                (alternateOf, wasInvalidatedBy, wasInfluencedBy, mentionOf) are skipped and reported.
                """)

        @OptionGroup var storeOptions: StoreOptions

        @Option(name: .shortAndLong, help: "The experiment for activities that name none (created when new).")
        var experiment = "prov-import"

        @Argument(help: "The PROV-JSON file, or - for standard input.")
        var file: String

        func validate() throws {
            if experiment.isEmpty { throw ValidationError("--experiment needs a name") }
        }

        func run() async throws {
            let text = try IngestCommand.readText(file)
            let document: ProvDocument
            do {
                document = try PROVJSONReader.read(text)
            } catch {
                throw CLIError("\(file): \(error.description). Nothing was imported.")
            }
            try await storeOptions.withStore { store in
                let existing = Dictionary(
                    try await store.experiments().map { ($0.name, $0.id) }, uniquingKeysWith: { first, _ in first })
                let result: PROVJSONImporter.Result
                do throws(ProvImportError) {
                    result = try PROVJSONImporter(experimentName: experiment, ids: UUIDv7Generator())
                        .events(from: document, existingExperiments: existing)
                } catch {
                    throw CLIError("\(file): \(error.description). Nothing was imported.")
                }
                guard !result.events.isEmpty else {
                    throw CLIError("\(file) holds no PROV elements to import")
                }
                let summary: IngestSummary
                do {
                    summary = try await store.ingestCounting(result.events)
                } catch let error as IngestError {
                    let event = error.eventIndex < result.events.count ? result.events[error.eventIndex] : nil
                    let what = event.map { " (\(Self.describe($0)))" } ?? ""
                    let field = error.field.map { ", field '\($0)'" } ?? ""
                    throw CLIError(
                        "\(file): the store refused \(event?.typeName ?? "an event")\(what)\(field): \(error.message). "
                            + "Nothing was imported.")
                }
                for note in result.notes {
                    FileHandle.standardError.write(Data("note: \(note)\n".utf8))
                }
                print(
                    "Imported \(file): \(result.runs) runs, \(result.entities) entities, \(result.agents) agents "
                        + "(\(summary.runs) runs, \(summary.entities) entities, \(summary.agents) agents, "
                        + "\(summary.relations) relations, \(summary.parameters) parameters, "
                        + "\(summary.metricPoints) metric points, \(summary.telemetrySamples) telemetry samples new to the "
                        + "store).")
            }
        }

        /// The node an event is about, for an error message.
        static func describe(_ event: ProvEvent) -> String {
            switch event {
            case .experiment(let record): "experiment '\(record.name)'"
            case .runStart(let record): "run \(record.id.hex)"
            case .runEnd(let record): "end of run \(record.run.hex)"
            case .entity(let record): "entity \(record.id.hex)"
            case .agent(let record): "agent \(record.id.hex)"
            case .relation(let record): "\(record.kind.rawValue) \(record.subject.hex) → \(record.object.hex)"
            case .parameter(let record): "parameter '\(record.key)' of run \(record.run.hex)"
            case .tag(let record): "tag '\(record.key)' of \(record.target.hex)"
            case .metric(let point): "metric '\(point.key)' of run \(point.run.hex)"
            case .telemetry(let sample): "telemetry of run \(sample.run.hex)"
            case .architecture(let record): "architecture of run \(record.run.hex)"
            case .runUpdate(let update): "update of run \(update.run.hex)"
            case .tagDelete(let deletion): "deletion of tag '\(deletion.key)' of \(deletion.target.hex)"
            case .lifecycle(let change): "lifecycle of \(change.target.hex)"
            }
        }
    }
}

/// Finds the files an import names: files as given, folders searched recursively by extension.
enum FileCollector {
    static func collect(_ paths: [String], extensions: Set<String>) throws -> [(path: String, file: ImportFile)] {
        guard !paths.isEmpty else { throw CLIError("name at least one file or folder to import") }
        var found: [String] = []
        for path in paths {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw CLIError("no such file or folder: \(path)")
            }
            if isDirectory.boolValue {
                let enumerator = FileManager.default.enumerator(atPath: path)
                var inFolder: [String] = []
                while let relative = enumerator?.nextObject() as? String {
                    if extensions.contains((relative as NSString).pathExtension.lowercased()) {
                        inFolder.append((path as NSString).appendingPathComponent(relative))
                    }
                }
                guard !inFolder.isEmpty else {
                    throw CLIError("\(path) holds no .\(extensions.sorted().joined(separator: "/.")) files")
                }
                found += inFolder.sorted()
            } else {
                found.append(path)
            }
        }
        return try found.map { path in
            guard let data = FileManager.default.contents(atPath: path) else { throw CLIError("cannot read \(path)") }
            guard let text = String(data: data, encoding: .utf8) else { throw CLIError("\(path) is not UTF-8 text") }
            return (path, ImportFile(name: (path as NSString).lastPathComponent, contents: text))
        }
    }
}

/// The steps every import shares: find or create the experiment, reuse the import agent and datasets already in
/// the store, skip files imported before, and store everything in one transaction.
struct ImportRunner {
    let storeOptions: StoreOptions
    let experimentName: String

    func run(files: [(path: String, file: ImportFile)], importer: some ProvenanceImporter) async throws {
        try await storeOptions.withStore { store in
            let ids = UUIDv7Generator()
            var events: [ProvEvent] = []
            let experimentID: ProvID
            if let existing = try await store.experiments().first(where: { $0.name == experimentName }) {
                experimentID = existing.id
            } else {
                experimentID = ProvID.experiment(named: experimentName)
                events.append(.experiment(ExperimentRecord(id: experimentID, name: experimentName, createdAt: .now())))
            }
            let agents = try await store.resolve("provkit import").filter { $0.type == .agent && $0.kind == "software" }
            var context =
                agents.count == 1
                ? ImportContext(ids: ids, existingAgent: agents[0].id)
                : ImportContext(ids: ids, agentAttributes: ["version": .string(ProvKitVersion.current)])

            var imported = 0
            var skipped: [String] = []
            var runs = 0
            let showProgress = files.count >= 20
            for (index, entry) in files.enumerated() {
                var fileContext = context
                let fileEvents: [ProvEvent]
                do throws(ImportError) {
                    fileEvents = try importer.events(
                        fileName: entry.file.name, contents: entry.file.contents, experiment: experimentID,
                        context: &fileContext)
                } catch {
                    throw CLIError("\(entry.path): \(Self.describe(error)). Nothing was imported.")
                }
                if try await alreadyImported(fileEvents, store: store) {
                    skipped.append(entry.path)
                    continue
                }
                context = fileContext
                events += try await reuseStoredDatasets(fileEvents, store: store, context: &context)
                runs += fileEvents.filter { if case .runStart = $0 { true } else { false } }.count
                imported += 1
                if showProgress, (index + 1) % max(1, files.count / 10) == 0 {
                    FileHandle.standardError.write(Data("read \(index + 1)/\(files.count) files\n".utf8))
                }
            }
            for path in skipped {
                print("skipped \(path): already imported")
            }
            guard imported > 0 else {
                print("Nothing new to import.")
                return
            }
            let summary = try await store.ingestCounting(events)
            print(
                "Imported \(imported) file\(imported == 1 ? "" : "s") into experiment '\(experimentName)': \(runs) runs, "
                    + "\(summary.parameters) parameters, \(summary.metricPoints) metric points, "
                    + "\(summary.entities) new entities, \(summary.relations) relations.")
        }
    }

    /// Whether every run in a file's events carries a source tag that a stored run already has.
    func alreadyImported(_ events: [ProvEvent], store: any ProvenanceStore) async throws -> Bool {
        let sources = events.compactMap { event -> String? in
            if case .tag(let tag) = event, tag.key == ImportTags.source { return tag.value }
            return nil
        }
        guard !sources.isEmpty else { return false }
        for source in sources {
            let matches = try await store.runs(
                matching: RunFilter(
                    tags: [KeyCondition(key: ImportTags.source, comparator: .equal, value: source)], limit: 1))
            if matches.isEmpty { return false }
        }
        return true
    }

    /// Drops definitions of datasets the store already has (by name) and points references at the stored ones.
    func reuseStoredDatasets(
        _ events: [ProvEvent], store: any ProvenanceStore, context: inout ImportContext
    )
        async throws -> [ProvEvent]
    {
        var replacements: [ProvID: ProvID] = [:]
        for event in events {
            guard case .entity(let entity) = event, entity.kind == .dataset, let name = entity.name else { continue }
            let stored = try await store.resolve(name).filter {
                $0.type == .entity && $0.kind == "dataset" && $0.name == name
            }
            if let existing = stored.first {
                replacements[entity.id] = existing.id
                context.registerDataset(named: name, id: existing.id)
            }
        }
        guard !replacements.isEmpty else { return events }
        return events.compactMap { event in
            switch event {
            case .entity(let entity) where replacements[entity.id] != nil:
                return nil
            case .relation(var relation):
                relation.subject = replacements[relation.subject] ?? relation.subject
                relation.object = replacements[relation.object] ?? relation.object
                return .relation(relation)
            default:
                return event
            }
        }
    }

    static func describe(_ error: ImportError) -> String {
        var text = "line \(error.line)"
        if let column = error.column { text += ", column '\(column)'" }
        return text + ": " + error.message
    }
}
