import ArgumentParser
import Foundation
import Logging
import ProvCapture
import ProvModel

/// The capture SDK's costs: recording a task, and taking a telemetry snapshot.
///
/// The task workload matches Flowcept's offline `@flowcept_task` benchmark (reference/flowcept.md §5): a no-op
/// task called N times inside one session whose events end up in a JSON Lines file. Each call is timed on its own
/// (the clock read is included, about 20–30 ns), and the report gives the median and percentiles, the mean
/// including the final flush, and the events per task.
struct CaptureBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "capture", abstract: "Per-task record cost and telemetry snapshot cost of the SDK.")

    @Option(help: "No-op tasks to record.")
    var tasks = 100_000

    @Option(help: "Telemetry snapshots to time.")
    var snapshots = 2_000

    @Option(help: "Write the figures as JSON to this file too.")
    var json: String?

    @Flag(help: "Also time the parts of recording a task.")
    var breakdown = false

    mutating func run() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("provkit-capture-bench-\(getpid())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("events.jsonl").path
        let clock = ContinuousClock()
        var perTask: [Double] = []
        perTask.reserveCapacity(tasks)
        let taskCount = tasks
        let start = clock.now
        try await ProvCapture.withSession(
            sink: try JSONLinesFileSink(path: path), experiment: "capture-bench", logger: Logger(label: "bench")
        ) { capture in
            try await capture.withWorkflow("bench") { _ in
                for _ in 0..<taskCount {
                    let before = clock.now
                    try await capture.withTask("noop") { _ in }
                    perTask.append(Self.microseconds(clock.now - before))
                }
            }
        }
        let total = Self.microseconds(clock.now - start)
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").count
        perTask.sort()
        let median = perTask[perTask.count / 2]
        print(
            String(
                format:
                    "record task: median %.3f µs, p90 %.3f µs, p99 %.3f µs; mean incl. flush %.3f µs over %d tasks (%d events, %.1f per task, JSON Lines file)",
                median, perTask[perTask.count * 9 / 10], perTask[perTask.count * 99 / 100], total / Double(tasks),
                tasks, lines,
                Double(lines) / Double(tasks)))

        if breakdown {
            let sink = InMemoryEventSink()
            let recorder = ProvRecorder(sink: sink, logger: Logger(label: "bench"))
            let ids = FastUUIDv7Generator()
            let event = ProvEvent.runEnd(RunEnd(run: ids.next(), status: .finished, endedAt: .now()))
            let rounds = 200_000
            func cost(_ name: String, _ body: () -> Void) {
                let start = clock.now
                for _ in 0..<rounds { body() }
                print(
                    String(format: "  %@: %.1f ns", name, Self.microseconds(clock.now - start) * 1000 / Double(rounds)))
            }
            print("breakdown (mean of \(rounds)):")
            cost("clock read (ContinuousClock.now)") { _ = clock.now }
            cost("ProvTime.now()") { _ = ProvTime.now() }
            cost("FastUUIDv7Generator.next()") { _ = ids.next() }
            cost("recorder.record(runEnd)") { recorder.record(event) }
            try await recorder.flush()
            try await ProvCapture.withSession(sink: sink, experiment: "b", logger: Logger(label: "bench")) { capture in
                let start = clock.now
                for _ in 0..<rounds { capture.startRun("noop", kind: .task, parent: nil).end() }
                print(
                    String(
                        format: "  startRun + end (no scope): %.1f ns",
                        Self.microseconds(clock.now - start) * 1000 / Double(rounds)))
            }
        }

        var process: [Double] = []
        var host: [Double] = []
        let processCollector = ProcessTelemetryCollector()
        let hostCollector = HostTelemetryCollector()
        _ = hostCollector.readings()
        for _ in 0..<snapshots {
            let a = clock.now
            _ = processCollector.readings()
            let b = clock.now
            _ = hostCollector.readings()
            let c = clock.now
            process.append(Self.microseconds(b - a))
            host.append(Self.microseconds(c - b))
        }
        process.sort()
        host.sort()
        let both = zip(process, host).map { $0 + $1 }.sorted()
        print(
            String(
                format: "telemetry snapshot: process %.1f µs, host %.1f µs, both %.1f µs (medians of %d)",
                process[process.count / 2], host[host.count / 2], both[both.count / 2], snapshots))
        if let json {
            let figures: [String: Double] = [
                "task_median_us": median, "task_p90_us": perTask[perTask.count * 9 / 10],
                "task_p99_us": perTask[perTask.count * 99 / 100], "task_mean_with_flush_us": total / Double(tasks),
                "events_per_task": Double(lines) / Double(tasks), "snapshot_process_us": process[process.count / 2],
                "snapshot_host_us": host[host.count / 2], "snapshot_both_us": both[both.count / 2],
            ]
            let data = try JSONSerialization.data(withJSONObject: figures, options: [.sortedKeys, .prettyPrinted])
            try data.write(to: URL(fileURLWithPath: json))
        }
    }

    static func microseconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) * 1e6 + Double(duration.components.attoseconds) / 1e12
    }
}
