import Foundation
import ProvTesting
import Testing

@Suite("provkit runs, show, lineage, stats and store locations")
struct QueryCommandTests {
    /// A store holding the documented example plus a second run, for filters.
    static func exampleFixture() throws -> CLIFixture {
        let fixture = try CLIFixture()
        var lines = try ExampleEvents.lines
        lines += [
            #"{"type":"run_start","id":"0190a3f2c4d07000800000000001f002","experiment":"0190a3f2c4d07000800000000000e001","parent":"0190a3f2c4d07000800000000000f001","name":"net-1-eval","time":"2024-05-01T12:31:00Z"}"#,
            #"{"type":"parameter","run":"0190a3f2c4d07000800000000001f002","key":"learning_rate","value":"0.01"}"#,
            #"{"type":"parameter","run":"0190a3f2c4d07000800000000001f002","key":"optimizer","value":"Adam"}"#,
            #"{"type":"metric","run":"0190a3f2c4d07000800000000001f002","key":"val_acc","value":0.5,"step":3}"#,
            #"{"type":"metric","run":"0190a3f2c4d07000800000000001f002","key":"val_acc","value":0.9,"step":1}"#,
            #"{"type":"relation","relation":"used","subject":"0190a3f2c4d07000800000000001f002","object":"0190a3f2c4d07000800000000000d002"}"#,
            #"{"type":"run_end","id":"0190a3f2c4d07000800000000001f002","status":"failed","time":"2024-05-01T12:32:05Z"}"#,
        ]
        let file = try fixture.write("example.jsonl", lines.joined(separator: "\n"))
        try fixture.succeed(["ingest", file])
        return fixture
    }

    static let run1 = "0190a3f2c4d07000800000000000f001"
    static let run2 = "0190a3f2c4d07000800000000001f002"

    func runIDs(_ fixture: CLIFixture, _ arguments: [String]) throws -> [String] {
        let runs = try fixture.json(["runs"] + arguments) as? [[String: Any]] ?? []
        return runs.compactMap { $0["id"] as? String }
    }

