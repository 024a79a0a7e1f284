import Foundation
import ProvModel
import Testing

@Suite("ProvTime")
struct ProvTimeTests {
    /// Reference values computed independently (Python `datetime`).
    static let referenceTimes: [(text: String, micros: Int64)] = [
        ("2021-02-15T13:55:26.539263Z", 1_613_397_326_539_263),
        ("2024-02-29T00:00:00.000000Z", 1_709_164_800_000_000),
        ("2000-02-29T12:00:00.000000Z", 951_825_600_000_000),
        ("1970-01-01T00:00:00.000000Z", 0),
        ("1969-12-31T23:59:59.999999Z", -1),
        ("0001-01-01T00:00:00.000000Z", -62_135_596_800_000_000),
        ("9999-12-31T23:59:59.999999Z", 253_402_300_799_999_999),
    ]

    @Test("parses and prints reference times", arguments: referenceTimes)
    func referenceTime(text: String, micros: Int64) throws {
        let time = try #require(ProvTime(iso8601: text))
        #expect(time.microsecondsSinceEpoch == micros)
        #expect(time.iso8601 == text)
        #expect(ProvTime(microsecondsSinceEpoch: micros).iso8601 == text)
    }

    @Test(
        "offsets are converted to UTC",
        arguments: [
            "2021-02-15T14:55:26.539263+01:00", "2021-02-15T14:55:26.539263+0100",
            "2021-02-15T08:25:26.539263-05:30", "2021-02-15T13:55:26.539263+00:00",
            "2021-02-15T13:55:26.539263-00:00", "2021-02-16T00:55:26.539263+11:00",
            "2021-02-14T23:55:26.539263-14:00",
        ])
    func offsets(text: String) throws {
        let time = try #require(ProvTime(iso8601: text))
        #expect(time.iso8601 == "2021-02-15T13:55:26.539263Z")
    }

    @Test(
        "fractions are scaled or truncated to microseconds",
        arguments: [
            ("2021-02-15T13:55:26Z", 0), ("2021-02-15T13:55:26.5Z", 500_000), ("2021-02-15T13:55:26.05Z", 50_000),
            ("2021-02-15T13:55:26.123Z", 123_000), ("2021-02-15T13:55:26.123456Z", 123_456),
            ("2021-02-15T13:55:26.1234567Z", 123_456), ("2021-02-15T13:55:26.999999999Z", 999_999),
            ("2021-02-15T13:55:26,25Z", 250_000),
        ] as [(String, Int64)])
    func fractions(text: String, micros: Int64) throws {
        let time = try #require(ProvTime(iso8601: text))
        let wholeSeconds: Int64 = 1_613_397_326_000_000
        #expect(time.microsecondsSinceEpoch == wholeSeconds + micros)
    }

    @Test("accepts a lowercase t and z and a space separator")
    func separators() {
        let expected = ProvTime(microsecondsSinceEpoch: 1_613_397_326_000_000)
        #expect(ProvTime(iso8601: "2021-02-15t13:55:26z") == expected)
        #expect(ProvTime(iso8601: "2021-02-15 13:55:26Z") == expected)
        #expect(ProvTime(iso8601: "2021-02-15T13:55:26Z"[...]) == expected)
    }

    @Test(
        "leap years follow the Gregorian rules",
        arguments: [
            ("2024-02-29T00:00:00Z", true), ("2000-02-29T00:00:00Z", true), ("1600-02-29T00:00:00Z", true),
            ("2023-02-29T00:00:00Z", false), ("1900-02-29T00:00:00Z", false), ("2100-02-29T00:00:00Z", false),
            ("2023-02-28T00:00:00Z", true), ("2024-02-30T00:00:00Z", false),
        ])
    func leapYears(text: String, valid: Bool) {
        #expect((ProvTime(iso8601: text) != nil) == valid)
    }

    @Test(
        "rejects text that is not a date-time or names an impossible one",
        arguments: [
            "", "2021-02-15", "2021-02-15T13:55:26", "2021-02-15T13:55Z", "2021-2-15T13:55:26Z",
            "21-02-15T13:55:26Z", "2021-13-01T00:00:00Z", "2021-00-10T00:00:00Z", "2021-04-31T00:00:00Z",
            "2021-02-00T00:00:00Z", "2021-02-15T24:00:00Z", "2021-02-15T12:60:00Z", "2021-02-15T12:00:61Z",
            "2021-02-15T13:55:26.Z", "2021-02-15T13:55:26Z ", " 2021-02-15T13:55:26Z", "2021-02-15T13:55:26+25:00",
            "2021-02-15T13:55:26+01:60", "2021-02-15T13:55:26+1", "2021-02-15X13:55:26Z", "2021/02/15T13:55:26Z",
            "2021-02-15T13:55:26UTC", "abcd-ef-ghTij:kl:mnZ", "2021-02-15T13:55:26.5",
        ])
    func rejectsInvalid(text: String) {
        #expect(ProvTime(iso8601: text) == nil)
    }

