import Testing

@testable import ProvAnalysis

@Suite struct StatisticsTests {
    @Test func correlationMatrixOfKnownColumns() {
        let c = ProvCorrelation.matrix([[1, 2, 3, 4], [2, 4, 6, 8], [4, 3, 2, 1], [1, 0, 1, 0]])
        #expect(c[1] == 1)
        #expect(c[2] == -1)
        #expect(abs(c[3] - (-0.447_213_595_499_957_9)) < 1e-15)
        #expect(c[0] == 1 && c[5] == 1)
    }

    @Test func choleskySolvesAndInverts() throws {
        let a: [Double] = [4, 2, 2, 3]
        let l = try #require(ProvLinearAlgebra.cholesky(a, size: 2))
        #expect(l == [2, 0, 1, 2.0.squareRoot()])
        let x = ProvLinearAlgebra.choleskySolve(l, size: 2, [2, 1])
        #expect(abs(x[0] - 0.5) < 1e-15 && abs(x[1]) < 1e-15)
        let inverse = try #require(ProvLinearAlgebra.inverseSPD(a, size: 2))
        #expect(abs(inverse[0] - 0.375) < 1e-15 && abs(inverse[1] + 0.25) < 1e-15 && abs(inverse[3] - 0.5) < 1e-15)
        #expect(ProvLinearAlgebra.cholesky([1, 2, 2, 1], size: 2) == nil)
    }

    @Test func normalAndStudentT() {
        #expect(ProvDistributions.normalCDF(0) == 0.5)
        #expect(abs(ProvDistributions.normalCDF(1.959_963_984_540_054) - 0.975) < 1e-15)
        #expect(abs(ProvDistributions.normalQuantile(0.975) - 1.959_963_984_540_054) < 1e-14)
        // scipy.stats.t.ppf(0.975, df) for df = 1, 10, 5994 (scipy's own quantile is good to ≈1e-11 only; the CDF
        // round trip below is the sharper check).
        #expect(abs(ProvDistributions.studentTQuantile(0.975, degrees: 1) - 12.706_204_736_432_095) < 1e-9)
        #expect(abs(ProvDistributions.studentTQuantile(0.975, degrees: 10) - 2.228_138_851_964_938_5) < 1e-10)
        #expect(abs(ProvDistributions.studentTQuantile(0.975, degrees: 5994) - 1.960_359_837_424_399_6) < 1e-11)
        for degrees in [1.0, 3, 10, 57, 5994] {
            let q = ProvDistributions.studentTQuantile(0.975, degrees: degrees)
            #expect(abs(ProvDistributions.studentTCDF(q, degrees: degrees) - 0.975) < 1e-13)
        }
        // betainc(5, 0.5, x) at the t(10) point: 0.0500000000018086 (scipy)
        let t = 2.228_138_851_964_938_5
        #expect(abs(ProvDistributions.studentTSurvival(t, degrees: 10) - 0.025_000_000_000_904_32) < 1e-16)
        // I_0.3(2, 3) = 0.3483.
        #expect(abs(ProvDistributions.regularizedIncompleteBeta(2, 3, x: 0.3) - 0.3483) < 1e-14)
    }

    @Test func digammaKnownValues() {
        let euler = 0.577_215_664_901_532_9
        #expect(abs(ProvDistributions.digamma(1) + euler) < 1e-15)
        #expect(abs(ProvDistributions.digamma(4) - (1 + 0.5 + 1.0 / 3 - euler)) < 1e-15)
        #expect(abs(ProvDistributions.digamma(0.5) - (-euler - 2 * 0.693_147_180_559_945_3)) < 1e-14)
        #expect(abs(ProvDistributions.digamma(6000) - 8.699_431_412_562_044) < 1e-13)
    }

