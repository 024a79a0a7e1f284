import Foundation
import ProvModel
import ProvQuery
import ProvStore
import ProvStoreSQLite
import ProvTesting
import Testing

@testable import ProvAnalysis

@Suite("Stored curve results and the report")
struct ReportAndStorageTests {
    @Test(.enabled(if: SharedData.available("record-trails/cifar100")))
    func curveResultsAreStoredAsDerivedEntitiesAndUpdatedInPlace() async throws {
        let (store, experiment) = try await AnalysisFixtures.trails()
        let report = try CurveAnalyzer().analyze(experiment)
        let events = CurveResultEvents.events(for: report, version: "test", time: ProvTime(microsecondsSinceEpoch: 0))
        let first = try await store.ingestCounting(events)
        #expect(first.entities == 6)  // a learning_curve and a curve_class per run
        #expect(first.agents == 1)
        // Storing again changes nothing: same ids, same relations.
        let again = try await store.ingestCounting(events)
        #expect(again.entities == 0 && again.relations == 0 && again.agents == 0)
        for result in report.results {
            let classID = CurveResultEvents.classID(run: result.run, metric: result.metric)
            let curveID = CurveResultEvents.curveID(run: result.run, metric: result.metric)
            let lineage = try await store.lineage(of: classID, direction: .up, depth: 2)
            #expect(
                lineage.edges.contains { $0.kind == .wasDerivedFrom && $0.subject == classID && $0.object == curveID })
            #expect(
                lineage.edges.contains {
                    $0.kind == .wasGeneratedBy && $0.subject == curveID && $0.object == result.run
                })
            #expect(lineage.edges.contains { $0.kind == .wasAttributedTo && $0.object == CurveResultEvents.agentID })
            let node = try #require(try await store.node(classID))
            #expect(node.kind == "curve_class")
        }
        // The class entity carries the class, the thresholds with their sources and PENGUIN's prediction.
        let neverRun = try #require(report.results.first { $0.label.hasSuffix("917381") })
        let neverID = CurveResultEvents.classID(run: neverRun.run, metric: neverRun.metric)
        let records = try await store.records(for: .lineage(neverID, direction: .up, depth: 1), includePoints: false)
        let never = try #require(records.entities.first { $0.id == neverID })
        #expect(never.kind == .curveClass)
        #expect(never.attributes["class"] == .string("never_learner"))
        guard case .object(let thresholds)? = never.attributes["thresholds"],
            case .object(let delta)? = thresholds["delta"], case .object(let penguin)? = never.attributes["penguin"]
        else {
            Issue.record("attributes missing: \(never.attributes)")
            return
        }
        #expect(delta["value"] == .number(1) && delta["source"] == .string("provkit-proposal"))
        #expect(penguin["converged"] == .bool(true) && penguin["convergence_epoch"] == .number(3))
    }

    @Test func unknownExperimentNamesTheKnownOnes() async throws {
        let (store, _) = try await AnalysisFixtures.empty()
        await #expect(throws: AnalysisError.invalidOption("no experiment named 'nope'; the store has: empty")) {
            try await ExperimentData.load("nope", from: store)
        }
    }

    @Test func reportIsSelfContainedWithEveryOptionalSection() throws {
        let run = ProvID(high: 7, low: 7)
        let epochs = (1...10).map(Double.init)
        let curve = LearningCurve(
            run: run, runName: "net <1> & \"x\"",
            accuracy: CurveSeries(key: "acc", epochs: epochs, values: epochs.map { 0.1 + 0.08 * $0 }), classCount: 10)
        let result = try CurveAnalyzer().analyze(curve)
        let curves = CurveAnalysisReport(
            experiment: "e", results: [result], skipped: [], classCounts: ["early_learner": 1],
            classifier: .default, predictor: .default)
        let features = FeatureTable(
            experiment: "e", runs: [run], runNames: [curve.label],
            columns: [
                FeatureColumn(
                    name: "lr", group: .training, role: .configuration, isCategorical: false, term: nil, source: "p",
                    values: [.number(0.1)])
            ])
        var report = AnalysisReport(
            experiment: "e", generatedAt: "2026-01-01T00:00:00Z", features: features, curves: curves)
        let plain = ReportRenderer.html(report)
        #expect(plain.hasPrefix("<!DOCTYPE html>"))
        #expect(!plain.contains("Feature strength") && !plain.contains("id=\"causal\""))
        #expect(plain.contains("net &lt;1&gt; &amp; &quot;x&quot;"))
        #expect(!plain.contains("net <1>"))
        #expect(!plain.contains("<script") && !plain.contains("src=\"http") && !plain.contains("href=\"http"))
        report.strength = [
            ReportBarChart(
                title: "Spearman with final_accuracy", valueLabel: "ρ", bars: [.init(label: "lr", value: -0.4)])
        ]
        report.causalGraph = ReportGraph(
            title: "Causal graph", nodes: [.init(id: "lr", tier: 1), .init(id: "final_accuracy", tier: 3)],
            edges: [.init(from: "lr", to: "final_accuracy", directed: true)])
        let full = ReportRenderer.html(report)
        #expect(full.contains("<section id=\"strength\">") && full.contains("<section id=\"causal\">"))
        #expect(full.contains("marker-end=\"url(#arrow)\""))
        #expect(full.components(separatedBy: "<svg").count - 1 >= 4)
        // The JSON form round-trips (unbounded parameters as "Infinity", as the CLI and the server write them).
        let encoder = JSONEncoder()
        encoder.nonConformingFloatEncodingStrategy = .convertToString(
            positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(
            positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        #expect(try decoder.decode(AnalysisReport.self, from: try encoder.encode(report)) == report)
    }
}
