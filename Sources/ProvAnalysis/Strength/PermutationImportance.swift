extension ProvFeatureStrength {
    /// Permutation importance of an OLS linear model, as `sklearn.inspection.permutation_importance(
    /// LinearRegression().fit(X, y), X, y, n_repeats: repeats, random_state: seed)` with the R² scorer: a column seed
    /// is drawn as `RandomState(seed).randint(2**31)`; for each feature a fresh `RandomState(column seed)` shuffles a
    /// row-index vector in place once per repeat, the column is replaced by itself re-indexed (so shuffles compound),
    /// and the importance is R²(X) − R²(X permuted). The draws follow NumPy's legacy stream, so the permutations are
    /// scikit-learn's own. `replay` substitutes given row orders.
    public static func permutationImportance(
        _ features: [[Double]], _ y: [Double], names: [String], repeats: Int, seed: UInt32, replay: [[[Int]]]? = nil
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
        var seeding = NumPyRandomState(seed: seed)
        let columnSeed = seeding.randomSeed31()
        var drops: [[Double]] = []
        for (j, column) in features.enumerated() {
            var generator = NumPyRandomState(seed: columnSeed)
            var shuffling = Array(0..<n)
            var current = column
            var featureDrops: [Double] = []
            let coefficient = fit.coefficients[j + 1]
            for repeatIndex in 0..<repeats {
                let permuted: [Double]
                if let replay {
                    permuted = replay[j][repeatIndex].map { column[$0] }
                } else {
                    generator.shuffle(&shuffling)
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
