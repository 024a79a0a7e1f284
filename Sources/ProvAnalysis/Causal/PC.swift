/// The PC causal discovery algorithm, reproducing causal-learn 0.1.4.8's `pc` step for step: the same CI tests in
/// the same order, the same separating sets, the same collider and Meek orientations, and therefore the same
/// `G.graph`. See docs/analysis.md for the semantics, quirks included.
public enum ProvPC {
    /// Runs PC with Fisher-z tests on every column of `table`.
    /// - Throws: `AnalysisError` for invalid options, unknown names in the background knowledge, a constant column,
    ///   a singular correlation block or too few rows.
    public static func run(_ table: DataTable, options: ProvPCOptions = ProvPCOptions()) throws(AnalysisError)
        -> ProvPCResult
    {
        try options.validate()
        guard table.columnCount >= 2 else {
            throw .insufficientData("PC needs at least 2 columns; the table has \(table.columnCount)")
        }
        let test = try ProvFisherZTest(table: table)
        var knowledge: ResolvedKnowledge?
        if let given = options.backgroundKnowledge { knowledge = try given.resolve(nodes: table.columnNames) }
        var engine = PCEngine(test: test, options: options, knowledge: knowledge)
        try engine.skeleton()
        if knowledge != nil { engine.orientByKnowledge() }
        switch options.colliderRule {
        case .sepset: try engine.collidersBySepset(priority: options.effectivePriority)
        case .maxP: try engine.collidersByMaxP(priority: options.effectivePriority)
        case .definiteMaxP:
            try engine.collidersByDefiniteMaxP(priority: options.effectivePriority)
            engine.definiteMeek()
        }
        engine.meek()
        let p = table.columnCount
        var sepsets: [ProvSepset] = []
        for x in 0..<p {
            for y in (x + 1)..<p {
                if let sets = engine.sepset[x * p + y] { sepsets.append(ProvSepset(x: x, y: y, sets: sets)) }
            }
        }
        return ProvPCResult(
            graph: ProvCausalGraph(nodes: table.columnNames, marks: engine.state.marks.map(Int.init)),
            tests: engine.log, testCount: engine.calls, distinctTestCount: engine.cache.count, sepsets: sepsets,
            options: options, sampleSize: table.rowCount)
    }
}

/// causal-learn's `GeneralGraph` reduced to what PC touches: endpoint marks and the `dpath` ancestor matrix with its
/// exact (non-transitive) update rule.
struct PCGraphState {
    let p: Int
    /// marks[i·p + j] = G.graph[i, j].
    var marks: [Int8]
    /// dpath[j·p + i] = 1 ⇔ i is recorded as an ancestor of j.
    var dpath: [Bool]

    init(complete p: Int) {
        self.p = p
        marks = [Int8](repeating: -1, count: p * p)
        for i in 0..<p { marks[i * p + i] = 0 }
        dpath = [Bool](repeating: false, count: p * p)
        reconstituteAncestors()
    }

    func mark(_ i: Int, _ j: Int) -> Int8 { marks[i * p + j] }
    func adjacent(_ i: Int, _ j: Int) -> Bool { marks[i * p + j] != 0 }
    func isFullyDirected(_ i: Int, _ j: Int) -> Bool { mark(i, j) == -1 && mark(j, i) == 1 }
    func isUndirected(_ i: Int, _ j: Int) -> Bool { mark(i, j) == -1 && mark(j, i) == -1 }
    /// `G.is_ancestor_of(a, b)`: dpath[b, a].
    func isAncestor(_ a: Int, of b: Int) -> Bool { dpath[b * p + a] }

    func neighbors(_ i: Int) -> [Int] { (0..<p).filter { marks[i * p + $0] != 0 } }
    func maxDegree() -> Int { (0..<p).map { i in (0..<p).reduce(0) { $0 + (marks[i * p + $1] != 0 ? 1 : 0) } }.max() ?? 0 }

