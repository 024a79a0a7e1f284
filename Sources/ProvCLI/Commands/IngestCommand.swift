import ArgumentParser
import Foundation
import ProvModel
import ProvStore

/// `provkit ingest FILE`: load a JSON Lines file of native events, all or nothing.
struct IngestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingest",
        abstract: "Load a JSON Lines file of provenance events into the store, all or nothing.",
        discussion: """
            Each non-blank line is one event (see docs/event-format.md and docs/event.schema.json). If any line \
            is invalid JSON, has an unknown type, a missing or mistyped field, or refers to an id that is neither \
            earlier in the file nor in the store, nothing from the file is stored and the error names the line \
            and the field. Use - to read standard input.
            """)

    @OptionGroup var storeOptions: StoreOptions

    @Argument(help: "The .jsonl file to load, or - for standard input.")
    var file: String

    @Flag(help: "Print the summary as JSON.")
    var json = false

    func run() async throws {
        let text = try Self.readText(file)
        let (events, lines) = try Self.decode(text, source: file)
        try await storeOptions.withStore { store in
            let summary: IngestSummary
            do {
                summary = try await store.ingestCounting(events)
            } catch let error as IngestError {
                let line = error.eventIndex < lines.count ? lines[error.eventIndex] : 0
                let field = error.field.map { ", field '\($0)'" } ?? ""
                throw CLIError("\(file):\(line)\(field): \(error.message). Nothing from the file was stored.")
            }
            if json {
                try Output.printJSON(summary)
            } else {
                print(
                    "Stored \(summary.events) events from \(file): \(summary.experiments) experiments, \(summary.runs) runs, "
                        + "\(summary.entities) entities, \(summary.agents) agents, \(summary.relations) relations, "
                        + "\(summary.parameters) parameters, \(summary.tags) tags, \(summary.metricPoints) metric points, "
                        + "\(summary.telemetrySamples) telemetry samples, \(summary.architectures) architectures.")
            }
        }
    }

    static func readText(_ file: String) throws -> String {
        if file == "-" {
            return String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
        }
        guard FileManager.default.fileExists(atPath: file) else {
            throw CLIError("no such file: \(file)")
        }
        guard let data = FileManager.default.contents(atPath: file) else {
            throw CLIError("cannot read \(file): is it a readable file?")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw CLIError("\(file) is not UTF-8 text")
        }
        return text
    }

    /// Decodes every non-blank line; returns the events and, for each, its 1-based line number.
    static func decode(_ text: String, source: String) throws -> ([ProvEvent], [Int]) {
        let events: [ProvEvent]
        let lineNumbers: [Int]
        do {
            (events, lineNumbers) = try EventCodec.decode(lines: text)
        } catch {
            let field = error.error.field.map { ", field '\($0)'" } ?? ""
            throw CLIError("\(source):\(error.line)\(field): \(error.error.message). Nothing from the file was stored.")
        }
        guard !events.isEmpty else { throw CLIError("\(source) holds no events (every line is blank)") }
        return (events, lineNumbers)
    }
}
