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
/// The writer never waits on the store without bound: a write that takes longer than ``Limits/writeTimeout`` fails
/// its requests with ``StoreError`` `.unavailable` (HTTP 503) and the writer goes on with the next batches (the store
/// call is abandoned: its outcome is unknown, as the error says).
///
/// It is a `Service`: it runs in the application's service group and, on graceful shutdown, writes what is queued
/// before it returns (the HTTP server, which shuts down first, has finished its requests by then) — for at most
/// ``Limits/drainTimeout``; what is left then fails with `.unavailable`. When its task is cancelled it fails what is
/// queued and returns at once.
public final class GroupCommitWriter: Service, Sendable {
    /// How long the writer waits on the store.
    public struct Limits: Sendable {
        /// The longest one transaction may take before its requests fail with `.unavailable`. Default 600 s: a
        /// last resort, longer than the stores' own limits (``ProvenanceStore`` implementations bound their waits).
        public var writeTimeout: Duration = .seconds(600)
        /// On graceful shutdown, how long queued batches may still take to be written. Default 30 s.
        public var drainTimeout: Duration = .seconds(30)

        /// The defaults.
        public init() {}
    }

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
        /// Once shutting down: when the writer stops waiting on the store.
        var drainDeadline: ContinuousClock.Instant?
        /// The watchdog of the write in progress, if any (shutdown shortens its time).
        var current: Watchdog?
    }

    private let store: any ProvenanceStore
    private let logger: Logger
    private let state = Mutex(State())
    /// The most batches one transaction takes.
    private let maximumGroup: Int
    private let limits: Limits

    /// - Parameters:
    ///   - store: where the batches go.
    ///   - maximumGroup: the most batches one transaction takes (default 256).
    ///   - limits: how long the writer waits on the store.
    public init(store: any ProvenanceStore, maximumGroup: Int = 256, limits: Limits = Limits(), logger: Logger) {
        self.store = store
        self.logger = logger
        self.maximumGroup = max(1, maximumGroup)
        self.limits = limits
    }

    /// The error of a batch the writer no longer takes or no longer waits for because the server is stopping.
    private static let shuttingDown = StoreError(.unavailable, "the server is shutting down; try again later")

    /// Stores `events` all or nothing and returns once they are durable.
    /// - Parameter key: the client's idempotency key for the batch: a batch with a key already stored is not
    ///   applied again (``ProvenanceStore/ingest(keyedBatches:)``).
    /// - Throws: ``IngestError`` when the batch was refused, ``StoreError`` when the store failed: `.unavailable`
    ///   when the database could not be reached or did not answer in time, or the server is shutting down.
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
                continuation.resume(throwing: Self.shuttingDown)
            }
        }
    }

    public func run() async throws {
        await withTaskCancellationHandler {
            await withGracefulShutdownHandler {
                while let group = await nextGroup() {
                    await write(group)
                }
            } onGracefulShutdown: {
                self.close(drainingFor: self.limits.drainTimeout)
            }
        } onCancel: {
            self.close(drainingFor: .zero)
        }
        logger.debug("writer.stopped")
    }

    /// Takes no more batches, and gives the queued ones and the write in progress `duration` more.
    private func close(drainingFor duration: Duration) {
        let (waiter, current) = state.withLock { state -> (CheckedContinuation<Void, Never>?, Watchdog?) in
            state.closed = true
            let deadline = ContinuousClock.now + duration
            state.drainDeadline = min(state.drainDeadline ?? deadline, deadline)
            let waiter = state.waiter
            state.waiter = nil
            return (waiter, state.current)
        }
        waiter?.resume()
        current?.reset(duration, failing: Self.shuttingDown)
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

    /// How long the next write may take: ``Limits/writeTimeout``, or what is left of the drain once shutting down
    /// (`nil` when nothing is).
    private func timeLeft() -> Duration? {
        state.withLock { state in
            guard let deadline = state.drainDeadline else { return limits.writeTimeout }
            let left = deadline - .now
            return left > .zero ? min(left, limits.writeTimeout) : nil
        }
    }

    private func write(_ group: [Pending]) async {
        guard let timeout = timeLeft() else {
            for pending in group { pending.continuation.resume(throwing: Self.shuttingDown) }
            return
        }
        let store = store
        do {
            let results = try await Watchdog.run(
                timeout: timeout,
                failing: StoreError(
                    .unavailable,
                    "the store did not finish a write within \(timeout), so whether it was "
                        + "stored is unknown; try again later")
            ) { [self] watchdog in
                state.withLock { $0.current = watchdog }
                // Shutdown may have begun before the watchdog was known.
                if let left = timeLeft(), left < timeout { watchdog.reset(left, failing: Self.shuttingDown) }
                return if group.contains(where: { $0.key != nil }) {
                    try await store.ingest(keyedBatches: group.map { KeyedBatch(events: $0.events, key: $0.key) })
                } else {
                    try await store.ingest(batches: group.map(\.events))
                }
            }
            state.withLock { $0.current = nil }
            for (pending, result) in zip(group, results) {
                pending.continuation.resume(with: result.mapError { $0 as any Error })
            }
            if results.count < group.count {
                for pending in group[results.count...] {
                    pending.continuation.resume(throwing: StoreError(.backend, "the store lost a batch"))
                }
            }
        } catch {
            state.withLock { $0.current = nil }
            let error = error is CancellationError ? Self.shuttingDown : error
            logger.info("writer.failed", metadata: ["batches": "\(group.count)", "error": "\(error)"])
            for pending in group {
                pending.continuation.resume(throwing: error)
            }
        }
    }
}
