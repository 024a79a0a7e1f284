import Foundation
public import ProvModel

/// Builds a ``FeatureTable`` from an experiment's stored runs (`docs/analysis.md`, "Feature tables", lists every
/// column and where it comes from).
///
/// Values are found by taxonomy term, so any key the taxonomy classifies works (`lr`, `learning_rate`, `eta`...).
/// The architecture comes from the run's stored architecture record when there is one (record trails, A4NN, the
/// SDK), else from parameters (`hidden_layer_sizes`, `num_layers`, ... as an MLflow-logged campaign records them).
/// Columns with no value in any run are left out.
public struct FeatureExtractor: Sendable {
    /// How learning curves are found (the behaviour columns).
    public var curves: CurveMetricSelection
    /// Classifies curves for the `curve_class` column.
    public var classifier: CurveClassifier
    /// The fraction of the best accuracy for `epochs_to_reach`. Default 0.9.
    public var reachFraction: Double

    public init(
        curves: CurveMetricSelection = CurveMetricSelection(), classifier: CurveClassifier = CurveClassifier(),
        reachFraction: Double = 0.9
    ) {
        self.curves = curves
        self.classifier = classifier
        self.reachFraction = reachFraction
    }

    /// Layer types that carry weights: they count toward `depth`.
    static let weightedLayerTypes: Set<String> = [
        "conv1d", "conv2d", "conv3d", "conv", "conv_transpose", "dense", "linear", "embedding", "lstm", "gru", "rnn",
        "attention", "multi_head_attention", "transformer_block",
    ]

