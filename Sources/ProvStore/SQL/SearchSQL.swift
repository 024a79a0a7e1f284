import ProvModel

/// Builds the WHERE, ORDER BY and LIMIT parts of a search from fixed fragments and bound arguments, in one dialect.
package struct SearchSQL: Sendable {
    package let dialect: SQLDialect
    private var conditions: [String] = []
    private var orders: [String] = []
    private var conditionArguments: [SQLValue] = []
    private var orderArguments: [SQLValue] = []

    package init(_ dialect: SQLDialect) {
        self.dialect = dialect
    }

    package mutating func condition(_ sql: String, _ arguments: [SQLValue]) {
        conditions.append(sql)
        conditionArguments += arguments
    }

    package mutating func lifecycle(_ filter: LifecycleFilter, column: String) {
        switch filter {
        case .activeOnly: condition("\(column) = 'active'", [])
        case .deletedOnly: condition("\(column) = 'deleted'", [])
        case .all: break
        }
    }

    /// Adds an ordering key. NULLs sort first ascending and last descending, or last in both directions with
    /// `missingLast`.
    package mutating func order(
        _ expression: String, _ ascending: Bool, _ arguments: [SQLValue] = [], missingLast: Bool = false
    ) {
        if missingLast {
            orders.append("(\(expression)) IS NULL")
            orderArguments += arguments
        }
        orders.append("\(expression) \(ascending ? "ASC NULLS FIRST" : "DESC NULLS LAST")")
        orderArguments += arguments
    }

    /// Adds a comparison of `expression` with the clause's value.
    package mutating func compare(_ expression: String, _ clause: SearchClause, numeric: Bool) throws {
        let (sql, arguments) = try comparison(expression, clause, numeric: numeric)
        condition(sql, arguments)
    }

    /// Adds `EXISTS (<subquery> AND <comparison of expression>)`.
    package mutating func exists(
        _ subquery: String, _ arguments: [SQLValue], comparing expression: String, _ clause: SearchClause,
        numeric: Bool
    ) throws {
        let (sql, comparisonArguments) = try comparison(expression, clause, numeric: numeric)
        condition("EXISTS (\(subquery) AND \(sql))", arguments + comparisonArguments)
    }

    /// A clause on a key-value table (parameters, tags) whose rows belong to `owner` through `node_pk`; a
    /// ``SearchValue/numeral(_:text:)`` is compared with the number the table keeps beside each value.
    package mutating func keyValueClause(table: String, owner: String, key: String, clause: SearchClause) throws {
        let subquery = "SELECT 1 FROM \(table) kv WHERE kv.node_pk = \(owner) AND kv.key = ?"
        guard case .numeral(let number, let text) = clause.value else {
            return try presenceOrComparison(subquery, key: key, value: "kv.value", clause)
        }
        let arguments: [SQLValue] = [.text(key), .double(number)]
        switch clause.comparator {
        case .equal:
            condition("EXISTS (\(subquery) AND (kv.value_number = ? OR kv.value = ?))", arguments + [.text(text)])
        case .notEqual:
            condition(
                "EXISTS (\(subquery) AND coalesce(kv.value_number <> ?, true) AND kv.value <> ?)",
                arguments + [.text(text)])
        case .less, .lessOrEqual, .greater, .greaterOrEqual:
            try exists(subquery, [.text(key)], comparing: "kv.value_number", clause, numeric: true)
        default:
            try presenceOrComparison(subquery, key: key, value: "kv.value", clause)
        }
    }

    /// `IS NULL` / `IS NOT NULL` as the absence / presence of the subquery's row; other comparators compare `value`.
    package mutating func presenceOrComparison(
        _ subquery: String, key: String, value: String, _ clause: SearchClause
    ) throws {
        switch clause.comparator {
        case .isNull: condition("NOT EXISTS (\(subquery))", [.text(key)])
        case .isNotNull: condition("EXISTS (\(subquery))", [.text(key)])
        default: try exists(subquery, [.text(key)], comparing: value, clause, numeric: false)
        }
    }

    /// The statement `select` followed by the WHERE, ORDER BY, LIMIT and OFFSET clauses with all their arguments;
    /// one row more than `limit` is asked for, to tell whether another page follows.
    package func statement(_ select: String, limit: Int, offset: Int) throws -> SQLStatement {
        let statement = self.statement(select, limit: try PageBounds.rowsToRead(limit: limit, offset: offset))
        return SQLStatement(statement.sql + " OFFSET ?", statement.arguments + [.integer(offset)])
    }

    /// The statement `select` followed by the WHERE and ORDER BY clauses, then `LIMIT limit` unless it is `nil`.
    package func statement(_ select: String, limit: Int?) -> SQLStatement {
        var sql = select
        if !conditions.isEmpty { sql += "\nWHERE " + conditions.joined(separator: "\n  AND ") }
        if !orders.isEmpty { sql += "\nORDER BY " + orders.joined(separator: ", ") }
        guard let limit else { return SQLStatement(sql, conditionArguments + orderArguments) }
        return SQLStatement(sql + "\nLIMIT ?", conditionArguments + orderArguments + [.integer(limit)])
    }

    /// The SQL comparing `expression` with a clause's value, and its arguments. A numeric expression is compared
    /// with a number; a text expression with text (or as the dialect compares numbers with text).
    package func comparison(
        _ expression: String, _ clause: SearchClause, numeric: Bool
    ) throws -> (String, [SQLValue]) {
        func scalar() throws -> SQLValue {
            switch clause.value {
            case .number(let number):
                return numeric ? .double(number) : dialect.numberAgainstText(number)
            case .string(let text):
                guard numeric else { return .text(text) }
                guard let number = Double(text) else { throw StoreError(.invalidQuery, "'\(text)' is not a number") }
                return .double(number)
            case .numeral(let number, let text):
                return numeric ? .double(number) : .text(text)
            case .list, .none:
                throw StoreError(.invalidQuery, "\(clause.comparator.rawValue) needs a single value")
            }
        }
        func list() throws -> SQLValue {
            guard case .list(let values) = clause.value else {
                throw StoreError(.invalidQuery, "\(clause.comparator.rawValue) needs a list of values")
            }
            return numeric ? .doubles(values.compactMap { Double($0) }) : .texts(values)
        }
        func pattern() throws -> String {
            guard case .string(let pattern) = clause.value else {
                throw StoreError(.invalidQuery, "\(clause.comparator.rawValue) needs a quoted pattern")
            }
            return pattern
        }
        switch clause.comparator {
        case .equal: return ("\(expression) = ?", [try scalar()])
        case .notEqual: return ("\(expression) <> ?", [try scalar()])
        case .less: return ("\(expression) < ?", [try scalar()])
        case .lessOrEqual: return ("\(expression) <= ?", [try scalar()])
        case .greater: return ("\(expression) > ?", [try scalar()])
        case .greaterOrEqual: return ("\(expression) >= ?", [try scalar()])
        case .like:
            let (sql, value) = dialect.like(expression, try pattern())
            return (sql, [value])
        case .ilike:
            let (sql, value) = dialect.caseInsensitiveLike(expression, try pattern())
            return (sql, [value])
        case .in: return (dialect.inList(expression), [try list()])
        case .notIn: return (dialect.notInList(expression), [try list()])
        case .isNull: return ("\(expression) IS NULL", [])
        case .isNotNull: return ("\(expression) IS NOT NULL", [])
        }
    }

    /// The error for a key a search cannot filter or order by.
    package static func unsupported(_ key: SearchKey, in search: String) -> StoreError {
        StoreError(.invalidQuery, "a \(search) search cannot filter or order by \(key)")
    }
}
