import Testing

@testable import ProvAnalysis

@Suite struct EffectsTests {
    func graph(_ nodes: [String], directed: [[String]], undirected: [[String]] = []) throws -> ProvCausalGraph {
        try ProvGraphInterchange(nodes: nodes, directed: directed, undirected: undirected).graph()
    }

    @Test func optimalSetOfKnownGraphs() throws {
        // Confounder c, mediator m, parent of the mediator p, descendant of the treatment d.
        let g = try graph(
            ["c", "t", "m", "y", "p", "d"],
            directed: [["c", "t"], ["c", "y"], ["t", "m"], ["m", "y"], ["p", "m"], ["t", "d"]])
        #expect(try ProvAdjustment.optimalSet(in: g, treatment: "t", outcome: "y") == ["c", "p"])
        #expect(throws: AnalysisError.self) { try ProvAdjustment.optimalSet(in: g, treatment: "y", outcome: "t") }
        let cpdag = try graph(["a", "t", "y"], directed: [["t", "y"]], undirected: [["a", "t"]])
        #expect(throws: AnalysisError.self) { try ProvAdjustment.optimalSet(in: cpdag, treatment: "t", outcome: "y") }
        let cycle = try graph(["a", "b", "c"], directed: [["a", "b"], ["b", "c"], ["c", "a"]])
        #expect(throws: AnalysisError.self) { try ProvAdjustment.optimalSet(in: cycle, treatment: "a", outcome: "c") }
    }

    @Test func backdoorEstimateRecoversTheEffectAndRefutersBehave() throws {
        var generator = ProvSeededGenerator(seed: 5)
        let n = 3000
        let c = (0..<n).map { _ in generator.nextNormal() }
        let t = (0..<n).map { c[$0] + generator.nextNormal() }
        let y = (0..<n).map { 2 * t[$0] - 3 * c[$0] + generator.nextNormal() }
        let table = try DataTable(columnNames: ["c", "t", "y"], columns: [c, t, y])
        let estimate = try ProvBackdoor.estimate(
            table, treatment: "t", outcome: "y", adjustment: ["c"],
            options: ProvEffectOptions(refuters: ProvRefuterKind.allCases, simulations: 50, seed: 1))
        #expect(abs(estimate.effect - 2) < 4 * estimate.standardError)
        #expect(estimate.confidenceInterval[0] < estimate.effect && estimate.effect < estimate.confidenceInterval[1])
        #expect(estimate.degreesOfFreedom == n - 3)
        for refutation in estimate.refutations {
            #expect(refutation.test == "one-sided normal")
            #expect(!refutation.isStatisticallySignificant)
        }
        let naive = try ProvBackdoor.estimate(table, treatment: "t", outcome: "y", adjustment: [])
        #expect(abs(naive.effect - 2) > 1)  // confounded without adjustment
    }

    @Test func dowhySignificanceRules() {
        let simulations = (0..<100).map { Double($0) / 100 }
        let (p, test) = ProvBackdoor.significance(of: 0.5, simulations: simulations)
        #expect(test == "two-sided percentile")
        #expect(abs(p - 0.99) < 1e-12)  // h = 0.49 + 0.5·0.01 = 0.495, p = 2·min(h, 1 − h)
        let few = ProvBackdoor.significance(of: 10, simulations: [1, 2, 3])
        #expect(few.test == "one-sided normal" && few.pValue < 1e-10)
    }
}
