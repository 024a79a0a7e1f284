public import ProvModel

/// Summary numbers of one learning curve (accuracy as a fraction).
public struct CurveSummary: Sendable, Hashable, Codable {
    public var points: Int
    public var firstEpoch: Double
    public var lastEpoch: Double
    /// The accuracy at the last point.
    public var finalAccuracy: Double
    public var bestAccuracy: Double
    /// The epoch of the best accuracy (the first, on ties).
    public var epochOfBest: Double
    /// The first epoch whose accuracy reaches ``reachFraction`` of the best.
    public var epochToReach: Double
    /// The fraction of the best accuracy ``epochToReach`` refers to.
    public var reachFraction: Double
    /// The area under the accuracy curve divided by its epoch span (trapezoids): the mean accuracy over training;
    /// the single value for a one-point curve.
    public var areaUnderCurve: Double

    /// Summarises a series of (epoch, accuracy) points; `nil` when it has no finite value.
    public init?(_ series: CurveSeries, reachFraction: Double = 0.9) {
        let indices = series.values.indices.filter { series.values[$0].isFinite }
        guard let first = indices.first, let last = indices.last else { return nil }
        let epochs = indices.map { series.epochs[$0] }
        let values = indices.map { series.values[$0] }
        let best = values.indices.max { values[$0] < values[$1] }!
        points = values.count
        firstEpoch = series.epochs[first]
        lastEpoch = series.epochs[last]
        finalAccuracy = values[values.count - 1]
        bestAccuracy = values[best]
        epochOfBest = epochs[best]
        self.reachFraction = reachFraction
        let target = reachFraction * values[best]
        epochToReach = epochs[values.firstIndex { $0 >= target } ?? best]
        if values.count == 1 || epochs[epochs.count - 1] <= epochs[0] {
            areaUnderCurve = values.reduce(0, +) / Double(values.count)
        } else {
            var area = 0.0
            for index in 1..<values.count {
                area += (epochs[index] - epochs[index - 1]) * (values[index] + values[index - 1]) / 2
            }
            areaUnderCurve = area / (epochs[epochs.count - 1] - epochs[0])
        }
    }
}

/// Everything the curve analysis found for one run.
public struct CurveResult: Sendable, Hashable, Codable {
    public var run: ProvID
    public var runName: String?
    /// The accuracy metric's key.
    public var metric: String
    /// The accuracy curve analysed (fractions).
    public var accuracy: CurveSeries
    public var summary: CurveSummary
    public var classification: CurveClassification
    /// PENGUIN's prediction; `nil` when the curve is too short (see ``predictionError``).
    public var prediction: PenguinPredictor.Result?
    /// Why there is no prediction.
    public var predictionError: String?

    public var label: String { runName ?? run.hex }
}

/// The curve analysis of an experiment.
public struct CurveAnalysisReport: Sendable, Hashable, Codable {
    public var experiment: String
    /// Runs with a learning curve, in the experiment's run order.
    public var results: [CurveResult]
    /// Runs left out, with the reason.
    public var skipped: [SkippedRun]
    /// How many runs each class has (every class listed, zeros included).
    public var classCounts: [String: Int]
    public var classifier: CurveClassifier.Configuration
    public var predictor: PenguinPredictor.Configuration

    /// A run left out of an analysis.
    public struct SkippedRun: Sendable, Hashable, Codable {
        public var run: ProvID
        public var runName: String?
        public var reason: String
    }
}

/// Classifies learning curves and predicts their final accuracy.
public struct CurveAnalyzer: Sendable {
    public var classifier: CurveClassifier
    public var predictor: PenguinPredictor
    /// The fraction of the best accuracy for "epochs to reach". Default 0.9.
    public var reachFraction: Double

    public init(
        classifier: CurveClassifier = CurveClassifier(), predictor: PenguinPredictor = PenguinPredictor(),
        reachFraction: Double = 0.9
    ) {
        self.classifier = classifier
        self.predictor = predictor
        self.reachFraction = reachFraction
    }

    /// Analyses one curve.
    public func analyze(_ curve: LearningCurve) throws(AnalysisError) -> CurveResult {
        guard let summary = CurveSummary(curve.accuracy, reachFraction: reachFraction) else {
            throw .insufficientData("run \(curve.label): '\(curve.accuracy.key)' has no finite value")
        }
        let classification = try classifier.classify(curve)
        var prediction: PenguinPredictor.Result?
        var predictionError: String?
        do {
            prediction = try predictor.predict(epochs: curve.accuracy.epochs, accuracies: curve.accuracy.values)
        } catch {
            predictionError = error.description
        }
        return CurveResult(
            run: curve.run, runName: curve.runName, metric: curve.accuracy.key, accuracy: curve.accuracy,
            summary: summary,
            classification: classification, prediction: prediction, predictionError: predictionError)
    }

    /// Analyses every run of an experiment that has a learning curve.
    public func analyze(
        _ experiment: ExperimentData, selection: CurveMetricSelection = CurveMetricSelection()
    ) throws(AnalysisError) -> CurveAnalysisReport {
        let curves = try selection.curves(of: experiment)
        var results: [CurveResult] = []
        var skipped: [CurveAnalysisReport.SkippedRun] = []
        let withCurves = Set(curves.map(\.run))
        for run in experiment.runs where !withCurves.contains(run.id) {
            skipped.append(.init(run: run.id, runName: run.name, reason: "no accuracy series"))
        }
        for curve in curves {
            do {
                results.append(try analyze(curve))
            } catch {
                skipped.append(.init(run: curve.run, runName: curve.runName, reason: error.description))
            }
        }
        var counts = Dictionary(uniqueKeysWithValues: CurveClassName.allCases.map { ($0.rawValue, 0) })
        for result in results { counts[result.classification.curveClass.rawValue, default: 0] += 1 }
        return CurveAnalysisReport(
            experiment: experiment.name, results: results, skipped: skipped, classCounts: counts,
            classifier: classifier.configuration, predictor: predictor.configuration)
    }
}