    @Test func olsRecoversAnExactLineAndStandardErrors() throws {
        let x: [Double] = [0, 1, 2, 3, 4, 5]
        let y = x.map { 2 + 3 * $0 }
        let exact = try ProvOLS.fit(regressors: [x], y: y)
        #expect(abs(exact.coefficients[0] - 2) < 1e-13 && abs(exact.coefficients[1] - 3) < 1e-13)
        // statsmodels: OLS([1,3,2,5,4], add_constant([1,2,3,4,5])): b = [0.6, 0.8], se = [√1.32, √0.12]
        let fit = try ProvOLS.fit(regressors: [[1, 2, 3, 4, 5]], y: [1, 3, 2, 5, 4])
        #expect(abs(fit.coefficients[0] - 0.6) < 1e-14 && abs(fit.coefficients[1] - 0.8) < 1e-14)
        #expect(abs(fit.standardErrors[1] - 0.346_410_161_513_775_5) < 1e-14)
        #expect(abs(fit.standardErrors[0] - 1.148_912_529_307_605_7) < 1e-13)
        #expect(throws: AnalysisError.self) { try ProvOLS.fit(regressors: [[1, 1, 1, 1]], y: [1, 2, 3, 4]) }
    }

    @Test func seededGeneratorIsReproducible() {
        var a = ProvSeededGenerator(seed: 7)
        var b = ProvSeededGenerator(seed: 7)
        #expect(a.permutation(50) == b.permutation(50))
        let subset = a.subset(8, of: 10)
        #expect(subset.count == 8 && Set(subset).count == 8 && subset == subset.sorted())
    }
}

@Suite struct PCTests {
    /// a → c ← b with independent a, b: PC must find the collider; d hangs off c (c → d by Meek R1).
    @Test func findsACollider() throws {
        var generator = ProvSeededGenerator(seed: 1)
        let n = 2000
        let a = (0..<n).map { _ in generator.nextNormal() }
        let b = (0..<n).map { _ in generator.nextNormal() }
        let c = (0..<n).map { a[$0] + b[$0] + 0.5 * generator.nextNormal() }
        let d = (0..<n).map { c[$0] + 0.5 * generator.nextNormal() }
        let table = try DataTable(columnNames: ["a", "b", "c", "d"], columns: [a, b, c, d])
        let result = try ProvPC.run(table, options: ProvPCOptions(alpha: 0.01))
        let edges = result.graph.interchange
        #expect(Set(edges.directed) == [["a", "c"], ["b", "c"], ["c", "d"]])
        #expect(edges.undirected.isEmpty)
        #expect(result.tests.first?.pValue ?? 0 > 0.01)  // a ⫫ b
        #expect(result.graph.dot().contains("\"a\" -> \"c\";"))
        // Knowledge that d comes first reverses nothing it cannot: c → d is forbidden, so the edge stays d → c.
        let tiers = ProvBackgroundKnowledge(tiers: ["d": 0, "c": 1])
        let constrained = try ProvPC.run(table, options: ProvPCOptions(alpha: 0.01, backgroundKnowledge: tiers))
        #expect(constrained.graph.mark(3, 2) == -1 && constrained.graph.mark(2, 3) == 1)
    }

    @Test func rejectsBadOptionsAndData() throws {
        let table = try DataTable(columnNames: ["a", "b", "c"], columns: [[1, 2, 3, 4, 5], [2, 1, 4, 3, 5], [1, 1, 1, 1, 1]])
        #expect(throws: AnalysisError.self) { try ProvPC.run(table) }
        let ok = try table.selecting(["a", "b"])
        #expect(throws: AnalysisError.self) { try ProvPC.run(ok, options: ProvPCOptions(alpha: 1.5)) }
        #expect(throws: AnalysisError.self) {
            try ProvPC.run(ok, options: ProvPCOptions(colliderRule: .definiteMaxP, colliderPriority: 0))
        }
        #expect(throws: AnalysisError.unknownColumn("zz", available: ["a", "b"])) {
            try ProvPC.run(ok, options: ProvPCOptions(backgroundKnowledge: ProvBackgroundKnowledge(exogenous: ["zz"])))
        }
    }

    @Test func readsCSVWithCRLFAndQuotesAndNamesTheBadCell() throws {
        let table = try DataTable(csv: "\"a\",b\r\n1,2.5\r\n\r\n3,-4e-1\r\n")
        #expect(table.columnNames == ["a", "b"])
        #expect(table.columns == [[1, 3], [2.5, -0.4]])
        #expect(throws: AnalysisError.invalidTable(
            "t.csv line 3, column 'b': 'x' is not a finite number; analyses need numeric columns (select others with --columns)"
        )) { try DataTable(csv: "a,b\n1,2\n3,x\n", source: "t.csv") }
        #expect(throws: AnalysisError.self) { try DataTable(csv: "a,b\n1\n") }
    }
}