    /// `adjust_dpath(i, j)` after adding i → j.
    mutating func adjustAncestors(_ i: Int, _ j: Int) {
        dpath[j * p + i] = true
        for k in 0..<p {
            if dpath[i * p + k] { dpath[j * p + k] = true }
            if dpath[k * p + j] { dpath[k * p + i] = true }
        }
    }

    /// `reconstitute_dpath(get_graph_edges())`: reset, then replay fully directed edges popped from the end of the
    /// row-major (i < j) edge list.
    mutating func reconstituteAncestors() {
        dpath = [Bool](repeating: false, count: p * p)
        for i in 0..<p { adjustAncestors(i, i) }
        var edges: [(Int, Int)] = []
        for i in 0..<p {
            for j in (i + 1)..<max(i + 1, p) where [-1, 1, 2].contains(mark(j, i)) { edges.append((i, j)) }
        }
        while let (i, j) = edges.popLast() {
            if isFullyDirected(i, j) {
                adjustAncestors(i, j)
            } else if isFullyDirected(j, i) {
                adjustAncestors(j, i)
            }
        }
    }

    /// `remove_edge`: clears the adjacency; if it was fully directed, rebuilds the ancestor matrix.
    mutating func removeEdge(_ i: Int, _ j: Int) {
        let wasDirected = isFullyDirected(i, j) || isFullyDirected(j, i)
        marks[i * p + j] = 0
        marks[j * p + i] = 0
        if wasDirected { reconstituteAncestors() }
    }

    /// `add_edge(Edge(i, j, TAIL, ARROW))` on a cleared adjacency.
    mutating func addDirected(_ i: Int, _ j: Int) {
        marks[j * p + i] = 1
        marks[i * p + j] = -1
        adjustAncestors(i, j)
    }

    /// `add_edge(Edge(i, j, ARROW, ARROW))` on a cleared adjacency.
    mutating func addBidirected(_ i: Int, _ j: Int) {
        marks[j * p + i] = 1
        marks[i * p + j] = 1
    }

    /// `find_adj`: (j, i) for every G[i, j] = −1 in row-major order, then for every G[i, j] = 1.
    func adjacencyList() -> [(Int, Int)] {
        var list: [(Int, Int)] = []
        for value: Int8 in [-1, 1] {
            for i in 0..<p { for j in 0..<p where marks[i * p + j] == value { list.append((j, i)) } }
        }
        return list
    }

    /// `find_unshielded_triples` (in `itertools.permutations` order).
    func unshieldedTriples() -> [(Int, Int, Int)] {
        pairedAdjacencies { a0, b1, _ in marks[a0 * p + b1] == 0 }
    }

    /// `find_triangles`: as above, with (a₀, b₁) itself in the adjacency list.
    func triangles() -> [(Int, Int, Int)] {
        pairedAdjacencies { a0, b1, inAdjacency in inAdjacency[a0 * p + b1] }
    }

    /// (a₀, a₁, b₁) over ordered pairs (a, b) of `find_adj` entries with a₁ = b₀ and a₀ ≠ b₁, in
    /// `itertools.permutations` order, kept when `keep(a₀, b₁, inAdjacency)` holds.
    private func pairedAdjacencies(_ keep: (Int, Int, [Bool]) -> Bool) -> [(Int, Int, Int)] {
        let adj = adjacencyList()
        var inAdjacency = [Bool](repeating: false, count: p * p)
        var byFirst = [[Int]](repeating: [], count: p)
        for (index, pair) in adj.enumerated() {
            inAdjacency[pair.0 * p + pair.1] = true
            byFirst[pair.0].append(index)
        }
        var triples: [(Int, Int, Int)] = []
        for (ia, a) in adj.enumerated() {
            for ib in byFirst[a.1] where ib != ia {
                let b = adj[ib]
                if a.0 != b.1 && keep(a.0, b.1, inAdjacency) { triples.append((a.0, a.1, b.1)) }
            }
        }
        return triples
    }

