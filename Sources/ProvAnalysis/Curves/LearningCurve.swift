import Foundation
public import ProvModel

/// A series of (epoch, value) points in epoch order.
public struct CurveSeries: Sendable, Hashable, Codable {
    /// The stored metric key the series came from.
    public var key: String
    public var epochs: [Double]
    public var values: [Double]

    public init(key: String, epochs: [Double], values: [Double]) {
        self.key = key
        self.epochs = epochs
        self.values = values
    }

    public var isEmpty: Bool { epochs.isEmpty }
}

/// A run's learning curve: validation accuracy (as a fraction) by epoch, with the losses when recorded and the
/// dataset's class count when known.
public struct LearningCurve: Sendable, Hashable, Codable {
    public var run: ProvID
    public var runName: String?
    /// Validation accuracy as a fraction in [0, 1].
    public var accuracy: CurveSeries
    /// Whether the stored accuracy was in percent (then divided by 100 here).
    public var accuracyWasPercent: Bool
    public var validationLoss: CurveSeries?
    public var trainingLoss: CurveSeries?
    /// The number of classes of the task, when known.
    public var classCount: Int?
    /// The chance level as a fraction: a recorded chance/majority rate, else 1 / classCount.
    public var chanceLevel: Double?

    public init(
        run: ProvID, runName: String?, accuracy: CurveSeries, accuracyWasPercent: Bool = false,
        validationLoss: CurveSeries? = nil, trainingLoss: CurveSeries? = nil, classCount: Int? = nil,
        chanceLevel: Double? = nil
    ) {
        self.run = run
        self.runName = runName
        self.accuracy = accuracy
        self.accuracyWasPercent = accuracyWasPercent
        self.validationLoss = validationLoss
        self.trainingLoss = trainingLoss
        self.classCount = classCount
        self.chanceLevel = chanceLevel ?? classCount.flatMap { $0 > 0 ? 1 / Double($0) : nil }
    }

    /// The run's display name.
    public var label: String { runName ?? run.hex }
}

/// Which stored metrics make up learning curves, and how accuracy is read.
public struct CurveMetricSelection: Sendable, Hashable, Codable {
    /// The accuracy key; `nil` to detect it (``accuracyKeyPreference``, then the taxonomy term
    /// `model.performance.validation_accuracy`, then `model.performance.accuracy`).
    public var accuracyKey: String?
    /// The validation-loss key; `nil` to detect it by name or the term `model.performance.validation_loss`.
    public var validationLossKey: String?
    /// The training-loss key; `nil` to detect it by name or the term `model.performance.training_loss`.
    public var trainingLossKey: String?
    /// Whether accuracy is in percent: `nil` to detect (percent when any run's accuracy exceeds 1).
    public var accuracyIsPercent: Bool?
    /// The class count to assume when a run records none; `nil` for unknown.
    public var classCount: Int?

    public init(
        accuracyKey: String? = nil, validationLossKey: String? = nil, trainingLossKey: String? = nil,
        accuracyIsPercent: Bool? = nil, classCount: Int? = nil
    ) {
        self.accuracyKey = accuracyKey
        self.validationLossKey = validationLossKey
        self.trainingLossKey = trainingLossKey
        self.accuracyIsPercent = accuracyIsPercent
        self.classCount = classCount
    }

    /// Accuracy keys tried first, in order.
    public static let accuracyKeyPreference = [
        "valAcc", "val_accuracy", "val_acc", "val_accs", "validation_accuracy", "valid_acc", "eval_accuracy",
        "accuracy", "acc",
    ]
    static let validationLossPreference = ["valLoss", "val_loss", "validation_loss", "val_losses", "eval_loss"]
    static let trainingLossPreference = ["trainLoss", "train_loss", "training_loss", "loss", "train_losses"]

    static func pick(_ keys: [RunSeries], explicit: String?, preference: [String], terms: [String]) -> RunSeries? {
        if let explicit { return keys.first { $0.key == explicit } }
        for key in preference { if let match = keys.first(where: { $0.key == key }) { return match } }
        for term in terms { if let match = keys.first(where: { $0.term == term }) { return match } }
        return nil
    }

