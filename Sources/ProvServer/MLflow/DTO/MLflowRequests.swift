// Request bodies of the MLflow tracking API, field for field as the client sends them (snake_case, as MLflow's
// protobuf messages name them). Every field is optional here; the handlers check what is required and answer a
// missing one with MLflow's "Missing value for required parameter" error.

struct CreateExperimentRequest: Decodable, Sendable {
    var name: String?
    var artifact_location: String?
    var tags: [KeyValueIn]?
}

struct ExperimentIDRequest: Decodable, Sendable {
    var experiment_id: String?
}

struct UpdateExperimentRequest: Decodable, Sendable {
    var experiment_id: String?
    var new_name: String?
}

struct SetExperimentTagRequest: Decodable, Sendable {
    var experiment_id: String?
    var key: String?
    var value: String?
}

struct SearchExperimentsRequest: Decodable, Sendable {
    var max_results: MLflowInt64?
    var page_token: String?
    var filter: String?
    var order_by: [String]?
    var view_type: MLflowViewType?
}

struct CreateRunRequest: Decodable, Sendable {
    var experiment_id: String?
    var user_id: String?
    var run_name: String?
    var start_time: MLflowInt64?
    var tags: [KeyValueIn]?
}

/// Any request that names a run by `run_id` (or the older `run_uuid`).
protocol RunRequest {
    var run_id: String? { get }
    var run_uuid: String? { get }
}

struct RunIDRequest: Decodable, Sendable, RunRequest {
    var run_id: String?
    var run_uuid: String?
}

struct UpdateRunRequest: Decodable, Sendable, RunRequest {
    var run_id: String?
    var run_uuid: String?
    var status: String?
    var end_time: MLflowInt64?
    var run_name: String?
}

struct MetricIn: Decodable, Sendable {
    var key: String?
    var value: MLflowDouble?
    var timestamp: MLflowInt64?
    var step: MLflowInt64?
    var model_id: String?
    var dataset_name: String?
    var dataset_digest: String?
}

struct LogMetricRequest: Decodable, Sendable, RunRequest {
    var run_id: String?
    var run_uuid: String?
    var key: String?
    var value: MLflowDouble?
    var timestamp: MLflowInt64?
    var step: MLflowInt64?
    var model_id: String?
    var dataset_name: String?
    var dataset_digest: String?

    var metric: MetricIn {
        MetricIn(
            key: key, value: value, timestamp: timestamp, step: step, model_id: model_id, dataset_name: dataset_name,
            dataset_digest: dataset_digest)
    }
}

struct KeyValueRunRequest: Decodable, Sendable, RunRequest {
    var run_id: String?
    var run_uuid: String?
    var key: String?
    var value: String?
}

struct LogBatchRequest: Decodable, Sendable, RunRequest {
    var run_id: String?
    var run_uuid: String?
    var metrics: [MetricIn]?
    var params: [KeyValueIn]?
    var tags: [KeyValueIn]?
}

struct DatasetIn: Decodable, Sendable {
    var name: String?
    var digest: String?
    var source_type: String?
    var source: String?
    var schema: String?
    var profile: String?
}

struct DatasetInputIn: Decodable, Sendable {
    var tags: [KeyValueIn]?
    var dataset: DatasetIn?
}

struct ModelIDIn: Decodable, Sendable {
    var model_id: String?
}

struct LogInputsRequest: Decodable, Sendable, RunRequest {
    var run_id: String?
    var run_uuid: String?
    var datasets: [DatasetInputIn]?
    var models: [ModelIDIn]?
}

struct ModelOutputIn: Decodable, Sendable {
    var model_id: String?
    var step: MLflowInt64?
}

struct LogOutputsRequest: Decodable, Sendable, RunRequest {
    var run_id: String?
    var run_uuid: String?
    var models: [ModelOutputIn]?
}

struct SearchRunsRequest: Decodable, Sendable {
    var experiment_ids: [String]?
    var filter: String?
    var run_view_type: MLflowViewType?
    var max_results: MLflowInt64?
    var order_by: [String]?
    var page_token: String?
}

struct CreateLoggedModelRequest: Decodable, Sendable {
    var experiment_id: String?
    var name: String?
    var source_run_id: String?
    var model_type: String?
    var params: [KeyValueIn]?
    var tags: [KeyValueIn]?
}

struct FinalizeLoggedModelRequest: Decodable, Sendable {
    var model_id: String?
    var status: String?
}

struct SetLoggedModelTagsRequest: Decodable, Sendable {
    var model_id: String?
    var tags: [KeyValueIn]?
}

struct LoggedModelOrderIn: Decodable, Sendable {
    var field_name: String?
    var ascending: Bool?
    var dataset_name: String?
    var dataset_digest: String?
}

struct SearchLoggedModelsRequest: Decodable, Sendable {
    var experiment_ids: [String]?
    var filter: String?
    var page_token: String?
    var max_results: MLflowInt64?
    var order_by: [LoggedModelOrderIn]?
}
