import Hummingbird
import ProvModel
import ProvQuery
import ProvStore

/// The MLflow run routes (`runs/create`, `runs/get`, `runs/update`, `runs/search`, deleting and restoring runs,
/// their tags).
struct MLflowRunsController<Context: RequestContext>: MLflowResourceController {
    let dependencies: ServerDependencies

    func createRun(_ request: Request, context: Context) async throws -> Response {
        let body = try await request.decodeJSON(CreateRunRequest.self, limit: limit)
        let experiment = try await dependencies.experiment(
            try MLflowValidation.experimentNumber(body.experiment_id ?? "0"))
        var generator = SystemRandomNumberGenerator()
        let new = try MLflowTranslation.createRun(
            body, experiment: experiment, newID: { dependencies.ids.next() }, now: dependencies.clock(),
            client: request.headers[.userAgent], randomName: { RunNames.random(using: &generator) })
        try await dependencies.write(new.events)
        var out = MLflowMapping.run(new.run)
        out.outputs = nil
        return JSONBody.response(RunResponse(run: out))
    }

    func getRun(_ request: Request, context: Context) async throws -> Response {
        let query = request.query
        let id = try MLflowValidation.runID(RunIDRequest(run_id: query["run_id"], run_uuid: query["run_uuid"]))
        return JSONBody.response(RunResponse(run: MLflowMapping.run(try await dependencies.run(id))))
    }

    func updateRun(_ request: Request, context: Context) async throws -> Response {
        let body = try await request.decodeJSON(UpdateRunRequest.self, limit: limit)
        let id = try MLflowValidation.runID(body)
        try await dependencies.write(try MLflowTranslation.updateRun(body, run: id), about: id)
        return JSONBody.response(RunInfoResponse(run_info: MLflowMapping.runInfo(try await dependencies.run(id))))
    }

    func deleteRun(_ request: Request, context: Context) async throws -> Response {
        try await changeRunStage(request, to: .deleted)
    }

    func restoreRun(_ request: Request, context: Context) async throws -> Response {
        try await changeRunStage(request, to: .active)
    }

    private func changeRunStage(_ request: Request, to stage: LifecycleStage) async throws -> Response {
        try await record(request, RunIDRequest.self) { body in
            MLflowTranslation.runStage(try MLflowValidation.runID(body), to: stage, time: dependencies.clock())
        }
    }

    func setTag(_ request: Request, context: Context) async throws -> Response {
        try await record(request, KeyValueRunRequest.self, MLflowTranslation.setRunTag)
    }

    func deleteTag(_ request: Request, context: Context) async throws -> Response {
        let body = try await request.decodeJSON(KeyValueRunRequest.self, limit: limit)
        let id = try MLflowValidation.runID(body)
        let key = try MLflowValidation.key(body.key)
        let run = try await dependencies.run(id)
        try await dependencies.write(try MLflowTranslation.deleteRunTag(run, key: key))
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
            lifecycle: dependencies.lifecycle(body.run_view_type),
            limit: try dependencies.pageSize(body.max_results?.value, default: 1000),
            offset: try SearchPageToken.decode(body.page_token))
        let page = try await store.searchRuns(search)
        return JSONBody.response(
            SearchRunsResponse(
                runs: page.items.isEmpty ? nil : page.items.map(MLflowMapping.run),
                next_page_token: page.hasMore ? SearchPageToken.encode(offset: search.offset + page.items.count) : nil))
    }
}
