import Logging
public import ProvModel
public import ProvStore
public import ServiceLifecycle
import Synchronization

/// Writes the server's event batches into the store with group commit: batches that arrive while a transaction is
/// being committed wait, and the next transaction takes all of them at once, each in its own savepoint
/// (``ProvenanceStore/ingest(batches:)``).
///
/// Why: a durable commit costs one disk sync (about 5 ms on the machines measured), which would cap the server at
/// ~200 writes per second if every request committed alone. Grouping keeps every acknowledged write durable — a
/// request is answered only after the transaction holding its batch committed — while concurrent clients (MLflow's
/// asynchronous logging sends ten requests at once) share one sync. A lone client pays no extra wait: the writer
/// starts a transaction as soon as a batch arrives. One refused batch (a changed parameter, an unknown run) fails
/// only its own request.
///
/// It is a `Service`: it runs in the application's service group and, on graceful shutdown, writes what is queued
/// before it returns (the HTTP server, which shuts down first, has finished its requests by then).
public final class GroupCommitWriter: Service, Sendable {
    private struct Pending {
        let events: [ProvEvent]
        let key: String?
        let continuation: CheckedContinuation<IngestSummary, any Error>
    }

    private struct State {
        var queue: [Pending] = []
        /// The writer loop, while it waits for work.
        var waiter: CheckedContinuation<Void, Never>?
        var closed = false
    }

    private let store: any ProvenanceStore
    private let logger: Logger
    private let state = Mutex(State())
    /// The most batches one transaction takes.
    private let maximumGroup: Int

    /// - Parameters:
    ///   - store: where the batches go.
    ///   - maximumGroup: the most batches one transaction takes (default 256).
    public init(store: any ProvenanceStore, maximumGroup: Int = 256, logger: Logger) {
        self.store = store
        self.logger = logger
        self.maximumGroup = max(1, maximumGroup)
    }

    /// Stores `events` all or nothing and returns once they are durable.
    /// - Parameter key: the client's idempotency key for the batch: a batch with a key already stored is not
    ///   applied again (``ProvenanceStore/ingest(keyedBatches:)``).
    /// - Throws: ``IngestError`` when the batch was refused, ``StoreError`` when the store failed, or
    ///   ``StoreError`` `.backend` when the server is shutting down.
    public func submit(_ events: [ProvEvent], key: String? = nil) async throws -> IngestSummary {
        guard !events.isEmpty else { return IngestSummary() }
        return try await withCheckedThrowingContinuation { continuation in
            let (accepted, waiter) = state.withLock { state -> (Bool, CheckedContinuation<Void, Never>?) in
                guard !state.closed else { return (false, nil) }
                state.queue.append(Pending(events: events, key: key, continuation: continuation))
                let waiter = state.waiter
                state.waiter = nil
                return (true, waiter)
            }
            if accepted {
                waiter?.resume()
            } else {
                continuation.resume(throwing: StoreError(.backend, "the server is shutting down; try again later"))
            }
        }
    }

    public func run() async throws {
        await withGracefulShutdownHandler {
            while let group = await nextGroup() {
                await write(group)
            }
        } onGracefulShutdown: {
            let waiter = self.state.withLock { state -> CheckedContinuation<Void, Never>? in
                state.closed = true
                let waiter = state.waiter
                state.waiter = nil
                return waiter
            }
            waiter?.resume()
        }
        logger.debug("writer.stopped")
    }

    /// Waits for queued batches; `nil` once the writer is closed and the queue is empty.
    private func nextGroup() async -> [Pending]? {
        while true {
            enum Step {
                case work([Pending])
                case finished
                case wait
            }
            let step = state.withLock { state -> Step in
                if !state.queue.isEmpty {
                    let count = min(state.queue.count, maximumGroup)
                    let group = Array(state.queue.prefix(count))
                    state.queue.removeFirst(count)
                    return .work(group)
                }
                return state.closed ? .finished : .wait
            }
            switch step {
            case .work(let group): return group
            case .finished: return nil
            case .wait:
                await withCheckedContinuation { continuation in
                    let resumeNow = state.withLock { state -> Bool in
                        if !state.queue.isEmpty || state.closed { return true }
                        state.waiter = continuation
                        return false
                    }
                    if resumeNow { continuation.resume() }
                }
            }
        }
    }

    private func write(_ group: [Pending]) async {
        do {
            let results =
                if group.contains(where: { $0.key != nil }) {
                    try await store.ingest(keyedBatches: group.map { KeyedBatch(events: $0.events, key: $0.key) })
                } else {
                    try await store.ingest(batches: group.map(\.events))
                }
            for (pending, result) in zip(group, results) {
                pending.continuation.resume(with: result.mapError { $0 as any Error })
            }
            if results.count < group.count {
                for pending in group[results.count...] {
                    pending.continuation.resume(throwing: StoreError(.backend, "the store lost a batch"))
                }
            }
        } catch {
            logger.info("writer.failed", metadata: ["batches": "\(group.count)", "error": "\(error)"])
            for pending in group {
                pending.continuation.resume(throwing: error)
            }
        }
    }
}