    /// `find_kites`: pairs of triangles (a, b) with a₀ = b₀, a₂ = b₂, a₁ < b₁, a₁ and b₁ non-adjacent.
    func kites(_ triangles: [(Int, Int, Int)]) -> [(Int, Int, Int, Int)] {
        var groups: [Int: [Int]] = [:]
        for (index, t) in triangles.enumerated() { groups[t.0 * p + t.2, default: []].append(index) }
        var result: [(Int, Int, Int, Int)] = []
        for (ia, a) in triangles.enumerated() {
            for ib in groups[a.0 * p + a.2] ?? [] where ib != ia {
                let b = triangles[ib]
                if a.1 < b.1 && mark(a.1, b.1) == 0 { result.append((a.0, a.1, b.1, a.2)) }
            }
        }
        return result
    }
}

/// The PC run: test cache and log, skeleton, sepsets, orientation phases.
struct PCEngine {
    let test: ProvFisherZTest
    let options: ProvPCOptions
    let knowledge: ResolvedKnowledge?
    let p: Int
    var state: PCGraphState
    /// sepset[x·p + y]: causal-learn's `cg.sepset[x, y]` (sets sorted ascending).
    var sepset: [[[Int]]?]
    var cache: [CIKey: Double] = [:]
    var log: [ProvCITestRecord] = []
    var calls = 0
    var definiteColliders: [(Int, Int, Int)] = []
    var definiteNonColliders: [(Int, Int, Int)] = []

    struct CIKey: Hashable {
        let x: Int32
        let y: Int32
        let set: [Int32]
    }

    init(test: ProvFisherZTest, options: ProvPCOptions, knowledge: ResolvedKnowledge?) {
        self.test = test
        self.options = options
        self.knowledge = knowledge
        p = test.variableCount
        state = PCGraphState(complete: p)
        sepset = [[[Int]]?](repeating: nil, count: p * p)
    }

    /// `cg.ci_test(x, y, S)` through the p-value cache, logged.
    mutating func ciTest(_ a: Int, _ b: Int, _ s: [Int]) throws(AnalysisError) -> Double {
        let (x, y) = a < b ? (a, b) : (b, a)
        let sorted = s.sorted()
        let key = CIKey(x: Int32(x), y: Int32(y), set: sorted.map { Int32($0) })
        let value: Double
        let hit: Bool
        if let cached = cache[key] {
            value = cached
            hit = true
        } else {
            value = try test.pValue(x, y, given: sorted)
            cache[key] = value
            hit = false
        }
        if options.recordTests {
            log.append(ProvCITestRecord(seq: calls, x: x, y: y, conditioningSet: sorted, pValue: value, cacheHit: hit))
        }
        calls += 1
        return value
    }

    func forbidden(_ a: Int, _ b: Int) -> Bool { knowledge?.isForbidden(a, b) ?? false }
    func required(_ a: Int, _ b: Int) -> Bool { knowledge?.isRequired(a, b) ?? false }

    mutating func appendSepset(_ x: Int, _ y: Int, _ set: [Int]) {
        let sorted = set.sorted()
        sepset[x * p + y] = (sepset[x * p + y] ?? []) + [sorted]
        sepset[y * p + x] = (sepset[y * p + x] ?? []) + [sorted]
    }