@Suite struct PythonSetOrderTests {
    @Test func tupleHashesAreCPythons() {
        // hash(()), hash((1, 2)), hash((3, 13)) in CPython 3.11.
        #expect(Int64(bitPattern: PythonSetOrder.tupleHash([])) == 5_740_354_900_026_072_187)
        #expect(Int64(bitPattern: PythonSetOrder.tupleHash([1, 2])) == -3_550_055_125_485_641_917)
        #expect(Int64(bitPattern: PythonSetOrder.tupleHash([3, 13])) == -1_797_591_366_100_952_047)
    }

    @Test func setOrderIsCPythons() {
        func powerset(_ items: [Int]) -> [[Int]] {
            var result: [[Int]] = []
            for size in 0...items.count {
                var combination = Array(0..<size)
                while true {
                    result.append(combination.map { items[$0] })
                    if !PCEngine.nextCombination(&combination, n: items.count) { break }
                }
            }
            return result
        }
        let ordered = PythonSetOrder.ordered(powerset([0, 2, 5, 7, 11]) + powerset([1, 2, 9, 12]))
        #expect(ordered.count == 46)
        // list(set(powerset([0,2,5,7,11]) + powerset([1,2,9,12])))[:12] in CPython 3.11.
        #expect(Array(ordered.prefix(12)) == [
            [2], [0, 5, 7], [5], [11], [5, 7], [2, 5, 7], [0, 2], [0, 5], [0, 2, 5, 7, 11], [2, 5], [2, 11], [1, 9],
        ])
    }
}

@Suite struct NumPyCompatibilityTests {
    @Test func randomStateStandardNormalIsNumPys() {
        // numpy.random.RandomState(0).standard_normal(3)
        var generator = NumPyRandomState(seed: 0)
        #expect(generator.standardNormal() == 1.764_052_345_967_664)
        #expect(generator.standardNormal() == 0.400_157_208_367_223_3)
        #expect(generator.standardNormal() == 0.978_737_984_105_739_2)
    }

    @Test func randomStateSeedAndShuffleAreNumPys() {
        // numpy.random.RandomState(0).randint(2**31); RandomState(7).shuffle(arange(10)) twice.
        var seeding = NumPyRandomState(seed: 0)
        #expect(seeding.randomSeed31() == 209_652_396)
        var generator = NumPyRandomState(seed: 7)
        var values = Array(0..<10)
        generator.shuffle(&values)
        #expect(values == [8, 5, 0, 2, 1, 9, 7, 3, 6, 4])
        generator.shuffle(&values)
        #expect(values == [5, 2, 0, 9, 4, 8, 1, 7, 3, 6])
    }

    @Test func pairwiseSumDiffersFromSequentialAsNumPys() {
        let values = (0..<1000).map { Double($0 % 7) * 0.1 + 1e-3 * Double($0) }
        // Both are sums of the same values; they may differ in the last bits, never by more.
        #expect(abs(NumPySum.pairwise(values) - NumPySum.sequential(values)) < 1e-9)
        #expect(NumPySum.pairwise([1, 2, 3]) == 6)
    }
}
