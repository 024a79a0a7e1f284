import ArgumentParser
import Foundation
import ProvAnalysis

/// `provkit analyze causal`: PC causal discovery with Fisher-z tests, exactly as causal-learn's `pc`.
struct AnalyzeCausalCommand: ParsableCommand {
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
              provkit analyze causal --csv runs.csv --tier lr=0 --tier depth=0 --tier final_acc=1 --json
              provkit analyze causal --csv runs.csv --dot > graph.dot
              provkit analyze causal --csv runs.csv --ci-log tests.csv
            """)

    @OptionGroup var input: AnalysisInputOptions

    @Option(help: "Significance level: an edge is removed when a test's p-value exceeds it.")
    var alpha: Double = 0.05

    @Option(
        name: .customLong("uc-rule"),
        help: "How colliders are found: 0 separating sets (default), 1 maxP, 2 definiteMaxP.")
    var ucRule: Int = 0

    @Option(
        name: .customLong("uc-priority"),
        help: """
            Collider conflicts: 0 overwrite, 1 bidirected, 2 keep existing (default), 3 stronger first, \
            4 stronger* first, -1 the rule's default.
            """)
    var ucPriority: Int = 2

    @Flag(name: .customLong("no-stable"), help: "Order-dependent skeleton search (remove edges immediately).")
    var noStable = false

    @Option(name: .customLong("max-k"), help: "Largest conditioning-set size to try (default: no limit).")
    var maxK: Int?

    @Option(
        name: .customLong("tier"),
        help: ArgumentHelp("Put a column in a tier (repeatable): later tiers cannot cause earlier ones.", valueName: "COL=N"))
    var tier: [String] = []

    @Option(name: .customLong("exogenous"), help: ArgumentHelp("Nothing causes this column (repeatable).", valueName: "COL"))
    var exogenous: [String] = []

    @Option(
        name: .customLong("tiers"),
        help: ArgumentHelp(
            #"Background knowledge as JSON: {"tiers": {"col": 0, ...}, "exogenous": [...], "forbidden": [["a","b"]], "required": [...], "forbid_within_tiers": [0]}."#,
            valueName: "FILE"))
    var tiersFile: String?

    @Flag(help: "Print the result as JSON (edges, causal-learn's G.graph matrix, sepsets, test counts).")
    var json = false

    @Flag(help: "Print the graph as Graphviz DOT.")
    var dot = false

    @Option(name: .customLong("ci-log"), help: ArgumentHelp("Write every CI test as CSV (seq,x,y,S,p,cache_hit).", valueName: "FILE"))
    var ciLog: String?

    func validate() throws {
        if json && dot { throw ValidationError("choose one of --json and --dot") }
        guard (0...2).contains(ucRule) else { throw ValidationError("--uc-rule must be 0, 1 or 2") }
    }

    func knowledge() throws -> ProvBackgroundKnowledge? {
        var knowledge = ProvBackgroundKnowledge()
        if let path = tiersFile {
            let data: Data
            do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
                throw CLIError("cannot read \(path): \(error.localizedDescription)")
            }
            do { knowledge = try JSONDecoder().decode(ProvBackgroundKnowledge.self, from: data) } catch {
                throw CLIError(
                    "\(path) is not background knowledge JSON ({\"tiers\": {\"col\": 0}, \"exogenous\": [\"col\"], ...}): \(error)")
            }
        }
        for entry in tier {
            let parts = entry.split(separator: "=", maxSplits: 1)
            guard parts.count == 2, let level = Int(parts[1].trimmingCharacters(in: .whitespaces)), level >= 0 else {
                throw CLIError("--tier takes COLUMN=N with N = 0, 1, 2, ...; got '\(entry)'")
            }
            knowledge.tiers[String(parts[0]).trimmingCharacters(in: .whitespaces)] = level
        }
        knowledge.exogenous += exogenous
        return knowledge.isEmpty ? nil : knowledge
    }

    func run() throws {
        let table = try input.loadTable()
        let options = ProvPCOptions(
            alpha: alpha, stable: !noStable, colliderRule: ProvPCOptions.ColliderRule(rawValue: ucRule) ?? .sepset,
            colliderPriority: ucPriority, maxConditioningSize: maxK, backgroundKnowledge: try knowledge(),
            recordTests: ciLog != nil)
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
