/// What drives an experiment's outcome: the feature strength of every numeric feature for the outcome, and the
/// causal graph PC finds over the numeric feature table with the taxonomy's tiers as background knowledge.
///
/// Built from a ``FeatureTable``: its numeric view (categorical columns, columns with missing values and constant
/// columns left out, each named in ``dropped``), with the dataset exogenous and tiers 0 data, 1 configuration /
/// architecture / system, 2 behaviour, 3 outcomes. Either part is absent, with a note saying why, when the table
/// cannot support it (too few runs, collinear features).
public struct ExperimentExplanation: Sendable, Hashable, Codable {
    /// Options: the outcome and PC's significance level.
    public struct Options: Sendable, Hashable, Codable {
        /// The outcome column; `nil` picks `final_accuracy`, else the first outcome column.
        public var outcome: String?
        /// PC's significance level.
        public var alpha: Double
        /// The fewest runs PC and feature strength are run on.
        public var minimumRuns: Int

        public init(outcome: String? = nil, alpha: Double = 0.05, minimumRuns: Int = 10) {
            self.outcome = outcome
            self.alpha = alpha
            self.minimumRuns = minimumRuns
        }
    }

    /// A column of the feature table that the numeric analyses could not use, and why.
    public struct DroppedColumn: Sendable, Hashable, Codable {
        public var name: String
        public var reason: String
    }

    /// The outcome column the strength is measured against.
    public var outcome: String?
    /// Feature strength of each feature (tiers 0–2) for the outcome.
    public var strength: ProvStrengthReport?
    /// The graph PC found over all numeric columns.
    public var causal: ProvPCReport?
    /// The tier of each column PC saw.
    public var tiers: [String: Int]
    /// Columns left out, with the reason.
    public var dropped: [DroppedColumn]
    /// Why a part is missing, in words.
    public var notes: [String]

    /// Explains `features` (pure; never throws: what cannot be computed becomes a note).
    public static func make(features: FeatureTable, options: Options = Options()) -> ExperimentExplanation {
        var explanation = ExperimentExplanation(
            outcome: nil, strength: nil, causal: nil, tiers: [:], dropped: [], notes: [])
        let view: FeatureTable.NumericView
        do {
            view = try features.numeric()
        } catch {
            explanation.notes.append("No numeric feature table: \(error.description)")
            return explanation
        }
        explanation.dropped = view.dropped.map { DroppedColumn(name: $0.name, reason: $0.reason) }
        let names = view.table.columnNames
        for (name, tier) in zip(names, view.tiers) { explanation.tiers[name] = tier }
        let runs = view.table.rowCount
        guard runs >= options.minimumRuns else {
            explanation.notes.append(
                "Feature strength and causal discovery need at least \(options.minimumRuns) runs with complete "
                    + "numeric features; this experiment has \(runs).")
            return explanation
        }
        let outcomes = zip(names, view.tiers).filter { $0.1 == FeatureRole.outcome.tier }.map(\.0)
        let outcome = options.outcome ?? (outcomes.contains("final_accuracy") ? "final_accuracy" : outcomes.first)
        explanation.outcome = outcome
        if let outcome, names.contains(outcome) {
            let featureNames = zip(names, view.tiers).filter { $0.1 < FeatureRole.outcome.tier }.map(\.0)
            do {
                let table = try view.table.selecting(featureNames + [outcome])
                explanation.strength = try ProvFeatureStrength.compute(table, target: outcome)
            } catch {
                explanation.notes.append("Feature strength for \(outcome) not computed: \(error.description)")
            }
        } else {
            explanation.notes.append(
                "No outcome column (\(options.outcome ?? "final_accuracy")) with complete values; feature strength "
                    + "not computed.")
        }
        let knowledge = ProvBackgroundKnowledge(tiers: explanation.tiers, exogenous: view.exogenous)
        do {
            let result = try ProvPC.run(
                view.table, options: ProvPCOptions(alpha: options.alpha, backgroundKnowledge: knowledge))
            explanation.causal = ProvPCReport(result)
        } catch {
            explanation.notes.append("Causal discovery (PC) not run: \(error.description)")
        }
        return explanation
    }
}

extension AnalysisReport {
    /// Adds the explanation's strength charts, causal graph and notes to the report.
    public mutating func include(_ explanation: ExperimentExplanation) {
        if let strength = explanation.strength {
            let measures: [(String, String, (ProvFeatureStrengthEntry) -> Double)] = [
                ("Spearman correlation with \(strength.target)", "rho", \.spearman),
                ("Partial correlation with \(strength.target) (given the other features)", "r", \.partialCorrelation),
                ("Mutual information with \(strength.target) (KSG, k = 3)", "nats", \.mutualInformation),
                ("Permutation importance for \(strength.target) (linear model, R² drop)", "R²", \.permutationImportance),
            ]
            for (title, unit, value) in measures {
                let bars = strength.features.map { ReportBarChart.Bar(label: $0.feature, value: value($0)) }
                    .sorted { abs($0.value) > abs($1.value) }
                self.strength.append(ReportBarChart(title: title, valueLabel: unit, bars: bars))
            }
        }
        if let causal = explanation.causal {
            let nodes = causal.nodes.map { ReportGraph.Node(id: $0, tier: explanation.tiers[$0]) }
            var edges = causal.directed.map { ReportGraph.Edge(from: $0[0], to: $0[1], directed: true) }
            edges += causal.undirected.map { ReportGraph.Edge(from: $0[0], to: $0[1], directed: false) }
            edges += causal.bidirected.map { ReportGraph.Edge(from: $0[0], to: $0[1], directed: false, label: "<->") }
            causalGraph = ReportGraph(
                title: "Causal graph (PC, Fisher-z, alpha \(causal.options.alpha), \(causal.sampleSize) runs; "
                    + "tiers from the taxonomy)",
                nodes: nodes, edges: edges)
        }
        notes += explanation.notes
        if !explanation.dropped.isEmpty {
            notes.append(
                "Left out of strength and causal discovery: "
                    + explanation.dropped.map { "\($0.name) (\($0.reason))" }.joined(separator: ", ") + ".")
        }
    }
}
