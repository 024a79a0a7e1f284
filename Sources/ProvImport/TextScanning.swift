/// One line of a text file, without its line terminator.
struct NumberedLine {
    /// 1-based line number.
    var number: Int
    var text: Substring
}

enum TextScanning {
    /// Splits text into lines on `\n`, removing one `\r` before it (CRLF files) and a UTF-8 byte order mark at
    /// the start. Empty lines at the end of the file are dropped; empty lines elsewhere are kept, so that the
    /// caller reports them with their line number.
    static func lines(_ contents: String) -> [NumberedLine] {
        var text = Substring(contents)
        if text.unicodeScalars.first == "\u{FEFF}" {
            text = Substring(text.unicodeScalars.dropFirst())
        }
        var lines: [NumberedLine] = []
        var number = 0
        for slice in text.utf8.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            number += 1
            var line = Substring(slice)
            if line.utf8.last == UInt8(ascii: "\r") {
                line = Substring(line.utf8.dropLast())
            }
            lines.append(NumberedLine(number: number, text: line))
        }
        while let last = lines.last, last.text.isEmpty {
            lines.removeLast()
        }
        return lines
    }

    /// Splits a line on every single space: two consecutive spaces delimit an empty field. Whitespace is never
    /// collapsed, because in record trails an empty field *is* two consecutive spaces.
    static func spaceSeparatedFields(_ line: Substring) -> [Substring] {
        line.utf8.split(separator: UInt8(ascii: " "), omittingEmptySubsequences: false).map { Substring($0) }
    }

    /// Parses a decimal number (`12`, `-0.5`, `4.87e-05`, `.5`) or a non-finite word (`nan`, `inf`, `-inf`,
    /// `infinity`, any case). Hexadecimal floats, surrounding spaces and empty text are rejected.
    static func number(_ text: some StringProtocol) -> Double? {
        guard !text.isEmpty else { return nil }
        var sawDigit = false
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): sawDigit = true
            case UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E"): break
            default:
                let word = text.lowercased().trimmingPrefix { $0 == "+" || $0 == "-" }
                guard word == "nan" || word == "inf" || word == "infinity" else { return nil }
                return Double(String(text))
            }
        }
        guard sawDigit else { return nil }
        return Double(String(text))
    }

    /// Parses a decimal integer such as `25` or `-3`.
    static func integer(_ text: some StringProtocol) -> Int? {
        Int(String(text))
    }

    /// Parses a hyphen-joined list of non-negative integers (`24-2-2`; `100`; empty text is the empty list).
    /// - Returns: `nil` when an entry is not a non-negative integer.
    static func integerList(_ text: some StringProtocol) -> [Int]? {
        guard !text.isEmpty else { return [] }
        var values: [Int] = []
        for part in text.split(separator: "-", omittingEmptySubsequences: false) {
            guard !part.isEmpty, part.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }), let value = Int(part) else {
                return nil
            }
            values.append(value)
        }
        return values
    }

    /// Parses a Python boolean as written by `str(bool)`: `True` or `False` (lowercase accepted too).
    static func boolean(_ text: some StringProtocol) -> Bool? {
        switch text {
        case "True", "true": true
        case "False", "false": false
        default: nil
        }
    }

    /// The last path component of a file name, for names given as paths.
    static func baseName(_ fileName: String) -> Substring {
        fileName.split(separator: "/", omittingEmptySubsequences: true).last ?? Substring(fileName)
    }

    /// A file name without its directory and its last extension: `a/b/1gpu_1e14_x.csv` → `1gpu_1e14_x`.
    static func stem(_ fileName: String) -> Substring {
        let base = baseName(fileName)
        guard let dot = base.lastIndex(of: "."), dot != base.startIndex else { return base }
        return base[..<dot]
    }

    /// The index of the first position where two sequences differ, within their common length.
    static func firstMismatch(_ found: [some StringProtocol], _ expected: [String]) -> Int? {
        zip(found, expected).enumerated().first { $0.element.0 != $0.element.1 }?.offset
    }

    /// Quotes a value for an error message, shortening long values.
    static func quoted(_ text: some StringProtocol) -> String {
        let limit = 60
        if text.count > limit {
            return "'\(text.prefix(limit))…'"
        }
        return "'\(text)'"
    }
}
