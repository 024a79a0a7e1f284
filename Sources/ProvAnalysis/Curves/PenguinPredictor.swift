import Foundation

/// PENGUIN's early prediction of a network's final accuracy from the start of its learning curve
/// (Rorabaugh et al., TPDS 2022; A4NN `penguin/penguino.py`; `docs/analysis.md` has the details).
///
/// The model is acc(x) = a − b^(c − x) on accuracies in percent, with x = epoch · xshift, where xshift = 1 / (the
/// first epoch) when the first epoch is not 0 (half-epoch points: xshift = 2) and 1 otherwise. For i = 2, 3, …
/// points (those at or before e_max; PENGUIN's `analyzePrediction` starts at `index = 2`), the first i points are fitted with ``BoundedLevenbergMarquardt``
/// from p0 = (10, 1.001, 100) within a ∈ [0.5, 200], b ≥ 1, c ≥ 0, and the fit predicts acc(e_pred · xshift).
/// A fit that fails is skipped; a fit whose `a` reaches 199.99 (the bound) clears the history of predictions. The
/// prediction has **converged** when at least C_min predictions exist and the last N predictions all lie within ±t percentage points of their median
/// and within (0, 100]; the convergence epoch is the epoch of the last point used. When every point up to e_max
/// has been used without convergence, the prediction is the last observed accuracy at or before e_max.
public struct PenguinPredictor: Sendable {
    /// The predictor's settings; every one is stored with each result.
    public struct Configuration: Sendable, Hashable, Codable {
        /// N: how many most recent predictions must agree. PENGUIN: 3.
        public var predictionsToConverge: Int = 3
        /// t: how far (percentage points) each of them may lie from their median. PENGUIN: 0.5.
        public var threshold: Double = 0.5
        /// How many points the first fit uses. PENGUIN's `analyzePrediction`: `index = 2`.
        public var firstFitPoints: Int = 2
        /// C_min: the fewest successful predictions before convergence is judged. PENGUIN: 3 (with N = 3 the two
        /// rules coincide).
        public var minimumPredictions: Int = 3
        /// e_max: the last epoch the predictor may use. PENGUIN: 20.
        public var maximumEpoch: Double = 20
        /// e_pred: the epoch whose accuracy is predicted. PENGUIN: 20 (NSGA-Net in A4NN: 25).
        public var predictionEpoch: Double = 20
        /// p0 = (a, b, c). PENGUIN: (10, 1.001, 100).
        public var initialParameters: [Double] = [10, 1.001, 100]
        /// Lower bounds of (a, b, c). PENGUIN: (0.5, 1, 0).
        public var lowerBounds: [Double] = [0.5, 1, 0]
        /// Upper bounds of (a, b, c). PENGUIN: (200, ∞, ∞) (an older commit: a ≤ 102.5).
        public var upperBounds: [Double] = [200, .infinity, .infinity]
        /// A fit whose `a` is at least this clears the prediction history. PENGUIN: 199.99.
        public var resetAsymptote: Double = 199.99
        /// Predictions outside (lower, upper] never count as converged. PENGUIN: 0 and 100.
        public var fitnessLowerBound: Double = 0
        public var fitnessUpperBound: Double = 100
        /// Whether a failed fit enters the history as a non-prediction (so the next N predictions must all succeed),
        /// as A4NN's `penguino.py` does (it records `inf`); PENGUIN's `analyzePrediction` skips failed fits.
        public var failedFitBreaksWindow: Bool = false
        /// The least-squares solver's settings.
        public var solver: BoundedLevenbergMarquardt.Configuration = .default

        public init() {}
        /// PENGUIN's `analyzePrediction` on half-epoch record trails (causal-parity.md §7).
        public static let `default` = Configuration()

        /// A4NN's in-situ predictor (`penguin/penguino.py` as its NSGA-Net workflow calls it): p0 = scipy's default
        /// (1, 1, 1), the first prediction once C_min = 3 epochs have passed (4 points from epoch 0), e_pred = 25,
        /// every epoch usable, a failed fit breaking the convergence window, and no reset at a's bound.
        public static let a4nn: Configuration = {
            var configuration = Configuration()
            configuration.initialParameters = [1, 1, 1]
            configuration.firstFitPoints = 4
            configuration.predictionEpoch = 25
            configuration.maximumEpoch = 25
            configuration.failedFitBreaksWindow = true
            configuration.resetAsymptote = .infinity  // penguino.py has no reset rule
            return configuration
        }()