    /// `SkeletonDiscovery.skeleton_discovery`.
    mutating func skeleton() throws(AnalysisError) {
        let alpha = options.alpha
        let stable = options.stable
        var depth = -1
        while state.maxDegree() - 1 > depth {
            depth += 1
            if let maxK = options.maxConditioningSize, depth > maxK { break }
            var removal: [(Int, Int)] = []
            var marked = Set<Int>()
            for x in 0..<p {
                let neighbors = state.neighbors(x)
                if neighbors.count < depth - 1 { continue }
                yLoop: for y in neighbors {
                    var union = Set<Int>()
                    if forbidden(x, y) && forbidden(y, x) {
                        if !stable {
                            state.removeEdge(x, y)
                            appendSepset(x, y, [])
                            break yLoop
                        }
                        removal.append((x, y))
                        removal.append((y, x))
                        marked.insert(x * p + y)
                        marked.insert(y * p + x)
                    }
                    let candidates = neighbors.filter { $0 != y }
                    var separated = false
                    if depth <= candidates.count {
                        var combination = Array(0..<depth)
                        while true {
                            let s = combination.map { candidates[$0] }
                            let pValue = try ciTest(x, y, s)
                            if pValue > alpha {
                                if !stable {
                                    state.removeEdge(x, y)
                                    appendSepset(x, y, s)
                                    separated = true
                                } else {
                                    removal.append((x, y))
                                    removal.append((y, x))
                                    marked.insert(x * p + y)
                                    marked.insert(y * p + x)
                                    union.formUnion(s)
                                }
                            }
                            if separated || !Self.nextCombination(&combination, n: candidates.count) { break }
                        }
                    }
                    if marked.contains(x * p + y) || !state.adjacent(x, y) {
                        appendSepset(x, y, Array(union))
                    }
                }
            }
            for (x, y) in removal where state.adjacent(x, y) { state.removeEdge(x, y) }
        }
    }

    /// Advances `indices` (a k-subset of 0..<n, ascending) to the next in lexicographic order; false when done.
    static func nextCombination(_ indices: inout [Int], n: Int) -> Bool {
        let k = indices.count
        var i = k - 1
        while i >= 0 && indices[i] == n - k + i { i -= 1 }
        if i < 0 { return false }
        indices[i] += 1
        for j in (i + 1)..<max(i + 1, k) { indices[j] = indices[j - 1] + 1 }
        return true
    }

    /// `orient_by_background_knowledge`.
    mutating func orientByKnowledge() {
        var edges: [(Int, Int)] = []
        for i in 0..<p {
            for j in (i + 1)..<max(i + 1, p) where [-1, 1, 2].contains(state.mark(j, i)) { edges.append((i, j)) }
        }
        for (a, b) in edges where state.isUndirected(a, b) {
            if forbidden(b, a) {
                state.removeEdge(a, b)
                state.addDirected(a, b)
            } else if forbidden(a, b) {
                state.removeEdge(a, b)
                state.addDirected(b, a)
            } else if required(b, a) {
                state.removeEdge(a, b)
                state.addDirected(b, a)
            } else if required(a, b) {
                state.removeEdge(a, b)
                state.addDirected(a, b)
            }
        }
    }

    func knowledgeBlocksCollider(_ x: Int, _ y: Int, _ z: Int) -> Bool {
        knowledge != nil && (forbidden(x, y) || forbidden(z, y) || required(y, x) || required(y, z))
    }

    /// Orients x → y ← z under priorities 0, 1 and 2 (and the final pass of 3/4, which is priority 2's rule).
    mutating func orientCollider(_ x: Int, _ y: Int, _ z: Int, priority: Int) {
        switch priority {
        case 0:
            state.removeEdge(x, y)
            state.addDirected(x, y)
            state.removeEdge(y, z)
            state.addDirected(z, y)
        case 1:
            for a in [x, z] {
                if state.isUndirected(a, y) {
                    state.removeEdge(a, y)
                    state.addDirected(a, y)
                } else if state.isFullyDirected(y, a) {
                    state.removeEdge(a, y)
                    state.addBidirected(a, y)
                }
            }
        default:
            if !state.isFullyDirected(y, x) && !state.isFullyDirected(y, z) {
                state.removeEdge(x, y)
                state.addDirected(x, y)
                state.removeEdge(z, y)
                state.addDirected(z, y)
            }
        }
    }

