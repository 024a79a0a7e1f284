#if Postgres
    // The PostgreSQL back-end exists only with the package trait `Postgres` (on by default).
    import Foundation
    import Logging
    import ProvModel
    import ProvStore
    import ProvStorePostgres
    import ProvTesting
    import Testing

    /// Where the PostgreSQL tests run: `PROVKIT_TEST_POSTGRES_URL` (scripts/test.sh starts a throwaway cluster and sets
    /// it). Without it the tests skip with a message; under CI (`CI=true`) they fail instead.
    enum TestDatabase {
        static var url: String? {
            ProcessInfo.processInfo.environment["PROVKIT_TEST_POSTGRES_URL"].flatMap { $0.isEmpty ? nil : $0 }
        }

        /// Whether the tests should run; prints why not when they skip.
        static var available: Bool {
            if url != nil || SharedData.isCI { return true }
            print(
                "skipping PostgreSQL tests: set PROVKIT_TEST_POSTGRES_URL (scripts/test.sh starts a throwaway cluster)")
            return false
        }

        static func requireURL() throws -> String {
            guard let url else {
                throw StoreError(
                    .cannotOpen, "PROVKIT_TEST_POSTGRES_URL is not set, and CI=true requires the PostgreSQL tests")
            }
            return url
        }

        /// A store in a schema of its own, running while `body` works with it, and dropped by `body`'s end.
        static func withStore<T>(
            _ label: String = "test", _ body: (PostgresStore) async throws -> T
        ) async throws -> T {
            var configuration = PostgresStore.Configuration()
            configuration.schema = "t_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
            return try await withRunning(configuration) { store in
                do {
                    let value = try await body(store)
                    try await store.dropSchema()
                    return value
                } catch {
                    try? await store.dropSchema()
                    throw error
                }
            }
        }

        /// A second store (another "server") on the schema of `store`, running while `body` works with it.
        static func withPeer<T>(of store: PostgresStore, _ body: (PostgresStore) async throws -> T) async throws -> T {
            var configuration = PostgresStore.Configuration()
            configuration.schema = store.schemaName
            return try await withRunning(configuration, label: "provkit.test.postgres.peer", body)
        }

        /// Opens a store and runs its service (the connection pool) while `body` works with it.
        static func withRunning<T>(
            _ configuration: PostgresStore.Configuration, label: String = "provkit.test.postgres",
            _ body: (PostgresStore) async throws -> T
        ) async throws -> T {
            var logger = Logger(label: label)
            logger.logLevel = .warning
            let store = try await PostgresStore.open(try requireURL(), configuration: configuration, logger: logger)
            return try await withThrowingTaskGroup(of: Void.self, returning: T.self) { group in
                group.addTask { try await store.run() }
                defer { group.cancelAll() }
                return try await body(store)
            }
        }
    }

    /// The store conformance suite, on PostgreSQL (each check in a fresh schema).
    @Suite("PostgreSQL store conformance", .enabled(if: TestDatabase.available))
    struct PostgresConformanceTests {
        @Test("conformance", arguments: StoreConformance.checks)
        func conformance(_ check: StoreConformanceCheck) async throws {
            try await TestDatabase.withStore { store in try await check.run(store) }
        }
    }

    /// What only the shared back-end promises: several stores (servers) on one database at once, keyed batches.
    @Suite("PostgreSQL store: many writers", .enabled(if: TestDatabase.available))
    struct PostgresManyWritersTests {
        @Test("two stores writing the same and different events at once lose nothing and duplicate nothing")
        func concurrentWriters() async throws {
            try await TestDatabase.withStore { first in
                try await TestDatabase.withPeer(of: first) { second in
                    let ids = UUIDv7Generator()
                    let experiment = ProvID.experiment(named: "shared")
                    let start = ProvFixtures.time(0)
                    // Every writer defines the same experiment and agent, then its own run with points and relations; each
                    // batch is sent twice, once through each store, concurrently.
                    let writers = 8
                    let batchesPerWriter = 5
                    let pointsPerBatch = 200
                    let agent = ids.next()
                    var batches: [[ProvEvent]] = []
                    for writer in 0..<writers {
                        let run = ids.next()
                        let dataset = ids.next()
                        var events: [ProvEvent] = [
                            .experiment(ExperimentRecord(id: experiment, name: "shared")),
                            .agent(AgentRecord(id: agent, kind: .person, name: "ada")),
                            .runStart(RunStart(id: run, experiment: experiment, name: "w\(writer)", startedAt: start)),
                            .entity(EntityRecord(id: dataset, kind: .dataset, name: "d\(writer)")),
                            .relation(RelationRecord(.used, subject: run, object: dataset)),
                            .relation(RelationRecord(.wasAssociatedWith, subject: run, object: agent)),
                        ]
                        batches.append(events)
                        for batch in 0..<batchesPerWriter {
                            events = (0..<pointsPerBatch).map { index in
                                .metric(
                                    MetricPoint(
                                        run: run, key: "loss", value: Double(index),
                                        step: Int64(batch * pointsPerBatch + index)
                                    ))
                            }
                            events.append(.tag(TagRecord(target: run, key: "batch", value: "\(batch)")))
                            batches.append(events)
                        }
                    }
                    let stores: [PostgresStore] = [first, second]
                    // Definitions first (a run must exist before its points), each sent through both stores at once.
                    for phase in [batches.filter { $0.count == 6 }, batches.filter { $0.count != 6 }] {
                        try await withThrowingTaskGroup(of: Void.self) { group in
                            for batch in phase {
                                for store in stores {
                                    group.addTask { try await store.ingest(batch) }
                                }
                            }
                            try await group.waitForAll()
                        }
                    }
                    let statistics = try await first.statistics()
                    #expect(statistics.experiments == 1)
                    #expect(statistics.agents == 1)
                    #expect(statistics.runs == writers)
                    #expect(statistics.entities == writers)
                    #expect(statistics.relations == 2 * writers)
                    #expect(statistics.metricPoints == writers * batchesPerWriter * pointsPerBatch)
                    let runs = try await second.runs(matching: RunFilter())
                    for run in runs {
                        let history = try await second.metricHistory(run: run.id, key: "loss")
                        #expect(history.count == batchesPerWriter * pointsPerBatch)
                        let detail = try #require(try await first.runDetail(run.id))
                        #expect(detail.metrics.first?.count == batchesPerWriter * pointsPerBatch)
                        #expect(detail.metrics.first?.lastStep == Int64(batchesPerWriter * pointsPerBatch - 1))
                    }
                }
            }
        }

        @Test("experiments created at once through two stores get distinct numbers")
        func experimentNumbers() async throws {
            try await TestDatabase.withStore { first in
                try await TestDatabase.withPeer(of: first) { second in
                    _ = try await first.ensureDefaultExperiment(
                        ExperimentRecord(id: .experiment(named: "Default"), name: "Default"))
                    let created = try await withThrowingTaskGroup(of: TrackedExperiment.self) { group in
                        for index in 0..<24 {
                            let store = index.isMultiple(of: 2) ? first : second
                            group.addTask {
                                let name = "exp-\(index)"
                                return try await store.createExperiment(
                                    ExperimentRecord(id: .experiment(named: name), name: name), tags: [],
                                    artifactLocation: nil)
                            }
                        }
                        return try await group.reduce(into: []) { $0.append($1) }
                    }
                    #expect(Set(created.map(\.number)).count == 24)
                    #expect(Set(created.map(\.number)) == Set(1...24))
                    let zero = try await second.trackedExperiment(.number(0))
                    #expect(zero?.name == "Default")
                }
            }
        }

        /// (The single-store rules of keyed batches are in the conformance suite.)
        @Test("a keyed batch is stored once however often and through whichever store it is sent, retries racing")
        func keyedBatches() async throws {
            try await TestDatabase.withStore { first in
                try await TestDatabase.withPeer(of: first) { second in
                    let ids = UUIDv7Generator()
                    let experiment = ProvID.experiment(named: "keyed")
                    let run = ids.next()
                    try await first.ingest([
                        .experiment(ExperimentRecord(id: experiment, name: "keyed")),
                        .runStart(RunStart(id: run, experiment: experiment, startedAt: ProvFixtures.time(0))),
                    ])
                    let tagA: [ProvEvent] = [.tag(TagRecord(target: run, key: "state", value: "A"))]
                    let tagB: [ProvEvent] = [.tag(TagRecord(target: run, key: "state", value: "B"))]
                    // A is stored, B is stored after it, then a late retry of A arrives through the other store.
                    let stored = try await first.ingest(keyedBatches: [KeyedBatch(events: tagA, key: "batch-a")])
                    #expect(try stored.first?.get().tags == 1)
                    _ = try await second.ingest(keyedBatches: [KeyedBatch(events: tagB, key: "batch-b")])
                    let retried = try await withThrowingTaskGroup(of: [Result<IngestSummary, IngestError>].self) {
                        group in
                        for store in [first, second, first, second] {
                            group.addTask {
                                try await store.ingest(keyedBatches: [KeyedBatch(events: tagA, key: "batch-a")])
                            }
                        }
                        return try await group.reduce(into: []) { $0 += $1 }
                    }
                    for result in retried {
                        let summary = try result.get()
                        #expect(summary.events == 1)
                        #expect(summary.tags == 0)
                    }
                    let detail = try #require(try await second.runDetail(run))
                    #expect(detail.tags.first { $0.key == "state" }?.value == "B")
                }
            }
        }

        @Test("run changes through two stores are not lost")
        func runUpdates() async throws {
            try await TestDatabase.withStore { first in
                try await TestDatabase.withPeer(of: first) { second in
                    let ids = UUIDv7Generator()
                    let experiment = ProvID.experiment(named: "updates")
                    let runs = (0..<16).map { _ in ids.next() }
                    try await first.ingest(
                        [.experiment(ExperimentRecord(id: experiment, name: "updates"))]
                            + runs.map {
                                .runStart(RunStart(id: $0, experiment: experiment, startedAt: ProvFixtures.time(0)))
                            })
                    // One store renames each run while the other ends it: both changes must stay.
                    try await withThrowingTaskGroup(of: Void.self) { group in
                        for run in runs {
                            group.addTask {
                                try await first.ingest([.runUpdate(RunUpdate(run: run, name: "renamed"))])
                            }
                            group.addTask {
                                try await second.ingest([
                                    .runUpdate(RunUpdate(run: run, status: .finished, endedAt: ProvFixtures.time(10)))
                                ])
                            }
                        }
                        try await group.waitForAll()
                    }
                    for run in try await first.trackedRuns(runs) {
                        #expect(run.name == "renamed")
                        #expect(run.status == .finished)
                        #expect(run.endedAt == ProvFixtures.time(10))
                    }
                }
            }
        }
    }

    @Suite("PostgreSQL URLs")
    struct PostgresURLTests {
        @Test("user, password, host, port, database and sslmode are read as PostgreSQL clients read them")
        func parts() throws {
            let url = try PostgresURL("postgres://ada:s%3Acret@db.example:6543/prov?sslmode=require", environment: [:])
            #expect(url.user == "ada")
            #expect(url.password == "s:cret")
            #expect(url.host == "db.example")
            #expect(url.port == 6543)
            #expect(url.database == "prov")
            #expect(url.tls == .require)
            #expect(!url.redacted.contains("s:cret"))
            let socket = try PostgresURL("postgresql://ada@/prov?host=/var/run/postgresql", environment: [:])
            #expect(socket.isUnixSocket)
            #expect(socket.host == "/var/run/postgresql")
            #expect(socket.tls == .prefer)
            let environment = try PostgresURL(
                "postgres:///", environment: ["PGUSER": "bob", "PGPASSWORD": "pw", "PGHOST": "h", "PGPORT": "7000"])
            #expect(environment.user == "bob")
            #expect(environment.password == "pw")
            #expect(environment.host == "h")
            #expect(environment.port == 7000)
            #expect(environment.database == "bob")
        }

        @Test(
            "bad URLs are refused with what to fix",
            arguments: [
                "mysql://x@h/db", "postgres://x@h/db?sslmode=sometimes", "postgres://x@h/db?colour=blue",
                "postgres://x@h:99999/db",
            ])
        func refused(_ text: String) {
            #expect(throws: StoreError.self) { try PostgresURL(text, environment: [:]) }
        }
    }
#endif
