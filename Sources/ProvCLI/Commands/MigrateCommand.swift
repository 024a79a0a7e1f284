import ArgumentParser
import Foundation
import Logging
import ProvModel
import ProvStore

/// `provkit migrate --from STORE --to STORE`: copy a whole store into an empty one and check the counts.
struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Copy a whole store into another, empty one (SQLite to PostgreSQL or back) and verify the counts.",
        discussion: """
            Copies experiments (with their MLflow numbers, artifact locations and tags), runs (nesting, status, \
            times, deletion), entities, agents, relations, parameters, tags, metric series with every point, \
            logged models' metrics, telemetry samples and architectures, as events through the target's normal \
            ingest, in batches of --batch-size events. Artifact files stay where they are: the records keep their \
            locations. Then it counts both stores and prints the counts side by side; any difference exits with \
            status 1.

            The target must be empty (a new folder, file or database). Examples:
              provkit migrate --from sqlite:./.provkit/provkit.sqlite --to postgres://prov@db/prov
              provkit migrate --from postgres://prov@db/prov --to ./copy/
            """)

    @Option(
        help: ArgumentHelp(
            "The store to copy: a folder, a .sqlite file, sqlite:PATH or postgres://…", valueName: "store"))
    var from: String

    @Option(help: ArgumentHelp("The empty store to copy into (same forms as --from).", valueName: "store"))
    var to: String

    @Option(help: "Events per target transaction.")
    var batchSize = 20_000

    @Flag(help: "Print the counts as JSON.")
    var json = false

    @Flag(name: .shortAndLong, help: "Log what the stores do to standard error.")
    var verbose = false

    func validate() throws {
        guard batchSize >= 1 else { throw ValidationError("--batch-size must be at least 1") }
        guard from != to else { throw ValidationError("--from and --to name the same store") }
    }

    func run() async throws {
        LoggingBootstrap.once(verbose: verbose)
        let logger = Logger(label: "provkit.store")
        try await StoreFactory.withStore(from, logger: logger) { source in
            try await StoreFactory.withStore(to, logger: logger) { target in
                try await copy(from: source, to: target)
            }
        }
    }

    /// Copies everything `source` holds into the empty `target` and prints what each holds afterwards.
    private func copy(from source: any ProvenanceStore, to target: any ProvenanceStore) async throws {
        let before = try await target.statistics()
        guard MigrationPlan.rows(source: before, target: before).allSatisfy({ $0.source == 0 }) else {
            throw CLIError(
                "the target store \(StoreFactory.redacted(to)) is not empty (\(before.runs) runs, "
                    + "\(before.experiments) experiments); migrate into a new folder, file or database")
        }
        let plan = try await MigrationPlan.read(from: source)
        var written = 0
        for chunk in plan.batches(of: batchSize) {
            do {
                try await target.ingest(chunk)
            } catch let error as IngestError {
                throw CLIError(
                    "the target refused the copy (\(error.description)); "
                        + "\(written) events were copied before it: remove the target and run again")
            }
            written += chunk.count
        }
        // Numbers first moved out of the way (each is unique), then set.
        for (offset, experiment) in plan.experiments.enumerated() {
            var parked = experiment
            parked.number = -1_000_000 - Int64(offset)
            parked.artifactLocation = experiment.artifactLocation
            try await target.restoreBookkeeping(of: parked)
        }
        for experiment in plan.experiments {
            try await target.restoreBookkeeping(of: experiment)
        }
        let sourceCounts = try await source.statistics()
        let targetCounts = try await target.statistics()
        let rows = MigrationPlan.rows(source: sourceCounts, target: targetCounts)
        if json {
            struct Report: Encodable {
                var source: String
                var target: String
                var events: Int
                var counts: [Row]
                var matches: Bool
                struct Row: Encodable {
                    var what: String
                    var source: Int
                    var target: Int
                }
            }
            try Output.printJSON(
                Report(
                    source: StoreFactory.redacted(from), target: StoreFactory.redacted(to), events: written,
                    counts: rows.map { Report.Row(what: $0.what, source: $0.source, target: $0.target) },
                    matches: rows.allSatisfy { $0.source == $0.target }))
        } else {
            print("Copied \(written) events from \(StoreFactory.redacted(from)) to \(StoreFactory.redacted(to)).")
            let width = rows.map(\.what.count).max() ?? 10
            print("what".padding(toLength: width, withPad: " ", startingAt: 0) + "      source      target")
            for row in rows {
                let mark = row.source == row.target ? "" : "   MISMATCH"
                print(
                    row.what.padding(toLength: width, withPad: " ", startingAt: 0)
                        + String(format: "  %10d  %10d", row.source, row.target) + mark)
            }
        }
        guard rows.allSatisfy({ $0.source == $0.target }) else {
            throw CLIError("the copy does not match the source (see the counts above)")
        }
    }
}

