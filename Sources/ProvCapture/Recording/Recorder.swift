import DequeModule
import Logging
public import ProvModel
public import ServiceLifecycle
import Synchronization

/// The capture pipeline: a non-blocking ``record(_:)`` into a bounded buffer, and a background loop (``run()``)
/// that delivers batches to a sink.
///
/// Run it as a `Service` in a `ServiceGroup`, or through ``ProvCapture/withSession(sink:experiment:configuration:logger:_:)``,
/// which runs the loop for the duration of a closure and flushes at the end. ``flush()`` delivers everything
/// recorded so far and returns when the sink has taken it.
public final class ProvRecorder: Service {
    private struct State {
        var buffer = Deque<ProvEvent>()
        var statistics = Statistics()
        var droppedSinceWarning = 0

        /// Appends one event under the overflow policy and counts what happens.
        /// - Returns: 1 when an event was dropped (the new one, or with drop-oldest the oldest), else 0.
        mutating func append(_ event: ProvEvent, capacity: Int, dropsNewest: Bool) -> Int {
            guard buffer.count >= capacity else {
                buffer.append(event)
                statistics.recorded += 1
                return 0
            }
            statistics.dropped += 1
            droppedSinceWarning += 1
            if !dropsNewest {
                buffer.removeFirst()
                buffer.append(event)
                statistics.recorded += 1
            }
            return 1
        }
    }

    public let configuration: Configuration
    private let sink: any ProvenanceEventSink
    let logger: Logger
    private let state: Mutex<State>
    private let wakeUp: AsyncStream<Void>.Continuation
    private let wakeUps: Mutex<AsyncStream<Void>?>
    /// Serializes deliveries so that batches reach the sink in recording order.
    private let delivery = DeliveryLock()

    /// Creates a recorder that delivers to `sink`.
    public init(sink: any ProvenanceEventSink, configuration: Configuration = .default, logger: Logger) {
        self.sink = sink
        self.configuration = configuration
        self.logger = logger
        var initial = State()
        initial.buffer.reserveCapacity(min(configuration.bufferCapacity, configuration.batchSize * 2))
        self.state = Mutex(initial)
        let (stream, continuation) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
        self.wakeUp = continuation
        self.wakeUps = Mutex(stream)
    }

    /// Records one event without waiting: it is buffered and delivered later.
    /// - Returns: `false` when the buffer was full and the event (or, with ``OverflowPolicy/dropOldest``, the
    ///   oldest buffered event) was dropped; the drop is counted.
    @discardableResult
    public func record(_ event: ProvEvent) -> Bool {
        record(event, capacity: configuration.bufferCapacity)
    }

    /// The events beyond ``Configuration/bufferCapacity`` kept for run ends and drop reports, so that a full
    /// buffer never loses the end of a run or the count of what it lost.
    public static let controlReserve = 1024

    /// Records an event that closes or reports on a run (a run end, the drop report), using the reserve.
    @discardableResult
    func recordControl(_ event: ProvEvent) -> Bool {
        record(event, capacity: configuration.bufferCapacity + Self.controlReserve)
    }

    private func record(_ event: ProvEvent, capacity: Int) -> Bool {
        enqueue { state, dropsNewest in state.append(event, capacity: capacity, dropsNewest: dropsNewest) } == 0
    }

    /// Records two events in order, without waiting, under one lock (the capture hot path: a run's start and
    /// its first relation). - Returns: how many were dropped.
    @discardableResult
    public func record(_ first: ProvEvent, _ second: ProvEvent) -> Int {
        let capacity = configuration.bufferCapacity
        return enqueue { state, dropsNewest in
            state.append(first, capacity: capacity, dropsNewest: dropsNewest)
                + state.append(second, capacity: capacity, dropsNewest: dropsNewest)
        }
    }

    /// Records several events in order, without waiting, under one lock. - Returns: how many were dropped.
    @discardableResult
    public func record(contentsOf events: [ProvEvent]) -> Int {
        let capacity = configuration.bufferCapacity
        return enqueue { state, dropsNewest in
            events.reduce(0) { $0 + state.append($1, capacity: capacity, dropsNewest: dropsNewest) }
        }
    }

    /// Runs `append` under the lock and wakes the delivery loop when the buffer reaches a full batch.
    /// - Returns: what `append` returns (the number of events dropped).
    private func enqueue(_ append: (inout State, Bool) -> Int) -> Int {
        let batch = configuration.batchSize
        let dropsNewest = configuration.overflowPolicy.dropsNewest
        let (dropped, wake) = state.withLock { state -> (Int, Bool) in
            let before = state.buffer.count
            let dropped = append(&state, dropsNewest)
            return (dropped, before < batch && state.buffer.count >= batch)
        }
        if wake { wakeUp.yield() }
        return dropped
    }

