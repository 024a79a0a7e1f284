import ArgumentParser
import Foundation
import ProvAnalysis
import ProvModel
import ProvQuery
import ProvStore

/// Options shared by the analyses of stored runs: which experiment, and which metric is accuracy.
struct ExperimentAnalysisOptions: ParsableArguments {
    @Option(name: .shortAndLong, help: "The experiment to analyse (name or id).")
    var experiment: String

    @Option(
        help: ArgumentHelp(
            "The accuracy metric (default: detected: valAcc, val_accuracy, val_acc, val_accs, ..., then by taxonomy "
                + "term).", valueName: "key"))
    var metric: String?

    @Option(help: ArgumentHelp("The number of classes where runs record none (sets the chance level).", valueName: "n"))
    var classes: Int?

    @Flag(help: "Read accuracy as percent even when no value exceeds 1 (default: detected).")
    var percent = false

    func validate() throws {
        if let classes, classes < 2 { throw ValidationError("--classes must be at least 2") }
    }

    var selection: CurveMetricSelection {
        CurveMetricSelection(accuracyKey: metric, accuracyIsPercent: percent ? true : nil, classCount: classes)
    }

    func load(from store: some ProvenanceStore) async throws -> ExperimentData {
        try await Self.load(experiment, from: store)
    }

    /// The stored runs of `experiment` (name or id); an experiment without runs is an error, not an empty analysis.
    static func load(_ experiment: String, from store: some ProvenanceStore) async throws -> ExperimentData {
        let data = try await ExperimentData.load(experiment, from: store)
        guard !data.runs.isEmpty else { throw CLIError("experiment '\(data.name)' has no runs yet") }
        return data
    }
}

extension AnalyzeCommand {
    /// `provkit analyze features`.
    struct Features: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "features",
            abstract: "Build a feature table of an experiment's runs, grouped by taxonomy layer.",
            discussion: """
                One row per run; columns for the architecture (depth, layer counts by type, parameter count, \
                kernel/stride/width statistics, FLOPs), training (learning rate, batch size, optimizer, momentum, \
                weight decay, dropout, epochs), data (dataset, class count, chance level, application metadata \
                such as beam intensity), system (device, GPU count, run time) and behaviour (final and best \
                accuracy, area under the curve, epoch of best, epochs to reach 90 % of the best, curve class). \
                Each column has a role and a causal tier (0 data, 1 configuration/architecture/system, 2 \
                behaviour, 3 outcomes). Values absent from a run are empty, never 0. See docs/analysis.md.

                Examples:
                  provkit analyze features --experiment record-trails
                  provkit analyze features --experiment a4nn --csv a4nn.csv
                  provkit analyze features --experiment campaign --json
                """)

        @OptionGroup var storeOptions: StoreOptions
        @OptionGroup var analysis: ExperimentAnalysisOptions

        @Option(help: ArgumentHelp("Write the table as CSV to this file ('-' for standard output).", valueName: "file"))
        var csv: String?

        @Flag(help: "Print the table (columns with roles, tiers and values) as JSON.")
        var json = false

        @Option(help: "The fraction of the best accuracy for the epochs-to-reach column (0 to 1).")
        var reachFraction: Double = 0.9

        func validate() throws {
            if !(reachFraction > 0 && reachFraction <= 1) {
                throw ValidationError("--reach-fraction must be in (0, 1]")
            }
        }

        func run() async throws {
            try await storeOptions.withStore { store in
                let data = try await analysis.load(from: store)
                let table = try FeatureExtractor(curves: analysis.selection, reachFraction: reachFraction).table(
                    for: data)
                if let csv {
                    if csv == "-" {
                        print(table.csv(), terminator: "")
                        return
                    }
                    do {
                        try table.csv().write(toFile: csv, atomically: true, encoding: .utf8)
                    } catch {
                        throw CLIError("cannot write \(csv): \(error.localizedDescription)")
                    }
                }
                if json {
                    try Output.printJSON(table)
                    return
                }
                print("Experiment '\(table.experiment)': \(table.rowCount) runs, \(table.columns.count) features")
                let rows = table.columns.map { column in
                    [
                        column.name, column.group.rawValue, column.role.rawValue, String(column.tier),
                        column.isCategorical ? "categorical" : "numeric", "\(column.presentCount)/\(table.rowCount)",
                        column.term ?? "-",
                    ]
                }
                print(
                    Output.table(header: ["FEATURE", "GROUP", "ROLE", "TIER", "TYPE", "PRESENT", "TERM"], rows: rows))
                if let csv, csv != "-" { print("Wrote \(csv)") }
            }
        }
    }

    /// `provkit analyze curves`.
    struct Curves: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "curves",
            abstract: "Classify learning curves and predict final accuracy early (PENGUIN).",
            discussion: """
                Each run's accuracy curve gets a class (never_learner, late_learner, early_learner, overfitter, \
                diverged), decided with the chance level from its class count; PENGUIN fits acc(x) = a - b^(c - x) \
                to ever longer starts of the curve and reports where the prediction of the accuracy at epoch 20 \
                converged (N = 3 predictions within 0.5 points of their median), the predicted accuracy and the \
                epochs saved. Every threshold is stored with each result. Results are stored as curve_class \
                entities derived from learning_curve entities (wasDerivedFrom), unless --no-store-results. See \
                docs/analysis.md.

                Examples:
                  provkit analyze curves --experiment record-trails
                  provkit analyze curves --experiment a4nn --predictor a4nn --no-store-results --json
                """)

        @OptionGroup var storeOptions: StoreOptions
        @OptionGroup var analysis: ExperimentAnalysisOptions

        @Option(
            help: ArgumentHelp(
                "The predictor's settings: penguin (PENGUIN's analyzePrediction: e_pred = e_max = 20, p0 = (10, "
                    + "1.001, 100), first fit on 2 points) or a4nn (A4NN's penguino.py: e_pred = 25, p0 = (1, 1, 1), "
                    + "first fit after 3 epochs, failed fits break the window).", valueName: "preset"))
        var predictor: PredictorPreset = .penguin

        @Option(help: "The epoch whose accuracy PENGUIN predicts (e_pred; default from --predictor).")
        var predictEpoch: Double?

        @Option(help: "The last epoch PENGUIN may use (e_max; default from --predictor).")
        var maxEpoch: Double?

        @Flag(inversion: .prefixedNo, help: "Store the results as provenance (curve_class entities).")
        var storeResults = true

        @Flag(help: "Print the results as JSON.")
        var json = false

        func validate() throws {
            if !((predictEpoch ?? 1) > 0) || !((maxEpoch ?? 1) > 0) {
                throw ValidationError("--predict-epoch and --max-epoch must be positive")
            }
        }

        func run() async throws {
            try await storeOptions.withStore { store in
                let data = try await analysis.load(from: store)
                var settings = predictor.configuration
                if let predictEpoch { settings.predictionEpoch = predictEpoch }
                if let maxEpoch { settings.maximumEpoch = maxEpoch }
                let report = try CurveAnalyzer(predictor: PenguinPredictor(configuration: settings))
                    .analyze(data, selection: analysis.selection)
                if storeResults, !report.results.isEmpty {
                    try await store.ingest(
                        CurveResultEvents.events(for: report, version: ProvKitVersion.current, time: .now()))
                }
                if json {
                    try Output.printJSON(report)
                    return
                }
                print(Self.text(report))
                if storeResults, !report.results.isEmpty {
                    print("Stored \(report.results.count) curve_class entities (wasDerivedFrom their learning_curve).")
                }
            }
        }

        static func text(_ report: CurveAnalysisReport) -> String {
            func percent(_ value: Double?) -> String { value.map { String(format: "%.2f", $0 * 100) } ?? "-" }
            let rows = report.results.map { result -> [String] in
                let p = result.prediction
                return [
                    result.label, result.classification.curveClass.rawValue,
                    result.classification.onsetEpoch.map { Output.number($0) } ?? "-",
                    percent(result.summary.bestAccuracy), Output.number(result.summary.epochOfBest),
                    percent(result.summary.finalAccuracy),
                    p.map { $0.converged ? Output.number($0.convergenceEpoch) : "no" } ?? "-",
                    percent(p?.predictedAccuracy), p.map { Output.number($0.epochsSaved) } ?? "-",
                ]
            }
            var lines = [
                "Experiment '\(report.experiment)': \(report.results.count) learning curves"
                    + (report.skipped.isEmpty ? "" : ", \(report.skipped.count) runs without one"),
                Output.table(
                    header: [
                        "RUN", "CLASS", "ONSET", "BEST%", "AT EPOCH", "FINAL%", "CONVERGED AT", "PREDICTED%", "SAVED",
                    ], rows: rows),
                "Classes: "
                    + CurveClassName.allCases.map { "\($0.rawValue) \(report.classCounts[$0.rawValue] ?? 0)" }
                    .joined(separator: ", "),
            ]
            if let first = report.skipped.first {
                lines.append(
                    "Skipped \(report.skipped.count) runs, e.g. \(first.runName ?? first.run.hex): \(first.reason)")
            }
            return lines.joined(separator: "\n")
        }
    }
}