/// What a migration writes: the source's records as events, in an order the target accepts, and the experiments'
/// bookkeeping to restore afterwards.
struct MigrationPlan {
    var events: [ProvEvent] = []
    var experiments: [TrackedExperiment] = []

    static func read(from source: any ProvenanceStore) async throws -> MigrationPlan {
        let records = try await source.allRecords(includePoints: true)
        var plan = MigrationPlan()
        plan.events.reserveCapacity(records.metricSeries.reduce(0) { $0 + $1.points.count } + 1024)
        plan.events += records.experiments.map { .experiment($0) }
        plan.events += records.agents.map { .agent($0) }
        plan.events += records.entities.map { .entity($0) }
        // Parents before their children.
        var placed = Set<ProvID>()
        var remaining = records.runs
        while !remaining.isEmpty {
            let ready = remaining.filter { run in run.start.parent.map { placed.contains($0) } ?? true }
            let batch = ready.isEmpty ? remaining : ready  // a parent outside the store: keep going
            plan.events += batch.map { .runStart($0.start) }
            placed.formUnion(batch.map(\.start.id))
            remaining.removeAll { placed.contains($0.start.id) }
        }
        plan.events += records.relations.map { .relation($0) }
        plan.events += records.parameters.map { .parameter($0) }
        plan.events += records.tags.map { .tag($0) }
        for series in records.metricSeries {
            plan.events += series.points.map { .metric($0) }
        }
        plan.events += records.telemetry.map { .telemetry($0) }
        plan.events += records.architectures.map { .architecture($0) }
        for run in records.runs where run.status != .running && run.status != .scheduled || run.endedAt != nil {
            plan.events.append(.runEnd(RunEnd(run: run.start.id, status: run.status, endedAt: run.endedAt)))
        }
        // Logged models' metrics (the points are also in their runs' series, where they are stored once).
        for entity in records.entities where entity.kind == .model {
            guard let model = try await source.trackedModel(entity.id) else { continue }
            plan.events += model.metrics.map { metric in
                .metric(
                    MetricPoint(
                        run: metric.run, key: metric.key, value: metric.value, step: metric.step, time: metric.time,
                        model: entity.id, dataset: metric.dataset))
            }
        }
        // Deletions last: a deleted run or experiment takes no new data.
        let runs = try await source.trackedRuns(records.runs.map(\.start.id))
        plan.events += runs.filter { $0.lifecycle == .deleted }.map {
            .lifecycle(LifecycleChange(target: $0.id, targetType: .run, stage: .deleted))
        }
        for experiment in records.experiments {
            guard let tracked = try await source.trackedExperiment(.id(experiment.id)) else { continue }
            plan.experiments.append(tracked)
            if tracked.lifecycle == .deleted {
                plan.events.append(
                    .lifecycle(LifecycleChange(target: experiment.id, targetType: .experiment, stage: .deleted)))
            }
        }
        return plan
    }

    /// The events in batches of at most `size`.
    func batches(of size: Int) -> [[ProvEvent]] {
        stride(from: 0, to: events.count, by: size).map { Array(events[$0..<min($0 + size, events.count)]) }
    }

    static func rows(source: StoreStatistics, target: StoreStatistics) -> [(what: String, source: Int, target: Int)] {
        [
            ("experiments", source.experiments, target.experiments), ("runs", source.runs, target.runs),
            ("entities", source.entities, target.entities), ("agents", source.agents, target.agents),
            ("relations", source.relations, target.relations), ("parameters", source.parameters, target.parameters),
            ("tags", source.tags, target.tags), ("metric series", source.metricSeries, target.metricSeries),
            ("metric points", source.metricPoints, target.metricPoints),
            ("telemetry samples", source.telemetrySamples, target.telemetrySamples),
        ]
    }
}
