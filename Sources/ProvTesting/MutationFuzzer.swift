public import Foundation

/// A seeded mutation fuzzer for the decoders that read outside bytes (event JSON Lines, PROV-JSON, importers,
/// model and dataset inspectors, the search grammar).
///
/// Each iteration takes one of the valid seeds, applies one to four byte mutations (bit flips, random bytes,
/// inserted, deleted or duplicated ranges, a splice with another seed, boundary numbers and structural tokens in
/// place of a number or at a random offset, truncation) and hands the result to the decoder. A decoder may return
/// or throw; a trap aborts the test process, which is the failure this harness exists to find. Inputs are capped at
/// ``maximumLength`` bytes, so a decoder that hangs on them is a defect too (the test's time limit reports it).
///
/// The run is deterministic for a seed: `PROVKIT_FUZZ_SEED` and `PROVKIT_FUZZ_ITERATIONS` override the defaults
/// for longer local runs, and `PROVKIT_FUZZ_SAVE_DIR` makes each input be written to `<dir>/<name>.input` before the
/// decoder sees it, so that the input of a trap is on disk afterwards.
public struct MutationFuzzer: Sendable {
    /// A name for messages and the saved input's file name.
    public var name: String
    /// Iterations to run: `PROVKIT_FUZZ_ITERATIONS`, else the default given.
    public var iterations: Int
    /// The random seed: `PROVKIT_FUZZ_SEED`, else a fixed value, so that CI runs the same inputs every time.
    public var seed: UInt64
    /// The longest input produced.
    public var maximumLength: Int

    /// A fuzzer configured from the environment.
    public init(name: String, defaultIterations: Int = 2_000, maximumLength: Int = 64 << 10) {
        let environment = ProcessInfo.processInfo.environment
        self.name = name
        self.iterations = environment["PROVKIT_FUZZ_ITERATIONS"].flatMap { Int($0) }.map { max(0, $0) }
            ?? defaultIterations
        self.seed = environment["PROVKIT_FUZZ_SEED"].flatMap { UInt64($0) } ?? 0x5052_4F56_4B49_5431
        self.maximumLength = max(1, maximumLength)
        self.saveDirectory = environment["PROVKIT_FUZZ_SAVE_DIR"].flatMap { $0.isEmpty ? nil : $0 }
    }

    private var saveDirectory: String?

    /// What a run did: how many inputs the decoder accepted and how many it refused with an error.
    public struct Outcome: Hashable, Sendable {
        public var accepted = 0
        public var refused = 0
        public var total: Int { accepted + refused }
    }

    /// Runs `decode` on `iterations` mutated inputs made from `seeds` (valid inputs), and on each seed once.
    /// - Returns: how many inputs were accepted and refused; a test should check that both happened, so that the
    ///   mutations neither break every input before the decoder reads far nor leave every input valid.
    @discardableResult
    public func run(seeds: [[UInt8]], decode: ([UInt8]) throws -> Void) -> Outcome {
        precondition(!seeds.isEmpty, "a fuzzer needs at least one valid seed")
        var generator = SplitMix64(seed: seed)
        var outcome = Outcome()
        func attempt(_ input: [UInt8]) {
            save(input)
            do {
                try decode(input)
                outcome.accepted += 1
            } catch {
                outcome.refused += 1
            }
        }
        for input in seeds { attempt(Array(input.prefix(maximumLength))) }
        for _ in 0..<iterations {
            var input = seeds[Int.random(in: 0..<seeds.count, using: &generator)]
            for _ in 0..<Int.random(in: 1...4, using: &generator) {
                input = ByteMutation.random(using: &generator).apply(to: input, seeds: seeds, using: &generator)
            }
            attempt(Array(input.prefix(maximumLength)))
        }
        return outcome
    }

    /// Runs `decode` on mutated text; invalid UTF-8 is decoded with replacement characters, as a reader of a file
    /// or request body would.
    @discardableResult
    public func run(seeds: [String], decode: (String) throws -> Void) -> Outcome {
        run(seeds: seeds.map { Array($0.utf8) }) { bytes in try decode(String(decoding: bytes, as: UTF8.self)) }
    }

    private func save(_ input: [UInt8]) {
        guard let saveDirectory else { return }
        FileManager.default.createFile(atPath: saveDirectory + "/" + name + ".input", contents: Data(input))
    }
}

/// One byte-level change to an input.
enum ByteMutation: CaseIterable {
    case flipBit, setByte, insertBytes, deleteRange, duplicateRange, splice, boundaryNumber, token, truncate

