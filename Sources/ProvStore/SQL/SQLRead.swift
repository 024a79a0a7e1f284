import Foundation
package import ProvModel

/// One result row as a back-end hands it over (GRDB's `Row`, the PostgreSQL store's row): cells by position, each
/// read as the type asked for. A NULL, or a cell that does not convert, reads as `nil`; reading never traps.
package protocol SQLRowReading {
    func integer(at index: Int) -> Int64?
    func real(at index: Int) -> Double?
    func text(at index: Int) -> String?
}

extension SQLRowReading {
    /// An integer cell; 0 when NULL.
    package func int64(_ index: Int) -> Int64 { integer(at: index) ?? 0 }

    /// An integer cell as an `Int`; 0 when NULL or out of range.
    package func int(_ index: Int) -> Int { integer(at: index).flatMap { Int(exactly: $0) } ?? 0 }

    /// A number cell; NaN when NULL (a stored NaN is NULL).
    package func double(_ index: Int) -> Double { real(at: index) ?? .nan }

    /// A text cell; empty when NULL.
    package func string(_ index: Int) -> String { text(at: index) ?? "" }

    /// An identifier (``ProvID/init(stored:)``).
    package func id(_ index: Int) -> ProvID { ProvID(stored: string(index)) }

    /// An identifier that may be NULL.
    package func optionalID(_ index: Int) -> ProvID? { text(at: index).map(ProvID.init(stored:)) }

    /// A time in microseconds since the epoch, `nil` when NULL.
    package func time(_ index: Int) -> ProvTime? { integer(at: index).map { ProvTime(microsecondsSinceEpoch: $0) } }

    /// A time that the schema requires; the epoch when NULL.
    package func requiredTime(_ index: Int) -> ProvTime { ProvTime(microsecondsSinceEpoch: int64(index)) }

    /// A JSON object in a text cell; empty when NULL or not an object.
    package func object(_ index: Int) -> [String: JSONValue] {
        guard let text = text(at: index),
            let value = try? JSONDecoder().decode(JSONValue.self, from: Data(text.utf8)),
            case .object(let members) = value
        else { return [:] }
        return members
    }
}

/// A read of one or more statements, each chosen from what the earlier ones returned, whose rows are decoded and
/// assembled by pure code. A back-end runs it inside one read (or write) transaction of its own:
///
///     while let statement = try read.nextStatement() { for row in rows(statement) { try read.take(row) } }
///     return try read.result()
package protocol SQLRead<Output>: Sendable {
    associatedtype Output: Sendable
    /// The next statement to run, or `nil` when the result is complete.
    mutating func nextStatement() throws -> SQLStatement?
    /// One row of the statement `nextStatement()` returned last (valid only during the call).
    mutating func take(_ row: any SQLRowReading) throws
    /// The result, once `nextStatement()` returned `nil`.
    func result() throws -> Output
}

/// A read as a list of steps over a state: each step's statement is made from the state (or skipped when `nil`) and
/// each of its rows updates the state; the result is made from the final state.
package struct SQLSteps<State: Sendable, Output: Sendable>: SQLRead {
    /// One statement and what its rows do.
    package struct Step: Sendable {
        let statement: @Sendable (State) throws -> SQLStatement?
        let take: @Sendable (inout State, any SQLRowReading) throws -> Void

        package init(
            _ statement: @escaping @Sendable (State) throws -> SQLStatement?,
            take: @escaping @Sendable (inout State, any SQLRowReading) throws -> Void
        ) {
            self.statement = statement
            self.take = take
        }

        package init(
            _ statement: SQLStatement, take: @escaping @Sendable (inout State, any SQLRowReading) throws -> Void
        ) {
            self.init({ _ in statement }, take: take)
        }
    }

    private var state: State
    private let steps: [Step]
    private let finish: @Sendable (State) throws -> Output
    private var nextStep = 0

    package init(_ state: State, _ steps: [Step], finish: @escaping @Sendable (State) throws -> Output) {
        self.state = state
        self.steps = steps
        self.finish = finish
    }

    package mutating func nextStatement() throws -> SQLStatement? {
        while nextStep < steps.count {
            nextStep += 1
            if let statement = try steps[nextStep - 1].statement(state) { return statement }
        }
        return nil
    }

    package mutating func take(_ row: any SQLRowReading) throws {
        try steps[nextStep - 1].take(&state, row)
    }

    package func result() throws -> Output { try finish(state) }
}

extension SQLSteps where State == Output {
    package init(_ state: State, _ steps: [Step]) {
        self.init(state, steps, finish: { $0 })
    }

    /// A value, as a read of no statement.
    package static func value(_ value: Output) -> SQLSteps { SQLSteps(value, []) }
}

/// A read of integers (keys, mostly).
package typealias SQLKeyRead = SQLSteps<[Int64], [Int64]>

extension SQLSteps where State == [Int64], Output == [Int64] {
    /// The integers in the first column of a statement's rows.
    package static func keys(_ statement: SQLStatement) -> SQLSteps {
        SQLSteps([], [Step(statement) { keys, row in keys.append(row.int64(0)) }])
    }
}

/// Statements run for their effect (an UPDATE, say); the result counts the rows they returned.
package typealias SQLEffect = SQLSteps<Int, Int>

extension SQLSteps where State == Int, Output == Int {
    /// Runs `statements` in order for their effect.
    package static func effect(_ statements: SQLStatement...) -> SQLSteps {
        SQLSteps(0, statements.map { statement in Step(statement) { count, _ in count += 1 } })
    }
}

/// A read, then another made from its result.
package struct SQLThen<First: SQLRead, Second: SQLRead>: SQLRead {
    private var first: First
    private var second: Second?
    private let makeSecond: @Sendable (First.Output) throws -> Second

    init(_ first: First, _ makeSecond: @escaping @Sendable (First.Output) throws -> Second) {
        self.first = first
        self.makeSecond = makeSecond
    }

    package mutating func nextStatement() throws -> SQLStatement? {
        if second == nil {
            if let statement = try first.nextStatement() { return statement }
            second = try makeSecond(try first.result())
        }
        return try second?.nextStatement()
    }

    package mutating func take(_ row: any SQLRowReading) throws {
        if second != nil { try second?.take(row) } else { try first.take(row) }
    }

    package func result() throws -> Second.Output {
        guard let second else { throw StoreError(.backend, "a read was asked for its result before it ended") }
        return try second.result()
    }
}

extension SQLRead {
    /// This read, then the one `next` makes from its result.
    package func then<Next: SQLRead>(_ next: @escaping @Sendable (Output) throws -> Next) -> SQLThen<Self, Next> {
        SQLThen(self, next)
    }

    /// This read, its result transformed.
    package func map<T: Sendable>(
        _ transform: @escaping @Sendable (Output) throws -> T
    ) -> SQLThen<Self, SQLSteps<Output, T>> {
        then { output in SQLSteps(output, [], finish: transform) }
    }
}

extension ProvID {
    /// An identifier as a store holds it. The schemas check its form; a held value that is not one (written by
    /// another program) reads as the zero id rather than stopping the reader.
    package init(stored text: String) {
        self = ProvID(hex: text) ?? ProvID(high: 0, low: 0)
    }
}
