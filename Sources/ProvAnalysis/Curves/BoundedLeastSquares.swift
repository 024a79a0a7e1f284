import Foundation

/// A small nonlinear least-squares problem with box bounds: minimise ½‖r(p)‖² for l ≤ p ≤ u.
///
/// Solved by ``BoundedLevenbergMarquardt``. The model returns, for every observation, the residual and its gradient
/// with respect to the parameters (one row of the Jacobian).
public struct BoundedLeastSquaresProblem: Sendable {
    /// The number of parameters.
    public var parameterCount: Int
    /// Lower bounds, one per parameter (`-infinity` for none).
    public var lowerBounds: [Double]
    /// Upper bounds, one per parameter (`+infinity` for none).
    public var upperBounds: [Double]
    /// Residuals r_i(p) and the Jacobian rows ∂r_i/∂p at `p`.
    public var evaluate: @Sendable (_ parameters: [Double]) -> (residuals: [Double], jacobian: [[Double]])

    public init(
        parameterCount: Int, lowerBounds: [Double], upperBounds: [Double],
        evaluate: @escaping @Sendable (_ parameters: [Double]) -> (residuals: [Double], jacobian: [[Double]])
    ) {
        self.parameterCount = parameterCount
        self.lowerBounds = lowerBounds
        self.upperBounds = upperBounds
        self.evaluate = evaluate
    }
}

/// The outcome of a bounded least-squares fit.
public struct BoundedLeastSquaresFit: Sendable, Hashable, Codable {
    /// The parameters at the end.
    public var parameters: [Double]
    /// ½‖r‖² at ``parameters``.
    public var cost: Double
    /// How many times the residuals were evaluated.
    public var evaluations: Int
    /// Whether a convergence test was met (otherwise the evaluation budget ran out).
    public var converged: Bool
}

/// A projected Levenberg–Marquardt solver for small bounded least-squares problems (a handful of parameters).
///
/// Each iteration solves (JᵀJ + λ·diag(JᵀJ)) δ = −Jᵀr (Marquardt's scaling, so parameters of very different
/// magnitude, like PENGUIN's b ≈ 1.001 and c ≈ 100, are treated alike), projects p + δ onto the bounds, and keeps
/// the step only when the cost falls; λ shrinks after a kept step and grows after a rejected one. It stops when the
/// relative fall of the cost is below ``Configuration/costTolerance`` after a kept step, when the step is below
/// ``Configuration/stepTolerance`` relative to the parameters, when the projected gradient vanishes, or after
/// ``Configuration/maximumEvaluations`` evaluations (then ``BoundedLeastSquaresFit/converged`` is `false`).
///
/// Tolerances default to scipy's `least_squares` (`ftol = xtol = gtol = 1e-8`) and the budget to its TRF default
/// of 100 evaluations per parameter, so fits that scipy gives up on tend to be given up on here too.
public struct BoundedLevenbergMarquardt: Sendable {
    /// Solver settings.
    public struct Configuration: Sendable, Hashable, Codable {
        /// Relative fall of the cost below which a kept step ends the fit. Default 1e-8.
        public var costTolerance: Double = 1e-8
        /// Step length relative to the parameter vector below which the fit ends. Default 1e-8.
        public var stepTolerance: Double = 1e-8
        /// Infinity norm of the projected gradient below which the fit ends. Default 1e-8.
        public var gradientTolerance: Double = 1e-8
        /// The most residual evaluations; `nil` for 100 per parameter.
        public var maximumEvaluations: Int? = nil
        /// The damping to start from, relative to the largest diagonal entry of JᵀJ. Default 1e-3.
        public var initialDamping: Double = 1e-3

        public init() {}
        public static let `default` = Configuration()
    }

    public var configuration: Configuration

    public init(configuration: Configuration = .default) {
        self.configuration = configuration
    }

