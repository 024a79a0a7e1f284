import ProvModel

// A tracking search over values: the clauses and orderings of `ProvStore/SQL/SearchSQL.swift`, evaluated in Swift
// with SQL's semantics (NULL compares false, numbers sort before text, NULLs first ascending and last descending,
// LIKE with `%` and `_`, case-sensitive; ILIKE ignoring ASCII case), so that the in-memory store answers what the
// databases answer.

/// A value as SQL compares and orders it. NaN is NULL, as the databases hold it.
enum SQLCell: Sendable {
    case null
    case number(Double)
    case text(String)

    init(_ number: Double?) {
        if let number, !number.isNaN { self = .number(number) } else { self = .null }
    }

    init(_ text: String?) {
        self = text.map { .text($0) } ?? .null
    }

    /// A member of a JSON column as the JSON functions read it.
    init(json value: JSONValue?) {
        switch value {
        case .string(let text)?: self = .text(text)
        case .number(let number)?: self.init(number)
        case .bool(let flag)?: self = .number(flag ? 1 : 0)
        case .array?, .object?: self = .text(value?.jsonText ?? "")
        case .null?, nil: self = .null
        }
    }

    var isNull: Bool { if case .null = self { true } else { false } }

    /// -1, 0 or 1: NULL, then numbers, then text (byte for byte).
    static func order(_ lhs: SQLCell, _ rhs: SQLCell) -> Int {
        switch (lhs, rhs) {
        case (.null, .null): return 0
        case (.null, _): return -1
        case (_, .null): return 1
        case (.number(let left), .number(let right)): return left < right ? -1 : (left > right ? 1 : 0)
        case (.number, .text): return -1
        case (.text, .number): return 1
        case (.text(let left), .text(let right)):
            return binaryLess(left, right) ? -1 : (binaryEqual(left, right) ? 0 : 1)
        }
    }

    /// The text a pattern sees (a number as SQL prints it).
    var patternText: String? {
        switch self {
        case .null: nil
        case .number(let number): JSONValue.format(number: number)
        case .text(let text): text
        }
    }
}

/// The conditions and orderings of one search over rows of `Row`, then its page.
struct InMemorySearch<Row> {
    private var conditions: [(Row) -> Bool] = []
    private var orders: [(key: (Row) -> SQLCell, ascending: Bool)] = []

    mutating func condition(_ test: @escaping (Row) -> Bool) {
        conditions.append(test)
    }

    mutating func lifecycle(_ filter: LifecycleFilter, _ stage: @escaping (Row) -> LifecycleStage) {
        switch filter {
        case .activeOnly: condition { stage($0) == .active }
        case .deletedOnly: condition { stage($0) == .deleted }
        case .all: break
        }
    }

    /// Adds an ordering key. NULLs sort first ascending and last descending, or last in both directions with
    /// `missingLast`.
    mutating func order(_ key: @escaping (Row) -> SQLCell, _ ascending: Bool, missingLast: Bool = false) {
        if missingLast { orders.append(({ key($0).isNull ? .number(1) : .number(0) }, true)) }
        orders.append((key, ascending))
    }

    /// Adds a comparison of a value of the row with the clause's value.
    mutating func compare(_ value: @escaping (Row) -> SQLCell, _ clause: SearchClause, numeric: Bool) throws {
        let matches = try Self.comparison(clause, numeric: numeric)
        condition { matches(value($0)) }
    }

    /// Adds a test that one of the row's values compares true (SQL's `EXISTS`).
    mutating func exists(_ values: @escaping (Row) -> [SQLCell], _ clause: SearchClause, numeric: Bool) throws {
        let matches = try Self.comparison(clause, numeric: numeric)
        condition { values($0).contains(where: matches) }
    }

    /// `IS NULL` / `IS NOT NULL` as the absence / presence of the keyed value; other comparators compare it as text.
    mutating func presenceOrComparison(_ value: @escaping (Row) -> SQLCell?, _ clause: SearchClause) throws {
        switch clause.comparator {
        case .isNull: condition { value($0) == nil }
        case .isNotNull: condition { value($0) != nil }
        default: try exists({ value($0).map { [$0] } ?? [] }, clause, numeric: false)
        }
    }

    /// A clause on a parameter or tag held as text; a ``SearchValue/numeral(_:text:)`` is compared with the number
    /// the databases keep beside each value.
    mutating func keyValue(_ value: @escaping (Row) -> String?, _ clause: SearchClause) throws {
        guard case .numeral(let number, let text) = clause.value else {
            return try presenceOrComparison({ value($0).map { .text($0) } }, clause)
        }
        let stored: (String) -> SQLCell = { SQLCell(InMemoryTables.storedNumber($0)) }
        switch clause.comparator {
        case .equal:
            let equal = try Self.comparison(SearchClause(clause.key, .equal, .number(number)), numeric: true)
            condition { row in value(row).map { equal(stored($0)) || binaryEqual($0, text) } ?? false }
        case .notEqual:
            // SQL's `coalesce(value_number <> number, true) AND value <> text`.
            let differs = try Self.comparison(SearchClause(clause.key, .notEqual, .number(number)), numeric: true)
            condition { row in
                guard let held = value(row) else { return false }
                let cell = stored(held)
                return (cell.isNull || number.isNaN || differs(cell)) && !binaryEqual(held, text)
            }
        case .less, .lessOrEqual, .greater, .greaterOrEqual:
            try exists({ value($0).map { [stored($0)] } ?? [] }, clause, numeric: true)
        default:
            try presenceOrComparison({ value($0).map { .text($0) } }, clause)
        }
    }

