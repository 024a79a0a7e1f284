import ProvImport
import ProvModel
import ProvTesting
import Testing

@Suite("A4NN histories on the shared files", .enabled(if: SharedData.available("a4nn")))
struct A4NNSampleTests {
    func importFile(_ name: String) throws -> (file: ImportFile, events: [ProvEvent], runs: [ImportedRun]) {
        let file = try Fixtures.file("a4nn/\(name)")
        var context = Fixtures.context()
        let events = try A4NNImporter().events(
            fileName: file.name, contents: file.contents, experiment: Fixtures.experiment, context: &context)
        return (file, events, importedRuns(events))
    }

    /// The data lines of a file (the header and blank lines dropped), counted without the importer.
    func dataLines(_ file: ImportFile) -> [Substring] {
        file.contents.split(separator: "\n").dropFirst().filter { !$0.isEmpty }
    }

    @Test("one run per network: as many as lines starting with '0,'", arguments: Fixtures.a4nnFiles)
    func networkCount(_ name: String) throws {
        let (file, events, runs) = try importFile(name)
        let restarts = dataLines(file).filter { $0.hasPrefix("0,") }.count
        #expect(restarts == 100)
        #expect(runs.count == restarts)
        // Every data line becomes one point of each complete series.
        let points = runs.reduce(0) { $0 + ($1.series["train_accs"]?.count ?? 0) }
        #expect(points == dataLines(file).count)
        #expect(runs.allSatisfy { $0.start.kind == .workflow && $0.end?.status == .finished })
        #expect(referenceOrderProblems(events, known: [Fixtures.experiment]) == [])
        // Each network's source tag is unique within the file.
        #expect(Set(runs.compactMap { $0.tags[ImportTags.source] }).count == runs.count)
    }

    @Test("beam intensity and GPU count come from the file name", arguments: Fixtures.a4nnFiles)
    func beamIntensity(_ name: String) throws {
        let (_, events, runs) = try importFile(name)
        let intensity = String(name.split(separator: "_")[1])  // 1gpu_<intensity>_training_data.csv
        #expect(runs.allSatisfy { $0.parameters["beam_intensity"] == intensity })
        #expect(runs.allSatisfy { $0.parameters["gpus"] == "1" })
        #expect(runs.allSatisfy { $0.start.name?.hasPrefix("a4nn-\(intensity)-arch") == true })
        let datasets = entities(events, kind: .dataset)
        try #require(datasets.count == 1)
        #expect(datasets[0].name == "a4nn-xray-protein-\(intensity)")
        #expect(datasets[0].attributes["beam_intensity"] == .number(try #require(Double(intensity))))
        #expect(relations(events, kind: .used).count == runs.count)
    }