    /// Fits `problem` from `start` (clamped into the bounds first).
    /// - Returns: `nil` when the residuals are not finite at the start.
    public func fit(_ problem: BoundedLeastSquaresProblem, from start: [Double]) -> BoundedLeastSquaresFit? {
        let n = problem.parameterCount
        precondition(start.count == n && problem.lowerBounds.count == n && problem.upperBounds.count == n)
        let budget = configuration.maximumEvaluations ?? 100 * n
        func clamp(_ p: [Double]) -> [Double] {
            (0..<n).map { min(max(p[$0], problem.lowerBounds[$0]), problem.upperBounds[$0]) }
        }
        func cost(_ r: [Double]) -> Double { 0.5 * r.reduce(0) { $0 + $1 * $1 } }
        func finite(_ r: [Double], _ j: [[Double]]) -> Bool {
            r.allSatisfy(\.isFinite) && j.allSatisfy { $0.allSatisfy(\.isFinite) }
        }

        var p = clamp(start)
        var (r, jacobian) = problem.evaluate(p)
        var evaluations = 1
        guard finite(r, jacobian) else { return nil }
        var currentCost = cost(r)
        var lambda: Double = -1
        var nu: Double = 2
        var converged = false

        while evaluations < budget {
            // Normal equations.
            var jtj = [[Double]](repeating: [Double](repeating: 0, count: n), count: n)
            var gradient = [Double](repeating: 0, count: n)
            for (row, residual) in zip(jacobian, r) {
                for a in 0..<n {
                    gradient[a] += row[a] * residual
                    for b in a..<n { jtj[a][b] += row[a] * row[b] }
                }
            }
            for a in 0..<n { for b in 0..<a { jtj[a][b] = jtj[b][a] } }
            // Active bounds: a parameter at a bound whose gradient pushes it outward stays fixed this iteration,
            // and the step is solved for the free parameters only (an active-set projected step).
            var free: [Int] = []
            var projectedGradient = 0.0
            for a in 0..<n {
                let atLower = p[a] <= problem.lowerBounds[a] && gradient[a] > 0
                let atUpper = p[a] >= problem.upperBounds[a] && gradient[a] < 0
                if !atLower && !atUpper {
                    free.append(a)
                    projectedGradient = max(projectedGradient, abs(gradient[a]))
                }
            }
            if projectedGradient < configuration.gradientTolerance {
                converged = true
                break
            }
            if lambda < 0 {
                lambda = configuration.initialDamping * (jtj.indices.map { jtj[$0][$0] }.max() ?? 1)
                if !(lambda > 0) { lambda = configuration.initialDamping }
            }
            var accepted = false
            while evaluations < budget {
                var system = free.map { a in free.map { b in jtj[a][b] } }
                for (k, a) in free.enumerated() { system[k][k] += lambda * max(jtj[a][a], 1e-12) }
                guard let reduced = Self.solve(system, free.map { -gradient[$0] }) else {
                    lambda *= 10
                    if lambda > 1e16 { break }
                    continue
                }
                var delta = [Double](repeating: 0, count: n)
                for (k, a) in free.enumerated() { delta[a] = reduced[k] }
                let candidate = clamp(zip(p, delta).map { $0 + $1 })
                let stepNorm = sqrt(zip(candidate, p).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) })
                let parameterNorm = sqrt(p.reduce(0) { $0 + $1 * $1 })
                if stepNorm <= configuration.stepTolerance * (configuration.stepTolerance + parameterNorm) {
                    converged = true
                    break
                }
                let (candidateR, candidateJ) = problem.evaluate(candidate)
                evaluations += 1
                let candidateCost = finite(candidateR, candidateJ) ? cost(candidateR) : .infinity
                if candidateCost < currentCost {
                    let fall = currentCost - candidateCost
                    // Nielsen's update: the damping follows the ratio of the actual to the predicted fall.
                    var predicted = 0.0
                    for a in 0..<n {
                        predicted -= delta[a] * gradient[a]
                        for b in 0..<n { predicted -= 0.5 * delta[a] * jtj[a][b] * delta[b] }
                    }
                    let ratio = predicted > 0 ? fall / predicted : 1
                    let factor = max(1.0 / 3, 1 - pow(2 * ratio - 1, 3))
                    p = candidate
                    r = candidateR
                    jacobian = candidateJ
                    let previous = currentCost
                    currentCost = candidateCost
                    lambda = max(lambda * factor, 1e-15)
                    nu = 2
                    accepted = true
                    if fall <= configuration.costTolerance * previous { converged = true }
                    break
                }
                lambda *= nu
                nu *= 2
                if lambda > 1e16 {
                    converged = true  // no downhill step exists at working precision: a (bounded) minimum
                    break
                }
            }
            if converged || !accepted { break }
        }
        return BoundedLeastSquaresFit(parameters: p, cost: currentCost, evaluations: evaluations, converged: converged)
    }

    /// Solves a small symmetric positive definite system by Cholesky; `nil` when it is not positive definite.
    static func solve(_ matrix: [[Double]], _ rhs: [Double]) -> [Double]? {
        let n = rhs.count
        var l = [[Double]](repeating: [Double](repeating: 0, count: n), count: n)
        for i in 0..<n {
            for j in 0...i {
                var sum = matrix[i][j]
                for k in 0..<j { sum -= l[i][k] * l[j][k] }
                if i == j {
                    guard sum > 0, sum.isFinite else { return nil }
                    l[i][i] = sum.squareRoot()
                } else {
                    l[i][j] = sum / l[j][j]
                }
            }
        }
        var y = [Double](repeating: 0, count: n)
        for i in 0..<n {
            var sum = rhs[i]
            for k in 0..<i { sum -= l[i][k] * y[k] }
            y[i] = sum / l[i][i]
        }
        var x = [Double](repeating: 0, count: n)
        for i in stride(from: n - 1, through: 0, by: -1) {
            var sum = y[i]
            for k in (i + 1)..<n { sum -= l[k][i] * x[k] }
            x[i] = sum / l[i][i]
        }
        return x
    }
}
