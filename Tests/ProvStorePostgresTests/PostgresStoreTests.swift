import Foundation
import Logging
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
        print("skipping PostgreSQL tests: set PROVKIT_TEST_POSTGRES_URL (scripts/test.sh starts a throwaway cluster)")
        return false
    }

    static func requireURL() throws -> String {
        guard let url else {
            throw StoreError(.cannotOpen, "PROVKIT_TEST_POSTGRES_URL is not set, and CI=true requires the PostgreSQL tests")
        }
        return url
    }

    /// A store in a schema of its own, dropped by `body`'s end.
    static func withStore<T>(
        _ label: String = "test", _ body: (PostgresStore) async throws -> T
    ) async throws -> T {
        var configuration = PostgresStore.Configuration()
        configuration.schema = "t_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        var logger = Logger(label: "provkit.test.postgres")
        logger.logLevel = .warning
        let store = try await PostgresStore.open(try requireURL(), configuration: configuration, logger: logger)
        do {
            let value = try await body(store)
            try await store.dropSchema()
            store.close()
            return value
        } catch {
            try? await store.dropSchema()
            store.close()
            throw error
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
