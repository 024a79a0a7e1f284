import Foundation
import ProvExport
import ProvModel
import ProvStore
import ProvTesting
import Testing

/// Mutated PROV-JSON documents: the reader and the importer return a document and events or throw a
/// ``ProvImportError``, never trap.
@Suite("Fuzz: PROV-JSON import")
struct PROVJSONFuzzTests {
    @Test("exported runs and lineage, mutated, read and imported", .timeLimit(.minutes(10)))
    func provJSON() async throws {
        let campaign = try await Campaign(points: 2)
        let exporter = ProvExporter(taxonomy: try TestTaxonomy.make())
        let seeds = [
            exporter.text(try await campaign.records(.run(campaign.tasks[0])), format: .provJSON),
            exporter.text(
                try await campaign.records(.lineage(campaign.best, direction: .up, depth: 2)), format: .provJSON),
        ]
        let outcome = MutationFuzzer(name: "prov-json").run(seeds: seeds) { text in
            let document = try PROVJSONReader.read(text)
            _ = try PROVJSONImportTests.importer().events(from: document, existingExperiments: [:])
        }
        #expect(outcome.accepted > 0 && outcome.refused > 0, "\(outcome)")
    }
}