extension AnalyzeCommand {
    /// `provkit analyze report`.
    struct Report: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "report",
            abstract: "Write a self-contained HTML report (or JSON) of an experiment's analysis.",
            discussion: """
                The report has the curve classes with their thresholds, the learning curves by class (SVG), the \
                PENGUIN prediction summary (predicted vs observed accuracy, epochs saved), and the feature table \
                grouped by taxonomy layer. One HTML file with inline CSS and SVG: no scripts, no external assets. \
                --json prints the same content as JSON.

                Examples:
                  provkit analyze report --experiment record-trails --output report.html
                  provkit analyze report --experiment a4nn --metric val_accs --json > report.json
                """)

        @OptionGroup var storeOptions: StoreOptions
        @OptionGroup var analysis: ExperimentAnalysisOptions

        @Option(name: .shortAndLong, help: ArgumentHelp("Write the HTML report to this file.", valueName: "file"))
        var output: String?

        @Flag(help: "Print the report as JSON instead.")
        var json = false

        func validate() throws {
            if output == nil && !json { throw ValidationError("give --output FILE for HTML, or --json") }
        }

        func run() async throws {
            try await storeOptions.withStore { store in
                let data = try await analysis.load(from: store)
                let report = try AnalysisReport.make(
                    for: data, selection: analysis.selection, generatedAt: ProvTime.now().iso8601)
                if let output {
                    do {
                        try ReportRenderer.html(report).write(toFile: output, atomically: true, encoding: .utf8)
                    } catch {
                        throw CLIError("cannot write \(output): \(error.localizedDescription)")
                    }
                    if !json {
                        print(
                            "Wrote \(output): \(report.features.rowCount) runs, \(report.curves.results.count) learning "
                                + "curves, \(report.features.columns.count) features")
                    }
                }
                if json { try Output.printJSON(report) }
            }
        }
    }
}

/// The predictor settings `provkit analyze curves --predictor` offers.
enum PredictorPreset: String, ExpressibleByArgument, CaseIterable {
    case penguin
    case a4nn

    var configuration: PenguinPredictor.Configuration {
        switch self {
        case .penguin: .default
        case .a4nn: .a4nn
        }
    }
}
