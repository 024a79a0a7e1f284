import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A point in time, UTC, with microsecond precision, stored as microseconds since the Unix epoch.
///
/// Events carry times as ISO 8601 strings (`2021-02-15T13:55:26.539263Z`); this type parses and prints that form
/// without Foundation's formatters, which matters when a file holds a million metric points.
public struct ProvTime: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Microseconds since 1970-01-01T00:00:00Z.
    public var microsecondsSinceEpoch: Int64

    /// Creates a time from microseconds since the Unix epoch.
    public init(microsecondsSinceEpoch: Int64) {
        self.microsecondsSinceEpoch = microsecondsSinceEpoch
    }

    /// Creates a time from milliseconds since the Unix epoch (MLflow's unit).
    /// - Returns: `nil` when the time is outside ``validRange`` (it is refused, never wrapped).
    public init?(unixMilliseconds: Int64) {
        let (micros, overflow) = unixMilliseconds.multipliedReportingOverflow(by: 1000)
        guard !overflow, Self.validRange.contains(micros) else { return nil }
        self.microsecondsSinceEpoch = micros
    }

    /// Creates a time from a Foundation date, clamped to ``validRange``.
    public init(_ date: Date) {
        let micros = Int64(saturating: (date.timeIntervalSince1970 * 1_000_000).rounded())
        self.microsecondsSinceEpoch = min(max(micros, Self.validRange.lowerBound), Self.validRange.upperBound)
    }

    /// The times ProvKit accepts: those ISO 8601 writes with a four-digit year, 0000-01-01T00:00:00Z through
    /// 9999-12-31T23:59:59.999999Z. Events carry times in that form, so a time outside it could not be written
    /// back; stores refuse it on ingest (a held value outside it is still read and printed, never fatal).
    public static let validRange: ClosedRange<Int64> = -62_167_219_200_000_000...253_402_300_799_999_999

    /// Whether the time is in ``validRange``.
    public var isValid: Bool { Self.validRange.contains(microsecondsSinceEpoch) }

    /// What to tell a user whose time is outside ``validRange``; `field` names it (`timestamp`).
    public static func outOfRangeMessage(field: String) -> String {
        "the time '\(field)' is outside the accepted range 0000-01-01T00:00:00Z to 9999-12-31T23:59:59.999999Z "
            + "(Unix milliseconds -62167219200000 to 253402300799999)"
    }

    /// Seconds from `earlier` to this time, computed without overflow for any held values.
    public func seconds(since earlier: ProvTime) -> Double {
        (Double(microsecondsSinceEpoch) - Double(earlier.microsecondsSinceEpoch)) / 1_000_000
    }

    /// The current system time (`CLOCK_REALTIME`).
    public static func now() -> ProvTime {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return ProvTime(
            microsecondsSinceEpoch: Int64(truncatingIfNeeded: now.tv_sec) * 1_000_000
                + Int64(truncatingIfNeeded: now.tv_nsec) / 1000)
    }

    /// Milliseconds since the Unix epoch, rounded down.
    public var unixMilliseconds: UInt64 { UInt64(max(0, microsecondsSinceEpoch / 1000)) }

    /// Seconds since the Unix epoch.
    public var secondsSinceEpoch: Double { Double(microsecondsSinceEpoch) / 1_000_000 }

    /// The time as a Foundation date.
    public var date: Date { Date(timeIntervalSince1970: secondsSinceEpoch) }

    public static func < (lhs: ProvTime, rhs: ProvTime) -> Bool {
        lhs.microsecondsSinceEpoch < rhs.microsecondsSinceEpoch
    }

    public var description: String { iso8601 }

    /// The time in ISO 8601 extended form, UTC, with microseconds: `2021-02-15T13:55:26.539263Z`.
    public var iso8601: String {
        let (days, microsOfDay) = Self.floorDivide(microsecondsSinceEpoch, 86_400_000_000)
        let (year, month, day) = Self.civilDate(fromDaysSinceEpoch: days)
        let seconds = microsOfDay / 1_000_000
        let micros = microsOfDay % 1_000_000
        func pad(_ value: Int64, _ width: Int) -> String {
            let text = String(value)
            return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
        }
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))T\(pad(seconds / 3600, 2)):"
            + "\(pad(seconds / 60 % 60, 2)):\(pad(seconds % 60, 2)).\(pad(micros, 6))Z"
    }

    /// Parses an ISO 8601 date-time: `YYYY-MM-DDThh:mm:ss[.fraction](Z|±hh:mm)`.
    ///
    /// A space may stand for the `T`; a fraction longer than six digits is truncated to microseconds.
    /// - Returns: `nil` when the text is not of that form or names an impossible date or time.
    public init?(iso8601 text: some StringProtocol) {
        let bytes = Array(text.utf8)
        var index = 0
        func number(_ width: Int) -> Int64? {
            guard index + width <= bytes.count else { return nil }
            var value: Int64 = 0
            for offset in 0..<width {
                let byte = bytes[index + offset]
                guard byte >= 48, byte <= 57 else { return nil }
                value = value * 10 + Int64(truncatingIfNeeded: byte - 48)
            }
            index += width
            return value
        }
        func expect(_ characters: String) -> Bool {
            guard index < bytes.count, characters.utf8.contains(bytes[index]) else { return false }
            index += 1
            return true
        }
        guard let year = number(4), expect("-"), let month = number(2), expect("-"), let day = number(2),
            expect("Tt "), let hour = number(2), expect(":"), let minute = number(2), expect(":"),
            let second = number(2)
        else { return nil }
        guard (1...12).contains(month), day >= 1, day <= Self.daysInMonth(year: year, month: month),
            hour <= 23, minute <= 59, second <= 60
        else { return nil }
        var micros: Int64 = 0
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") || bytes[index] == UInt8(ascii: ",") {
            index += 1
            var digits = 0
            while index < bytes.count, bytes[index] >= 48, bytes[index] <= 57 {
                if digits < 6 { micros = micros * 10 + Int64(truncatingIfNeeded: bytes[index] - 48) }
                digits += 1
                index += 1
            }
            guard digits > 0 else { return nil }
            for _ in digits..<max(digits, 6) { micros *= 10 }
        }
        var offsetSeconds: Int64 = 0
        guard index < bytes.count else { return nil }
        if bytes[index] == UInt8(ascii: "Z") || bytes[index] == UInt8(ascii: "z") {
            index += 1
        } else if bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
            let sign: Int64 = bytes[index] == UInt8(ascii: "-") ? -1 : 1
            index += 1
            guard let offsetHours = number(2), offsetHours <= 23 else { return nil }
            _ = expect(":")
            guard let offsetMinutes = number(2), offsetMinutes <= 59 else { return nil }
            offsetSeconds = sign * (offsetHours * 3600 + offsetMinutes * 60)
        } else {
            return nil
        }
        guard index == bytes.count else { return nil }
        let days = Self.daysSinceEpoch(year: year, month: month, day: day)
        let seconds = days * 86_400 + hour * 3600 + minute * 60 + second - offsetSeconds
        let microseconds = seconds * 1_000_000 + micros
        guard Self.validRange.contains(microseconds) else { return nil }
        self.microsecondsSinceEpoch = microseconds
    }

    // Civil-calendar conversions (proleptic Gregorian), after the well-known days-from-civil algorithm.
    static func daysSinceEpoch(year: Int64, month: Int64, day: Int64) -> Int64 {
        let shiftedYear = month <= 2 ? year - 1 : year
        let era = (shiftedYear >= 0 ? shiftedYear : shiftedYear - 399) / 400
        let yearOfEra = shiftedYear - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    static func civilDate(fromDaysSinceEpoch days: Int64) -> (Int64, Int64, Int64) {
        let shifted = days + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    static func daysInMonth(year: Int64, month: Int64) -> Int64 {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Floor division for a positive `divisor`, for every `value` (`Int64.min` included).
    static func floorDivide(_ value: Int64, _ divisor: Int64) -> (Int64, Int64) {
        let (quotient, remainder) = value.quotientAndRemainder(dividingBy: divisor)
        return remainder < 0 ? (quotient - 1, remainder + divisor) : (quotient, remainder)
    }
}

extension ProvTime: Codable {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let time = ProvTime(iso8601: text) else {
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "expected an ISO 8601 date-time such as 2024-05-01T12:00:00Z")
        }
        self = time
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(iso8601)
    }
}
