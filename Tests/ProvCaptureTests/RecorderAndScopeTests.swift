import Foundation
import Logging
import ProvCapture
import ProvModel
import ProvStore
import ProvTesting
import Testing

/// A sink that fails a set number of times before it accepts.
final class FlakySink: ProvenanceEventSink {
    let inner = InMemoryEventSink()
    private let failures: LockedCounter

    init(failures: Int) {
        self.failures = LockedCounter(failures)
    }

    func ingest(_ events: [ProvEvent]) async throws {
        if failures.takeOne() { throw CaptureError("flaky sink refused a batch") }
        try await inner.ingest(events)
    }
}

final class LockedCounter: @unchecked Sendable {
    // @unchecked: `value` is only touched under `lock`.
    private let lock = NSLock()
    private var value: Int

    init(_ value: Int) { self.value = value }

    func takeOne() -> Bool {
        lock.lock()
        defer { lock.unlock() }
        guard value > 0 else { return false }
        value -= 1
        return true
    }
}

struct Boom: Error, CustomStringConvertible {
    var description: String { "boom: the task failed on purpose" }
}

@Suite("Recorder and scopes")
struct RecorderAndScopeTests {
    let logger = Logger(label: "test")

    func runStarts(_ events: [ProvEvent]) -> [RunStart] {
        events.compactMap { if case .runStart(let start) = $0 { start } else { nil } }
    }

    func runEnds(_ events: [ProvEvent]) -> [RunEnd] {
        events.compactMap { if case .runEnd(let end) = $0 { end } else { nil } }
    }

