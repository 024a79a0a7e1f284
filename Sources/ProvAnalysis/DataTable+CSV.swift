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
        var lines: [(number: Int, fields: [String])] = []
        var lineNumber = 0
        // "\r\n" is one Character in Swift, and `isNewline` matches it, "\n" and "\r".
        for line in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline) {
            lineNumber += 1
            if line.allSatisfy({ $0 == " " || $0 == "\t" }) { continue }
            lines.append((lineNumber, Self.fields(of: line)))
        }
        guard let header = lines.first else { throw .invalidTable("\(source) is empty; expected a header row") }
        let names = header.fields.map { $0.trimmingSpaces() }
        for (index, name) in names.enumerated() where name.isEmpty {
            throw .invalidTable("\(source) line \(header.number): column \(index + 1) has an empty name")
        }
        var seen = Set<String>()
        for name in names where !seen.insert(name).inserted {
            throw .invalidTable("\(source) line \(header.number): column name '\(name)' appears twice")
        }
        var wanted: [Int] = Array(names.indices)
        if let selecting {
            wanted = []
            for name in selecting {
                guard let index = names.firstIndex(of: name) else { throw .unknownColumn(name, available: names) }
                wanted.append(index)
            }
        }
        var columns = [[Double]](repeating: [], count: wanted.count)
        for column in columns.indices { columns[column].reserveCapacity(lines.count - 1) }
        for (number, fields) in lines.dropFirst() {
            guard fields.count == names.count else {
                throw .invalidTable(
                    "\(source) line \(number) has \(fields.count) fields; the header has \(names.count)")
            }
            for (position, index) in wanted.enumerated() {
                let trimmed = fields[index].trimmingSpaces()
                guard let value = Double(trimmed), value.isFinite else {
                    let shown = trimmed.isEmpty ? "an empty cell" : "'\(trimmed.prefix(40))'"
                    throw .invalidTable(
                        "\(source) line \(number), column '\(names[index])': \(shown) is not a finite number; "
                            + "analyses need numeric columns (select others with --columns)")
                }
                columns[position].append(value)
            }
        }
        try self.init(columnNames: wanted.map { names[$0] }, columns: columns)
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
