import Foundation
import ProvImport
import ProvModel
import ProvTesting
import Testing

/// Small inline files in both formats, valid unless a test damages them.
enum InlineFiles {
    static let trailHeader =
        "epochs trainLoss valLoss valAcc ID random_seed train_GPU torch_set_deterministic dataset batch_size loss_fn "
        + "optimizer learning_rate momentum dampening weight_decay layer_types dropout_rate convKernels convStrides "
        + "convPaddings poolKernels poolStrides poolPaddings convFilters FC_dropout_rate FC_dropout_layers FCFilters"
    static let trailRow1 =
        "0.5 4.25 3.89 9.68 2021_02_15_13_55_26_539263 2476382228 True False CIFAR100 25 CrossEntropyLoss SGD 0.11 "
        + "4.8e-05 0 0.00055 3-3-1 0 24-2-2 12-2-1 4-2-2 1-1 1-1 0-0 301-297-345 0.45  100"
    static let emptyMetadata = String(repeating: " ", count: 24)
    /// A valid three-row trail (line 1 header, lines 2–4 data).
    static let trail =
        [
            trailHeader, trailRow1, "1.0 3.74 3.58 14.91" + emptyMetadata, "1.5 3.50 3.45 17.29" + emptyMetadata,
        ].joined(separator: "\n") + "\n"

    static let a4nnHeader = "epoch,train_accs,val_accs,predictions,converged,genome,arch,flops"
    static let genome = "\"[[0, 0, 0, 1, 1, 0, 1], [0, 0, 0, 0, 0, 1, 0], [0, 0, 1, 0, 1, 1, 0]]\""
    /// A valid file of two networks (lines 2–4 and 5–6), ending with a line break (so line 7 is empty).
    static let a4nn =
        [
            a4nnHeader,
            "0,80.5,59.9,inf,False,\(genome),68,715.4103",
            "1,88.3,52.2,inf,False,\(genome),68,715.4103",
            "2,90.9,83.9,71.5,True,\(genome),68,715.4103",
            "0,90.7,91.2,inf,False,\"[[1, 0, 1, 1, 1, 0, 1]]\",38,966.784",
            "1,96.4,62.6,nan,True,\"[[1, 0, 1, 1, 1, 0, 1]]\",38,966.784",
        ].joined(separator: "\n") + "\n"

    /// `trail` with line `line` (1-based) replaced.
    static func trail(replacingLine line: Int, with text: String) -> String {
        var lines = trail.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        lines[line - 1] = text
        return lines.joined(separator: "\n")
    }

    /// `a4nn` with line `line` (1-based) replaced.
    static func a4nn(replacingLine line: Int, with text: String) -> String {
        var lines = a4nn.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        lines[line - 1] = text
        return lines.joined(separator: "\n")
    }
}

func importTrail(_ contents: String, name: String = "t.txt") throws(ImportError) -> [ProvEvent] {
    var context = Fixtures.context()
    return try RecordTrailImporter().events(
        fileName: name, contents: contents, experiment: Fixtures.experiment, context: &context)
}

func importA4NN(_ contents: String, name: String = "1gpu_1e14_training_data.csv") throws(ImportError) -> [ProvEvent] {
    var context = Fixtures.context()
    return try A4NNImporter().events(
        fileName: name, contents: contents, experiment: Fixtures.experiment, context: &context)
}

@Suite("Record trails: inline files")
struct RecordTrailInlineTests {
    @Test func validInlineTrail() throws {
        let runs = importedRuns(try importTrail(InlineFiles.trail))
        try #require(runs.count == 1)
        #expect(runs[0].series["valAcc"]?.map(\.step) == [1, 2, 3])
        #expect(runs[0].series["valAcc"]?.map(\.epoch) == [0.5, 1.0, 1.5])
        #expect(runs[0].parameters["FC_dropout_layers"] == nil)
        #expect(runs[0].parameters["FCFilters"] == "100")
    }

    @Test func crlfAndByteOrderMark() throws {
        let windows = "\u{FEFF}" + InlineFiles.trail.split(separator: "\n").joined(separator: "\r\n") + "\r\n"
        let runs = importedRuns(try importTrail(windows))
        #expect(runs.first?.series["valAcc"]?.count == 3)
        #expect(runs.first?.parameters["FCFilters"] == "100")
    }

