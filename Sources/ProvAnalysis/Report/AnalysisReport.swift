/// A labelled bar chart for a report: feature strength (one chart per measure), or any ranking.
public struct ReportBarChart: Sendable, Hashable, Codable {
    /// One bar.
    public struct Bar: Sendable, Hashable, Codable {
        public var label: String
        public var value: Double

        public init(label: String, value: Double) {
            self.label = label
            self.value = value
        }
    }

    public var title: String
    /// What the values measure, such as "Spearman ρ with final_accuracy".
    public var valueLabel: String
    public var bars: [Bar]

    public init(title: String, valueLabel: String, bars: [Bar]) {
        self.title = title
        self.valueLabel = valueLabel
        self.bars = bars
    }
}

/// A graph for a report, such as a causal graph: nodes (with an optional tier that places them in a column) and
/// directed or undirected edges.
public struct ReportGraph: Sendable, Hashable, Codable {
    public struct Node: Sendable, Hashable, Codable {
        public var id: String
        public var label: String
        /// The node's causal tier (0 first); `nil` puts it in a last column.
        public var tier: Int?

        public init(id: String, label: String? = nil, tier: Int? = nil) {
            self.id = id
            self.label = label ?? id
            self.tier = tier
        }
    }

    public struct Edge: Sendable, Hashable, Codable {
        public var from: String
        public var to: String
        /// `true` for from → to, `false` for an undirected edge from — to.
        public var directed: Bool
        /// An optional label, such as an effect size.
        public var label: String?

        public init(from: String, to: String, directed: Bool, label: String? = nil) {
            self.from = from
            self.to = to
            self.directed = directed
            self.label = label
        }
    }

    public var title: String
    public var nodes: [Node]
    public var edges: [Edge]

    public init(title: String, nodes: [Node], edges: [Edge]) {
        self.title = title
        self.nodes = nodes
        self.edges = edges
    }
}

/// Everything `provkit analyze report` shows, as plain values: the feature table, the curve analysis, and the
/// optional feature-strength and causal-graph sections (filled by whoever computed them).
public struct AnalysisReport: Sendable, Hashable, Codable {
    public var experiment: String
    /// When the report was made (ISO 8601).
    public var generatedAt: String
    public var features: FeatureTable
    public var curves: CurveAnalysisReport
    /// Feature-strength charts; empty to leave the section out.
    public var strength: [ReportBarChart]
    /// The causal graph; `nil` to leave the section out.
    public var causalGraph: ReportGraph?
    /// Remarks shown at the end (what was left out and why).
    public var notes: [String]

    public init(
        experiment: String, generatedAt: String, features: FeatureTable, curves: CurveAnalysisReport,
        strength: [ReportBarChart] = [], causalGraph: ReportGraph? = nil, notes: [String] = []
    ) {
        self.experiment = experiment
        self.generatedAt = generatedAt
        self.features = features
        self.curves = curves
        self.strength = strength
        self.causalGraph = causalGraph
        self.notes = notes
    }
}

extension AnalysisReport {
    /// Builds the report for an experiment: features and curves, and (unless `explanation` is `nil`) the feature
    /// strength for the outcome and the causal graph from ``ExperimentExplanation``.
    /// - Parameter generatedAt: the time to print (ISO 8601).
    public static func make(
        for experiment: ExperimentData, selection: CurveMetricSelection = CurveMetricSelection(),
        analyzer: CurveAnalyzer = CurveAnalyzer(), explanation: ExperimentExplanation.Options? = .init(),
        generatedAt: String
    ) throws(AnalysisError) -> AnalysisReport {
        let features = try FeatureExtractor(
            curves: selection, classifier: analyzer.classifier, reachFraction: analyzer.reachFraction
        ).table(for: experiment)
        let curves = try analyzer.analyze(experiment, selection: selection)
        var notes: [String] = []
        if curves.results.isEmpty {
            notes.append("No run has an accuracy series, so there are no learning curves; name one with --metric.")
        }
        var report = AnalysisReport(
            experiment: experiment.name, generatedAt: generatedAt, features: features, curves: curves, notes: notes)
        if let explanation { report.include(ExperimentExplanation.make(features: features, options: explanation)) }
        return report
    }
}
