public import ProvAnalysis
public import ProvStore
import ProvModel

extension ExperimentData {
    /// Loads an experiment's runs, with every metric point, from a store: the bridge between the store and the
    /// analyses, which take values and return values.
    /// - Parameter reference: the experiment's name or id.
    /// - Throws: `AnalysisError.invalidOption` naming the experiments there are when none matches.
    public static func load(_ reference: String, from store: some ProvenanceGraphStore) async throws -> ExperimentData {
        let experiments = try await store.experiments()
        guard
            let match = experiments.first(where: { $0.name == reference })
                ?? experiments.first(where: { $0.id.hex == reference.lowercased() })
        else {
            let names = experiments.map(\.name).sorted()
            throw AnalysisError.invalidOption(
                "no experiment named '\(reference)'; the store has: "
                    + (names.isEmpty ? "no experiments" : names.joined(separator: ", ")))
        }
        let records = try await store.records(for: .experiment(match.id), includePoints: true)
        return try ExperimentData(records: records, experiment: match.id)
    }
}
