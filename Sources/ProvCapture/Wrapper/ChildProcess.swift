import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Runs a command as a child process for `provkit run`: its output is passed through unchanged while it is
/// counted (and its tail kept), SIGINT and SIGTERM sent to the wrapper are forwarded to it, and its exit status and
/// resource usage are collected when it ends.
public final class ChildProcess: Sendable {
    /// How the child ended.
    public struct Termination: Hashable, Sendable {
        /// The exit code; for a child ended by a signal, 128 + the signal number (as shells report it).
        public var exitCode: Int32
        /// The signal that ended the child, if one did.
        public var signal: Int32?
        /// CPU time of the child and its waited-for descendants, in seconds.
        public var userSeconds: Double
        public var systemSeconds: Double
        /// The largest resident set of the child or a waited-for descendant, in bytes.
        public var peakResidentBytes: Double
        public var standardOutputBytes: Int
        public var standardErrorBytes: Int
        /// The last bytes written to each stream, when a tail was asked for.
        public var standardOutputTail: String
        public var standardErrorTail: String
    }

    /// The child's process id.
    public let processID: pid_t
    private let outputRelay: OutputRelay
    private let errorRelay: OutputRelay

    /// Starts `arguments[0]` (looked up on `PATH` unless it contains a `/`) with `arguments`, in the current
    /// directory, with `environment`, keeping the last `tailBytes` of each output stream.
    /// - Throws: ``CaptureError`` when the command cannot be started.
    public init(arguments: [String], environment: [String: String], tailBytes: Int) throws {
        guard let command = arguments.first, !command.isEmpty else { throw CaptureError("no command to run") }
        let executable = command.contains("/") ? command : GPUTelemetryCollector.find(command)
        guard let executable else {
            throw CaptureError("command not found: \(command) (not on PATH)")
        }
        var outputPipe: [Int32] = [0, 0]
        var errorPipe: [Int32] = [0, 0]
        guard pipe(&outputPipe) == 0, pipe(&errorPipe) == 0 else {
            throw CaptureError("cannot create pipes: \(String(cString: strerror(errno)))")
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, outputPipe[1], 1)
        posix_spawn_file_actions_adddup2(&actions, errorPipe[1], 2)
        for descriptor in outputPipe + errorPipe {
            posix_spawn_file_actions_addclose(&actions, descriptor)
        }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // The child starts with default signal dispositions even though the wrapper handles SIGINT and SIGTERM.
        var defaults = sigset_t()
        sigemptyset(&defaults)
        sigaddset(&defaults, SIGINT)
        sigaddset(&defaults, SIGTERM)
        sigaddset(&defaults, SIGPIPE)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigmask(&attributes, &empty)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))

        let argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        let envp: [UnsafeMutablePointer<CChar>?] = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for pointer in argv + envp { free(pointer) }
        }
        var pid: pid_t = 0
        fflush(nil)  // what the wrapper printed comes before what the child prints (nil flushes every stream)
        let status = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
        close(outputPipe[1])
        close(errorPipe[1])
        guard status == 0 else {
            close(outputPipe[0])
            close(errorPipe[0])
            throw CaptureError("cannot start \(command): \(String(cString: strerror(status)))")
        }
        processID = pid
        outputRelay = OutputRelay(from: outputPipe[0], to: 1, tailBytes: tailBytes)
        errorRelay = OutputRelay(from: errorPipe[0], to: 2, tailBytes: tailBytes)
        SignalForwarding.install(child: pid)
    }

    /// Waits for the child to end (off the cooperative thread pool) and returns how it ended.
    public func wait() async -> Termination {
        let pid = processID
        let (status, usage) = await withCheckedContinuation { continuation in
            Thread.detachNewThread {
                var status: Int32 = 0
                var usage = rusage()
                while wait4(pid, &status, 0, &usage) < 0 && errno == EINTR {}
                continuation.resume(returning: (status, usage))
            }
        }
        SignalForwarding.uninstall()
        let output = await outputRelay.finish()
        let error = await errorRelay.finish()
        // WIFSIGNALED / WEXITSTATUS by hand (the macros are not imported into Swift).
        let signal = status & 0x7F
        let exited = signal == 0
        return Termination(
            exitCode: exited ? (status >> 8) & 0xFF : 128 + signal, signal: exited ? nil : signal,
            userSeconds: Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6,
            systemSeconds: Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6,
            peakResidentBytes: Double(usage.ru_maxrss) * 1024, standardOutputBytes: output.bytes,
            standardErrorBytes: error.bytes, standardOutputTail: output.tail, standardErrorTail: error.tail)
    }
}

