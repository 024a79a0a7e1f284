import ArgumentParser
import Foundation
import ProvAnalysis

/// PC's options, shared by `analyze causal` and `analyze effect` (which runs PC when no --graph is given).
struct PCArguments: ParsableArguments {
    @Option(help: "Significance level: an edge is removed when a test's p-value exceeds it.")
    var alpha: Double = 0.05

    @Option(
        name: .customLong("uc-rule"),
        help: "How colliders are found: 0 separating sets, 1 maxP, 2 definiteMaxP.")
    var ucRule: Int = 0

    @Option(
        name: .customLong("uc-priority"),
        help: """
            Collider conflicts: 0 overwrite, 1 bidirected, 2 keep existing, 3 stronger first, \
            4 stronger* first, -1 the rule's own default.
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

    func validate() throws {
        guard (0...2).contains(ucRule) else { throw ValidationError("--uc-rule must be 0, 1 or 2") }
    }

    /// The background knowledge: `derived` (what the table's source implies, e.g. the taxonomy's tiers of stored
    /// runs) with --tiers, --tier and --exogenous applied over it (a column's tier given here wins).
    func knowledge(derived: ProvBackgroundKnowledge? = nil) throws -> ProvBackgroundKnowledge? {
        var knowledge = derived ?? ProvBackgroundKnowledge()
        if let path = tiersFile {
            let data: Data
            do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
                throw CLIError("cannot read \(path): \(error.localizedDescription)")
            }
            do {
                let given = try JSONDecoder().decode(ProvBackgroundKnowledge.self, from: data)
                knowledge.tiers.merge(given.tiers) { _, new in new }
                knowledge.forbidWithinTiers += given.forbidWithinTiers
                knowledge.exogenous += given.exogenous
                knowledge.forbidden += given.forbidden
                knowledge.required += given.required
            } catch {
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

    /// The options for ``ProvPC``.
    func options(recordTests: Bool = false, derived: ProvBackgroundKnowledge? = nil) throws -> ProvPCOptions {
        ProvPCOptions(
            alpha: alpha, stable: !noStable, colliderRule: ProvPCOptions.ColliderRule(rawValue: ucRule) ?? .sepset,
            colliderPriority: ucPriority, maxConditioningSize: maxK, backgroundKnowledge: try knowledge(derived: derived),
            recordTests: recordTests)
    }
}
