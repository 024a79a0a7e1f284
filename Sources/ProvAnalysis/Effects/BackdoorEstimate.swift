import ProvModel

/// A refutation test of an effect estimate (DoWhy's refuters, drawing from NumPy's legacy `RandomState(seed)` stream
/// as DoWhy does when given `random_state=np.random.RandomState(seed)`).
public enum ProvRefuterKind: String, Sendable, Hashable, Codable, CaseIterable {
    /// Replace the treatment by a random permutation of itself; the new effect should be ≈ 0.
    case placebo
    /// Add an independent N(0, 1) column to the adjustment set; the effect should not move.
    case randomCommonCause = "random-common-cause"
    /// Re-estimate on random subsets (without replacement) of the rows; the effect should not move.
    case dataSubset = "data-subset"
}

/// Options of ``ProvBackdoor/estimate(_:treatment:outcome:adjustment:options:)``.
public struct ProvEffectOptions: Sendable, Hashable, Codable {
    /// Confidence level of the interval (0.95 → 95 %).
    public var confidenceLevel: Double
    /// Refuters to run.
    public var refuters: [ProvRefuterKind]
    /// Simulations per refuter. With 100 or more the p-value is DoWhy's two-sided percentile test, below 100 its
    /// one-sided normal test.
    public var simulations: Int
    /// Seed (below 2³²) of each refuter's NumPy `RandomState` stream: a refuter run with seed s draws what DoWhy draws
    /// with `random_state=np.random.RandomState(s)` (placebo: `choice(n, n, replace=False)`; random common cause:
    /// `normal(size=n)`; data subset: pandas `sample(frac=…)`, i.e. `choice(n, round(frac·n), replace=False)`).
    public var seed: UInt64
    /// Fraction of rows each data-subset simulation keeps.
    public var subsetFraction: Double

    public init(
        confidenceLevel: Double = 0.95, refuters: [ProvRefuterKind] = [], simulations: Int = 100, seed: UInt64 = 0,
        subsetFraction: Double = 0.8
    ) {
        self.confidenceLevel = confidenceLevel
        self.refuters = refuters
        self.simulations = simulations
        self.seed = seed
        self.subsetFraction = subsetFraction
    }
}

/// The result of one refuter.
public struct ProvRefutation: Sendable, Hashable, Codable {
    public let refuter: ProvRefuterKind
    public let simulations: Int
    /// The estimate on the real data.
    public let estimatedEffect: Double
    /// The mean effect over the simulations.
    public let newEffect: Double
    /// What the simulations are compared with: 0 for the placebo, the estimate otherwise.
    public let reference: Double
    /// DoWhy's p-value of `reference` under the simulated distribution.
    public let pValue: Double
    /// "two-sided percentile" (≥ 100 simulations) or "one-sided normal".
    public let test: String
    /// p ≤ 0.05: the estimate fails this refutation.
    public let isStatisticallySignificant: Bool

    enum CodingKeys: String, CodingKey {
        case refuter, simulations, estimatedEffect = "estimated_effect", newEffect = "new_effect", reference
        case pValue = "p_value", test, isStatisticallySignificant = "is_statistically_significant"
    }
}

/// A backdoor-adjusted average treatment effect by linear regression.
public struct ProvEffectEstimate: Sendable, Hashable, Codable {
    public let treatment: String
    public let outcome: String
    /// The variables adjusted for.
    public let adjustmentSet: [String]
    /// The average treatment effect: the OLS coefficient of the treatment (per unit of treatment).
    public let effect: Double
    public let standardError: Double
    /// [low, high] at `confidenceLevel`: effect ± t(df)·SE.
    public let confidenceInterval: [Double]
    public let confidenceLevel: Double
    public let tStatistic: Double
    /// Two-sided p-value of effect = 0 (Student t, df = n − k).
    public let pValue: Double
    public let degreesOfFreedom: Int
    public let sampleSize: Int
    public let refutations: [ProvRefutation]

    enum CodingKeys: String, CodingKey {
        case treatment, outcome, adjustmentSet = "adjustment_set", effect, standardError = "standard_error"
        case confidenceInterval = "confidence_interval", confidenceLevel = "confidence_level"
        case tStatistic = "t_statistic", pValue = "p_value", degreesOfFreedom = "degrees_of_freedom"
        case sampleSize = "n", refutations
    }
}

