import Logging
import ProvModel
import ProvStore
import ProvTesting
import Testing

/// What the conformance suite does not reach: concurrent writers, and a batch refused after its writes began.
@Suite("In-memory store")
struct InMemoryStoreTests {
    let ids = SequentialIDGenerator()

    /// A store with one experiment and one run.
    func world() async throws -> (store: InMemoryStore, run: ProvID) {
        let store = InMemoryStore(logger: Logger(label: "provkit.test.memory"))
        let experiment = ids.next()
        let run = ids.next()
        try await store.ingest([
            .experiment(ExperimentRecord(id: experiment, name: "memory")),
            .runStart(RunStart(id: run, experiment: experiment, startedAt: ProvFixtures.time(0))),
        ])
        return (store, run)
    }

    @Test("concurrent batches are each stored whole")
    func concurrentWriters() async throws {
        let (store, run) = try await world()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for writer in 0..<8 {
                group.addTask {
                    for batch in 0..<25 {
                        let step = Int64(writer * 1000 + batch * 10)
                        try await store.ingest(
                            (0..<10).map { offset in
                                .metric(MetricPoint(run: run, key: "loss", value: 1, step: step + Int64(offset)))
                            })
                    }
                }
            }
            try await group.waitForAll()
        }
        let detail = try #require(try await store.runDetail(run))
        #expect(detail.metrics.first?.count == 8 * 25 * 10)
        #expect(try await store.metricHistory(run: run, key: "loss").count == 2000)
    }

    @Test("a batch refused after its writes began leaves the store as it was")
    func refusedAfterWrites() async throws {
        let (store, run) = try await world()
        let held = MetricPoint(run: run, key: "loss", value: 0.5, step: 1)
        try await store.ingest([.metric(held), .parameter(ParameterRecord(run: run, key: "lr", value: "0.1"))])
        try await store.ingest([.lifecycle(LifecycleChange(target: run, targetType: .run, stage: .deleted))])
        let before = try await store.allRecords(includePoints: true)
        let statistics = try await store.statistics()
        // A re-sent point passes; a new point for the deleted run refuses the batch after the writes.
        let entity = ids.next()
        let refused = [
            ProvEvent.entity(EntityRecord(id: entity, kind: .dataset, name: "late")), .metric(held),
            .metric(MetricPoint(run: run, key: "loss", value: 0.25, step: 2)),
        ]
        await #expect(throws: IngestError.self) { try await store.ingest(refused) }
        let results = try await store.ingest(keyedBatches: [KeyedBatch(events: refused, key: "late")])
        #expect(results.count == 1)
        if case .success = results.first { Issue.record("the batch was stored") }
        #expect(try await store.allRecords(includePoints: true) == before)
        #expect(try await store.statistics() == statistics)
        #expect(try await store.node(entity) == nil)
        // The refused batch's key is not kept: the same key stores a valid batch later.
        let stored = try await store.ingest(keyedBatches: [KeyedBatch(events: [.metric(held)], key: "late")])
        #expect(stored.first.map { if case .success = $0 { true } else { false } } == true)
    }
}
