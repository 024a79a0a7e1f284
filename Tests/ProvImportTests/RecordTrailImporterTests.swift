import ProvImport
import ProvModel
import ProvTesting
import Testing

/// The importer expectations of reference/taxonomy.md, section 1, and shared/data/README.md.
struct TrailFacts: Sendable, CustomTestStringConvertible {
    var id: String
    var batchSize: String
    var learningRate: Double
    var layerTypes: String
    var fcFilters: String
    var maxAccuracy: Double
    var maxAccuracyEpoch: Double
    var minValidationLoss: Double
    var minValidationLossEpoch: Double
    var finalValidationLoss: Double
    var numberOfFCLayers: String

    var testDescription: String { id }

    static let all = [
        TrailFacts(
            id: "2021_02_15_13_55_26_539263", batchSize: "25", learningRate: 0.1146, layerTypes: "3-3-1",
            fcFilters: "100", maxAccuracy: 0.2877, maxAccuracyEpoch: 10.5, minValidationLoss: 3.0091,
            minValidationLossEpoch: 7.0, finalValidationLoss: 4.319, numberOfFCLayers: "1"),
        TrailFacts(
            id: "2021_02_15_13_56_59_917381", batchSize: "186", learningRate: 0.01044, layerTypes: "4-1-3",
            fcFilters: "145-100", maxAccuracy: 0.01298, maxAccuracyEpoch: 10.5, minValidationLoss: 4.5199,
            minValidationLossEpoch: 16.0, finalValidationLoss: 4.520, numberOfFCLayers: "2"),
        TrailFacts(
            id: "2021_02_15_14_01_32_105932", batchSize: "152", learningRate: 0.7803, layerTypes: "5-3-7",
            fcFilters: "358-340-100", maxAccuracy: 0.17105, maxAccuracyEpoch: 11.5, minValidationLoss: 3.4211,
            minValidationLossEpoch: 13.0, finalValidationLoss: 3.571, numberOfFCLayers: "3"),
    ]
}

// Layer constructors for hand-written expectations.
private func conv(_ kernel: Double, _ stride: Double, _ padding: Double, _ filters: Double) -> ArchitectureLayer {
    ArchitectureLayer(
        type: "conv2d",
        hyperparameters: [
            "kernel": .number(kernel), "stride": .number(stride), "padding": .number(padding),
            "filters": .number(filters),
        ])
}
private func pool(_ kernel: Double, _ stride: Double, _ padding: Double) -> ArchitectureLayer {
    ArchitectureLayer(
        type: "pool",
        hyperparameters: ["kernel": .number(kernel), "stride": .number(stride), "padding": .number(padding)])
}
private func dropout(_ rate: Double) -> ArchitectureLayer {
    ArchitectureLayer(type: "dropout", hyperparameters: ["rate": .number(rate)])
}
private func dense(_ units: Double) -> ArchitectureLayer {
    ArchitectureLayer(type: "dense", hyperparameters: ["units": .number(units)])
}
private let flatten = ArchitectureLayer(type: "flatten")

@Suite("Record trails (RCLJT22) on the shared samples", .enabled(if: SharedData.available("record-trails/cifar100")))
struct RecordTrailSampleTests {
    func importOne(_ id: String) throws -> ImportedRun {
        let file = try Fixtures.trail(id)
        var context = Fixtures.context()
        let events = try RecordTrailImporter().events(
            fileName: file.name, contents: file.contents, experiment: Fixtures.experiment, context: &context)
        let runs = importedRuns(events)
        try #require(runs.count == 1)
        return runs[0]
    }

    @Test("known facts per sample", arguments: TrailFacts.all)
    func knownFacts(_ facts: TrailFacts) throws {
        let run = try importOne(facts.id)
        #expect(run.parameters["batch_size"] == facts.batchSize)
        let learningRate = try #require(run.parameters["learning_rate"].flatMap(Double.init))
        #expect(abs(learningRate - facts.learningRate) / facts.learningRate < 0.001)
        #expect(run.parameters["layer_types"] == facts.layerTypes)
        #expect(run.parameters["FCFilters"] == facts.fcFilters)
        #expect(run.parameters["num_conv_layers"] == "3")
        #expect(run.parameters["num_fc_layers"] == facts.numberOfFCLayers)
        #expect(run.parameters["num_classes"] == "100")
        #expect(run.parameters["dataset"] == "CIFAR100")

        // valAcc is stored as a fraction.
        let best = try #require(run.maximum("valAcc"))
        #expect(abs(best.value - facts.maxAccuracy) < 0.00001)
        #expect(best.epoch == facts.maxAccuracyEpoch)
        let lowest = try #require(run.minimum("valLoss"))
        #expect(abs(lowest.value - facts.minValidationLoss) < 0.0001)
        #expect(lowest.epoch == facts.minValidationLossEpoch)
        let final = try #require(run.series["valLoss"]?.last)
        #expect(abs(final.value - facts.finalValidationLoss) < 0.001)
        #expect(final.epoch == 40.0)
        #expect(run.values("valAcc").allSatisfy { $0 >= 0 && $0 <= 1 })
    }