    @Test("an empty learning-curve field is skipped, not 0, and does not shift the others")
    func emptyMetricField() throws {
        // trainLoss empty: two consecutive spaces after the epoch.
        let contents = InlineFiles.trail(replacingLine: 3, with: "1.0  3.58 14.91" + InlineFiles.emptyMetadata)
        let run = try #require(importedRuns(try importTrail(contents)).first)
        #expect(run.series["trainLoss"]?.map(\.step) == [1, 3])
        #expect(run.series["valLoss"]?.map(\.value) == [3.89, 3.58, 3.45])
        #expect(abs((run.series["valAcc"]?[1].value ?? 0) - 0.1491) < 1e-12)
    }

    @Test("non-finite values are kept: a diverged loss is provenance")
    func nonFinite() throws {
        let contents = InlineFiles.trail(replacingLine: 4, with: "1.5 nan inf 1.0" + InlineFiles.emptyMetadata)
        let run = try #require(importedRuns(try importTrail(contents)).first)
        #expect(run.series["trainLoss"]?.last?.value.isNaN == true)
        #expect(run.series["valLoss"]?.last?.value == .infinity)
    }

    @Test func wrongHeader() throws {
        let header = InlineFiles.trailHeader.replacingOccurrences(of: "valAcc", with: "val_acc")
        let error = try #require(
            expectImportError { () throws(ImportError) in
                try importTrail(InlineFiles.trail(replacingLine: 1, with: header))
            })
        #expect(error.file == "t.txt")
        #expect(error.line == 1)
        #expect(error.column == "valAcc")
        #expect(error.message.contains("wrong header"))
        #expect(error.description.hasPrefix("t.txt:1: column 'valAcc': wrong header"))
    }

    @Test("a row whose whitespace was collapsed is too short")
    func shortRow() throws {
        let error = try #require(
            expectImportError { () throws(ImportError) in
                try importTrail(InlineFiles.trail(replacingLine: 3, with: "1.0 3.74 3.58 14.91"))
            })
        #expect(error.line == 3)
        #expect(error.column == "ID")
        #expect(error.message.contains("expected 28"))
        #expect(error.message.contains("found 4"))
    }

    @Test func longRow() throws {
        let error = try #require(
            expectImportError { () throws(ImportError) in
                try importTrail(
                    InlineFiles.trail(replacingLine: 4, with: "1.5 3.50 3.45 17.29 " + InlineFiles.emptyMetadata))
            })
        #expect(error.line == 4)
        #expect(error.column == nil)
        #expect(error.message.contains("found 29"))
    }

    @Test func nonNumericMetric() throws {
        let error = try #require(
            expectImportError { () throws(ImportError) in
                try importTrail(
                    InlineFiles.trail(replacingLine: 3, with: "1.0 3.74 3.58 abc" + InlineFiles.emptyMetadata))
            })
        #expect(error.line == 3)
        #expect(error.column == "valAcc")
        #expect(error.message.contains("'abc'"))
    }

    @Test func nonNumericEpoch() throws {
        let error = try #require(
            expectImportError { () throws(ImportError) in
                try importTrail(
                    InlineFiles.trail(replacingLine: 4, with: "x 3.74 3.58 1.0" + InlineFiles.emptyMetadata))
            })
        #expect(error.line == 4)
        #expect(error.column == "epochs")
    }

    @Test(
        "non-numeric metadata names its column",
        arguments: [
            (" 25 ", " twenty-five ", "batch_size"), ("0.11 ", "0x1p3 ", "learning_rate"),
            ("3-3-1", "3-3-a", "layer_types"),
            ("True False", "yes False", "train_GPU"),
        ])
    func nonNumericMetadata(_ original: String, _ replacement: String, _ column: String) throws {
        let row = InlineFiles.trailRow1.replacingOccurrences(of: original, with: replacement)
        try #require(row != InlineFiles.trailRow1)
        let error = try #require(
            expectImportError { () throws(ImportError) in
                try importTrail(InlineFiles.trail(replacingLine: 2, with: row))
            })
        #expect(error.line == 2)
        #expect(error.column == column)
    }

    @Test(
        "an ID that is not YYYY_MM_DD_HH_MM_SS_ffffff",
        arguments: [
            "2021-02-15-13-55-26-539263", "2021_02_15_13_55_26", "2021_13_15_13_55_26_539263",
            "2021_02_30_13_55_26_539263",
        ])
    func unknownIDFormat(_ id: String) throws {
        let row = InlineFiles.trailRow1.replacingOccurrences(of: "2021_02_15_13_55_26_539263", with: id)
        let error = try #require(
            expectImportError { () throws(ImportError) in
                try importTrail(InlineFiles.trail(replacingLine: 2, with: row))
            })
        #expect(error.line == 2)
        #expect(error.column == "ID")
        #expect(error.message.contains("unknown ID format"))
    }

    @Test("an empty ID is taken from the file name")
    func idFromFileName() throws {
        let row = InlineFiles.trailRow1.replacingOccurrences(of: "2021_02_15_13_55_26_539263", with: "")
        let contents = InlineFiles.trail(replacingLine: 2, with: row)
        let runs = importedRuns(try importTrail(contents, name: "models/2020_01_02_03_04_05_000006.txt"))
        #expect(runs.first?.start.startedAt.iso8601 == "2020-01-02T03:04:05.000006Z")
        #expect(runs.first?.tags[ImportTags.source] == "rcljt22:2020_01_02_03_04_05_000006")
        let error = try #require(
            expectImportError { () throws(ImportError) in try importTrail(contents, name: "x.txt") })
        #expect(error.column == "ID")
    }

    @Test func classesDisagreeWithDataset() throws {
        let row = InlineFiles.trailRow1.replacingOccurrences(of: "CIFAR100", with: "SVHN")
        let error = try #require(
            expectImportError { () throws(ImportError) in
                try importTrail(InlineFiles.trail(replacingLine: 2, with: row))
            })
        #expect(error.line == 2)
        #expect(error.column == "FCFilters")
    }

    @Test func emptyAndHeaderOnly() throws {
        let empty = try #require(expectImportError { () throws(ImportError) in try importTrail("") })
        #expect(empty.line == 1)
        let headerOnly = try #require(
            expectImportError { () throws(ImportError) in
                try importTrail(InlineFiles.trailHeader + "\n")
            })
        #expect(headerOnly.line == 2)
    }

    @Test("contradictory architecture lists: the architecture is left out with a warning, not guessed")
    func inconsistentArchitecture() throws {
        // Three layers with bit 2 but only two pool kernels.
        let row = InlineFiles.trailRow1.replacingOccurrences(of: " 3-3-1 ", with: " 3-3-3 ")
        let run = try #require(importedRuns(try importTrail(InlineFiles.trail(replacingLine: 2, with: row))).first)
        #expect(run.architecture == nil)
        #expect(run.tags[ImportTags.warning]?.contains("poolKernels") == true)
        #expect(run.parameters["layer_types"] == "3-3-3")
        #expect(run.parameters["num_conv_layers"] == "3")
    }

    @Test("a failed file leaves the context unchanged")
    func failureLeavesContext() throws {
        var context = Fixtures.context()
        let importer = RecordTrailImporter()
        let bad = InlineFiles.trail(replacingLine: 3, with: "1.0 3.74 3.58 abc" + InlineFiles.emptyMetadata)
        #expect(throws: ImportError.self) {
            try importer.events(fileName: "bad.txt", contents: bad, experiment: Fixtures.experiment, context: &context)
        }
        #expect(context.datasets.isEmpty)
        #expect(context.pendingAgent != nil)
        let events = try importer.events(
            fileName: "t.txt", contents: InlineFiles.trail, experiment: Fixtures.experiment, context: &context)
        #expect(agents(events).count == 1)
        #expect(entities(events, kind: .dataset).count == 1)
    }

    @Test("an existing agent and a registered dataset are referred to, not defined")
    func existingNodes() throws {
        let ids = SequentialIDGenerator()
        let agent = ids.next()
        let dataset = ids.next()
        var context = ImportContext(ids: ids, existingAgent: agent)
        context.registerDataset(named: "CIFAR100", id: dataset)
        let events = try RecordTrailImporter().events(
            fileName: "t.txt", contents: InlineFiles.trail, experiment: Fixtures.experiment, context: &context)
        #expect(agents(events).isEmpty)
        #expect(entities(events, kind: .dataset).isEmpty)
        #expect(relations(events, kind: .used).map(\.object) == [dataset])
        #expect(relations(events, kind: .wasAssociatedWith).map(\.object) == [agent])
        #expect(referenceOrderProblems(events, known: [Fixtures.experiment, agent, dataset]) == [])
    }

    @Test("never crashes: every truncation of a valid file imports or throws an ImportError")
    func truncations() {
        let contents = InlineFiles.trail
        var imported = 0
        for length in 0...contents.utf8.count {
            let prefix = String(decoding: contents.utf8.prefix(length), as: UTF8.self)
            if (try? importTrail(prefix)) != nil { imported += 1 }
        }
        #expect(imported > 0)
    }
}

