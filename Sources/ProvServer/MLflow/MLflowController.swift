import Foundation
import Hummingbird
import Logging
import ProvModel
import ProvQuery
import ProvStore

/// What every controller works with: the store, its group-commit writer, the configuration, and the injected clock
/// and id generator (tests make them deterministic).
struct ServerDependencies: Sendable {
    let store: any ProvenanceStore
    let writer: GroupCommitWriter
    let configuration: ServerConfiguration
    let ids: any ProvIDGenerator
    let clock: @Sendable () -> ProvTime
    let logger: Logger

    /// Stores events durably (through the group-commit writer) and returns what was stored.
    @discardableResult
    func write(_ events: [ProvEvent], key: String? = nil) async throws -> IngestSummary {
        try await writer.submit(events, key: key)
    }
}

/// The MLflow tracking API (`/api/2.0/mlflow/...`, also under `/ajax-api/2.0/mlflow/...` as MLflow's server
/// serves it): experiments, runs, metrics and logged models.
struct MLflowController<Context: RequestContext>: Sendable {
    let dependencies: ServerDependencies

    /// The MLflow version whose protocol the server speaks and is tested against, answered by `GET /version`.
    static var mlflowVersion: String { "3.17.2" }

    var store: any ProvenanceStore { dependencies.store }
    var limit: Int { dependencies.configuration.maxRequestBytes }

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

    private func registerRoutes(on api: RouterGroup<Context>) {
        api.get("experiments/get-by-name", use: getExperimentByName)
        api.get("experiments/get", use: getExperiment)
        api.post("experiments/create", use: createExperiment)
        api.post("experiments/search", use: searchExperiments)
        api.get("experiments/search", use: searchExperiments)
        api.post("experiments/update", use: updateExperiment)
        api.post("experiments/delete", use: deleteExperiment)
        api.post("experiments/restore", use: restoreExperiment)
        api.post("experiments/set-experiment-tag", use: setExperimentTag)
        api.post("experiments/delete-experiment-tag", use: deleteExperimentTag)
        api.post("runs/create", use: createRun)
        api.post("runs/update", use: updateRun)
        api.get("runs/get", use: getRun)
        api.post("runs/delete", use: deleteRun)
        api.post("runs/restore", use: restoreRun)
        api.post("runs/set-tag", use: setTag)
        api.post("runs/delete-tag", use: deleteTag)
        api.post("runs/log-metric", use: logMetric)
        api.post("runs/log-parameter", use: logParameter)
        api.post("runs/log-batch", use: logBatch)
        api.post("runs/log-inputs", use: logInputs)
        api.post("runs/outputs", use: logOutputs)
        api.post("runs/search", use: searchRuns)
        api.get("metrics/get-history", use: getMetricHistory)
        api.post("logged-models", use: createLoggedModel)
        api.post("logged-models/search", use: searchLoggedModels)
        api.get("logged-models/:model_id", use: getLoggedModel)
        api.patch("logged-models/:model_id", use: finalizeLoggedModel)
        api.patch("logged-models/:model_id/tags", use: setLoggedModelTags)
    }

    // MARK: Experiments

    func getExperimentByName(_ request: Request, context: Context) async throws -> Response {
        guard let name = request.query["experiment_name"], !name.isEmpty else {
            throw APIError.missing("experiment_name")
        }
        guard let experiment = try await store.trackedExperiment(.name(name)) else {
            throw APIError.notFound("Could not find experiment with name '\(name)'")
        }
        return try JSONBody.response(ExperimentResponse(experiment: MLflowMapping.experiment(experiment)))
    }

    func getExperiment(_ request: Request, context: Context) async throws -> Response {
        let number = try MLflowValidation.experimentNumber(request.query["experiment_id"])
        return try JSONBody.response(
            ExperimentResponse(experiment: MLflowMapping.experiment(try await experiment(number))))
    }

    /// The experiment with this number, or 404.
    func experiment(_ number: Int64) async throws -> TrackedExperiment {
        guard let experiment = try await store.trackedExperiment(.number(number)) else {
            throw APIError.notFound("No Experiment with id=\(number) exists")
        }
        return experiment
    }