    @Test("round-trips every printed time, across the whole four-digit year range")
    func roundTrips() throws {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        let low: Int64 = -62_135_596_800_000_000  // 0001-01-01
        let span: UInt64 = 253_402_300_799_999_999 &- UInt64(bitPattern: low) &+ 1
        for _ in 0..<5_000 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let micros = low &+ Int64(bitPattern: (state >> 1) % span)
            let time = ProvTime(microsecondsSinceEpoch: micros)
            let parsed = try #require(ProvTime(iso8601: time.iso8601), "\(micros) printed as \(time.iso8601)")
            #expect(parsed == time)
        }
    }

    @Test("agrees with Foundation's ISO 8601 formatter on whole seconds")
    func agreesWithFoundation() throws {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        formatter.timeZone = TimeZone(identifier: "UTC")
        var seconds: Int64 = -2_208_988_800  // 1900-01-01
        while seconds < 4_102_444_800 {  // 2100-01-01
            let time = ProvTime(microsecondsSinceEpoch: seconds * 1_000_000)
            let foundation = formatter.string(from: Date(timeIntervalSince1970: TimeInterval(seconds)))
            #expect(time.iso8601 == foundation.dropLast() + ".000000Z")
            seconds += 7_777_777
        }
    }

    @Test("converts to and from milliseconds, seconds and dates")
    func conversions() throws {
        let time = try #require(ProvTime(unixMilliseconds: 1_613_397_326_539))
        #expect(time.microsecondsSinceEpoch == 1_613_397_326_539_000)
        #expect(time.unixMilliseconds == 1_613_397_326_539)
        #expect(ProvTime(microsecondsSinceEpoch: 1_999).unixMilliseconds == 1)
        #expect(ProvTime(microsecondsSinceEpoch: -5_000).unixMilliseconds == 0)
        #expect(time.secondsSinceEpoch == 1_613_397_326.539)
        #expect(ProvTime(time.date) == time)
        #expect(ProvTime(Date(timeIntervalSince1970: 1.25)).microsecondsSinceEpoch == 1_250_000)
        let now = ProvTime.now()
        #expect(abs(now.secondsSinceEpoch - Date().timeIntervalSince1970) < 60)
    }

    @Test("orders by time and describes itself in ISO 8601")
    func orderingAndDescription() {
        let earlier = ProvTime(microsecondsSinceEpoch: -1)
        let later = ProvTime(microsecondsSinceEpoch: 0)
        #expect(earlier < later)
        #expect([later, earlier].sorted() == [earlier, later])
        #expect(later.description == "1970-01-01T00:00:00.000000Z")
    }

    @Test("encodes as an ISO 8601 string and rejects other strings when decoding")
    func codable() throws {
        let time = ProvTime(microsecondsSinceEpoch: 1_613_397_326_539_263)
        let data = try JSONEncoder().encode([time])
        #expect(String(decoding: data, as: UTF8.self) == #"["2021-02-15T13:55:26.539263Z"]"#)
        #expect(try JSONDecoder().decode([ProvTime].self, from: data) == [time])
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode([ProvTime].self, from: Data(#"["2021-02-30T00:00:00Z"]"#.utf8))
        }
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode([ProvTime].self, from: Data("[12]".utf8))
        }
    }

    @Test("refuses millisecond times outside the accepted range instead of wrapping them")
    func refusesOutOfRangeMilliseconds() {
        // Before: Int64.max milliseconds wrapped to -1000 µs and -2^63 to 0 (1970).
        #expect(ProvTime(unixMilliseconds: .max) == nil)
        #expect(ProvTime(unixMilliseconds: .min) == nil)
        #expect(ProvTime(unixMilliseconds: 253_402_300_800_000) == nil)  // 10000-01-01
        #expect(ProvTime(unixMilliseconds: -62_167_219_200_001) == nil)  // before 0000-01-01
        #expect(ProvTime(unixMilliseconds: 253_402_300_799_999)?.iso8601 == "9999-12-31T23:59:59.999000Z")
        #expect(ProvTime(unixMilliseconds: -62_167_219_200_000)?.iso8601 == "0000-01-01T00:00:00.000000Z")
        #expect(ProvTime(iso8601: "0000-01-01T00:00:00+01:00") == nil)
        #expect(ProvTime(iso8601: "9999-12-31T23:59:59.999999Z")?.isValid == true)
    }

    @Test("prints and measures any held value without trapping")
    func extremeHeldValues() {
        for micros in [Int64.min, .min + 1, -1, 0, .max - 1, .max] {
            let time = ProvTime(microsecondsSinceEpoch: micros)
            #expect(!time.iso8601.isEmpty)
            #expect(time.seconds(since: ProvTime(microsecondsSinceEpoch: .min)).isFinite)
        }
        #expect(ProvTime(microsecondsSinceEpoch: .min).isValid == false)
        #expect(ProvTime(Date(timeIntervalSince1970: 1e300)).isValid)
        #expect(ProvTime(Date(timeIntervalSince1970: -.infinity)).isValid)
    }

    @Test("converts doubles to integers without trapping")
    func safeConversions() {
        #expect(Int64(wholeNumber: 1e300) == nil)
        #expect(Int64(wholeNumber: -1e300) == nil)
        #expect(Int64(wholeNumber: .nan) == nil)
        #expect(Int64(wholeNumber: .infinity) == nil)
        #expect(Int64(wholeNumber: 9_223_372_036_854_775_807) == nil)  // rounds to 2^63
        #expect(Int64(wholeNumber: -9_223_372_036_854_775_808) == .min)
        #expect(Int64(wholeNumber: -2.9) == -2)
        #expect(Int32(wholeNumber: 2_147_483_648) == nil)
        #expect(UInt8(wholeNumber: -0.5) == 0)
        #expect(UInt8(wholeNumber: -1) == nil)
        #expect(Int64(saturating: 1e300) == .max)
        #expect(Int64(saturating: -1e300) == .min)
        #expect(Int64(saturating: .nan) == 0)
        #expect(Int64(saturating: -.infinity) == .min)
        #expect(Int(saturating: 42.9) == 42)
    }
}
