#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Fisher's z test of conditional independence on a correlation matrix, as causal-learn's `cit.FisherZ` computes it.
///
/// For (x, y | S): r is the partial correlation of x and y given S, obtained from the Schur complement of C[S, S]
/// in C[{x, y} ∪ S] through a Cholesky factor (equal, up to rounding, to causal-learn's −P₀₁/√|P₀₀P₁₁| with
/// P = C[idx, idx]⁻¹); |r| ≥ 1 is clamped to ±(1 − ε); z = ½·ln((1 + r)/(1 − r)); stat = √(n − |S| − 3)·|z|;
/// p = 2·(1 − Φ(stat)), with Φ computed in cephes' branch structure, so p underflows to 0 where causal-learn's does.
public struct ProvFisherZTest: Sendable {
    /// The correlation matrix, row-major `p × p`.
    public let correlation: [Double]
    /// The number of variables.
    public let variableCount: Int
    /// The number of samples the correlations came from.
    public let sampleSize: Int
    /// Column names, for error messages.
    public let names: [String]

    /// Prepares the test for a table (computes its correlation matrix once).
    /// - Throws: `AnalysisError.insufficientData` for fewer than 4 rows or a constant column.
    public init(table: DataTable) throws(AnalysisError) {
        guard table.rowCount >= 4 else {
            throw .insufficientData("Fisher-z tests need at least 4 rows; the table has \(table.rowCount)")
        }
        if let constant = ProvCorrelation.constantColumns(table.columns).first {
            throw .insufficientData(
                "column '\(table.columnNames[constant])' is constant, so its correlations are undefined; drop it (--columns)")
        }
        self.correlation = ProvCorrelation.matrix(table.columns)
        self.variableCount = table.columnCount
        self.sampleSize = table.rowCount
        self.names = table.columnNames
    }

    /// The p-value of the test x ⫫ y | s. `s` must not contain x or y.
    public func pValue(_ x: Int, _ y: Int, given s: [Int]) throws(AnalysisError) -> Double {
        let (x, y) = x < y ? (x, y) : (y, x)
        let p = variableCount
        let c = correlation
        let k = s.count
        let dof = sampleSize - k - 3
        guard dof >= 0 else {
            throw .insufficientData(
                "a Fisher-z test conditioning on \(k) variables needs at least \(k + 3) rows; the table has \(sampleSize)")
        }
        var r: Double
        if k == 0 {
            r = c[x * p + y]
        } else if let value = Self.schurPartialCorrelation(c, p, x, y, s) {
            r = value
        } else {
            r = try Self.inversePartialCorrelation(c, p, x, y, s, names: names)
        }
        if abs(r) >= 1 { r = (1 - Double.ulpOfOne) * (r < 0 ? -1 : 1) }
        let z = 0.5 * log((1 + r) / (1 - r))
        let statistic = Double(dof).squareRoot() * abs(z)
        return 2 * (1 - ProvDistributions.normalCDF(abs(statistic)))
    }

    /// Partial correlation through the Cholesky factor of C[S, S]; nil if that block is not positive definite.
    static func schurPartialCorrelation(_ c: [Double], _ p: Int, _ x: Int, _ y: Int, _ s: [Int]) -> Double? {
        let k = s.count
        var block = [Double](repeating: 0, count: k * k)
        var bx = [Double](repeating: 0, count: k)
        var by = [Double](repeating: 0, count: k)
        for i in 0..<k {
            for j in 0..<k { block[i * k + j] = c[s[i] * p + s[j]] }
            bx[i] = c[s[i] * p + x]
            by[i] = c[s[i] * p + y]
        }
        guard let l = ProvLinearAlgebra.cholesky(block, size: k) else { return nil }
        let ux = ProvLinearAlgebra.forwardSubstitute(l, size: k, bx)
        let uy = ProvLinearAlgebra.forwardSubstitute(l, size: k, by)
        var kxx = c[x * p + x]
        var kyy = c[y * p + y]
        var kxy = c[x * p + y]
        for i in 0..<k {
            kxx -= ux[i] * ux[i]
            kyy -= uy[i] * uy[i]
            kxy -= ux[i] * uy[i]
        }
        return kxy / abs(kxx * kyy).squareRoot()
    }

    /// causal-learn's own route for (near-)singular blocks: invert C[idx, idx] by Gauss–Jordan with partial pivoting
    /// (as LAPACK's LU would) and take −P₀₁/√|P₀₀P₁₁|; an exactly singular block is an error, as in causal-learn.
    static func inversePartialCorrelation(
        _ c: [Double], _ p: Int, _ x: Int, _ y: Int, _ s: [Int], names: [String]
    ) throws(AnalysisError) -> Double {
        let index = [x, y] + s
        let m = index.count
        var a = [Double](repeating: 0, count: m * m)
        var inverse = [Double](repeating: 0, count: m * m)
        for i in 0..<m {
            for j in 0..<m { a[i * m + j] = c[index[i] * p + index[j]] }
            inverse[i * m + i] = 1
        }
        for column in 0..<m {
            var pivot = column
            for row in (column + 1)..<max(column + 1, m) where abs(a[row * m + column]) > abs(a[pivot * m + column]) {
                pivot = row
            }
            guard a[pivot * m + column] != 0, a[pivot * m + column].isFinite else {
                let involved = index.map { names[$0] }.joined(separator: ", ")
                throw .insufficientData(
                    "the correlation matrix of (\(involved)) is singular: some of these columns are exact linear "
                        + "combinations of others; drop one (--columns)")
            }
            if pivot != column {
                for j in 0..<m {
                    a.swapAt(column * m + j, pivot * m + j)
                    inverse.swapAt(column * m + j, pivot * m + j)
                }
            }
            let d = a[column * m + column]
            for j in 0..<m {
                a[column * m + j] /= d
                inverse[column * m + j] /= d
            }
            for row in 0..<m where row != column {
                let f = a[row * m + column]
                if f == 0 { continue }
                for j in 0..<m {
                    a[row * m + j] -= f * a[column * m + j]
                    inverse[row * m + j] -= f * inverse[column * m + j]
                }
            }
        }
        return -inverse[1] / abs(inverse[0] * inverse[m + 1]).squareRoot()
    }
}