    /// Numbers at the edges of what decoders convert: Int64 and UInt64 limits and one past, huge and tiny doubles,
    /// non-finite spellings, negative zero, and the 32-bit limits.
    static let boundaryNumbers = [
        "9223372036854775807", "-9223372036854775808", "9223372036854775808", "18446744073709551615",
        "18446744073709551616", "1e308", "-1e300", "1e-320", "1e999", "NaN", "nan", "Infinity", "-Infinity", "inf",
        "-0", "0", "-1", "2147483647", "-2147483648", "4294967296", "0x7fffffffffffffff", "1.7976931348623157e308",
        "99999999999999999999999999999999",
    ].map { Array($0.utf8) }

    /// Bytes that change a document's structure in the formats fuzzed.
    static let tokens = [
        "\"", "'", "`", "\\", "{", "}", "[", "]", ",", ":", "\n", "\r\n", "\t", " ", "\0", "\u{FEFF}", "\u{FFFD}",
        "null", "true", "\"\"", "{}", "[]", "\\u0000", "\\ud800", "=", "AND", "LIKE", "(", ")", "%", "\u{10FFFF}",
        "\u{0301}",
    ].map { Array($0.utf8) }

    static func random(using generator: inout SplitMix64) -> ByteMutation {
        allCases[Int.random(in: 0..<allCases.count, using: &generator)]
    }

    func apply(to input: [UInt8], seeds: [[UInt8]], using generator: inout SplitMix64) -> [UInt8] {
        var bytes = input
        func offset(inclusive: Bool = false) -> Int {
            Int.random(in: 0...(inclusive ? bytes.count : max(0, bytes.count - 1)), using: &generator)
        }
        func range() -> Range<Int> {
            guard !bytes.isEmpty else { return 0..<0 }
            let start = offset()
            let length = Int.random(in: 1...min(64, bytes.count - start), using: &generator)
            return start..<(start + length)
        }
        switch self {
        case .flipBit:
            guard !bytes.isEmpty else { return bytes }
            bytes[offset()] ^= UInt8(1) << UInt8.random(in: 0...7, using: &generator)
        case .setByte:
            guard !bytes.isEmpty else { return bytes }
            bytes[offset()] = UInt8.random(in: 0...255, using: &generator)
        case .insertBytes:
            let count = Int.random(in: 1...16, using: &generator)
            bytes.insert(
                contentsOf: (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) },
                at: offset(inclusive: true))
        case .deleteRange:
            bytes.removeSubrange(range())
        case .duplicateRange:
            let part = bytes[range()]
            bytes.insert(contentsOf: part, at: offset(inclusive: true))
        case .splice:
            let other = seeds[Int.random(in: 0..<seeds.count, using: &generator)]
            let cut = offset(inclusive: true)
            let from = Int.random(in: 0...other.count, using: &generator)
            bytes = Array(bytes[..<cut]) + other[from...]
        case .boundaryNumber:
            let number = Self.boundaryNumbers[Int.random(in: 0..<Self.boundaryNumbers.count, using: &generator)]
            if let digits = Self.digitRun(in: bytes, near: offset()) {
                bytes.replaceSubrange(digits, with: number)
            } else {
                bytes.insert(contentsOf: number, at: offset(inclusive: true))
            }
        case .token:
            let token = Self.tokens[Int.random(in: 0..<Self.tokens.count, using: &generator)]
            bytes.insert(contentsOf: token, at: offset(inclusive: true))
        case .truncate:
            bytes.removeSubrange(offset(inclusive: true)...)
        }
        return bytes
    }

    /// The first run of ASCII digits (with a leading minus sign, a point and an exponent) at or after `start`.
    static func digitRun(in bytes: [UInt8], near start: Int) -> Range<Int>? {
        func isDigit(_ byte: UInt8) -> Bool { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) }
        guard let first = bytes[start...].firstIndex(where: isDigit) else { return nil }
        var lower = first
        if lower > 0, bytes[lower - 1] == UInt8(ascii: "-") { lower -= 1 }
        var upper = first
        let numeric: Set<UInt8> = Set("0123456789.eE+-".utf8)
        while upper < bytes.count, numeric.contains(bytes[upper]) { upper += 1 }
        return lower..<upper
    }
}

/// A small, fast, seedable random number generator (SplitMix64), so that fuzz runs repeat exactly.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) {
        state = seed
    }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
