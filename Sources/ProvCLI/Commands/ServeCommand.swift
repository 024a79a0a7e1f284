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
            SIGINT or SIGTERM finishes the requests in flight (closing connections still open after \
            --shutdown-grace), writes what is queued and exits with status 0. A connection silent for \
            --idle-timeout is closed, also one whose request header or body stalls. \
            With --auth-token (or PROVKIT_AUTH_TOKEN) every request must carry the token: MLflow clients send it \
            from MLFLOW_TRACKING_TOKEN, or as the password of MLFLOW_TRACKING_USERNAME/MLFLOW_TRACKING_PASSWORD. \
            An empty or whitespace-only token is refused at start-up (it would otherwise mean no authentication).

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
        help: ArgumentHelp(
            "Require this token on every request (env PROVKIT_AUTH_TOKEN); an empty token is refused.",
            valueName: "token"))
    var authToken: String?

    @Option(
        name: .customLong("max-request-mb"),
        help: ArgumentHelp(
            "The largest request body in MiB, on every route but artifact uploads (those have --max-artifact-mb).",
            discussion: """
                Default: 32 for the MLflow JSON routes, 256 for native event uploads (POST /api/provkit/v1/events); \
                the option sets both. A larger body gets 413 before it is read (by its Content-Length) or as soon \
                as it passes the limit.
                """,
            valueName: "MiB"))
    var maxRequestMegabytes: Int?

    @Option(name: .customLong("max-artifact-mb"), help: "The largest artifact file in MiB.")
    var maxArtifactMegabytes = 5120

    @Option(
        name: .customLong("idle-timeout"),
        help: ArgumentHelp(
            "Close a connection silent for this many seconds (between requests, or mid-header or mid-body).",
            discussion: "Default 60. A request whose body has arrived is never cut off while it is answered.",
            valueName: "seconds"))
    var idleTimeoutSeconds = 60

    @Option(
        name: .customLong("shutdown-grace"),
        help: ArgumentHelp(
            "On SIGTERM or SIGINT, close connections still open after this many seconds.",
            discussion: """
                Default 10. Requests answered before are committed; what the writer queued is committed before \
                the process exits.
                """,
            valueName: "seconds"))
    var shutdownGraceSeconds = 10

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
        guard maxRequestMegabytes.map({ (1...(1 << 20)).contains($0) }) ?? true,
            (1...(1 << 23)).contains(maxArtifactMegabytes)
        else {
            throw ValidationError(
                "the size limits must be positive: --max-request-mb up to 1048576, --max-artifact-mb up to 8388608")
        }
        guard (1...86_400).contains(idleTimeoutSeconds), (0...3_600).contains(shutdownGraceSeconds) else {
            throw ValidationError("--idle-timeout must be 1 to 86400 seconds, --shutdown-grace 0 to 3600 seconds")
        }
        _ = try token()
    }

    /// The token from --auth-token or PROVKIT_AUTH_TOKEN; an empty or whitespace one is a usage error.
    func token() throws -> AuthToken? {
        do {
            return try AuthToken.configured(option: authToken, environment: ProcessInfo.processInfo.environment)
        } catch {
            throw ValidationError(
                "\(error.message). The server does not start rather than serve without authentication.")
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
        configuration.authToken = try token()
        if let maxRequestMegabytes {
            configuration.maxRequestBytes = maxRequestMegabytes << 20
            configuration.maxEventBytes = maxRequestMegabytes << 20
        }
        configuration.maxArtifactBytes = Int64(maxArtifactMegabytes) << 20
        configuration.idleTimeout = .seconds(idleTimeoutSeconds)
        configuration.shutdownGracePeriod = .seconds(shutdownGraceSeconds)
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
        // The store first: a group shuts its services down in reverse order, so the store closes only after the
        // server has answered its requests and the writer has committed what it queued.
        var services: [any Service] = []
        if let storeService = store as? any Service { services.append(storeService) }
        services.append(application)
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        do {
            try await group.run()
        } catch {
            throw CLIError("the server stopped: \(error)")
        }
        print("provkit serve: stopped")
    }
}