    /// `find_cond_sets(x, z)`: the union of the power sets of both neighbourhoods, in the order causal-learn's
    /// `list(set(...))` gives it (see ``PythonSetOrder``).
    func conditioningSets(_ x: Int, _ z: Int) throws(AnalysisError) -> [[Int]] {
        let nx = state.neighbors(x)
        let nz = state.neighbors(z)
        guard nx.count <= 20, nz.count <= 20 else {
            throw .insufficientData(
                "maxP and uc_priority 3/4 test every subset of a neighbourhood; a node has \(max(nx.count, nz.count)) "
                    + "neighbours (2^\(max(nx.count, nz.count)) tests); use uc_rule 0 with priority 0-2, or lower alpha")
        }
        var all: [[Int]] = []
        for neighbors in [nx, nz] {
            for size in 0...neighbors.count {
                var combination = Array(0..<size)
                while true {
                    all.append(combination.map { neighbors[$0] })
                    if !Self.nextCombination(&combination, n: neighbors.count) { break }
                }
            }
        }
        return PythonSetOrder.ordered(all)
    }

    /// Stable sort of candidate colliders by score (Python's `sorted`, ascending or descending).
    static func ordered(_ scored: [((Int, Int, Int), Double)], descending: Bool) -> [(Int, Int, Int)] {
        scored.enumerated().sorted { a, b in
            if a.element.1 != b.element.1 { return descending ? a.element.1 > b.element.1 : a.element.1 < b.element.1 }
            return a.offset < b.offset
        }.map(\.element.0)
    }

    /// `UCSepset.uc_sepset`.
    mutating func collidersBySepset(priority: Int) throws(AnalysisError) {
        let triples = state.unshieldedTriples().filter { $0.0 < $0.2 }
        var candidates: [(Int, Int, Int)] = []
        for (x, y, z) in triples {
            if knowledgeBlocksCollider(x, y, z) { continue }
            let sets = sepset[x * p + z] ?? []
            guard sets.allSatisfy({ !$0.contains(y) }) else { continue }
            if priority <= 2 {
                orientCollider(x, y, z, priority: priority)
            } else {
                candidates.append((x, y, z))
            }
        }
        guard priority > 2 else { return }
        var scored: [((Int, Int, Int), Double)] = []
        for (x, y, z) in candidates {
            var best = -Double.infinity
            for s in try conditioningSets(x, z) where s.contains(y) == (priority == 3) {
                best = max(best, try ciTest(x, z, s))
            }
            scored.append(((x, y, z), best))
        }
        for (x, y, z) in Self.ordered(scored, descending: priority == 4) {
            if knowledgeBlocksCollider(x, y, z) { continue }
            orientCollider(x, y, z, priority: 2)
        }
    }

    /// `UCSepset.maxp`.
    mutating func collidersByMaxP(priority: Int) throws(AnalysisError) {
        let triples = state.unshieldedTriples().filter { $0.0 < $0.2 }
        var scored: [((Int, Int, Int), Double)] = []
        for (x, y, z) in triples {
            if knowledgeBlocksCollider(x, y, z) { continue }
            let sets = try conditioningSets(x, z)
            var withY = -Double.infinity
            for s in sets where s.contains(y) { withY = max(withY, try ciTest(x, z, s)) }
            var withoutY = -Double.infinity
            for s in sets where !s.contains(y) { withoutY = max(withoutY, try ciTest(x, z, s)) }
            guard withoutY > withY else { continue }
            switch priority {
            case 0, 1, 2: orientCollider(x, y, z, priority: priority)
            case 3: scored.append(((x, y, z), withY))
            default: scored.append(((x, y, z), withoutY))
            }
        }
        guard priority > 2 else { return }
        for (x, y, z) in Self.ordered(scored, descending: priority == 4) {
            if knowledgeBlocksCollider(x, y, z) { continue }
            orientCollider(x, y, z, priority: 2)
        }
    }

