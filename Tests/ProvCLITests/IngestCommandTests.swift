import Foundation
import ProvTesting
import Testing

@Suite("provkit ingest")
struct IngestCommandTests {
    @Test("the documented example file ingests, and ingesting it again adds nothing")
    func ingestExample() throws {
        let fixture = try CLIFixture()
        defer { fixture.directory.remove() }
        let file = try fixture.write("example.jsonl", try ExampleEvents.lines.joined(separator: "\n") + "\n")
        let first = try fixture.succeed(["ingest", file])
        #expect(
            first.standardOutput
                == "Stored 18 events from \(file): 1 experiments, 1 runs, 2 entities, 2 agents, 4 relations, "
                + "2 parameters, 1 tags, 2 metric points, 1 telemetry samples, 1 architectures.\n")
        let counts = try fixture.json(["stats"]) as? [String: Int]
        try fixture.succeed(["ingest", file])
        #expect(try fixture.json(["stats"]) as? [String: Int] == counts)
        #expect(counts?["metricPoints"] == 2)
        #expect(counts?["relations"] == 4)
    }

    @Test("events can come from standard input")
    func ingestStandardInput() throws {
        let fixture = try CLIFixture()
        defer { fixture.directory.remove() }
        let result = try fixture.succeed(["ingest", "-"], input: try ExampleEvents.lines.joined(separator: "\n"))
        #expect(result.standardOutput.hasPrefix("Stored 18 events from -:"))
    }

    /// One malformed-ingest case: the lines to add after the valid example, and what the error must name.
    struct MalformedCase: Sendable, CustomTestStringConvertible {
        var name: String
        var badLines: [String]
        /// The line number (1-based, in the whole file) the error must name.
        var line: Int
        var field: String?
        var message: String

        var testDescription: String { name }
    }

    static let run = ExampleEvents.runID
    static let exampleLineCount = 18

    static let malformedCases: [MalformedCase] = [
        MalformedCase(
            name: "invalid JSON", badLines: [#"{"type":"tag","run":"\#(run)","key":"a","value":"b""#],
            line: exampleLineCount + 1, field: nil, message: "not valid JSON"),
        MalformedCase(
            name: "not an object", badLines: ["[1, 2, 3]"], line: exampleLineCount + 1, field: nil,
            message: "expected a JSON object, found array"),
        MalformedCase(
            name: "unknown event type", badLines: [#"{"type":"metrics","run":"\#(run)"}"#],
            line: exampleLineCount + 1, field: "type", message: "unknown event type 'metrics'"),
        MalformedCase(
            name: "missing field",
            badLines: [
                #"{"type":"tag","run":"\#(run)","key":"ok","value":"1"}"#,
                #"{"type":"parameter","run":"\#(run)","value":"0.1"}"#,
            ],
            line: exampleLineCount + 2, field: "key", message: "is required"),
        MalformedCase(
            name: "mistyped field", badLines: [#"{"type":"metric","run":"\#(run)","key":"loss","value":"high"}"#],
            line: exampleLineCount + 1, field: "value", message: "expected a number"),
        MalformedCase(
            name: "mistyped step", badLines: [#"{"type":"metric","run":"\#(run)","key":"loss","value":1,"step":1.5}"#],
            line: exampleLineCount + 1, field: "step", message: "expected a whole number"),
        MalformedCase(
            name: "unknown field",
            badLines: [#"{"type":"parameter","run":"\#(run)","key":"a","value":"b","colour":"red"}"#],
            line: exampleLineCount + 1, field: "colour", message: "is not a field of this event"),
        MalformedCase(
            name: "malformed id", badLines: [#"{"type":"parameter","run":"xyz","key":"a","value":"b"}"#],
            line: exampleLineCount + 1, field: "run", message: "is not a 32-character hexadecimal id"),
        MalformedCase(
            name: "malformed time",
            badLines: [#"{"type":"run_end","id":"\#(run)","status":"finished","time":"2024-13-01T00:00:00Z"}"#],
            line: exampleLineCount + 1, field: "time", message: "is not an ISO 8601 date-time"),
        MalformedCase(
            name: "unknown enum value",
            badLines: [#"{"type":"entity","id":"0190a3f2c4d07000800000000000d009","kind":"blob"}"#],
            line: exampleLineCount + 1, field: "kind", message: "unknown value 'blob'"),
        MalformedCase(
            name: "reference to an unknown run",
            badLines: [#"{"type":"parameter","run":"0190a3f2c4d07000800000000000f099","key":"a","value":"b"}"#],
            line: exampleLineCount + 1, field: "run", message: "refers to unknown run 0190a3f2c4d07000800000000000f099"),
        MalformedCase(
            name: "reference to an unknown experiment",
            badLines: [
                #"{"type":"run_start","id":"0190a3f2c4d07000800000000000f002","experiment":"0190a3f2c4d07000800000000000e099","time":"2024-05-01T12:00:00Z"}"#
            ],
            line: exampleLineCount + 1, field: "experiment", message: "refers to unknown experiment"),
        MalformedCase(
            name: "relation to the wrong kind of node",
            badLines: [
                #"{"type":"relation","relation":"used","subject":"\#(run)","object":"0190a3f2c4d07000800000000000a001"}"#
            ],
            line: exampleLineCount + 1, field: "object", message: "is a agent, but a entity is required"),
        MalformedCase(
            name: "parameter changes value",
            badLines: [#"{"type":"parameter","run":"\#(run)","key":"learning_rate","value":"0.5"}"#],
            line: exampleLineCount + 1, field: "value", message: "already set to a different value"),
        MalformedCase(
            name: "run ends before it starts",
            badLines: [#"{"type":"run_end","id":"\#(run)","status":"failed","time":"2020-01-01T00:00:00Z"}"#],
            line: exampleLineCount + 1, field: "time", message: "ends before it started"),
        MalformedCase(
            name: "experiment name taken",
            badLines: [#"{"type":"experiment","id":"0190a3f2c4d07000800000000000e002","name":"cnn-sweep"}"#],
            line: exampleLineCount + 1, field: "name", message: "already exists"),
    ]

    @Test(
        "a malformed file is refused whole, naming the line and field, and the store is unchanged",
        arguments: malformedCases)
    func malformed(_ testCase: MalformedCase) throws {
        let fixture = try CLIFixture()
        defer { fixture.directory.remove() }
        // The store already holds something, which must survive untouched.
        let baseline = try fixture.write(
            "baseline.jsonl",
            #"{"type":"experiment","id":"0190a3f2c4d07000800000000000e0ff","name":"baseline"}"# + "\n")
        try fixture.succeed(["ingest", baseline])
        // The bad file starts with the whole valid example, so that a partial ingest would show.
        var lines = try ExampleEvents.lines
        if testCase.name == "experiment name taken" || testCase.name == "parameter changes value"
            || testCase.name == "run ends before it starts"
        {
            // These need the example in the store already; the baseline then includes it.
            let example = try fixture.write("example.jsonl", lines.joined(separator: "\n"))
            try fixture.succeed(["ingest", example])
        }
        let statsBefore = try fixture.json(["stats"]) as? [String: Int]
        let runsBefore = try fixture.succeed(["runs", "--json"]).standardOutput
        lines += testCase.badLines
        let file = try fixture.write("bad.jsonl", lines.joined(separator: "\n") + "\n")

        let result = try fixture.run(["ingest", file])

        #expect(result.status == 1, "\(result)")
        #expect(result.standardOutput.isEmpty)
        let location = "\(file):\(testCase.line)"
        #expect(result.standardError.contains(location), "expected \(location) in: \(result.standardError)")
        if let field = testCase.field {
            #expect(result.standardError.contains("field '\(field)'"), "\(result.standardError)")
        }
        #expect(result.standardError.contains(testCase.message), "\(result.standardError)")
        #expect(result.standardError.contains("Nothing from the file was stored."))
        #expect(try fixture.json(["stats"]) as? [String: Int] == statsBefore)
        #expect(try fixture.succeed(["runs", "--json"]).standardOutput == runsBefore)
    }

    @Test("an empty file, a missing file and a non-UTF-8 file get clear errors")
    func unreadableInput() throws {
        let fixture = try CLIFixture()
        defer { fixture.directory.remove() }
        let empty = try fixture.write("empty.jsonl", "\n  \n")
        let emptyResult = try fixture.run(["ingest", empty])
        #expect(emptyResult.status == 1)
        #expect(emptyResult.standardError.contains("holds no events"))
        let missing = try fixture.run(["ingest", fixture.directory.path("nope.jsonl")])
        #expect(missing.status == 1)
        #expect(missing.standardError.contains("no such file"))
        let binary = fixture.directory.path("binary.jsonl")
        try Data([0xFF, 0xFE, 0x00, 0x81]).write(to: URL(fileURLWithPath: binary))
        let binaryResult = try fixture.run(["ingest", binary])
        #expect(binaryResult.status == 1)
        #expect(binaryResult.standardError.contains("is not UTF-8 text"))
    }
}
