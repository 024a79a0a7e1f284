#if Postgres
    import Logging
    import PostgresNIO
    import ProvStore

    // Statements are written with `?` (or `?N`, 1-based) placeholders, like the embedded store's, and every value is
    // bound: `SQLText` turns each placeholder into `$n` with a cast to the bound value's type (so that a NULL has a
    // type too), and the values travel in `PostgresBindings`. No value is ever spliced into the SQL text.

    extension SQLValue {
        /// The PostgreSQL type the placeholder is cast to.
        var typeName: String {
            switch self {
            case .int: "int8"
            case .double: "float8"
            case .text: "text"
            case .bool: "bool"
            case .ints: "int8[]"
            case .doubles: "float8[]"
            case .texts: "text[]"
            }
        }

        func bind(into bindings: inout PostgresBindings) {
            switch self {
            case .int(let value): bindings.append(value)
            case .double(let value): bindings.append(value)
            case .text(let value): bindings.append(value)
            case .bool(let value): bindings.append(value)
            case .ints(let values): bindings.append(values)
            case .doubles(let values): bindings.append(values)
            case .texts(let values): bindings.append(values)
            }
        }
    }

    /// A Swift value that can be bound to a statement parameter.
    protocol SQLBindable: Sendable {
        var sqlValue: SQLValue { get }
        /// The NULL of this type.
        static var sqlNull: SQLValue { get }
    }

    extension Int64: SQLBindable {
        var sqlValue: SQLValue { .int(self) }
        static var sqlNull: SQLValue { .int(nil) }
    }
    extension Int: SQLBindable {
        var sqlValue: SQLValue { .int(Int64(self)) }
        static var sqlNull: SQLValue { .int(nil) }
    }
    extension Double: SQLBindable {
        var sqlValue: SQLValue { .double(self) }
        static var sqlNull: SQLValue { .double(nil) }
    }
    extension String: SQLBindable {
        var sqlValue: SQLValue { .text(self) }
        static var sqlNull: SQLValue { .text(nil) }
    }
    extension Bool: SQLBindable {
        var sqlValue: SQLValue { .bool(self) }
        static var sqlNull: SQLValue { .bool(nil) }
    }
    extension Array: SQLBindable where Element: SQLArrayElement {
        var sqlValue: SQLValue { Element.array(self) }
        static var sqlNull: SQLValue { Element.array([]) }
    }
    extension Optional: SQLBindable where Wrapped: SQLBindable {
        var sqlValue: SQLValue { self?.sqlValue ?? Wrapped.sqlNull }
        static var sqlNull: SQLValue { Wrapped.sqlNull }
    }
    extension SQLValue: SQLBindable {
        var sqlValue: SQLValue { self }
        static var sqlNull: SQLValue { .text(nil) }
    }

    /// An element of an array parameter.
    protocol SQLArrayElement: Sendable {
        static func array(_ values: [Self]) -> SQLValue
    }
    extension Int64: SQLArrayElement {
        static func array(_ values: [Int64]) -> SQLValue { .ints(values) }
    }
    extension Double: SQLArrayElement {
        static func array(_ values: [Double]) -> SQLValue { .doubles(values) }
    }
    extension String: SQLArrayElement {
        static func array(_ values: [String]) -> SQLValue { .texts(values) }
    }

    /// Statement text with `?` placeholders and its arguments, turned into a `PostgresQuery`.
    struct SQLText {
        /// Rewrites `?` and `?N` placeholders (outside quoted literals) into typed `$n` parameters.
        static func query(_ sql: String, _ arguments: [any SQLBindable]) -> PostgresQuery {
            let values = arguments.map(\.sqlValue)
            var bindings = PostgresBindings(capacity: values.count)
            for value in values { value.bind(into: &bindings) }
            var text = ""
            text.reserveCapacity(sql.utf8.count + values.count * 8)
            var sequential = 0
            var inQuote = false
            var characters = sql.makeIterator()
            var pending: Character? = characters.next()
            while let character = pending {
                pending = characters.next()
                if character == "'" {
                    inQuote.toggle()
                    text.append(character)
                    continue
                }
                guard character == "?", !inQuote else {
                    text.append(character)
                    continue
                }
                var digits = ""
                while let next = pending, next.isASCII, next.isNumber {
                    digits.append(next)
                    pending = characters.next()
                }
                let index: Int
                if let number = Int(digits) {
                    index = number
                } else {
                    sequential += 1
                    index = sequential
                }
                let type = index >= 1 && index <= values.count ? "::" + values[index - 1].typeName : ""
                text += "$\(index)\(type)"
            }
            return PostgresQuery(unsafeSQL: text, binds: bindings)
        }
    }

    /// One result row, decoded into plain values when read.
    struct SQLRow: Sendable {
        enum Cell: Sendable {
            case null
            case int(Int64)
            case double(Double)
            case text(String)
            case bool(Bool)
        }

        let cells: [Cell]

        init(_ row: PostgresRow) throws {
            var cells: [Cell] = []
            cells.reserveCapacity(row.count)
            for cell in row {
                guard cell.bytes != nil else {
                    cells.append(.null)
                    continue
                }
                switch cell.dataType {
                case .int2, .int4, .int8, .oid: cells.append(.int(try cell.decode(Int64.self)))
                case .float4, .float8: cells.append(.double(try cell.decode(Double.self)))
                case .bool: cells.append(.bool(try cell.decode(Bool.self)))
                default: cells.append(.text(try cell.decode(String.self)))
                }
            }
            self.cells = cells
        }

        subscript<T: SQLDecodable>(_ index: Int) -> T {
            T.decode(index < cells.count ? cells[index] : .null)
        }
    }

    extension SQLRow: SQLRowReading {
        package func integer(at index: Int) -> Int64? { Int64?.decode(cell(index)) }
        package func real(at index: Int) -> Double? { Double?.decode(cell(index)) }
        package func text(at index: Int) -> String? { String?.decode(cell(index)) }

        private func cell(_ index: Int) -> Cell { index < cells.count ? cells[index] : .null }
    }

    /// A type a result cell decodes into; a NULL or a cell of another type gives the type's fallback (never a crash).
    protocol SQLDecodable {
        static func decode(_ cell: SQLRow.Cell) -> Self
    }
    extension Int64: SQLDecodable {
        static func decode(_ cell: SQLRow.Cell) -> Int64 {
            switch cell {
            case .int(let value): value
            case .double(let value): Int64(exactly: value.rounded()) ?? 0
            case .text(let text): Int64(text) ?? 0
            case .bool(let value): value ? 1 : 0
            case .null: 0
            }
        }
    }
    extension Int: SQLDecodable {
        static func decode(_ cell: SQLRow.Cell) -> Int { Int(Int64.decode(cell)) }
    }
    extension Double: SQLDecodable {
        static func decode(_ cell: SQLRow.Cell) -> Double {
            switch cell {
            case .int(let value): Double(value)
            case .double(let value): value
            case .text(let text): Double(text) ?? .nan
            case .bool(let value): value ? 1 : 0
            case .null: .nan
            }
        }
    }
    extension String: SQLDecodable {
        static func decode(_ cell: SQLRow.Cell) -> String {
            switch cell {
            case .text(let text): text
            case .int(let value): String(value)
            case .double(let value): String(value)
            case .bool(let value): String(value)
            case .null: ""
            }
        }
    }
    extension Bool: SQLDecodable {
        static func decode(_ cell: SQLRow.Cell) -> Bool {
            switch cell {
            case .bool(let value): value
            case .int(let value): value != 0
            default: false
            }
        }
    }
    extension Optional: SQLDecodable where Wrapped: SQLDecodable {
        static func decode(_ cell: SQLRow.Cell) -> Wrapped? {
            if case .null = cell { return nil }
            return Wrapped.decode(cell)
        }
    }

    extension PostgresConnection {
        /// Runs a statement and returns its rows.
        func rows(_ sql: String, _ arguments: [any SQLBindable], logger: Logger) async throws -> [SQLRow] {
            let sequence = try await query(SQLText.query(sql, arguments), logger: logger)
            var rows: [SQLRow] = []
            for try await row in sequence { rows.append(try SQLRow(row)) }
            return rows
        }

        /// Runs a statement and returns its first row, if any.
        func row(_ sql: String, _ arguments: [any SQLBindable], logger: Logger) async throws -> SQLRow? {
            try await rows(sql, arguments, logger: logger).first
        }

        /// Runs a statement whose rows, if any, are not needed.
        func execute(_ sql: String, _ arguments: [any SQLBindable], logger: Logger) async throws {
            let sequence = try await query(SQLText.query(sql, arguments), logger: logger)
            for try await _ in sequence {}
        }

        /// Runs a shared read's statements on this connection.
        func run<Read: SQLRead>(_ read: Read, logger: Logger) async throws -> Read.Output {
            var read = read
            while let statement = try read.nextStatement() {
                try await eachRow(statement.sql, statement.arguments, logger: logger) { row in try read.take(row) }
            }
            return try read.result()
        }

        /// Runs a statement and calls `body` on each row as it arrives.
        func eachRow(
            _ sql: String, _ arguments: [any SQLBindable], logger: Logger, _ body: (SQLRow) throws -> Void
        ) async throws {
            let sequence = try await query(SQLText.query(sql, arguments), logger: logger)
            for try await row in sequence { try body(try SQLRow(row)) }
        }
    }
#endif