    /// The rows that match, in order.
    func matches(_ rows: [Row]) -> [Row] {
        rows.filter { row in conditions.allSatisfy { $0(row) } }.sorted { lhs, rhs in
            for (key, ascending) in orders {
                let order = SQLCell.order(key(lhs), key(rhs))
                if order != 0 { return ascending ? order < 0 : order > 0 }
            }
            return false
        }
    }

    /// One page of the rows that match, in order; one row more than `limit` tells whether another page follows.
    func page(_ rows: [Row], limit: Int, offset: Int) throws -> (items: [Row], hasMore: Bool) {
        let rowsToRead = try PageBounds.rowsToRead(limit: limit, offset: offset)
        let page = matches(rows).dropFirst(offset).prefix(rowsToRead)
        return (Array(page.prefix(limit)), page.count > limit)
    }

    /// The test of a clause's comparison, with the errors SQL's compilation gives.
    static func comparison(_ clause: SearchClause, numeric: Bool) throws -> (SQLCell) -> Bool {
        func scalar() throws -> SQLCell {
            switch clause.value {
            case .number(let number): return SQLCell(number)
            case .string(let text):
                guard numeric else { return .text(text) }
                guard let number = Double(text) else { throw StoreError(.invalidQuery, "'\(text)' is not a number") }
                return SQLCell(number)
            case .numeral(let number, let text): return numeric ? SQLCell(number) : .text(text)
            case .list, .none:
                throw StoreError(.invalidQuery, "\(clause.comparator.rawValue) needs a single value")
            }
        }
        func list() throws -> [SQLCell] {
            guard case .list(let values) = clause.value else {
                throw StoreError(.invalidQuery, "\(clause.comparator.rawValue) needs a list of values")
            }
            return numeric ? values.compactMap { Double($0) }.map { SQLCell($0) } : values.map { .text($0) }
        }
        func pattern() throws -> String {
            guard case .string(let pattern) = clause.value else {
                throw StoreError(.invalidQuery, "\(clause.comparator.rawValue) needs a quoted pattern")
            }
            return pattern
        }
        /// A comparison that is false when either side is NULL.
        func ordered(_ test: @escaping (Int) -> Bool) throws -> (SQLCell) -> Bool {
            let value = try scalar()
            return { cell in !cell.isNull && !value.isNull && test(SQLCell.order(cell, value)) }
        }
        switch clause.comparator {
        case .equal: return try ordered { $0 == 0 }
        case .notEqual: return try ordered { $0 != 0 }
        case .less: return try ordered { $0 < 0 }
        case .lessOrEqual: return try ordered { $0 <= 0 }
        case .greater: return try ordered { $0 > 0 }
        case .greaterOrEqual: return try ordered { $0 >= 0 }
        case .like:
            let pattern = Array(try pattern().unicodeScalars)
            return { cell in cell.patternText.map { LikePattern.matches(Array($0.unicodeScalars), pattern) } ?? false }
        case .ilike:
            let pattern = LikePattern.folded(Array(try pattern().unicodeScalars))
            return { cell in
                cell.patternText.map { LikePattern.matches(LikePattern.folded(Array($0.unicodeScalars)), pattern) }
                    ?? false
            }
        case .in:
            let values = try list()
            return { cell in !cell.isNull && values.contains { SQLCell.order(cell, $0) == 0 } }
        case .notIn:
            let values = try list()
            return { cell in values.isEmpty || (!cell.isNull && !values.contains { SQLCell.order(cell, $0) == 0 }) }
        case .isNull: return { $0.isNull }
        case .isNotNull: return { !$0.isNull }
        }
    }
}

/// SQL's LIKE over Unicode scalars: `%` matches any run of characters, `_` any one; no escape character.
enum LikePattern {
    static func matches(_ text: [Unicode.Scalar], _ pattern: [Unicode.Scalar]) -> Bool {
        var (textIndex, patternIndex) = (0, 0)
        var backtrack: (text: Int, pattern: Int)?
        while textIndex < text.count {
            if patternIndex < pattern.count, pattern[patternIndex] == "%" {
                backtrack = (textIndex, patternIndex)
                patternIndex += 1
            } else if patternIndex < pattern.count,
                pattern[patternIndex] == "_" || pattern[patternIndex] == text[textIndex]
            {
                textIndex += 1
                patternIndex += 1
            } else if let (savedText, savedPattern) = backtrack {
                textIndex = savedText + 1
                patternIndex = savedPattern + 1
                backtrack = (savedText + 1, savedPattern)
            } else {
                return false
            }
        }
        while patternIndex < pattern.count, pattern[patternIndex] == "%" { patternIndex += 1 }
        return patternIndex == pattern.count
    }

    /// ASCII letters in lower case (SQL's `lower` and LIKE fold only ASCII).
    static func folded(_ scalars: [Unicode.Scalar]) -> [Unicode.Scalar] {
        scalars.map { ("A"..."Z").contains($0) ? Unicode.Scalar($0.value + 32) ?? $0 : $0 }
    }
}
