import ProvModel
import Testing

@testable import ProvAnalysis

@Suite struct ExperimentExplanationTests {
    /// A feature table of `runs` runs where the learning rate drives the final accuracy, the batch size does not,
    /// and the optimizer is categorical.
    func table(runs: Int) -> FeatureTable {
        var generator = ProvSeededGenerator(seed: 7)
        var learningRate: [FeatureValue] = []
        var batch: [FeatureValue] = []
        var accuracy: [FeatureValue] = []
        for _ in 0..<runs {
            let lr = Double.random(in: 0..<1, using: &generator)
            learningRate.append(.number(lr))
            batch.append(.number(Double.random(in: 0..<1, using: &generator)))
            accuracy.append(.number(0.2 + 0.5 * lr + 0.05 * Double.random(in: 0..<1, using: &generator)))
        }
        let column = { (name: String, role: FeatureRole, values: [FeatureValue]) in
            FeatureColumn(
                name: name, group: role == .outcome ? .behaviour : .training, role: role, isCategorical: false,
                term: nil, source: "test", values: values)
        }
        return FeatureTable(
            experiment: "sweep", runs: (0..<runs).map { ProvID.derived(from: "run-\($0)") },
            runNames: (0..<runs).map { "run-\($0)" },
            columns: [
                column("learning_rate", .configuration, learningRate), column("batch_size", .configuration, batch),
                FeatureColumn(
                    name: "optimizer", group: .training, role: .configuration, isCategorical: true, term: nil,
                    source: "test", values: Array(repeating: .category("sgd"), count: runs)),
                column("final_accuracy", .outcome, accuracy),
            ])
    }

    @Test func strengthAndGraphFollowTheData() throws {
        let explanation = ExperimentExplanation.make(features: table(runs: 200))
        #expect(explanation.outcome == "final_accuracy")
        let strength = try #require(explanation.strength)
        #expect(strength.features.map(\.feature) == ["learning_rate", "batch_size"])
        #expect(strength.features[0].spearman > 0.9)
        #expect(abs(strength.features[1].spearman) < 0.2)
        let causal = try #require(explanation.causal)
        // The tiers orient the one edge: configuration (1) before outcome (3); batch size is unconnected.
        #expect(causal.directed == [["learning_rate", "final_accuracy"]])
        #expect(causal.undirected.isEmpty)
        #expect(explanation.dropped.map(\.name) == ["optimizer"])

        var report = AnalysisReport(
            experiment: "sweep", generatedAt: "2026-01-01T00:00:00Z", features: table(runs: 200),
            curves: CurveAnalysisReport(
                experiment: "sweep", results: [], skipped: [], classCounts: [:], classifier: .default,
                predictor: .default), notes: [])
        report.include(explanation)
        #expect(report.strength.count == 4)
        #expect(report.causalGraph?.edges == [ReportGraph.Edge(from: "learning_rate", to: "final_accuracy", directed: true)])
        #expect(report.notes.contains { $0.contains("optimizer (categorical)") })
    }

    @Test func tooFewRunsGiveANoteNotAnError() {
        let explanation = ExperimentExplanation.make(features: table(runs: 5))
        #expect(explanation.strength == nil && explanation.causal == nil)
        #expect(explanation.notes.first?.contains("at least 10 runs") == true)
    }
}
