#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// A small reproducible random number generator (xoshiro256** seeded through SplitMix64) for simulations and tests.
///
/// The analyses with a Python reference (MI jitter, permutation importance, refuters) do not use it: they draw from
/// NumPy's legacy `RandomState` stream (`NumPyRandomState`), so a seed gives the reference's own draws.
public struct ProvSeededGenerator: RandomNumberGenerator, Sendable {
    private var state: (UInt64, UInt64, UInt64, UInt64)

    /// A generator whose whole stream is determined by `seed`.
    public init(seed: UInt64) {
        var x = seed
        func splitMix() -> UInt64 {
            x &+= 0x9E37_79B9_7F4A_7C15
            var z = x
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        state = (splitMix(), splitMix(), splitMix(), splitMix())
    }

    public mutating func next() -> UInt64 {
        let result = rotate(state.1 &* 5, 7) &* 9
        let t = state.1 << 17
        state.2 ^= state.0
        state.3 ^= state.1
        state.1 ^= state.2
        state.0 ^= state.3
        state.2 ^= t
        state.3 = rotate(state.3, 45)
        return result
    }

    private func rotate(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }

    /// A uniform double in [0, 1) with 53 random bits.
    public mutating func nextUniform() -> Double { Double(next() >> 11) * 0x1.0p-53 }

    /// A standard normal draw (Box–Muller).
    public mutating func nextNormal() -> Double {
        var u = nextUniform()
        while u == 0 { u = nextUniform() }
        let v = nextUniform()
        return (-2 * log(u)).squareRoot() * cos(2 * Double.pi * v)
    }

    /// A uniformly random permutation of `0..<count` (Fisher–Yates).
    public mutating func permutation(_ count: Int) -> [Int] {
        var indices = Array(0..<count)
        indices.shuffle(using: &self)
        return indices
    }

    /// `size` distinct indices from `0..<count`, ascending (a uniformly random subset).
    public mutating func subset(_ size: Int, of count: Int) -> [Int] {
        var indices = Array(0..<count)
        for i in 0..<min(size, count) {
            let j = Int.random(in: i..<count, using: &self)
            indices.swapAt(i, j)
        }
        return indices.prefix(size).sorted()
    }
}
