/// A streaming reader of delimited text (CSV, TSV): RFC 4180 fields separated by one delimiter byte; a field may
/// be enclosed in double quotes, inside which delimiters, line breaks and doubled quotes (`""` for one `"`) are
/// literal. Records end at `\n` or `\r\n`; a UTF-8 byte order mark at the start is skipped; blank lines are skipped.
///
/// Unlike lenient readers it rejects what it cannot read unambiguously: a quote inside an unquoted field, text
/// after a closing quote, and a quoted field that never closes. Bytes can arrive in chunks of any size
/// (``consume(_:record:)``), so a file of any length is read in constant memory beyond one record.
public struct DelimitedTextParser: Sendable {
    /// One record: its 1-based starting line and its fields.
    public struct Record: Sendable {
        public var line: Int
        public var fields: [String]
    }

    /// A syntax error: the 1-based line of the defect, the 0-based field index within its record, and what is wrong.
    public struct SyntaxError: Error, Sendable, CustomStringConvertible {
        public var line: Int
        public var fieldIndex: Int
        public var message: String
        public var description: String { "line \(line), field \(fieldIndex + 1): \(message)" }
    }

    private enum State: Sendable {
        case fieldStart
        case unquoted
        case quoted
        /// Just after a quote inside a quoted field: the field's end, or the first half of a doubled quote.
        case afterQuote
    }

    private let delimiter: UInt8
    private var state = State.fieldStart
    private var fields: [String] = []
    private var field: [UInt8] = []
    private var fieldWasQuoted = false
    private var line = 1
    private var recordLine = 1
    private var fieldLine = 1
    /// A carriage return outside quotes waiting for the next byte: dropped before `\n`, kept otherwise.
    private var pendingCarriageReturn = false
    /// Bytes of a possible byte order mark seen so far at the very start.
    private var bomBytesSeen = 0
    private var started = false

    /// A parser for fields separated by `delimiter` (`,` for CSV, a tab for TSV).
    public init(delimiter: UInt8 = UInt8(ascii: ",")) {
        self.delimiter = delimiter
    }

    /// Reads more bytes; calls `record` for every record they complete.
    public mutating func consume(
        _ bytes: UnsafeRawBufferPointer, record: (Record) throws -> Void
    ) throws {
        for byte in bytes {
            if !started {
                // Skip a UTF-8 byte order mark (EF BB BF) at the start.
                let bom: [UInt8] = [0xEF, 0xBB, 0xBF]
                if byte == bom[bomBytesSeen] {
                    bomBytesSeen += 1
                    if bomBytesSeen == 3 { started = true }
                    continue
                }
                started = true
                for earlier in bom[0..<bomBytesSeen] { try step(earlier, record) }
            }
            try step(byte, record)
        }
    }

    /// Reads a whole buffer of text.
    public mutating func consume(_ bytes: some Collection<UInt8>, record: (Record) throws -> Void) throws {
        var array = Array(bytes)
        try array.withUnsafeMutableBytes { try consume(UnsafeRawBufferPointer($0), record: record) }
    }

    /// Ends the text: emits the last record when it has no line break after it.
    /// - Throws: ``SyntaxError`` when the text ends inside a quoted field.
    public mutating func finish(record: (Record) throws -> Void) throws {
        if !started, bomBytesSeen > 0 {
            started = true
            for earlier in [UInt8]([0xEF, 0xBB, 0xBF])[0..<bomBytesSeen] { try step(earlier, record) }
        }
        if pendingCarriageReturn {
            pendingCarriageReturn = false
            try plain(UInt8(ascii: "\r"), record)
        }
        switch state {
        case .quoted:
            throw SyntaxError(
                line: fieldLine, fieldIndex: fields.count,
                message: "a quoted field is not closed (the file ends inside quotes)")
        case .fieldStart:
            if !fields.isEmpty {
                // The text ends just after a delimiter: the record's last field is empty.
                fieldWasQuoted = false
                finishField()
                try finishRecord(record)
            }
        case .unquoted, .afterQuote:
            finishField()
            try finishRecord(record)
        }
        state = .fieldStart
    }

    /// Reads a whole text at once.
    public static func records(_ text: String, delimiter: UInt8 = UInt8(ascii: ",")) throws -> [Record] {
        var parser = DelimitedTextParser(delimiter: delimiter)
        var records: [Record] = []
        try parser.consume(text.utf8) { records.append($0) }
        try parser.finish { records.append($0) }
        return records
    }

    private mutating func step(_ byte: UInt8, _ record: (Record) throws -> Void) throws {
        let carriageReturn = UInt8(ascii: "\r")
        if pendingCarriageReturn {
            pendingCarriageReturn = false
            if byte == UInt8(ascii: "\n") {
                try plain(byte, record)  // `\r\n` ends the record like `\n`
                return
            }
            try plain(carriageReturn, record)
        }
        if byte == carriageReturn && state != .quoted {
            pendingCarriageReturn = true
            return
        }
        try plain(byte, record)
    }

    private mutating func plain(_ byte: UInt8, _ record: (Record) throws -> Void) throws {
        let quote = UInt8(ascii: "\"")
        let newline = UInt8(ascii: "\n")
        if state == .fieldStart {
            if fields.isEmpty { recordLine = line }
            fieldLine = line
            fieldWasQuoted = byte == quote
            if byte == quote {
                state = .quoted
                return
            }
            state = .unquoted
        }
        switch state {
        case .fieldStart, .unquoted:
            if byte == delimiter || byte == newline {
                try endField(atLineEnd: byte == newline, record)
            } else if byte == quote {
                throw SyntaxError(
                    line: line, fieldIndex: fields.count,
                    message: "a double quote inside an unquoted field (quote the whole field and double the quote)")
            } else {
                field.append(byte)
            }
        case .quoted:
            if byte == quote {
                state = .afterQuote
            } else {
                if byte == newline { line += 1 }
                field.append(byte)
            }
        case .afterQuote:
            if byte == quote {
                field.append(quote)
                state = .quoted
            } else if byte == delimiter || byte == newline {
                try endField(atLineEnd: byte == newline, record)
            } else {
                throw SyntaxError(
                    line: fieldLine, fieldIndex: fields.count,
                    message: "unexpected text after the closing quote of a quoted field")
            }
        }
    }

    /// Ends the current field at a delimiter, or the field and its record at a line break.
    private mutating func endField(atLineEnd: Bool, _ record: (Record) throws -> Void) throws {
        finishField()
        if atLineEnd {
            try finishRecord(record)
            line += 1
        }
        state = .fieldStart
    }

    private mutating func finishField() {
        fields.append(String(decoding: field, as: UTF8.self))
        field.removeAll(keepingCapacity: true)
    }

    private mutating func finishRecord(_ record: (Record) throws -> Void) throws {
        // A blank line reads as one empty unquoted field: skip it.
        let current = fields
        fields.removeAll(keepingCapacity: true)
        if !(current.count == 1 && current[0].isEmpty && !fieldWasQuoted) {
            try record(Record(line: recordLine, fields: current))
        }
    }
}
