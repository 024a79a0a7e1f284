/// Why a file could not be imported: the file, the line, the column when one is to blame, and what is wrong.
///
/// Importers never crash on bad input; every defect they detect is reported as an `ImportError`. The
/// ``description`` is safe to show to a user and names the place to fix, for example
/// `2021_02_15_13_55_26_539263.txt:3: column 'valAcc': expected a number, found 'abc'`.
public struct ImportError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The name of the file being imported, as the caller passed it.
    public var file: String
    /// The 1-based line number in the file (the header is line 1). For a quoted CSV field that spans lines,
    /// the line where the record starts.
    public var line: Int
    /// The name of the column at fault (from the format's header), when the defect is in one field.
    public var column: String?
    /// What is wrong, in words.
    public var message: String

    /// Creates an error.
    public init(file: String, line: Int, column: String? = nil, message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.message = message
    }

    /// `FILE:LINE: column 'NAME': MESSAGE`, or `FILE:LINE: MESSAGE` when no single column is to blame.
    public var description: String {
        if let column {
            return "\(file):\(line): column '\(column)': \(message)"
        }
        return "\(file):\(line): \(message)"
    }
}