    @Test("the first network of the 1e14 file: fractions, inf predictions skipped, converged series, genome")
    func firstNetwork() throws {
        let (file, _, runs) = try importFile("1gpu_1e14_training_data.csv")
        let run = try #require(runs.first)
        #expect(run.start.name == "a4nn-1e14-arch68")
        #expect(run.tags[ImportTags.source] == "a4nn:1gpu_1e14_training_data.csv:arch68:1")
        #expect(run.tags[ImportTags.startTimeSource] == "import-time")
        #expect(run.tags[ImportTags.duration] == "unknown")
        #expect(run.start.startedAt == Fixtures.importTime)
        #expect(run.parameters["arch"] == "68")
        #expect(run.parameters["flops"] == "715.4103")
        #expect(run.parameters["genome"] == "[[0, 0, 0, 1, 1, 0, 1], [0, 0, 0, 0, 0, 1, 0], [0, 0, 1, 0, 1, 1, 0]]")

        // The first network's lines, found without the importer: from the first '0,' line to the next.
        let lines = dataLines(file)
        let networkLines = [lines[0]] + lines.dropFirst().prefix { !$0.hasPrefix("0,") }
        let fields = networkLines.map { $0.split(separator: ",", maxSplits: 5).map(String.init) }
        let epochs = fields.count
        #expect(epochs == 25)

        // Accuracies in percent become fractions; step = epoch = the epoch column.
        let train = try #require(run.series["train_accs"])
        let validation = try #require(run.series["val_accs"])
        #expect(train.count == epochs && validation.count == epochs)
        #expect(abs(train[0].value - 0.8080084398815897) < 1e-12)
        #expect(abs(validation[0].value - 0.59889140841521794) < 1e-12)
        #expect(train.map(\.step) == Array(0..<Int64(epochs)))
        #expect(train.map(\.epoch) == (0..<epochs).map { Optional(Double($0)) })
        for (point, row) in zip(validation, fields) {
            #expect(abs(point.value - Double(row[2])! / 100) < 1e-12)
        }

        // `inf` predictions are skipped: absent, never 0.
        let infinite = fields.filter { $0[3] == "inf" }.count
        #expect(infinite == 3)
        let predictions = try #require(run.series["predictions"])
        #expect(predictions.count == epochs - infinite)
        #expect(predictions.first?.step == 3)
        #expect(abs((predictions.first?.value ?? 0) - 0.7154313106499824) < 1e-12)
        #expect(predictions.allSatisfy { $0.value.isFinite })

        // converged: 0/1 per epoch, first 1 at epoch 13 (line 15 of the file).
        let converged = try #require(run.series["converged"])
        #expect(converged.count == epochs)
        #expect(converged.map(\.value) == fields.map { $0[4] == "True" ? 1 : 0 })
        #expect(converged.first { $0.value == 1 }?.epoch == 13)

        // The hand-worked genome (see NSGANetGenomeTests).
        let expected: [String: String] = [
            "num_phases": "3",
            "phase_1_connections": "2", "phase_1_skip": "1", "phase_1_active_nodes": "3",
            "phase_2_connections": "1", "phase_2_skip": "0", "phase_2_active_nodes": "2",
            "phase_3_connections": "3", "phase_3_skip": "0", "phase_3_active_nodes": "3",
            "total_connections": "6", "total_active_nodes": "8",
        ]
        for (key, value) in expected {
            #expect(run.parameters[key] == value, "\(key)")
        }
        let layers = try #require(run.architecture?.layers)
        #expect(layers.map(\.type) == ["nas_phase", "nas_phase", "nas_phase"])
        #expect(layers[0].hyperparameters["nodes"] == .number(4))
        #expect(layers[0].hyperparameters["connections"] == .number(2))
        #expect(layers[0].hyperparameters["skip"] == .number(1))
        #expect(layers[0].hyperparameters["bits"] == .array([0, 0, 0, 1, 1, 0, 1].map { .number($0) }))
    }

    @Test("three files: one dataset per beam intensity, one agent, unique sources across files")
    func threeFiles() throws {
        let files = try Fixtures.a4nnFiles.map { try Fixtures.file("a4nn/\($0)") }
        var context = Fixtures.context()
        let events = try A4NNImporter().events(files: files, experiment: Fixtures.experiment, context: &context)
        let runs = importedRuns(events)
        #expect(runs.count == 300)
        #expect(
            Set(entities(events, kind: .dataset).compactMap(\.name)) == [
                "a4nn-xray-protein-1e14", "a4nn-xray-protein-1e15", "a4nn-xray-protein-1e16",
            ])
        #expect(agents(events).count == 1)
        #expect(Set(runs.compactMap { $0.tags[ImportTags.source] }).count == 300)
        #expect(referenceOrderProblems(events, known: [Fixtures.experiment]) == [])
        // Accuracies are fractions; predictions may exceed 1 (extrapolations) but are all finite.
        for run in runs {
            #expect(run.values("train_accs").allSatisfy { $0 >= 0 && $0 <= 1 })
            #expect(run.values("val_accs").allSatisfy { $0 >= 0 && $0 <= 1 })
            #expect(run.values("predictions").allSatisfy { $0.isFinite })
            #expect(run.values("converged").allSatisfy { $0 == 0 || $0 == 1 })
        }
    }

    @Test("the format is recognized from the header", arguments: Fixtures.a4nnFiles)
    func detection(_ name: String) throws {
        #expect(ImportFormat.detect(contents: try Fixtures.file("a4nn/\(name)").contents) == .a4nn)
    }
}

@Suite("A4NN file names")
struct A4NNFileNameTests {
    @Test func fileNames() {
        #expect(A4NNImporter.fileNameMetadata("1gpu_1e14_training_data.csv") == (1, "1e14"))
        #expect(A4NNImporter.fileNameMetadata("/data/runs/4gpus_1e16_training_data.csv") == (4, "1e16"))
        #expect(A4NNImporter.fileNameMetadata("training_data.csv") == (nil, nil))
    }
}
