import Foundation
import ProvTesting
import Testing

@Suite("provkit export, import prov-json and taxonomy --format turtle")
struct ExportCommandTests {
    /// A fixture whose store holds the documented example events.
    static func fixtureWithExample() throws -> CLIFixture {
        let fixture = try CLIFixture()
        let file = try fixture.write("example.jsonl", try ExampleEvents.lines.joined(separator: "\n") + "\n")
        try fixture.succeed(["ingest", file])
        return fixture
    }

    @Test("a run exports as PROV-JSON by default, and to a file in every text format")
    func formats() throws {
        let fixture = try Self.fixtureWithExample()
        defer { fixture.directory.remove() }
        let json = try fixture.succeed(["export", "net-1"])
        let document = try #require(
            try JSONSerialization.jsonObject(with: Data(json.standardOutput.utf8)) as? [String: Any])
        let activities = try #require(document["activity"] as? [String: Any])
        #expect(activities.keys.contains("pkid:" + ExampleEvents.runID))
        for (format, start) in [
            ("prov-n", "document"), ("turtle", "@prefix pk:"), ("jsonld", "{"), ("dot", "digraph provenance"),
        ] {
            let path = fixture.directory.path("net-1.\(format)")
            let result = try fixture.succeed(["export", "net-1", "--format", format, "--output", path])
            #expect(result.standardOutput.isEmpty)
            #expect(result.standardError.contains("Wrote \(format) to \(path)"))
            #expect(try String(contentsOfFile: path, encoding: .utf8).hasPrefix(start))
        }
    }

    @Test("export, import into another store, export again gives the same document")
    func roundTrip() throws {
        let fixture = try Self.fixtureWithExample()
        defer { fixture.directory.remove() }
        let first = try fixture.succeed(["export", "cnn-sweep"]).standardOutput
        let file = try fixture.write("sweep.provjson", first)
        let other = fixture.directory.path("other")
        let imported = try fixture.runner.run(["import", "prov-json", file, "--store", other])
        #expect(imported.status == 0, "\(imported)")
        #expect(imported.standardOutput.contains("1 runs, 2 entities, 2 agents"))
        let second = try fixture.runner.run(["export", "cnn-sweep", "--store", other])
        #expect(second.standardOutput == first)
    }

    @Test("an RO-Crate folder holds the metadata, the workflow description and the provenance")
    func crate() throws {
        let fixture = try Self.fixtureWithExample()
        defer { fixture.directory.remove() }
        let folder = fixture.directory.path("crate")
        try fixture.succeed(["export", "net-1", "--format", "rocrate", "--output", folder])
        for name in ["ro-crate-metadata.json", "provkit-workflow.json", "provenance/prov.json", "provenance/prov.ttl"] {
            #expect(FileManager.default.fileExists(atPath: folder + "/" + name), "\(name)")
        }
        let zip = fixture.directory.path("crate.zip")
        try fixture.succeed(["export", "net-1", "--format", "rocrate", "--output", zip, "--license", "CC0-1.0"])
        #expect(FileManager.default.fileExists(atPath: zip))
        let again = try fixture.run(["export", "net-1", "--format", "rocrate", "--output", zip])
        #expect(again.status == 1)
        #expect(again.standardError.contains("already exists"))
    }

    @Test("bad requests get errors that say what to do")
    func errors() throws {
        let fixture = try Self.fixtureWithExample()
        defer { fixture.directory.remove() }
        let cases: [([String], String)] = [
            (["export", "nothing-here"], "nothing matches 'nothing-here'"),
            (["export", "CIFAR100", "--scope", "run"], "not a run; use --scope lineage"),
            (["export", "net-1", "--depth", "3"], "--direction and --depth apply to --scope lineage only"),
            (["export", "net-1", "--format", "rocrate"], "--format rocrate needs --output"),
            (["export", "CIFAR100", "--format", "rocrate", "--output", "c"], "holds no run"),
        ]
        for (arguments, message) in cases {
            let result = try fixture.run(arguments)
            #expect(result.status != 0, "\(arguments)")
            #expect(result.standardError.contains(message), "\(arguments): \(result.standardError)")
        }
    }

    @Test("a malformed PROV-JSON file is refused and nothing is stored")
    func malformedImport() throws {
        let fixture = try Self.fixtureWithExample()
        defer { fixture.directory.remove() }
        let before = try fixture.json(["stats"]) as? [String: Int]
        let file = try fixture.write(
            "bad.provjson",
            #"{"prefix": {"ex": "https://e/"}, "activity": {"ex:a": {}}, "used": {"_:u": {"prov:activity": "ex:a", "#
                + #""prov:entity": "ex:missing"}}}"#)
        let result = try fixture.run(["import", "prov-json", file])
        #expect(result.status == 1)
        #expect(result.standardError.contains("prov:entity 'ex:missing' is not declared in the document"))
        #expect(result.standardError.contains("Nothing was imported."))
        #expect(try fixture.json(["stats"]) as? [String: Int] == before)
    }

    @Test("the taxonomy prints as an OWL/SKOS ontology")
    func taxonomyTurtle() throws {
        let fixture = try CLIFixture()
        defer { fixture.directory.remove() }
        let result = try fixture.succeed(["taxonomy", "--format", "turtle"], store: false)
        #expect(result.standardOutput.contains("a owl:Ontology"))
        #expect(result.standardOutput.contains("pk:model.hyperparameter.learning_rate\n    a skos:Concept"))
        let json = try fixture.succeed(["taxonomy", "--format", "json"], store: false)
        #expect(json.standardOutput.contains("https://w3id.org/provkit/ns#"))
    }
}
