/// Small dense linear algebra on row-major `[Double]` matrices: enough for correlation blocks and OLS (p ≲ 100).
public enum ProvLinearAlgebra {
    /// The lower Cholesky factor `L` (row-major `n × n`, `A = L·Lᵀ`) of a symmetric positive definite matrix, or
    /// `nil` when `A` is not positive definite (singular or indefinite).
    public static func cholesky(_ a: [Double], size n: Int) -> [Double]? {
        var l = [Double](repeating: 0, count: n * n)
        for j in 0..<n {
            var diagonal = a[j * n + j]
            for k in 0..<j { diagonal -= l[j * n + k] * l[j * n + k] }
            guard diagonal > 0, diagonal.isFinite else { return nil }
            let root = diagonal.squareRoot()
            l[j * n + j] = root
            for i in (j + 1)..<max(j + 1, n) {
                var sum = a[i * n + j]
                for k in 0..<j { sum -= l[i * n + k] * l[j * n + k] }
                l[i * n + j] = sum / root
            }
        }
        return l
    }

    /// Solves `L·x = b` for lower-triangular `L` (forward substitution).
    public static func forwardSubstitute(_ l: [Double], size n: Int, _ b: [Double]) -> [Double] {
        var x = b
        for i in 0..<n {
            var sum = x[i]
            for k in 0..<i { sum -= l[i * n + k] * x[k] }
            x[i] = sum / l[i * n + i]
        }
        return x
    }

    /// Solves `Lᵀ·x = b` for lower-triangular `L` (back substitution).
    public static func backSubstituteTransposed(_ l: [Double], size n: Int, _ b: [Double]) -> [Double] {
        var x = b
        for i in stride(from: n - 1, through: 0, by: -1) {
            var sum = x[i]
            for k in (i + 1)..<max(i + 1, n) { sum -= l[k * n + i] * x[k] }
            x[i] = sum / l[i * n + i]
        }
        return x
    }

    /// Solves `A·x = b` for symmetric positive definite `A` given its Cholesky factor.
    public static func choleskySolve(_ l: [Double], size n: Int, _ b: [Double]) -> [Double] {
        backSubstituteTransposed(l, size: n, forwardSubstitute(l, size: n, b))
    }

    /// The inverse of a symmetric positive definite matrix, or `nil` if it is not positive definite.
    public static func inverseSPD(_ a: [Double], size n: Int) -> [Double]? {
        guard let l = cholesky(a, size: n) else { return nil }
        var inverse = [Double](repeating: 0, count: n * n)
        var unit = [Double](repeating: 0, count: n)
        for column in 0..<n {
            unit[column] = 1
            let x = choleskySolve(l, size: n, unit)
            unit[column] = 0
            for row in 0..<n { inverse[row * n + column] = x[row] }
        }
        // Symmetrise: both halves are the same number up to rounding.
        for i in 0..<n {
            for j in (i + 1)..<max(i + 1, n) {
                let mean = (inverse[i * n + j] + inverse[j * n + i]) / 2
                inverse[i * n + j] = mean
                inverse[j * n + i] = mean
            }
        }
        return inverse
    }
}
