import Foundation
import ProvModel

/// Profiles CSV, TSV and JSON Lines in one streaming pass: rows, columns with inferred types and missing values,
/// and the classes of a label column. Memory grows with the number of columns and distinct labels, not the file.
struct TableProfiler {
    /// The most distinct labels counted; a column with more is no class label.
    static let maximumClasses = 100_000
    /// The most columns a table may have.
    static let maximumColumns = 100_000

    /// The markers pandas' `read_csv` reads as missing by default (`na_values`), besides the empty field.
    static let missingMarkers: Set<String> = [
        "#N/A", "#N/A N/A", "#NA", "-1.#IND", "-1.#QNAN", "-NaN", "-nan", "1.#IND", "1.#QNAN", "<NA>", "N/A", "NA",
        "NULL", "NaN", "None", "n/a", "nan", "null",
    ]

    enum Kind: Int, Comparable {
        case empty, boolean, integer, number, string, array, object
        static func < (a: Kind, b: Kind) -> Bool { a.rawValue < b.rawValue }
        var name: String {
            switch self {
            case .empty: "empty"
            case .boolean: "boolean"
            case .integer: "integer"
            case .number: "number"
            case .string: "string"
            case .array: "array"
            case .object: "object"
            }
        }
        /// The type that holds values of both kinds.
        func merged(_ other: Kind) -> Kind {
            if self == .empty { return other }
            if other == .empty || other == self { return self }
            if Set([self, other]) == [.integer, .number] { return .number }
            return max(max(self, other), .string)
        }
    }

    struct ColumnState {
        var name: String
        var kind = Kind.empty
        var missing = 0
    }

    let path: String
    let format: String
    let labelColumn: String?
    /// When no label column is named: pick a column called `label`, `labels`, `target`, `class` or `y`.
    let detectLabel: Bool

    private(set) var columns: [ColumnState] = []
    private var index: [String: Int] = [:]
    private(set) var rows = 0
    private var labelIndex: Int?
    private var classCounts: [String: Int] = [:]
    private var labelOverflow = false

    init(path: String, format: String, labelColumn: String?, detectLabel: Bool) {
        self.path = path
        self.format = format
        self.labelColumn = labelColumn
        self.detectLabel = detectLabel
    }

    /// Profiles the file at `path`.
    static func profile(
        path: String, format: String, labelColumn: String?, detectLabel: Bool
    ) throws
        -> DatasetInspection.Table
    {
        var profiler = TableProfiler(path: path, format: format, labelColumn: labelColumn, detectLabel: detectLabel)
        if format == "jsonl" {
            try profiler.readJSONLines()
        } else {
            try profiler.readDelimited(delimiter: format == "tsv" ? UInt8(ascii: "\t") : UInt8(ascii: ","))
        }
        return try profiler.result()
    }

    // MARK: Reading

    private mutating func readDelimited(delimiter: UInt8) throws {
        var parser = DelimitedTextParser(delimiter: delimiter)
        var failure: (any Error)? = nil
        do {
            _ = try ContentDigest.readChunks(of: path) { chunk in
                guard failure == nil else { return }
                do {
                    try parser.consume(chunk) { try self.take($0) }
                } catch {
                    failure = error
                }
            }
            if let failure { throw failure }
            try parser.finish { try self.take($0) }
        } catch let error as DelimitedTextParser.SyntaxError {
            throw InspectError("\(path) is not valid \(format.uppercased()): \(error)")
        }
        if columns.isEmpty {
            throw InspectError("\(path) is empty: a \(format.uppercased()) file needs a header line")
        }
    }

    /// The first record is the header; the others are rows.
    private mutating func take(_ record: DelimitedTextParser.Record) throws {
        if columns.isEmpty && index.isEmpty {
            try setHeader(record.fields)
        } else {
            try addDelimited(record)
        }
    }

    private mutating func setHeader(_ fields: [String]) throws {
        guard fields.count <= Self.maximumColumns else {
            throw InspectError("\(path) has \(fields.count) columns, more than the \(Self.maximumColumns) supported")
        }
        for (position, name) in fields.enumerated() {
            var unique = name.isEmpty ? "column_\(position + 1)" : name
            var suffix = 1
            while index[unique] != nil {
                unique = "\(name).\(suffix)"  // pandas' rule for duplicate names
                suffix += 1
            }
            index[unique] = position
            columns.append(ColumnState(name: unique))
        }
        try findLabel()
    }

    private mutating func addDelimited(_ record: DelimitedTextParser.Record) throws {
        guard record.fields.count <= columns.count else {
            throw InspectError(
                "\(path) is not valid \(format.uppercased()): line \(record.line) has \(record.fields.count) fields "
                    + "but the header has \(columns.count) columns")
        }
        rows += 1
        for position in columns.indices {
            let text = position < record.fields.count ? record.fields[position] : ""
            if text.isEmpty || Self.missingMarkers.contains(text) {
                columns[position].missing += 1
                continue
            }
            columns[position].kind = columns[position].kind.merged(Self.kind(of: text))
            if position == labelIndex { countLabel(text) }
        }
    }

    private mutating func readJSONLines() throws {
        var pending: [UInt8] = []
        var line = 0
        var failure: (any Error)? = nil
        _ = try ContentDigest.readChunks(of: path) { chunk in
            guard failure == nil else { return }
            var start = chunk.startIndex
            for position in chunk.indices where chunk[position] == UInt8(ascii: "\n") {
                pending.append(contentsOf: chunk[start..<position])
                line += 1
                do { try self.addJSONLine(pending, line: line) } catch {
                    failure = error
                    return
                }
                pending.removeAll(keepingCapacity: true)
                start = position + 1
            }
            pending.append(contentsOf: chunk[start..<chunk.endIndex])
        }
        if let failure { throw failure }
        if !pending.isEmpty {
            try addJSONLine(pending, line: line + 1)
        }
        if columns.isEmpty && labelColumn != nil { try findLabel() }
    }

