extension DataTable {
    /// Reads a numeric CSV table with a header row.
    ///
    /// Fields are separated by commas; a field may be wrapped in double quotes (`""` inside is a quote). Line ends
    /// may be LF or CRLF; blank lines are skipped. Every data cell must parse as a decimal number (`1`, `-2.5`,
    /// `3e-4`); values are converted with correct rounding, so the same text gives the same `Double` as NumPy.
    /// - Parameters:
    ///   - text: the file's contents.
    ///   - source: a name for error messages (the file's path).
    ///   - selecting: only these columns, in this order (the others may hold text); nil for all.
    /// - Throws: `AnalysisError.invalidTable` naming the line and column of the first problem, `unknownColumn` for a
    ///   selected name the header lacks.
    public init(csv text: String, source: String = "CSV", selecting: [String]? = nil) throws(AnalysisError) {
        var text = text
        var outcome: Result<DataTable, AnalysisError> = .failure(.invalidTable("\(source) could not be read"))
        text.withUTF8 { bytes in
            do throws(AnalysisError) {
                outcome = .success(try Self.parseCSV(bytes, source: source, selecting: selecting))
            } catch {
                outcome = .failure(error)
            }
        }
        self = try outcome.get()
    }

    /// The parser over UTF-8 bytes: lines end at LF, CR or CRLF; a line without quotes is split on commas in
    /// place and only the wanted cells become (small, inline) strings for `Double(_:)`.
    private static func parseCSV(_ bytes: UnsafeBufferPointer<UInt8>, source: String, selecting: [String]?)
        throws(AnalysisError) -> DataTable
    {
        let comma: UInt8 = 44
        let quote: UInt8 = 34
        var names: [String] = []
        var headerLine = 0
        var wanted: [Int] = []
        var columns: [[Double]] = []
        var lineNumber = 0
        var index = 0
        var starts: [Int] = []
        var quotedFields: [String] = []
        while index < bytes.count {
            let lineStart = index
            var end = index
            while end < bytes.count && bytes[end] != 10 && bytes[end] != 13 { end += 1 }
            index = end < bytes.count && bytes[end] == 13 && end + 1 < bytes.count && bytes[end + 1] == 10 ? end + 2 : end + 1
            lineNumber += 1
            var blank = true
            for k in lineStart..<end where bytes[k] != 32 && bytes[k] != 9 {
                blank = false
                break
            }
            if blank { continue }
            let line = UnsafeBufferPointer(rebasing: bytes[lineStart..<end])
            let quoted = line.contains(quote)
            var fieldCount: Int
            if quoted {
                quotedFields = fields(of: Substring(String(decoding: line, as: UTF8.self)))
                fieldCount = quotedFields.count
            } else {
                starts.removeAll(keepingCapacity: true)
                starts.append(lineStart)
                for k in lineStart..<end where bytes[k] == comma { starts.append(k + 1) }
                starts.append(end + 1)
                fieldCount = starts.count - 1
            }
            func field(_ k: Int) -> String {
                if quoted { return quotedFields[k].trimmingSpaces() }
                var low = starts[k]
                var high = starts[k + 1] - 1
                while low < high && (bytes[low] == 32 || bytes[low] == 9) { low += 1 }
                while high > low && (bytes[high - 1] == 32 || bytes[high - 1] == 9) { high -= 1 }
                return String(decoding: UnsafeBufferPointer(rebasing: bytes[low..<high]), as: UTF8.self)
            }
            if headerLine == 0 {
                headerLine = lineNumber
                names = (0..<fieldCount).map(field)
                for (index, name) in names.enumerated() where name.isEmpty {
                    throw .invalidTable("\(source) line \(lineNumber): column \(index + 1) has an empty name")
                }
                var seen = Set<String>()
                for name in names where !seen.insert(name).inserted {
                    throw .invalidTable("\(source) line \(lineNumber): column name '\(name)' appears twice")
                }
                wanted = Array(names.indices)
                if let selecting {
                    wanted = []
                    for name in selecting {
                        guard let position = names.firstIndex(of: name) else {
                            throw .unknownColumn(name, available: names)
                        }
                        wanted.append(position)
                    }
                }
                columns = [[Double]](repeating: [], count: wanted.count)
                continue
            }
            guard fieldCount == names.count else {
                throw .invalidTable("\(source) line \(lineNumber) has \(fieldCount) fields; the header has \(names.count)")
            }
            for (position, column) in wanted.enumerated() {
                let cell = field(column)
                guard let value = Double(cell), value.isFinite else {
                    let shown = cell.isEmpty ? "an empty cell" : "'\(cell.prefix(40))'"
                    throw .invalidTable(
                        "\(source) line \(lineNumber), column '\(names[column])': \(shown) is not a finite number; "
                            + "analyses need numeric columns (select others with --columns)")
                }
                columns[position].append(value)
            }
        }
        guard headerLine > 0 else { throw .invalidTable("\(source) is empty; expected a header row") }
        return try DataTable(columnNames: wanted.map { names[$0] }, columns: columns)
    }

    /// Splits one line into fields, honouring double quotes.
    private static func fields(of line: Substring) -> [String] {
        guard line.contains("\"") else { return line.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        var fields: [String] = []
        var current = ""
        var quoted = false
        var iterator = line.makeIterator()
        var pending: Character? = nil
        while let character = pending ?? iterator.next() {
            pending = nil
            if quoted {
                if character == "\"" {
                    if let next = iterator.next() {
                        if next == "\"" { current.append("\"") } else { quoted = false; pending = next }
                    } else {
                        quoted = false
                    }
                } else {
                    current.append(character)
                }
            } else if character == "\"" {
                quoted = true
            } else if character == "," {
                fields.append(current)
                current = ""
            } else {
                current.append(character)
            }
        }
        fields.append(current)
        return fields
    }
}

extension StringProtocol {
    fileprivate func trimmingSpaces() -> String {
        var slice = Substring(self)
        while let first = slice.first, first == " " || first == "\t" { slice = slice.dropFirst() }
        while let last = slice.last, last == " " || last == "\t" { slice = slice.dropLast() }
        return String(slice)
    }
}
