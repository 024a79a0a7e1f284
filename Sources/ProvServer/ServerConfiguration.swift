public import Foundation
public import ProvModel

/// How `provkit serve` runs: where it listens, where artifacts go, who may call it and how much a request may carry.
///
/// Every field has a documented default; `provkit serve` sets them from its options and environment.
public struct ServerConfiguration: Sendable {
    /// The address to listen on. Default `127.0.0.1`: only this machine can connect unless told otherwise.
    public var host: String = "127.0.0.1"
    /// The port to listen on; `0` picks a free one (the URL printed at start names it). Default 5000, as MLflow.
    public var port: Int = 5000
    /// The folder that holds artifact files (`mlflow-artifacts:/<experiment>/<run>/artifacts/...`). Default
    /// `./artifacts`; `provkit serve` puts it beside the store.
    public var artifactsRoot: URL = URL(fileURLWithPath: "artifacts")
    /// When set, every request must carry this token, as a bearer token (`MLFLOW_TRACKING_TOKEN`) or as the
    /// password of basic authentication (`MLFLOW_TRACKING_USERNAME`/`MLFLOW_TRACKING_PASSWORD`); otherwise 401.
    /// Default `nil` (no authentication; the loopback default keeps the server private). Env `PROVKIT_AUTH_TOKEN`.
    /// An ``AuthToken`` is never empty, so a configured token always means authentication.
    public var authToken: AuthToken?
    /// The largest JSON request body of the MLflow routes, in bytes. Default 32 MiB (a 1,000-metric `log-batch` is
    /// about 100 KiB). A larger body is refused with 413 before it is read when its `Content-Length` says so, and as
    /// soon as the limit is passed otherwise.
    public var maxRequestBytes: Int = 32 << 20
    /// The largest native event upload (`POST /api/provkit/v1/events`), in bytes. Default 256 MiB. Refused with 413
    /// as ``maxRequestBytes`` is; the upload is decoded line by line as it arrives, never held as one text.
    public var maxEventBytes: Int = 256 << 20
    /// The largest artifact file, in bytes. Default 5 GiB.
    public var maxArtifactBytes: Int64 = 5 << 30
    /// How long a connection may stay silent before the server closes it: between requests, while a request's
    /// header is incomplete (bytes of an unfinished header do not count: the whole header must arrive within this
    /// time) and between parts of a request body. A request whose body has arrived is never cut off while the server
    /// answers it. Default 60 s; `nil` keeps silent connections open forever (not advised).
    public var idleTimeout: Duration? = .seconds(60)
    /// How long the server waits on SIGTERM or SIGINT for requests in flight before it closes the connections that
    /// are still open (a stalled client cannot hold the shutdown). Writes already acknowledged are committed; writes
    /// accepted before the signal are committed before the process exits. Default 10 s.
    public var shutdownGracePeriod: Duration = .seconds(10)
    /// The largest page a search returns (MLflow's `SEARCH_MAX_RESULTS_THRESHOLD`). Default 50,000.
    public var maxSearchResults: Int = 50_000

    /// Inspects every uploaded artifact (MLflow `log_artifact(s)`, logged models' files): models and datasets get
    /// taxonomy-classified attributes on their entity (layers, parameter count, rows, classes). Default `nil`
    /// (no inspection); `provkit serve` and `provkit run` pass ProvInspect's inspector. A file it cannot read is
    /// stored all the same, with the failure noted in its `inspection.error` attribute.
    public var artifactInspector: (any ProvArtifactInspecting)? = nil

    /// The defaults.
    public static var `default`: ServerConfiguration { ServerConfiguration() }

    public init() {}
}
