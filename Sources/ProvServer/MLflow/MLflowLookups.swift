import ProvModel
import ProvStore

/// The store reads the MLflow controllers share: what a request names, or the MLflow error when it is not there.
extension ServerDependencies {
    /// The experiment with this number, or 404.
    func experiment(_ number: Int64) async throws -> TrackedExperiment {
        guard let experiment = try await store.trackedExperiment(.number(number)) else {
            throw APIError.notFound("No Experiment with id=\(number) exists")
        }
        return experiment
    }

    /// The run a request names, or 404.
    func run(_ id: ProvID) async throws -> TrackedRun {
        guard let run = try await store.trackedRuns([id]).first else {
            throw APIError.notFound("Run with id=\(id.hex) not found")
        }
        return run
    }

    /// The logged model with this id, or 404.
    func model(_ id: ProvID) async throws -> TrackedModel {
        guard let model = try await store.trackedModel(id), model.entity.kind == .model else {
            throw APIError.notFound("Logged model with ID '\(MLflowMapping.modelIDText(id))' not found.")
        }
        return model
    }

    /// Stores `events`, or, when there are none, checks that the run they would be about exists (404 otherwise).
    func write(_ events: [ProvEvent], about run: ProvID) async throws {
        if events.isEmpty {
            _ = try await self.run(run)
        } else {
            try await write(events)
        }
    }

    /// Which lifecycle stages a search with this view type sees.
    func lifecycle(_ viewType: MLflowViewType?) -> LifecycleFilter {
        switch viewType {
        case .deletedOnly?: .deletedOnly
        case .all?: .all
        default: .activeOnly
        }
    }

    /// A page size a client asked for: at least 1, at most the server's maximum.
    func pageSize(_ requested: Int64?, default defaultSize: Int, maximum: Int? = nil) throws -> Int {
        let maximum = maximum ?? configuration.maxSearchResults
        guard let requested else { return min(defaultSize, maximum) }
        guard requested >= 1, requested <= maximum, let size = Int(exactly: requested) else {
            throw APIError.invalid(
                "Invalid value \(requested) for parameter 'max_results' supplied. It must be at most \(maximum) and at least 1."
            )
        }
        return size
    }
}