    @Test("80 points per series at steps 1…80 and epochs 0.5…40.0", arguments: Fixtures.trailIDs)
    func seriesShape(_ id: String) throws {
        let run = try importOne(id)
        #expect(Set(run.series.keys) == ["trainLoss", "valLoss", "valAcc"])
        let expectedSteps = Array(Int64(1)...80)
        let expectedEpochs = (1...80).map { Double($0) * 0.5 }
        for (key, points) in run.series {
            #expect(points.count == 80, "\(key)")
            #expect(points.map(\.step) == expectedSteps, "\(key)")
            #expect(points.map(\.epoch) == expectedEpochs.map { Optional($0) }, "\(key)")
            #expect(points.allSatisfy { $0.time == nil }, "no time is recorded in a trail: absent")
        }
    }

    @Test("empty metadata fields on rows 2…80 do not shift the learning-curve columns")
    func whitespaceRule() throws {
        let run = try importOne("2021_02_15_13_55_26_539263")
        // Row 2 (epoch 1.0) and the last row (epoch 40.0) as written in the file, each followed by 24 empty fields.
        let trainLoss = try #require(run.series["trainLoss"])
        let valLoss = try #require(run.series["valLoss"])
        let valAcc = try #require(run.series["valAcc"])
        #expect(trainLoss[1].value == 3.7429280073642732)
        #expect(valLoss[1].value == 3.5833423637095234)
        #expect(abs(valAcc[1].value - 0.1491) < 1e-12)
        #expect(trainLoss[79].value == 1.4958381524682045)
        #expect(valLoss[79].value == 4.318594807698543)
        #expect(abs(valAcc[79].value - 0.2635) < 1e-12)
        // Row 1's empty FC_dropout_layers (two consecutive spaces) is absent and does not shift FCFilters.
        #expect(run.parameters["FC_dropout_layers"] == nil)
        #expect(run.parameters["FC_dropout_rate"] == "0.4558671863403917")
        #expect(run.parameters["FCFilters"] == "100")
    }

    @Test("parameters keep the file's column names and text")
    func parameters() throws {
        let run = try importOne("2021_02_15_13_56_59_917381")
        let expected: [String: String] = [
            "random_seed": "4248779896", "train_GPU": "True", "torch_set_deterministic": "False",
            "dataset": "CIFAR100", "batch_size": "186", "loss_fn": "CrossEntropyLoss", "optimizer": "SGD",
            "learning_rate": "0.010439798407753376", "momentum": "0", "dampening": "0",
            "weight_decay": "0.016374529740733647", "layer_types": "4-1-3", "dropout_rate": "0.46221952533637445",
            "convKernels": "32-1-3", "convStrides": "20-1-2", "convPaddings": "2-2-3", "poolKernels": "5",
            "poolStrides": "4", "poolPaddings": "1", "convFilters": "190-306-383",
            "FC_dropout_rate": "0.4343604085634797", "FC_dropout_layers": "1", "FCFilters": "145-100",
            "num_conv_layers": "3", "num_fc_layers": "2", "num_classes": "100",
        ]
        #expect(run.parameters == expected)
    }

    @Test("the run: named by its ID, started at the ID's UTC time, finished with unknown duration")
    func runRecord() throws {
        let run = try importOne("2021_02_15_13_55_26_539263")
        #expect(run.start.name == "2021_02_15_13_55_26_539263")
        #expect(run.start.kind == .workflow)
        #expect(run.start.experiment == Fixtures.experiment)
        #expect(run.start.startedAt.iso8601 == "2021-02-15T13:55:26.539263Z")
        let end = try #require(run.end)
        #expect(end.status == .finished)
        #expect(end.endedAt == nil)
        #expect(run.tags[ImportTags.duration] == "unknown")
        #expect(run.tags[ImportTags.source] == "rcljt22:2021_02_15_13_55_26_539263")
        #expect(run.tags[ImportTags.sourceFile] == "2021_02_15_13_55_26_539263.txt")
        #expect(run.tags[ImportTags.startTimeSource] == "record-id")
        #expect(run.tags[ImportTags.warning] == nil)
    }

