import Foundation
import GRDB
import ProvModel
public import ProvStore

// The embedded store runs the shared SQL reads (ProvStore/SQL) in its own transactions: each statement through a
// cursor, each row handed over as it is read.

extension SQLiteStore: SQLBackedStore {
    package var dialect: SQLDialect { .sqlite }

    package func fetch<Read: SQLRead>(_ read: Read) async throws -> Read.Output {
        try await self.read { db in try db.run(read) }
    }

    package func fetchWriting<Read: SQLRead>(_ read: Read) async throws -> Read.Output {
        try await write { db in try db.run(read) }
    }

    /// The most relation hops a lineage query may ask for.
    public static var maximumLineageDepth: Int { GraphSQL.maximumLineageDepth }
}

extension Database {
    /// Runs a shared read's statements in this connection.
    func run<Read: SQLRead>(_ read: Read) throws -> Read.Output {
        var read = read
        while let statement = try read.nextStatement() {
            let cursor = try Row.fetchCursor(
                self, sql: statement.sql, arguments: StatementArguments(sqlValues: statement.arguments))
            while let row = try cursor.next() { try read.take(row) }
        }
        return try read.result()
    }
}

extension StatementArguments {
    /// The arguments of a shared statement, as SQLite binds them.
    init(sqlValues values: [SQLValue]) {
        self.init(values.map(\.databaseValue))
    }
}

extension SQLValue {
    /// The value SQLite binds: a list as JSON text (read back with `json_each`).
    var databaseValue: DatabaseValue {
        switch self {
        case .int(let value): value.databaseValue
        case .double(let value): value.databaseValue
        case .text(let value): value.databaseValue
        case .bool(let value): value.databaseValue
        case .ints, .doubles, .texts: (jsonList ?? "[]").databaseValue
        }
    }
}

extension Row: SQLRowReading {
    package func integer(at index: Int) -> Int64? {
        switch (self[index] as DatabaseValue).storage {
        case .int64(let value): value
        case .double(let value): Int64(exactly: value.rounded())
        case .string(let text): Int64(text, radix: 10)
        case .blob, .null: nil
        }
    }

    package func real(at index: Int) -> Double? {
        switch (self[index] as DatabaseValue).storage {
        case .int64(let value): Double(value)
        case .double(let value): value
        case .string(let text): Double(text)
        case .blob, .null: nil
        }
    }

    package func text(at index: Int) -> String? {
        switch (self[index] as DatabaseValue).storage {
        case .string(let text): text
        case .int64(let value): String(value)
        case .double(let value): String(value)
        case .blob(let data): String(decoding: data, as: UTF8.self)
        case .null: nil
        }
    }
}
