import Foundation
import ProvModel

/// A failure the user can act on; the message says what to fix. Printed as `Error: message`, exit status 1.
struct CLIError: Error, CustomStringConvertible {
    var description: String

    init(_ description: String) {
        self.description = description
    }
}

/// Writing results for people (aligned tables) and for programs (JSON).
enum Output {
    /// Writes `note: message` to standard error (advice that is not the command's result).
    static func note(_ message: String) {
        FileHandle.standardError.write(Data("note: \(message)\n".utf8))
    }

    /// Prints a value as pretty, key-sorted JSON, with NaN and infinities as MLflow's strings.
    static func printJSON(_ value: some Encodable) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(
            positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        let data = try encoder.encode(value)
        print(String(decoding: data, as: UTF8.self))
    }

    /// Formats rows as a left-aligned table with a header row and two spaces between columns.
    static func table(header: [String], rows: [[String]]) -> String {
        var widths = header.map(\.count)
        for row in rows {
            for (index, cell) in row.enumerated() where index < widths.count {
                widths[index] = max(widths[index], cell.count)
            }
        }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { index, cell in
                index == cells.count - 1 ? cell : cell.padding(toLength: widths[index], withPad: " ", startingAt: 0)
            }.joined(separator: "  ")
        }
        return ([line(header)] + rows.map(line)).joined(separator: "\n")
    }

    /// A number as a person reads it: up to 6 significant digits, NaN and infinities spelled out.
    static func number(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value > 0 ? "Infinity" : "-Infinity" }
        if value == value.rounded(), abs(value) < 1e12, let whole = Int64(exactly: value) { return String(whole) }
        return String(format: "%.6g", value)
    }

    /// A time as `2024-05-01 12:00:00Z` (seconds precision, UTC).
    static func time(_ time: ProvTime?) -> String {
        guard let time else { return "-" }
        let text = time.iso8601
        return String(text.prefix(19)).replacingOccurrences(of: "T", with: " ") + "Z"
    }

    /// A duration in seconds as `1h02m03s`, `2m05s` or `4.2s`.
    static func duration(from start: ProvTime, to end: ProvTime?) -> String {
        guard let end else { return "-" }
        let seconds = end.seconds(since: start)  // any held times, without overflow
        if seconds < 60 { return String(format: "%.1fs", seconds) }
        let whole = Int(saturating: seconds.rounded())
        if whole < 3600 { return String(format: "%dm%02ds", whole / 60, whole % 60) }
        return String(format: "%dh%02dm%02ds", whole / 3600, whole / 60 % 60, whole % 60)
    }
}