    // Expected sequences derived by hand from each file's metadata with the documented bitmask semantics
    // (2 = followed by pooling, 4 = followed by dropout when dropout_rate > 0, 1 = not interpreted).
    @Test("architecture of …539263: layer_types 3-3-1, two pools, no dropout (rate 0), one dense layer")
    func architecture539263() throws {
        let run = try importOne("2021_02_15_13_55_26_539263")
        // convKernels 24-2-2, convStrides 12-2-1, convPaddings 4-2-2, convFilters 301-297-345;
        // poolKernels 1-1, poolStrides 1-1, poolPaddings 0-0; dropout_rate 0; FCFilters 100.
        let expected = [
            conv(24, 12, 4, 301), pool(1, 1, 0),
            conv(2, 2, 2, 297), pool(1, 1, 0),
            conv(2, 1, 2, 345),
            flatten, dense(100),
        ]
        let architecture = try #require(run.architecture)
        #expect(architecture.layers == expected)
        #expect(architecture.model != nil)
    }

    @Test("architecture of …917381: layer_types 4-1-3, dropout after conv 1, pool after conv 3, FC dropout")
    func architecture917381() throws {
        let run = try importOne("2021_02_15_13_56_59_917381")
        // 4 → dropout (0.462…); 1 → nothing; 3 → pool (5/4/1); FCFilters 145-100 with FC_dropout_layers 1.
        let expected = [
            conv(32, 20, 2, 190), dropout(0.46221952533637445),
            conv(1, 1, 2, 306),
            conv(3, 2, 3, 383), pool(5, 4, 1),
            flatten, dense(145), dropout(0.4343604085634797), dense(100),
        ]
        #expect(run.architecture?.layers == expected)
    }

    @Test("architecture of …105932: layer_types 5-3-7, pool and dropout after conv 3, no FC dropout")
    func architecture105932() throws {
        let run = try importOne("2021_02_15_14_01_32_105932")
        // 5 = 4+1 → dropout; 3 = 2+1 → pool (1/1/0); 7 = 4+2+1 → pool (10/4/4) then dropout; FC_dropout_layers 0-0.
        let expected = [
            conv(11, 5, 5, 321), dropout(0.39971859298950596),
            conv(1, 1, 1, 63), pool(1, 1, 0),
            conv(1, 1, 1, 384), pool(10, 4, 4), dropout(0.39971859298950596),
            flatten, dense(358), dense(340), dense(100),
        ]
        #expect(run.architecture?.layers == expected)
        // Pool kind and activation are not recorded in the file: absent.
        for layer in run.architecture?.layers ?? [] {
            #expect(layer.hyperparameters["mode"] == nil)
            #expect(layer.hyperparameters["activation"] == nil)
        }
    }

    @Test("three trails: one CIFAR100 entity used by three runs, one agent, references after definitions")
    func sharedDataset() throws {
        let files = try Fixtures.trailIDs.map { try Fixtures.trail($0) }
        var context = Fixtures.context()
        let events = try RecordTrailImporter().events(files: files, experiment: Fixtures.experiment, context: &context)
        let runs = importedRuns(events)
        #expect(runs.count == 3)

        let datasets = entities(events, kind: .dataset)
        try #require(datasets.count == 1)
        #expect(datasets[0].name == "CIFAR100")
        #expect(datasets[0].attributes == ["classes": .number(100)])
        #expect(context.datasets == ["CIFAR100": datasets[0].id])
        let used = relations(events, kind: .used)
        #expect(used.count == 3)
        #expect(Set(used.map(\.subject)) == Set(runs.map(\.start.id)))
        #expect(used.allSatisfy { $0.object == datasets[0].id })

        let importers = agents(events)
        try #require(importers.count == 1)
        #expect(importers[0].kind == .software)
        #expect(importers[0].name == "provkit import")
        let associations = relations(events, kind: .wasAssociatedWith)
        #expect(associations.count == 3)
        #expect(associations.allSatisfy { $0.object == importers[0].id })

        let models = entities(events, kind: .model)
        #expect(models.count == 3)
        let generated = relations(events, kind: .wasGeneratedBy)
        #expect(Set(generated.map(\.subject)) == Set(models.map(\.id)))
        #expect(Set(generated.map(\.object)) == Set(runs.map(\.start.id)))
        for run in runs {
            let model = try #require(run.architecture?.model)
            #expect(generated.contains { $0.subject == model && $0.object == run.start.id })
        }

        #expect(referenceOrderProblems(events, known: [Fixtures.experiment]) == [])

        // A later import with the same context refers to the same entities and defines nothing again.
        let again = try RecordTrailImporter().events(
            files: [files[0]], experiment: Fixtures.experiment, context: &context)
        #expect(entities(again, kind: .dataset).isEmpty)
        #expect(agents(again).isEmpty)
        #expect(relations(again, kind: .used).first?.object == datasets[0].id)
    }

    @Test("the format is recognized from the header")
    func detection() throws {
        for id in Fixtures.trailIDs {
            #expect(ImportFormat.detect(contents: try Fixtures.trail(id).contents) == .recordTrail)
        }
    }
}
