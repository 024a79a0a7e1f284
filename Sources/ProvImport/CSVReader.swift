import ProvModel

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

/// Comma-separated text read strictly (RFC 4180) by ProvModel's ``DelimitedTextParser``: it rejects what it cannot
/// read unambiguously (a quote inside an unquoted field, text after a closing quote, a quoted field that never
/// closes), skips blank lines and a byte order mark.
enum CSVReader {
    static func records(_ text: String) throws(CSVSyntaxError) -> [CSVRecord] {
        do {
            return try DelimitedTextParser.records(text).map { CSVRecord(line: $0.line, fields: $0.fields) }
        } catch let error as DelimitedTextParser.SyntaxError {
            throw CSVSyntaxError(line: error.line, fieldIndex: error.fieldIndex, message: error.message)
        } catch {
            throw CSVSyntaxError(line: 1, fieldIndex: 0, message: String(describing: error))
        }
    }
}
