/// An ordinary least squares fit with an intercept: coefficients, standard errors and the residual variance, as
/// `statsmodels.OLS(y, add_constant(X)).fit()` reports them.
public struct ProvOLSFit: Sendable, Hashable, Codable {
    /// The intercept followed by one coefficient per regressor, in input order.
    public let coefficients: [Double]
    /// Standard errors, aligned with `coefficients`: √(s²·[(XᵀX)⁻¹]ⱼⱼ).
    public let standardErrors: [Double]
    /// s² = RSS / (n − k), k = regressors + 1.
    public let residualVariance: Double
    /// Residual degrees of freedom n − k.
    public let residualDegreesOfFreedom: Int
    /// The coefficient of determination on the fitted data.
    public let rSquared: Double

    /// The prediction for one row of regressors.
    public func predict(_ row: [Double]) -> Double {
        var value = coefficients[0]
        for (index, x) in row.enumerated() { value += coefficients[index + 1] * x }
        return value
    }
}

/// Ordinary least squares by the normal equations on centred data (Cholesky), which for the well-conditioned designs
/// of these analyses agrees with statsmodels' pseudo-inverse to ≈1e-14 relative.
public enum ProvOLS {
    /// Fits `y = b₀ + Σ bⱼ·xⱼ` by least squares.
    /// - Parameters:
    ///   - regressors: columns xⱼ, each as long as `y`.
    ///   - y: the response.
    /// - Throws: `AnalysisError.insufficientData` when there are no more rows than coefficients, or the design is
    ///   singular (a constant or collinear regressor).
    public static func fit(regressors: [[Double]], y: [Double], names: [String]? = nil) throws(AnalysisError)
        -> ProvOLSFit
    {
        let n = y.count
        let p = regressors.count
        let k = p + 1
        guard n > k else {
            throw .insufficientData("OLS with \(k) coefficients needs more than \(k) rows; the data has \(n)")
        }
        // Centre: the slopes come from the centred normal equations, the intercept from the means.
        let means = regressors.map { $0.reduce(0, +) / Double(n) }
        let yMean = y.reduce(0, +) / Double(n)
        let centred = regressors.enumerated().map { index, column in column.map { $0 - means[index] } }
        let yc = y.map { $0 - yMean }
        var gram = [Double](repeating: 0, count: p * p)
        var xty = [Double](repeating: 0, count: p)
        for i in 0..<p {
            for j in i..<p {
                var sum = 0.0
                for r in 0..<n { sum += centred[i][r] * centred[j][r] }
                gram[i * p + j] = sum
                gram[j * p + i] = sum
            }
            var sum = 0.0
            for r in 0..<n { sum += centred[i][r] * yc[r] }
            xty[i] = sum
        }
        guard let factor = ProvLinearAlgebra.cholesky(gram, size: p) else {
            let label = names.map { " (\($0.joined(separator: ", ")))" } ?? ""
            throw .insufficientData("the regressors\(label) are collinear or one is constant; drop one and retry")
        }
        let slopes = ProvLinearAlgebra.choleskySolve(factor, size: p, xty)
        var intercept = yMean
        for j in 0..<p { intercept -= slopes[j] * means[j] }
        var rss = 0.0
        var tss = 0.0
        for r in 0..<n {
            var fitted = 0.0
            for j in 0..<p { fitted += slopes[j] * centred[j][r] }
            let residual = yc[r] - fitted
            rss += residual * residual
            tss += yc[r] * yc[r]
        }
        let dof = n - k
        let s2 = rss / Double(dof)
        // (XᵀX)⁻¹ for the uncentred design with intercept, from the centred Gram inverse G⁻¹:
        // slopes block = G⁻¹; Var(b₀)/s² = 1/n + m·G⁻¹·m; Cov(b₀, b)/s² = −G⁻¹·m.
        var gramInverse = [Double](repeating: 0, count: p * p)
        var unit = [Double](repeating: 0, count: p)
        for column in 0..<p {
            unit[column] = 1
            let x = ProvLinearAlgebra.choleskySolve(factor, size: p, unit)
            unit[column] = 0
            for row in 0..<p { gramInverse[row * p + column] = x[row] }
        }
        let gm = ProvLinearAlgebra.choleskySolve(factor, size: p, means)
        var interceptVariance = 1 / Double(n)
        for j in 0..<p { interceptVariance += means[j] * gm[j] }
        var errors = [(s2 * interceptVariance).squareRoot()]
        for j in 0..<p { errors.append((s2 * gramInverse[j * p + j]).squareRoot()) }
        return ProvOLSFit(
            coefficients: [intercept] + slopes, standardErrors: errors, residualVariance: s2,
            residualDegreesOfFreedom: dof, rSquared: tss > 0 ? 1 - rss / tss : 0)
    }
}
