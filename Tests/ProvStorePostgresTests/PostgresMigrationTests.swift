#if Postgres
    import Foundation
    import Logging
    import ProvModel
    import ProvStore
    @testable import ProvStorePostgres
    import PostgresNIO
    import ProvTesting
    import Testing

    /// Upgrades of databases made by earlier ProvKit versions.
    @Suite("PostgreSQL store: schema upgrades", .enabled(if: TestDatabase.available))
    struct PostgresMigrationTests {
        /// The b-tree indexes and unique constraints of schema version 3, which migration 4 replaces.
        static let version3Indexes = [
            "DROP INDEX run_by_name", "CREATE INDEX run_by_name ON run(name)",
            "DROP INDEX entity_by_name", "CREATE INDEX entity_by_name ON entity(name)",
            "DROP INDEX entity_by_location", "CREATE INDEX entity_by_location ON entity(location)",
            "DROP INDEX entity_by_digest", "CREATE INDEX entity_by_digest ON entity(digest)",
            "DROP INDEX agent_by_name", "CREATE INDEX agent_by_name ON agent(name)",
            "DROP INDEX tag_by_value", "DROP INDEX tag_by_key", "CREATE INDEX tag_by_key ON tag(key, value)",
            "DROP INDEX experiment_by_name", "DROP INDEX experiment_name_unique",
            "ALTER TABLE experiment ADD CONSTRAINT experiment_name_key UNIQUE (name)",
            "DROP INDEX model_metric_identity",
            """
            ALTER TABLE model_metric ADD CONSTRAINT model_metric_identity UNIQUE NULLS NOT DISTINCT
                (model_pk, key, step, time, value, run_pk, dataset_name, dataset_digest)
            """,
            "DELETE FROM schema_migrations WHERE version >= 4",
        ]

        @Test("a version 3 database with data upgrades at open, keeps its data and then stores 8,000-character tags")
        func upgradeFromVersion3() async throws {
            try await TestDatabase.withStore { old in
                let logger = Logger(label: "provkit.test.postgres")
                try await old.client.withConnection { connection in
                    for statement in Self.version3Indexes {
                        try await connection.execute(statement, [], logger: logger)
                    }
                }
                let ids = SequentialIDGenerator(milliseconds: 1_760_000_000_000)
                let experiment = ids.next()
                let run = ids.next()
                try await old.ingest([
                    .experiment(ExperimentRecord(id: experiment, name: "kept")),
                    .runStart(RunStart(id: run, experiment: experiment, name: "r", startedAt: ProvFixtures.time(0))),
                    .tag(TagRecord(target: run, key: "k", value: "v")),
                ])
                // Text that does not compress (PostgreSQL compresses long index entries): xorshift64 letters.
                var state: UInt64 = 0x2545_F491_4F6C_DD1D
                let long = String(
                    (0..<8000).map { _ in
                        state ^= state << 13
                        state ^= state >> 7
                        state ^= state << 17
                        return Character(UnicodeScalar(UInt8(65 + state % 26)))
                    })
                // The old schema fails on long text that does not compress: what migration 4 fixes.
                await #expect(throws: (any Error).self) {
                    try await old.ingest([.tag(TagRecord(target: run, key: "note", value: long))])
                }
                try await TestDatabase.withPeer(of: old) { upgraded in
                    let versions = try await upgraded.client.withConnection { connection in
                        try await connection.rows("SELECT max(version) FROM schema_migrations", [], logger: logger)
                            .map { $0[0] as Int64 }
                    }
                    #expect(versions == [PostgresSchema.migrations.map(\.version).max()])
                    try await upgraded.ingest([.tag(TagRecord(target: run, key: "note", value: long))])
                    let tracked = try #require(try await upgraded.trackedRuns([run]).first)
                    #expect(tracked.tags.first { $0.key == "note" }?.value == long)
                    #expect(tracked.tags.first { $0.key == "k" }?.value == "v")
                    #expect(try await upgraded.trackedExperiment(.name("kept"))?.id == experiment)
                    // Experiment names are still unique.
                    await #expect(throws: IngestError.self) {
                        try await upgraded.ingest([.experiment(ExperimentRecord(id: ids.next(), name: "kept"))])
                    }
                }
            }
        }
    }
#endif
