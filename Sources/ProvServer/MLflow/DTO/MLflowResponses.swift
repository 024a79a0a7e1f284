// Response bodies of the MLflow tracking API, in the shapes of mlflow 3.x (reference/mlflow-api.md §4). Optional
// fields left `nil` are omitted, as protobuf's JSON mapping omits defaults. Runs and metric histories are written
// with `JSONOut` (MLflowResponses+JSON.swift), the others with `JSONEncoder`.

struct ExperimentOut: Encodable, Sendable {
    var experiment_id: String
    var name: String
    var artifact_location: String
    var lifecycle_stage: String
    var last_update_time: Int64?
    var creation_time: Int64?
    var tags: [KeyValueOut]?
}

struct ExperimentResponse: Encodable, Sendable {
    var experiment: ExperimentOut
}

struct CreateExperimentResponse: Encodable, Sendable {
    var experiment_id: String
}

struct SearchExperimentsResponse: Encodable, Sendable {
    var experiments: [ExperimentOut]
    var next_page_token: String?
}

struct RunInfoOut: Sendable {
    var run_uuid: String
    var run_id: String
    var experiment_id: String
    var run_name: String
    var user_id: String
    var status: String
    var start_time: Int64
    var end_time: Int64?
    var lifecycle_stage: String
    var artifact_uri: String
}

struct MetricOut: Encodable, Sendable {
    var key: String
    var value: Double
    var timestamp: Int64
    var step: Int64
    var model_id: String?
    var dataset_name: String?
    var dataset_digest: String?
    var run_id: String?
}

struct RunDataOut: Sendable {
    var metrics: [MetricOut]?
    var params: [KeyValueOut]?
    var tags: [KeyValueOut]?
}

struct DatasetOut: Sendable {
    var name: String
    var digest: String
    var source_type: String
    var source: String
    var schema: String?
    var profile: String?
}

struct DatasetInputOut: Sendable {
    var tags: [KeyValueOut]?
    var dataset: DatasetOut
}

struct ModelInputOut: Sendable {
    var model_id: String
}

struct RunInputsOut: Sendable {
    var dataset_inputs: [DatasetInputOut]?
    var model_inputs: [ModelInputOut]?
}

struct ModelOutputOut: Sendable {
    var model_id: String
    var step: Int64
}

struct RunOutputsOut: Sendable {
    var model_outputs: [ModelOutputOut]?
}

struct RunOut: Sendable {
    var info: RunInfoOut
    var data: RunDataOut
    var inputs: RunInputsOut
    var outputs: RunOutputsOut?
}

struct RunResponse: Sendable {
    var run: RunOut
}

struct RunInfoResponse: Sendable {
    var run_info: RunInfoOut
}

struct SearchRunsResponse: Sendable {
    var runs: [RunOut]?
    var next_page_token: String?
}

struct MetricHistoryResponse: Sendable {
    var metrics: [MetricOut]?
    var next_page_token: String?
}

struct LoggedModelInfoOut: Encodable, Sendable {
    var model_id: String
    var experiment_id: String
    var name: String
    var creation_timestamp_ms: Int64
    var last_updated_timestamp_ms: Int64
    var artifact_uri: String
    var status: String
    var creator_id: String?
    var model_type: String?
    var source_run_id: String?
    var status_message: String?
    var tags: [KeyValueOut]?
}

struct LoggedModelDataOut: Encodable, Sendable {
    var params: [KeyValueOut]?
    var metrics: [MetricOut]?
}

struct LoggedModelOut: Encodable, Sendable {
    var info: LoggedModelInfoOut
    var data: LoggedModelDataOut
}

struct LoggedModelResponse: Encodable, Sendable {
    var model: LoggedModelOut
}

struct SearchLoggedModelsResponse: Encodable, Sendable {
    var models: [LoggedModelOut]
    var next_page_token: String?
}

struct FileInfoOut: Encodable, Sendable {
    var path: String
    var is_dir: Bool
    var file_size: Int64?
}

struct ListArtifactsResponse: Encodable, Sendable {
    var files: [FileInfoOut]?
}

/// `GET /api/3.0/mlflow/server-info`: what this server supports (no multipart uploads, no workspaces).
struct ServerInfoResponse: Encodable, Sendable {
    var store_type = "ProvKitStore"
    var workspaces_enabled = false
    var multipart_uploads_enabled = false
    var multipart_downloads_enabled = false
    var presigned_upload_run_id_supported = false
    var presigned_upload_model_id_supported = false
}

/// An empty answer: `{}`.
struct EmptyResponse: Encodable, Sendable {}
