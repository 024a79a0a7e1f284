#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// NumPy's legacy `RandomState` stream (MT19937 seeded with `init_genrand`, 53-bit doubles from two 32-bit draws,
/// polar Box–Muller with a cached second value), so that jitter drawn here equals what scikit-learn draws with
/// `random_state=seed`.
struct NumPyRandomState {
    private var key = [UInt32](repeating: 0, count: 624)
    private var position = 624
    private var cachedGauss: Double?

    init(seed: UInt32) {
        var value = seed
        for index in 0..<624 {
            key[index] = value
            value = 1_812_433_253 &* (value ^ (value >> 30)) &+ UInt32(index + 1)
        }
    }

    mutating func next32() -> UInt32 {
        if position >= 624 { twist() }
        var y = key[position]
        position += 1
        y ^= y >> 11
        y ^= (y << 7) & 0x9D2C_5680
        y ^= (y << 15) & 0xEFC6_0000
        y ^= y >> 18
        return y
    }

    private mutating func twist() {
        for i in 0..<624 {
            let y = (key[i] & 0x8000_0000) | (key[(i + 1) % 624] & 0x7FFF_FFFF)
            key[i] = key[(i + 397) % 624] ^ (y >> 1) ^ ((y & 1) == 1 ? 0x9908_B0DF : 0)
        }
        position = 0
    }

    mutating func nextDouble() -> Double {
        let a = Double(next32() >> 5)
        let b = Double(next32() >> 6)
        return (a * 67_108_864.0 + b) / 9_007_199_254_740_992.0
    }

    /// `random_interval(max)`: a uniform integer in 0...max by masked rejection on 32-bit draws (max < 2³²).
    mutating func interval(_ max: UInt32) -> UInt32 {
        if max == 0 { return 0 }
        var mask = max
        mask |= mask >> 1
        mask |= mask >> 2
        mask |= mask >> 4
        mask |= mask >> 8
        mask |= mask >> 16
        while true {
            let value = next32() & mask
            if value <= max { return value }
        }
    }

    /// `RandomState.randint(2**31)`: the seed scikit-learn derives for permutation importance.
    mutating func randomSeed31() -> UInt32 { next32() & 0x7FFF_FFFF }

    /// `RandomState.shuffle(array)` for a 1-D array (Fisher–Yates from the end with `random_interval`).
    mutating func shuffle(_ values: inout [Int]) {
        guard values.count > 1 else { return }
        for i in stride(from: values.count - 1, through: 1, by: -1) {
            let j = Int(interval(UInt32(i)))
            values.swapAt(i, j)
        }
    }

    /// `RandomState.permutation(count)` (also `choice(count, size, replace=False)`, which takes its prefix).
    mutating func permutation(_ count: Int) -> [Int] {
        var values = Array(0..<count)
        shuffle(&values)
        return values
    }

    /// `RandomState.standard_normal()` (legacy_gauss).
    mutating func standardNormal() -> Double {
        if let cached = cachedGauss {
            cachedGauss = nil
            return cached
        }
        var x1 = 0.0
        var x2 = 0.0
        var r2 = 0.0
        repeat {
            x1 = 2 * nextDouble() - 1
            x2 = 2 * nextDouble() - 1
            r2 = x1 * x1 + x2 * x2
        } while r2 >= 1 || r2 == 0
        let f = (-2 * log(r2) / r2).squareRoot()
        cachedGauss = f * x1
        return f * x2
    }
}

/// NumPy's summation orders, for results that must match NumPy to the last bit.
enum NumPySum {
    /// `np.sum` of a contiguous 1-D float64 array: pairwise summation (blocks of 8 accumulators up to 128
    /// elements, halving above), added to 0.
    static func pairwise(_ values: [Double]) -> Double {
        values.withUnsafeBufferPointer { 0 + pairwise($0) }
    }

    private static func pairwise(_ a: UnsafeBufferPointer<Double>) -> Double {
        let n = a.count
        if n < 8 {
            var result = 0.0
            for value in a { result += value }
            return result
        }
        if n <= 128 {
            var r = (a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7])
            var i = 8
            while i < n - n % 8 {
                r.0 += a[i]
                r.1 += a[i + 1]
                r.2 += a[i + 2]
                r.3 += a[i + 3]
                r.4 += a[i + 4]
                r.5 += a[i + 5]
                r.6 += a[i + 6]
                r.7 += a[i + 7]
                i += 8
            }
            var result = ((r.0 + r.1) + (r.2 + r.3)) + ((r.4 + r.5) + (r.6 + r.7))
            while i < n {
                result += a[i]
                i += 1
            }
            return result
        }
        var half = n / 2
        half -= half % 8
        return pairwise(UnsafeBufferPointer(rebasing: a[0..<half])) + pairwise(UnsafeBufferPointer(rebasing: a[half...]))
    }

    /// `np.sum(X, axis=0)` of a C-ordered 2-D array, one column: rows added in order.
    static func sequential(_ values: [Double]) -> Double {
        var result = 0.0
        for value in values { result += value }
        return result
    }
}
