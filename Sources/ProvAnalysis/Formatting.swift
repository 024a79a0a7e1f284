import Foundation

/// Number formatting for messages, tables and reports.
enum AnalysisFormat {
    /// A number as a person reads it: up to `digits` significant digits, integers without a fraction.
    static func number(_ value: Double, digits: Int = 6) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value > 0 ? "Infinity" : "-Infinity" }
        if value == value.rounded(), abs(value) < 1e12, let whole = Int64(exactly: value) { return String(whole) }
        return String(format: "%.\(digits)g", value)
    }
}