    /// `UCSepset.definite_maxp`.
    mutating func collidersByDefiniteMaxP(priority: Int) throws(AnalysisError) {
        let alpha = options.alpha
        let triples = state.unshieldedTriples().filter { $0.0 < $0.2 }
        var scored: [((Int, Int, Int), Double)] = []
        for (x, y, z) in triples {
            let sets = try conditioningSets(x, z)
            var maxWith = 0.0
            var maxWithout = 0.0
            var collider = true
            var nonCollider = true
            for s in sets where s.contains(y) {
                let pValue = try ciTest(x, z, s)
                if pValue > alpha {
                    collider = false
                    break
                } else if pValue > maxWith {
                    maxWith = pValue
                }
            }
            for s in sets where !s.contains(y) {
                let pValue = try ciTest(x, z, s)
                if pValue > alpha {
                    nonCollider = false
                    if !collider { break }
                }
                if pValue > maxWithout { maxWithout = pValue }
            }
            if collider {
                if nonCollider && !(maxWithout > maxWith) {
                    definiteNonColliders.append((x, y, z))
                } else {
                    scored.append(((x, y, z), priority == 4 ? maxWithout : maxWith))
                }
            } else if nonCollider {
                definiteNonColliders.append((x, y, z))
            }
        }
        let order = priority == 2 ? scored.map(\.0) : Self.ordered(scored, descending: priority == 4)
        for (x, y, z) in order {
            if knowledgeBlocksCollider(x, y, z) { continue }
            if !state.isFullyDirected(y, x) && !state.isFullyDirected(y, z) {
                orientCollider(x, y, z, priority: 2)
                definiteColliders.append((x, y, z))
            }
        }
    }

    /// Orients a → b unless knowledge forbids it or a Meek rule's ancestor check fails; true if it did.
    mutating func meekOrient(_ a: Int, _ b: Int) -> Bool {
        if knowledge != nil && (forbidden(a, b) || required(b, a)) { return false }
        guard state.adjacent(a, b) else { return false }
        if state.isAncestor(b, of: a) { return false }
        state.removeEdge(a, b)
        state.addDirected(a, b)
        return true
    }

    /// `Meek.meek`: rules R1–R3 until nothing changes, with causal-learn's ancestor bookkeeping.
    mutating func meek() {
        let unshielded = state.unshieldedTriples()
        let triangles = state.triangles()
        let kites = state.kites(triangles)
        var changed = true
        while changed {
            changed = false
            for (i, j, k) in unshielded where state.isFullyDirected(i, j) && state.isUndirected(j, k) {
                if meekOrient(j, k) { changed = true }
            }
            for (i, j, k) in triangles
            where state.isFullyDirected(i, j) && state.isFullyDirected(j, k) && state.isUndirected(i, k) {
                if meekOrient(i, k) { changed = true }
            }
            for (i, j, k, l) in kites
            where state.isUndirected(i, j) && state.isUndirected(i, k) && state.isFullyDirected(j, l)
                && state.isFullyDirected(k, l) && state.isUndirected(i, l)
            {
                if meekOrient(i, l) { changed = true }
            }
        }
    }

    /// `Meek.definite_meek` (uc_rule 2): R1 over definite non-colliders, R2, and R3 over definite kites.
    mutating func definiteMeek() {
        let triangles = state.triangles()
        let kites = state.kites(triangles)
        func contains(_ list: [(Int, Int, Int)], _ t: (Int, Int, Int)) -> Bool {
            list.contains { $0 == t }
        }
        var changed = true
        while changed {
            changed = false
            for (i, j, k) in definiteNonColliders {
                if state.isFullyDirected(i, j) && state.isUndirected(j, k) && !(knowledge != nil && (forbidden(j, k) || required(k, j))) {
                    if meekOrient(j, k) { changed = true }
                } else if state.isFullyDirected(k, j) && state.isUndirected(j, i) && !(knowledge != nil && (forbidden(j, i) || required(i, j))) {
                    if meekOrient(j, i) { changed = true }
                }
            }
            for (i, j, k) in triangles
            where state.isFullyDirected(i, j) && state.isFullyDirected(j, k) && state.isUndirected(i, k) {
                if meekOrient(i, k) { changed = true }
            }
            for (i, j, k, l) in kites
            where (contains(definiteColliders, (j, l, k)) || contains(definiteColliders, (k, l, j)))
                && (contains(definiteNonColliders, (j, i, k)) || contains(definiteNonColliders, (k, i, j)))
                && state.isUndirected(i, l)
            {
                if meekOrient(i, l) { changed = true }
            }
        }
    }
}
