import Foundation
import ProvTesting
import Testing

/// A temporary working folder with a store in it, and a runner for the built `provkit` binary.
struct CLIFixture {
    let directory: TemporaryDirectory
    let runner: CommandRunner

    init(environment: [String: String] = [:]) throws {
        directory = try TemporaryDirectory(prefix: "provkit-cli")
        runner = try CommandRunner(workingDirectory: directory.url, environment: environment)
    }

    /// Runs provkit with `--store` pointing at this fixture's store (unless `store` is false).
    @discardableResult
    func run(_ arguments: [String], input: String? = nil, store: Bool = true) throws -> CommandRunner.Result {
        guard store else { return try runner.run(arguments, input: input) }
        // Options go before a `--` that starts a command to run.
        var withStore = arguments
        withStore.insert(
            contentsOf: ["--store", directory.path("store")], at: arguments.firstIndex(of: "--") ?? arguments.count)
        return try runner.run(withStore, input: input)
    }

    /// Runs provkit and requires exit status 0.
    @discardableResult
    func succeed(_ arguments: [String], input: String? = nil, store: Bool = true) throws -> CommandRunner.Result {
        let result = try run(arguments, input: input, store: store)
        #expect(result.status == 0, "provkit \(arguments.joined(separator: " ")) failed: \(result)")
        return result
    }

    /// Writes a file into the working folder and returns its path.
    func write(_ name: String, _ contents: String) throws -> String {
        let path = directory.path(name)
        try contents.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// Parses a command's standard output as JSON.
    func json(_ arguments: [String]) throws -> Any {
        let result = try succeed(arguments + ["--json"])
        return try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8))
    }
}

/// The example event file of docs/event-format.md, which the docs promise is valid.
enum ExampleEvents {
    static var lines: [String] {
        get throws {
            let url = SharedData.packageRoot.appendingPathComponent("docs/event-format.md")
            let text = try String(contentsOf: url, encoding: .utf8)
            var inside = false
            var lines: [String] = []
            for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
                if line.hasPrefix("```jsonl") {
                    inside = true
                } else if line.hasPrefix("```") {
                    inside = false
                } else if inside {
                    lines.append(String(line))
                }
            }
            return lines
        }
    }

    static let experimentID = "0190a3f2c4d07000800000000000e001"
    static let runID = "0190a3f2c4d07000800000000000f001"
    static let modelID = "0190a3f2c4d07000800000000000d002"
}