    func createExperiment(_ request: Request, context: Context) async throws -> Response {
        let body = try await request.decodeJSON(CreateExperimentRequest.self, limit: limit)
        guard let name = body.name?.trimmingCharacters(in: .whitespaces), !name.isEmpty else {
            throw APIError.missing("name")
        }
        if try await store.trackedExperiment(.name(name)) != nil {
            throw APIError.alreadyExists("Experiment '\(name)' already exists.")
        }
        if let location = body.artifact_location, !location.isEmpty, location.contains("..") {
            throw APIError.invalid("artifact_location must not contain '..'")
        }
        // The id follows the name, as capture processes derive it, unless another experiment already holds that id
        // (one that was renamed since).
        var id = ProvID.experiment(named: name)
        if try await store.trackedExperiment(.id(id)) != nil { id = dependencies.ids.next() }
        let record = ExperimentRecord(id: id, name: name, createdAt: dependencies.clock())
        var tags: [TagRecord] = []
        for (index, tag) in (body.tags ?? []).enumerated() {
            let key = try MLflowValidation.key(tag.key, field: "tags[\(index)].key")
            tags.append(
                TagRecord(
                    target: id, targetType: .experiment, key: key,
                    value: try MLflowValidation.tagValue(tag.value, key: key)))
        }
        let location = body.artifact_location.flatMap { $0.isEmpty ? nil : $0 }.map {
            ExperimentArtifactLocation.resolved($0, currentDirectory: FileManager.default.currentDirectoryPath)
        }
        let created = try await store.createExperiment(record, tags: tags, artifactLocation: location)
        return try JSONBody.response(CreateExperimentResponse(experiment_id: String(created.number)))
    }

    func searchExperiments(_ request: Request, context: Context) async throws -> Response {
        let body: SearchExperimentsRequest
        if request.method == .get {
            let query = request.query
            body = SearchExperimentsRequest(
                max_results: query["max_results"].flatMap { Int64($0, radix: 10) }.map { MLflowInt64(value: $0) },
                page_token: query["page_token"], filter: query["filter"], order_by: query.all("order_by"),
                view_type: query["view_type"].flatMap { MLflowViewType(name: $0) })
        } else {
            body = try await request.decodeJSON(SearchExperimentsRequest.self, limit: limit)
        }
        let maximum = try pageSize(body.max_results?.value, default: 1000)
        let search = ExperimentSearch(
            filter: try SearchGrammar.filter(body.filter ?? "", dialect: .experiments),
            orderBy: try SearchGrammar.orderBy(body.order_by ?? [], dialect: .experiments),
            lifecycle: lifecycle(body.view_type), limit: maximum, offset: try SearchPageToken.decode(body.page_token))
        let page = try await store.searchExperiments(search)
        return try JSONBody.response(
            SearchExperimentsResponse(
                experiments: page.items.map(MLflowMapping.experiment),
                next_page_token: page.hasMore ? SearchPageToken.encode(offset: search.offset + page.items.count) : nil))
    }

    func updateExperiment(_ request: Request, context: Context) async throws -> Response {
        let body = try await request.decodeJSON(UpdateExperimentRequest.self, limit: limit)
        let experiment = try await experiment(try MLflowValidation.experimentNumber(body.experiment_id))
        guard let name = body.new_name?.trimmingCharacters(in: .whitespaces), !name.isEmpty else {
            throw APIError.missing("new_name")
        }
        guard experiment.lifecycle == .active else {
            throw APIError.invalid("Cannot rename a non-active experiment: experiment \(experiment.number) is deleted")
        }
        if name != experiment.name, try await store.trackedExperiment(.name(name)) != nil {
            throw APIError.alreadyExists("Experiment '\(name)' already exists.")
        }
        try await dependencies.write([
            .experiment(ExperimentRecord(id: experiment.id, name: name, createdAt: experiment.createdAt))
        ])
        return try JSONBody.response(EmptyResponse())
    }

    func deleteExperiment(_ request: Request, context: Context) async throws -> Response {
        try await changeExperimentStage(request, to: .deleted)
    }

    func restoreExperiment(_ request: Request, context: Context) async throws -> Response {
        try await changeExperimentStage(request, to: .active)
    }

