extension ProvFeatureStrength {
    /// Permutation importance of an OLS linear model, as `sklearn.inspection.permutation_importance(
    /// LinearRegression().fit(X, y), X, y, n_repeats: repeats)` with the R² scorer: for each feature, a fresh
    /// generator (seeded from `seed`) shuffles a row-index vector in place once per repeat, the column is replaced by
    /// itself re-indexed (so shuffles compound, as in scikit-learn), and the importance is R²(X) − R²(X permuted).
    /// `replay` substitutes given row orders for the draws.
    public static func permutationImportance(
        _ features: [[Double]], _ y: [Double], names: [String], repeats: Int, seed: UInt64, replay: [[[Int]]]? = nil
    ) throws(AnalysisError) -> (baseline: Double, drops: [[Double]]) {
        let fit = try ProvOLS.fit(regressors: features, y: y, names: names)
        let n = y.count
        let mean = y.reduce(0, +) / Double(n)
        let total = y.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
        var fitted = [Double](repeating: fit.coefficients[0], count: n)
        for (j, column) in features.enumerated() {
            for i in 0..<n { fitted[i] += fit.coefficients[j + 1] * column[i] }
        }
        func r2(_ predictions: [Double]) -> Double {
            var residual = 0.0
            for i in 0..<n { residual += (y[i] - predictions[i]) * (y[i] - predictions[i]) }
            return 1 - residual / total
        }
        let baseline = r2(fitted)
        var drops: [[Double]] = []
        for (j, column) in features.enumerated() {
            var generator = ProvSeededGenerator(seed: seed &+ 0x5EED)
            var shuffling = Array(0..<n)
            var current = column
            var featureDrops: [Double] = []
            let coefficient = fit.coefficients[j + 1]
            for repeatIndex in 0..<repeats {
                let permuted: [Double]
                if let replay {
                    permuted = replay[j][repeatIndex].map { column[$0] }
                } else {
                    shuffling.shuffle(using: &generator)
                    permuted = shuffling.map { current[$0] }
                }
                current = permuted
                var predictions = fitted
                for i in 0..<n { predictions[i] += coefficient * (permuted[i] - column[i]) }
                featureDrops.append(baseline - r2(predictions))
            }
            drops.append(featureDrops)
        }
        return (baseline, drops)
    }
}
