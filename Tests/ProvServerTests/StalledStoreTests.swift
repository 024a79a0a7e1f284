import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import ProvModel
import ProvServer
import ProvStore
import ProvStoreSQLite
import ServiceLifecycle
import Synchronization
import Testing

/// A store whose writes never return (as a database connection that died mid-statement once made them) and whose
/// `createExperiment` fails as when its database is down: every other call goes to an in-memory SQLite store.
struct StalledStore: ProvenanceStore {
    let base: SQLiteStore

    private func stall() async -> Never { await Stall.forever() }

    func ingest(keyedBatches: [KeyedBatch]) async throws -> [Result<IngestSummary, IngestError>] { await stall() }
    func ingestCounting(_ events: [ProvEvent]) async throws -> IngestSummary { await stall() }

    func experiments() async throws -> [ExperimentSummary] { try await base.experiments() }
    func runs(matching filter: RunFilter) async throws -> [RunSummary] { try await base.runs(matching: filter) }
    func runDetail(_ id: ProvID) async throws -> RunDetail? { try await base.runDetail(id) }
    func runs(_ query: RunQuery) async throws -> SearchPage<RunView> { try await base.runs(query) }
    func metricHistory(run: ProvID, key: String) async throws -> [MetricPoint] {
        try await base.metricHistory(run: run, key: key)
    }
    func resolve(_ reference: String) async throws -> [NodeSummary] { try await base.resolve(reference) }
    func node(_ id: ProvID) async throws -> NodeSummary? { try await base.node(id) }
    func lineage(of id: ProvID, direction: LineageDirection, depth: Int) async throws -> LineageGraph {
        try await base.lineage(of: id, direction: direction, depth: depth)
    }
    func statistics() async throws -> StoreStatistics { try await base.statistics() }
    func records(for scope: RecordScope, includePoints: Bool) async throws -> ProvenanceRecords {
        try await base.records(for: scope, includePoints: includePoints)
    }
    func allRecords(includePoints: Bool) async throws -> ProvenanceRecords {
        try await base.allRecords(includePoints: includePoints)
    }
    func restoreBookkeeping(of experiment: TrackedExperiment) async throws {
        try await base.restoreBookkeeping(of: experiment)
    }
    /// Fails as a store whose database is down does.
    func createExperiment(
        _ record: ExperimentRecord, tags: [TagRecord], artifactLocation: String?
    ) async throws -> TrackedExperiment {
        throw StoreError(.unavailable, "the database is unreachable (test); try again later")
    }
    func ensureDefaultExperiment(_ record: ExperimentRecord) async throws -> TrackedExperiment {
        try await base.ensureDefaultExperiment(record)
    }
    func trackedExperiment(_ reference: ExperimentReference) async throws -> TrackedExperiment? {
        try await base.trackedExperiment(reference)
    }
    func searchExperiments(_ search: ExperimentSearch) async throws -> SearchPage<TrackedExperiment> {
        try await base.searchExperiments(search)
    }
    func trackedRuns(_ ids: [ProvID]) async throws -> [TrackedRun] { try await base.trackedRuns(ids) }
    func searchRuns(_ search: RunSearch) async throws -> SearchPage<TrackedRun> { try await base.searchRuns(search) }
    func trackedModel(_ id: ProvID) async throws -> TrackedModel? { try await base.trackedModel(id) }
    func searchModels(_ search: ModelSearch) async throws -> SearchPage<TrackedModel> {
        try await base.searchModels(search)
    }
}

/// Waiting that nothing ends, not even cancellation (as a statement sent on a connection that has closed).
enum Stall {
    /// The waiters, kept so that they are never released unresumed.
    private static let waiters = Mutex<[CheckedContinuation<Void, Never>]>([])

    static func forever() async -> Never {
        await withCheckedContinuation { continuation in waiters.withLock { $0.append(continuation) } }
        fatalError("a stalled wait was resumed")
    }
}

/// Issue #12 item 2: one write that never returns must not stop the server for good (no request waits without
/// bound, shutdown ends). The bounds below are liveness bounds, not timings.
@Suite("A stalled store")
struct StalledStoreTests {
    static let logger = Logger(label: "provkit.test.stalled")

    static func stalledStore() throws -> StalledStore {
        StalledStore(base: try SQLiteStore.inMemory(logger: logger))
    }

    static let batch: [ProvEvent] = [.experiment(ExperimentRecord(id: ProvID.experiment(named: "x"), name: "x"))]

    static func shortLimits() -> GroupCommitWriter.Limits {
        var limits = GroupCommitWriter.Limits()
        limits.writeTimeout = .milliseconds(500)
        limits.drainTimeout = .milliseconds(500)
        return limits
    }

