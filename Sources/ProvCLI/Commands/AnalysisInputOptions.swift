import ArgumentParser
import Foundation
import ProvAnalysis

/// Where an analysis gets its table: today a CSV file (`--csv`), narrowed with `--columns`. Stored runs
/// (`--experiment`) plug in here too.
struct AnalysisInputOptions: ParsableArguments {
    @Option(
        name: .customLong("csv"),
        help: ArgumentHelp(
            "A numeric CSV table with a header row (one column per variable, one row per run or sample).",
            valueName: "FILE"))
    var csv: String?

    @Option(
        help: ArgumentHelp(
            "Use only these columns, in this order (comma-separated names). Default: every column.",
            valueName: "a,b,..."))
    var columns: String?

    func validate() throws {
        guard csv != nil else { throw ValidationError("give the table with --csv FILE") }
    }

    /// The selected columns, in order, or nil for all.
    var selectedColumns: [String]? {
        columns.map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty } }
    }

    /// Reads and selects the table; `requiring` names columns an analysis needs even when `--columns` omits them
    /// (the target, treatment, outcome), appended after the selection.
    func loadTable(requiring required: [String] = []) throws -> DataTable {
        guard let path = csv else { throw CLIError("give the table with --csv FILE") }
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw CLIError("cannot read \(path): \(error.localizedDescription)")
        }
        var names = selectedColumns
        if names != nil { for name in required where !names!.contains(name) { names!.append(name) } }
        do {
            return try DataTable(csv: text, source: path, selecting: names)
        } catch {
            throw CLIError(error.description)
        }
    }
}

extension AnalysisError {
    /// As a CLI error (`Error: …`, exit 1).
    var cli: CLIError { CLIError(description) }
}