/// Backdoor adjustment by linear regression, as DoWhy's `backdoor.linear_regression` with `effect_modifiers=[]`:
/// OLS of the outcome on an intercept, the treatment and the adjustment set; the effect is the treatment's
/// coefficient, its interval β ± t₁₋α/₂(n − k)·SE (statsmodels' `conf_int`).
public enum ProvBackdoor {
    /// Estimates the effect of `treatment` on `outcome` adjusting for `adjustment`, then runs the refuters.
    /// - Throws: `AnalysisError` for unknown columns, overlapping roles, too few rows, collinear regressors or bad
    ///   options.
    public static func estimate(
        _ table: DataTable, treatment: String, outcome: String, adjustment: [String],
        options: ProvEffectOptions = .init()
    ) throws(AnalysisError) -> ProvEffectEstimate {
        guard options.confidenceLevel > 0, options.confidenceLevel < 1 else {
            throw .invalidOption("confidence level must be between 0 and 1; got \(options.confidenceLevel)")
        }
        guard options.simulations >= 2 || options.refuters.isEmpty else {
            throw .invalidOption("refuters need at least 2 simulations; got \(options.simulations)")
        }
        guard options.subsetFraction > 0, options.subsetFraction <= 1 else {
            throw .invalidOption("the subset fraction must be in (0, 1]; got \(options.subsetFraction)")
        }
        guard treatment != outcome else { throw .invalidOption("treatment and outcome are the same column") }
        if let overlap = adjustment.first(where: { $0 == treatment || $0 == outcome }) {
            throw .invalidOption("'\(overlap)' cannot be both adjusted for and the treatment or outcome")
        }
        let t = try table.column(named: treatment)
        let y = try table.column(named: outcome)
        let z = try adjustment.map { (name) throws(AnalysisError) in try table.column(named: name) }
        let names = [treatment] + adjustment
        let fit = try ProvOLS.fit(regressors: [t] + z, y: y, names: names)
        let effect = fit.coefficients[1]
        let se = fit.standardErrors[1]
        let dof = fit.residualDegreesOfFreedom
        let quantile = ProvDistributions.studentTQuantile(1 - (1 - options.confidenceLevel) / 2, degrees: Double(dof))
        let tStatistic = effect / se
        let pValue = 2 * ProvDistributions.studentTSurvival(abs(tStatistic), degrees: Double(dof))
        guard let numpySeed = UInt32(exactly: options.seed) else {
            throw .invalidOption("the seed must be below 2^32 (NumPy RandomState's range); got \(options.seed)")
        }
        var refutations: [ProvRefutation] = []
        for kind in options.refuters {
            var generator = NumPyRandomState(seed: numpySeed)
            refutations.append(
                try refute(
                    kind, t: t, y: y, z: z, names: names, estimate: effect, options: options, generator: &generator))
        }
        return ProvEffectEstimate(
            treatment: treatment, outcome: outcome, adjustmentSet: adjustment, effect: effect, standardError: se,
            confidenceInterval: [effect - quantile * se, effect + quantile * se],
            confidenceLevel: options.confidenceLevel, tStatistic: tStatistic, pValue: pValue, degreesOfFreedom: dof,
            sampleSize: table.rowCount, refutations: refutations)
    }

    static func refute(
        _ kind: ProvRefuterKind, t: [Double], y: [Double], z: [[Double]], names: [String], estimate: Double,
        options: ProvEffectOptions, generator: inout NumPyRandomState
    ) throws(AnalysisError) -> ProvRefutation {
        let n = y.count
        var effects: [Double] = []
        for _ in 0..<options.simulations {
            switch kind {
            case .placebo:
                let order = generator.permutation(n)
                let placebo = order.map { t[$0] }
                effects.append(try ProvOLS.fit(regressors: [placebo] + z, y: y, names: names).coefficients[1])
            case .randomCommonCause:
                let w = (0..<n).map { _ in generator.standardNormal() }
                effects.append(try ProvOLS.fit(regressors: [t] + z + [w], y: y, names: names + ["w_random"]).coefficients[1])
            case .dataSubset:
                let size = Int(saturating: (options.subsetFraction * Double(n)).rounded(.toNearestOrEven))
                let rows = Array(generator.permutation(n).prefix(size))
                let fit = try ProvOLS.fit(
                    regressors: ([t] + z).map { column in rows.map { column[$0] } }, y: rows.map { y[$0] },
                    names: names)
                effects.append(fit.coefficients[1])
            }
        }
        let reference = kind == .placebo ? 0 : estimate
        let (pValue, test) = significance(of: reference, simulations: effects)
        return ProvRefutation(
            refuter: kind, simulations: options.simulations, estimatedEffect: estimate,
            newEffect: effects.reduce(0, +) / Double(effects.count), reference: reference, pValue: pValue, test: test,
            isStatisticallySignificant: pValue <= 0.05)
    }

    /// DoWhy's `test_significance` (auto): with ≥ 100 simulations the two-sided percentile test
    /// 2·min(h, 1 − h), h = mean(x > v) + ½·mean(x = v); otherwise the one-sided normal test on
    /// z = (v − mean)/sd (population sd).
    public static func significance(of value: Double, simulations: [Double]) -> (pValue: Double, test: String) {
        let count = Double(simulations.count)
        if simulations.count >= 100 {
            let half = simulations.reduce(0) { $0 + ($1 > value ? 1 : 0) + ($1 == value ? 0.5 : 0) } / count
            return (2 * min(half, 1 - half), "two-sided percentile")
        }
        let mean = simulations.reduce(0, +) / count
        let sd = (simulations.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / count).squareRoot()
        let z = (value - mean) / sd
        let p = z > 0 ? 1 - ProvDistributions.normalCDF(z) : ProvDistributions.normalCDF(z)
        return (p, "one-sided normal")
    }
}
