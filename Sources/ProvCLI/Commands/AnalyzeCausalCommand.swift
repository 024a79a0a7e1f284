import ArgumentParser
import Foundation
import ProvAnalysis

/// `provkit analyze causal`: PC causal discovery with Fisher-z tests, exactly as causal-learn's `pc`.
struct AnalyzeCausalCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "causal",
        abstract: "Discover a causal graph (PC algorithm, Fisher-z tests), identical to causal-learn's pc().",
        discussion: """
            Runs PC on the numeric columns of a table: an edge between two variables is removed when some set of \
            their neighbours makes them conditionally independent (Fisher-z p-value > --alpha); colliders and Meek \
            rules then orient edges. The result is a CPDAG: "a -> b" is a direction the data supports, "a -- b" an \
            edge whose direction the data cannot decide. Tests, separating sets and the graph match causal-learn \
            0.1.4.8's pc() with the same options (see docs/analysis.md).

            Background knowledge constrains directions: a variable in a later tier cannot cause one in an earlier \
            tier (e.g. hyperparameters 0, training behaviour 1, outcomes 2), and nothing causes an --exogenous \
            variable (e.g. the dataset).

            Examples:
              provkit analyze causal --csv runs.csv --alpha 0.01
              provkit analyze causal --csv runs.csv --tier lr=0 --tier acc=1 --json
              provkit analyze causal --csv runs.csv --dot > graph.dot
              provkit analyze causal --csv runs.csv --ci-log tests.csv
              provkit analyze causal --experiment a4nn --alpha 0.01

            With --experiment, the table is the numeric part of the experiment's feature table (provkit analyze \
            features) and its taxonomy tiers are the background knowledge: the dataset and its metadata (0) before \
            configuration, architecture and system (1), before training behaviour (2), before outcomes (3); nothing \
            causes the dataset. --tier, --tiers and --exogenous add to or override them.
            """)

    @OptionGroup var input: AnalysisInputOptions

    @OptionGroup var pc: PCArguments

    @Flag(help: "Print the result as JSON (edges, causal-learn's G.graph matrix, sepsets, test counts).")
    var json = false

    @Flag(help: "Print the graph as Graphviz DOT.")
    var dot = false

    @Option(name: .customLong("ci-log"), help: ArgumentHelp("Write every CI test as CSV (seq,x,y,S,p,cache_hit).", valueName: "FILE"))
    var ciLog: String?

    func validate() throws {
        if json && dot { throw ValidationError("choose one of --json and --dot") }
    }

    func run() async throws {
        let loaded = try await input.load()
        let table = loaded.table
        let options = try pc.options(recordTests: ciLog != nil, derived: loaded.knowledge)
        let result: ProvPCResult
        do { result = try ProvPC.run(table, options: options) } catch { throw error.cli }
        if let path = ciLog {
            do { try result.testLogCSV.write(toFile: path, atomically: true, encoding: .utf8) } catch {
                throw CLIError("cannot write \(path): \(error.localizedDescription)")
            }
        }
        if json {
            try Output.printJSON(ProvPCReport(result))
        } else if dot {
            print(result.graph.dot(), terminator: "")
        } else {
            print(Self.render(result))
        }
    }

    static func render(_ result: ProvPCResult) -> String {
        let graph = result.graph
        let names = graph.nodes
        var lines = [
            "PC on \(names.count) variables, \(result.sampleSize) rows (alpha \(result.options.alpha)): "
                + "\(result.testCount) CI tests (\(result.distinctTestCount) distinct)"
        ]
        let directed = graph.directedEdges
        let undirected = graph.undirectedEdges
        let bidirected = graph.bidirectedEdges
        lines.append("")
        lines.append("Directed (\(directed.count)):")
        for (a, b) in directed { lines.append("  \(names[a]) -> \(names[b])") }
        lines.append("Undirected, direction not identifiable (\(undirected.count)):")
        for (a, b) in undirected { lines.append("  \(names[a]) -- \(names[b])") }
        if !bidirected.isEmpty {
            lines.append("Bidirected (\(bidirected.count)):")
            for (a, b) in bidirected { lines.append("  \(names[a]) <-> \(names[b])") }
        }
        return lines.joined(separator: "\n")
    }
}
