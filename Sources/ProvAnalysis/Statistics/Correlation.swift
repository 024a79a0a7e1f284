/// Pearson correlation matrices, computed the way `numpy.corrcoef` does (two passes: centre, then cross products).
public enum ProvCorrelation {
    /// The correlation matrix of `columns` as a flat row-major `p × p` array.
    ///
    /// Two-pass: each column is centred on its mean, cross products are summed, divided by `n − 1`, then each entry is
    /// divided by the two standard deviations and clipped to [−1, 1], as `numpy.corrcoef` does. A constant column
    /// gives NaN entries (numpy does the same); callers that cannot use them check with ``constantColumns(_:)``.
    public static func matrix(_ columns: [[Double]]) -> [Double] {
        let p = columns.count
        guard p > 0 else { return [] }
        let n = columns[0].count
        let centred = columns.map { column -> [Double] in
            let mean = column.reduce(0, +) / Double(n)
            return column.map { $0 - mean }
        }
        var covariance = [Double](repeating: 0, count: p * p)
        let factor = 1 / Double(n - 1)
        centred.withUnsafeBufferPointer { cols in
            for i in 0..<p {
                for j in i..<p {
                    var sum = 0.0
                    cols[i].withUnsafeBufferPointer { a in
                        cols[j].withUnsafeBufferPointer { b in
                            for k in 0..<n { sum += a[k] * b[k] }
                        }
                    }
                    covariance[i * p + j] = sum * factor
                    covariance[j * p + i] = sum * factor
                }
            }
        }
        var result = covariance
        let deviations = (0..<p).map { covariance[$0 * p + $0].squareRoot() }
        for i in 0..<p {
            for j in 0..<p {
                var value = covariance[i * p + j] / deviations[i]
                value /= deviations[j]
                result[i * p + j] = min(1, max(-1, value))
            }
        }
        return result
    }

    /// Pearson's r between two equally long samples (NaN if either is constant).
    public static func pearson(_ x: [Double], _ y: [Double]) -> Double {
        matrix([x, y])[1]
    }

    /// Indices of columns whose values are all equal (their correlations are undefined).
    public static func constantColumns(_ columns: [[Double]]) -> [Int] {
        columns.indices.filter { index in
            guard let first = columns[index].first else { return true }
            return columns[index].allSatisfy { $0 == first }
        }
    }
}
