import ArgumentParser
import Foundation
import ProvAnalysis

/// `provkit analyze effect`: a backdoor-adjusted causal effect with confidence interval and refuters.
struct AnalyzeEffectCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "effect",
        abstract: "Estimate the causal effect of a treatment column on an outcome (backdoor adjustment, OLS).",
        discussion: """
            The adjustment set is the optimal (efficient) backdoor set O of the causal graph: the parents of the \
            nodes on causal paths from treatment to outcome, minus those nodes, their descendants and the treatment \
            (DoWhy's "efficient-adjustment"). The graph comes from --graph (JSON {"nodes": [...], "directed": \
            [["a","b"], ...], "undirected": [...]}, e.g. from `analyze causal --json`), or PC discovers it from the \
            same table with the PC options below. If the graph leaves a relevant edge undirected, the effect is not \
            identified and the command says which edges to orient (with --tier / --exogenous, or a DAG).

            The effect is the treatment's coefficient in OLS of outcome on intercept, treatment and the adjustment \
            set, with a Student-t confidence interval: DoWhy's backdoor.linear_regression (effect_modifiers=[]). \
            Refuters re-estimate on altered data: placebo (treatment permuted; expect ~0), random-common-cause (an \
            extra random confounder; expect no change), data-subset (80% of rows; expect no change). They draw from \
            NumPy's RandomState(--seed) stream as DoWhy does, so they reproduce DoWhy's refute_estimate with \
            random_state=np.random.RandomState(seed). p <= 0.05 means the estimate fails that refutation.

            Examples:
              provkit analyze effect --csv runs.csv --treatment lr --outcome acc \\
                  --graph dag.json
              provkit analyze effect --csv runs.csv --treatment lr --outcome acc \\
                  --alpha 0.01 --tier lr=0 --tier acc=1 --refute placebo,data-subset
            """)

    @OptionGroup var input: AnalysisInputOptions

    @Option(help: "The cause whose effect is estimated (a numeric column).")
    var treatment: String

    @Option(help: "The affected column.")
    var outcome: String

    @Option(help: ArgumentHelp("The causal graph as JSON (nodes/directed/undirected). Default: discover it with PC.", valueName: "FILE"))
    var graph: String?

    @Option(
        help: ArgumentHelp(
            "Adjust for exactly these columns instead of the graph's optimal set (comma-separated; '' for none).",
            valueName: "a,b,..."))
    var adjust: String?

    @Option(help: ArgumentHelp("Refuters to run: placebo, random-common-cause, data-subset (comma-separated).", valueName: "LIST"))
    var refute: String?

    @Option(help: "Simulations per refuter (>= 100: two-sided percentile p-value; fewer: one-sided normal).")
    var simulations = 100

    @Option(help: "Seed (below 2^32) of the refuters' NumPy RandomState stream.")
    var seed: UInt64 = 0

    @Option(name: .customLong("confidence-level"), help: "Confidence level of the interval.")
    var confidenceLevel = 0.95

    @OptionGroup(title: "PC options (when no --graph is given)") var pc: PCArguments

    @Flag(help: "Print the result as JSON.")
    var json = false

    func refuters() throws -> [ProvRefuterKind] {
        guard let refute else { return [] }
        return try refute.split(separator: ",").map { name in
            let trimmed = name.trimmingCharacters(in: .whitespaces)
            guard let kind = ProvRefuterKind(rawValue: trimmed) else {
                throw CLIError(
                    "unknown refuter '\(trimmed)'; choose from \(ProvRefuterKind.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            return kind
        }
    }

    func run() async throws {
        let loaded = try await input.load(requiring: [treatment, outcome])
        let table = loaded.table
        let options = ProvEffectOptions(
            confidenceLevel: confidenceLevel, refuters: try refuters(), simulations: simulations, seed: seed)
        let adjustment: [String]
        var source: String
        if let adjust {
            adjustment = adjust.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            source = "given with --adjust"
        } else {
            let causalGraph: ProvCausalGraph
            if let path = graph {
                let interchange: ProvGraphInterchange
                do {
                    interchange = try JSONDecoder().decode(
                        ProvGraphInterchange.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
                } catch {
                    throw CLIError(
                        "\(path) is not a graph JSON ({\"nodes\": [...], \"directed\": [[\"a\", \"b\"], ...]}): \(error)")
                }
                do { causalGraph = try interchange.graph() } catch { throw error.cli }
                source = "optimal set of the graph in \(path)"
            } else {
                do { causalGraph = try ProvPC.run(table, options: try pc.options(derived: loaded.knowledge)).graph } catch let error as AnalysisError {
                    throw error.cli
                }
                source = "optimal set of the graph PC discovered (alpha \(pc.alpha))"
            }
            do {
                adjustment = try ProvAdjustment.optimalSet(in: causalGraph, treatment: treatment, outcome: outcome)
            } catch { throw error.cli }
        }
        let estimate: ProvEffectEstimate
        do {
            estimate = try ProvBackdoor.estimate(
                table, treatment: treatment, outcome: outcome, adjustment: adjustment, options: options)
        } catch { throw error.cli }
        if json {
            try Output.printJSON(estimate)
            return
        }
        let level = Output.number(estimate.confidenceLevel * 100)
        print("Effect of \(treatment) on \(outcome) (\(estimate.sampleSize) rows)")
        print("  adjusted for  \(adjustment.isEmpty ? "nothing" : adjustment.joined(separator: ", "))  (\(source))")
        print(
            "  effect        \(Output.number(estimate.effect)) per unit of \(treatment)  [\(level)% CI "
                + "\(Output.number(estimate.confidenceInterval[0])), \(Output.number(estimate.confidenceInterval[1]))]")
        print("  std. error    \(Output.number(estimate.standardError))  (t = \(Output.number(estimate.tStatistic)), p = \(Output.number(estimate.pValue)))")
        if !estimate.refutations.isEmpty {
            print("")
            let rows = estimate.refutations.map { r in
                [
                    r.refuter.rawValue, Output.number(r.newEffect), Output.number(r.reference), Output.number(r.pValue),
                    r.isStatisticallySignificant ? "FAILED (p <= 0.05)" : "passed",
                ]
            }
            print(Output.table(header: ["REFUTER", "NEW EFFECT", "EXPECTED", "P", "RESULT"], rows: rows))
        }
    }
}