    private func changeExperimentStage(_ request: Request, to stage: LifecycleStage) async throws -> Response {
        let body = try await request.decodeJSON(ExperimentIDRequest.self, limit: limit)
        let number = try MLflowValidation.experimentNumber(body.experiment_id)
        if number == 0, stage == .deleted {
            throw APIError.invalid(
                "Cannot delete the default experiment '0'. This is an internally reserved experiment.")
        }
        let experiment = try await experiment(number)
        try await dependencies.write([
            .lifecycle(
                LifecycleChange(
                    target: experiment.id, targetType: .experiment, stage: stage, time: dependencies.clock()))
        ])
        return try JSONBody.response(EmptyResponse())
    }

    func setExperimentTag(_ request: Request, context: Context) async throws -> Response {
        let body = try await request.decodeJSON(SetExperimentTagRequest.self, limit: limit)
        let experiment = try await experiment(try MLflowValidation.experimentNumber(body.experiment_id))
        let key = try MLflowValidation.key(body.key)
        try await dependencies.write([
            .tag(
                TagRecord(
                    target: experiment.id, targetType: .experiment, key: key,
                    value: try MLflowValidation.tagValue(body.value, key: key)))
        ])
        return try JSONBody.response(EmptyResponse())
    }

    func deleteExperimentTag(_ request: Request, context: Context) async throws -> Response {
        let body = try await request.decodeJSON(SetExperimentTagRequest.self, limit: limit)
        let experiment = try await experiment(try MLflowValidation.experimentNumber(body.experiment_id))
        let key = try MLflowValidation.key(body.key)
        guard experiment.lifecycle == .active else {
            throw APIError.invalid(
                "The experiment \(experiment.number) must be in the 'active' state. Current state is deleted.")
        }
        guard experiment.tags.contains(where: { $0.key == key }) else {
            throw APIError.notFound("No tag with name: \(key) in experiment with id \(experiment.number)")
        }
        try await dependencies.write([
            .tagDelete(TagDeletion(target: experiment.id, targetType: .experiment, key: key))
        ])
        return try JSONBody.response(EmptyResponse())
    }

    // MARK: Runs

    func createRun(_ request: Request, context: Context) async throws -> Response {
        let body = try await request.decodeJSON(CreateRunRequest.self, limit: limit)
        let experiment = try await experiment(try MLflowValidation.experimentNumber(body.experiment_id ?? "0"))
        guard experiment.lifecycle == .active else {
            throw APIError.invalid(
                "The experiment \(experiment.number) must be in the 'active' state. Current state is deleted.")
        }
        var tags: [(String, String)] = []
        for (index, tag) in (body.tags ?? []).enumerated() {
            let key = try MLflowValidation.key(tag.key, field: "tags[\(index)].key")
            tags.append((key, try MLflowValidation.tagValue(tag.value, key: key)))
        }
        let tagName = tags.last { $0.0 == "mlflow.runName" }?.1
        let givenName = body.run_name.flatMap { $0.isEmpty ? nil : $0 }
        if let givenName, let tagName, givenName != tagName {
            throw APIError.invalid(
                "Both 'run_name' argument and 'mlflow.runName' tag are specified, but with different values (run_name='\(givenName)', mlflow.runName='\(tagName)')."
            )
        }
        var generator = SystemRandomNumberGenerator()
        let name = givenName ?? tagName ?? RunNames.random(using: &generator)
        if tagName == nil { tags.append(("mlflow.runName", name)) }
        let id = dependencies.ids.next()
        let now = dependencies.clock()
        let started =
            try body.start_time.map { try MLflowMapping.time(unixMilliseconds: $0.value, field: "start_time") } ?? now
        // Nesting is a tag in MLflow; it becomes the run's parent when that run is here.
        var parent: ProvID? = nil
        if let parentText = tags.last(where: { $0.0 == "mlflow.parentRunId" })?.1,
            let parentID = ProvID(hex: parentText),
            try await store.node(parentID)?.type == .run
        {
            parent = parentID
        }
        var events: [ProvEvent] = []
        let user = body.user_id.flatMap { $0.isEmpty ? nil : $0 }
        let userAgent = user.map(MLflowMapping.userAgent)
        let clientAgent = MLflowMapping.clientAgent(request.headers[.userAgent])
        if let userAgent { events.append(.agent(userAgent)) }
        if let clientAgent { events.append(.agent(clientAgent)) }
        events.append(
            .runStart(RunStart(id: id, experiment: experiment.id, parent: parent, name: name, startedAt: started)))
        if let userAgent {
            events.append(
                .relation(RelationRecord(.wasAssociatedWith, subject: id, object: userAgent.id, time: started)))
        }
        if let clientAgent {
            events.append(
                .relation(RelationRecord(.wasAssociatedWith, subject: id, object: clientAgent.id, time: started)))
        }
        for (key, value) in tags {
            events.append(.tag(TagRecord(target: id, key: key, value: value)))
        }
        try await dependencies.write(events)
        let run = TrackedRun(
            id: id, experimentID: experiment.id, experimentNumber: experiment.number,
            experimentArtifactLocation: experiment.artifactLocation, name: name, user: user, status: .running,
            startedAt: started, endedAt: nil, lifecycle: .active,
            tags: Dictionary(tags, uniquingKeysWith: { _, last in last }).sorted { $0.key < $1.key }
                .map { KeyValue(key: $0.key, value: $0.value) })
        var out = MLflowMapping.run(run)
        out.outputs = nil
        return JSONBody.response(RunResponse(run: out))
    }

