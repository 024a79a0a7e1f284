import ProvModel

/// What a dataset file or folder is: its content digest, size and file count, and for a table (CSV, TSV, JSON Lines)
/// its rows, columns with inferred types and missing values, and the class statistics of a label column.
public struct DatasetInspection: Codable, Hashable, Sendable {
    /// The path that was inspected.
    public var path: String
    public var isDirectory: Bool
    /// `sha256:` and 64 hex characters; for a folder the order-independent digest of ``ContentDigest``.
    public var digest: String
    /// Bytes of the file, or of all files in the folder.
    public var sizeBytes: Int64
    /// 1 for a file; the number of files in a folder.
    public var fileCount: Int
    /// For a folder: how many files have each extension (`csv`, `png`; `""` for none).
    public var fileTypes: [String: Int]?
    /// The table, when the file is CSV, TSV or JSON Lines.
    public var table: Table?

    /// A table's shape and columns.
    public struct Table: Codable, Hashable, Sendable {
        /// `csv`, `tsv` or `jsonl`.
        public var format: String
        /// Data rows (the header line of CSV and TSV is not a row).
        public var rows: Int
        public var columns: [Column]
        /// Class statistics of the label column, when one was named or found.
        public var label: LabelStatistics?
    }

    /// One column.
    public struct Column: Codable, Hashable, Sendable {
        public var name: String
        /// The narrowest type that holds every present value: `integer`, `number`, `boolean`, `string`, `object`,
        /// `array`, or `empty` when no value is present.
        public var type: String
        /// Values that are missing: an empty field or one of pandas' default missing markers (`NA`, `NaN`, `null`,
        /// `None`, `N/A`, ...) in CSV and TSV; an absent key or `null` in JSON Lines.
        public var missing: Int
    }

    /// The classes of a label column.
    public struct LabelStatistics: Codable, Hashable, Sendable {
        public var column: String
        /// Rows with a label (missing labels are not counted).
        public var labelledRows: Int
        /// The number of distinct labels.
        public var classes: Int
        /// Rows per label.
        public var classCounts: [String: Int]
        /// The largest class's share of the labelled rows: the accuracy of always guessing it.
        public var majorityRate: Double
        /// 1 / classes: the accuracy of guessing uniformly at random.
        public var chanceLevel: Double
    }
}
