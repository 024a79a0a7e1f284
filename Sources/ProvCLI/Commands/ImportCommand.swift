import ArgumentParser
import Foundation
import ProvImport
import ProvModel
import ProvStore

/// `provkit import trails|a4nn PATH...`: turn third-party training records into provenance.
struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import training records from other tools into the store.",
        subcommands: [Trails.self, A4NN.self])

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
            try await ImportRunner(storeOptions: storeOptions, experimentName: experiment).run(files: files) {
                (file, experiment, context) throws(ImportError) in
                try RecordTrailImporter().events(
                    fileName: file.name, contents: file.contents, experiment: experiment, context: &context)
            }
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
            try await ImportRunner(storeOptions: storeOptions, experimentName: experiment).run(files: files) {
                (file, experiment, context) throws(ImportError) in
                try A4NNImporter().events(
                    fileName: file.name, contents: file.contents, experiment: experiment, context: &context)
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

    func run(
        files: [(path: String, file: ImportFile)],
        convert: (ImportFile, ProvID, inout ImportContext) throws(ImportError) -> [ProvEvent]
    ) async throws {
        let store = try storeOptions.open()
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
            do {
                fileEvents = try convert(entry.file, experimentID, &fileContext)
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

    /// Whether every run in a file's events carries a source tag that a stored run already has.
    func alreadyImported(_ events: [ProvEvent], store: any ProvenanceStore) async throws -> Bool {
        let sources = events.compactMap { event -> String? in
            if case .tag(let tag) = event, tag.key == ImportTags.source { return tag.value }
            return nil
        }
        guard !sources.isEmpty else { return false }
        for source in sources {
            let matches = try await store.runs(
                matching: RunFilter(tags: [KeyCondition(key: ImportTags.source, comparator: .equal, value: source)], limit: 1))
            if matches.isEmpty { return false }
        }
        return true
    }

    /// Drops definitions of datasets the store already has (by name) and points references at the stored ones.
    func reuseStoredDatasets(_ events: [ProvEvent], store: any ProvenanceStore, context: inout ImportContext)
        async throws -> [ProvEvent]
    {
        var replacements: [ProvID: ProvID] = [:]
        for event in events {
            guard case .entity(let entity) = event, entity.kind == .dataset, let name = entity.name else { continue }
            let stored = try await store.resolve(name).filter { $0.type == .entity && $0.kind == "dataset" && $0.name == name }
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