/// Copies one of the child's output pipes to the wrapper's own stream, counting bytes and keeping a tail.
final class OutputRelay: Sendable {
    private let result = Mutex<(bytes: Int, tail: [UInt8], done: Bool, waiters: [CheckedContinuation<Void, Never>])>(
        (0, [], false, []))

    init(from source: Int32, to destination: Int32, tailBytes: Int) {
        Thread.detachNewThread { [self] in
            var buffer = [UInt8](repeating: 0, count: 65536)
            while true {
                let count = buffer.withUnsafeMutableBytes { read(source, $0.baseAddress, 65536) }
                if count < 0 && errno == EINTR { continue }
                if count <= 0 { break }
                var offset = 0
                while offset < count {
                    let written = buffer.withUnsafeBytes {
                        write(destination, $0.baseAddress! + offset, count - offset)
                    }
                    if written < 0 && errno == EINTR { continue }
                    if written <= 0 { break }  // our own stream is gone; keep draining the child
                    offset += written
                }
                result.withLock { state in
                    state.bytes += count
                    if tailBytes > 0 {
                        state.tail += buffer[0..<count]
                        if state.tail.count > tailBytes { state.tail.removeFirst(state.tail.count - tailBytes) }
                    }
                }
            }
            close(source)
            let waiters = result.withLock { state -> [CheckedContinuation<Void, Never>] in
                state.done = true
                defer { state.waiters = [] }
                return state.waiters
            }
            for waiter in waiters { waiter.resume() }
        }
    }

    /// Waits until the pipe is closed (every process holding it ended) and returns the count and the tail.
    func finish() async -> (bytes: Int, tail: String) {
        await withCheckedContinuation { continuation in
            let done = result.withLock { state -> Bool in
                if !state.done { state.waiters.append(continuation) }
                return state.done
            }
            if done { continuation.resume() }
        }
        return result.withLock { ($0.bytes, String(decoding: $0.tail, as: UTF8.self)) }
    }
}

/// Forwards SIGINT and SIGTERM sent to the wrapper (by `kill`, a scheduler, a container runtime) to the child.
///
/// A signal from the terminal (Ctrl-C) already reaches every process of the foreground group, the child
/// included, so it is not sent a second time: only signals with `si_code` `SI_USER`/`SI_QUEUE` are forwarded.
enum SignalForwarding {
    nonisolated(unsafe) static var child: pid_t = 0  // written before handlers are installed; read in the handler

    static func install(child pid: pid_t) {
        child = pid
        for signal in [SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2] {
            var action = sigaction()
            action.sa_flags = SA_SIGINFO | SA_RESTART
            action.__sigaction_handler.sa_sigaction = { signal, info, _ in
                let code = info?.pointee.si_code ?? Int32(SI_USER)
                if code <= 0 && SignalForwarding.child > 0 {  // SI_USER (0), SI_QUEUE (-1), ...: sent by a process
                    kill(SignalForwarding.child, signal)
                }
            }
            sigemptyset(&action.sa_mask)
            sigaction(signal, &action, nil)
        }
    }

    static func uninstall() {
        for signal in [SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2] {
            Glibc.signal(signal, SIG_DFL)
        }
        child = 0
    }
}