    @Test("runs lists newest first, as a table and as JSON")
    func listRuns() throws {
        let fixture = try Self.exampleFixture()
        defer { fixture.directory.remove() }
        let table = try fixture.succeed(["runs"]).standardOutput
        #expect(
            table == """
                ID                                NAME        KIND      STATUS    EXPERIMENT  STARTED               DURATION
                \(Self.run2)  net-1-eval  task      failed    cnn-sweep   2024-05-01 12:31:00Z  1m05s
                \(Self.run1)  net-1       workflow  finished  cnn-sweep   2024-05-01 12:00:01Z  29m59s
                2 runs

                """)
        #expect(try runIDs(fixture, []) == [Self.run2, Self.run1])
    }

    @Test(
        "runs filters by parameter, metric, tag, term, status, kind, parent and experiment",
        arguments: [
            (["--param", "learning_rate>0.05"], [run1]),
            (["--param", "learning_rate<=0.05"], [run2]),
            (["--param", "learning_rate=0.1146"], [run1]),
            (["--param", "optimizer=Adam"], [run2]),
            (["--param", "optimizer!=Adam"], []),
            (["--metric", "val_acc>=0.5"], [run2]),  // latest value (step 3) is 0.5, not the 0.9 of step 1
            (["--metric", "val_acc>0.6"], []),
            (["--tag", "team=vision"], [run1]),
            (["--term", "model.hyperparameter.learning_rate"], [run2, run1]),
            (["--status", "failed"], [run2]),
            (["--kind", "workflow"], [run1]),
            (["--parent", run1], [run2]),
            (["--experiment", "cnn-sweep", "--limit", "1"], [run2]),
            (["--experiment", "0190a3f2c4d07000800000000000e001"], [run2, run1]),
            (["--param", "learning_rate>0.001", "--status", "finished"], [run1]),
        ])
    func filters(_ arguments: [String], _ expected: [String]) throws {
        let fixture = try Self.exampleFixture()
        defer { fixture.directory.remove() }
        #expect(try runIDs(fixture, arguments) == expected)
    }

    @Test(
        "runs refuses malformed filters with a message that says what to fix",
        arguments: [
            (["--param", "learning_rate"], "is not KEY<op>VALUE"),
            (["--metric", "val_acc>high"], "needs a number"),
            (["--param", "lr>abc"], "needs a number"),
            (["--experiment", "nope"], "no experiment named 'nope'"),
            (["--status", "sleeping"], "sleeping"),
            (["--limit=-1"], "--limit must be 0 or more"),
        ])
    func badFilters(_ arguments: [String], _ message: String) throws {
        let fixture = try Self.exampleFixture()
        defer { fixture.directory.remove() }
        let result = try fixture.run(["runs"] + arguments)
        #expect(result.status != 0)
        #expect(result.standardError.contains(message), "\(result)")
    }

    @Test("show finds a run by id, prefix or name and prints every section")
    func show() throws {
        let fixture = try Self.exampleFixture()
        defer { fixture.directory.remove() }
        let byID = try fixture.succeed(["show", Self.run1]).standardOutput
        #expect(try fixture.succeed(["show", String(Self.run1.prefix(29))]).standardOutput == byID)
        #expect(try fixture.succeed(["show", "net-1"]).standardOutput == byID)
        for expected in [
            "Run \(Self.run1)  net-1", "  status      finished",
            "  experiment  cnn-sweep [0190a3f2c4d07000800000000000e001]",
            "Parameters (2)", "learning_rate  0.1146", "model.hyperparameter.learning_rate", "Metrics (2)", "val_loss",
            "NaN", "Tags (1)", "team", "Relations (", "run used", "entity/dataset", "CIFAR100", "wasGeneratedBy run",
            "net-1.onnx", "Architecture (4)", "conv2d", "filters=64 kernel=3 padding=1 stride=1", "Child runs (1)",
            "net-1-eval", "Telemetry samples: 1",
        ] {
            #expect(byID.contains(expected), "missing '\(expected)' in:\n\(byID)")
        }
        let json = try #require(try fixture.json(["show", Self.run1]) as? [String: Any])
        let metrics = try #require(json["metrics"] as? [[String: Any]])
        #expect(metrics.first { $0["key"] as? String == "val_loss" }?["last"] as? String == "NaN")
        #expect((json["children"] as? [[String: Any]])?.count == 1)
    }

    @Test("show explains what is wrong with a reference that is not one run")
    func showErrors() throws {
        let fixture = try Self.exampleFixture()
        defer { fixture.directory.remove() }
        let missing = try fixture.run(["show", "no-such-run"])
        #expect(missing.status == 1)
        #expect(missing.standardError.contains("nothing matches 'no-such-run'"))
        let ambiguous = try fixture.run(["show", "0190a3f2c4d0"])
        #expect(ambiguous.status == 1)
        #expect(ambiguous.standardError.contains("matches"))
        let agent = try fixture.run(["show", "ada"])
        #expect(agent.status == 1)
        #expect(agent.standardError.contains("not a run"))
    }

    @Test("show ENTITY prints the entity and its attributes")
    func showEntity() throws {
        let fixture = try Self.exampleFixture()
        defer { fixture.directory.remove() }
        let text = try fixture.succeed(["show", "CIFAR100"]).standardOutput
        #expect(text.contains("kind        dataset"))
        #expect(text.contains("classes = 100"))
        let json = try fixture.succeed(["show", "CIFAR100", "--json"]).standardOutput
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        #expect(object["kind"] as? String == "dataset")
        #expect((object["attributes"] as? [String: Any])?["classes"] as? Int == 100)
    }

    @Test("lineage walks up and down, as text, JSON and DOT")
    func lineage() throws {
        let fixture = try Self.exampleFixture()
        defer { fixture.directory.remove() }
        let up = try fixture.succeed(["lineage", "/data/models/net-1.onnx", "--direction", "up"]).standardOutput
        #expect(
            up == """
                entity/model net-1.onnx [0190a3f2c4d07000800000000000d002] at /data/models/net-1.onnx
                  wasGeneratedBy run/workflow net-1 [0190a3f2c4d07000800000000000f001]
                    wasAssociatedWith agent/software train.py [0190a3f2c4d07000800000000000a002]
                      actedOnBehalfOf agent/person ada [0190a3f2c4d07000800000000000a001]
                    used entity/dataset CIFAR100 [0190a3f2c4d07000800000000000d001]
                5 nodes, 4 relations (direction up, depth 10)

                """)
        let down = try #require(try fixture.json(["lineage", "CIFAR100", "--direction", "down"]) as? [String: Any])
        let nodes = try #require(down["nodes"] as? [[String: Any]])
        let reached = Set(nodes.compactMap { ($0["node"] as? [String: Any])?["id"] as? String })
        #expect(
            reached == [
                "0190a3f2c4d07000800000000000d001", Self.run1, "0190a3f2c4d07000800000000000d002", Self.run2,
            ])
        let depthOne = try #require(
            try fixture.json(["lineage", "CIFAR100", "--direction", "down", "--depth", "1"]) as? [String: Any])
        #expect((depthOne["nodes"] as? [Any])?.count == 2)
        let dot = try fixture.succeed(["lineage", Self.run1, "--direction", "both", "--dot"]).standardOutput
        #expect(dot.hasPrefix("digraph lineage {"))
        #expect(dot.contains("\"\(Self.run1)\" -> \"0190a3f2c4d07000800000000000d001\" [label=\"used\"];"))
        #expect(dot.contains("\"0190a3f2c4d07000800000000000d002\" -> \"\(Self.run1)\" [label=\"wasGeneratedBy\"];"))
        let conflicting = try fixture.run(["lineage", Self.run1, "--json", "--dot"])
        #expect(conflicting.status != 0)
        let badDepth = try fixture.run(["lineage", Self.run1, "--depth=-2"])
        #expect(badDepth.standardError.contains("--depth must be between 0 and"))
    }

    @Test("the store is ./.provkit by default, PROVKIT_STORE or --store otherwise, in any of its forms")
    func storeLocations() throws {
        let fixture = try CLIFixture()
        defer { fixture.directory.remove() }
        let example = try fixture.write("example.jsonl", try ExampleEvents.lines.joined(separator: "\n"))
        try fixture.succeed(["ingest", example], store: false)
        #expect(FileManager.default.fileExists(atPath: fixture.directory.path(".provkit/provkit.sqlite")))
        for location in [
            "sqlite:\(fixture.directory.path("a.sqlite"))", fixture.directory.path("b.db"),
            fixture.directory.path("folder"),
        ] {
            try fixture.succeed(["ingest", example, "--store", location], store: false)
            let stats = try fixture.succeed(["stats", "--json", "--store", location], store: false)
            #expect(stats.standardOutput.contains("\"runs\" : 1"))
        }
        let viaEnvironment = try CommandRunner(
            workingDirectory: fixture.directory.url, environment: ["PROVKIT_STORE": fixture.directory.path("env-store")]
        )
        #expect(try viaEnvironment.run(["ingest", example]).status == 0)
        #expect(FileManager.default.fileExists(atPath: fixture.directory.path("env-store/provkit.sqlite")))
        // Nothing listens on port 1: a clear error at once, not a wait for the pool to give up.
        let postgres = try fixture.run(
            ["stats", "--store", "postgres://ada@127.0.0.1:1/provkit?sslmode=disable"], store: false)
        #expect(postgres.status == 1)
        #expect(postgres.standardError.contains("cannot open the store at postgres://ada@127.0.0.1:1/provkit"))
        #expect(postgres.standardError.contains("cannot connect to the PostgreSQL server"))
        let file = try fixture.write("plain.txt", "hello")
        let notAFolder = try fixture.run(["stats", "--store", file], store: false)
        #expect(notAFolder.standardError.contains("is a file, not a folder"))
    }

    @Test("--help teaches: every command is listed and explained")
    func help() throws {
        let fixture = try CLIFixture()
        defer { fixture.directory.remove() }
        let help = try fixture.succeed(["--help"], store: false).standardOutput
        for command in ["demo", "ingest", "import", "experiments", "runs", "show", "lineage", "taxonomy", "stats"] {
            #expect(help.contains("  \(command)"), "missing \(command) in help:\n\(help)")
        }
        let runsHelp = try fixture.succeed(["runs", "--help"], store: false).standardOutput
        #expect(runsHelp.contains("Examples:"))
        #expect(runsHelp.contains("--param"))
        #expect(try fixture.succeed(["--version"], store: false).standardOutput == "0.1.0\n")
    }
}
