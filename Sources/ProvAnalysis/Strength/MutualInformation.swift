extension ProvFeatureStrength {
    /// KSG estimates (Kraskov et al., algorithm 1) of I(xⱼ; y) in nats, as
    /// `sklearn.feature_selection.mutual_info_regression(X, y, n_neighbors: k, random_state: seed)` computes them:
    /// every variable is divided by its population standard deviation (no centring), then jittered by
    /// `jitter`·max(1, mean |x|)·N(0, 1) drawn from NumPy's legacy `RandomState(seed)` stream (X row by row, then y),
    /// with NumPy's summation orders, so even tied values are broken exactly as scikit-learn breaks them. Then for
    /// each point the Chebyshev distance ε to its k-th neighbour in the joint space gives radius = nextafter(ε, 0),
    /// nₓ and n_y count the other points within the radius in each marginal, and
    /// I = ψ(n) + ψ(k) − ⟨ψ(nₓ + 1)⟩ − ⟨ψ(n_y + 1)⟩, clamped at 0.
    public static func mutualInformation(
        _ features: [[Double]], _ y: [Double], neighbors k: Int, jitter: Double = 1e-10, seed: UInt32 = 0
    ) -> [Double] {
        let n = y.count
        // X: np.nanstd(X, axis=0) (rows summed in order); y: np.nanstd(y) (pairwise sums).
        var scaled = features.map { scaleByDeviation($0, sum: NumPySum.sequential) }
        var target = scaleByDeviation(y, sum: NumPySum.pairwise)
        if jitter > 0 {
            var generator = NumPyRandomState(seed: seed)
            let sizes = scaled.map { column in max(1, NumPySum.sequential(column.map(abs)) / Double(n)) }
            for i in 0..<n {
                for j in scaled.indices { scaled[j][i] += jitter * sizes[j] * generator.standardNormal() }
            }
            let size = max(1, NumPySum.pairwise(target.map(abs)) / Double(n))
            for i in 0..<n { target[i] += jitter * size * generator.standardNormal() }
        }
        let targetIndex = SortedAxis(target)
        return scaled.map { x in ksg(x, target, targetIndex, k: k) }
    }

    /// `sklearn.preprocessing.scale(v, with_mean=False)`: v / std(v) (population), a near-zero std (< 10 ε) as 1.
    static func scaleByDeviation(_ values: [Double], sum: ([Double]) -> Double) -> [Double] {
        let n = Double(values.count)
        let mean = sum(values) / n
        let deviation = (sum(values.map { ($0 - mean) * ($0 - mean) }) / n).squareRoot()
        let scale = deviation < 10 * Double.ulpOfOne ? 1 : deviation
        return values.map { $0 / scale }
    }

    /// One KSG estimate for scaled samples.
    static func ksg(_ x: [Double], _ y: [Double], _ yAxis: SortedAxis, k: Int) -> Double {
        let n = x.count
        let xAxis = SortedAxis(x)
        var sumX = 0.0
        var sumY = 0.0
        var best = [Double](repeating: .infinity, count: k)
        for i in 0..<n {
            // k nearest neighbours in the Chebyshev metric, sweeping outwards along x.
            for slot in 0..<k { best[slot] = .infinity }
            let position = xAxis.rank[i]
            var left = position - 1
            var right = position + 1
            while true {
                let limit = best[k - 1]
                var advanced = false
                if left >= 0 {
                    let j = xAxis.order[left]
                    let dx = abs(x[i] - x[j])
                    if dx <= limit {
                        insert(max(dx, abs(y[i] - y[j])), into: &best)
                        left -= 1
                        advanced = true
                    } else {
                        left = -1
                    }
                }
                if right < n {
                    let j = xAxis.order[right]
                    let dx = abs(x[i] - x[j])
                    if dx <= limit {
                        insert(max(dx, abs(y[i] - y[j])), into: &best)
                        right += 1
                        advanced = true
                    } else {
                        right = n
                    }
                }
                if !advanced { break }
            }
            let epsilon = best[k - 1]
            let radius = epsilon > 0 ? epsilon.nextDown : 0
            sumX += ProvDistributions.digamma(Double(xAxis.count(within: radius, of: i, x)))
            sumY += ProvDistributions.digamma(Double(yAxis.count(within: radius, of: i, y)))
        }
        let mi = ProvDistributions.digamma(Double(n)) + ProvDistributions.digamma(Double(k)) - sumX / Double(n)
            - sumY / Double(n)
        return max(0, mi)
    }

    private static func insert(_ distance: Double, into best: inout [Double]) {
        guard distance < best[best.count - 1] else { return }
        var slot = best.count - 1
        while slot > 0 && best[slot - 1] > distance {
            best[slot] = best[slot - 1]
            slot -= 1
        }
        best[slot] = distance
    }
}

/// Values sorted along one axis, for range counts with the exact predicate |vᵢ − vⱼ| ≤ r (rounded subtraction is
/// monotone, so the points within r form one contiguous run of the sorted order).
struct SortedAxis {
    let order: [Int]
    let rank: [Int]
    let sorted: [Double]

    init(_ values: [Double]) {
        order = values.indices.sorted { values[$0] < values[$1] || (values[$0] == values[$1] && $0 < $1) }
        var rank = [Int](repeating: 0, count: values.count)
        for (position, index) in order.enumerated() { rank[index] = position }
        self.rank = rank
        sorted = order.map { values[$0] }
    }

    /// The number of other points j ≠ i with |v[i] − v[j]| ≤ radius, plus one (scikit-learn counts the point itself
    /// and subtracts 1 before adding 1 for ψ(n + 1)).
    func count(within radius: Double, of i: Int, _ values: [Double]) -> Int {
        let v = values[i]
        // First position whose value satisfies value - v ≥ ... : binary search with the exact predicate.
        var low = 0
        var high = rank[i]
        while low < high {  // leftmost p with v - sorted[p] <= radius
            let mid = (low + high) / 2
            if v - sorted[mid] <= radius { high = mid } else { low = mid + 1 }
        }
        let first = low
        low = rank[i]
        high = sorted.count
        while low < high {  // leftmost p with sorted[p] - v > radius
            let mid = (low + high) / 2
            if sorted[mid] - v > radius { high = mid } else { low = mid + 1 }
        }
        return low - first
    }
}
