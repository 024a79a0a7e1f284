import Foundation
import GRDB
import Logging
import ProvModel
import ProvStore
import ProvTesting
import Testing

@testable import ProvStoreSQLite

/// What only the SQLite back-end promises: WAL, durability across reopening, foreign keys, schema versioning,
/// clear errors for unusable paths, and its configurable taxonomy.
@Suite("SQLite store")
struct SQLiteStoreTests {
    let logger = Logger(label: "provkit.test.sqlite")

    @Test("a store file is in WAL mode")
    func walMode() async throws {
        let folder = try TemporaryDirectory(prefix: "provkit-sqlite-wal")
        defer { folder.remove() }
        let path = folder.path("store.sqlite")
        let store = try SQLiteStore(path: path, logger: logger)
        try await store.ingest(ProvFixtures.campaign(ids: SequentialIDGenerator()).events)
        #expect(FileManager.default.fileExists(atPath: path + "-wal"))
        let mode = try await store.writer.read { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") }
        #expect(mode == "wal")
        // WAL is a property of the file: another connection sees it too.
        let other = try DatabaseQueue(path: path)
        #expect(try await other.read { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") } == "wal")
        try other.close()
    }

    @Test("data survives closing and reopening the store")
    func durability() async throws {
        let folder = try TemporaryDirectory(prefix: "provkit-sqlite-durability")
        defer { folder.remove() }
        let path = folder.path("nested/folder/store.sqlite")
        let campaign = ProvFixtures.campaign(ids: SequentialIDGenerator())
        let detail: RunDetail?
        do {
            let store = try SQLiteStore(path: path, logger: logger)
            try await store.ingest(campaign.events)
            detail = try await store.runDetail(campaign.ids.train)
            try store.writer.close()
        }
        // Read the file with a plain connection: the rows are there, outside any store object.
        let raw = try DatabaseQueue(path: path)
        #expect(try await raw.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM run") } == 4)
        try raw.close()

        let reopened = try SQLiteStore(path: path, logger: logger)
        #expect(reopened.path == path)
        #expect(try await reopened.statistics() == campaign.expectedStatistics)
        #expect(try await reopened.runDetail(campaign.ids.train) == detail)
        let lineage = try await reopened.lineage(of: campaign.ids.model, direction: .up, depth: 10)
        #expect(lineage.nodes.count == 8)
        // Reopening does not lose the ability to write, and keeps what was there.
        let sweep = ProvFixtures.sweep(ids: SequentialIDGenerator(milliseconds: 1_750_000_000_000))
        try await reopened.ingest(sweep.events)
        #expect(try await reopened.statistics().runs == 8)
    }

    @Test("foreign keys are enforced on every connection")
    func foreignKeys() async throws {
        let folder = try TemporaryDirectory(prefix: "provkit-sqlite-fk")
        defer { folder.remove() }
        let stores = [
            try SQLiteStore(path: folder.path("store.sqlite"), logger: logger),
            try SQLiteStore.inMemory(logger: logger),
        ]
        for store in stores {
            let reading = try await store.writer.read { db in try Bool.fetchOne(db, sql: "PRAGMA foreign_keys") }
            let writing = try await store.writer.write { db in try Bool.fetchOne(db, sql: "PRAGMA foreign_keys") }
            #expect(reading == true)
            #expect(writing == true)
            // A row pointing at no experiment is refused by the database itself.
            await #expect(throws: DatabaseError.self) {
                try await store.writer.write { db in
                    try db.execute(
                        sql: "INSERT INTO node (id, node_type) VALUES (?, 'run')",
                        arguments: [
                            String(repeating: "a", count: 32)
                        ])
                    try db.execute(
                        sql: """
                            INSERT INTO run (node_pk, experiment_pk, kind, status, started_at)
                            VALUES (last_insert_rowid(), 9999, 'workflow', 'running', 0)
                            """)
                }
            }
            #expect(try await store.statistics().runs == 0)
        }
    }