    /// Builds the table.
    public func table(for experiment: ExperimentData) throws(AnalysisError) -> FeatureTable {
        let runs = experiment.runs
        let curveList = try curves.curves(of: experiment)
        let curveByRun = Dictionary(curveList.map { ($0.run, $0) }, uniquingKeysWith: { first, _ in first })
        var columns: [FeatureColumn] = []
        // The row being computed: value closures read it instead of searching for their run.
        var current = 0

        func add(
            _ name: String, _ group: FeatureGroup, _ role: FeatureRole, term: String? = nil, source: String,
            categorical: Bool = false, _ value: (RunData) -> FeatureValue
        ) {
            var values: [FeatureValue] = []
            values.reserveCapacity(runs.count)
            for index in runs.indices {
                current = index
                values.append(value(runs[index]))
            }
            guard values.contains(where: { $0 != .missing }) else { return }
            columns.append(
                FeatureColumn(
                    name: name, group: group, role: role, isCategorical: categorical, term: term, source: source,
                    values: values))
        }
        func numberForTerm(_ term: String) -> (RunData) -> FeatureValue {
            { run in
                guard let value = run.value(forTerm: term), let number = Self.number(value.value) else {
                    return .missing
                }
                return .number(number)
            }
        }
        func categoryForTerm(_ term: String) -> (RunData) -> FeatureValue {
            { run in
                guard let value = run.value(forTerm: term)?.value, !value.isEmpty else { return .missing }
                return .category(value)
            }
        }

        // Architecture.
        let layers = runs.map { Self.layers(of: $0) }
        let layerTypes = Set(layers.flatMap { $0.map(\.type) }).sorted()
        add("depth", .architecture, .architecture, term: "model.architecture.num_layers", source: "weighted layers") {
            run in
            let index = current
            if layers[index].isEmpty {
                return numberForTerm("model.architecture.num_layers")(run)
            }
            var depth = 0.0
            for layer in layers[index] {
                if layer.type == "nas_phase" {
                    depth += Self.number(layer.hyperparameters["active_nodes"]) ?? 0
                } else if Self.weightedLayerTypes.contains(layer.type) {
                    depth += 1
                }
            }
            return .number(depth)
        }
        for type in layerTypes {
            add("layers_\(type)", .architecture, .architecture, source: "architecture record or parameters") { run in
                let runLayers = layers[current]
                return runLayers.isEmpty ? .missing : .number(Double(runLayers.filter { $0.type == type }.count))
            }
        }
        add(
            "parameter_count", .architecture, .architecture, term: "model.architecture.parameter_count",
            source: "parameter", numberForTerm("model.architecture.parameter_count"))
        add(
            "flops", .architecture, .architecture, term: "model.architecture.flops", source: "parameter",
            numberForTerm("model.architecture.flops"))
        func statistic(
            _ name: String, keys: [String], types: (String) -> Bool, _ reduce: @escaping ([Double]) -> Double
        ) {
            add(name, .architecture, .architecture, source: "architecture layers") { run in
                let values = layers[current].filter { types($0.type) }.compactMap { layer in
                    keys.lazy.compactMap { Self.number(layer.hyperparameters[$0]) }.first
                }
                return values.isEmpty ? .missing : .number(reduce(values))
            }
        }
        let mean: ([Double]) -> Double = { $0.reduce(0, +) / Double($0.count) }
        let isConv: (String) -> Bool = { $0.hasPrefix("conv") }
        let isWeighted: (String) -> Bool = { Self.weightedLayerTypes.contains($0) }
        statistic("kernel_mean", keys: ["kernel"], types: isConv, mean)
        statistic("kernel_max", keys: ["kernel"], types: isConv) { $0.max() ?? .nan }
        statistic("stride_mean", keys: ["stride"], types: isConv, mean)
        statistic("width_mean", keys: ["filters", "units"], types: isWeighted, mean)
        statistic("width_max", keys: ["filters", "units"], types: isWeighted) { $0.max() ?? .nan }
        statistic("width_total", keys: ["filters", "units"], types: isWeighted) { $0.reduce(0, +) }
        add(
            "activation", .architecture, .architecture, term: "model.architecture.activation", source: "parameter",
            categorical: true, categoryForTerm("model.architecture.activation"))

        // Training.
        let training: [(String, String, Bool)] = [
            ("learning_rate", "model.hyperparameter.learning_rate", false),
            ("batch_size", "model.hyperparameter.batch_size", false),
            ("optimizer", "model.hyperparameter.optimizer", true),
            ("momentum", "model.hyperparameter.momentum", false),
            ("weight_decay", "model.hyperparameter.weight_decay", false),
            ("dropout_rate", "model.hyperparameter.dropout_rate", false),
        ]
        for (name, term, categorical) in training {
            add(
                name, .training, .configuration, term: term, source: "parameter", categorical: categorical,
                categorical ? categoryForTerm(term) : numberForTerm(term))
        }
        add(
            "epochs", .training, .configuration, term: "model.hyperparameter.epochs",
            source: "parameter, else the curve's last epoch"
        ) { run in
            if case .number(let value) = numberForTerm("model.hyperparameter.epochs")(run) { return .number(value) }
            return curveByRun[run.id].flatMap { $0.accuracy.epochs.last }.map { .number($0) } ?? .missing
        }

        // Data.
        add(
            "dataset", .data, .dataset, term: "data.dataset.name", source: "parameter or used dataset entity",
            categorical: true
        ) { run in
            if let value = run.value(forTerm: "data.dataset.name")?.value, !value.isEmpty { return .category(value) }
            return run.datasets.first?.name.map { .category($0) } ?? .missing
        }
        add(
            "class_count", .data, .dataAttribute, term: "data.statistics.num_classes",
            source: "parameter or dataset attribute"
        ) {
            run in RunFacts.classCount(of: run).map { .number(Double($0)) } ?? .missing
        }
        add(
            "chance_level", .data, .dataAttribute, term: "data.statistics.chance_level",
            source: "recorded, else 1 / class count"
        ) {
            run in
            RunFacts.chanceLevel(of: run, classCount: RunFacts.classCount(of: run)).map { .number($0) } ?? .missing
        }
        let applicationKeys = Set(
            runs.flatMap { $0.parameters.filter { $0.term?.hasPrefix("application.") == true }.map(\.key) }
        )
        .sorted()
        for key in applicationKeys {
            let numeric = runs.allSatisfy { run in run.value(forKey: key).map { Self.number($0) != nil } ?? true }
            add(
                key, .data, .dataAttribute,
                term: runs.lazy.compactMap { $0.parameters.first { $0.key == key }?.term }.first,
                source: "application metadata", categorical: !numeric
            ) { run in
                guard let value = run.value(forKey: key) else { return .missing }
                return numeric ? Self.number(value).map { .number($0) } ?? .missing : .category(value)
            }
        }

        // System.
        add(
            "device", .system, .system, term: "system.gpu.name", source: "GPU name, else whether a GPU was used",
            categorical: true
        ) { run in
            if let name = run.value(forTerm: "system.gpu.name")?.value, !name.isEmpty { return .category(name) }
            if let used = run.value(forTerm: "system.gpu.in_use")?.value.lowercased() {
                return .category(["true", "1", "yes"].contains(used) ? "gpu" : "cpu")
            }
            return .missing
        }
        add(
            "gpu_count", .system, .system, term: "system.gpu.count", source: "parameter",
            numberForTerm("system.gpu.count"))
        add("run_time_seconds", .system, .system, source: "run start to end") { run in
            guard let end = run.endedAt else { return .missing }
            return .number(end.seconds(since: run.startedAt))
        }

        // Behaviour and outcomes.
        let summaries = runs.map { run in
            curveByRun[run.id].flatMap { CurveSummary($0.accuracy, reachFraction: reachFraction) }
        }
        func behaviour(_ name: String, _ role: FeatureRole, _ value: @escaping (CurveSummary) -> Double) {
            add(name, .behaviour, role, source: "learning curve") { run in
                summaries[current].map { .number(value($0)) } ?? .missing
            }
        }
        behaviour("final_accuracy", .outcome) { $0.finalAccuracy }
        behaviour("best_accuracy", .outcome) { $0.bestAccuracy }
        behaviour("area_under_curve", .outcome) { $0.areaUnderCurve }
        behaviour("epoch_of_best", .behaviour) { $0.epochOfBest }
        let reachPercent = Int(saturating: (reachFraction * 100).rounded())
        behaviour("epochs_to_reach_\(reachPercent)pct_of_best", .behaviour) { $0.epochToReach }
        add("curve_class", .behaviour, .behaviour, source: "curve classifier", categorical: true) { run in
            guard let curve = curveByRun[run.id], let result = try? classifier.classify(curve) else { return .missing }
            return .category(result.curveClass.rawValue)
        }
        return FeatureTable(
            experiment: experiment.name, runs: runs.map(\.id), runNames: runs.map(\.label), columns: columns)
    }

    /// The run's layers: its architecture record, else layers read from parameters (dense layers from
    /// `model.architecture.fc_units`, such as `hidden_layer_sizes = [64, 32]` or `358-340-100`).
    static func layers(of run: RunData) -> [ArchitectureLayer] {
        if !run.layers.isEmpty { return run.layers }
        guard let units = run.value(forTerm: "model.architecture.fc_units").map({ integerList($0.value) }),
            !units.isEmpty
        else { return [] }
        return units.map { ArchitectureLayer(type: "dense", hyperparameters: ["units": .number(Double($0))]) }
    }

    /// Integers in a list written as `[64, 32]`, `(64, 32)`, `64-32`, `64,32` or `64`.
    static func integerList(_ text: String) -> [Int] {
        text.split(whereSeparator: { !$0.isNumber }).compactMap { Int($0) }
    }

    static func number(_ text: String) -> Double? { RunFacts.number(text) }

    static func number(_ value: JSONValue?) -> Double? {
        if case .number(let number)? = value { return number }
        return nil
    }
}
