import Synchronization

/// Waiting, with a limit, for work that might never finish.
///
/// Some awaits cannot be cancelled — a statement written to a database connection that has just closed may never be
/// answered — and a task group waits for all of its children, so racing such work against a timer in a task group
/// would hang with it. ``run(timeout:failing:interval:_:)`` runs the work in a task of its own instead and stops
/// *waiting* for it when its time is up, when a condition it watches reports a failure, or when the caller is
/// cancelled: the work is then cancelled and left to finish (or not) on its own, and its late result is dropped.
///
/// The work receives the watchdog and may move its deadline (``reset(_:failing:)``), add conditions
/// (``watch(_:)``, checked a few times a second) and say how to release what it holds if the wait ends first
/// (``onGiveUp(_:)``, such as closing its connection).
public final class Watchdog: Sendable {
    private struct State {
        var expiry: ContinuousClock.Instant
        var expiryError: any Error
        var checks: [@Sendable () -> (any Error)?] = []
        var giveUpActions: [@Sendable () -> Void] = []
        var gaveUp = false
    }

    private let state: Mutex<State>

    private init(timeout: Duration, error: any Error) {
        state = Mutex(State(expiry: .now + timeout, expiryError: error))
    }

    /// Gives the work `duration` from now (more or less than it had), after which the wait fails with `error`.
    public func reset(_ duration: Duration, failing error: any Error) {
        state.withLock {
            $0.expiry = .now + duration
            $0.expiryError = error
        }
    }

    /// Adds a condition checked a few times a second while the work runs: the first error it returns ends the wait
    /// with that error.
    public func watch(_ check: @escaping @Sendable () -> (any Error)?) {
        state.withLock { $0.checks.append(check) }
    }

    /// Adds an action run once if the wait ends before the work does (it runs at once if that has happened).
    public func onGiveUp(_ action: @escaping @Sendable () -> Void) {
        let runNow = state.withLock { state -> Bool in
            if state.gaveUp { return true }
            state.giveUpActions.append(action)
            return false
        }
        if runNow { action() }
    }

    /// Runs `operation` in a task of its own and returns its result, or throws as soon as `timeout` has passed
    /// (`error`, unless the work moved its deadline), a watched condition failed (its error) or the calling task was
    /// cancelled (`CancellationError`).
    /// - Parameter interval: how often the deadline and the conditions are checked.
    public static func run<T: Sendable>(
        timeout: Duration, failing error: any Error, interval: Duration = .milliseconds(200),
        _ operation: @escaping @Sendable (Watchdog) async throws -> T
    ) async throws -> T {
        let watchdog = Watchdog(timeout: timeout, error: error)
        let outcome = Outcome<T>()
        let work = Task {
            do {
                outcome.finish(.success(try await operation(watchdog)))
            } catch {
                outcome.finish(.failure(error))
            }
        }
        let timer = Task {
            while !Task.isCancelled {
                if let failure = watchdog.failure() {
                    if outcome.finish(.failure(failure)) {
                        watchdog.giveUp()
                        work.cancel()
                    }
                    return
                }
                try? await Task.sleep(for: interval)
            }
        }
        defer { timer.cancel() }
        return try await withTaskCancellationHandler {
            try await outcome.wait()
        } onCancel: {
            if outcome.finish(.failure(CancellationError())) {
                watchdog.giveUp()
                work.cancel()
            }
        }
    }

    /// Why the wait should end now, if it should.
    private func failure() -> (any Error)? {
        let (expired, error, checks) = state.withLock { ($0.expiry <= .now, $0.expiryError, $0.checks) }
        if expired { return error }
        for check in checks {
            if let failure = check() { return failure }
        }
        return nil
    }

    private func giveUp() {
        let actions = state.withLock { state -> [@Sendable () -> Void] in
            state.gaveUp = true
            defer { state.giveUpActions = [] }
            return state.giveUpActions
        }
        for action in actions { action() }
    }
}

/// The result of a ``Watchdog``'s work, decided once: by the work, the timer or the caller's cancellation.
private final class Outcome<T: Sendable>: Sendable {
    private enum State {
        case pending
        case waiting(CheckedContinuation<T, any Error>)
        case finished(Result<T, any Error>)
        case delivered
    }

    private let state = Mutex(State.pending)

    /// Decides the outcome unless it is decided already; whether this call decided it.
    @discardableResult
    func finish(_ result: Result<T, any Error>) -> Bool {
        let (decided, waiter) = state.withLock { state -> (Bool, CheckedContinuation<T, any Error>?) in
            switch state {
            case .pending:
                state = .finished(result)
                return (true, nil)
            case .waiting(let continuation):
                state = .delivered
                return (true, continuation)
            case .finished, .delivered:
                return (false, nil)
            }
        }
        waiter?.resume(with: result)
        return decided
    }

    /// Waits for the outcome.
    func wait() async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            let ready = state.withLock { state -> Result<T, any Error>? in
                if case .finished(let result) = state {
                    state = .delivered
                    return result
                }
                state = .waiting(continuation)
                return nil
            }
            if let ready { continuation.resume(with: ready) }
        }
    }
}