@Suite("A4NN: inline files")
struct A4NNInlineTests {
    @Test func validInlineFile() throws {
        let runs = importedRuns(try importA4NN(InlineFiles.a4nn))
        try #require(runs.count == 2)
        #expect(runs.map(\.start.name) == ["a4nn-1e14-arch68", "a4nn-1e14-arch38"])
        #expect(runs[0].series["predictions"]?.map(\.step) == [2])
        #expect(runs[1].series["predictions"] == nil, "inf and nan predictions are absent")
        #expect(runs[1].parameters["num_phases"] == "1")
        #expect(runs[1].parameters["phase_1_connections"] == "4")
        #expect(runs[1].parameters["phase_1_active_nodes"] == "4")
        #expect(runs[1].tags[ImportTags.source] == "a4nn:1gpu_1e14_training_data.csv:arch38:2")
    }

    @Test("without intensity in the file name, the intensity is absent, not invented")
    func unknownIntensity() throws {
        let events = try importA4NN(InlineFiles.a4nn, name: "history.csv")
        let runs = importedRuns(events)
        #expect(runs.first?.parameters["beam_intensity"] == nil)
        #expect(runs.first?.parameters["gpus"] == nil)
        #expect(runs.first?.start.name == "a4nn-arch68")
        #expect(entities(events, kind: .dataset).map(\.name) == ["a4nn-xray-protein"])
        #expect(entities(events, kind: .dataset).first?.attributes == [:])
    }

