import Hummingbird
import NIOCore
import ProvModel
import ProvStore

/// The MLflow tracking API (`/api/2.0/mlflow/...`, also under `/ajax-api/2.0/mlflow/...` as MLflow's server
/// serves it), one controller per resource: experiments, runs, what runs log (metrics, parameters, inputs and
/// outputs), and logged models. Each controller looks up what a request names, turns the request into events with
/// ``MLflowTranslation`` (pure), and writes them through the group-commit writer.
struct MLflowController<Context: RequestContext>: Sendable {
    let dependencies: ServerDependencies

    /// The MLflow version whose protocol the server speaks and is tested against, answered by `GET /version`.
    static var mlflowVersion: String { "3.17.2" }

    func register(on router: Router<Context>) {
        for prefix in ["api/2.0/mlflow", "ajax-api/2.0/mlflow"] {
            registerRoutes(on: router.group(RouterPath(prefix)))
        }
        router.get("api/3.0/mlflow/server-info") { _, _ in try JSONBody.response(ServerInfoResponse()) }
        router.get("version") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "text/plain; charset=utf-8"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: Self.mlflowVersion)))
        }
    }

    /// Every MLflow route, under one API prefix.
    private func registerRoutes(on api: RouterGroup<Context>) {
        let experiments = MLflowExperimentsController<Context>(dependencies: dependencies)
        let runs = MLflowRunsController<Context>(dependencies: dependencies)
        let metrics = MLflowMetricsController<Context>(dependencies: dependencies)
        let models = MLflowLoggedModelsController<Context>(dependencies: dependencies)
        api.get("experiments/get-by-name", use: experiments.getExperimentByName)
        api.get("experiments/get", use: experiments.getExperiment)
        api.post("experiments/create", use: experiments.createExperiment)
        api.post("experiments/search", use: experiments.searchExperiments)
        api.get("experiments/search", use: experiments.searchExperiments)
        api.post("experiments/update", use: experiments.updateExperiment)
        api.post("experiments/delete", use: experiments.deleteExperiment)
        api.post("experiments/restore", use: experiments.restoreExperiment)
        api.post("experiments/set-experiment-tag", use: experiments.setExperimentTag)
        api.post("experiments/delete-experiment-tag", use: experiments.deleteExperimentTag)
        api.post("runs/create", use: runs.createRun)
        api.post("runs/update", use: runs.updateRun)
        api.get("runs/get", use: runs.getRun)
        api.post("runs/delete", use: runs.deleteRun)
        api.post("runs/restore", use: runs.restoreRun)
        api.post("runs/set-tag", use: runs.setTag)
        api.post("runs/delete-tag", use: runs.deleteTag)
        api.post("runs/search", use: runs.searchRuns)
        api.post("runs/log-metric", use: metrics.logMetric)
        api.post("runs/log-parameter", use: metrics.logParameter)
        api.post("runs/log-batch", use: metrics.logBatch)
        api.post("runs/log-inputs", use: metrics.logInputs)
        api.post("runs/outputs", use: metrics.logOutputs)
        api.get("metrics/get-history", use: metrics.getMetricHistory)
        api.post("logged-models", use: models.createLoggedModel)
        api.post("logged-models/search", use: models.searchLoggedModels)
        api.get("logged-models/:model_id", use: models.getLoggedModel)
        api.patch("logged-models/:model_id", use: models.finalizeLoggedModel)
        api.patch("logged-models/:model_id/tags", use: models.setLoggedModelTags)
    }
}

/// A controller of one MLflow resource: the handlers of its routes, over the server's dependencies.
protocol MLflowResourceController: Sendable {
    associatedtype Context: RequestContext
    var dependencies: ServerDependencies { get }
}

extension MLflowResourceController {
    var store: any ProvenanceStore { dependencies.store }
    /// The largest request body the MLflow routes read.
    var limit: Int { dependencies.configuration.maxRequestBytes }

    /// Decodes a request, writes the events `translate` makes of it and answers `{}`.
    func record<Body: Decodable>(
        _ request: Request, _ type: Body.Type, _ translate: (Body) throws -> [ProvEvent]
    ) async throws -> Response {
        let body = try await request.decodeJSON(type, limit: limit)
        try await dependencies.write(try translate(body))
        return try JSONBody.response(EmptyResponse())
    }

    /// Decodes a request about a run, writes the events `translate` makes of it (given the run and the time) and
    /// answers `{}`; a request with nothing to record only checks that the run exists.
    func record<Body: Decodable & RunRequest>(
        _ request: Request, _ type: Body.Type, aboutRun translate: (Body, ProvID, ProvTime) throws -> [ProvEvent]
    ) async throws -> Response {
        let body = try await request.decodeJSON(type, limit: limit)
        let id = try MLflowValidation.runID(body)
        try await dependencies.write(try translate(body, id, dependencies.clock()), about: id)
        return try JSONBody.response(EmptyResponse())
    }
}

extension MLflowInt64 {
    /// An int64 field made from a value already parsed (a query parameter).
    init(value: Int64) {
        self.value = value
    }
}