    @Test("workflows and tasks nest through the task-local current run, in child tasks too")
    func nesting() async throws {
        let sink = InMemoryEventSink()
        try await ProvCapture.withSession(sink: sink, experiment: "nesting", logger: logger) { capture in
            try await capture.withWorkflow("outer") { outer in
                #expect(RunScope.current?.id == outer.id)
                try await capture.withTask("inner") { inner in
                    await Task.yield()  // an async body
                    #expect(inner.parent == outer.id)
                    try capture.withTask("step") { step in
                        #expect(step.parent == inner.id)
                        #expect(step.kind == .step)
                    }
                }
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for index in 0..<3 {
                        group.addTask {
                            try capture.withTask("parallel-\(index)") { task in
                                #expect(task.parent == outer.id)
                            }
                        }
                    }
                    try await group.waitForAll()
                }
            }
            #expect(RunScope.current == nil)
        }
        let starts = runStarts(sink.events)
        #expect(starts.count == 6)
        let outer = try #require(starts.first { $0.name == "outer" })
        #expect(outer.kind == .workflow && outer.parent == nil)
        #expect(outer.experiment == ProvID.experiment(named: "nesting"))
        #expect(starts.filter { $0.parent == outer.id }.count == 4)
        #expect(runEnds(sink.events).allSatisfy { $0.status == .finished })
        #expect(runEnds(sink.events).count == 6)
    }

    @Test("a throwing task records its error and status, and the error reaches the caller")
    func errorCapture() async throws {
        let sink = InMemoryEventSink()
        await #expect(throws: Boom.self) {
            try await ProvCapture.withSession(sink: sink, experiment: "errors", logger: logger) { capture in
                try await capture.withWorkflow("wf") { _ in
                    try capture.withTask("fails") { _ in throw Boom() }
                }
            }
        }
        let ends = runEnds(sink.events)
        #expect(ends.count == 2)
        #expect(ends.allSatisfy { $0.status == .failed })
        let errorTags = sink.events.compactMap { event -> String? in
            if case .tag(let tag) = event, tag.key == "provkit.error" { return tag.value }
            return nil
        }
        #expect(errorTags == ["boom: the task failed on purpose", "boom: the task failed on purpose"])
    }

    @Test("a cancelled task is recorded as killed")
    func cancellation() async throws {
        let sink = InMemoryEventSink()
        try await ProvCapture.withSession(sink: sink, experiment: "cancel", logger: logger) { capture in
            let task = Task {
                try await capture.withWorkflow("long") { _ in
                    try await Task.sleep(for: .seconds(30))
                }
            }
            try await Task.sleep(for: .milliseconds(50))
            task.cancel()
            _ = await task.result
        }
        #expect(runEnds(sink.events).map(\.status) == [.killed])
    }

    @Test("a full buffer drops events by its policy, counts every drop and reports them on the workflow")
    func overflow() async throws {
        var configuration = ProvRecorder.Configuration()
        configuration.bufferCapacity = 10
        let sink = InMemoryEventSink()
        let recorder = ProvRecorder(sink: sink, configuration: configuration, logger: logger)
        let run = ProvID(high: 1, low: 1)
        var accepted = 0
        for step in 0..<25 {
            if recorder.record(.metric(MetricPoint(run: run, key: "loss", value: Double(step), step: Int64(step)))) {
                accepted += 1
            }
        }
        #expect(accepted == 10)
        #expect(recorder.statistics.dropped == 15)
        #expect(recorder.statistics.pending == 10)
        try await recorder.flush()
        #expect(recorder.statistics.delivered == 10)
        let steps = sink.events.compactMap { if case .metric(let point) = $0 { point.step } else { nil } }
        #expect(steps == Array(0..<10))  // drop-newest keeps the oldest, in order

        configuration.overflowPolicy = .dropOldest
        let newestSink = InMemoryEventSink()
        let keepNewest = ProvRecorder(sink: newestSink, configuration: configuration, logger: logger)
        for step in 0..<25 {
            keepNewest.record(.metric(MetricPoint(run: run, key: "loss", value: Double(step), step: Int64(step))))
        }
        #expect(keepNewest.statistics.dropped == 15)
        try await keepNewest.flush()
        let kept = newestSink.events.compactMap { if case .metric(let point) = $0 { point.step } else { nil } }
        #expect(kept == Array(15..<25))
    }

    @Test("drops during a session are reported as a tag on the workflow run")
    func dropsReported() async throws {
        var configuration = ProvRecorder.Configuration()
        configuration.bufferCapacity = 50
        configuration.flushInterval = .seconds(60)
        let sink = InMemoryEventSink()
        try await ProvCapture.withSession(sink: sink, experiment: "drops", configuration: configuration, logger: logger)
        {
            capture in
            try await capture.withWorkflow("busy") { run in
                for step in 0..<200 { run.log(metric: "x", Double(step), step: Int64(step)) }
            }
        }
        // The run's end and the drop report use the recorder's reserve, so they survive a full buffer.
        let tags = sink.events.compactMap { event -> String? in
            if case .tag(let tag) = event, tag.key == "provkit.capture.dropped_events" { return tag.value }
            return nil
        }
        let metrics = sink.events.filter { if case .metric = $0 { true } else { false } }.count
        #expect(tags.count == 1)
        #expect(Int(tags.first ?? "") == 200 - metrics)
        #expect(metrics < 50)
        #expect(runEnds(sink.events).map(\.status) == [.finished])
        #expect(sink.events.count == 50 + 2)  // the full buffer plus the report and the run end
    }

    @Test("a failing sink is retried and nothing is lost")
    func retries() async throws {
        var configuration = ProvRecorder.Configuration()
        configuration.deliveryRetries = 3
        let sink = FlakySink(failures: 2)
        let recorder = ProvRecorder(sink: sink, configuration: configuration, logger: logger)
        for step in 0..<100 {
            recorder.record(.metric(MetricPoint(run: ProvID(high: 1, low: 2), key: "k", value: 1, step: Int64(step))))
        }
        try await recorder.flush()
        #expect(sink.inner.events.count == 100)
        #expect(recorder.statistics.failedDeliveries == 0)

        let broken = FlakySink(failures: 100)
        var noRetry = ProvRecorder.Configuration()
        noRetry.deliveryRetries = 0
        let failing = ProvRecorder(sink: broken, configuration: noRetry, logger: logger)
        failing.record(.metric(MetricPoint(run: ProvID(high: 1, low: 2), key: "k", value: 1)))
        await #expect(throws: CaptureError.self) { try await failing.flush() }
        #expect(failing.statistics.pending == 1)  // kept for the next try
        #expect(failing.statistics.failedDeliveries == 1)
    }

    @Test("a session writes straight into a store, which classifies what it records")
    func intoStore() async throws {
        let store = InMemoryStore(logger: logger)
        let data = try TemporaryDirectory()
        defer { data.remove() }
        let input = data.path("input.csv")
        try "a,b\n1,2\n".write(toFile: input, atomically: true, encoding: .utf8)
        let runID = try await ProvCapture.withSession(sink: store, experiment: "store", logger: logger) { capture in
            try await capture.withWorkflow("train", parameters: ["learning_rate": "0.1"]) { run in
                run.log(metric: "val_acc", 0.5, step: 1)
                run.log(metric: "val_acc", 0.75, step: 2)
                try run.used(path: input, kind: .dataset, role: "training")
                run.generated(value: Array("weights".utf8), name: "weights", kind: .model)
                return run.id
            }
        }
        let detail = try #require(try await store.runDetail(runID))
        #expect(detail.run.status == .finished)
        #expect(detail.parameters.first?.term == "model.hyperparameter.learning_rate")
        #expect(detail.metrics.first?.last == 0.75)
        #expect(detail.metrics.first?.term == "model.performance.validation_accuracy")
        let used = try #require(detail.relations.first { $0.kind == .used })
        #expect(used.other.kind == "dataset")
        #expect(detail.relations.contains { $0.kind == .wasGeneratedBy && $0.other.name == "weights" })
        let records = try await store.records(for: .run(runID), includePoints: false)
        let dataset = try #require(records.entities.first { $0.kind == .dataset })
        #expect(dataset.digest == "sha256:" + SHA256.hex(Array("a,b\n1,2\n".utf8)))
        #expect(dataset.sizeBytes == 8)
    }

    @Test("the JSON Lines sink writes what provkit ingest reads back")
    func jsonLinesSink() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let path = folder.path("events.jsonl")
        try await ProvCapture.withSession(sink: try JSONLinesFileSink(path: path), experiment: "file", logger: logger) {
            capture in
            try await capture.withWorkflow("wf") { run in run.log(metric: "loss", .nan, step: 1) }
        }
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
        let events = try lines.map { try EventCodec.decode(line: $0) }
        #expect(events.count == lines.count)
        let store = InMemoryStore(logger: logger)
        try await store.ingestCounting(events)
        #expect(try await store.statistics().runs == 1)
    }

    @Test("fast UUIDv7 ids are unique, increasing and carry version 7 and the RFC variant")
    func fastIDs() {
        let generator = FastUUIDv7Generator()
        var previous = generator.next()
        for _ in 0..<50_000 {
            let id = generator.next()
            #expect(id > previous)
            #expect((id.high >> 12) & 0xF == 7)
            #expect(id.low >> 62 == 0b10)
            previous = id
        }
        let now = UInt64(Date().timeIntervalSince1970 * 1000)
        #expect(abs(Int64(previous.unixMilliseconds) - Int64(now)) < 60_000)
    }
}
