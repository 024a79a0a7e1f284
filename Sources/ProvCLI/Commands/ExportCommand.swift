import ArgumentParser
import Foundation
import ProvExport
import ProvModel
import ProvQuery
import ProvStore
import ProvStoreSQLite
import ZIPFoundation

/// `provkit export ID`: a run, an experiment or a lineage as W3C PROV, PROV-O, RO-Crate or Graphviz.
struct ExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Export a run, an experiment or a lineage as PROV-JSON, PROV-N, PROV-O, RO-Crate or DOT.",
        discussion: """
            ID is what `provkit show` and `provkit lineage` take: a full id, a unique id prefix (6+ hex digits), a \
            run, experiment or entity name, or an entity location. What is exported depends on what ID names \
            (override with --scope):
              a run          the run, its nested runs and what is around them
              an experiment  every run of the experiment, and what is around them
              an entity      its lineage (--direction up, --depth 10 unless given)
              an agent       its lineage

            Formats (docs/exports.md describes each, and the PROV mapping):
              prov-json  W3C PROV-JSON (the default)
              prov-n     PROV-N, the PROV notation
              turtle     PROV-O in Turtle
              jsonld     PROV-O in JSON-LD, with an inline context
              dot        Graphviz: pipe it into `dot -Tsvg`
              rocrate    RO-Crate 1.1, Provenance Run Crate 0.5, with the
                         run's local files; --output names a new folder
                         or a .zip file

            Text formats go to standard output unless --output names a file. Each metric series is one entity per \
            run and key, with its points embedded up to --max-points (longer series keep their summary only).

            Examples:
              provkit export demo-sweep > sweep.provjson
              provkit export demo-sweep --format turtle -o sweep.ttl
              provkit export best-model --format dot | dot -Tsvg > model.svg
              provkit export demo-generated-blobs --format rocrate -o crate.zip
            """)

    /// What part of the graph to export. A closed set.
    enum Scope: String, ExpressibleByArgument, CaseIterable {
        case run
        case experiment
        case lineage
    }

    @OptionGroup var storeOptions: StoreOptions

    @Argument(help: "The run, experiment, entity or agent: an id, a unique id prefix, a name or an entity location.")
    var node: String

    @Option(
        name: .shortAndLong,
        help: ArgumentHelp(
            "The format (see above).", valueName: "format"))
    var format: ExportFormat = .provJSON

    @Option(
        name: .shortAndLong,
        help: ArgumentHelp(
            "Where to write: a file (standard output when left out); for rocrate a new folder or a .zip file.",
            valueName: "path"))
    var output: String?

    @Option(help: "run, experiment or lineage (default: from what ID names).")
    var scope: Scope?

    @Option(help: "For --scope lineage: up (sources, the default), down (products) or both.")
    var direction: LineageDirection?

    @Option(help: "For --scope lineage: the most relation hops to follow (default \(LineageQuery.defaultDepth)).")
    var depth: Int?

    @Option(
        name: .customLong("max-points"),
        help: "The most points of one metric series to embed; longer series keep only their summary.")
    var maxPoints: Int = ExportOptions.defaultMaxEmbeddedPoints

    @Option(
        help: ArgumentHelp(
            "For rocrate: the crate's license, a URL (such as https://spdx.org/licenses/CC-BY-4.0) or a text.",
            valueName: "license"))
    var license: String?

    func validate() throws {
        if let depth, depth < 0 || depth > SQLiteStore.maximumLineageDepth {
            throw ValidationError("--depth must be between 0 and \(SQLiteStore.maximumLineageDepth)")
        }
        if maxPoints < 0 { throw ValidationError("--max-points must be 0 or more") }
        if format == .roCrate, output == nil {
            throw ValidationError("--format rocrate needs --output: a new folder, or a file ending in .zip")
        }
        if format != .roCrate, license != nil { throw ValidationError("--license applies to --format rocrate only") }
        if let output, output.isEmpty { throw ValidationError("--output needs a path") }
    }

    func run() async throws {
        try await storeOptions.withStore { store in
            let target = try await resolve(store)
            let recordScope = try await scope(for: target, store: store)
            var records = try await store.records(for: recordScope, includePoints: false)
            // Points are read only for the series that will embed them, so a very long series costs nothing.
            for index in records.metricSeries.indices {
                let series = records.metricSeries[index]
                guard series.summary.count > 0, series.summary.count <= maxPoints else { continue }
                records.metricSeries[index].points = try await store.metricHistory(
                    run: series.run, key: series.summary.key)
            }
            let options = ExportOptions(maxEmbeddedPoints: maxPoints)
            if format == .roCrate {
                try writeCrate(records, root: target, scope: recordScope, options: options)
                return
            }
            let text = ProvExporter(taxonomy: .standard, options: options).text(records, format: format)
            if let output {
                do {
                    try text.write(toFile: output, atomically: true, encoding: .utf8)
                } catch {
                    throw CLIError("cannot write \(output): \(error.localizedDescription)")
                }
                FileHandle.standardError.write(
                    Data("Wrote \(format.rawValue) to \(output): \(Self.summary(records)).\n".utf8))
            } else {
                print(text, terminator: "")
            }
        }
    }

    /// The node ID names, also trying it as a path relative to the working directory.
    func resolve(_ store: any ProvenanceStore) async throws -> NodeSummary {
        var reference = node
        if try await store.resolve(reference).isEmpty, FileManager.default.fileExists(atPath: node) {
            reference = URL(fileURLWithPath: node).standardizedFileURL.path
        }
        do {
            return try await LineageQuery(store: store).resolveOne(reference)
        } catch let error as LineageQueryError {
            throw CLIError(error.description)
        }
    }

    /// The record scope for the node, from --scope or from the node's type.
    func scope(for target: NodeSummary, store: any ProvenanceStore) async throws -> RecordScope {
        let chosen = scope ?? Self.defaultScope(for: target.type)
        if chosen != .lineage, direction != nil || depth != nil {
            throw CLIError(
                "--direction and --depth apply to --scope lineage only (the scope here is \(chosen.rawValue))")
        }
        let described = "'\(node)' is \(target.type.rawValue) \(target.id.hex)"
        switch chosen {
        case .run:
            guard target.type == .run else {
                throw CLIError("\(described), not a run; use --scope lineage, or give a run")
            }
            return .run(target.id)
        case .experiment:
            switch target.type {
            case .experiment:
                return .experiment(target.id)
            case .run:
                guard let detail = try await store.runDetail(target.id) else {
                    throw CLIError("run \(target.id.hex) vanished while reading it; try again")
                }
                return .experiment(detail.run.experimentID)
            case .entity, .agent:
                throw CLIError("\(described); --scope experiment needs an experiment or one of its runs")
            }
        case .lineage:
            return .lineage(target.id, direction: direction ?? .up, depth: depth ?? LineageQuery.defaultDepth)
        }
    }

    static func defaultScope(for type: NodeType) -> Scope {
        switch type {
        case .run: .run
        case .experiment: .experiment
        case .entity, .agent: .lineage
        }
    }

    static func summary(_ records: ProvenanceRecords) -> String {
        "\(records.runs.count) runs, \(records.entities.count) entities, \(records.agents.count) agents, "
            + "\(records.relations.count) relations, \(records.metricSeries.count) metric series"
    }
}

