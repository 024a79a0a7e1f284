import Foundation
import ProvModel
import ProvTesting
import Testing

@testable import ProvAnalysis

@Suite("Feature tables")
struct FeatureTableTests {
    @Test(.enabled(if: SharedData.available("record-trails/cifar100")))
    func recordTrailFeaturesComeFromTheArchitectureAndParameters() async throws {
        let (_, experiment) = try await AnalysisFixtures.trails()
        let table = try FeatureExtractor().table(for: experiment)
        #expect(table.rowCount == 3)
        let row = try #require(table.runNames.firstIndex(of: "2021_02_15_14_01_32_105932"))
        func value(_ name: String) throws -> FeatureValue { try #require(table.column(named: name)).values[row] }
        // 3 conv + 3 dense layers (taxonomy.md: conv stack, then FC 358-340-100).
        #expect(try value("depth") == .number(6))
        #expect(try value("layers_conv2d") == .number(3))
        #expect(try value("layers_dense") == .number(3))
        #expect(try value("kernel_max") == .number(11))  // convKernels 11-1-1
        #expect(try value("width_max") == .number(384))  // convFilters 321-63-384
        #expect(try value("learning_rate") == .number(0.7803497065523131))
        #expect(try value("batch_size") == .number(152))
        #expect(try value("optimizer") == .category("SGD"))
        #expect(try value("dataset") == .category("CIFAR100"))
        #expect(try value("class_count") == .number(100))
        #expect(try value("chance_level") == .number(0.01))
        #expect(try value("device") == .category("gpu"))
        #expect(try value("epochs") == .number(40))
        #expect(try value("best_accuracy") == .number(0.17105263157894737))
        #expect(try value("epoch_of_best") == .number(11.5))
        #expect(try value("curve_class") == .category("early_learner"))
        // Run time is unknown for the trails (no end time): absent, never 0.
        #expect(table.column(named: "run_time_seconds") == nil)
        // Roles fix the tiers for PC background knowledge.
        #expect(table.column(named: "dataset")?.role.isExogenous == true)
        #expect(table.column(named: "learning_rate")?.tier == 1)
        #expect(table.column(named: "epoch_of_best")?.tier == 2)
        #expect(table.column(named: "final_accuracy")?.tier == 3)
        #expect(table.column(named: "dataset")?.group == .data)
    }

    @Test(.enabled(if: SharedData.available("a4nn")))
    func a4nnFeaturesAndNumericView() async throws {
        let (_, experiment) = try await AnalysisFixtures.a4nn()
        let table = try FeatureExtractor().table(for: experiment)
        #expect(table.rowCount == 100)
        #expect(table.column(named: "flops")?.presentCount == 100)
        #expect(table.column(named: "beam_intensity")?.values.first == .number(1e16))
        #expect(table.column(named: "layers_nas_phase")?.values.allSatisfy { $0 == .number(3) } == true)
        #expect(table.column(named: "final_accuracy")?.presentCount == 100)
        let numeric = try table.numeric()
        // Constant columns (one beam intensity, three phases) and categoricals are left out, each with a reason.
        #expect(numeric.dropped.contains { $0.name == "beam_intensity" && $0.reason == "constant" })
        #expect(numeric.dropped.contains { $0.name == "curve_class" && $0.reason == "categorical" })
        #expect(numeric.table.columnNames.contains("flops"))
        #expect(numeric.table.rowCount == 100)
        #expect(numeric.tiers.count == numeric.table.columnCount)
        let flops = try numeric.table.column(named: "flops")
        #expect(flops.count == 100)
        #expect(numeric.tiers[try numeric.table.columnIndex(named: "final_accuracy")] == 3)
    }

    @Test func numericViewEncodesCategoriesAndHandlesMissingValues() throws {
        let runs = (0..<4).map { ProvID(high: 1, low: UInt64($0)) }
        let table = FeatureTable(
            experiment: "x", runs: runs, runNames: ["a", "b", "c", "d"],
            columns: [
                FeatureColumn(
                    name: "optimizer", group: .training, role: .configuration, isCategorical: true, term: nil,
                    source: "", values: [.category("sgd"), .category("adam"), .category("sgd"), .category("lbfgs")]),
                FeatureColumn(
                    name: "lr", group: .training, role: .configuration, isCategorical: false, term: nil, source: "",
                    values: [.number(0.1), .number(0.01), .missing, .number(0.001)]),
                FeatureColumn(
                    name: "acc", group: .behaviour, role: .outcome, isCategorical: false, term: nil, source: "",
                    values: [.number(0.9), .number(0.8), .number(0.7), .number(0.6)]),
            ])
        let dropped = try table.numeric()
        #expect(dropped.table.columnNames == ["acc"])
        #expect(dropped.dropped.map(\.name) == ["optimizer", "lr"])
        let encoded = try table.numeric(categoricals: .oneHot, missing: .dropRows)
        // Levels sorted: adam (reference, no column), lbfgs, sgd.
        #expect(encoded.table.columnNames == ["optimizer=lbfgs", "optimizer=sgd", "lr", "acc"])
        #expect(encoded.runs == [runs[0], runs[1], runs[3]])
        #expect(try encoded.table.column(named: "optimizer=sgd") == [1, 0, 0])
        #expect(encoded.tiers == [1, 1, 1, 3])
        #expect(table.csv().hasPrefix("run_id,run_name,optimizer,lr,acc\n"))
        #expect(table.csv().contains(",c,sgd,,0.7\n"))
        #expect(throws: AnalysisError.self) { try table.numeric(columns: ["nope"]) }
    }

    @Test func architectureFromParameters() {
        let run = RunData(
            id: ProvID(high: 1, low: 1), name: "mlp", status: .finished, startedAt: ProvTime(microsecondsSinceEpoch: 0),
            endedAt: nil,
            parameters: [RunValue(key: "hidden_layer_sizes", value: "[64, 32]", term: "model.architecture.fc_units")])
        let layers = FeatureExtractor.layers(of: run)
        #expect(layers.map(\.type) == ["dense", "dense"])
        #expect(layers.map { $0.hyperparameters["units"] } == [.number(64), .number(32)])
        #expect(FeatureExtractor.integerList("358-340-100") == [358, 340, 100])
        #expect(FeatureExtractor.integerList("(10,)") == [10])
    }
}
