import Foundation
import ProvModel

/// Captures one run of an arbitrary program (`provkit run -- CMD ARGS...`): the command, its environment and
/// platform, declared inputs (hashed, `used`) and outputs (hashed, `generated`), telemetry of its whole process
/// tree (start, end and every `interval`), its exit status, duration and output sizes.
public struct CommandCapture: Sendable {
    /// What to capture.
    public struct Options: Sendable {
        public var arguments: [String]
        public var runName: String?
        public var inputs: [String] = []
        public var outputs: [String] = []
        /// Seconds between periodic telemetry samples; 0 disables them (start and end samples are always taken).
        public var interval: Double = 2
        /// Bytes of the end of standard output and standard error to record as tags (`stdout_tail`,
        /// `stderr_tail`); 0 records none.
        public var tailBytes: Int = 0
        /// Variables added to the child's environment (the MLflow endpoint, say).
        public var extraEnvironment: [String: String] = [:]
        /// Record Python's version and packages: `nil` decides from the command (`python`, `python3`, `*.py`).
        public var python: Bool? = nil
        /// Sample GPUs through nvidia-smi when it is present.
        public var gpuTelemetry = true

        public init(arguments: [String]) {
            self.arguments = arguments
        }
    }

    public let capture: ProvCapture
    public let options: Options

    public init(capture: ProvCapture, options: Options) {
        self.capture = capture
        self.options = options
    }

    /// Whether a command line runs Python.
    public static func isPython(_ arguments: [String]) -> Bool {
        guard let first = arguments.first else { return false }
        let program = first.split(separator: "/").last.map(String.init) ?? first
        return program.hasPrefix("python") || program.hasSuffix(".py")
            || (["uv", "poetry", "conda", "pipenv"].contains(program) && arguments.contains { $0.hasPrefix("python") })
    }

    /// Runs the command and records it; returns how it ended. The run is recorded even when the command cannot
    /// be started (status `failed`, tag `provkit.error`).
    /// - Parameter run: the run to record into (already started by the caller, so that its id can be handed to
    ///   the child).
    public func execute(run: RunScope) async throws -> ChildProcess.Termination {
        let clock = capture.clock
        let started = clock()
        run.tag(
            "command", CredentialRedactor.redact(arguments: options.arguments).map(Self.shellQuoted).joined(separator: " "))
        run.tag("working_directory", FileManager.default.currentDirectoryPath)
        for input in options.inputs {
            try run.used(path: input, role: "input")
        }
        let usesPython = options.python ?? Self.isPython(options.arguments)
        // Ask the interpreter the program runs with (a virtual environment's python, say), not the first on PATH.
        let program = options.arguments.first ?? ""
        let programName = program.split(separator: "/").last.map(String.init) ?? program
        let interpreter: String? =
            programName.hasPrefix("python")
            ? (program.contains("/") ? program : GPUTelemetryCollector.find(program)) : nil
        let gpu = options.gpuTelemetry ? GPUTelemetryCollector() : GPUTelemetryCollector(executable: "/nonexistent")
        var environment = ProcessInfo.processInfo.environment
        for (key, value) in options.extraEnvironment { environment[key] = value }

        let child: ChildProcess
        do {
            child = try ChildProcess(
                arguments: options.arguments, environment: environment, tailBytes: options.tailBytes)
        } catch {
            run.tag("provkit.error", CredentialRedactor.redact(String(describing: error)))
            run.end(status: .failed)
            throw error
        }
        let processCollector = ProcessTelemetryCollector(processID: child.processID, includeDescendants: true)
        let host = HostTelemetryCollector()
        _ = host.readings()  // prime the CPU counters so that the first periodic sample has utilization
        let sampleGPU = options.gpuTelemetry && gpu.executable != nil
        let sample: @Sendable (TelemetryPhase) -> Void = { phase in
            var values = processCollector.readings()
            values.merge(host.readings()) { first, _ in first }
            if sampleGPU {
                values.merge(gpu.snapshot(run: run.id, phase: phase, time: clock()).values) { first, _ in first }
            }
            run.log(telemetry: values, phase: phase)
        }
        sample(.start)

        let interval = options.interval
        let capture = self.capture
        let childEnvironment = environment
        let termination = await withTaskGroup(of: ChildProcess.Termination?.self) { group in
            // The environment report can take seconds (pip list): collect it while the child runs.
            group.addTask {
                let report = EnvironmentCollector(
                    includePython: usesPython, pythonExecutable: interpreter, gpuCollector: gpu
                ).collect(environment: childEnvironment)
                capture.recorder.record(contentsOf: report.events(run: run.id, ids: capture.ids, time: clock()))
                return nil
            }
            if interval > 0 {
                group.addTask {
                    while !Task.isCancelled {
                        try? await Task.sleep(for: .milliseconds(Int64(saturating: interval * 1000)))
                        if Task.isCancelled { break }
                        sample(.periodic)
                    }
                    return nil
                }
            }
            group.addTask { await child.wait() }
            var result: ChildProcess.Termination? = nil
            while let next = await group.next() {
                if let next {
                    result = next
                    group.cancelAll()  // stop the sampler; the environment report finishes on its own
                }
            }
            return result!
        }
        let ended = clock()
        var final: [String: Double] = [
            "process_cpu_time_user": termination.userSeconds, "process_cpu_time_system": termination.systemSeconds,
            "process_peak_rss_bytes": termination.peakResidentBytes,
        ]
        final.merge(host.readings()) { first, _ in first }
        if sampleGPU {
            final.merge(gpu.snapshot(run: run.id, phase: .end, time: clock()).values) { first, _ in first }
        }
        run.log(telemetry: final, phase: .end)
        run.tag("exit_code", String(termination.exitCode))
        if let signal = termination.signal { run.tag("signal", String(signal)) }
        run.tag(
            "duration_seconds",
            JSONValue.format(number: Double(ended.microsecondsSinceEpoch - started.microsecondsSinceEpoch) / 1e6))
        run.tag("stdout_bytes", String(termination.standardOutputBytes))
        run.tag("stderr_bytes", String(termination.standardErrorBytes))
        if options.tailBytes > 0 {
            // A program's output can carry a connection string it printed: the tails are redacted like the command.
            run.tag("stdout_tail", CredentialRedactor.redact(termination.standardOutputTail))
            run.tag("stderr_tail", CredentialRedactor.redact(termination.standardErrorTail))
        }
        for output in options.outputs {
            do {
                try run.generated(path: output)
            } catch {
                run.tag("provkit.warning", "declared output \(output) was not produced: \(error)")
            }
        }
        let status: RunStatus =
            termination.exitCode == 0
            ? .finished : (termination.signal == SIGINT || termination.signal == SIGTERM ? .killed : .failed)
        run.end(status: status)
        return termination
    }

    /// A command-line word quoted for a POSIX shell when it needs to be.
    static func shellQuoted(_ word: String) -> String {
        let safe = word.allSatisfy { $0.isLetter || $0.isNumber || "-_./=:,+@%".contains($0) }
        if safe && !word.isEmpty { return word }
        return "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