    @Test("a store written by a newer ProvKit is refused")
    func newerSchema() async throws {
        let folder = try TemporaryDirectory(prefix: "provkit-sqlite-schema")
        defer { folder.remove() }
        let path = folder.path("store.sqlite")
        do {
            let store = try SQLiteStore(path: path, logger: logger)
            try await store.ingest(ProvFixtures.campaign(ids: SequentialIDGenerator()).events)
            try store.writer.close()
        }
        let raw = try DatabaseQueue(path: path)
        try await raw.write { db in
            try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v999: from a future ProvKit')")
        }
        try raw.close()

        let error = #expect(throws: StoreError.self) { try SQLiteStore(path: path, logger: logger) }
        #expect(error?.code == .incompatibleSchema)
        #expect(error?.message.contains("newer") == true)
        #expect(error?.message.contains(path) == true)

        // The refused file is left as it was.
        let check = try DatabaseQueue(path: path)
        #expect(try await check.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM run") } == 4)
        try check.close()
    }

    @Test("a path where no store can be created gives a clear error")
    func cannotOpen() throws {
        let folder = try TemporaryDirectory(prefix: "provkit-sqlite-open")
        defer { folder.remove() }
        // A regular file where a folder would have to be.
        let blocker = folder.path("blocker")
        try Data("not a folder".utf8).write(to: URL(fileURLWithPath: blocker))
        let cases = [
            (blocker + "/sub/store.sqlite", "\(blocker) is a file, not a folder"),  // the folder cannot be created
            (blocker + "/store.sqlite", "\(blocker) is a file, not a folder"),  // the parent is a file
            (folder.url.path, "it is a folder"),  // a folder, not a file
        ]
        for (path, reason) in cases {
            let error = #expect(throws: StoreError.self, Comment(rawValue: path)) {
                try SQLiteStore(path: path, logger: logger)
            }
            #expect(error?.code == .cannotOpen, Comment(rawValue: path))
            #expect(error?.message.hasPrefix("cannot ") == true, "the message says what failed")
            #expect(error?.message.contains(path) == true, "the message names the path")
            #expect(error?.message.contains(reason) == true, "the message says why")
        }
    }

    @Test("a file that is not a database cannot be opened")
    func notADatabase() throws {
        let folder = try TemporaryDirectory(prefix: "provkit-sqlite-garbage")
        defer { folder.remove() }
        let path = folder.path("store.sqlite")
        try Data(String(repeating: "this is not SQLite. ", count: 100).utf8).write(to: URL(fileURLWithPath: path))
        let error = #expect(throws: StoreError.self) { try SQLiteStore(path: path, logger: logger) }
        #expect(error?.code == .cannotOpen || error?.code == .incompatibleSchema)
        #expect(error?.message.contains(path) == true)
    }

    @Test("a custom taxonomy classifies keys at ingest")
    func customTaxonomy() async throws {
        let taxonomy = try Taxonomy(
            version: "test-1", namespace: "https://example.org/test#",
            terms: [
                TaxonomyTerm(
                    id: "system.telemetry.cpu_utilization", layer: .system, facet: "telemetry",
                    label: "CPU utilization", valueType: .number, unit: "%", description: "CPU busy share.",
                    aliases: ["cpu_percent"]),
                TaxonomyTerm(
                    id: "system.telemetry.gpu_power", layer: .system, facet: "telemetry", label: "GPU power",
                    valueType: .number, unit: "W", description: "Power drawn by one GPU.",
                    patterns: ["gpu_[0-9]+_power_watts"]),
                TaxonomyTerm(
                    id: "platform.framework.name", layer: .platform, facet: "framework", label: "Framework",
                    valueType: .string, description: "The ML framework.", aliases: ["framework"]),
                TaxonomyTerm(
                    id: "model.hyperparameter.batch_size", layer: .model, facet: "hyperparameter",
                    label: "Batch size", valueType: .integer, description: "Samples per step.",
                    aliases: ["batch_size", "batchsize"]),
                TaxonomyTerm(
                    id: "model.performance.accuracy", layer: .model, facet: "performance", label: "Accuracy",
                    valueType: .number, unit: "1", description: "Share of correct predictions.",
                    aliases: ["accuracy", "acc"]),
            ], layerTypes: [], curveClasses: [])
        var configuration = SQLiteStore.Configuration()
        configuration.taxonomy = taxonomy
        let store = try SQLiteStore.inMemory(configuration: configuration, logger: logger)
        let campaign = ProvFixtures.campaign(ids: SequentialIDGenerator())
        let ids = campaign.ids
        try await store.ingest(
            campaign.events + [
                .tag(TagRecord(target: ids.train, key: "Framework", value: "pytorch")),
                .metric(MetricPoint(run: ids.step, key: "val/acc", value: 0.4, step: 0)),
            ])

        let train = try #require(try await store.runDetail(ids.train))
        func term(_ values: [ClassifiedValue], _ key: String) -> String?? {
            values.first { $0.key == key }.map(\.term)
        }
        #expect(term(train.parameters, "batch_size") == .some("model.hyperparameter.batch_size"))
        #expect(term(train.parameters, "lr") == .some(nil), "this taxonomy has no learning rate")
        #expect(term(train.parameters, "optimizer") == .some(nil))
        #expect(term(train.tags, "Framework") == .some("platform.framework.name"))
        #expect(train.metrics.allSatisfy { $0.term == nil })
        #expect(
            train.terms == [
                "model.hyperparameter.batch_size", "platform.framework.name", "system.telemetry.cpu_utilization",
                "system.telemetry.gpu_power",
            ])
        let evaluate = try #require(try await store.runDetail(ids.evaluate))
        #expect(evaluate.metrics.first?.term == "model.performance.accuracy")
        let step = try #require(try await store.runDetail(ids.step))
        #expect(step.metrics.first { $0.key == "val/acc" }?.term == nil, "val_acc is neither an alias nor a pattern")

        func matching(_ terms: [String]) async throws -> [ProvID] {
            try await store.runs(matching: RunFilter(terms: terms)).map(\.id)
        }
        #expect(try await matching(["system"]) == [ids.train])
        #expect(try await matching(["system.telemetry.gpu_power"]) == [ids.train])
        #expect(try await matching(["model.performance"]) == [ids.evaluate])
        #expect(try await matching(["model"]) == [ids.evaluate, ids.train])
        #expect(try await matching(["platform", "model.hyperparameter"]) == [ids.train])
        #expect(try await matching([ProvFixtures.learningRateTerm]).isEmpty)
    }

    @Test("the standard taxonomy is the default")
    func defaultTaxonomy() async throws {
        let store = try SQLiteStore.inMemory(logger: logger)
        let campaign = ProvFixtures.campaign(ids: SequentialIDGenerator())
        try await store.ingest(campaign.events)
        let train = try #require(try await store.runDetail(campaign.ids.train))
        #expect(train.parameters.first { $0.key == "lr" }?.term == ProvFixtures.learningRateTerm)
        #expect(train.metrics.first { $0.key == "lr" }?.term == ProvFixtures.learningRateTerm)
    }

    @Test("two stores on one file see each other's writes")
    func sharedFile() async throws {
        let folder = try TemporaryDirectory(prefix: "provkit-sqlite-shared")
        defer { folder.remove() }
        let path = folder.path("store.sqlite")
        let first = try SQLiteStore(path: path, logger: logger)
        let second = try SQLiteStore(path: path, logger: logger)
        let ids = SequentialIDGenerator()
        let campaign = ProvFixtures.campaign(ids: ids)
        try await first.ingest(campaign.events)
        #expect(try await second.statistics() == campaign.expectedStatistics)
        let sweep = ProvFixtures.sweep(ids: ids)
        try await second.ingest(sweep.events)
        #expect(try await first.runs(matching: RunFilter(experiments: [sweep.experimentName])).count == 4)
    }
}
