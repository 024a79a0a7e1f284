import Logging
import ProvModel
import ProvStore

/// What every controller works with: the store, its group-commit writer, the configuration, and the injected clock
/// and id generator (tests make them deterministic).
struct ServerDependencies: Sendable {
    let store: any ProvenanceStore
    let writer: GroupCommitWriter
    let configuration: ServerConfiguration
    let ids: any ProvIDGenerator
    let clock: @Sendable () -> ProvTime
    let logger: Logger

    /// Stores events durably (through the group-commit writer) and returns what was stored.
    @discardableResult
    func write(_ events: [ProvEvent], key: String? = nil) async throws -> IngestSummary {
        try await writer.submit(events, key: key)
    }
}
