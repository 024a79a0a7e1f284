import ArgumentParser
import Foundation
import Logging
import ProvModel
import ProvStore
import ProvStoreSQLite

/// Storage benchmarks for the embedded store (DESIGN.md §5): durable batched ingest and lineage walks.
/// Absolute times on shared machines are noisy; the targets are stated next to each figure.
@main
struct ProvKitBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ProvBenchmarks",
        abstract: "ProvKit's benchmarks (DESIGN.md §5). Run in release mode.",
        subcommands: [Bench.self, CaptureBench.self],
        defaultSubcommand: Bench.self)
}

struct Bench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "store",
        abstract: "Measure ProvKit's embedded store: durable ingest and lineage walks.")

    @Option(help: "Metric points to ingest.")
    var points = 1_000_000

    @Option(help: "Runs to ingest (each with one entity and one relation).")
    var runs = 100_000

    @Option(help: "Events per ingest call (one transaction each).")
    var batch = 50_000

    @Option(help: "Relations in the lineage graph.")
    var edges = 1_000_000

    @Option(help: "Lineage queries to time.")
    var queries = 200

    @Option(help: "Folder for the benchmark stores (deleted afterwards).")
    var directory = NSTemporaryDirectory()

    mutating func run() async throws {
        let logger = Logger(label: "provkit.bench")
        print("# ProvKit store benchmark (\(ProcessInfo.processInfo.processorCount) cores)")
        try await ingestBenchmark(logger: logger)
        try await lineageBenchmark(logger: logger)
    }

    func freshStore(_ name: String, logger: Logger) throws -> (SQLiteStore, String) {
        let path = (directory as NSString).appendingPathComponent("provkit-bench-\(name)-\(getpid()).sqlite")
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        return (try SQLiteStore(path: path, logger: logger), path)
    }

    func remove(_ path: String) {
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
    }

    /// Ingest of `runs` runs (with an entity and a `wasGeneratedBy` relation each) and `points` metric points.
    func ingestBenchmark(logger: Logger) async throws {
        let (store, path) = try freshStore("ingest", logger: logger)
        defer { remove(path) }
        let ids = UUIDv7Generator()
        let experiment = ids.next()
        let start = ProvTime(microsecondsSinceEpoch: 1_700_000_000_000_000)
        try await store.ingestCounting([.experiment(ExperimentRecord(id: experiment, name: "bench"))])

        // Runs, entities and relations.
        var runIDs: [ProvID] = []
        runIDs.reserveCapacity(runs)
        var graphEvents: [ProvEvent] = []
        graphEvents.reserveCapacity(runs * 4)
        for index in 0..<runs {
            let run = ids.next()
            let entity = ids.next()
            runIDs.append(run)
            graphEvents.append(
                .runStart(RunStart(id: run, experiment: experiment, name: "run-\(index)", startedAt: start)))
            graphEvents.append(
                .parameter(ParameterRecord(run: run, key: "lr", value: String(Double(index % 100) / 1000))))
            graphEvents.append(.entity(EntityRecord(id: entity, kind: .model, name: "model-\(index)")))
            graphEvents.append(.relation(RelationRecord(.wasGeneratedBy, subject: entity, object: run)))
        }
        let graphSeconds = try await timeBatches(graphEvents, store: store)
        print(
            String(
                format:
                    "ingest graph: %d events (%d runs + %d params + %d entities + %d relations) in %.2f s = %.0f events/s",
                graphEvents.count, runs, runs, runs, runs, graphSeconds, Double(graphEvents.count) / graphSeconds))

        // Metric points: 10 series of points / 10 per run across the first runs.
        var metricEvents: [ProvEvent] = []
        metricEvents.reserveCapacity(points)
        let perSeries = 1000
        for index in 0..<points {
            let series = index / perSeries
            let run = runIDs[series / 4 % runIDs.count]
            let key = ["loss", "val_loss", "acc", "val_acc"][series % 4]
            metricEvents.append(
                .metric(
                    MetricPoint(
                        run: run, key: key, value: Double(index % 997) / 997, step: Int64(index % perSeries),
                        time: ProvTime(microsecondsSinceEpoch: start.microsecondsSinceEpoch + Int64(index)))))
        }
        let metricSeconds = try await timeBatches(metricEvents, store: store)
        let rate = Double(points) / metricSeconds
        print(
            String(
                format: "ingest metrics: %d points in %.2f s = %.0f points/s durable (target >= 300000)",
                points, metricSeconds, rate))
        let statistics = try await store.statistics()
        precondition(statistics.metricPoints == points && statistics.runs == runs, "ingest lost data")
    }

    func timeBatches(_ events: [ProvEvent], store: SQLiteStore) async throws -> Double {
        let clock = ContinuousClock()
        let elapsed = try await clock.measure {
            var index = 0
            while index < events.count {
                let end = min(index + batch, events.count)
                try await store.ingestCounting(Array(events[index..<end]))
                index = end
            }
        }
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }

    /// Ancestors to depth 10 in a graph of `edges` relations: each task used two earlier entities and
    /// generated one new entity (3 relations per task), like a long workflow of data transformations.
    func lineageBenchmark(logger: Logger) async throws {
        let (store, path) = try freshStore("lineage", logger: logger)
        defer { remove(path) }
        let ids = UUIDv7Generator()
        let experiment = ids.next()
        let time = ProvTime(microsecondsSinceEpoch: 1_700_000_000_000_000)
        var generator = SystemRandomNumberGenerator()
        var events: [ProvEvent] = [.experiment(ExperimentRecord(id: experiment, name: "lineage-bench"))]
        var entities: [ProvID] = []
        for index in 0..<8 {
            let seed = ids.next()
            entities.append(seed)
            events.append(.entity(EntityRecord(id: seed, kind: .dataset, name: "seed-\(index)")))
        }
        let tasks = edges / 3
        for _ in 0..<tasks {
            let task = ids.next()
            let output = ids.next()
            // Inputs are drawn from the most recent 1,000 entities, so paths are long (deep lineage).
            let window = min(entities.count, 1000)
            let first = entities[entities.count - 1 - Int.random(in: 0..<window, using: &generator)]
            let second = entities[entities.count - 1 - Int.random(in: 0..<window, using: &generator)]
            events += [
                .runStart(RunStart(id: task, experiment: experiment, kind: .task, startedAt: time)),
                .entity(EntityRecord(id: output, kind: .artifact)),
                .relation(RelationRecord(.used, subject: task, object: first)),
                .relation(RelationRecord(.used, subject: task, object: second)),
                .relation(RelationRecord(.wasGeneratedBy, subject: output, object: task)),
            ]
            entities.append(output)
        }
        let buildSeconds = try await timeBatches(events, store: store)
        let statistics = try await store.statistics()
        print(
            String(
                format: "lineage graph: %d relations, %d runs, %d entities built in %.1f s",
                statistics.relations, statistics.runs, statistics.entities, buildSeconds))

        var durations: [Double] = []
        var reached: [Int] = []
        let clock = ContinuousClock()
        for _ in 0..<queries {
            let start = entities[entities.count - 1 - Int.random(in: 0..<(entities.count / 2), using: &generator)]
            var graph: LineageGraph? = nil
            let elapsed = try await clock.measure {
                graph = try await store.lineage(of: start, direction: .up, depth: 10)
            }
            durations.append(Double(elapsed.components.attoseconds) / 1e15 + Double(elapsed.components.seconds) * 1000)
            reached.append(graph?.nodes.count ?? 0)
        }
        durations.sort()
        reached.sort()
        print(
            String(
                format:
                    "lineage up, depth 10: median %.2f ms, p95 %.2f ms, max %.2f ms over %d queries; median %d nodes reached (target <= 10 ms)",
                durations[durations.count / 2], durations[durations.count * 95 / 100], durations.last ?? 0, queries,
                reached[reached.count / 2]))
    }
}
