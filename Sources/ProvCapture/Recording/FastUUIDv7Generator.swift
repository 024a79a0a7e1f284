public import ProvModel
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// UUIDv7 identifiers made fast enough for the capture hot path.
///
/// ``UUIDv7Generator`` asks the operating system for random bits on every call (a system call); this generator
/// seeds a xoshiro256** generator once from the system and draws from it under a lock, and reads the clock with
/// `clock_gettime`. Identifiers stay strictly increasing within a process (RFC 9562 method 1: a 12-bit counter
/// in `rand_a` that restarts from a random value each millisecond) and carry 62 random bits across processes.
public final class FastUUIDv7Generator: ProvIDGenerator {
    private struct State {
        var seeds: (UInt64, UInt64, UInt64, UInt64)
        var lastMilliseconds: UInt64 = 0
        var counter: UInt64 = 0

        mutating func nextRandom() -> UInt64 {
            let result = Self.rotate(seeds.1 &* 5, 7) &* 9
            let shifted = seeds.1 << 17
            seeds.2 ^= seeds.0
            seeds.3 ^= seeds.1
            seeds.1 ^= seeds.2
            seeds.0 ^= seeds.3
            seeds.2 ^= shifted
            seeds.3 = Self.rotate(seeds.3, 45)
            return result
        }

        static func rotate(_ value: UInt64, _ count: UInt64) -> UInt64 {
            (value << count) | (value >> (64 - count))
        }
    }

    private let state: Mutex<State>

    /// Creates a generator seeded from the system's random source.
    public init() {
        var system = SystemRandomNumberGenerator()
        state = Mutex(State(seeds: (system.next(), system.next(), system.next(), system.next() | 1)))
    }

    public func next() -> ProvID {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        let milliseconds = UInt64(now.tv_sec) * 1000 + UInt64(now.tv_nsec) / 1_000_000
        let (timestamp, counter, random) = state.withLock { state -> (UInt64, UInt64, UInt64) in
            if milliseconds > state.lastMilliseconds {
                state.lastMilliseconds = milliseconds
                state.counter = state.nextRandom() & 0x1FF
            } else {
                state.counter += 1
                if state.counter > 0xFFF {
                    state.lastMilliseconds += 1
                    state.counter = 0
                }
            }
            return (state.lastMilliseconds, state.counter, state.nextRandom())
        }
        let high = (timestamp & 0xFFFF_FFFF_FFFF) << 16 | 0x7000 | counter
        let low = (random & 0x3FFF_FFFF_FFFF_FFFF) | 0x8000_0000_0000_0000
        return ProvID(high: high, low: low)
    }
}