extension ExportFormat: ExpressibleByArgument {}

extension ExportCommand {
    /// Builds the crate and writes it as a folder, or as a zip file when the output ends in `.zip`.
    func writeCrate(_ records: ProvenanceRecords, root: NodeSummary, scope: RecordScope, options: ExportOptions) throws
    {
        guard let output else { return }
        let title: String
        switch scope {
        case .run: title = "run \(root.name ?? root.id.hex)"
        case .experiment(let id):
            title = "experiment \(records.experiments.first { $0.id == id }?.name ?? id.hex)"
        case .lineage(_, let direction, let depth):
            title = "the lineage of \(root.name ?? root.id.hex) (\(direction.rawValue), depth \(depth))"
        }
        let crateOptions = ROCrateOptions(
            license: license, datePublished: .now(), provKitVersion: ProvKitVersion.current,
            localFile: { path in
                var isDirectory: ObjCBool = false
                guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { return nil }
                return isDirectory.boolValue ? .directory : .file
            })
        let crate: ROCrate
        do {
            crate = try ROCrateBuilder(
                exporter: ProvExporter(taxonomy: .standard, options: options), options: crateOptions
            )
            .build(records, title: title)
        } catch {
            throw CLIError("cannot build an RO-Crate: \(error.description)")
        }
        let fileManager = FileManager.default
        let zip = output.lowercased().hasSuffix(".zip")
        let target = URL(fileURLWithPath: output)
        if zip {
            if fileManager.fileExists(atPath: target.path) {
                throw CLIError("\(output) already exists; remove it or choose another .zip path")
            }
        } else if fileManager.fileExists(atPath: target.path) {
            let contents = (try? fileManager.contentsOfDirectory(atPath: target.path)) ?? ["?"]
            guard contents.isEmpty else {
                throw CLIError("\(output) exists and is not an empty folder; choose a new folder (or a .zip path)")
            }
        }
        let folder =
            zip ? fileManager.temporaryDirectory.appendingPathComponent("provkit-crate-\(UUID().uuidString)") : target
        defer { if zip { try? fileManager.removeItem(at: folder) } }
        var copied = 0
        do {
            try fileManager.createDirectory(at: folder, withIntermediateDirectories: true)
            try crate.metadata.write(
                to: folder.appendingPathComponent("ro-crate-metadata.json"), atomically: true, encoding: .utf8)
            for file in crate.files {
                let destination = folder.appendingPathComponent(file.path)
                try fileManager.createDirectory(
                    at: destination.deletingLastPathComponent(), withIntermediateDirectories: true)
                switch file.source {
                case .text(let text):
                    try text.write(to: destination, atomically: true, encoding: .utf8)
                case .copy(let path):
                    try fileManager.copyItem(at: URL(fileURLWithPath: path), to: destination)
                    copied += 1
                }
            }
            if zip {
                try fileManager.zipItem(at: folder, to: target, shouldKeepParent: false)
            }
        } catch {
            throw CLIError("cannot write the crate to \(output): \(error.localizedDescription)")
        }
        FileHandle.standardError.write(
            Data("Wrote an RO-Crate to \(output): \(Self.summary(records)), \(copied) local files copied.\n".utf8))
    }
}
