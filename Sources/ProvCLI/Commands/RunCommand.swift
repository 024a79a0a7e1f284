import ArgumentParser
import Foundation
import Logging
import ProvCapture
import ProvModel
import ProvStore

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

    @Option(name: .customLong("input"), help: ArgumentHelp("A file or folder the program reads (hashed and recorded as used); repeat for several.", valueName: "path"))
    var inputs: [String] = []

    @Option(name: .customLong("output"), help: ArgumentHelp("A file or folder the program writes (hashed after it ends and recorded as generated); repeat for several.", valueName: "path"))
    var outputs: [String] = []

    @Option(help: "Seconds between telemetry samples of the process tree; 0 for start and end only.")
    var interval: Double = 2

    @Option(help: "Also record the last N bytes of standard output and standard error.")
    var tail: Int = 0

    @Option(help: ArgumentHelp("Send the events to a ProvKit server (its native API) instead of the store.", valueName: "url"))
    var server: String?

    @Option(help: ArgumentHelp("The server's token (env PROVKIT_AUTH_TOKEN).", valueName: "token"))
    var authToken: String?

    @Flag(help: "Do not sample GPUs through nvidia-smi.")
    var noGPU = false

    @Argument(parsing: .postTerminator, help: "The program and its arguments, after --.")
    var command: [String] = []

    func validate() throws {
        if command.isEmpty {
            throw ValidationError("give the program to run after --, e.g. `provkit run -- python train.py`")
        }
        if interval < 0 { throw ValidationError("--interval must be 0 or more seconds") }
        if tail < 0 || tail > 1 << 20 { throw ValidationError("--tail must be between 0 and 1048576 bytes") }
        for path in inputs where !FileManager.default.fileExists(atPath: path) {
            throw ValidationError("--input \(path) does not exist; inputs are hashed before the program starts")
        }
    }

    func run() async throws {
        let sink: any ProvenanceEventSink
        if let server {
            guard let url = URL(string: server), url.scheme == "http" || url.scheme == "https", url.host != nil else {
                throw CLIError("--server \(server) is not an http(s) URL such as http://127.0.0.1:5000")
            }
            let token = authToken ?? ProcessInfo.processInfo.environment["PROVKIT_AUTH_TOKEN"]
            sink = HTTPEventSink(server: url, token: token)
        } else {
            sink = try storeOptions.open()
        }
        LoggingBootstrap.once(verbose: storeOptions.verbose)
        var options = CommandCapture.Options(arguments: command)
        options.runName = name
        options.inputs = inputs
        options.outputs = outputs
        options.interval = interval
        options.tailBytes = tail
        options.gpuTelemetry = !noGPU
        let runName = name ?? (command[0].split(separator: "/").last.map(String.init) ?? command[0])
        let captureOptions = ProvCapture.Options()
        var exitCode: Int32 = 0
        var captureFailure: (any Error)? = nil
        do {
            try await ProvCapture.withSession(
                sink: sink, experiment: experiment, options: captureOptions, logger: Logger(label: "provkit.run")
            ) { capture in
                let run = capture.startRun(runName, kind: .workflow, parent: nil)
                var options = options
                options.extraEnvironment["PROVKIT_RUN_ID"] = run.id.hex
                do {
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
}
