import ArgumentParser
import Foundation
import ProvAnalysis

/// Where an analysis gets its table: a CSV file (`--csv`) or the numeric feature table of an experiment's stored
/// runs (`--experiment`), narrowed with `--columns`.
struct AnalysisInputOptions: ParsableArguments {
    @Option(
        name: .customLong("csv"),
        help: ArgumentHelp(
            "A numeric CSV table with a header row (one column per variable, one row per run or sample).",
            valueName: "FILE"))
    var csv: String?

    @Option(
        name: .shortAndLong,
        help: ArgumentHelp(
            "Analyse the stored runs of this experiment (name or id): the numeric columns of its feature table "
                + "(provkit analyze features), with the taxonomy's tiers as PC background knowledge.",
            valueName: "name"))
    var experiment: String?

    @Option(
        help: ArgumentHelp(
            "With --experiment: drop categorical features or one-hot encode them (k - 1 columns).",
            valueName: "drop|one-hot"))
    var categoricals: FeatureTable.CategoricalEncoding = .drop

    @Option(
        help: ArgumentHelp(
            "With --experiment: leave out features some run lacks, or the runs that lack some feature.",
            valueName: "drop-columns|drop-rows"))
    var missing: FeatureTable.MissingValues = .dropColumns

    @Option(
        help: ArgumentHelp(
            "Use only these columns, in this order (comma-separated names). Default: every column.",
            valueName: "a,b,..."))
    var columns: String?

    @OptionGroup(title: "Store options (with --experiment)") var storeOptions: StoreOptions

    func validate() throws {
        switch (csv, experiment) {
        case (nil, nil): throw ValidationError("give the table with --csv FILE or --experiment NAME")
        case (.some, .some): throw ValidationError("give either --csv or --experiment, not both")
        default: break
        }
    }

    /// The selected columns, in order, or nil for all.
    var selectedColumns: [String]? {
        columns.map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty } }
    }

    /// A table to analyse, with the background knowledge its source implies (the taxonomy's tiers and the
    /// exogenous dataset for stored runs; none for a CSV).
    struct LoadedTable {
        var table: DataTable
        var knowledge: ProvBackgroundKnowledge?
    }

    /// Reads and selects the table; `requiring` names columns an analysis needs even when `--columns` omits them
    /// (the target, treatment, outcome), appended after the selection.
    func load(requiring required: [String] = []) async throws -> LoadedTable {
        var names = selectedColumns
        if names != nil { for name in required where !names!.contains(name) { names!.append(name) } }
        if let experiment { return try await loadExperiment(experiment, columns: names) }
        guard let path = csv else { throw CLIError("give the table with --csv FILE or --experiment NAME") }
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw CLIError("cannot read \(path): \(error.localizedDescription)")
        }
        do {
            return LoadedTable(table: try DataTable(csv: text, source: path, selecting: names), knowledge: nil)
        } catch {
            throw CLIError(error.description)
        }
    }

    private func loadExperiment(_ experiment: String, columns names: [String]?) async throws -> LoadedTable {
        return try await storeOptions.withStore { (store) async throws -> LoadedTable in
            let data = try await ExperimentAnalysisOptions.load(experiment, from: store)
            let view: FeatureTable.NumericView
            do throws(AnalysisError) {
                view = try FeatureExtractor().table(for: data).numeric(categoricals: categoricals, missing: missing)
            } catch { throw error.cli }
            if !view.dropped.isEmpty {
                Output.note(
                    "left out: " + view.dropped.map { "\($0.name) (\($0.reason))" }.joined(separator: ", ")
                        + " (see provkit analyze features)")
            }
            var table = view.table
            if let names {
                do throws(AnalysisError) { table = try table.selecting(names) } catch { throw error.cli }
            }
            var tiers: [String: Int] = [:]
            for (name, tier) in zip(view.table.columnNames, view.tiers) where table.columnNames.contains(name) {
                tiers[name] = tier
            }
            let exogenous = view.exogenous.filter(table.columnNames.contains)
            return LoadedTable(table: table, knowledge: ProvBackgroundKnowledge(tiers: tiers, exogenous: exogenous))
        }
    }
}

extension FeatureTable.CategoricalEncoding: ExpressibleByArgument {}
extension FeatureTable.MissingValues: ExpressibleByArgument {}

extension AnalysisError {
    /// As a CLI error (`Error: …`, exit 1).
    var cli: CLIError { CLIError(description) }
}
