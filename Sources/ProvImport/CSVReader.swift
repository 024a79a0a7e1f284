/// One record of a CSV file.
struct CSVRecord {
    /// The 1-based line where the record starts.
    var line: Int
    var fields: [String]
}

/// A syntax error in CSV text.
struct CSVSyntaxError: Error {
    /// The 1-based line of the defect (where the offending field starts).
    var line: Int
    /// The 0-based index of the field at fault within its record.
    var fieldIndex: Int
    var message: String
}

/// A small RFC 4180 reader: comma-separated fields; a field may be enclosed in double quotes, inside which commas,
/// line breaks and doubled quotes (`""` for one `"`) are literal. Records end at `\n` or `\r\n`; a UTF-8 byte
/// order mark at the start is skipped; blank lines are skipped.
///
/// Unlike lenient readers it rejects what it cannot read unambiguously: a quote inside an unquoted field, text
/// after a closing quote, and a quoted field that never closes.
enum CSVReader {
    private enum State {
        case fieldStart
        case unquoted
        case quoted
        /// Just after a quote inside a quoted field: the field's end, or the first half of a doubled quote.
        case afterQuote
    }

    static func records(_ text: String) throws(CSVSyntaxError) -> [CSVRecord] {
        var bytes = Array(text.utf8)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) {
            bytes.removeFirst(3)
        }
        let quote = UInt8(ascii: "\"")
        let comma = UInt8(ascii: ",")
        let newline = UInt8(ascii: "\n")
        let carriageReturn = UInt8(ascii: "\r")

        var records: [CSVRecord] = []
        var fields: [String] = []
        var field: [UInt8] = []
        var fieldWasQuoted = false
        var state = State.fieldStart
        var line = 1
        var recordLine = 1
        var fieldLine = 1

        func finishField() {
            fields.append(String(decoding: field, as: UTF8.self))
            field = []
        }
        func finishRecord() {
            // A blank line reads as one empty unquoted field: skip it.
            if !(fields.count == 1 && fields[0].isEmpty && !fieldWasQuoted) {
                records.append(CSVRecord(line: recordLine, fields: fields))
            }
            fields = []
        }

        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            let isCRLF = byte == carriageReturn && index + 1 < bytes.count && bytes[index + 1] == newline
            index += 1
            if isCRLF && state != .quoted {
                continue  // the `\n` that follows ends the record
            }
            if state == .fieldStart {
                if fields.isEmpty {
                    recordLine = line
                }
                fieldLine = line
                fieldWasQuoted = byte == quote
                if byte == quote {
                    state = .quoted
                    continue
                }
                state = .unquoted
            }
            switch state {
            case .fieldStart, .unquoted:
                if byte == comma {
                    finishField()
                    state = .fieldStart
                } else if byte == newline {
                    finishField()
                    finishRecord()
                    line += 1
                    state = .fieldStart
                } else if byte == quote {
                    throw CSVSyntaxError(
                        line: line, fieldIndex: fields.count,
                        message: "a double quote inside an unquoted field (quote the whole field and double the quote)")
                } else {
                    field.append(byte)
                }
            case .quoted:
                if byte == quote {
                    state = .afterQuote
                } else {
                    if byte == newline {
                        line += 1
                    }
                    field.append(byte)
                }
            case .afterQuote:
                if byte == quote {
                    field.append(quote)
                    state = .quoted
                } else if byte == comma {
                    finishField()
                    state = .fieldStart
                } else if byte == newline {
                    finishField()
                    finishRecord()
                    line += 1
                    state = .fieldStart
                } else {
                    throw CSVSyntaxError(
                        line: fieldLine, fieldIndex: fields.count,
                        message: "unexpected text after the closing quote of a quoted field")
                }
            }
        }
        switch state {
        case .quoted:
            throw CSVSyntaxError(
                line: fieldLine, fieldIndex: fields.count,
                message: "a quoted field is not closed (the file ends inside quotes)")
        case .fieldStart:
            if !fields.isEmpty {
                // The text ends just after a comma: the record's last field is empty.
                fieldWasQuoted = false
                finishField()
                finishRecord()
            }
        case .unquoted, .afterQuote:
            finishField()
            finishRecord()
        }
        return records
    }
}
