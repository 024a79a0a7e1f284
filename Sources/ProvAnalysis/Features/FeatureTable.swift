import Foundation
public import ProvModel

/// One cell of a feature table: a number, a category or nothing. In JSON: a number, a string or `null`.
public enum FeatureValue: Sendable, Hashable, Codable {
    case number(Double)
    case category(String)
    case missing

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .missing
        } else if let number = try? container.decode(Double.self) {
            self = .number(number)
        } else {
            self = .category(try container.decode(String.self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .number(let value): try container.encode(value)
        case .category(let value): try container.encode(value)
        case .missing: try container.encodeNil()
        }
    }

    /// The value as CSV or table text ("" when missing).
    public var text: String {
        switch self {
        case .number(let value): AnalysisFormat.number(value, digits: 10)
        case .category(let value): value
        case .missing: ""
        }
    }
}

/// Which group of the taxonomy a feature belongs to. A closed set.
public enum FeatureGroup: String, Sendable, Hashable, Codable, CaseIterable {
    case architecture
    case training
    case data
    case system
    case behaviour
}

/// What a feature is in an explanation of model behaviour, which fixes its causal tier. A closed set.
public enum FeatureRole: String, Sendable, Hashable, Codable, CaseIterable {
    /// The dataset itself: caused by nothing (tier 0, exogenous).
    case dataset
    /// A property of the data or application (class count, chance level, beam intensity): tier 0.
    case dataAttribute = "data_attribute"
    /// A training setting (learning rate, batch size, optimizer...): tier 1.
    case configuration
    /// An architecture property (depth, widths, parameter count...): tier 1.
    case architecture
    /// Where and how long it ran (device, run time): tier 1.
    case system
    /// How training behaved (epoch of best, epochs to reach, curve class): tier 2.
    case behaviour
    /// The outcome (final and best accuracy, area under the curve): tier 3.
    case outcome

    /// The causal tier for PC background knowledge: an edge never points from a higher tier to a lower one.
    public var tier: Int {
        switch self {
        case .dataset, .dataAttribute: 0
        case .configuration, .architecture, .system: 1
        case .behaviour: 2
        case .outcome: 3
        }
    }

    /// Whether nothing may cause the feature, not even a feature of its own tier.
    public var isExogenous: Bool { self == .dataset }
}

/// A column of a feature table.
public struct FeatureColumn: Sendable, Hashable, Codable {
    public var name: String
    public var group: FeatureGroup
    public var role: FeatureRole
    /// Whether the column holds categories (otherwise numbers).
    public var isCategorical: Bool
    /// The taxonomy term the column stands for, when one does.
    public var term: String?
    /// Where the values come from, in a few words.
    public var source: String
    /// One value per row.
    public var values: [FeatureValue]

    /// The causal tier, from the role (in JSON for consumers that order variables).
    public var tier: Int
    /// Whether nothing may cause this feature (the dataset), from the role.
    public var isExogenous: Bool

    public init(
        name: String, group: FeatureGroup, role: FeatureRole, isCategorical: Bool, term: String?, source: String,
        values: [FeatureValue]
    ) {
        self.name = name
        self.group = group
        self.role = role
        self.isCategorical = isCategorical
        self.term = term
        self.source = source
        self.values = values
        self.tier = role.tier
        self.isExogenous = role.isExogenous
    }

    /// How many rows have a value.
    public var presentCount: Int { values.filter { $0 != .missing }.count }
}

/// A table of runs × features with mixed types, grouped by taxonomy layer.
public struct FeatureTable: Sendable, Hashable, Codable {
    public var experiment: String
    /// One per row.
    public var runs: [ProvID]
    public var runNames: [String]
    public var columns: [FeatureColumn]

    public init(experiment: String, runs: [ProvID], runNames: [String], columns: [FeatureColumn]) {
        self.experiment = experiment
        self.runs = runs
        self.runNames = runNames
        self.columns = columns
    }

    public var rowCount: Int { runs.count }

    /// The column called `name`, when there is one.
    public func column(named name: String) -> FeatureColumn? { columns.first { $0.name == name } }