    /// The run a request names, or 404.
    func run(_ id: ProvID) async throws -> TrackedRun {
        guard let run = try await store.trackedRuns([id]).first else {
            throw APIError.notFound("Run with id=\(id.hex) not found")
        }
        return run
    }

    func getRun(_ request: Request, context: Context) async throws -> Response {
        let query = request.query
        let id = try MLflowValidation.runID(RunIDRequest(run_id: query["run_id"], run_uuid: query["run_uuid"]))
        return JSONBody.response(RunResponse(run: MLflowMapping.run(try await run(id))))
    }

    func updateRun(_ request: Request, context: Context) async throws -> Response {
        let body = try await request.decodeJSON(UpdateRunRequest.self, limit: limit)
        let id = try MLflowValidation.runID(body)
        var status: RunStatus? = nil
        if let text = body.status, !text.isEmpty {
            guard let parsed = MLflowMapping.status(named: text) else {
                throw APIError.invalid(
                    "Invalid value '\(text)' for parameter 'status': expected RUNNING, SCHEDULED, FINISHED, FAILED or KILLED"
                )
            }
            status = parsed
        }
        let name = body.run_name.flatMap { $0.isEmpty ? nil : $0 }
        var events: [ProvEvent] = []
        let endedAt = try body.end_time.map {
            try MLflowMapping.time(unixMilliseconds: $0.value, field: "end_time")
        }
        if status != nil || name != nil || endedAt != nil {
            events.append(.runUpdate(RunUpdate(run: id, name: name, status: status, endedAt: endedAt)))
        }
        if let name { events.append(.tag(TagRecord(target: id, key: "mlflow.runName", value: name))) }
        if events.isEmpty {
            _ = try await run(id)
        } else {
            try await dependencies.write(events)
        }
        return JSONBody.response(RunInfoResponse(run_info: MLflowMapping.runInfo(try await run(id))))
    }

    func deleteRun(_ request: Request, context: Context) async throws -> Response {
        try await changeRunStage(request, to: .deleted)
    }

    func restoreRun(_ request: Request, context: Context) async throws -> Response {
        try await changeRunStage(request, to: .active)
    }

    private func changeRunStage(_ request: Request, to stage: LifecycleStage) async throws -> Response {
        let body = try await request.decodeJSON(RunIDRequest.self, limit: limit)
        let id = try MLflowValidation.runID(body)
        try await dependencies.write([
            .lifecycle(LifecycleChange(target: id, targetType: .run, stage: stage, time: dependencies.clock()))
        ])
        return try JSONBody.response(EmptyResponse())
    }

    /// The events of setting a run tag: the tag, and for MLflow's own tags the change they stand for.
    func tagEvents(run id: ProvID, key: String, value: String) async throws -> [ProvEvent] {
        var events: [ProvEvent] = [.tag(TagRecord(target: id, key: key, value: value))]
        switch key {
        case "mlflow.runName" where !value.isEmpty:
            events.append(.runUpdate(RunUpdate(run: id, name: value)))
        case "mlflow.parentRunId":
            // A parent that is the run itself, or its descendant, is refused by the store (a cycle).
            if let parent = ProvID(hex: value), try await store.node(parent)?.type == .run {
                events.append(.runUpdate(RunUpdate(run: id, parent: parent)))
            }
        default:
            break
        }
        return events
    }

