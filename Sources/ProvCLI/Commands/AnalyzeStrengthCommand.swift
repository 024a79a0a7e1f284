import ArgumentParser
import Foundation
import ProvAnalysis

/// `provkit analyze strength`: how strongly each feature is associated with a target.
struct AnalyzeStrengthCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "strength",
        abstract: "Rank features by association with a target: Pearson, Spearman, partial correlation, MI, importance.",
        discussion: """
            For every column except --target (or the --columns you select):
              pearson     Pearson's r (numpy.corrcoef)
              spearman    Spearman's rho, ties get average ranks (scipy spearmanr)
              partial     partial correlation given all other features
              mi          KSG mutual information in nats, k = --neighbors
                          (sklearn mutual_info_regression)
              importance  mean drop in R^2 of a linear model when the feature
                          is permuted, --repeats times (sklearn
                          permutation_importance)
            Marginal measures (pearson, spearman, mi) see indirect effects; partial correlation and importance \
            show what a feature adds given the others. Show both next to the causal graph.

            Examples:
              provkit analyze strength --csv runs.csv --target final_acc
              provkit analyze strength --csv runs.csv --target acc --columns depth,lr --json
            """)

    @OptionGroup var input: AnalysisInputOptions

    @Option(help: "The column to explain.")
    var target: String

    @Option(help: "k of the KSG mutual-information estimator.")
    var neighbors = 3

    @Option(help: "Permutations per feature for permutation importance.")
    var repeats = 10

    @Option(
        help: """
            Seed (below 2^32) of the MI jitter and the permutations, drawn from NumPy's RandomState(seed) stream as \
            scikit-learn does: results equal scikit-learn's with random_state=seed.
            """)
    var seed: UInt64 = 0

    @Option(
        name: .customLong("mi-jitter"),
        help: "Relative noise added before the MI estimate to break ties, as scikit-learn does (0 = none).")
    var miJitter = 1e-10

    @Option(
        name: .customLong("replay-permutations"),
        help: ArgumentHelp(
            "JSON [feature][repeat] row orders to use instead of drawing permutations (to reproduce scikit-learn's).",
            valueName: "FILE"))
    var replayPermutations: String?

    @Flag(help: "Print the result as JSON.")
    var json = false

    func run() async throws {
        let table = try await input.load(requiring: [target]).table
        var replay: [[[Int]]]?
        if let path = replayPermutations {
            do { replay = try JSONDecoder().decode([[[Int]]].self, from: Data(contentsOf: URL(fileURLWithPath: path))) } catch {
                throw CLIError("\(path) must be JSON [feature][repeat][row]: \(error)")
            }
        }
        let options = ProvStrengthOptions(
            neighbors: neighbors, jitter: miJitter, repeats: repeats, seed: seed, replayPermutations: replay)
        let report: ProvStrengthReport
        do { report = try ProvFeatureStrength.compute(table, target: target, options: options) } catch { throw error.cli }
        if json {
            try Output.printJSON(report)
            return
        }
        print("Feature strength for \(report.target) (\(report.sampleSize) rows; linear model R^2 \(Output.number(report.baselineRSquared)))")
        print("")
        let rows = report.features.sorted { abs($0.partialCorrelation) > abs($1.partialCorrelation) }.map { entry in
            [
                entry.feature, Output.number(entry.pearson), Output.number(entry.spearman),
                Output.number(entry.partialCorrelation), Output.number(entry.mutualInformation),
                Output.number(entry.permutationImportance) + " ± " + Output.number(entry.permutationImportanceStd),
            ]
        }
        print(Output.table(header: ["FEATURE", "PEARSON", "SPEARMAN", "PARTIAL", "MI (nats)", "IMPORTANCE"], rows: rows))
    }
}
