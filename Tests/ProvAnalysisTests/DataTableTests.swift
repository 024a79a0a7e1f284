import Testing

@testable import ProvAnalysis

@Suite struct DataTableTests {
    @Test func rejectsRepeatedNamesUnequalLengthsAndNonFiniteValues() {
        #expect(throws: AnalysisError.self) { try DataTable(columnNames: ["a", "a"], columns: [[1], [2]]) }
        #expect(throws: AnalysisError.self) { try DataTable(columnNames: ["a", "b"], columns: [[1, 2], [2]]) }
        #expect(throws: AnalysisError.self) { try DataTable(columnNames: ["a"], columns: [[1, .nan]]) }
    }

    @Test func selectsColumnsByName() throws {
        let table = try DataTable(columnNames: ["a", "b", "c"], columns: [[1, 2], [3, 4], [5, 6]])
        let selected = try table.selecting(["c", "a"])
        #expect(selected.columnNames == ["c", "a"])
        #expect(selected.columns == [[5, 6], [1, 2]])
        #expect(throws: AnalysisError.unknownColumn("z", available: ["a", "b", "c"])) { try table.column(named: "z") }
    }
}
