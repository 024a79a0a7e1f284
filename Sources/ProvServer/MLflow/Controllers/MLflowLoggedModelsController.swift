import Hummingbird
import ProvModel
import ProvQuery
import ProvStore

/// The MLflow logged-model routes (`logged-models`, `logged-models/search`, `logged-models/{id}` and its tags).
struct MLflowLoggedModelsController<Context: RequestContext>: MLflowResourceController {
    let dependencies: ServerDependencies

    func createLoggedModel(_ request: Request, context: Context) async throws -> Response {
        let body = try await request.decodeJSON(CreateLoggedModelRequest.self, limit: limit)
        let experiment = try await dependencies.experiment(try MLflowValidation.experimentNumber(body.experiment_id))
        // As MLflow does, a source run that isn't stored is accepted (its id is kept as given).
        var sourceRunIsHeld = false
        if let run = MLflowTranslation.sourceRunCandidate(body) {
            sourceRunIsHeld = try await !store.trackedRuns([run]).isEmpty
        }
        var generator = SystemRandomNumberGenerator()
        let (id, events) = try MLflowTranslation.createLoggedModel(
            body, experiment: experiment, newID: { dependencies.ids.next() }, now: dependencies.clock(),
            sourceRunIsHeld: sourceRunIsHeld, randomName: { RunNames.random(using: &generator) })
        try await dependencies.write(events)
        return try JSONBody.response(
            LoggedModelResponse(model: MLflowMapping.loggedModel(try await dependencies.model(id))))
    }

    /// The model id in the route, or 404.
    func modelID(_ context: Context) throws -> ProvID {
        let text = context.parameters.get("model_id") ?? ""
        guard let id = MLflowMapping.modelID(text) else {
            throw APIError.notFound("Logged model with ID '\(text)' not found.")
        }
        return id
    }

    func getLoggedModel(_ request: Request, context: Context) async throws -> Response {
        try JSONBody.response(
            LoggedModelResponse(model: MLflowMapping.loggedModel(try await dependencies.model(try modelID(context)))))
    }

    func finalizeLoggedModel(_ request: Request, context: Context) async throws -> Response {
        let body = try await request.decodeJSON(FinalizeLoggedModelRequest.self, limit: limit)
        let id = try modelID(context)
        let status = try MLflowTranslation.loggedModelStatus(body)
        try await updateModel(id, .status(status))
        return try JSONBody.response(
            LoggedModelResponse(model: MLflowMapping.loggedModel(try await dependencies.model(id))))
    }

    func setLoggedModelTags(_ request: Request, context: Context) async throws -> Response {
        let body = try await request.decodeJSON(SetLoggedModelTagsRequest.self, limit: limit)
        let id = try modelID(context)
        try await updateModel(id, .tags(try MLflowTranslation.tags(body.tags)))
        return try JSONBody.response(EmptyResponse())
    }

    private func updateModel(_ id: ProvID, _ change: MLflowTranslation.LoggedModelChange) async throws {
        let entity = try await dependencies.model(id).entity
        try await dependencies.write(
            MLflowTranslation.updateLoggedModel(entity, change, time: dependencies.clock()))
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
            limit: try dependencies.pageSize(body.max_results?.value, default: 100),
            offset: try SearchPageToken.decode(body.page_token))
        let page = try await store.searchModels(search)
        return try JSONBody.response(
            SearchLoggedModelsResponse(
                models: page.items.map(MLflowMapping.loggedModel),
                next_page_token: page.hasMore ? SearchPageToken.encode(offset: search.offset + page.items.count) : nil))
    }
}
