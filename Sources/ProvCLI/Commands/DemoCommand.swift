import ArgumentParser
import Foundation
import Logging
import ProvCapture
import ProvModel
import ProvQuery
import ProvStore

/// `provkit demo`: run the example workflow under `provkit run`, store everything, and walk through what ProvKit
/// shows about it.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Run the example workflow under capture, store it, then list the runs, show one and its lineage.",
        discussion: """
            The example (Examples/ClassifierSweep, the provkit-example program built beside provkit) trains six \
            small classifiers on generated data — three Gaussian blobs from a fixed seed — with different learning \
            rates, batch sizes and hidden layers, and records with the ProvCapture SDK what happens inside: \
            parameters, architectures, per-epoch metrics, checkpoints, the data splits, task telemetry and the \
            choice of the best model. The demo runs it the way `provkit run` runs any program, so the same run \
            also holds the process view: command, platform, environment, telemetry of the process tree, exit \
            status. Everything is labelled as generated. Running the demo again adds another sweep.
            """)

    @OptionGroup var storeOptions: StoreOptions

    @Option(help: "Training epochs per network.")
    var epochs: Int = 20

    @Option(
        help: ArgumentHelp(
            "Also write the demo's events (the wrapper's run and the example's) to this JSON Lines file, which "
                + "`provkit ingest` loads into any store, an empty one included.",
            valueName: "file"))
    var eventsOut: String?

    func validate() throws {
        guard (10...500).contains(epochs) else { throw ValidationError("--epochs must be between 10 and 500") }
    }

    static let experiment = "example-classifier-sweep"

    /// The example program, built next to `provkit`.
    static func exampleProgram() throws -> String {
        let here = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        let candidates = [
            ProcessInfo.processInfo.environment["PROVKIT_EXAMPLE"],
            here.appendingPathComponent("provkit-example").path,
            Bundle.main.executableURL?.deletingLastPathComponent().appendingPathComponent("provkit-example").path,
        ].compactMap { $0 }
        guard let found = candidates.first(where: FileManager.default.isExecutableFile) else {
            throw CLIError(
                "the demo runs the example workflow provkit-example, which is not built next to provkit; "
                    + "build both with `swift build` (looked at \(candidates.joined(separator: ", ")))")
        }
        return found
    }

    /// Writes `events` to `path` as JSON Lines, replacing the file only once it is complete.
    static func write(_ events: [ProvEvent], to path: String) async throws {
        let partial = path + ".partial"
        try? FileManager.default.removeItem(atPath: partial)
        do {
            try await JSONLinesFileSink(path: partial).ingest(events)
            if FileManager.default.fileExists(atPath: path) { try FileManager.default.removeItem(atPath: path) }
            try FileManager.default.moveItem(atPath: partial, toPath: path)
        } catch {
            try? FileManager.default.removeItem(atPath: partial)
            throw CLIError("cannot write the demo's events to \(path): \(error)")
        }
    }

    func run() async throws {
        let example = try Self.exampleProgram()
        try await storeOptions.withStore { store in
            LoggingBootstrap.once(verbose: storeOptions.verbose)
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
                "provkit-demo-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: folder) }
            let eventsFile = folder.appendingPathComponent("example-events.jsonl").path
            // The wrapper's events are kept too, so that --events-out holds the run the example's events nest under.
            let wrapperEvents = InMemoryEventSink()

            print("$ provkit run --experiment \(Self.experiment) -- provkit-example --epochs \(epochs)")
            print("  (trains 6 small classifiers on generated data: synthetic Gaussian blobs)")
            var options = CommandCapture.Options(arguments: [
                example, "--events", eventsFile, "--epochs", String(epochs),
            ])
            options.interval = 0.5
            let wrapperRun: ProvID = try await ProvCapture.withSession(
                sink: CopyingEventSink(primary: store, copy: wrapperEvents), experiment: Self.experiment,
                logger: Logger(label: "provkit.demo")
            ) { capture in
                let run = capture.startRun("provkit-example", kind: .workflow, parent: nil)
                run.tag("provkit.generated", "true")
                options.extraEnvironment["PROVKIT_RUN_ID"] = run.id.hex
                let termination = try await CommandCapture(capture: capture, options: options).execute(run: run)
                guard termination.exitCode == 0 else {
                    throw CLIError("the example workflow failed (exit \(termination.exitCode))")
                }
                return run.id
            }
            let (events, _) = try IngestCommand.decode(try IngestCommand.readText(eventsFile), source: eventsFile)
            let summary = try await store.ingestCounting(events)
            if let eventsOut {
                try await Self.write(wrapperEvents.events + events, to: eventsOut)
            }
            print(
                "\nStored the example's \(summary.events) events and the wrapper's record in \(storeOptions.location): "
                    + "\(summary.runs) runs, \(summary.metricPoints) metric points, \(summary.entities) entities, "
                    + "\(summary.relations) relations.\n")

            print("$ provkit runs --experiment \(Self.experiment) --limit 9")
            let runs = try await store.runs(matching: RunFilter(experiments: [Self.experiment], limit: 9))
            print(
                Output.table(
                    header: ["ID", "NAME", "KIND", "STATUS", "STARTED", "DURATION"],
                    rows: runs.map {
                        [
                            $0.id.hex, $0.name ?? "-", $0.kind.rawValue, $0.status.rawValue, Output.time($0.startedAt),
                            Output.duration(from: $0.startedAt, to: $0.endedAt),
                        ]
                    }))

            // The best model and the task that trained it, from this sweep's events.
            let bestModel = events.compactMap { event -> ProvID? in
                if case .entity(let entity) = event, entity.name == "best-model" { return entity.id }
                return nil
            }.last
            if let bestModel {
                // best-model wasDerivedFrom the chosen model, which wasGeneratedBy the task that trained it.
                let lineage = try await store.lineage(of: bestModel, direction: .up, depth: 2)
                let chosen = lineage.edges.first { $0.kind == .wasDerivedFrom && $0.subject == bestModel }?.object
                let trainer = lineage.edges.first { $0.kind == .wasGeneratedBy && $0.subject == chosen }?.object
                if let trainer, let detail = try await store.runDetail(trainer) {
                    print("\n$ provkit show \(trainer.hex)")
                    print(ShowCommand.render(detail))
                }
                print("\n$ provkit lineage \(bestModel.hex) --direction up --depth 3")
                print(try await store.lineage(of: bestModel, direction: .up, depth: 3).text(), terminator: "")
            }
            print("\n$ provkit show \(wrapperRun.hex)   # the process view of the same run (abridged)")
            if let detail = try await store.runDetail(wrapperRun) {
                let keys: Set<String> = [
                    "command", "exit_code", "duration_seconds", "os_name", "cpu_model", "git_commit",
                ]
                for tag in detail.tags where keys.contains(tag.key) {
                    print(
                        "  \(tag.key.padding(toLength: 18, withPad: " ", startingAt: 0)) \(ShowCommand.clip(tag.value, to: 70))"
                    )
                }
                print("  telemetry samples  \(detail.telemetrySampleCount)")
            }
            print(
                """

                Next: `provkit runs --param 'learning_rate>=0.1' --metric 'val_acc>0.7'`, \
                `provkit lineage synthetic-blobs/train --direction down --dot`, `provkit taxonomy classify lr val_acc`, \
                `provkit run -- your-program`.
                """)
        }
    }
}

/// Delivers each batch to a primary sink and then keeps a copy of it.
private struct CopyingEventSink: ProvenanceEventSink {
    let primary: any ProvenanceEventSink
    let copy: InMemoryEventSink

    func ingest(_ events: [ProvEvent]) async throws {
        try await primary.ingest(events)
        try await copy.ingest(events)
    }
}
