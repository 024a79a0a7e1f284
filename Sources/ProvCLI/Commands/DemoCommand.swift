import ArgumentParser
import Foundation
import ProvModel
import ProvQuery
import ProvStore

/// `provkit demo`: build a small generated campaign, store it, and walk through what ProvKit shows about it.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Run a small generated sweep, record it as provenance, then list it, show a run and its lineage.",
        discussion: """
            The demo trains six small networks on synthetic data (three Gaussian blobs, generated from a fixed \
            seed) with different learning rates, batch sizes and hidden layers, and records everything: \
            parameters, architectures, per-epoch metrics, checkpoints, the dataset and its splits, the agents, \
            telemetry of this process, and the choice of the best model. All of it is labelled as generated. \
            Running it again adds another sweep to the same experiment.
            """)

    @OptionGroup var storeOptions: StoreOptions

    @Option(help: "Training epochs per network.")
    var epochs: Int = 20

    @Option(help: ArgumentHelp("Also write the demo's events to this JSON Lines file (the native format).", valueName: "file"))
    var eventsOut: String?

    func validate() throws {
        guard (10...500).contains(epochs) else { throw ValidationError("--epochs must be between 10 and 500") }
    }

    func run() async throws {
        let store = try storeOptions.open()
        let existing = try await store.experiments().first { $0.name == DemoCampaign.experimentName }
        print("Training 6 small networks on generated data (synthetic Gaussian blobs)…")
        let campaign = DemoCampaign(ids: UUIDv7Generator(), now: { ProvTime.now() })
            .build(existingExperiment: existing?.id, epochs: epochs)
        let summary = try await store.ingestCounting(campaign.events)
        if let eventsOut {
            let text = campaign.events.map(EventCodec.encode).joined(separator: "\n") + "\n"
            do {
                try text.write(toFile: eventsOut, atomically: true, encoding: .utf8)
            } catch {
                throw CLIError("cannot write the events to \(eventsOut): \(error.localizedDescription)")
            }
            print("Wrote \(campaign.events.count) events to \(eventsOut).")
        }
        print(
            "Stored \(summary.events) events in \(storeOptions.location): \(summary.runs) runs, "
                + "\(summary.entities) entities, \(summary.relations) relations, \(summary.metricPoints) metric points.\n")

        print("$ provkit runs --experiment \(DemoCampaign.experimentName) --limit 8")
        let runs = try await store.runs(matching: RunFilter(experiments: [DemoCampaign.experimentName], limit: 8))
        print(
            Output.table(
                header: ["ID", "NAME", "KIND", "STATUS", "STARTED"],
                rows: runs.map { [$0.id.hex, $0.name ?? "-", $0.kind.rawValue, $0.status.rawValue, Output.time($0.startedAt)] }))

        print("\n$ provkit show \(campaign.bestRun.hex)")
        if let detail = try await store.runDetail(campaign.bestRun) {
            print(ShowCommand.render(detail))
        }

        print("\n$ provkit lineage \(campaign.bestModel.hex) --direction up --depth 3")
        let lineage = try await store.lineage(of: campaign.bestModel, direction: .up, depth: 3)
        print(lineage.text(), terminator: "")

        print(
            """

            Next: `provkit runs --param 'learning_rate>=0.1'`, `provkit show \(String(campaign.workflowRun.hex.prefix(12)))`, \
            `provkit lineage \(String(campaign.bestModel.hex.prefix(12))) --dot`, `provkit taxonomy classify lr val_acc`.
            """)
    }
}
