#if Postgres
    import ProvStore
    import Synchronization

    /// Where a store's service is in its life: not started yet, running, or stopped for good.
    ///
    /// Calls made before the service starts wait for it (``waitUntilRunning()``), so that an owner may open a store,
    /// hand it to its users and start its service in the same `ServiceGroup`; calls made after it stopped fail with
    /// ``closed`` instead of waiting on a pool that is gone.
    final class ServicePhase: Sendable {
        private enum Phase {
            case starting(waiting: [Int: CheckedContinuation<Void, any Error>], next: Int)
            case running
            case stopped
        }

        private let phase = Mutex(Phase.starting(waiting: [:], next: 0))
        /// The error of a call made after the service stopped.
        let closed: StoreError

        init(closed: StoreError) {
            self.closed = closed
        }

        /// Whether the service has stopped.
        var hasStopped: Bool {
            phase.withLock { if case .stopped = $0 { true } else { false } }
        }

        /// The service runs: the calls waiting for it go on. Returns `false` (and changes nothing) when it had
        /// started before.
        func start() -> Bool {
            let waiting = phase.withLock { phase -> [CheckedContinuation<Void, any Error>]? in
                guard case .starting(let waiting, _) = phase else { return nil }
                phase = .running
                return Array(waiting.values)
            }
            guard let waiting else { return false }
            for continuation in waiting { continuation.resume() }
            return true
        }

        /// The service has stopped: the calls waiting for it fail with ``closed``, and so does every later call.
        func stop() {
            let waiting = phase.withLock { phase -> [CheckedContinuation<Void, any Error>] in
                defer { phase = .stopped }
                guard case .starting(let waiting, _) = phase else { return [] }
                return Array(waiting.values)
            }
            for continuation in waiting { continuation.resume(throwing: closed) }
        }

        /// Returns once the service runs.
        /// - Throws: ``closed`` once it has stopped; `CancellationError` when the caller is cancelled first.
        func waitUntilRunning() async throws {
            let ticket = Mutex<Int?>(nil)
            try await withTaskCancellationHandler {
                try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                    let outcome = phase.withLock { phase -> Result<Void, any Error>? in
                        switch phase {
                        case .running: return .success(())
                        case .stopped: return .failure(closed)
                        case .starting(var waiting, let next):
                            if Task.isCancelled { return .failure(CancellationError()) }
                            waiting[next] = continuation
                            phase = .starting(waiting: waiting, next: next + 1)
                            ticket.withLock { $0 = next }
                            return nil
                        }
                    }
                    if let outcome { continuation.resume(with: outcome) }
                }
            } onCancel: {
                let continuation = phase.withLock { phase -> CheckedContinuation<Void, any Error>? in
                    guard case .starting(var waiting, let next) = phase, let id = ticket.withLock({ $0 }) else {
                        return nil
                    }
                    let continuation = waiting.removeValue(forKey: id)
                    phase = .starting(waiting: waiting, next: next)
                    return continuation
                }
                continuation?.resume(throwing: CancellationError())
            }
        }
    }
#endif
