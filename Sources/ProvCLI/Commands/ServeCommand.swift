import ArgumentParser
import Foundation
import Logging
import ProvInspect
import ProvServer
import ProvStore
import ServiceLifecycle
import UnixSignals

/// `provkit serve`: a drop-in MLflow tracking server that records everything as provenance.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the MLflow tracking API (and ProvKit's native API) over the store.",
        discussion: """
            Point any MLflow client at it — MLFLOW_TRACKING_URI=http://127.0.0.1:5000 python train.py — and \
            everything it logs becomes provenance in the store: runs, their user, parameters, metrics and tags, \
            the datasets they used, and the artifacts and models they generated (content-addressed by SHA-256). \
            `provkit show` and `provkit lineage` see all of it, also while the server runs.

            The server listens on 127.0.0.1 unless --host says otherwise, prints its URL when it is ready, and on \
            SIGINT or SIGTERM finishes the requests in flight, writes what is queued and exits with status 0. \
            With --auth-token (or PROVKIT_AUTH_TOKEN) every request must carry the token: MLflow clients send it \
            from MLFLOW_TRACKING_TOKEN, or as the password of MLFLOW_TRACKING_USERNAME/MLFLOW_TRACKING_PASSWORD.

            The native API lives under /api/provkit/v1/ (docs/openapi.yaml).
            """)

    @OptionGroup var storeOptions: StoreOptions

    @Option(help: "The address to listen on. Anything but a loopback address lets other machines connect.")
    var host = "127.0.0.1"

    @Option(help: "The port to listen on; 0 picks a free one.")
    var port = 5000

    @Option(
        name: .customLong("artifacts-root"),
        help: ArgumentHelp(
            "The folder for artifact files.",
            discussion: """
                Default: 'artifacts' beside the store file; ./.provkit/artifacts for a PostgreSQL store. Servers that \
                share one PostgreSQL database need a folder they all reach.
                """,
            valueName: "dir"))
    var artifactsRoot: String?

    @Option(
        name: .customLong("auth-token"),
        help: ArgumentHelp("Require this token on every request (env PROVKIT_AUTH_TOKEN).", valueName: "token"))
    var authToken: String?

    @Option(
        name: .customLong("max-request-mb"),
        help: "The largest JSON request body in MiB (artifact files have their own limit, --max-artifact-mb).")
    var maxRequestMegabytes = 32

    @Option(name: .customLong("max-artifact-mb"), help: "The largest artifact file in MiB.")
    var maxArtifactMegabytes = 5120

    @Option(
        help: ArgumentHelp(
            "When a write counts as done: 'full' (on disk: survives a power cut) or 'process' (survives a crash "
                + "of the server, not of the machine; faster). SQLite stores only: PostgreSQL commits as its server "
                + "is configured.", valueName: "full|process"))
    var durability = "full"

    @Flag(
        name: .customLong("no-inspect"),
        help: "Do not inspect uploaded models and datasets (ONNX, safetensors, HF config, Keras JSON, CSV, ...).")
    var noInspect = false

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be between 0 and 65535") }
        guard durability == "full" || durability == "process" else {
            throw ValidationError("--durability must be 'full' or 'process'")
        }
        guard maxRequestMegabytes > 0, maxArtifactMegabytes > 0 else {
            throw ValidationError("the size limits must be positive")
        }
    }

    func run() async throws {
        LoggingBootstrap.once(verbose: storeOptions.verbose)
        let location = storeOptions.location
        let store = try await StoreFactory.open(
            location, durableCommits: durability == "full", logger: Logger(label: "provkit.store"))
        var configuration = ServerConfiguration()
        configuration.host = host
        configuration.port = port
        if !noInspect { configuration.artifactInspector = ProvArtifactInspector(fileHasher: FileHashing.hasher) }
        let storeFile =
            StoreFactory.isPostgres(location)
            ? StoreFactory.redacted(location) : try StoreFactory.sqlitePath(for: location)
        let root = try artifactsRoot ?? StoreFactory.defaultArtifactsRoot(for: location).path
        configuration.artifactsRoot = URL(fileURLWithPath: root)
        do {
            try FileManager.default.createDirectory(at: configuration.artifactsRoot, withIntermediateDirectories: true)
        } catch {
            throw CLIError("cannot create the artifact folder \(root): \(error.localizedDescription)")
        }
        let environmentToken = ProcessInfo.processInfo.environment["PROVKIT_AUTH_TOKEN"]
        configuration.authToken = authToken ?? (environmentToken?.isEmpty == false ? environmentToken : nil)
        configuration.maxRequestBytes = maxRequestMegabytes << 20
        configuration.maxEventBytes = max(configuration.maxEventBytes, configuration.maxRequestBytes)
        configuration.maxArtifactBytes = Int64(maxArtifactMegabytes) << 20
        let loopback = ["127.0.0.1", "localhost", "::1"].contains(host)
        if !loopback && configuration.authToken == nil {
            FileHandle.standardError.write(
                Data(
                    "Warning: listening on \(host) without --auth-token: anyone who can reach it can read and write the store.\n"
                        .utf8))
        }
        let logger = Logger(label: "provkit.server")
        let protected = configuration.authToken != nil
        let application = buildApplication(
            configuration: configuration, store: store, logger: logger,
            onServerRunning: { (url: String) in
                // Written straight to the file descriptor: scripts wait for this line, so it must not sit in a buffer.
                let line =
                    "provkit serve: listening on \(url)  (store \(storeFile), artifacts \(root)"
                    + (protected ? ", token required)\n" : ")\n")
                FileHandle.standardOutput.write(Data(line.utf8))
            })
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: [application], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        do {
            try await group.run()
        } catch {
            throw CLIError("the server stopped: \(error)")
        }
        print("provkit serve: stopped")
    }
}
