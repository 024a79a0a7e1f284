/// An NSGA-Net macro genome, as the A4NN workflow writes it: a list of phases, each a list of bits, such as
/// `[[0, 0, 0, 1, 1, 0, 1], [0, 0, 0, 0, 0, 1, 0], [0, 0, 1, 0, 1, 1, 0]]`.
///
/// **Bit order.** A phase with `n` nodes has `n(n-1)/2 + 1` bits. The first `n(n-1)/2` bits are the node
/// connections listed, for each node `j = 2…n` in turn, from each earlier node `i = 1…j-1`:
/// `(1→2), (1→3), (2→3), (1→4), (2→4), (3→4)` for four nodes. The last bit is the phase's residual (skip)
/// connection. Seven bits therefore mean four nodes. This is NSGA-Net's macro encoding (Lu et al., GECCO 2019)
/// flattened into one list per phase.
///
/// Worked example, the phase `[0, 0, 0, 1, 1, 0, 1]`: connections `1→4` and `2→4` (2 connections), skip bit 1,
/// active nodes 1, 2 and 4 (3 active nodes).
public struct NSGANetGenome: Hashable, Sendable {
    /// One phase (a stage of nodes between two pooling steps) of the genome.
    public struct Phase: Hashable, Sendable {
        /// The phase's bits, as written.
        public var bits: [Int]
        /// The number of nodes `n`, from the bit count `n(n-1)/2 + 1`.
        public var nodeCount: Int
        /// The connections switched on, as 1-based `(from, to)` node pairs in genome order.
        public var connections: [Connection]
        /// Whether the phase's residual (skip) connection is on: its last bit.
        public var skip: Bool

        /// A directed connection between two nodes of a phase, 1-based, `from < to`.
        public struct Connection: Hashable, Sendable {
            /// The source node.
            public var from: Int
            /// The target node.
            public var to: Int

            /// Creates a connection.
            public init(from: Int, to: Int) {
                self.from = from
                self.to = to
            }
        }

        /// Decodes a phase from its bits.
        /// - Returns: `nil` unless every bit is 0 or 1 and the count is `n(n-1)/2 + 1` for some `n ≥ 1`.
        public init?(bits: [Int]) {
            guard bits.allSatisfy({ $0 == 0 || $0 == 1 }), let nodes = Self.nodeCount(bitCount: bits.count) else {
                return nil
            }
            self.bits = bits
            self.nodeCount = nodes
            self.skip = bits[bits.count - 1] == 1
            var connections: [Connection] = []
            var position = 0
            for target in stride(from: 2, through: nodes, by: 1) {
                for source in 1..<target {
                    if bits[position] == 1 {
                        connections.append(Connection(from: source, to: target))
                    }
                    position += 1
                }
            }
            self.connections = connections
        }

        /// The number of connections switched on (the 1 bits among the connection bits).
        public var connectionCount: Int { connections.count }

        /// The number of nodes with at least one connection in or out.
        public var activeNodeCount: Int {
            Set(connections.flatMap { [$0.from, $0.to] }).count
        }

        /// The `n` for which `n(n-1)/2 + 1 == bitCount`, or `nil` when there is none.
        public static func nodeCount(bitCount: Int) -> Int? {
            guard bitCount >= 1 else { return nil }
            var nodes = 1
            while nodes * (nodes - 1) / 2 + 1 < bitCount {
                nodes += 1
            }
            return nodes * (nodes - 1) / 2 + 1 == bitCount ? nodes : nil
        }
    }

    /// The phases in order.
    public var phases: [Phase]

    /// Creates a genome from decoded phases.
    public init(phases: [Phase]) {
        self.phases = phases
    }

    /// Parses the textual form `[[b, b, …], [b, …], …]` (whitespace, line breaks included, is ignored).
    /// - Returns: `nil` when the text is not a list of bit lists of valid phase lengths.
    public init?(parsing text: some StringProtocol) {
        guard let genome = try? Self.parse(text) else { return nil }
        self = genome
    }

    /// The sum of every phase's connection count.
    public var totalConnections: Int { phases.reduce(0) { $0 + $1.connectionCount } }

    /// The sum of every phase's active node count.
    public var totalActiveNodes: Int { phases.reduce(0) { $0 + $1.activeNodeCount } }

    /// Parses the textual form, saying what is wrong when it cannot.
    static func parse(_ text: some StringProtocol) throws(GenomeSyntaxError) -> NSGANetGenome {
        var bytes = Array(text.utf8).filter { ![0x20, 0x09, 0x0A, 0x0D].contains($0) }[...]  // whitespace is ignored
        func expect(_ character: Character) throws(GenomeSyntaxError) {
            guard let first = bytes.first, first == character.asciiValue else {
                throw GenomeSyntaxError(
                    message: "expected '\(character)' in a genome such as [[0, 1, 0, 1], [1, 0, 0, 0]]")
            }
            bytes.removeFirst()
        }
        try expect("[")
        var phases: [Phase] = []
        if bytes.first == UInt8(ascii: "]") {
            bytes.removeFirst()
        } else {
            while true {
                try expect("[")
                var bits: [Int] = []
                while let first = bytes.first, first != UInt8(ascii: "]") {
                    if !bits.isEmpty {
                        try expect(",")
                    }
                    guard let digit = bytes.first, digit == UInt8(ascii: "0") || digit == UInt8(ascii: "1") else {
                        throw GenomeSyntaxError(message: "phase \(phases.count + 1): expected a bit, 0 or 1")
                    }
                    bits.append(Int(digit - UInt8(ascii: "0")))
                    bytes.removeFirst()
                }
                try expect("]")
                guard let phase = Phase(bits: bits) else {
                    throw GenomeSyntaxError(
                        message: "phase \(phases.count + 1) has \(bits.count) bits; a phase of n nodes has "
                            + "n(n-1)/2 + 1 bits (1, 2, 4, 7, 11, …)")
                }
                phases.append(phase)
                if bytes.first == UInt8(ascii: ",") {
                    bytes.removeFirst()
                    continue
                }
                try expect("]")
                break
            }
        }
        guard bytes.isEmpty else {
            throw GenomeSyntaxError(message: "unexpected text after the genome's closing ']'")
        }
        return NSGANetGenome(phases: phases)
    }
}

/// Why a genome's text could not be read.
struct GenomeSyntaxError: Error {
    var message: String
}
