// Conversions from floating-point numbers to integers that never trap.
//
// `Int64(someDouble)` aborts the process when the value is NaN, infinite or out of range. Numbers that come from
// clients or from a store (which an older version, or another program, may have written) go through these instead:
// `init?(wholeNumber:)` where a bad value is refused, `init(saturating:)` where a value must be shown anyway.

extension FixedWidthInteger {
    /// The integer part of `value` (rounded toward zero), or `nil` when `value` is NaN, infinite or outside the
    /// type's range.
    public init?(wholeNumber value: Double) {
        guard value.isFinite else { return nil }
        let truncated = value.rounded(.towardZero)
        guard truncated >= Self.lowerBoundAsDouble, truncated < Self.upperBoundAsDouble else { return nil }
        self.init(exactly: truncated)
    }

    /// The integer part of `value` (rounded toward zero), clamped to the type's range; `0` for NaN.
    ///
    /// For read paths: a value a store holds is shown, never fatal. `+infinity` gives `max`, `-infinity` `min`.
    public init(saturating value: Double) {
        if value.isNaN {
            self = 0
        } else if value <= Self.lowerBoundAsDouble {
            self = .min
        } else if value >= Self.upperBoundAsDouble {
            self = .max
        } else {
            self = Self(wholeNumber: value) ?? 0
        }
    }

    /// `min` as a double (a power of two or zero, so exact).
    private static var lowerBoundAsDouble: Double {
        isSigned ? -upperBoundAsDouble : 0
    }

    /// `max + 1` as a double: a power of two, so exact, unlike `Double(max)`, which rounds up to it.
    private static var upperBoundAsDouble: Double {
        Double(sign: .plus, exponent: bitWidth - (isSigned ? 1 : 0), significand: 1)
    }
}

extension Double {
    /// The largest magnitude up to which every integer is exactly a double: 2^53 − 1 (9,007,199,254,740,991).
    ///
    /// Integers kept in JSON numbers (attributes such as a model output's `step`) are accepted only up to this,
    /// because a double cannot hold larger ones exactly.
    public static let maximumExactInteger: Double = 9_007_199_254_740_991
}
