/// A graph over named nodes with causal-learn's endpoint encoding.
///
/// `marks[i·n + j]` is the mark **at node i** on the edge between i and j, as in causal-learn's `G.graph[i, j]`:
/// −1 tail, 1 arrowhead, 2 circle, 0 no edge. So i → j is (marks[i,j], marks[j,i]) = (−1, 1); i — j is (−1, −1);
/// i ↔ j is (1, 1).
public struct ProvCausalGraph: Sendable, Hashable, Codable {
    /// Node names, in column order.
    public let nodes: [String]
    /// Endpoint marks, row-major `n × n` (causal-learn's `G.graph` flattened).
    public let marks: [Int]

    /// A graph from names and marks.
    public init(nodes: [String], marks: [Int]) {
        precondition(marks.count == nodes.count * nodes.count)
        self.nodes = nodes
        self.marks = marks
    }

    /// The marks as a nested matrix (`graph[i][j]` = causal-learn's `G.graph[i, j]`).
    public var matrix: [[Int]] {
        let n = nodes.count
        return (0..<n).map { i in Array(marks[(i * n)..<(i * n + n)]) }
    }

    /// The mark at `i` on the edge i–j.
    public func mark(_ i: Int, _ j: Int) -> Int { marks[i * nodes.count + j] }

    /// Fully directed edges (from, to), by index, ordered by (from, to).
    public var directedEdges: [(Int, Int)] {
        let n = nodes.count
        var edges: [(Int, Int)] = []
        for i in 0..<n { for j in 0..<n where mark(i, j) == -1 && mark(j, i) == 1 { edges.append((i, j)) } }
        return edges
    }

    /// Undirected edges (i < j).
    public var undirectedEdges: [(Int, Int)] {
        let n = nodes.count
        var edges: [(Int, Int)] = []
        for i in 0..<n { for j in (i + 1)..<max(i + 1, n) where mark(i, j) == -1 && mark(j, i) == -1 { edges.append((i, j)) } }
        return edges
    }

    /// Bidirected edges (i < j).
    public var bidirectedEdges: [(Int, Int)] {
        let n = nodes.count
        var edges: [(Int, Int)] = []
        for i in 0..<n { for j in (i + 1)..<max(i + 1, n) where mark(i, j) == 1 && mark(j, i) == 1 { edges.append((i, j)) } }
        return edges
    }

    /// The interchange form `{"nodes", "directed", "undirected", "bidirected"}` with node names.
    public var interchange: ProvGraphInterchange {
        ProvGraphInterchange(
            nodes: nodes,
            directed: directedEdges.map { [nodes[$0.0], nodes[$0.1]] },
            undirected: undirectedEdges.map { [nodes[$0.0], nodes[$0.1]] },
            bidirected: bidirectedEdges.map { [nodes[$0.0], nodes[$0.1]] })
    }

    /// Graphviz DOT: directed edges as arrows, undirected without heads, bidirected with both.
    public func dot(name: String = "pc") -> String {
        func quoted(_ s: String) -> String {
            var out = "\""
            for character in s {
                if character == "\\" || character == "\"" { out.append("\\") }
                out.append(character)
            }
            return out + "\""
        }
        var lines = ["digraph \(quoted(name)) {"]
        for node in nodes { lines.append("  \(quoted(node));") }
        for (a, b) in directedEdges { lines.append("  \(quoted(nodes[a])) -> \(quoted(nodes[b]));") }
        for (a, b) in undirectedEdges { lines.append("  \(quoted(nodes[a])) -> \(quoted(nodes[b])) [dir=none];") }
        for (a, b) in bidirectedEdges { lines.append("  \(quoted(nodes[a])) -> \(quoted(nodes[b])) [dir=both];") }
        lines.append("}")
        return lines.joined(separator: "\n") + "\n"
    }
}

/// The graph interchange format shared with the Python tooling: edges as `[from, to]` name pairs.
public struct ProvGraphInterchange: Sendable, Hashable, Codable {
    public var nodes: [String]
    public var directed: [[String]]
    public var undirected: [[String]]
    public var bidirected: [[String]]

    public init(nodes: [String], directed: [[String]], undirected: [[String]] = [], bidirected: [[String]] = []) {
        self.nodes = nodes
        self.directed = directed
        self.undirected = undirected
        self.bidirected = bidirected
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        nodes = try container.decode([String].self, forKey: .nodes)
        directed = try container.decodeIfPresent([[String]].self, forKey: .directed) ?? []
        undirected = try container.decodeIfPresent([[String]].self, forKey: .undirected) ?? []
        bidirected = try container.decodeIfPresent([[String]].self, forKey: .bidirected) ?? []
    }

    /// The graph with causal-learn's marks.
    /// - Throws: `AnalysisError.invalidOption` for an edge naming an unknown node or a self-loop.
    public func graph() throws(AnalysisError) -> ProvCausalGraph {
        let n = nodes.count
        var index: [String: Int] = [:]
        for (i, name) in nodes.enumerated() {
            guard index[name] == nil else { throw .invalidOption("graph node '\(name)' appears twice") }
            index[name] = i
        }
        var marks = [Int](repeating: 0, count: n * n)
        func set(_ edge: [String], _ atFrom: Int, _ atTo: Int) throws(AnalysisError) {
            guard edge.count == 2, let a = index[edge[0]], let b = index[edge[1]], a != b else {
                throw .invalidOption("graph edge \(edge) must name two different nodes from \"nodes\"")
            }
            marks[a * n + b] = atFrom
            marks[b * n + a] = atTo
        }
        for edge in directed { try set(edge, -1, 1) }
        for edge in undirected { try set(edge, -1, -1) }
        for edge in bidirected { try set(edge, 1, 1) }
        return ProvCausalGraph(nodes: nodes, marks: marks)
    }
}