    func setTag(_ request: Request, context: Context) async throws -> Response {
        let body = try await request.decodeJSON(KeyValueRunRequest.self, limit: limit)
        let id = try MLflowValidation.runID(body)
        let key = try MLflowValidation.key(body.key)
        try await dependencies.write(
            try await tagEvents(run: id, key: key, value: try MLflowValidation.tagValue(body.value, key: key)))
        return try JSONBody.response(EmptyResponse())
    }

    func deleteTag(_ request: Request, context: Context) async throws -> Response {
        let body = try await request.decodeJSON(KeyValueRunRequest.self, limit: limit)
        let id = try MLflowValidation.runID(body)
        let key = try MLflowValidation.key(body.key)
        let run = try await run(id)
        guard run.lifecycle == .active else {
            throw APIError.invalid(
                "The run \(id.hex) must be in the 'active' state. Current state is \(run.lifecycle.rawValue).")
        }
        guard run.tags.contains(where: { $0.key == key }) else {
            throw APIError.notFound("No tag with name: \(key) in run with id \(id.hex)")
        }
        try await dependencies.write([.tagDelete(TagDeletion(target: id, key: key))])
        return try JSONBody.response(EmptyResponse())
    }

    func logMetric(_ request: Request, context: Context) async throws -> Response {
        let body = try await request.decodeJSON(LogMetricRequest.self, limit: limit)
        let id = try MLflowValidation.runID(body)
        try await dependencies.write([.metric(try MLflowMapping.metricPoint(body.metric, run: id))])
        return try JSONBody.response(EmptyResponse())
    }

    func logParameter(_ request: Request, context: Context) async throws -> Response {
        let body = try await request.decodeJSON(KeyValueRunRequest.self, limit: limit)
        let id = try MLflowValidation.runID(body)
        let key = try MLflowValidation.key(body.key)
        try await dependencies.write([
            .parameter(
                ParameterRecord(run: id, key: key, value: try MLflowValidation.parameterValue(body.value, key: key)))
        ])
        return try JSONBody.response(EmptyResponse())
    }

    func logBatch(_ request: Request, context: Context) async throws -> Response {
        let body = try await request.decodeJSON(LogBatchRequest.self, limit: limit)
        let id = try MLflowValidation.runID(body)
        let metrics = body.metrics ?? []
        let params = body.params ?? []
        let tags = body.tags ?? []
        guard metrics.count <= MLflowValidation.maximumBatchMetrics,
            params.count <= MLflowValidation.maximumBatchParameters,
            tags.count <= MLflowValidation.maximumBatchTags,
            metrics.count + params.count + tags.count <= MLflowValidation.maximumBatchEntries
        else {
            throw APIError.invalid(
                "A batch logging request can contain at most 1000 metrics, 100 params and 100 tags, and at most 1000 entries in all; got \(metrics.count) metrics, \(params.count) params and \(tags.count) tags."
            )
        }
        var events: [ProvEvent] = []
        events.reserveCapacity(metrics.count + params.count + tags.count)
        var seenParameters: [String: String] = [:]
        for (index, parameter) in params.enumerated() {
            let key = try MLflowValidation.key(parameter.key, field: "params[\(index)].key")
            let value = try MLflowValidation.parameterValue(parameter.value, key: key)
            if let earlier = seenParameters.updateValue(value, forKey: key), earlier != value {
                throw APIError.invalid(
                    "Duplicate parameter keys have been submitted: '\(key)' appears twice with different values.")
            }
            events.append(.parameter(ParameterRecord(run: id, key: key, value: value)))
        }
        for (index, tag) in tags.enumerated() {
            let key = try MLflowValidation.key(tag.key, field: "tags[\(index)].key")
            events += try await tagEvents(run: id, key: key, value: try MLflowValidation.tagValue(tag.value, key: key))
        }
        for (index, metric) in metrics.enumerated() {
            events.append(.metric(try MLflowMapping.metricPoint(metric, run: id, index: "metrics[\(index)].")))
        }
        if events.isEmpty {
            _ = try await run(id)
        } else {
            try await dependencies.write(events)
        }
        return try JSONBody.response(EmptyResponse())
    }

