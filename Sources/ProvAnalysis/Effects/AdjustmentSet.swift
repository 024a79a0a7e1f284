/// Backdoor adjustment sets from a causal graph.
public enum ProvAdjustment {
    /// The optimal adjustment set (the "O-set" of Henckel, Perković and Maathuis 2022; DoWhy's
    /// `efficient-adjustment` with every node observed): O = pa(cn) \ forb, where cn are the nodes other than the
    /// treatment on directed paths from treatment to outcome, and forb are cn, their descendants, and the treatment.
    /// Among valid adjustment sets it gives the smallest asymptotic variance for linear estimators.
    ///
    /// The graph may be a DAG or a CPDAG from PC. In a CPDAG, an undirected edge at the treatment or at a node on a
    /// possibly causal path to the outcome makes the set depend on an orientation the data did not decide; then this
    /// throws rather than guess, naming the edges to resolve.
    /// - Returns: node names, in graph order.
    /// - Throws: `AnalysisError.unknownColumn` for a name not in the graph, `notIdentified` when the effect is not
    ///   identified (undecided edges, bidirected edges, a cycle) or the outcome is not a descendant of the treatment.
    public static func optimalSet(in graph: ProvCausalGraph, treatment: String, outcome: String) throws(AnalysisError)
        -> [String]
    {
        let nodes = graph.nodes
        let n = nodes.count
        guard let t = nodes.firstIndex(of: treatment) else { throw .unknownColumn(treatment, available: nodes) }
        guard let y = nodes.firstIndex(of: outcome) else { throw .unknownColumn(outcome, available: nodes) }
        guard t != y else { throw .invalidOption("treatment and outcome are the same column '\(treatment)'") }
        var children = [[Int]](repeating: [], count: n)
        var parents = [[Int]](repeating: [], count: n)
        for (a, b) in graph.directedEdges {
            children[a].append(b)
            parents[b].append(a)
        }
        let undirected = graph.undirectedEdges
        var undirectedNeighbours = [[Int]](repeating: [], count: n)
        for (a, b) in undirected {
            undirectedNeighbours[a].append(b)
            undirectedNeighbours[b].append(a)
        }
        if let cycle = findCycle(children: children) {
            throw .notIdentified("the graph has a directed cycle through \(cycle.map { nodes[$0] }.joined(separator: " -> "))")
        }
        // Possibly causal nodes: reachable from t along directed or undirected edges, and able to reach y so.
        let possiblyFromT = reach(from: [t]) { children[$0] + undirectedNeighbours[$0] }
        let possiblyToY = reach(from: [y]) { parents[$0] + undirectedNeighbours[$0] }
        let possiblyCausal = (0..<n).filter { possiblyFromT.contains($0) && possiblyToY.contains($0) }
        let relevant = Set([t] + possiblyCausal)
        let undecided = undirected.filter { relevant.contains($0.0) || relevant.contains($0.1) }
        let bidirected = graph.bidirectedEdges.filter { relevant.contains($0.0) || relevant.contains($0.1) }
        if !undecided.isEmpty || !bidirected.isEmpty {
            let edges =
                undecided.map { "\(nodes[$0.0]) -- \(nodes[$0.1])" } + bidirected.map { "\(nodes[$0.0]) <-> \(nodes[$0.1])" }
            throw .notIdentified(
                "the effect of \(treatment) on \(outcome) is not identified from this graph: the direction of "
                    + "\(edges.joined(separator: ", ")) is undecided and changes which variables to adjust for. "
                    + "Orient them with background knowledge (--tier, --exogenous) or give a DAG (--graph FILE)")
        }
        let descendantsOfT = reach(from: [t]) { children[$0] }
        let ancestorsOfY = reach(from: [y]) { parents[$0] }
        guard descendantsOfT.contains(y) else {
            throw .notIdentified(
                "\(outcome) is not a descendant of \(treatment) in the graph (no directed path \(treatment) -> ... -> "
                    + "\(outcome)), so the graph says \(treatment) has no causal effect on \(outcome)")
        }
        let causal = (0..<n).filter { $0 != t && descendantsOfT.contains($0) && ancestorsOfY.contains($0) }
        var forbidden = reach(from: causal) { children[$0] }
        forbidden.insert(t)
        var result = Set<Int>()
        for c in causal { for parent in parents[c] where !forbidden.contains(parent) { result.insert(parent) } }
        return result.sorted().map { nodes[$0] }
    }

    /// Nodes reachable from `starts` (included) through `next`.
    static func reach(from starts: [Int], _ next: (Int) -> [Int]) -> Set<Int> {
        var seen = Set(starts)
        var stack = starts
        while let node = stack.popLast() {
            for other in next(node) where seen.insert(other).inserted { stack.append(other) }
        }
        return seen
    }

    /// A directed cycle, if any (as a node sequence).
    static func findCycle(children: [[Int]]) -> [Int]? {
        let n = children.count
        var state = [UInt8](repeating: 0, count: n)  // 0 new, 1 on stack, 2 done
        var path: [Int] = []
        func visit(_ v: Int) -> [Int]? {
            state[v] = 1
            path.append(v)
            for w in children[v] {
                if state[w] == 1, let start = path.firstIndex(of: w) { return Array(path[start...]) + [w] }
                if state[w] == 0, let cycle = visit(w) { return cycle }
            }
            state[v] = 2
            path.removeLast()
            return nil
        }
        for v in 0..<n where state[v] == 0 {
            if let cycle = visit(v) { return cycle }
        }
        return nil
    }
}