    /// What the recorder has done so far.
    public var statistics: Statistics {
        state.withLock { state in
            var statistics = state.statistics
            statistics.pending = state.buffer.count
            return statistics
        }
    }

    /// Delivers everything recorded so far and returns once the sink has taken it.
    /// - Throws: the sink's error when it still fails after the configured retries (the events stay buffered).
    public func flush() async throws {
        try await delivery.withLock {
            while true {
                let batch = takeBatch()
                if batch.isEmpty { return }
                try await deliver(batch)
            }
        }
    }

    /// The delivery loop: delivers when a batch is full or the flush interval has passed, until the task is
    /// cancelled or a graceful shutdown begins. After a graceful shutdown it delivers what is left; after a
    /// cancellation the owner must call ``flush()``.
    public func run() async throws {
        guard
            let stream = wakeUps.withLock({ stream -> AsyncStream<Void>? in
                defer { stream = nil }
                return stream
            })
        else {
            throw CaptureError("a recorder's run() can only be started once")
        }
        let interval = configuration.flushInterval
        let wakeUp = self.wakeUp
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                // The ticker: wake the loop every interval.
                while !Task.isCancelled {
                    try? await Task.sleep(for: interval)
                    wakeUp.yield()
                }
            }
            group.addTask {
                await withGracefulShutdownHandler {
                    for await _ in stream.cancelOnGracefulShutdown() {
                        do {
                            try await self.flush()
                        } catch {
                            self.logger.warning(
                                "capture.delivery_failed", metadata: ["error": "\(error)"])
                        }
                        self.warnAboutDrops()
                    }
                } onGracefulShutdown: {
                    wakeUp.finish()
                }
            }
            // Either child ends only when cancelled or shut down; then stop the other.
            await group.next()
            group.cancelAll()
            wakeUp.finish()
        }
        // On a graceful shutdown, deliver what is left. When the task was cancelled instead, the owner flushes
        // (a cancelled task cannot write to most sinks); ProvCapture.withSession does.
        guard !Task.isCancelled else { return }
        do {
            try await flush()
        } catch {
            logger.error(
                "capture.final_flush_failed",
                metadata: ["error": "\(error)", "capture.pending": "\(statistics.pending)"])
            throw error
        }
        warnAboutDrops()
    }

    private func takeBatch() -> [ProvEvent] {
        state.withLock { state in
            guard !state.buffer.isEmpty else { return [] }
            let count = min(state.buffer.count, configuration.batchSize)
            let batch = Array(state.buffer.prefix(count))
            state.buffer.removeFirst(count)
            return batch
        }
    }

    private func deliver(_ batch: [ProvEvent]) async throws {
        var wait = Duration.milliseconds(100)
        var attempt = 0
        while true {
            do {
                try await sink.ingest(batch)
                state.withLock { $0.statistics.delivered += batch.count }
                return
            } catch {
                attempt += 1
                guard attempt <= configuration.deliveryRetries, !Task.isCancelled else {
                    // Put the batch back at the front, so that nothing is lost and order is kept.
                    state.withLock { state in
                        state.statistics.failedDeliveries += 1
                        state.buffer.prepend(contentsOf: batch)
                    }
                    throw error
                }
                logger.debug("capture.delivery_retry", metadata: ["attempt": "\(attempt)", "error": "\(error)"])
                try? await Task.sleep(for: wait)
                wait *= 2
            }
        }
    }

    private func warnAboutDrops() {
        let dropped = state.withLock { state -> Int in
            defer { state.droppedSinceWarning = 0 }
            return state.droppedSinceWarning
        }
        if dropped > 0 {
            logger.warning(
                "capture.events_dropped",
                metadata: [
                    "capture.dropped": "\(dropped)", "capture.policy": "\(configuration.overflowPolicy)",
                    "capture.buffer_capacity": "\(configuration.bufferCapacity)",
                ])
        }
    }
}

/// An async mutual exclusion for deliveries (one batch at a time, in order).
final class DeliveryLock: Sendable {
    private let state = Mutex<(locked: Bool, waiters: [CheckedContinuation<Void, Never>])>((false, []))

    func withLock<T: Sendable>(_ body: () async throws -> T) async throws -> T {
        await acquire()
        defer { release() }
        return try await body()
    }

    private func acquire() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let acquired = state.withLock { state -> Bool in
                if state.locked {
                    state.waiters.append(continuation)
                    return false
                }
                state.locked = true
                return true
            }
            if acquired { continuation.resume() }
        }
    }

    private func release() {
        let next = state.withLock { state -> CheckedContinuation<Void, Never>? in
            if state.waiters.isEmpty {
                state.locked = false
                return nil
            }
            return state.waiters.removeFirst()
        }
        next?.resume()
    }
}

/// A capture failure; the message says what to fix.
public struct CaptureError: Error, CustomStringConvertible, Sendable {
    public var description: String

    public init(_ description: String) {
        self.description = description
    }
}
