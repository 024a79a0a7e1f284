import Logging
import ProvStore
import ProvTesting
import Testing

/// The store conformance suite on the pure Swift in-memory store.
@Suite("In-memory store conformance")
struct InMemoryConformanceTests {
    @Test("in memory", arguments: StoreConformance.checks)
    func conformance(_ check: StoreConformanceCheck) async throws {
        try await check.run(InMemoryStore(logger: Logger(label: "provkit.test.memory")))
    }
}
