public import ProvModel
import Synchronization

/// Deterministic identifiers for tests: 1, 2, 3, ... in the low bits, version 7 layout preserved.
public final class SequentialIDGenerator: ProvIDGenerator {
    private let counter = Mutex<UInt64>(0)
    private let base: UInt64

    /// Creates a generator whose identifiers carry `milliseconds` as their timestamp.
    public init(milliseconds: UInt64 = 1_700_000_000_000) {
        base = (milliseconds & 0xFFFF_FFFF_FFFF) << 16 | 0x7000
    }

    public func next() -> ProvID {
        let value = counter.withLock { value in
            value += 1
            return value
        }
        return ProvID(high: base, low: 0x8000_0000_0000_0000 | value)
    }
}
