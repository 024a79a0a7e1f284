import Hummingbird
import ProvModel
import ProvQuery
import ProvStore

/// The MLflow routes of what a run logs: metrics (and their history), parameters, batches of both with tags, and
/// the datasets and models it used or generated (`runs/log-*`, `runs/outputs`, `metrics/get-history`).
struct MLflowMetricsController<Context: RequestContext>: MLflowResourceController {
    let dependencies: ServerDependencies

    func logMetric(_ request: Request, context: Context) async throws -> Response {
        try await record(request, LogMetricRequest.self, MLflowTranslation.logMetric)
    }

    func logParameter(_ request: Request, context: Context) async throws -> Response {
        try await record(request, KeyValueRunRequest.self, MLflowTranslation.logParameter)
    }

    func logBatch(_ request: Request, context: Context) async throws -> Response {
        try await record(
            request, LogBatchRequest.self, aboutRun: { body, id, _ in try MLflowTranslation.logBatch(body, run: id) })
    }

    func logInputs(_ request: Request, context: Context) async throws -> Response {
        try await record(request, LogInputsRequest.self, aboutRun: MLflowTranslation.logInputs)
    }

    func logOutputs(_ request: Request, context: Context) async throws -> Response {
        try await record(request, LogOutputsRequest.self, aboutRun: MLflowTranslation.logOutputs)
    }

    func getMetricHistory(_ request: Request, context: Context) async throws -> Response {
        let query = request.query
        let id = try MLflowValidation.runID(RunIDRequest(run_id: query["run_id"], run_uuid: query["run_uuid"]))
        guard let key = query["metric_key"], !key.isEmpty else { throw APIError.missing("metric_key") }
        guard try await store.node(id)?.type == .run else { throw APIError.notFound("Run with id=\(id.hex) not found") }
        let size = try dependencies.pageSize(
            query["max_results"].flatMap { Int64($0, radix: 10) }, default: 25_000, maximum: 25_000)
        let offset = try SearchPageToken.decode(query["page_token"])
        let points = try await store.metricHistory(run: id, key: key)
        let page = points.dropFirst(offset).prefix(size)
        let metrics = page.map { point in
            MetricOut(
                key: point.key, value: point.value, timestamp: MLflowMapping.milliseconds(point.time) ?? 0,
                step: point.step)
        }
        let more = offset + page.count < points.count
        return JSONBody.response(
            MetricHistoryResponse(
                metrics: metrics.isEmpty ? nil : Array(metrics),
                next_page_token: more ? SearchPageToken.encode(offset: offset + page.count) : nil))
    }
}