    @Test func wrongHeader() throws {
        let error = try #require(
            expectImportError { () throws(ImportError) in
                try importA4NN(InlineFiles.a4nn(replacingLine: 1, with: "epoch,train_acc,val_accs,predictions"))
            })
        #expect(error.line == 1)
        #expect(error.column == "train_accs")
        #expect(error.message.contains("wrong header"))
    }

    @Test("a short row names the first missing column")
    func shortRow() throws {
        let error = try #require(
            expectImportError { () throws(ImportError) in
                try importA4NN(InlineFiles.a4nn(replacingLine: 3, with: "1,88.3,52.2,inf,False"))
            })
        #expect(error.line == 3)
        #expect(error.column == "genome")
        #expect(error.message.contains("found 5"))
    }

    @Test("an unquoted genome splits into too many fields")
    func unquotedGenome() throws {
        let error = try #require(
            expectImportError { () throws(ImportError) in
                try importA4NN(
                    InlineFiles.a4nn(replacingLine: 3, with: "1,88.3,52.2,inf,False,[[0, 1, 0, 1]],68,715.4103"))
            })
        #expect(error.line == 3)
        #expect(error.message.contains("must be quoted"))
    }

    @Test func nonNumericValue() throws {
        let line = "1,88.3,n/a,inf,False,\(InlineFiles.genome),68,715.4103"
        let error = try #require(
            expectImportError { () throws(ImportError) in
                try importA4NN(InlineFiles.a4nn(replacingLine: 3, with: line))
            })
        #expect(error.line == 3)
        #expect(error.column == "val_accs")
        #expect(error.description.contains("1gpu_1e14_training_data.csv:3: column 'val_accs'"))
    }

    @Test("bad quoting: a quote that never closes names the line where its field starts")
    func unterminatedQuote() throws {
        let line = "2,96.4,62.6,nan,True,\"[[1, 0, 1, 1, 1, 0, 1]],38,966.784"
        let error = try #require(
            expectImportError { () throws(ImportError) in
                try importA4NN(InlineFiles.a4nn(replacingLine: 7, with: line))
            })
        #expect(error.line == 7)
        #expect(error.column == "genome")
        #expect(error.message.contains("not closed"))
    }

    @Test("bad quoting: a quote inside an unquoted field, text after a closing quote")
    func strayQuotes() throws {
        let inside = try #require(
            expectImportError { () throws(ImportError) in
                try importA4NN(
                    InlineFiles.a4nn(replacingLine: 4, with: "2,90.9,83\"9,71.5,True,\(InlineFiles.genome),68,7"))
            })
        #expect(inside.line == 4)
        #expect(inside.column == "val_accs")
        let after = try #require(
            expectImportError { () throws(ImportError) in
                try importA4NN(
                    InlineFiles.a4nn(replacingLine: 4, with: "2,90.9,83.9,71.5,True,\(InlineFiles.genome)x,68,7"))
            })
        #expect(after.line == 4)
        #expect(after.column == "genome")
    }

    @Test func badConvergedValue() throws {
        let line = "1,88.3,52.2,inf,maybe,\(InlineFiles.genome),68,715.4103"
        let error = try #require(
            expectImportError { () throws(ImportError) in
                try importA4NN(InlineFiles.a4nn(replacingLine: 3, with: line))
            })
        #expect(error.line == 3)
        #expect(error.column == "converged")
    }

    @Test func badGenome() throws {
        let line = "0,80.5,59.9,inf,False,\"[[0, 0, 1]]\",68,715.4103"
        let error = try #require(
            expectImportError { () throws(ImportError) in
                try importA4NN(InlineFiles.a4nn(replacingLine: 2, with: line))
            })
        #expect(error.line == 2)
        #expect(error.column == "genome")
        #expect(error.message.contains("3 bits"))
    }

    @Test("a network's arch cannot change before epoch restarts at 0")
    func archChangesMidNetwork() throws {
        let line = "2,90.9,83.9,71.5,True,\(InlineFiles.genome),69,715.4103"
        let error = try #require(
            expectImportError { () throws(ImportError) in
                try importA4NN(InlineFiles.a4nn(replacingLine: 4, with: line))
            })
        #expect(error.line == 4)
        #expect(error.column == "arch")
    }

    @Test func epochGoesBack() throws {
        let line = "1,90.9,83.9,71.5,True,\(InlineFiles.genome),68,715.4103"
        let error = try #require(
            expectImportError { () throws(ImportError) in
                try importA4NN(InlineFiles.a4nn(replacingLine: 4, with: line))
            })
        #expect(error.line == 4)
        #expect(error.column == "epoch")
    }

    @Test("a quoted field spanning lines reports the line where its record starts")
    func multilineRecordLines() throws {
        let contents = InlineFiles.a4nn.replacingOccurrences(
            of: "\"[[1, 0, 1, 1, 1, 0, 1]]\",38,966.784\n1,", with: "\"[[1, 0, 1, 1,\n 1, 0, 1]]\",38,966.784\n1,")
        let error = try #require(expectImportError { () throws(ImportError) in try importA4NN(contents) })
        // Line 5 starts the network whose genome spans lines 5–6; line 7 repeats the one-line genome and differs.
        #expect(error.line == 7)
        #expect(error.column == "genome")
    }

    @Test("never crashes: every truncation of a valid file imports or throws an ImportError")
    func truncations() {
        let contents = InlineFiles.a4nn
        var imported = 0
        for length in 0...contents.utf8.count {
            let prefix = String(decoding: contents.utf8.prefix(length), as: UTF8.self)
            if (try? importA4NN(prefix)) != nil { imported += 1 }
        }
        #expect(imported > 0)
    }

    @Test func detection() {
        #expect(ImportFormat.detect(contents: InlineFiles.a4nn) == .a4nn)
        #expect(ImportFormat.detect(contents: InlineFiles.trail) == .recordTrail)
        #expect(ImportFormat.detect(contents: "a,b,c\n1,2,3\n") == nil)
    }
}
