import ProvImport
import Testing

@Suite("NSGA-Net genome decoding")
struct NSGANetGenomeTests {
    typealias Connection = NSGANetGenome.Phase.Connection

    /// Worked by hand. Connection bits in order (1→2), (1→3), (2→3), (1→4), (2→4), (3→4), then the skip bit.
    /// - Phase 1, 0 0 0 1 1 0 | 1: 1→4 and 2→4; skip on; active nodes {1, 2, 4}.
    /// - Phase 2, 0 0 0 0 0 1 | 0: 3→4; skip off; active nodes {3, 4}.
    /// - Phase 3, 0 0 1 0 1 1 | 0: 2→3, 2→4 and 3→4; skip off; active nodes {2, 3, 4}.
    @Test func handWorkedExample() throws {
        let genome = try #require(
            NSGANetGenome(parsing: "[[0, 0, 0, 1, 1, 0, 1], [0, 0, 0, 0, 0, 1, 0], [0, 0, 1, 0, 1, 1, 0]]"))
        #expect(genome.phases.count == 3)
        #expect(genome.phases.map(\.nodeCount) == [4, 4, 4])
        #expect(genome.phases[0].connections == [Connection(from: 1, to: 4), Connection(from: 2, to: 4)])
        #expect(genome.phases[1].connections == [Connection(from: 3, to: 4)])
        #expect(
            genome.phases[2].connections == [
                Connection(from: 2, to: 3), Connection(from: 2, to: 4), Connection(from: 3, to: 4),
            ])
        #expect(genome.phases.map(\.skip) == [true, false, false])
        #expect(genome.phases.map(\.connectionCount) == [2, 1, 3])
        #expect(genome.phases.map(\.activeNodeCount) == [3, 2, 3])
        #expect(genome.totalConnections == 6)
        #expect(genome.totalActiveNodes == 8)
        #expect(genome.phases[0].bits == [0, 0, 0, 1, 1, 0, 1])
    }

    @Test func bitOrderFollowsTargetNode() throws {
        // Only the third connection bit set: (2→3), not (1→4).
        let phase = try #require(NSGANetGenome.Phase(bits: [0, 0, 1, 0, 0, 0, 0]))
        #expect(phase.connections == [Connection(from: 2, to: 3)])
        #expect(!phase.skip)
        // Only the fourth: (1→4).
        #expect(NSGANetGenome.Phase(bits: [0, 0, 0, 1, 0, 0, 0])?.connections == [Connection(from: 1, to: 4)])
        // An empty phase with only the skip bit on has no active node.
        let empty = try #require(NSGANetGenome.Phase(bits: [0, 0, 0, 0, 0, 0, 1]))
        #expect(empty.connectionCount == 0 && empty.activeNodeCount == 0 && empty.skip)
    }

    @Test func nodeCountFromBitCount() {
        #expect([1, 2, 4, 7, 11, 16].map { NSGANetGenome.Phase.nodeCount(bitCount: $0) } == [1, 2, 3, 4, 5, 6])
        #expect([0, 3, 5, 6, 8, 10].allSatisfy { NSGANetGenome.Phase.nodeCount(bitCount: $0) == nil })
    }

    @Test func spacingIsOptional() {
        #expect(NSGANetGenome(parsing: "[[0,1,1,0],[1,1,1,1]]")?.phases.map(\.connectionCount) == [2, 3])
        #expect(NSGANetGenome(parsing: "[]")?.phases == [])
    }

    @Test(
        "malformed genomes are rejected",
        arguments: [
            "", "[", "[[0, 1, 0, 1]", "[[0, 1, 0, 1]] x", "[[0, 2, 0, 1]]", "[[0, 1, 0]]", "[[0, 1, , 1]]",
            "[0, 1, 0, 1]",
            "[[0, 1, 0, 1],]", "{[0, 1, 0, 1]}",
        ])
    func malformed(_ text: String) {
        #expect(NSGANetGenome(parsing: text) == nil)
    }
}