    private mutating func addJSONLine(_ bytes: [UInt8], line: Int) throws {
        let trimmed = bytes.drop { $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }
        if trimmed.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { return }  // blank lines are skipped
        let value: JSONValue
        do {
            value = try JSONDecoder().decode(JSONValue.self, from: Data(trimmed))
        } catch {
            throw InspectError("\(path) is not valid JSON Lines: line \(line) is not valid JSON")
        }
        guard case .object(let object) = value else {
            throw InspectError(
                "\(path) is not valid JSON Lines: line \(line) is a JSON \(value.typeName), not an object")
        }
        let isFirst = rows == 0
        let ordered = Self.topLevelKeys(Array(trimmed), count: object.count)
        for key in (ordered.isEmpty ? object.keys.sorted() : ordered) where index[key] == nil {
            guard columns.count < Self.maximumColumns else {
                throw InspectError("\(path) has more than \(Self.maximumColumns) distinct keys")
            }
            index[key] = columns.count
            var column = ColumnState(name: key)
            column.missing = rows  // absent in every earlier row
            columns.append(column)
        }
        if isFirst || labelIndex == nil { try findLabel(required: false) }
        rows += 1
        for position in columns.indices {
            guard let item = object[columns[position].name], item != .null else {
                columns[position].missing += 1
                continue
            }
            columns[position].kind = columns[position].kind.merged(Self.kind(of: item))
            if position == labelIndex { countLabel(item.displayText) }
        }
    }

    /// The keys of a JSON object's text in the order they are written (a decoded dictionary loses it). `count` is
    /// the number of keys the decoder found; if the scan disagrees, the keys come sorted instead.
    static func topLevelKeys(_ bytes: [UInt8], count: Int) -> [String] {
        var keys: [String] = []
        var depth = 0
        var index = 0
        var expectKey = false
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                depth += 1
                expectKey = depth == 1 && byte == UInt8(ascii: "{")
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                depth -= 1
            case UInt8(ascii: ","):
                expectKey = depth == 1
            case UInt8(ascii: "\""):
                let start = index + 1
                index += 1
                while index < bytes.count, bytes[index] != UInt8(ascii: "\"") {
                    if bytes[index] == UInt8(ascii: "\\") { index += 1 }
                    index += 1
                }
                if expectKey {
                    let raw = Array(bytes[start..<min(index, bytes.count)])
                    let quoted = [UInt8(ascii: "\"")] + raw + [UInt8(ascii: "\"")]
                    if let key = try? JSONDecoder().decode(String.self, from: Data(quoted)) { keys.append(key) }
                    expectKey = false
                }
            default:
                break
            }
            index += 1
        }
        var seen: Set<String> = []
        let unique = keys.filter { seen.insert($0).inserted }
        return unique.count == count ? unique : []
    }

    // MARK: Labels

    private mutating func findLabel(required: Bool = true) throws {
        guard labelIndex == nil else { return }
        if let labelColumn {
            if let position = index[labelColumn] {
                labelIndex = position
            } else if required && format != "jsonl" {
                throw InspectError(
                    "\(path) has no column '\(labelColumn)'; its columns are "
                        + columns.map(\.name).prefix(20).joined(separator: ", "))
            }
        } else if detectLabel {
            for candidate in ["label", "labels", "target", "class", "y"] {
                if let match = columns.first(where: { $0.name.lowercased() == candidate }) {
                    labelIndex = index[match.name]
                    break
                }
            }
        }
    }

    private mutating func countLabel(_ text: String) {
        if classCounts[text] != nil || classCounts.count < Self.maximumClasses {
            classCounts[text, default: 0] += 1
        } else {
            labelOverflow = true
        }
    }

    // MARK: Result

    func result() throws -> DatasetInspection.Table {
        if let labelColumn, labelIndex == nil {
            throw InspectError(
                "\(path) has no column '\(labelColumn)'; its columns are "
                    + columns.map(\.name).prefix(20).joined(separator: ", "))
        }
        var label: DatasetInspection.LabelStatistics? = nil
        if let labelIndex {
            if labelOverflow {
                if labelColumn != nil {
                    throw InspectError(
                        "\(path): column '\(columns[labelIndex].name)' has more than \(Self.maximumClasses) distinct "
                            + "values; a class label has fewer (is it the right column?)")
                }
            } else if !classCounts.isEmpty {
                let labelled = classCounts.values.reduce(0, +)
                label = DatasetInspection.LabelStatistics(
                    column: columns[labelIndex].name, labelledRows: labelled, classes: classCounts.count,
                    classCounts: classCounts, majorityRate: Double(classCounts.values.max() ?? 0) / Double(labelled),
                    chanceLevel: 1 / Double(classCounts.count))
            }
        }
        return DatasetInspection.Table(
            format: format, rows: rows,
            columns: columns.map { DatasetInspection.Column(name: $0.name, type: $0.kind.name, missing: $0.missing) },
            label: label)
    }

    static func kind(of text: String) -> Kind {
        if Int64(text) != nil { return .integer }
        let lower = text.lowercased()
        if lower == "true" || lower == "false" { return .boolean }
        if Double(text) != nil { return .number }
        return .string
    }

    static func kind(of value: JSONValue) -> Kind {
        switch value {
        case .null: .empty
        case .bool: .boolean
        case .number(let number): number == number.rounded() && abs(number) < 9e15 ? .integer : .number
        case .string: .string
        case .array: .array
        case .object: .object
        }
    }
}