    /// The table as CSV: `run_id,run_name,` then one column per feature; missing values are empty fields and
    /// fields holding a comma, quote or line break are quoted.
    public func csv() -> String {
        func field(_ text: String) -> String {
            text.contains(where: { $0 == "," || $0 == "\"" || $0.isNewline })
                ? "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : text
        }
        var lines = [(["run_id", "run_name"] + columns.map(\.name)).map(field).joined(separator: ",")]
        for row in 0..<rowCount {
            lines.append(
                ([runs[row].hex, runNames[row]] + columns.map { $0.values[row].text }).map(field)
                    .joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// How categorical columns become numbers.
    public enum CategoricalEncoding: String, Sendable, Hashable, Codable, CaseIterable {
        /// Categorical columns are left out.
        case drop
        /// A categorical column with k levels becomes k − 1 indicator columns `name=level` (levels sorted; the
        /// first is the reference level and gets no column, so the indicators are not collinear).
        case oneHot = "one-hot"
    }

    /// How missing values are handled.
    public enum MissingValues: String, Sendable, Hashable, Codable, CaseIterable {
        /// Columns with any missing value are left out.
        case dropColumns = "drop-columns"
        /// Rows with any missing value (in the columns kept) are left out.
        case dropRows = "drop-rows"
    }

    /// A numeric view of the table for the statistics: the numeric ``DataTable``, each column's tier, and what was
    /// left out and why.
    public struct NumericView: Sendable, Hashable {
        public var table: DataTable
        /// The causal tier of each column of ``table``, in order.
        public var tiers: [Int]
        /// The columns of ``table`` nothing may cause.
        public var exogenous: [String]
        /// The row (run) each row of ``table`` came from.
        public var runs: [ProvID]
        /// Columns left out, with the reason.
        public var dropped: [(name: String, reason: String)]

        public static func == (lhs: NumericView, rhs: NumericView) -> Bool {
            lhs.table == rhs.table && lhs.tiers == rhs.tiers && lhs.runs == rhs.runs
                && lhs.dropped.map(\.name) == rhs.dropped.map(\.name)
        }
        public func hash(into hasher: inout Hasher) { hasher.combine(table) }
    }

    /// The table as numbers: categorical columns dropped or one-hot encoded, missing values handled, and constant
    /// columns (which no statistic can use) left out.
    /// - Parameter columns: the feature names to use; `nil` for all.
    public func numeric(
        categoricals: CategoricalEncoding = .drop, missing: MissingValues = .dropColumns, columns names: [String]? = nil
    ) throws(AnalysisError) -> NumericView {
        var chosen: [FeatureColumn] = []
        if let names {
            for name in names {
                guard let column = column(named: name) else {
                    throw .unknownColumn(name, available: columns.map(\.name))
                }
                chosen.append(column)
            }
        } else {
            chosen = columns
        }
        var dropped: [(String, String)] = []
        // Expand to numeric candidate columns with optional values.
        var candidates: [(name: String, tier: Int, exogenous: Bool, values: [Double?])] = []
        for column in chosen {
            if column.isCategorical {
                guard categoricals == .oneHot else {
                    dropped.append((column.name, "categorical"))
                    continue
                }
                let levels = Set(column.values.compactMap { if case .category(let v) = $0 { v } else { nil } }).sorted()
                guard levels.count >= 2 else {
                    dropped.append((column.name, levels.isEmpty ? "no values" : "one level only"))
                    continue
                }
                for level in levels.dropFirst() {
                    candidates.append(
                        (
                            "\(column.name)=\(level)", column.tier, column.role.isExogenous,
                            column.values.map {
                                switch $0 {
                                case .category(let value): value == level ? 1 : 0
                                case .number, .missing: nil
                                }
                            }
                        ))
                }
            } else {
                candidates.append(
                    (
                        column.name, column.tier, column.role.isExogenous,
                        column.values.map { if case .number(let value) = $0 { value } else { nil } }
                    ))
            }
        }
        var keepRows = Array(0..<rowCount)
        switch missing {
        case .dropColumns:
            candidates = candidates.filter { candidate in
                if candidate.values.contains(where: { $0 == nil }) {
                    dropped.append((candidate.name, "missing values"))
                    return false
                }
                return true
            }
        case .dropRows:
            keepRows = keepRows.filter { row in candidates.allSatisfy { $0.values[row] != nil } }
        }
        var names: [String] = []
        var values: [[Double]] = []
        var tiers: [Int] = []
        var exogenous: [String] = []
        for candidate in candidates {
            let column = keepRows.map { candidate.values[$0] ?? .nan }
            if let first = column.first, column.allSatisfy({ $0 == first }) {
                dropped.append((candidate.name, "constant"))
                continue
            }
            names.append(candidate.name)
            values.append(column)
            tiers.append(candidate.tier)
            if candidate.exogenous { exogenous.append(candidate.name) }
        }
        let table = try DataTable(columnNames: names, columns: values)
        return NumericView(
            table: table, tiers: tiers, exogenous: exogenous, runs: keepRows.map { runs[$0] }, dropped: dropped)
    }
}