    func logInputs(_ request: Request, context: Context) async throws -> Response {
        let body = try await request.decodeJSON(LogInputsRequest.self, limit: limit)
        let id = try MLflowValidation.runID(body)
        let now = dependencies.clock()
        var events: [ProvEvent] = []
        for (index, input) in (body.datasets ?? []).enumerated() {
            events += try MLflowMapping.datasetInputEvents(input, run: id, time: now, index: index)
        }
        for (index, model) in (body.models ?? []).enumerated() {
            guard let modelID = MLflowMapping.modelID(model.model_id) else {
                throw APIError.notFound("Logged model with ID '\(model.model_id ?? "")' not found (models[\(index)]).")
            }
            events.append(.relation(RelationRecord(.used, subject: id, object: modelID, time: now)))
        }
        if events.isEmpty {
            _ = try await run(id)
        } else {
            try await dependencies.write(events)
        }
        return try JSONBody.response(EmptyResponse())
    }

    func logOutputs(_ request: Request, context: Context) async throws -> Response {
        let body = try await request.decodeJSON(LogOutputsRequest.self, limit: limit)
        let id = try MLflowValidation.runID(body)
        let now = dependencies.clock()
        var events: [ProvEvent] = []
        for (index, output) in (body.models ?? []).enumerated() {
            guard let modelID = MLflowMapping.modelID(output.model_id) else {
                throw APIError.notFound("Logged model with ID '\(output.model_id ?? "")' not found (models[\(index)]).")
            }
            guard let step = output.step?.value else { throw APIError.missing("models[\(index)].step") }
            events.append(
                .relation(
                    RelationRecord(
                        .wasGeneratedBy, subject: modelID, object: id, time: now,
                        attributes: ["step": .number(Double(step))])))
        }
        if events.isEmpty {
            _ = try await run(id)
        } else {
            try await dependencies.write(events)
        }
        return try JSONBody.response(EmptyResponse())
    }

    func searchRuns(_ request: Request, context: Context) async throws -> Response {
        let body = try await request.decodeJSON(SearchRunsRequest.self, limit: limit)
        let experiments = try (body.experiment_ids ?? []).map {
            try MLflowValidation.experimentNumber($0, field: "experiment_ids")
        }
        let search = RunSearch(
            experiments: experiments, filter: try SearchGrammar.filter(body.filter ?? "", dialect: .runs),
            orderBy: try SearchGrammar.orderBy(body.order_by ?? [], dialect: .runs),
            lifecycle: lifecycle(body.run_view_type),
            limit: try pageSize(body.max_results?.value, default: 1000),
            offset: try SearchPageToken.decode(body.page_token))
        let page = try await store.searchRuns(search)
        return JSONBody.response(
            SearchRunsResponse(
                runs: page.items.isEmpty ? nil : page.items.map(MLflowMapping.run),
                next_page_token: page.hasMore ? SearchPageToken.encode(offset: search.offset + page.items.count) : nil))
    }

