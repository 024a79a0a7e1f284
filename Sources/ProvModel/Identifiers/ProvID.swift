import Synchronization

/// A globally unique, time-ordered identifier (UUID version 7) for every node ProvKit stores.
///
/// It prints as 32 lowercase hexadecimal characters without dashes, which makes it a valid MLflow run id.
/// Identifiers are ordered by their creation time (millisecond precision), then by random bits.
public struct ProvID: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The most significant 64 bits: 48 bits of Unix milliseconds, the version nibble and 12 random bits.
    public let high: UInt64
    /// The least significant 64 bits: the variant bits and 62 random bits.
    public let low: UInt64

    /// Creates an identifier from its two 64-bit halves.
    public init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
    }

    /// Parses 32 hexadecimal characters (either case), optionally in the dashed 8-4-4-4-12 UUID form.
    ///
    /// - Returns: `nil` when the text is not a 128-bit hexadecimal identifier.
    public init?(hex text: some StringProtocol) {
        var high: UInt64 = 0
        var low: UInt64 = 0
        var digits = 0
        // Dashes are allowed only where the 36-character 8-4-4-4-12 form puts them.
        let dashed = text.utf8.count == 36
        for (position, byte) in text.utf8.enumerated() {
            if byte == UInt8(ascii: "-") {
                guard dashed, position == 8 || position == 13 || position == 18 || position == 23 else { return nil }
                continue
            }
            let value: UInt64
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): value = UInt64(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): value = UInt64(byte - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): value = UInt64(byte - UInt8(ascii: "A") + 10)
            default: return nil
            }
            if digits < 16 {
                high = high << 4 | value
            } else if digits < 32 {
                low = low << 4 | value
            } else {
                return nil
            }
            digits += 1
        }
        guard digits == 32 else { return nil }
        self.init(high: high, low: low)
    }

    /// The identifier as 32 lowercase hexadecimal characters.
    public var hex: String {
        let digits: [UInt8] = Array("0123456789abcdef".utf8)
        return String(unsafeUninitializedCapacity: 32) { buffer in
            for index in 0..<16 {
                buffer[index] = digits[Int(truncatingIfNeeded: (high >> UInt64(60 - 4 * index)) & 0xF)]
                buffer[16 + index] = digits[Int(truncatingIfNeeded: (low >> UInt64(60 - 4 * index)) & 0xF)]
            }
            return 32
        }
    }

    public var description: String { hex }

    /// The creation time encoded in a version 7 identifier, in milliseconds since the Unix epoch.
    public var unixMilliseconds: UInt64 { high >> 16 }

    /// The identifier of the experiment named `name`, the same in every process and store: a UUID version 8
    /// (RFC 9562, "custom") made from the SHA-256 of the name.
    ///
    /// Experiments are named by people; deriving their id from the name lets separate capture processes, files
    /// and stores agree on one experiment without asking each other.
    public static func experiment(named name: String) -> ProvID {
        derived(from: "provkit:experiment:\(name)")
    }

    /// A UUID version 8 (RFC 9562, "custom") made from the SHA-256 of `text`: the same in every process and store.
    ///
    /// For nodes whose identity is a name rather than an event, such as an experiment's name or an analysis result
    /// of a given run and metric, so that recording them again names the same node.
    public static func derived(from text: String) -> ProvID {
        let digest = SHA256.digest(Array(text.utf8))
        var high: UInt64 = 0
        var low: UInt64 = 0
        for index in 0..<8 {
            high = high << 8 | UInt64(digest[index])
            low = low << 8 | UInt64(digest[8 + index])
        }
        high = (high & ~0xF000) | 0x8000  // version 8
        low = (low & 0x3FFF_FFFF_FFFF_FFFF) | 0x8000_0000_0000_0000  // RFC 9562 variant
        return ProvID(high: high, low: low)
    }

    public static func < (lhs: ProvID, rhs: ProvID) -> Bool {
        (lhs.high, lhs.low) < (rhs.high, rhs.low)
    }
}

extension ProvID: Codable {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let id = ProvID(hex: text) else {
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "expected a 32-character hexadecimal identifier")
        }
        self = id
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(hex)
    }
}

/// Makes new identifiers. A seam so that tests can inject deterministic identifiers.
public protocol ProvIDGenerator: Sendable {
    /// Returns a new identifier, distinct from every identifier this generator returned before.
    func next() -> ProvID
}

/// The live generator: UUID version 7 from the system clock and the system random source.
///
/// Identifiers from one generator are strictly increasing, even within one millisecond.
public final class UUIDv7Generator: ProvIDGenerator {
    private struct State {
        var lastMilliseconds: UInt64 = 0
        var lastCounter: UInt64 = 0
    }
    private let state = Mutex(State())
    private let now: @Sendable () -> UInt64

    /// Creates a generator.
    /// - Parameter millisecondsSinceEpoch: the clock; the system clock by default.
    public init(millisecondsSinceEpoch: @escaping @Sendable () -> UInt64 = { ProvTime.now().unixMilliseconds }) {
        self.now = millisecondsSinceEpoch
    }

    public func next() -> ProvID {
        var generator = SystemRandomNumberGenerator()
        let randomLow = generator.next() as UInt64
        let current = now()
        let seed = (generator.next() as UInt64) & 0x1FF  // leaves room to count up within a millisecond
        let (milliseconds, counter): (UInt64, UInt64) = state.withLock { state in
            if current > state.lastMilliseconds {
                state.lastMilliseconds = current
                state.lastCounter = seed
            } else {
                // Same millisecond (or the clock went back): count up within the last millisecond.
                state.lastCounter += 1
                if state.lastCounter > 0xFFF {
                    state.lastMilliseconds += 1
                    state.lastCounter = 0
                }
            }
            return (state.lastMilliseconds, state.lastCounter)
        }
        let high = (milliseconds & 0xFFFF_FFFF_FFFF) << 16 | 0x7000 | (counter & 0xFFF)
        let low = (randomLow & 0x3FFF_FFFF_FFFF_FFFF) | 0x8000_0000_0000_0000
        return ProvID(high: high, low: low)
    }
}
