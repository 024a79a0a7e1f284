import Foundation
import ProvTesting
import Testing

@Suite("provkit demo and provkit import")
struct DemoAndImportCommandTests {
    @Test("the demo runs the example workflow under capture, and its records can be queried")
    func demo() throws {
        let fixture = try CLIFixture()
        defer { fixture.directory.remove() }
        let output = try fixture.succeed(["demo"]).standardOutput
        for expected in [
            "$ provkit run --experiment example-classifier-sweep -- provkit-example", "generated data",
            "best: model-", "$ provkit runs --experiment example-classifier-sweep", "$ provkit show",
            "Parameters (7)", "Architecture (", "$ provkit lineage", "entity/model best-model",
            "wasDerivedFrom entity/model model-", "used entity/dataset synthetic-blobs/train", "exit_code          0",
        ] {
            #expect(output.contains(expected), "missing '\(expected)' in demo output:\n\(output)")
        }
        let stats = try #require(try fixture.json(["stats"]) as? [String: Int])
        #expect(stats["runs"] == 9)  // the wrapper, the sweep, six trainings, the selection
        #expect(stats["metricPoints"] == 6 * 20 * 4)
        #expect((stats["telemetrySamples"] ?? 0) >= 2 * 8 + 2)  // start and end of every SDK run, and the wrapper's
        let experiments = try #require(try fixture.json(["experiments"]) as? [[String: Any]])
        #expect(experiments.count == 1)
        #expect((experiments.first?["description"] as? String)?.contains("GENERATED") == true)
        // Every run of the example is labelled as generated.
        let generated = try #require(try fixture.json(["runs", "--tag", "provkit.generated=true"]) as? [Any])
        #expect(generated.count == 9)
        // The sweep nests under the wrapper's run, so one run holds the process view and the model view.
        let wrapper = try #require(try fixture.json(["runs", "--kind", "workflow"]) as? [[String: Any]])
        #expect(wrapper.count == 1)
        let wrapperID = try #require(wrapper.first?["id"] as? String)
        let children = try #require(try fixture.json(["runs", "--parent", wrapperID]) as? [[String: Any]])
        #expect(children.map { $0["name"] as? String } == ["classifier-sweep"])
        // A second demo adds a second sweep to the same experiment.
        try fixture.succeed(["demo", "--epochs", "10"])
        let again = try #require(try fixture.json(["experiments"]) as? [[String: Any]])
        #expect(again.count == 1)
        #expect(again.first?["runCount"] as? Int == 18)
    }

    @Test("demo --events-out writes a file that loads into an empty store with the same records")
    func demoEventsOut() throws {
        let fixture = try CLIFixture()
        defer { fixture.directory.remove() }
        let file = fixture.directory.path("demo-events.jsonl")
        try fixture.succeed(["demo", "--epochs", "10", "--events-out", file])
        let original = try #require(try fixture.json(["stats"]) as? [String: Int])
        let empty = fixture.directory.path("empty-store")
        let ingested = try fixture.run(["ingest", file, "--store", empty], store: false)
        #expect(ingested.status == 0, "\(ingested)")
        let copy = try #require(
            try JSONSerialization.jsonObject(
                with: Data(try fixture.succeed(["stats", "--json", "--store", empty], store: false).standardOutput.utf8))
                as? [String: Int])
        #expect(copy == original)
        #expect(copy["runs"] == 9)
    }

    @Test(
        "record trails import into runs with classified parameters, once",
        .enabled(if: SharedData.available("record-trails/cifar100")))
    func importTrails() throws {
        let folder = try SharedData.require("record-trails/cifar100")
        let fixture = try CLIFixture()
        defer { fixture.directory.remove() }
        let first = try fixture.succeed(["import", "trails", folder.path]).standardOutput
        #expect(first.hasPrefix("Imported 3 files into experiment 'record-trails': 3 runs"))
        let again = try fixture.succeed(["import", "trails", folder.path]).standardOutput
        #expect(again.contains("already imported"))
        #expect(again.hasSuffix("Nothing new to import.\n"))
        let stats = try #require(try fixture.json(["stats"]) as? [String: Int])
        #expect(stats["runs"] == 3)
        #expect(stats["metricPoints"] == 3 * 3 * 80)
        #expect(stats["entities"] == 4)  // one CIFAR100 dataset, three models
        let learners = try #require(
            try fixture.json(["runs", "--metric", "valAcc>0.1", "--param", "dataset=CIFAR100"]) as? [[String: Any]])
        #expect(
            Set(learners.compactMap { $0["name"] as? String }) == [
                "2021_02_15_13_55_26_539263", "2021_02_15_14_01_32_105932",
            ])
        let show = try fixture.succeed(["show", "2021_02_15_13_56_59_917381"]).standardOutput
        #expect(show.contains("batch_size               186"))
        #expect(show.contains("Architecture ("))
        let lineage = try fixture.succeed(["lineage", "CIFAR100", "--direction", "down", "--depth", "1"]).standardOutput
        #expect(lineage.components(separatedBy: "<- used run/workflow").count - 1 == 3)
    }

    @Test("A4NN histories import one run per network", .enabled(if: SharedData.available("a4nn")))
    func importA4NN() throws {
        let folder = try SharedData.require("a4nn")
        let fixture = try CLIFixture()
        defer { fixture.directory.remove() }
        let output = try fixture.succeed(["import", "a4nn", folder.path, "--experiment", "nas"]).standardOutput
        #expect(output.hasPrefix("Imported 3 files into experiment 'nas': 300 runs"))
        let high = try #require(try fixture.json(["runs", "--param", "beam_intensity=1e16"]) as? [Any])
        #expect(high.count == 100)
        #expect(
            try fixture.succeed(["import", "a4nn", folder.path, "--experiment", "nas"]).standardOutput.hasSuffix(
                "Nothing new to import.\n"))
    }

    @Test("a malformed trail is refused with its file, line and column, and nothing is stored")
    func malformedTrail() throws {
        let fixture = try CLIFixture()
        defer { fixture.directory.remove() }
        let header =
            "epochs trainLoss valLoss valAcc ID random_seed train_GPU torch_set_deterministic dataset batch_size loss_fn optimizer learning_rate momentum dampening weight_decay layer_types dropout_rate convKernels convStrides convPaddings poolKernels poolStrides poolPaddings convFilters FC_dropout_rate FC_dropout_layers FCFilters"
        let path = try fixture.write("2021_02_15_13_55_26_539263.txt", header + "\n0.5 abc 3.9 9.68\n")
        let result = try fixture.run(["import", "trails", path])
        #expect(result.status == 1)
        #expect(result.standardError.contains("\(path): line 2"), "\(result)")
        #expect(result.standardError.contains("Nothing was imported."))
        #expect((try fixture.json(["stats"]) as? [String: Int])?["runs"] == 0)
        let missing = try fixture.run(["import", "trails", fixture.directory.path("nope")])
        #expect(missing.standardError.contains("no such file or folder"))
    }
}
