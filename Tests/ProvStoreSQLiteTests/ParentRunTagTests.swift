import Logging
import ProvModel
import ProvStore
import ProvStoreSQLite
import Testing

// MLflow's nesting through the store: a run tag `mlflow.parentRunId` naming a run makes it the parent, inside the
// ingest transaction (IngestRules.parentRunTag), as the MLflow API did with a lookup before the write.

@Suite("Parent run tag")
struct ParentRunTagTests {
    let experiment = ProvID(high: 1, low: 1)
    let parent = ProvID(high: 2, low: 2)
    let child = ProvID(high: 3, low: 3)
    let time = ProvTime(microsecondsSinceEpoch: 1_700_000_000_000_000)

    func parentTag(_ run: ProvID, _ value: String) -> ProvEvent {
        .tag(TagRecord(target: run, key: IngestRules.parentRunTag, value: value))
    }

    func start(_ run: ProvID) -> ProvEvent {
        .runStart(RunStart(id: run, experiment: experiment, startedAt: time))
    }

    func store() async throws -> SQLiteStore {
        let store = try SQLiteStore.inMemory(logger: Logger(label: "provkit.test.parent-tag"))
        try await store.ingest([.experiment(ExperimentRecord(id: experiment, name: "study")), start(parent)])
        return store
    }

    @Test("a run created with the tag, in the batch that defines it, is nested under the held run as a task")
    func createdWithTheTag() async throws {
        let store = try await store()
        try await store.ingest([start(child), parentTag(child, parent.hex)])
        let run = try #require(try await store.runDetail(child)).run
        #expect(run.parentID == parent)
        #expect(run.kind == .task)
        let tags = try await store.trackedRuns([child]).first?.tags ?? []
        #expect(tags.contains { $0.key == IngestRules.parentRunTag })
    }

    @Test("a parent defined earlier in the same batch, or deleted, is a parent too")
    func parentInTheBatchOrDeleted() async throws {
        let store = try await store()
        let other = ProvID(high: 4, low: 4)
        try await store.ingest([start(other), start(child), parentTag(child, other.hex)])
        #expect(try await store.runDetail(child)?.run.parentID == other)
        try await store.ingest([.lifecycle(LifecycleChange(target: parent, targetType: .run, stage: .deleted))])
        try await store.ingest([parentTag(child, parent.hex)])
        #expect(try await store.runDetail(child)?.run.parentID == parent)
    }

    @Test("a cycle or the run itself is refused as a parent; a value naming no run is only a tag")
    func refusals() async throws {
        let store = try await store()
        try await store.ingest([start(child), parentTag(child, parent.hex)])
        await #expect(throws: IngestError.self) { try await store.ingest([parentTag(parent, child.hex)]) }
        do {
            try await store.ingest([parentTag(parent, parent.hex)])
            Issue.record("a run was made its own parent")
        } catch let error as IngestError {
            #expect(error.field == "parent")
            #expect(error.message == "a run cannot be its own parent")
        }
        #expect(try await store.runDetail(parent)?.run.parentID == nil)
        try await store.ingest([parentTag(parent, experiment.hex), parentTag(parent, "no run")])
        #expect(try await store.runDetail(parent)?.run.parentID == nil)
    }
}
