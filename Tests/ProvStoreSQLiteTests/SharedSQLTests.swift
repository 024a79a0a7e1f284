import Logging
import ProvModel
import ProvStore
import ProvStoreSQLite
import Testing

/// The shared SQL of the relational back-ends (ProvStore/SQL): what a search compiles to in each dialect, and how a
/// read assembles its result from rows.
@Suite("Shared SQL")
struct SharedSQLTests {
    /// The first statement of a read, and the read advanced past it.
    private func firstStatement(_ read: some SQLRead) throws -> SQLStatement? {
        var read = read
        return try read.nextStatement()
    }

    /// The number of `?` placeholders in a statement (none of the tested statements reuse `?N`).
    private func placeholders(_ statement: SQLStatement) -> Int {
        var count = 0
        var inQuote = false
        for character in statement.sql {
            if character == "'" { inQuote.toggle() } else if character == "?", !inQuote { count += 1 }
        }
        return count
    }

    @Test("a run search binds one value per placeholder, in order, in both dialects")
    func runSearchArguments() throws {
        let search = RunSearch(
            experiments: [1, 2],
            filter: [
                SearchClause(.parameter("lr"), .equal, .string("0.01")),
                SearchClause(.metric("acc"), .greater, .number(0.9)),
                SearchClause(.tag("team"), .in, .list(["a", "b"])),
                SearchClause(.attribute(.name), .like, .string("run_%")),
            ],
            orderBy: [SearchOrder(.metric("acc"), ascending: false), SearchOrder(.parameter("lr"))],
            limit: 10, offset: 20)
        for dialect in [SQLDialect.sqlite, .postgresql] {
            let statement = try #require(try firstStatement(try TrackingSQL(dialect).searchRuns(search)))
            #expect(placeholders(statement) == statement.arguments.count)
            #expect(statement.arguments.first == .ints([1, 2]))
            #expect(statement.arguments.suffix(2) == [.int(11), .int(20)])
            #expect(statement.sql.contains("kv.key = ? AND kv.value = ?"))
            #expect(statement.sql.contains("m.last_value > ?"))
        }
    }

    @Test("lists, LIKE and numbers against text are where the dialects differ")
    func dialectDifferences() throws {
        let clause = SearchClause(.attribute(.name), .in, .list(["a", "b"]))
        let sqlite = try SearchSQL(.sqlite).comparison("r.name", clause, numeric: false)
        #expect(sqlite.0 == "r.name IN (SELECT value FROM json_each(?))")
        #expect(sqlite.1 == [.texts(["a", "b"])])
        #expect(SQLValue.texts(["a", "b"]).jsonList == #"["a","b"]"#)
        let postgres = try SearchSQL(.postgresql).comparison("r.name", clause, numeric: false)
        #expect(postgres.0 == "r.name = ANY(?)")

        let like = SearchClause(.attribute(.name), .like, .string("a%_*"))
        let glob = try SearchSQL(.sqlite).comparison("e.name", like, numeric: false)
        #expect(glob.0 == "e.name GLOB ?" && glob.1 == [.text("a*?[*]")])
        let postgresLike = try SearchSQL(.postgresql).comparison("e.name", like, numeric: false)
        #expect(postgresLike.0 == "e.name LIKE ? ESCAPE ''" && postgresLike.1 == [.text("a%_*")])

        let number = SearchClause(.parameter("lr"), .equal, .number(2))
        #expect(try SearchSQL(.sqlite).comparison("kv.value", number, numeric: false).1 == [.double(2)])
        #expect(try SearchSQL(.postgresql).comparison("kv.value", number, numeric: false).1 == [.text("2")])
    }

    @Test("bad search input is a clear error")
    func badInput() throws {
        let sql = SearchSQL(.sqlite)
        #expect(throws: StoreError.self) {
            try sql.comparison(
                "r.started_at", SearchClause(.attribute(.startTime), .less, .string("soon")), numeric: true)
        }
        #expect(throws: StoreError.self) {
            try sql.comparison("r.name", SearchClause(.attribute(.name), .in, .string("a")), numeric: false)
        }
        #expect(throws: StoreError.self) { try sql.statement("SELECT 1", limit: 0, offset: 0) }
        #expect(throws: StoreError.self) { try sql.statement("SELECT 1", limit: 1, offset: -1) }
    }

    @Test("a read assembles runs from the rows of its statements, in the order of the keys")
    func assemblesRuns() throws {
        let run = ProvID(high: 1, low: 2)
        let experiment = ProvID(high: 3, low: 4)
        var read = TrackingSQL(.postgresql).runs(keys: [7, 5])
        var statements = 0
        while let statement = try read.nextStatement() {
            statements += 1
            #expect(statement.arguments == [.ints([7, 5])])
            let rows: [FakeRow] =
                switch statements {
                case 1:
                    [
                        FakeRow([
                            5, run.hex, experiment.hex, 3, "mlflow-artifacts:/3", "b", "FINISHED", 1_000, nil, "active",
                            nil,
                        ]),
                        FakeRow([
                            7, experiment.hex, experiment.hex, 3, "x", nil, "RUNNING", 2_000, nil, "deleted", "ana",
                        ]),
                    ]
                case 2: [FakeRow([5, "lr", "0.1"])]
                case 4: [FakeRow([5, "acc", nil, 2, nil])]
                default: []
                }
            for row in rows { try read.take(row) }
        }
        #expect(statements == 6)
        let runs = try read.result()
        #expect(runs.map(\.id) == [experiment, run])
        #expect(runs[0].user == "ana" && runs[0].lifecycle == .deleted && runs[0].name == nil)
        #expect(runs[1].parameters == [KeyValue(key: "lr", value: "0.1")])
        #expect(runs[1].metrics.count == 1 && runs[1].metrics[0].value.isNaN && runs[1].metrics[0].step == 2)
        #expect(runs[1].artifactURI == "mlflow-artifacts:/3/\(run.hex)/artifacts")
    }

    @Test("no keys, no statements")
    func noKeys() throws {
        var read = TrackingSQL(.sqlite).runs(keys: [])
        #expect(try read.nextStatement() == nil)
        #expect(try read.result().isEmpty)
    }

    @Test("an unknown node's lineage is not found; a depth out of range is refused")
    func lineageErrors() throws {
        #expect(throws: StoreError.self) {
            try GraphSQL(.sqlite).lineage(of: ProvID(high: 0, low: 1), direction: .up, depth: -1)
        }
        var read = try GraphSQL(.sqlite).lineage(of: ProvID(high: 0, low: 1), direction: .both, depth: 3)
        var statements = 0
        while try read.nextStatement() != nil { statements += 1 }
        #expect(statements == 1)
        #expect(throws: StoreError.self) { try read.result() }
    }
}

/// A row of literal cells.
private struct FakeRow: SQLRowReading {
    let cells: [(any Sendable)?]

    init(_ cells: [(any Sendable)?]) {
        self.cells = cells
    }

    func integer(at index: Int) -> Int64? { (cells[index] as? Int).map(Int64.init) }
    func real(at index: Int) -> Double? { cells[index] as? Double }
    func text(at index: Int) -> String? { cells[index] as? String }
}