        /// The settings as named numbers, for storing with a result.
        public var thresholds: [String: Double] {
            [
                "N": Double(predictionsToConverge), "t": threshold, "C_min": Double(minimumPredictions),
                "first_fit_points": Double(firstFitPoints),
                "e_max": maximumEpoch, "e_pred": predictionEpoch, "p0_a": initialParameters[0],
                "p0_b": initialParameters[1], "p0_c": initialParameters[2], "a_min": lowerBounds[0],
                "a_max": upperBounds[0], "b_min": lowerBounds[1], "c_min": lowerBounds[2],
                "reset_a": resetAsymptote, "failed_fit_breaks_window": failedFitBreaksWindow ? 1 : 0,
            ]
        }

        func validate() throws(AnalysisError) {
            guard predictionsToConverge >= 1 else { throw .invalidOption("N must be at least 1") }
            guard threshold >= 0 else { throw .invalidOption("t must not be negative") }
            guard minimumPredictions >= 1 else { throw .invalidOption("C_min must be at least 1") }
            guard firstFitPoints >= 1 else { throw .invalidOption("the first fit needs at least 1 point") }
            guard maximumEpoch > 0, predictionEpoch > 0 else {
                throw .invalidOption("e_max and e_pred must be positive")
            }
            guard initialParameters.count == 3, lowerBounds.count == 3, upperBounds.count == 3 else {
                throw .invalidOption("p0 and the bounds need three values (a, b, c)")
            }
            for index in 0..<3 where !(lowerBounds[index] <= upperBounds[index]) {
                throw .invalidOption("lower bound \(lowerBounds[index]) above upper bound \(upperBounds[index])")
            }
        }
    }

    /// One fit of the loop.
    public struct Step: Sendable, Hashable, Codable {
        /// How many points were fitted.
        public var points: Int
        /// The epoch of the last point fitted.
        public var epoch: Double
        /// (a, b, c), or `nil` when the fit failed.
        public var parameters: [Double]?
        /// The predicted accuracy at e_pred in percent, or `nil` when the fit failed.
        public var prediction: Double?
        /// Whether this fit cleared the history (a at its bound).
        public var reset: Bool
    }

    /// What the predictor concluded.
    public struct Result: Sendable, Hashable, Codable {
        /// Whether the predictions converged before e_max.
        public var converged: Bool
        /// The epoch of the last point used: where training could have stopped (or the last epoch ≤ e_max).
        public var convergenceEpoch: Double
        /// The predicted accuracy at e_pred, as a fraction (the last observed accuracy when not converged).
        public var predictedAccuracy: Double
        /// The fitted (a, b, c) of the last successful fit (accuracy in percent), when there was one.
        public var parameters: [Double]?
        /// min(e_pred, the curve's last epoch) − convergence epoch when converged, else 0: epochs of training the
        /// prediction saves (a curve recorded for fewer than e_pred epochs saves at most what it trained).
        public var epochsSaved: Double
        /// The observed accuracy at e_pred (fraction), when the curve has a point there.
        public var observedAccuracyAtPrediction: Double?
        /// The x scale used: x = epoch · xshift.
        public var xshift: Double
        /// Every fit in order.
        public var steps: [Step]
        /// The settings used.
        public var configuration: Configuration
    }

    public var configuration: Configuration

    public init(configuration: Configuration = .default) {
        self.configuration = configuration
    }

    /// The model acc(x) = a − b^(c − x).
    public static func model(_ x: Double, _ parameters: [Double]) -> Double {
        parameters[0] - pow(parameters[1], parameters[2] - x)
    }

    /// Fits acc(x) = a − b^(c − x) to points (x, accuracy in percent) with the configured p0 and bounds.
    /// - Returns: (a, b, c), or `nil` when the fit fails (non-finite start, or the solver ran out of budget).
    public func fit(x: [Double], y: [Double]) -> [Double]? {
        let problem = BoundedLeastSquaresProblem(
            parameterCount: 3, lowerBounds: configuration.lowerBounds, upperBounds: configuration.upperBounds
        ) { p in
            var residuals = [Double]()
            var jacobian = [[Double]]()
            residuals.reserveCapacity(x.count)
            jacobian.reserveCapacity(x.count)
            let logB = log(p[1])
            for (xi, yi) in zip(x, y) {
                let power = pow(p[1], p[2] - xi)
                residuals.append(p[0] - power - yi)
                // ∂/∂a = 1; ∂/∂b = −(c − x)·b^(c − x − 1); ∂/∂c = −ln(b)·b^(c − x)
                jacobian.append([1, -(p[2] - xi) * power / p[1], -logB * power])
            }
            return (residuals, jacobian)
        }
        guard
            let result = BoundedLevenbergMarquardt(configuration: configuration.solver)
                .fit(problem, from: configuration.initialParameters),
            result.converged, result.parameters.allSatisfy(\.isFinite)
        else { return nil }
        return result.parameters
    }

