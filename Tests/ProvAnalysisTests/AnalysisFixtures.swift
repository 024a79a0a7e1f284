import Foundation
import Logging
import ProvAnalysis
import ProvImport
import ProvModel
import ProvQuery
import ProvStore
import ProvTesting

/// Stores built the way users build them: the real importers into a store, then loaded for analysis.
enum AnalysisFixtures {
    static let trailIDs = [
        "2021_02_15_13_55_26_539263", "2021_02_15_13_56_59_917381", "2021_02_15_14_01_32_105932",
    ]

    static func importFiles(
        _ relativePaths: [String], experiment name: String, importer: some ProvenanceImporter
    ) async throws -> (store: InMemoryStore, experiment: ExperimentData) {
        let store = InMemoryStore(logger: Logger(label: "test"))
        let experiment = ProvID.experiment(named: name)
        var context = ImportContext(ids: UUIDv7Generator())
        var events: [ProvEvent] = [.experiment(ExperimentRecord(id: experiment, name: name))]
        for path in relativePaths {
            let url = try SharedData.require(path)
            let file = ImportFile(name: url.lastPathComponent, contents: try String(contentsOf: url, encoding: .utf8))
            events += try importer.events(
                fileName: file.name, contents: file.contents, experiment: experiment, context: &context)
        }
        try await store.ingest(events)
        return (store, try await ExperimentData.load(name, from: store))
    }

    /// A store with one experiment called `empty` and no runs.
    static func empty() async throws -> (store: InMemoryStore, experiment: ProvID) {
        let store = InMemoryStore(logger: Logger(label: "test"))
        let id = ProvID.experiment(named: "empty")
        try await store.ingest([.experiment(ExperimentRecord(id: id, name: "empty"))])
        return (store, id)
    }

    /// The three CIFAR-100 record trails, imported.
    static func trails() async throws -> (store: InMemoryStore, experiment: ExperimentData) {
        try await importFiles(
            trailIDs.map { "record-trails/cifar100/\($0).txt" }, experiment: "record-trails",
            importer: RecordTrailImporter())
    }

    /// The A4NN 1e16 histories, imported.
    static func a4nn() async throws -> (store: InMemoryStore, experiment: ExperimentData) {
        try await importFiles(
            ["a4nn/1gpu_1e16_training_data.csv"], experiment: "a4nn", importer: A4NNImporter())
    }
}
