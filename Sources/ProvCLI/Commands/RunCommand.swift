import ArgumentParser
import Foundation
import Hummingbird
import Logging
import ProvCapture
import ProvInspect
import ProvModel
import ProvServer
import ProvStore
import ServiceLifecycle

/// `provkit run -- CMD ARGS...`: capture any program as a run.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a program and record it as provenance: command, environment, telemetry, inputs and outputs.",
        discussion: """
            The program runs as a child with its output passed through unchanged. ProvKit records the command \
            line, working directory, platform and environment (OS, CPU, memory, GPUs, git state, scheduler ids, \
            allow-listed variables with secrets redacted; Python's version and packages for Python programs), \
            telemetry of the whole process tree (at start, at end and every --interval seconds), the exit status, \
            duration and output sizes. Declared inputs are hashed (SHA-256) and recorded as used, declared outputs \
            as generated. SIGINT and SIGTERM are forwarded to the program, and provkit exits with its exit code.

            The program also gets an MLflow endpoint: MLFLOW_TRACKING_URI (an in-process tracking server on a free \
            loopback port over the same store, or the --server), MLFLOW_RUN_ID and MLFLOW_EXPERIMENT_ID, so an \
            unmodified script that logs through the mlflow client logs into this very run. --no-mlflow turns it off.

            Examples:
              provkit run --experiment cnn-sweep --input data/ --output model.onnx -- python train.py --lr 0.1
              provkit run --name preprocess --tail 4096 -- ./prepare.sh raw/ clean/
              provkit run --server http://127.0.0.1:5000 -- ./simulate
            """)

    @OptionGroup var storeOptions: StoreOptions

    @Option(name: .shortAndLong, help: "The experiment the run belongs to (created when new).")
    var experiment = "provkit-run"

    @Option(name: .shortAndLong, help: "The run's name. Default: the program's name.")
    var name: String?

    @Option(
        name: .customLong("input"),
        help: ArgumentHelp(
            "A file or folder the program reads (hashed and recorded as used); repeat for several.", valueName: "path"))
    var inputs: [String] = []

    @Option(
        name: .customLong("output"),
        help: ArgumentHelp(
            "A file or folder the program writes (hashed after it ends and recorded as generated); repeat for several.",
            valueName: "path"))
    var outputs: [String] = []

    @Option(help: "Seconds between telemetry samples of the process tree; 0 for start and end only.")
    var interval: Double = 2

    @Option(help: "Also record the last N bytes of standard output and standard error.")
    var tail: Int = 0

    @Option(
        help: ArgumentHelp(
            "Send the events to a ProvKit server (its native API) instead of the store.", valueName: "url"))
    var server: String?

    @Option(help: ArgumentHelp("The server's token (env PROVKIT_AUTH_TOKEN).", valueName: "token"))
    var authToken: String?

    @Flag(name: .customLong("no-gpu"), help: "Do not sample GPUs through nvidia-smi.")
    var noGPU = false

    @Flag(name: .customLong("no-mlflow"), help: "Do not give the program an MLflow tracking endpoint.")
    var noMLflow = false

    @Flag(
        name: .customLong("no-inspect"),
        help: "Do not inspect inputs, outputs and MLflow artifacts (model layers, dataset rows and classes).")
    var noInspect = false

    @Argument(parsing: .postTerminator, help: "The program and its arguments, after --.")
    var command: [String] = []

    func validate() throws {
        if command.isEmpty {
            throw ValidationError("give the program to run after --, e.g. `provkit run -- python train.py`")
        }
        guard interval >= 0, interval <= 86_400 else {
            throw ValidationError("--interval must be 0 or more seconds, and at most 86400 (a day)")
        }
        if tail < 0 || tail > 1 << 20 { throw ValidationError("--tail must be between 0 and 1048576 bytes") }
        for path in inputs where !FileManager.default.fileExists(atPath: path) {
            throw ValidationError("--input \(path) does not exist; inputs are hashed before the program starts")
        }
    }

    func run() async throws {
        LoggingBootstrap.once(verbose: storeOptions.verbose)
        if let server {
            guard let url = URL(string: server), url.scheme == "http" || url.scheme == "https", url.host != nil else {
                throw CLIError("--server \(server) is not an http(s) URL such as http://127.0.0.1:5000")
            }
            let token = authToken ?? ProcessInfo.processInfo.environment["PROVKIT_AUTH_TOKEN"]
            var mlflow: [String: String] = [:]
            if !noMLflow {
                mlflow["MLFLOW_TRACKING_URI"] = server
                if let token { mlflow["MLFLOW_TRACKING_TOKEN"] = token }
            }
            try await capture(into: HTTPEventSink(server: url, token: token), mlflowEnvironment: mlflow) { capture in
                try await capture.recorder.flush()  // the run exists on the server before the program asks for it
                return nil
            }
            return
        }
        try await storeOptions.withStore { store in
            guard !noMLflow else {
                try await capture(into: store, mlflowEnvironment: [:]) { _ in nil }
                return
            }
            // An in-process MLflow tracking server over the same store, on a free loopback port, for the program.
            var configuration = ServerConfiguration()
            configuration.host = "127.0.0.1"
            configuration.port = 0
            configuration.artifactInspector = inspector
            configuration.artifactsRoot = try StoreFactory.defaultArtifactsRoot(for: storeOptions.location)
            try? FileManager.default.createDirectory(at: configuration.artifactsRoot, withIntermediateDirectories: true)
            let (addresses, address) = AsyncStream<String>.makeStream()
            let logger = Logger(label: "provkit.run.server")
            let application = buildApplication(
                configuration: configuration, store: store, logger: logger,
                onServerRunning: { url in address.yield(url) })
            let services = ServiceGroup(
                configuration: ServiceGroupConfiguration(
                    services: [application], gracefulShutdownSignals: [], logger: logger))
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await services.run() }
                var urls = addresses.makeAsyncIterator()
                guard let url = await urls.next() else { throw CLIError("the in-process MLflow server did not start") }
                do {
                    try await capture(into: store, mlflowEnvironment: ["MLFLOW_TRACKING_URI": url]) { capture in
                        // The program may ask for its run at once: store the run's start before it begins.
                        try await capture.recorder.flush()
                        return try await store.trackedExperiment(.id(capture.experiment)).map { String($0.number) }
                    }
                } catch {
                    await services.triggerGracefulShutdown()
                    try? await group.waitForAll()
                    throw error
                }
                await services.triggerGracefulShutdown()
                try await group.waitForAll()
            }
        }
    }

    /// Runs the program under capture into `sink`. `prepare` runs after the run has started and before the program
    /// does, and returns the MLflow experiment id to hand to the program, if there is one.
    private func capture(
        into sink: any ProvenanceEventSink, mlflowEnvironment: [String: String],
        prepare: @escaping (ProvCapture) async throws -> String?
    ) async throws {
        var options = CommandCapture.Options(arguments: command)
        options.runName = name
        options.inputs = inputs
        options.outputs = outputs
        options.interval = interval
        options.tailBytes = tail
        options.gpuTelemetry = !noGPU
        let runName = name ?? Self.defaultRunName(command)
        var exitCode: Int32 = 0
        var captureFailure: (any Error)? = nil
        do {
            var sessionOptions = ProvCapture.Options()
            sessionOptions.inspector = inspector
            sessionOptions.fileHasher = FileHashing.hasher
            try await ProvCapture.withSession(
                sink: sink, experiment: experiment, options: sessionOptions,
                logger: Logger(label: "provkit.run")
            ) { capture in
                let run = capture.startRun(runName, kind: .workflow, parent: nil)
                var options = options
                options.extraEnvironment["PROVKIT_RUN_ID"] = run.id.hex
                if !mlflowEnvironment.isEmpty {
                    options.extraEnvironment.merge(mlflowEnvironment) { _, new in new }
                    options.extraEnvironment["MLFLOW_RUN_ID"] = run.id.hex
                }
                do {
                    if let experimentNumber = try await prepare(capture), !mlflowEnvironment.isEmpty {
                        options.extraEnvironment["MLFLOW_EXPERIMENT_ID"] = experimentNumber
                    }
                    let termination = try await CommandCapture(capture: capture, options: options).execute(run: run)
                    exitCode = termination.exitCode
                } catch {
                    captureFailure = error
                }
                FileHandle.standardError.write(Data("provkit: recorded run \(run.id.hex) (exit \(exitCode))\n".utf8))
            }
        } catch {
            throw CLIError("the run finished (exit \(exitCode)) but its provenance could not be stored: \(error)")
        }
        if let captureFailure {
            throw CLIError("\(captureFailure)")
        }
        if exitCode != 0 { throw ExitCode(exitCode) }
    }

    /// The inspector for inputs, outputs and artifacts, unless --no-inspect.
    private var inspector: (any ProvArtifactInspecting)? {
        noInspect ? nil : ProvArtifactInspector(fileHasher: FileHashing.hasher)
    }

    /// The program's name, or for an interpreter running a script (`python train.py`), the script's.
    static func defaultRunName(_ command: [String]) -> String {
        func base(_ path: String) -> String { path.split(separator: "/").last.map(String.init) ?? path }
        if CommandCapture.isPython(command), command.count > 1,
            let script = command.dropFirst().first(where: {
                !$0.hasPrefix("-")
            }), script.hasSuffix(".py")
        {
            return base(script)
        }
        return base(command[0])
    }
}