    @Test("a write the store never finishes fails with 'unavailable' after the writer's limit", .timeLimit(.minutes(1)))
    func writeTimesOut() async throws {
        let writer = GroupCommitWriter(store: try Self.stalledStore(), limits: Self.shortLimits(), logger: Self.logger)
        let group = ServiceGroup(services: [writer], logger: Self.logger)
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            for _ in 0..<2 {  // and the writer goes on: the next write gets its answer too
                let error = await #expect(throws: StoreError.self) { try await writer.submit(Self.batch) }
                #expect(error?.code == .unavailable)
                #expect(error?.message.contains("unknown") == true)
            }
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
    }

    @Test("graceful shutdown ends while the store is stalled; queued writes fail", .timeLimit(.minutes(1)))
    func shutdownWithStalledWrite() async throws {
        var limits = Self.shortLimits()
        limits.writeTimeout = .seconds(3600)
        let writer = GroupCommitWriter(store: try Self.stalledStore(), limits: limits, logger: Self.logger)
        let group = ServiceGroup(services: [writer], logger: Self.logger)
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            let submitted = Task { try await writer.submit(Self.batch) }
            try await Task.sleep(for: .milliseconds(100))
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
            let error = await #expect(throws: StoreError.self) { try await submitted.value }
            #expect(error?.code == .unavailable)
            let late = await #expect(throws: StoreError.self) { try await writer.submit(Self.batch) }
            #expect(late?.code == .unavailable)
        }
    }

    @Test("a cancelled writer returns at once and fails the write in progress", .timeLimit(.minutes(1)))
    func cancellation() async throws {
        var limits = Self.shortLimits()
        limits.writeTimeout = .seconds(3600)
        limits.drainTimeout = .seconds(3600)
        let writer = GroupCommitWriter(store: try Self.stalledStore(), limits: limits, logger: Self.logger)
        let running = Task { try await writer.run() }
        let submitted = Task { try await writer.submit(Self.batch) }
        try await Task.sleep(for: .milliseconds(100))
        running.cancel()
        try await running.value
        let error = await #expect(throws: StoreError.self) { try await submitted.value }
        #expect(error?.code == .unavailable)
    }

    @Test("a store that is unavailable is answered with 503 TEMPORARILY_UNAVAILABLE", .timeLimit(.minutes(1)))
    func unavailableIs503() async throws {
        let artifacts = FileManager.default.temporaryDirectory.appendingPathComponent("provkit-stalled-\(UUID())")
        defer { try? FileManager.default.removeItem(at: artifacts) }
        var configuration = ServerConfiguration()
        configuration.artifactsRoot = artifacts
        let application = buildApplication(
            configuration: configuration, store: try Self.stalledStore(), logger: Self.logger)
        try await application.test(.router) { client in
            let (status, body) = try await client.json(
                .post, "/api/2.0/mlflow/experiments/create", #"{"name": "stalled"}"#)
            #expect(status == .serviceUnavailable)
            #expect(body["error_code"] as? String == "TEMPORARILY_UNAVAILABLE")
            #expect((body["message"] as? String)?.contains("unreachable") == true)
        }
    }
}

@Suite("Watchdog")
struct WatchdogTests {
    struct Stuck: Error {}

    /// Work that never returns, not even when cancelled.
    static func never() async -> Int { await Stall.forever() }

    @Test("the work's result comes back", .timeLimit(.minutes(1)))
    func result() async throws {
        let value = try await Watchdog.run(timeout: .seconds(30), failing: Stuck()) { _ in 42 }
        #expect(value == 42)
    }

    @Test("work that never returns is given up after its deadline, which the work may move", .timeLimit(.minutes(1)))
    func deadline() async throws {
        let started = ContinuousClock.now
        await #expect(throws: Stuck.self) {
            try await Watchdog.run(timeout: .seconds(30), failing: CancellationError()) { watchdog in
                watchdog.reset(.milliseconds(300), failing: Stuck())
                return await Self.never()
            }
        }
        #expect(ContinuousClock.now - started < .seconds(30))
    }

    @Test("a watched condition ends the wait with its error and runs the give-up actions", .timeLimit(.minutes(1)))
    func watchedCondition() async throws {
        let gaveUp = AsyncStream<Void>.makeStream()
        await #expect(throws: Stuck.self) {
            try await Watchdog.run(timeout: .seconds(3600), failing: CancellationError()) { watchdog in
                watchdog.watch { Stuck() }
                watchdog.onGiveUp { gaveUp.continuation.finish() }
                return await Self.never()
            }
        }
        for await _ in gaveUp.stream {}  // finished by the give-up action
    }

    @Test("cancelling the caller ends the wait", .timeLimit(.minutes(1)))
    func cancellation() async throws {
        let waiting = Task {
            try await Watchdog.run(timeout: .seconds(3600), failing: Stuck()) { _ in await Self.never() }
        }
        try await Task.sleep(for: .milliseconds(50))
        waiting.cancel()
        await #expect(throws: CancellationError.self) { try await waiting.value }
    }
}
