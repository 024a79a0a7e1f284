import Foundation
import ProvImport
import ProvModel
import ProvTesting
import Testing

/// Mutated A4NN histories and record trails: the importers return events or throw an ``ImportError``, never trap.
@Suite("Fuzz: importers")
struct ImporterFuzzTests {
    @Test("A4NN training histories", .timeLimit(.minutes(10)))
    func a4nn() {
        let seeds = [
            InlineFiles.a4nn, InlineFiles.a4nn(replacingLine: 3, with: "1,1e308,-0,9.5,True,\"[[1]]\",1,0"),
        ]
        let outcome = MutationFuzzer(name: "a4nn").run(seeds: seeds) { text in _ = try importA4NN(text) }
        #expect(outcome.accepted > 0 && outcome.refused > 0, "\(outcome)")
    }

    @Test("record trails", .timeLimit(.minutes(10)))
    func recordTrails() {
        let outcome = MutationFuzzer(name: "record-trail").run(seeds: [InlineFiles.trail]) { text in
            _ = try importTrail(text)
        }
        #expect(outcome.accepted > 0 && outcome.refused > 0, "\(outcome)")
    }
}
