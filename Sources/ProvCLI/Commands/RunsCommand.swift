import ArgumentParser
import Foundation
import ProvModel
import ProvStore

/// `provkit runs`: list runs, filtered by experiment, parameters, metrics, tags and taxonomy terms.
struct RunsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "runs",
        abstract: "List runs, newest first, filtered by experiment, parameter, metric, tag or taxonomy term.",
        discussion: """
            Conditions are KEY<op>VALUE with op one of = != < <= > >= (quote them in the shell). All conditions \
            must hold. Numbers compare as numbers. A metric condition tests the metric's latest value.

            Examples:
              provkit runs --experiment record-trails --param 'learning_rate>0.1'
              provkit runs --metric 'valAcc>=0.2' --term model.performance
              provkit runs --tag 'provkit.source=demo' --json
            """)

    @OptionGroup var storeOptions: StoreOptions

    @Option(name: .shortAndLong, help: "Only runs of this experiment (name or id); repeat for several.")
    var experiment: [String] = []

    @Option(name: .customLong("param"), help: ArgumentHelp("A parameter condition.", valueName: "key<op>value"))
    var parameters: [String] = []

    @Option(
        name: .customLong("metric"),
        help: ArgumentHelp("A condition on a metric's latest value.", valueName: "key<op>number"))
    var metrics: [String] = []

    @Option(name: .customLong("tag"), help: ArgumentHelp("A tag condition.", valueName: "key<op>value"))
    var tags: [String] = []

    @Option(
        name: .customLong("term"),
        help: ArgumentHelp(
            "Only runs with a key classified under this taxonomy term or prefix (see `provkit taxonomy`).",
            valueName: "term"))
    var terms: [String] = []

    @Option(
        help: ArgumentHelp(
            "Only runs with this status: \(RunStatus.allCases.map(\.rawValue).joined(separator: ", ")).",
            valueName: "status"))
    var status: [RunStatus] = []

    @Option(help: ArgumentHelp("Only runs of this kind: workflow, task or step.", valueName: "kind"))
    var kind: [RunKind] = []

    @Option(help: "Only the direct children of this run (an id or unique prefix).")
    var parent: String?

    @Option(help: "Show at most this many runs.")
    var limit: Int?

    @Flag(help: "Print the runs as JSON.")
    var json = false

    func validate() throws {
        if let limit, limit < 0 { throw ValidationError("--limit must be 0 or more") }
    }

    func run() async throws {
        try await storeOptions.withStore { store in
            var filter = RunFilter(
                experiments: experiment, parameters: try Self.conditions(parameters, option: "--param"),
                metrics: try Self.conditions(metrics, option: "--metric"),
                tags: try Self.conditions(tags, option: "--tag"),
                terms: terms, statuses: status, kinds: kind, limit: limit)
            if let parent {
                let matches = try await store.resolve(parent).filter { $0.type == .run }
                guard matches.count == 1 else {
                    throw CLIError("--parent \(parent) matches \(matches.count) runs; give a full run id")
                }
                filter.parent = matches[0].id
            }
            if !experiment.isEmpty {
                let known = try await store.experiments()
                for name in experiment where !known.contains(where: { $0.name == name || $0.id.hex == name }) {
                    throw CLIError(
                        "no experiment named '\(name)'; known experiments: "
                            + (known.isEmpty ? "none yet" : known.map(\.name).joined(separator: ", ")))
                }
            }
            let runs: [RunSummary]
            do {
                runs = try await store.runs(matching: filter)
            } catch let error as StoreError where error.code == .invalidQuery {
                throw CLIError(error.message)
            }
            if json {
                try Output.printJSON(runs)
                return
            }
            if runs.isEmpty {
                print("No runs match.")
                return
            }
            let rows = runs.map { run in
                [
                    run.id.hex, run.name ?? "-", run.kind.rawValue, run.status.rawValue, run.experimentName,
                    Output.time(run.startedAt), Output.duration(from: run.startedAt, to: run.endedAt),
                ]
            }
            print(
                Output.table(header: ["ID", "NAME", "KIND", "STATUS", "EXPERIMENT", "STARTED", "DURATION"], rows: rows))
            print("\(runs.count) run\(runs.count == 1 ? "" : "s")")
        }
    }

    static func conditions(_ texts: [String], option: String) throws -> [KeyCondition] {
        try texts.map { text in
            guard let condition = KeyCondition(parsing: text) else {
                throw CLIError("\(option) '\(text)' is not KEY<op>VALUE with op one of = != < <= > >=, e.g. 'lr>0.01'")
            }
            return condition
        }
    }
}

extension RunStatus: ExpressibleByArgument {}
extension RunKind: ExpressibleByArgument {}

/// `provkit experiments`: list experiments with their run counts.
struct ExperimentsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "experiments", abstract: "List experiments with their number of runs.")

    @OptionGroup var storeOptions: StoreOptions

    @Flag(help: "Print the experiments as JSON.")
    var json = false

    func run() async throws {
        let experiments = try await storeOptions.withStore { try await $0.experiments() }
        if json {
            try Output.printJSON(experiments)
        } else if experiments.isEmpty {
            print("No experiments yet. Try `provkit demo`.")
        } else {
            print(
                Output.table(
                    header: ["ID", "NAME", "RUNS", "CREATED"],
                    rows: experiments.map { [$0.id.hex, $0.name, String($0.runCount), Output.time($0.createdAt)] }))
        }
    }
}

/// `provkit stats`: what the store holds.
struct StatsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "stats", abstract: "Count what the store holds.")

    @OptionGroup var storeOptions: StoreOptions

    @Flag(help: "Print the counts as JSON.")
    var json = false

    func run() async throws {
        let statistics = try await storeOptions.withStore { try await $0.statistics() }
        if json {
            try Output.printJSON(statistics)
            return
        }
        let rows: [(String, Int)] = [
            ("experiments", statistics.experiments), ("runs", statistics.runs), ("entities", statistics.entities),
            ("agents", statistics.agents), ("relations", statistics.relations), ("parameters", statistics.parameters),
            ("tags", statistics.tags), ("metric series", statistics.metricSeries),
            ("metric points", statistics.metricPoints), ("telemetry samples", statistics.telemetrySamples),
        ]
        print(Output.table(header: ["WHAT", "COUNT"], rows: rows.map { [$0.0, String($0.1)] }))
    }
}
