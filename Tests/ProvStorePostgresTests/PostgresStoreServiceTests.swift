#if Postgres
    import Foundation
    import Logging
    import ProvModel
    import ProvStore
    import ProvStorePostgres
    import ProvTesting
    import ServiceLifecycle
    import Testing

    /// The PostgreSQL store as a `Service`: its connection pool runs while its service runs, in a `ServiceGroup`.
    @Suite("PostgreSQL store: service lifecycle", .enabled(if: TestDatabase.available))
    struct PostgresStoreServiceTests {
        static func open() async throws -> PostgresStore {
            var configuration = PostgresStore.Configuration()
            configuration.schema = "t_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
            var logger = Logger(label: "provkit.test.postgres.service")
            logger.logLevel = .warning
            return try await PostgresStore.open(
                try TestDatabase.requireURL(), configuration: configuration, logger: logger)
        }

        @Test("the pool stops when the service group shuts down; a call afterwards fails at once with a StoreError")
        func stopsWithItsGroup() async throws {
            let store = try await Self.open()
            let experiment = ProvID.experiment(named: "service")
            let group = ServiceGroup(services: [store], logger: Logger(label: "provkit.test.group"))
            try await withThrowingTaskGroup(of: Void.self) { tasks in
                tasks.addTask { try await group.run() }
                // Made before the service may have started: it waits for the pool rather than failing or hanging.
                try await store.ingest([.experiment(ExperimentRecord(id: experiment, name: "service"))])
                #expect(try await store.trackedExperiment(.id(experiment))?.name == "service")
                await group.triggerGracefulShutdown()
                try await tasks.next()  // the group (and so the pool) has stopped
            }
            let clock = ContinuousClock()
            let start = clock.now
            let error = await #expect(throws: StoreError.self) { try await store.experiments() }
            #expect(error?.code == .unavailable)
            #expect(error?.message.contains("closed") == true)
            #expect(clock.now - start < .seconds(2))
            await #expect(throws: StoreError.self) {
                try await store.ingest([.experiment(ExperimentRecord(id: experiment, name: "again"))])
            }
            // The data stayed: another store on the same schema reads it, then drops the schema.
            try await TestDatabase.withPeer(of: store) { peer in
                #expect(try await peer.trackedExperiment(.id(experiment))?.name == "service")
                try await peer.dropSchema()
            }
        }

        @Test("cancelling the service's task stops the pool too")
        func stopsWhenCancelled() async throws {
            let store = try await Self.open()
            try await withThrowingTaskGroup(of: Void.self) { tasks in
                tasks.addTask { try await store.run() }
                _ = try await store.experiments()
                tasks.cancelAll()
                try await tasks.next()
            }
            await #expect(throws: StoreError.self) { try await store.experiments() }
            try await store.run()  // a second run returns at once, and the store stays closed
            await #expect(throws: StoreError.self) { try await store.experiments() }
            try await TestDatabase.withPeer(of: store) { try await $0.dropSchema() }
        }
    }
#endif
