/// Background knowledge for PC, with the semantics of causal-learn's `BackgroundKnowledge`.
///
/// Knowledge is a set of forbidden and required directed edges:
/// - **tiers**: a node in a later tier cannot cause a node in an earlier tier (`a → b` is forbidden when
///   tier(a) > tier(b)); with `forbidWithinTiers`, edges between two nodes of that tier are forbidden both ways;
///   nodes without a tier are unconstrained (causal-learn's `add_node_to_tier`, `forbid_within_tier`);
/// - **exogenous** nodes: nothing causes them (`y → x` forbidden for every other `y`; `add_forbidden_by_node`);
/// - explicit **forbidden** and **required** edges.
///
/// How PC uses it (as causal-learn 0.1.4.8 does): an adjacency forbidden in both directions is removed during the
/// skeleton search (its sepset is the union of the separating sets found at that depth, or empty in non-stable
/// mode); after the skeleton, each undirected edge is oriented away from a forbidden direction or along a required
/// one; a collider x → y ← z is not oriented if x → y or z → y is forbidden or y → x or y → z is required; a Meek
/// rule is not applied if the edge it would orient is forbidden in that direction or required the other way.
public struct ProvBackgroundKnowledge: Sendable, Hashable, Codable {
    /// Tier of each named node (0 = earliest). Nodes not listed have no tier.
    public var tiers: [String: Int]
    /// Tiers inside which no edge may be oriented (both directions forbidden).
    public var forbidWithinTiers: [Int]
    /// Nodes nothing may cause (for example the dataset).
    public var exogenous: [String]
    /// Forbidden directed edges `[from, to]`.
    public var forbidden: [[String]]
    /// Required directed edges `[from, to]`.
    public var required: [[String]]

    /// Knowledge from tiers, exogenous nodes and explicit edges (all optional).
    public init(
        tiers: [String: Int] = [:], forbidWithinTiers: [Int] = [], exogenous: [String] = [],
        forbidden: [[String]] = [], required: [[String]] = []
    ) {
        self.tiers = tiers
        self.forbidWithinTiers = forbidWithinTiers
        self.exogenous = exogenous
        self.forbidden = forbidden
        self.required = required
    }

    /// True when no constraint is given.
    public var isEmpty: Bool {
        tiers.isEmpty && exogenous.isEmpty && forbidden.isEmpty && required.isEmpty
    }

    private enum CodingKeys: String, CodingKey {
        case tiers, forbidWithinTiers = "forbid_within_tiers", exogenous, forbidden, required
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        tiers = try container.decodeIfPresent([String: Int].self, forKey: .tiers) ?? [:]
        forbidWithinTiers = try container.decodeIfPresent([Int].self, forKey: .forbidWithinTiers) ?? []
        exogenous = try container.decodeIfPresent([String].self, forKey: .exogenous) ?? []
        forbidden = try container.decodeIfPresent([[String]].self, forKey: .forbidden) ?? []
        required = try container.decodeIfPresent([[String]].self, forKey: .required) ?? []
    }

    /// Resolves names against the table's columns into `forbidden[a·p + b]`/`required[a·p + b]` matrices.
    /// - Throws: `AnalysisError.unknownColumn` for a name the table lacks, `invalidOption` for a negative tier or a
    ///   malformed edge.
    func resolve(nodes: [String]) throws(AnalysisError) -> ResolvedKnowledge {
        let p = nodes.count
        var index: [String: Int] = [:]
        for (i, name) in nodes.enumerated() { index[name] = i }
        func lookup(_ name: String) throws(AnalysisError) -> Int {
            guard let i = index[name] else { throw .unknownColumn(name, available: nodes) }
            return i
        }
        var forbiddenMatrix = [Bool](repeating: false, count: p * p)
        var requiredMatrix = [Bool](repeating: false, count: p * p)
        var tierOf = [Int?](repeating: nil, count: p)
        for (name, tier) in tiers {
            guard tier >= 0 else { throw .invalidOption("tier of '\(name)' is \(tier); tiers are 0, 1, 2, ...") }
            tierOf[try lookup(name)] = tier
        }
        let within = Set(forbidWithinTiers)
        for a in 0..<p {
            for b in 0..<p where a != b {
                guard let ta = tierOf[a], let tb = tierOf[b] else { continue }
                if ta > tb || (ta == tb && within.contains(ta)) { forbiddenMatrix[a * p + b] = true }
            }
        }
        for name in exogenous {
            let x = try lookup(name)
            for y in 0..<p where y != x { forbiddenMatrix[y * p + x] = true }
        }
        for edge in forbidden {
            guard edge.count == 2 else { throw .invalidOption("a forbidden edge is [from, to]; got \(edge)") }
            forbiddenMatrix[try lookup(edge[0]) * p + (try lookup(edge[1]))] = true
        }
        for edge in required {
            guard edge.count == 2 else { throw .invalidOption("a required edge is [from, to]; got \(edge)") }
            requiredMatrix[try lookup(edge[0]) * p + (try lookup(edge[1]))] = true
        }
        return ResolvedKnowledge(size: p, forbidden: forbiddenMatrix, required: requiredMatrix)
    }
}

/// Background knowledge as index matrices.
struct ResolvedKnowledge: Sendable {
    let size: Int
    let forbidden: [Bool]
    let required: [Bool]

    func isForbidden(_ a: Int, _ b: Int) -> Bool { forbidden[a * size + b] }
    func isRequired(_ a: Int, _ b: Int) -> Bool { required[a * size + b] }
}
