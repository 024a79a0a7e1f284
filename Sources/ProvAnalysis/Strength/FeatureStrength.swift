/// Options of ``ProvFeatureStrength/compute(_:target:options:)``.
public struct ProvStrengthOptions: Sendable, Hashable, Codable {
    /// k of the KSG mutual-information estimator (scikit-learn's `n_neighbors`).
    public var neighbors: Int
    /// Relative size of the noise added to the scaled variables before the KSG estimate, as scikit-learn does
    /// (1e-10 × max(1, mean |x|) × N(0, 1), from NumPy's `RandomState(seed)` stream) to break ties; 0 turns it off.
    public var jitter: Double
    /// Permutations per feature for permutation importance (scikit-learn's `n_repeats`).
    public var repeats: Int
    /// Seed (0 ..< 2³²) of the MI jitter and the permutations, both drawn as scikit-learn draws them from NumPy's
    /// legacy `RandomState(seed)` stream, so results equal scikit-learn's with `random_state=seed`.
    public var seed: UInt64
    /// Row orders to replay instead of drawing permutations: `replay[feature][repeat]` is the row index vector
    /// giving the permuted column (`column[replay[f][r][i]]`). Used to reproduce scikit-learn's permutations.
    public var replayPermutations: [[[Int]]]?

    public init(
        neighbors: Int = 3, jitter: Double = 1e-10, repeats: Int = 10, seed: UInt64 = 0,
        replayPermutations: [[[Int]]]? = nil
    ) {
        self.neighbors = neighbors
        self.jitter = jitter
        self.repeats = repeats
        self.seed = seed
        self.replayPermutations = replayPermutations
    }
}

/// How strongly one feature is associated with the target, by five measures.
public struct ProvFeatureStrengthEntry: Sendable, Hashable, Codable {
    public let feature: String
    /// Pearson's r with the target (`numpy.corrcoef`).
    public let pearson: Double
    /// Spearman's ρ with the target, ties given average ranks (`scipy.stats.spearmanr`).
    public let spearman: Double
    /// Partial correlation with the target given every other feature: −P[j, t]/√(P[j, j]·P[t, t]), P the inverse
    /// correlation matrix of features and target.
    public let partialCorrelation: Double
    /// KSG mutual information in nats (`sklearn.feature_selection.mutual_info_regression`).
    public let mutualInformation: Double
    /// Mean drop in R² of the linear model when this feature is permuted (`sklearn.inspection.permutation_importance`).
    public let permutationImportance: Double
    /// Population standard deviation of the drops.
    public let permutationImportanceStd: Double
    /// Every drop, one per repeat.
    public let permutationImportances: [Double]

    enum CodingKeys: String, CodingKey {
        case feature, pearson, spearman, partialCorrelation = "partial_correlation"
        case mutualInformation = "mutual_information", permutationImportance = "permutation_importance"
        case permutationImportanceStd = "permutation_importance_std", permutationImportances = "permutation_importances"
    }
}

/// Feature strength of every feature for one target.
public struct ProvStrengthReport: Sendable, Hashable, Codable {
    public let target: String
    public let sampleSize: Int
    /// R² of the linear model on unpermuted data (the permutation-importance baseline).
    public let baselineRSquared: Double
    public let features: [ProvFeatureStrengthEntry]
    public let options: ProvStrengthOptions

    enum CodingKeys: String, CodingKey {
        case target, sampleSize = "n", baselineRSquared = "baseline_r2", features, options
    }
}

