import Foundation
import ProvModel

/// A threshold a curve analysis used, stored with its result.
public struct CurveThreshold: Sendable, Hashable, Codable {
    public var name: String
    public var value: Double
    public var unit: String
    /// Where the value comes from: `penguin` (TauferLab PENGUIN code), `provkit-proposal` (the ProvKit classes
    /// proposed in the taxonomy reference, for which the papers give no number) or `provkit` (ProvKit's own
    /// addition in this implementation, in no source).
    public var source: String
    /// Whether ProvKit chose the value (no paper gives one).
    public var provKitOwn: Bool { source != "penguin" }

    public init(name: String, value: Double, unit: String, source: String) {
        self.name = name
        self.value = value
        self.unit = unit
        self.source = source
    }
}

/// The learning-curve classifier: never learner, late learner, early learner, overfitter, diverged
/// (taxonomy.md "Learning-curve classes"; `docs/analysis.md` has every rule and threshold).
///
/// With p₀ the chance level in percent (a recorded chance or majority rate, else 100 / C), the rules, in order:
/// 1. `diverged`: a loss or accuracy value is NaN or infinite.
/// 2. `never_learner`: max valAcc ≤ p₀ + δ (and, when a validation loss and C are known, min valLoss ≥ ln C − ε;
///    a curve that fails only the loss check keeps the class, with the check recorded as failed); also a curve whose
///    onset comes at or after τ but whose max stays below p₀ + Δ.
/// 3. `overfitter`: argmin valLoss ≤ f·e_max, the final valLoss (mean of the last w fraction of points) exceeds
///    min valLoss by more than ε, and the training loss (when recorded) still fell after the argmin.
/// 4. `late_learner`: onset (the first epoch with valAcc > p₀ + δ) ≥ τ = min(τ_epochs, τ_fraction·e_max) and
///    max valAcc ≥ p₀ + Δ.
/// 5. `early_learner`: onset < τ.
/// The class is the first rule that holds; ``CurveClassification/labels`` lists every class whose rule holds (an
/// overfitter is also an early or late learner). Without a chance level, p₀ = 0.
public struct CurveClassifier: Sendable {
    /// The thresholds, with the taxonomy's defaults.
    public struct Configuration: Sendable, Hashable, Codable {
        /// δ: percentage points above chance that count as learning. Taxonomy proposal: 1.
        public var delta: Double = 1
        /// ε for the never-learner loss check (nats below ln C). Taxonomy proposal: 0.1.
        public var neverLossEpsilon: Double = 0.1
        /// τ in epochs: the earliest onset of a late learner. Taxonomy proposal: 5.
        public var tauEpochs: Double = 5
        /// τ as a fraction of e_max; τ = min(τ_epochs, τ_fraction·e_max). Taxonomy proposal: 0.125.
        public var tauFraction: Double = 0.125
        /// Δ: percentage points above chance a late learner must reach. Taxonomy proposal: 5.
        public var bigDelta: Double = 5
        /// f: the latest argmin of valLoss, as a fraction of e_max, for an overfitter. Taxonomy proposal: 0.5.
        public var overfitArgminFraction: Double = 0.5
        /// ε: how far (nats) the final valLoss must exceed its minimum for an overfitter. Taxonomy proposal: 0.1.
        public var overfitEpsilon: Double = 0.1
        /// w: the fraction of the last points averaged as the "final" valLoss (ProvKit: smooths noise).
        public var finalWindowFraction: Double = 0.1
        /// Whether an overfitter's training loss must have fallen after the argmin of valLoss (ProvKit: a rising
        /// validation loss with a rising training loss is a too-high learning rate, not overfitting).
        public var requireTrainingLossFall: Bool = true

        public init() {}
        public static let `default` = Configuration()

        /// The thresholds with their sources, as stored with each result.
        public var thresholds: [CurveThreshold] {
            [
                CurveThreshold(name: "delta", value: delta, unit: "percentage points", source: "provkit-proposal"),
                CurveThreshold(
                    name: "never_loss_epsilon", value: neverLossEpsilon, unit: "nats", source: "provkit-proposal"),
                CurveThreshold(name: "tau", value: tauEpochs, unit: "epochs", source: "provkit-proposal"),
                CurveThreshold(
                    name: "tau_fraction", value: tauFraction, unit: "fraction of e_max", source: "provkit-proposal"),
                CurveThreshold(name: "Delta", value: bigDelta, unit: "percentage points", source: "provkit-proposal"),
                CurveThreshold(
                    name: "overfit_argmin_fraction", value: overfitArgminFraction, unit: "fraction of e_max",
                    source: "provkit-proposal"),
                CurveThreshold(
                    name: "overfit_epsilon", value: overfitEpsilon, unit: "nats", source: "provkit-proposal"),
                CurveThreshold(
                    name: "final_window_fraction", value: finalWindowFraction, unit: "fraction of points",
                    source: "provkit"),
                CurveThreshold(
                    name: "require_training_loss_fall", value: requireTrainingLossFall ? 1 : 0, unit: "boolean",
                    source: "provkit"),
            ]
        }
    }

    public var configuration: Configuration

    public init(configuration: Configuration = .default) {
        self.configuration = configuration
    }

