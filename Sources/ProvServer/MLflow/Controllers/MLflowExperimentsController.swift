import Foundation
import Hummingbird
import ProvModel
import ProvQuery
import ProvStore

/// The MLflow experiment routes (`experiments/...`).
struct MLflowExperimentsController<Context: RequestContext>: MLflowResourceController {
    let dependencies: ServerDependencies

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
            ExperimentResponse(experiment: MLflowMapping.experiment(try await dependencies.experiment(number))))
    }

    func createExperiment(_ request: Request, context: Context) async throws -> Response {
        let body = try await request.decodeJSON(CreateExperimentRequest.self, limit: limit)
        let name = try MLflowTranslation.experimentName(body)
        if try await store.trackedExperiment(.name(name)) != nil {
            throw APIError.alreadyExists("Experiment '\(name)' already exists.")
        }
        try MLflowTranslation.checkArtifactLocation(body)
        // The id follows the name, as capture processes derive it, unless another experiment already holds that id
        // (one that was renamed since).
        var id = ProvID.experiment(named: name)
        if try await store.trackedExperiment(.id(id)) != nil { id = dependencies.ids.next() }
        let new = try MLflowTranslation.createExperiment(
            body, name: name, id: id, createdAt: dependencies.clock(),
            currentDirectory: FileManager.default.currentDirectoryPath)
        let created = try await store.createExperiment(
            new.record, tags: new.tags, artifactLocation: new.artifactLocation)
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
        let maximum = try dependencies.pageSize(body.max_results?.value, default: 1000)
        let search = ExperimentSearch(
            filter: try SearchGrammar.filter(body.filter ?? "", dialect: .experiments),
            orderBy: try SearchGrammar.orderBy(body.order_by ?? [], dialect: .experiments),
            lifecycle: dependencies.lifecycle(body.view_type), limit: maximum,
            offset: try SearchPageToken.decode(body.page_token))
        let page = try await store.searchExperiments(search)
        return try JSONBody.response(
            SearchExperimentsResponse(
                experiments: page.items.map(MLflowMapping.experiment),
                next_page_token: page.hasMore ? SearchPageToken.encode(offset: search.offset + page.items.count) : nil))
    }

    func updateExperiment(_ request: Request, context: Context) async throws -> Response {
        let body = try await request.decodeJSON(UpdateExperimentRequest.self, limit: limit)
        let experiment = try await dependencies.experiment(try MLflowValidation.experimentNumber(body.experiment_id))
        let renamed = try MLflowTranslation.renameExperiment(experiment, body)
        if renamed.name != experiment.name, try await store.trackedExperiment(.name(renamed.name)) != nil {
            throw APIError.alreadyExists("Experiment '\(renamed.name)' already exists.")
        }
        try await dependencies.write([.experiment(renamed)])
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
        try MLflowTranslation.checkExperimentStage(number: number, to: stage)
        let experiment = try await dependencies.experiment(number)
        try await dependencies.write(
            MLflowTranslation.experimentStage(experiment, to: stage, time: dependencies.clock()))
        return try JSONBody.response(EmptyResponse())
    }

    func setExperimentTag(_ request: Request, context: Context) async throws -> Response {
        let body = try await request.decodeJSON(SetExperimentTagRequest.self, limit: limit)
        let experiment = try await dependencies.experiment(try MLflowValidation.experimentNumber(body.experiment_id))
        try await dependencies.write(try MLflowTranslation.setExperimentTag(experiment, body))
        return try JSONBody.response(EmptyResponse())
    }

    func deleteExperimentTag(_ request: Request, context: Context) async throws -> Response {
        let body = try await request.decodeJSON(SetExperimentTagRequest.self, limit: limit)
        let experiment = try await dependencies.experiment(try MLflowValidation.experimentNumber(body.experiment_id))
        try await dependencies.write(try MLflowTranslation.deleteExperimentTag(experiment, body))
        return try JSONBody.response(EmptyResponse())
    }
}