    func getMetricHistory(_ request: Request, context: Context) async throws -> Response {
        let query = request.query
        let id = try MLflowValidation.runID(RunIDRequest(run_id: query["run_id"], run_uuid: query["run_uuid"]))
        guard let key = query["metric_key"], !key.isEmpty else { throw APIError.missing("metric_key") }
        guard try await store.node(id)?.type == .run else { throw APIError.notFound("Run with id=\(id.hex) not found") }
        let size = try pageSize(query["max_results"].flatMap { Int64($0, radix: 10) }, default: 25_000, maximum: 25_000)
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

    // MARK: Logged models

    func createLoggedModel(_ request: Request, context: Context) async throws -> Response {
        let body = try await request.decodeJSON(CreateLoggedModelRequest.self, limit: limit)
        let experiment = try await experiment(try MLflowValidation.experimentNumber(body.experiment_id))
        guard experiment.lifecycle == .active else {
            throw APIError.invalid("The experiment \(experiment.number) must be in the 'active' state.")
        }
        let id = dependencies.ids.next()
        let now = dependencies.clock()
        var generator = SystemRandomNumberGenerator()
        let name = body.name.flatMap { $0.isEmpty ? nil : $0 } ?? RunNames.random(using: &generator)
        var parameters: [String: JSONValue] = [:]
        for (index, parameter) in (body.params ?? []).enumerated() {
            let key = try MLflowValidation.key(parameter.key, field: "params[\(index)].key")
            parameters[key] = .string(try MLflowValidation.parameterValue(parameter.value, key: key))
        }
        var tags: [String: JSONValue] = [:]
        for (index, tag) in (body.tags ?? []).enumerated() {
            let key = try MLflowValidation.key(tag.key, field: "tags[\(index)].key")
            tags[key] = .string(try MLflowValidation.tagValue(tag.value, key: key))
        }
        var attributes: [String: JSONValue] = [
            TrackedModel.Attribute.status: "LOGGED_MODEL_PENDING",
            TrackedModel.Attribute.updatedAt: .number(Double(MLflowMapping.milliseconds(now) ?? 0)),
        ]
        if let type = body.model_type, !type.isEmpty { attributes[TrackedModel.Attribute.modelType] = .string(type) }
        if !parameters.isEmpty { attributes[TrackedModel.Attribute.parameters] = .object(parameters) }
        if !tags.isEmpty { attributes[TrackedModel.Attribute.tags] = .object(tags) }
        // As MLflow does, a source run that isn't stored is accepted: its id is kept as given, in an attribute.
        var sourceRun: ProvID?
        if let runText = body.source_run_id, !runText.isEmpty {
            if let run = ProvID(hex: runText), try await !store.trackedRuns([run]).isEmpty {
                sourceRun = run
            } else {
                attributes[MLflowMapping.unlinkedSourceRunAttribute] = .string(runText)
            }
        }
        let location = "\(experiment.artifactLocation)/models/\(MLflowMapping.modelIDText(id))/artifacts"
        var events: [ProvEvent] = [
            .entity(
                EntityRecord(
                    id: id, kind: .model, name: name, location: location, createdAt: now, attributes: attributes)),
            .relation(RelationRecord(.hadMember, subject: experiment.id, object: id, time: now)),
        ]
        if let sourceRun {
            events.append(.relation(RelationRecord(.wasGeneratedBy, subject: id, object: sourceRun, time: now)))
        }
        if case .string(let user)? = tags["mlflow.user"], !user.isEmpty {
            let agent = MLflowMapping.userAgent(user)
            events.append(.agent(agent))
            events.append(.relation(RelationRecord(.wasAttributedTo, subject: id, object: agent.id, time: now)))
        }
        try await dependencies.write(events)
        return try JSONBody.response(LoggedModelResponse(model: MLflowMapping.loggedModel(try await model(id))))
    }

    /// The logged model with this id, or 404.
    func model(_ id: ProvID) async throws -> TrackedModel {
        guard let model = try await store.trackedModel(id), model.entity.kind == .model else {
            throw APIError.notFound("Logged model with ID '\(MLflowMapping.modelIDText(id))' not found.")
        }
        return model
    }

    func modelID(_ context: Context) throws -> ProvID {
        let text = context.parameters.get("model_id") ?? ""
        guard let id = MLflowMapping.modelID(text) else {
            throw APIError.notFound("Logged model with ID '\(text)' not found.")
        }
        return id
    }

    func getLoggedModel(_ request: Request, context: Context) async throws -> Response {
        try JSONBody.response(
            LoggedModelResponse(model: MLflowMapping.loggedModel(try await model(try modelID(context)))))
    }

    func finalizeLoggedModel(_ request: Request, context: Context) async throws -> Response {
        let body = try await request.decodeJSON(FinalizeLoggedModelRequest.self, limit: limit)
        let id = try modelID(context)
        guard let status = body.status, !status.isEmpty else { throw APIError.missing("status") }
        let valid = ["LOGGED_MODEL_PENDING", "LOGGED_MODEL_READY", "LOGGED_MODEL_UPLOAD_FAILED"]
        guard valid.contains(status) else {
            throw APIError.invalid(
                "Invalid value '\(status)' for parameter 'status': expected one of \(valid.joined(separator: ", "))")
        }
        try await updateModel(id) { attributes in
            attributes[TrackedModel.Attribute.status] = .string(status)
        }
        return try JSONBody.response(LoggedModelResponse(model: MLflowMapping.loggedModel(try await model(id))))
    }

    func setLoggedModelTags(_ request: Request, context: Context) async throws -> Response {
        let body = try await request.decodeJSON(SetLoggedModelTagsRequest.self, limit: limit)
        let id = try modelID(context)
        var tags: [(String, String)] = []
        for (index, tag) in (body.tags ?? []).enumerated() {
            let key = try MLflowValidation.key(tag.key, field: "tags[\(index)].key")
            tags.append((key, try MLflowValidation.tagValue(tag.value, key: key)))
        }
        try await updateModel(id) { attributes in
            var members = attributes[TrackedModel.Attribute.tags]?.objectValue ?? [:]
            for (key, value) in tags { members[key] = .string(value) }
            attributes[TrackedModel.Attribute.tags] = .object(members)
        }
        return try JSONBody.response(EmptyResponse())
    }

    /// Re-records a logged model's entity with changed attributes (the entity event carries them all).
    private func updateModel(_ id: ProvID, _ change: (inout [String: JSONValue]) -> Void) async throws {
        var entity = try await model(id).entity
        change(&entity.attributes)
        entity.attributes[TrackedModel.Attribute.updatedAt] = .number(
            Double(MLflowMapping.milliseconds(dependencies.clock()) ?? 0))
        try await dependencies.write([.entity(entity)])
    }

    func searchLoggedModels(_ request: Request, context: Context) async throws -> Response {
        let body = try await request.decodeJSON(SearchLoggedModelsRequest.self, limit: limit)
        let experiments = try (body.experiment_ids ?? []).map {
            try MLflowValidation.experimentNumber($0, field: "experiment_ids")
        }
        var filter = try SearchGrammar.filter(body.filter ?? "", dialect: .loggedModels)
        // Model ids are `m-<hex>` to clients and plain ids in the store.
        for index in filter.indices where filter[index].key == .attribute(.id) {
            switch filter[index].value {
            case .string(let text):
                filter[index].value = .string(text.hasPrefix("m-") ? String(text.dropFirst(2)) : text)
            case .list(let texts):
                filter[index].value = .list(texts.map { $0.hasPrefix("m-") ? String($0.dropFirst(2)) : $0 })
            default: break
            }
        }
        var orders: [SearchOrder] = []
        for (index, order) in (body.order_by ?? []).enumerated() {
            guard let field = order.field_name, !field.isEmpty else {
                throw APIError.missing("order_by[\(index)].field_name")
            }
            guard let parsed = try SearchGrammar.orderBy([field], dialect: .loggedModels).first else { continue }
            orders.append(SearchOrder(parsed.key, ascending: order.ascending ?? true))
        }
        let search = ModelSearch(
            experiments: experiments, filter: filter, orderBy: orders,
            limit: try pageSize(body.max_results?.value, default: 100),
            offset: try SearchPageToken.decode(body.page_token))
        let page = try await store.searchModels(search)
        return try JSONBody.response(
            SearchLoggedModelsResponse(
                models: page.items.map(MLflowMapping.loggedModel),
                next_page_token: page.hasMore ? SearchPageToken.encode(offset: search.offset + page.items.count) : nil))
    }

    // MARK: Helpers

    func lifecycle(_ viewType: MLflowViewType?) -> LifecycleFilter {
        switch viewType {
        case .deletedOnly?: .deletedOnly
        case .all?: .all
        default: .activeOnly
        }
    }

    /// A page size a client asked for: at least 1, at most the server's maximum.
    func pageSize(_ requested: Int64?, default defaultSize: Int, maximum: Int? = nil) throws -> Int {
        let maximum = maximum ?? dependencies.configuration.maxSearchResults
        guard let requested else { return min(defaultSize, maximum) }
        guard requested >= 1, requested <= maximum, let size = Int(exactly: requested) else {
            throw APIError.invalid(
                "Invalid value \(requested) for parameter 'max_results' supplied. It must be at most \(maximum) and at least 1."
            )
        }
        return size
    }
}

extension MLflowInt64 {
    /// An int64 field made from a value already parsed (a query parameter).
    init(value: Int64) {
        self.value = value
    }
}
