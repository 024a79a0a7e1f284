import Foundation
import ProvTesting
import Testing

/// `provkit analyze features|curves|report` as a user runs them, on imported record trails.
@Suite("provkit analyze (curves, features, report)")
struct AnalyzeCurvesCommandTests {
    func trailsFixture() throws -> CLIFixture {
        let fixture = try CLIFixture()
        let folder = try SharedData.require("record-trails/cifar100")
        try fixture.succeed(["import", "trails", folder.path])
        return fixture
    }

    @Test(.enabled(if: SharedData.available("record-trails/cifar100")))
    func curvesPrintTheClassesAndPredictionsAndStoreThem() throws {
        let fixture = try trailsFixture()
        let output = try fixture.succeed(["analyze", "curves", "--experiment", "record-trails"]).standardOutput
        let lines = output.split(separator: "\n").map(String.init)
        #expect(lines.first == "Experiment 'record-trails': 3 learning curves")
        #expect(lines.contains { $0.hasPrefix("2021_02_15_13_55_26_539263  overfitter     0.5    28.77  10.5      26.35   4") })
        #expect(lines.contains { $0.hasPrefix("2021_02_15_13_56_59_917381  never_learner  -      1.30   10.5      0.93    3") })
        #expect(lines.contains { $0.hasPrefix("2021_02_15_14_01_32_105932  early_learner  0.5    17.11  11.5      16.10   8.5") })
        #expect(lines.contains("Classes: never_learner 1, late_learner 0, early_learner 1, overfitter 1, diverged 0"))
        #expect(lines.last == "Stored 3 curve_class entities (wasDerivedFrom their learning_curve).")
        // The stored class is in the run's lineage.
        let lineage = try fixture.succeed(["lineage", "2021_02_15_13_56_59_917381", "--direction", "down"])
        #expect(lineage.standardOutput.contains("entity/curve_class 2021_02_15_13_56_59_917381 never_learner"))
        // --no-store-results stores nothing new; --json has every threshold.
        let json = try fixture.json(["analyze", "curves", "--experiment", "record-trails", "--no-store-results"])
        let results = try #require((json as? [String: Any])?["results"] as? [[String: Any]])
        #expect(results.count == 3)
    }

    @Test(.enabled(if: SharedData.available("record-trails/cifar100")))
    func featuresAsTableCSVAndJSON() throws {
        let fixture = try trailsFixture()
        let output = try fixture.succeed(["analyze", "features", "--experiment", "record-trails"]).standardOutput
        #expect(output.hasPrefix("Experiment 'record-trails': 3 runs, 29 features\nFEATURE "))
        #expect(output.contains("\nlearning_rate                  training      configuration   1     numeric      3/3      model.hyperparameter.learning_rate\n"))
        let csvPath = fixture.directory.path("features.csv")
        try fixture.succeed(["analyze", "features", "--experiment", "record-trails", "--csv", csvPath])
        let csv = try String(contentsOfFile: csvPath, encoding: .utf8).split(separator: "\n")
        #expect(csv.count == 4)
        #expect(csv[0].hasPrefix("run_id,run_name,depth,"))
    }

    @Test(.enabled(if: SharedData.available("record-trails/cifar100")))
    func reportWritesOneSelfContainedPage() throws {
        let fixture = try trailsFixture()
        let path = fixture.directory.path("report.html")
        let result = try fixture.succeed(["analyze", "report", "--experiment", "record-trails", "--output", path])
        #expect(result.standardOutput == "Wrote \(path): 3 runs, 3 learning curves, 29 features\n")
        let html = try String(contentsOfFile: path, encoding: .utf8)
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        #expect(html.contains("<section id=\"curves\">") && html.contains("<section id=\"prediction\">"))
        #expect(!html.contains("<script"))
    }

    @Test func mistakesSayWhatToFix() throws {
        let fixture = try CLIFixture()
        let unknown = try fixture.run(["analyze", "curves", "--experiment", "nope"])
        #expect(unknown.status == 1)
        #expect(unknown.standardError.contains("no experiment named 'nope'; the store has: no experiments"))
        let noOutput = try fixture.run(["analyze", "report", "--experiment", "x"])
        #expect(noOutput.status != 0)
        #expect(noOutput.standardError.contains("give --output FILE for HTML, or --json"))
        let badClasses = try fixture.run(["analyze", "features", "--experiment", "x", "--classes", "1"])
        #expect(badClasses.standardError.contains("--classes must be at least 2"))
    }

    @Test(.enabled(if: SharedData.available("record-trails/cifar100")))
    func unknownMetricListsTheMetrics() throws {
        let fixture = try trailsFixture()
        let result = try fixture.run(["analyze", "curves", "--experiment", "record-trails", "--metric", "acc"])
        #expect(result.status == 1)
        #expect(result.standardError.contains("no run of 'record-trails' has a metric 'acc'; metrics: trainLoss, valAcc, valLoss"))
    }
}