/// Feature strength: Pearson, Spearman, partial correlation, KSG mutual information and linear-model permutation
/// importance, each computed as its scipy/scikit-learn reference does.
public enum ProvFeatureStrength {
    /// Every column except `target` as a feature of `target`.
    /// - Throws: `AnalysisError` for an unknown target, fewer than 2 features' worth of rows, constant columns or
    ///   collinear features, or a malformed replay.
    public static func compute(_ table: DataTable, target: String, options: ProvStrengthOptions = .init())
        throws(AnalysisError) -> ProvStrengthReport
    {
        let t = try table.columnIndex(named: target)
        let featureIndices = (0..<table.columnCount).filter { $0 != t }
        guard !featureIndices.isEmpty else { throw .insufficientData("no feature columns besides the target '\(target)'") }
        let n = table.rowCount
        guard n > featureIndices.count + 1, n > options.neighbors else {
            throw .insufficientData(
                "\(featureIndices.count) features need more than \(featureIndices.count + 1) rows; the table has \(n)")
        }
        guard let numpySeed = UInt32(exactly: options.seed) else {
            throw .invalidOption("the seed must be below 2^32 (NumPy RandomState's range); got \(options.seed)")
        }
        guard options.neighbors >= 1, options.repeats >= 1 else {
            throw .invalidOption("neighbors and repeats must be at least 1")
        }
        if let constant = ProvCorrelation.constantColumns(table.columns).first {
            throw .insufficientData("column '\(table.columnNames[constant])' is constant; drop it (--columns)")
        }
        let features = featureIndices.map { table.columns[$0] }
        let names = featureIndices.map { table.columnNames[$0] }
        let y = table.columns[t]
        if let replay = options.replayPermutations {
            guard replay.count == features.count, replay.allSatisfy({ $0.count == options.repeats }),
                replay.allSatisfy({ $0.allSatisfy { Set($0) == Set(0..<n) && $0.count == n } })
            else {
                throw .invalidOption(
                    "replayed permutations must be [feature][repeat] row orders: \(features.count) × \(options.repeats) permutations of 0..<\(n)")
            }
        }
        let pearson = features.map { ProvCorrelation.pearson($0, y) }
        let yRanks = ranks(y)
        let spearman = features.map { ProvCorrelation.pearson(ranks($0), yRanks) }
        let partial = try partialCorrelations(features + [y], names: names + [target])
        let mi = mutualInformation(
            features, y, neighbors: options.neighbors, jitter: options.jitter, seed: numpySeed)
        let importance = try permutationImportance(
            features, y, names: names, repeats: options.repeats, seed: numpySeed, replay: options.replayPermutations)
        var entries: [ProvFeatureStrengthEntry] = []
        for j in features.indices {
            let drops = importance.drops[j]
            let mean = drops.reduce(0, +) / Double(drops.count)
            let variance = drops.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(drops.count)
            entries.append(
                ProvFeatureStrengthEntry(
                    feature: names[j], pearson: pearson[j], spearman: spearman[j], partialCorrelation: partial[j],
                    mutualInformation: mi[j], permutationImportance: mean,
                    permutationImportanceStd: variance.squareRoot(), permutationImportances: drops))
        }
        return ProvStrengthReport(
            target: target, sampleSize: n, baselineRSquared: importance.baseline, features: entries, options: options)
    }

    /// Ranks 1…n with ties given their average rank (`scipy.stats.rankdata(method="average")`).
    public static func ranks(_ values: [Double]) -> [Double] {
        let order = values.indices.sorted { values[$0] < values[$1] || (values[$0] == values[$1] && $0 < $1) }
        var result = [Double](repeating: 0, count: values.count)
        var start = 0
        while start < order.count {
            var end = start
            while end + 1 < order.count && values[order[end + 1]] == values[order[start]] { end += 1 }
            let rank = Double(start + end + 2) / 2
            for k in start...end { result[order[k]] = rank }
            start = end + 1
        }
        return result
    }

    /// Partial correlation of each of the first p − 1 columns with the last, given all the others.
    public static func partialCorrelations(_ columns: [[Double]], names: [String]) throws(AnalysisError) -> [Double] {
        let p = columns.count
        let c = ProvCorrelation.matrix(columns)
        guard let inverse = ProvLinearAlgebra.inverseSPD(c, size: p) else {
            throw .insufficientData(
                "the correlation matrix of (\(names.joined(separator: ", "))) is singular: a column is a linear "
                    + "combination of others; drop one (--columns)")
        }
        let t = p - 1
        return (0..<t).map { j in -inverse[j * p + t] / (inverse[j * p + j] * inverse[t * p + t]).squareRoot() }
    }
}