    /// Classifies one learning curve.
    /// - Throws: `AnalysisError.insufficientData` for a curve without points.
    public func classify(_ curve: LearningCurve) throws(AnalysisError) -> CurveClassification {
        let c = configuration
        let accuracy = curve.accuracy
        guard !accuracy.isEmpty else { throw .insufficientData("run \(curve.label) has no accuracy points") }
        let thresholds = c.thresholds
        let chance = (curve.chanceLevel ?? 0) * 100
        var evidence: [String: Double] = [:]
        var checks: [String: Bool] = [:]
        evidence["chance_level_percent"] = chance
        let eMax = accuracy.epochs.last ?? 0
        evidence["e_max"] = eMax

        let lossValues = (curve.validationLoss?.values ?? []) + (curve.trainingLoss?.values ?? [])
        if lossValues.contains(where: { !$0.isFinite }) || accuracy.values.contains(where: { !$0.isFinite }) {
            checks["non_finite_values"] = true
            return CurveClassification(
                curveClass: .diverged, labels: [.diverged], onsetEpoch: nil, chanceLevel: curve.chanceLevel,
                classCount: curve.classCount, evidence: evidence, checks: checks, thresholds: thresholds)
        }
        let percent = accuracy.values.map { $0 * 100 }
        let best = percent.indices.max { percent[$0] < percent[$1] }!
        evidence["max_accuracy_percent"] = percent[best]
        evidence["epoch_of_max_accuracy"] = accuracy.epochs[best]
        let onsetIndex = percent.firstIndex { $0 > chance + c.delta }
        let onset = onsetIndex.map { accuracy.epochs[$0] }
        if let onset { evidence["onset_epoch"] = onset }
        let tau = min(c.tauEpochs, c.tauFraction * eMax)
        evidence["tau_epochs"] = tau

        var labels: [CurveClassName] = []
        // Never learner.
        let nearChance = onset == nil
        checks["accuracy_near_chance"] = nearChance
        if let loss = curve.validationLoss, let classes = curve.classCount, classes > 1,
            let minimum = loss.values.min()
        {
            evidence["min_validation_loss"] = minimum
            evidence["ln_classes"] = log(Double(classes))
            checks["loss_near_ln_classes"] = minimum >= log(Double(classes)) - c.neverLossEpsilon
        }
        let weakLateOnset = onset.map { $0 >= tau } == true && percent[best] < chance + c.bigDelta
        checks["late_onset_below_Delta"] = weakLateOnset
        if nearChance || weakLateOnset { labels.append(.neverLearner) }

        // Overfitter.
        if let loss = curve.validationLoss, loss.values.count >= 3 {
            let values = loss.values
            let argmin = values.indices.min { values[$0] < values[$1] }!
            let window = max(1, Int(saturating: (Double(values.count) * c.finalWindowFraction).rounded()))
            let final = values.suffix(window).reduce(0, +) / Double(window)
            evidence["argmin_validation_loss_epoch"] = loss.epochs[argmin]
            evidence["min_validation_loss"] = values[argmin]
            evidence["final_validation_loss"] = final
            var holds =
                loss.epochs[argmin] <= c.overfitArgminFraction * (loss.epochs.last ?? 0)
                && final - values[argmin] > c.overfitEpsilon
            checks["validation_loss_rose"] = holds
            if c.requireTrainingLossFall, let training = curve.trainingLoss, training.values.count >= 2 {
                let atArgmin = Self.value(of: training, at: loss.epochs[argmin])
                let trainingWindow = max(
                    1, Int(saturating: (Double(training.values.count) * c.finalWindowFraction).rounded()))
                let trainingFinal = training.values.suffix(trainingWindow).reduce(0, +) / Double(trainingWindow)
                evidence["training_loss_at_argmin"] = atArgmin
                evidence["final_training_loss"] = trainingFinal
                let fell = trainingFinal < atArgmin
                checks["training_loss_fell_after_argmin"] = fell
                holds = holds && fell
            }
            if holds && !labels.contains(.neverLearner) { labels.append(.overfitter) }
        }
        // Late or early learner.
        if let onset, !labels.contains(.neverLearner) {
            if onset >= tau && percent[best] >= chance + c.bigDelta {
                labels.append(.lateLearner)
            } else if onset < tau {
                labels.append(.earlyLearner)
            }
        }
        let order: [CurveClassName] = [.neverLearner, .overfitter, .lateLearner, .earlyLearner]
        let primary = order.first { labels.contains($0) } ?? .neverLearner
        return CurveClassification(
            curveClass: primary, labels: order.filter { labels.contains($0) }, onsetEpoch: onset,
            chanceLevel: curve.chanceLevel, classCount: curve.classCount, evidence: evidence, checks: checks,
            thresholds: thresholds)
    }

    /// The series' value at the point nearest to `epoch`.
    static func value(of series: CurveSeries, at epoch: Double) -> Double {
        let index = series.epochs.indices.min { abs(series.epochs[$0] - epoch) < abs(series.epochs[$1] - epoch) }!
        return series.values[index]
    }
}

/// The learning-curve classes (taxonomy names). A closed set, as in the taxonomy.
public enum CurveClassName: String, Sendable, Hashable, Codable, CaseIterable {
    case neverLearner = "never_learner"
    case lateLearner = "late_learner"
    case earlyLearner = "early_learner"
    case overfitter
    case diverged
}

/// The class of one learning curve, with everything that decided it.
public struct CurveClassification: Sendable, Hashable, Codable {
    /// The class: the first rule that holds.
    public var curveClass: CurveClassName
    /// Every class whose rule holds, in rule order.
    public var labels: [CurveClassName]
    /// The first epoch with accuracy above chance + δ.
    public var onsetEpoch: Double?
    /// The chance level used (fraction), when known.
    public var chanceLevel: Double?
    public var classCount: Int?
    /// The measured quantities the rules compared.
    public var evidence: [String: Double]
    /// The outcome of each test.
    public var checks: [String: Bool]
    /// The thresholds used, with their sources.
    public var thresholds: [CurveThreshold]
}
