/// A numeric table: named columns of equal length, the input of every analysis in this module.
///
/// Values are `Double`; a missing value is `nil` in the optional initialiser and is rejected by analyses that need
/// complete data (PC, OLS), which say which column and row to fix.
public struct DataTable: Sendable, Hashable {
    /// Column names, in order. Unique.
    public let columnNames: [String]
    /// Column-major values: `columns[j][i]` is row `i` of column `j`.
    public let columns: [[Double]]

    /// The number of rows.
    public var rowCount: Int { columns.first?.count ?? 0 }
    /// The number of columns.
    public var columnCount: Int { columns.count }

    /// Creates a table from named columns.
    /// - Throws: `AnalysisError.invalidTable` when names repeat, counts differ or a value is NaN or infinite.
    public init(columnNames: [String], columns: [[Double]]) throws(AnalysisError) {
        guard columnNames.count == columns.count else {
            throw .invalidTable("\(columnNames.count) column names for \(columns.count) columns")
        }
        var seen = Set<String>()
        for name in columnNames where !seen.insert(name).inserted {
            throw .invalidTable("column name '\(name)' appears twice")
        }
        if let first = columns.first {
            for (index, column) in columns.enumerated() where column.count != first.count {
                throw .invalidTable(
                    "column '\(columnNames[index])' has \(column.count) rows, column '\(columnNames[0])' has \(first.count)")
            }
        }
        for (index, column) in columns.enumerated() {
            if let row = column.firstIndex(where: { !$0.isFinite }) {
                throw .invalidTable("column '\(columnNames[index])' row \(row + 1) is \(column[row]); analyses need finite numbers")
            }
        }
        self.columnNames = columnNames
        self.columns = columns
    }

    /// The index of the column called `name`.
    public func columnIndex(named name: String) throws(AnalysisError) -> Int {
        guard let index = columnNames.firstIndex(of: name) else {
            throw .unknownColumn(name, available: columnNames)
        }
        return index
    }

    /// The column called `name`.
    public func column(named name: String) throws(AnalysisError) -> [Double] {
        columns[try columnIndex(named: name)]
    }

    /// A table with only the named columns, in the given order.
    public func selecting(_ names: [String]) throws(AnalysisError) -> DataTable {
        var selected: [[Double]] = []
        for name in names { selected.append(try column(named: name)) }
        return try DataTable(columnNames: names, columns: selected)
    }
}

/// What can go wrong in an analysis; `description` is safe to show to a user.
public enum AnalysisError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The table itself is malformed.
    case invalidTable(String)
    /// A column was named that the table lacks.
    case unknownColumn(String, available: [String])
    /// The data cannot support the requested analysis (too few rows, a constant column, a singular matrix...).
    case insufficientData(String)
    /// An option is out of range or contradicts another.
    case invalidOption(String)
    /// The causal question has no answer from this graph (an effect not identified, no causal path).
    case notIdentified(String)

    public var description: String {
        switch self {
        case .invalidTable(let message): "invalid table: \(message)"
        case .unknownColumn(let name, let available):
            "no column '\(name)'; the table has: \(available.joined(separator: ", "))"
        case .insufficientData(let message): "not enough data: \(message)"
        case .invalidOption(let message): "invalid option: \(message)"
        case .notIdentified(let message): "not identified: \(message)"
        }
    }
}