    /// The accuracy series of a run under this selection, when it has one.
    func accuracySeries(of run: RunData) -> RunSeries? {
        Self.pick(
            run.series, explicit: accuracyKey, preference: Self.accuracyKeyPreference,
            terms: ["model.performance.validation_accuracy", "model.performance.accuracy"])
    }

    /// The learning curves of an experiment's runs (runs without an accuracy series are left out).
    /// - Throws: `AnalysisError.invalidOption` when an explicit accuracy key is in no run.
    public func curves(of experiment: ExperimentData) throws(AnalysisError) -> [LearningCurve] {
        let accuracy = experiment.runs.map { accuracySeries(of: $0) }
        if let accuracyKey, accuracy.allSatisfy({ $0 == nil }), !experiment.runs.isEmpty {
            let keys = Set(experiment.runs.flatMap { $0.series.map(\.key) }).sorted()
            throw .invalidOption(
                "no run of '\(experiment.name)' has a metric '\(accuracyKey)'; metrics: \(keys.joined(separator: ", "))"
            )
        }
        let percent =
            accuracyIsPercent
            ?? accuracy.contains { series in series?.points.contains { $0.value.isFinite && $0.value > 1 } ?? false }
        var curves: [LearningCurve] = []
        for (run, series) in zip(experiment.runs, accuracy) {
            guard let series, !series.points.isEmpty else { continue }
            let scale = percent ? 0.01 : 1
            func curve(_ series: RunSeries?, scale: Double = 1) -> CurveSeries? {
                guard let series, !series.points.isEmpty else { return nil }
                return CurveSeries(
                    key: series.key, epochs: series.points.map(\.epoch), values: series.points.map { $0.value * scale })
            }
            let validationLoss = Self.pick(
                run.series, explicit: validationLossKey, preference: Self.validationLossPreference,
                terms: ["model.performance.validation_loss"])
            let trainingLoss = Self.pick(
                run.series, explicit: trainingLossKey, preference: Self.trainingLossPreference,
                terms: ["model.performance.training_loss"])
            let classes = RunFacts.classCount(of: run) ?? classCount
            curves.append(
                LearningCurve(
                    run: run.id, runName: run.name, accuracy: curve(series, scale: scale)!, accuracyWasPercent: percent,
                    validationLoss: curve(validationLoss), trainingLoss: curve(trainingLoss), classCount: classes,
                    chanceLevel: RunFacts.chanceLevel(of: run, classCount: classes)))
        }
        return curves
    }
}

/// Facts about a run read from its parameters, tags and datasets.
enum RunFacts {
    /// The class count: a parameter or tag classified `data.statistics.num_classes`, else a used dataset's
    /// `classes` (or `num_classes`) attribute.
    static func classCount(of run: RunData) -> Int? {
        if let value = run.value(forTerm: "data.statistics.num_classes"), let count = number(value.value),
            count >= 1, count < 1e9
        {
            return Int(saturating: count)
        }
        for dataset in run.datasets {
            for key in ["classes", "num_classes", "class_count"] {
                if case .number(let count)? = dataset.attributes[key], count >= 1, count < 1e9 {
                    return Int(saturating: count)
                }
            }
        }
        return nil
    }

    /// The chance level as a fraction: a recorded chance level (`data.statistics.chance_level`; percent when above
    /// 1), made no lower than 1 / class count; else 1 / class count.
    static func chanceLevel(of run: RunData, classCount: Int?) -> Double? {
        let uniform = classCount.map { 1 / Double($0) }
        if let value = run.value(forTerm: "data.statistics.chance_level"), var chance = number(value.value) {
            if chance > 1 { chance /= 100 }
            return max(chance, uniform ?? 0)
        }
        return uniform
    }

    /// A number from text, when it is one (finite).
    static func number(_ text: String) -> Double? {
        guard let value = Double(text.trimmingCharacters(in: .whitespaces)), value.isFinite else { return nil }
        return value
    }
}
