import Foundation
public import Hummingbird
import HummingbirdCore
import NIOCore
public import Logging
public import ProvModel
public import ProvStore

/// The request context of every ProvKit route.
public typealias ProvRequestContext = BasicRequestContext

/// Builds the ProvKit server application without running it: the MLflow tracking API, the MLflow artifact proxy
/// and the native API over `store`, behind the error mapping and (when a token is configured) authentication.
///
/// The application's services include the ``GroupCommitWriter`` every write goes through; run the application in a
/// `ServiceGroup` (`provkit serve` does, with SIGINT and SIGTERM as graceful-shutdown signals). A store that is a
/// `Service` (the SQLite and PostgreSQL stores are) goes in the same group *before* the application: the group shuts
/// its services down in reverse order, so the store closes after the server drained and the writer committed. Before
/// the server accepts connections it makes sure the default experiment (MLflow id `0`, named `Default`) exists.
///
/// A connection silent for ``ServerConfiguration/idleTimeout`` is closed (also one whose request header or body
/// stalls). On graceful shutdown the server stops accepting, answers the requests in flight, closes whatever is
/// still open after ``ServerConfiguration/shutdownGracePeriod``, and then lets the writer commit what it queued.
///
/// - Parameters:
///   - configuration: where to listen, the artifact root, the token and the limits.
///   - store: the provenance store everything is recorded in.
///   - logger: the server's logger.
///   - ids: makes run, model and experiment ids (UUID version 7 by default).
///   - clock: the time of server-side records (creation times, deletions).
///   - onServerRunning: called with the server's URL once it listens.
public func buildApplication(
    configuration: ServerConfiguration, store: any ProvenanceStore, logger: Logger,
    ids: any ProvIDGenerator = UUIDv7Generator(), clock: @escaping @Sendable () -> ProvTime = { ProvTime.now() },
    onServerRunning: @escaping @Sendable (String) async -> Void = { _ in }
) -> some ApplicationProtocol {
    let writer = GroupCommitWriter(store: store, logger: logger)
    let dependencies = ServerDependencies(
        store: store, writer: writer, configuration: configuration, ids: ids, clock: clock, logger: logger)
    let router = Router(context: ProvRequestContext.self)
    router.add(middleware: ErrorMiddleware())
    if let token = configuration.authToken {
        router.add(middleware: AuthMiddleware(token: token))
    }
    MLflowController<ProvRequestContext>(dependencies: dependencies).register(on: router)
    ArtifactController<ProvRequestContext>(dependencies: dependencies).register(on: router)
    NativeController<ProvRequestContext>(dependencies: dependencies).register(on: router)
    router.get("health") { _, _ in JSONResponse.make(text: "{\"status\":\"ok\"}") }

    var application = Application(
        router: router,
        server: .http1(configuration: connectionConfiguration(configuration)),
        configuration: ApplicationConfiguration(
            address: .hostname(configuration.host, port: configuration.port), serverName: nil),
        services: [writer],
        onServerRunning: { channel in
            let port = channel.localAddress?.port ?? configuration.port
            let host = configuration.host.contains(":") ? "[\(configuration.host)]" : configuration.host
            await onServerRunning("http://\(host):\(port)")
        },
        logger: logger)
    application.beforeServerStarts {
        _ = try await store.ensureDefaultExperiment(
            ExperimentRecord(id: ProvID.experiment(named: "Default"), name: "Default", createdAt: clock()))
    }
    return application
}

/// The HTTP/1.1 connection settings: the idle timeout (silent connections, unfinished headers, stalled bodies) and
/// the deadline that closes connections still open a grace period after shutdown began.
func connectionConfiguration(_ configuration: ServerConfiguration) -> HTTP1Channel.Configuration {
    let grace = TimeAmount(configuration.shutdownGracePeriod)
    return HTTP1Channel.Configuration(
        additionalChannelHandlers: [ShutdownDeadlineHandler(gracePeriod: grace)],
        idleTimeout: configuration.idleTimeout.map { TimeAmount($0) })
}
