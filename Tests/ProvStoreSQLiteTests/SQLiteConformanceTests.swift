import Logging
import ProvStoreSQLite
import ProvTesting
import Testing

/// The store conformance suite, on an in-memory store and on a store in a file.
@Suite("SQLite store conformance")
struct SQLiteConformanceTests {
    @Test("in memory", arguments: StoreConformance.checks)
    func inMemory(_ check: StoreConformanceCheck) async throws {
        let store = try SQLiteStore.inMemory(logger: Logger(label: "provkit.test.sqlite"))
        try await check.run(store)
    }

    @Test("in a file", arguments: StoreConformance.checks)
    func inFile(_ check: StoreConformanceCheck) async throws {
        let folder = try TemporaryDirectory(prefix: "provkit-sqlite-conformance")
        defer { folder.remove() }
        let store = try SQLiteStore(path: folder.path("store.sqlite"), logger: Logger(label: "provkit.test.sqlite"))
        try await check.run(store)
    }
}
