/// Options of the PC algorithm; the defaults are causal-learn's `pc()` defaults.
public struct ProvPCOptions: Sendable, Hashable, Codable {
    /// How unshielded colliders are found (causal-learn's `uc_rule`).
    public enum ColliderRule: Int, Sendable, Hashable, Codable, CaseIterable {
        /// 0, `uc_sepset`: x → y ← z iff y is in none of the separating sets of (x, z).
        case sepset = 0
        /// 1, `maxP`: iff the largest p-value of x ⫫ z | S over sets S without y exceeds the largest with y.
        case maxP = 1
        /// 2, `definiteMaxP`: maxP restricted to definite colliders, followed by Meek rules on definite triples.
        case definiteMaxP = 2
    }

    /// Significance level: an edge is removed iff a test's p-value exceeds it. 0 < alpha < 1.
    public var alpha: Double
    /// Stable (order-independent) skeleton search: removals apply at the end of each depth.
    public var stable: Bool
    /// The collider rule.
    public var colliderRule: ColliderRule
    /// causal-learn's `uc_priority`: 0 overwrite, 1 orient bidirected, 2 keep existing colliders, 3 stronger
    /// colliders first (ascending max p with y), 4 stronger* first (descending max p without y); −1 the rule's own
    /// default (3 for sepset and maxP, 4 for definiteMaxP). definiteMaxP accepts 2, 3, 4 only.
    public var colliderPriority: Int
    /// The largest conditioning-set size tried (`max_k`); nil for no limit.
    public var maxConditioningSize: Int?
    /// Background knowledge; nil for none.
    public var backgroundKnowledge: ProvBackgroundKnowledge?
    /// Whether to keep the log of every CI test (costs memory on large searches).
    public var recordTests: Bool

    /// Options; defaults as causal-learn's `pc()`.
    public init(
        alpha: Double = 0.05, stable: Bool = true, colliderRule: ColliderRule = .sepset, colliderPriority: Int = 2,
        maxConditioningSize: Int? = nil, backgroundKnowledge: ProvBackgroundKnowledge? = nil, recordTests: Bool = true
    ) {
        self.alpha = alpha
        self.stable = stable
        self.colliderRule = colliderRule
        self.colliderPriority = colliderPriority
        self.maxConditioningSize = maxConditioningSize
        self.backgroundKnowledge = backgroundKnowledge
        self.recordTests = recordTests
    }

    /// The priority actually used: −1 replaced by the rule's default.
    public var effectivePriority: Int {
        guard colliderPriority == -1 else { return colliderPriority }
        return colliderRule == .definiteMaxP ? 4 : 3
    }

    func validate() throws(AnalysisError) {
        guard alpha > 0, alpha < 1 else { throw .invalidOption("alpha must be between 0 and 1 (exclusive); got \(alpha)") }
        guard (-1...4).contains(colliderPriority) else {
            throw .invalidOption("uc_priority must be -1, 0, 1, 2, 3 or 4; got \(colliderPriority)")
        }
        if colliderRule == .definiteMaxP, ![2, 3, 4].contains(effectivePriority) {
            throw .invalidOption("uc_rule 2 (definiteMaxP) supports uc_priority 2, 3 or 4; got \(colliderPriority)")
        }
        if let k = maxConditioningSize, k < 0 {
            throw .invalidOption("max_k must be 0 or more; got \(k)")
        }
    }
}

/// One conditional-independence test PC asked for, in order.
public struct ProvCITestRecord: Sendable, Hashable, Codable {
    /// 0-based position in the sequence of calls.
    public let seq: Int
    /// The smaller variable index.
    public let x: Int
    /// The larger variable index.
    public let y: Int
    /// The conditioning set, ascending.
    public let conditioningSet: [Int]
    /// The p-value.
    public let pValue: Double
    /// Whether the p-value came from the cache (the same test was asked before).
    public let cacheHit: Bool

    enum CodingKeys: String, CodingKey {
        case seq, x, y, conditioningSet = "S", pValue = "p", cacheHit = "cache_hit"
    }
}

/// The separating sets recorded for a removed adjacency: causal-learn's `sepset[x, y]` (one tuple per side that
/// removed it at its depth, each the union of that side's separating sets).
public struct ProvSepset: Sendable, Hashable, Codable {
    public let x: Int
    public let y: Int
    /// Each recorded set, ascending.
    public let sets: [[Int]]
}

/// What PC found.
public struct ProvPCResult: Sendable, Hashable, Codable {
    /// The estimated graph (a CPDAG; bidirected edges only with `uc_priority` 1).
    public let graph: ProvCausalGraph
    /// Every CI test in call order (empty unless `recordTests`).
    public let tests: [ProvCITestRecord]
    /// Number of CI test calls, cache hits included.
    public let testCount: Int
    /// Number of distinct tests computed.
    public let distinctTestCount: Int
    /// Separating sets of removed adjacencies (x < y), ordered by (x, y).
    public let sepsets: [ProvSepset]
    /// The options used.
    public let options: ProvPCOptions
    /// Rows of data.
    public let sampleSize: Int

    /// The CI-test log as CSV `seq,x,y,S,p,cache_hit` (S `;`-joined; p with 17 significant digits).
    public var testLogCSV: String {
        var out = "seq,x,y,S,p,cache_hit\n"
        for t in tests {
            out += "\(t.seq),\(t.x),\(t.y),\(t.conditioningSet.map(String.init).joined(separator: ";")),"
            out += "\(t.pValue.description),\(t.cacheHit ? 1 : 0)\n"
        }
        return out
    }
}

/// The JSON form of a PC result for programs (CLI `--json`, the native API): the interchange edges plus
/// causal-learn's mark matrix, test counts, separating sets by name and the options.
public struct ProvPCReport: Sendable, Hashable, Codable {
    public let nodes: [String]
    public let directed: [[String]]
    public let undirected: [[String]]
    public let bidirected: [[String]]
    /// causal-learn's `G.graph`.
    public let graph: [[Int]]
    public let ciTests: Int
    public let distinctCITests: Int
    public let sepsets: [Sepset]
    public let options: ProvPCOptions
    public let sampleSize: Int

    /// A separating-set entry by name.
    public struct Sepset: Sendable, Hashable, Codable {
        public let x: String
        public let y: String
        public let sets: [[String]]
    }

    enum CodingKeys: String, CodingKey {
        case nodes, directed, undirected, bidirected, graph, ciTests = "ci_tests"
        case distinctCITests = "distinct_ci_tests", sepsets, options, sampleSize = "n"
    }

    /// The report of a result.
    public init(_ result: ProvPCResult) {
        let interchange = result.graph.interchange
        let names = result.graph.nodes
        nodes = names
        directed = interchange.directed
        undirected = interchange.undirected
        bidirected = interchange.bidirected
        graph = result.graph.matrix
        ciTests = result.testCount
        distinctCITests = result.distinctTestCount
        sepsets = result.sepsets.map { Sepset(x: names[$0.x], y: names[$0.y], sets: $0.sets.map { $0.map { names[$0] } }) }
        options = result.options
        sampleSize = result.sampleSize
    }
}
