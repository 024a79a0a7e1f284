import ProvModel

// The SQL both relational back-ends share: statements are plain values (text with `?` placeholders and the values
// bound to them), built once here for the embedded SQLite store and for PostgreSQL, with the few places where the two
// dialects differ asked of a `SQLDialect`. No value is ever spliced into the text: the text is assembled from fixed
// fragments chosen by closed-set keys and comparators.

/// A value bound to a statement placeholder.
///
/// A list binds as an array on PostgreSQL (`= ANY(?)`) and as JSON text on SQLite (`IN (SELECT value FROM
/// json_each(?))`); ``SQLDialect/inList(_:placeholder:)`` writes the matching test.
package enum SQLValue: Hashable, Sendable {
    case int(Int64?)
    case double(Double?)
    case text(String?)
    case bool(Bool?)
    case ints([Int64])
    case doubles([Double])
    case texts([String])

    /// A count or size (an `Int` is at most 64 bits on every supported platform).
    package static func integer(_ value: Int) -> SQLValue { .int(Int64(exactly: value)) }

    /// The list as JSON text (SQLite's form of a list); `nil` for a single value.
    package var jsonList: String? {
        switch self {
        case .ints(let values): "[" + values.map(String.init).joined(separator: ",") + "]"
        case .doubles(let values): "[" + values.map { JSONValue.format(number: $0) }.joined(separator: ",") + "]"
        case .texts(let values): JSONValue.array(values.map { .string($0) }).jsonText
        case .int, .double, .text, .bool: nil
        }
    }
}

/// Statement text with `?` (or `?N`, 1-based) placeholders, and the values bound to them in order.
package struct SQLStatement: Hashable, Sendable {
    package var sql: String
    package var arguments: [SQLValue]

    package init(_ sql: String, _ arguments: [SQLValue] = []) {
        self.sql = sql
        self.arguments = arguments
    }
}

/// Where the SQL of the embedded store (SQLite) and of the shared store (PostgreSQL) differs. A closed set.
///
/// Placeholders are `?` in both: the PostgreSQL layer rewrites them to typed `$n`. NULL ordering is spelled out
/// (`ASC NULLS FIRST`, `DESC NULLS LAST`: SQLite's default, which both accept).
package enum SQLDialect: Hashable, Sendable {
    case sqlite
    case postgresql

    /// A test that `expression` is one of the values of a list bound at `placeholder`.
    package func inList(_ expression: String, placeholder: String = "?") -> String {
        switch self {
        case .sqlite: "\(expression) IN (SELECT value FROM json_each(\(placeholder)))"
        case .postgresql: "\(expression) = ANY(\(placeholder))"
        }
    }

    /// A test that `expression` is none of the values of a list bound at `?`.
    package func notInList(_ expression: String) -> String {
        switch self {
        case .sqlite: "\(expression) NOT IN (SELECT value FROM json_each(?))"
        case .postgresql: "NOT (\(expression) = ANY(?))"
        }
    }

    /// A query selecting each value of a list bound at `?`, as one column.
    package var listValues: String {
        switch self {
        case .sqlite: "SELECT value FROM json_each(?)"
        case .postgresql: "SELECT unnest(?)"
        }
    }

    /// The column that orders a table's rows by insertion, where the table has no key of its own on SQLite.
    package func insertionOrder(_ alias: String) -> String {
        switch self {
        case .sqlite: "\(alias).rowid"
        case .postgresql: "\(alias).pk"
        }
    }

    /// A top-level member `key` (a fixed name) of a JSON attributes column, as text; NULL when absent.
    package func jsonText(_ column: String, _ key: String) -> String {
        switch self {
        case .sqlite: "json_extract(\(column), '$.\(key)')"
        case .postgresql: "(\(column)::jsonb ->> '\(key)')"
        }
    }

    /// A top-level member `key` (a fixed name) of a JSON attributes column, as a number; NULL when absent.
    package func jsonNumber(_ column: String, _ key: String) -> String {
        switch self {
        case .sqlite: "json_extract(\(column), '$.\(key)')"
        case .postgresql: "(\(column)::jsonb -> '\(key)')::float8"
        }
    }

    /// The member named by the text bound at `?` of the object `object` (a fixed name) in a JSON column.
    package func jsonMember(_ column: String, object: String) -> String {
        switch self {
        case .sqlite: "json_extract(\(column), '$.\(object).' || json_quote(?))"
        case .postgresql: "(\(column)::jsonb -> '\(object)' ->> ?)"
        }
    }

    /// A table of the members (`key`, `value` as text) of the object `object` (a fixed name) in a JSON column.
    package func jsonMembers(_ column: String, object: String) -> String {
        switch self {
        case .sqlite: "json_each(\(column), '$.\(object)')"
        case .postgresql: "jsonb_each_text(coalesce(\(column)::jsonb -> '\(object)', '{}'::jsonb))"
        }
    }

    /// A number compared with a text expression: SQLite compares it by its own rules; PostgreSQL needs text, written
    /// as MLflow's client writes numbers.
    package func numberAgainstText(_ number: Double) -> SQLValue {
        switch self {
        case .sqlite: .double(number)
        case .postgresql: .text(JSONValue.format(number: number))
        }
    }

    /// A case-sensitive LIKE (`%`, `_`, no escape character) of `expression`, and the pattern's bound value.
    package func like(_ expression: String, _ pattern: String) -> (String, SQLValue) {
        switch self {
        // SQLite's LIKE ignores case; GLOB is its case-sensitive counterpart.
        case .sqlite: ("\(expression) GLOB ?", .text(Self.globPattern(like: pattern)))
        case .postgresql: ("\(expression) LIKE ? ESCAPE ''", .text(pattern))
        }
    }

    /// A LIKE of `expression` that ignores case, and the pattern's bound value.
    package func caseInsensitiveLike(_ expression: String, _ pattern: String) -> (String, SQLValue) {
        switch self {
        case .sqlite: ("lower(\(expression)) LIKE lower(?)", .text(pattern))
        case .postgresql: ("lower(\(expression)) LIKE lower(?) ESCAPE ''", .text(pattern))
        }
    }

    /// Turns a LIKE pattern (`%`, `_`) into the equivalent GLOB pattern, escaping GLOB's own wildcards.
    package static func globPattern(like pattern: String) -> String {
        var glob = ""
        for character in pattern {
            switch character {
            case "%": glob += "*"
            case "_": glob += "?"
            case "*": glob += "[*]"
            case "?": glob += "[?]"
            case "[": glob += "[[]"
            default: glob.append(character)
            }
        }
        return glob
    }
}