    /// Runs the prediction loop over a learning curve.
    /// - Parameters:
    ///   - epochs: the epoch of each point, increasing.
    ///   - accuracies: the accuracy at each point as a fraction.
    /// - Throws: `AnalysisError` for mismatched or too-short input or invalid settings.
    public func predict(epochs: [Double], accuracies: [Double]) throws(AnalysisError) -> Result {
        try configuration.validate()
        guard epochs.count == accuracies.count else {
            throw .invalidTable("\(epochs.count) epochs for \(accuracies.count) accuracies")
        }
        let usable = epochs.indices.filter {
            epochs[$0] <= configuration.maximumEpoch + 1e-9 && accuracies[$0].isFinite
        }
        guard usable.count >= configuration.firstFitPoints, let first = usable.first else {
            throw .insufficientData(
                "the curve has \(usable.count) finite points up to epoch \(AnalysisFormat.number(configuration.maximumEpoch)); "
                    + "the first fit needs \(configuration.firstFitPoints)")
        }
        let xshift = epochs[first] > 0 ? 1 / epochs[first] : 1
        let x = usable.map { epochs[$0] * xshift }
        let y = usable.map { accuracies[$0] * 100 }
        let xPredict = configuration.predictionEpoch * xshift
        let observedAtPrediction = epochs.indices.first { abs(epochs[$0] - configuration.predictionEpoch) < 1e-9 }
            .map { accuracies[$0] }

        var history: [Double] = []
        var steps: [Step] = []
        var lastParameters: [Double]?
        for count in configuration.firstFitPoints...x.count {
            let epoch = epochs[usable[count - 1]]
            guard let parameters = fit(x: Array(x[0..<count]), y: Array(y[0..<count])) else {
                steps.append(Step(points: count, epoch: epoch, parameters: nil, prediction: nil, reset: false))
                if configuration.failedFitBreaksWindow { history.append(.infinity) }
                continue
            }
            lastParameters = parameters
            if parameters[0] >= configuration.resetAsymptote {
                history.removeAll()
                steps.append(Step(points: count, epoch: epoch, parameters: parameters, prediction: nil, reset: true))
                continue
            }
            let prediction = Self.model(xPredict, parameters)
            history.append(prediction)
            steps.append(
                Step(points: count, epoch: epoch, parameters: parameters, prediction: prediction, reset: false))
            if hasConverged(history) {
                return Result(
                    converged: true, convergenceEpoch: epoch, predictedAccuracy: prediction / 100,
                    parameters: parameters, epochsSaved: max(0, min(configuration.predictionEpoch, epochs[epochs.count - 1]) - epoch),
                    observedAccuracyAtPrediction: observedAtPrediction, xshift: xshift, steps: steps,
                    configuration: configuration)
            }
        }
        let last = usable[usable.count - 1]
        return Result(
            converged: false, convergenceEpoch: epochs[last], predictedAccuracy: accuracies[last],
            parameters: lastParameters, epochsSaved: 0, observedAccuracyAtPrediction: observedAtPrediction,
            xshift: xshift, steps: steps, configuration: configuration)
    }

    /// The convergence rule over the prediction history (percent).
    func hasConverged(_ history: [Double]) -> Bool {
        let n = configuration.predictionsToConverge
        guard history.count >= max(n, configuration.minimumPredictions) else { return false }
        let recent = Array(history.suffix(n))
        guard recent.allSatisfy({ $0 > configuration.fitnessLowerBound && $0 <= configuration.fitnessUpperBound })
        else { return false }
        let median = Self.median(recent)
        return recent.allSatisfy { abs($0 - median) <= configuration.threshold }
    }

    /// The median (mean of the two middle values for an even count), as numpy's.
    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }
}
