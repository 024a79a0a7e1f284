import ProvModel

/// A JSON tree whose object members keep the order they were added in, for documents people read and diff
/// (PROV-JSON, JSON-LD, RO-Crate metadata).
enum OrderedJSON: Hashable, Sendable {
    case string(String)
    /// A number in its final textual form.
    case number(String)
    case bool(Bool)
    case null
    case array([OrderedJSON])
    case object([(String, OrderedJSON)])

    static func == (lhs: OrderedJSON, rhs: OrderedJSON) -> Bool {
        switch (lhs, rhs) {
        case (.string(let a), .string(let b)), (.number(let a), .number(let b)): a == b
        case (.bool(let a), .bool(let b)): a == b
        case (.null, .null): true
        case (.array(let a), .array(let b)): a == b
        case (.object(let a), .object(let b)): a.map(\.0) == b.map(\.0) && a.map(\.1) == b.map(\.1)
        default: false
        }
    }

    func hash(into hasher: inout Hasher) {
        hasher.combine(rendered(indent: nil))
    }

    /// An integer.
    static func integer(_ value: Int64) -> OrderedJSON { .number(String(value)) }

    /// The document as text: indented by `indent` spaces per level, or compact when `indent` is `nil`.
    /// Pretty output ends in a newline.
    func rendered(indent: Int? = 2) -> String {
        var output = ""
        write(to: &output, indent: indent, level: 0)
        if indent != nil { output += "\n" }
        return output
    }

    private func write(to output: inout String, indent: Int?, level: Int) {
        func newline(_ level: Int) {
            guard let indent else { return }
            output += "\n" + String(repeating: " ", count: indent * level)
        }
        switch self {
        case .string(let text): JSONValue.writeQuoted(text, to: &output)
        case .number(let text): output += text
        case .bool(let flag): output += flag ? "true" : "false"
        case .null: output += "null"
        case .array(let items):
            guard !items.isEmpty else {
                output += "[]"
                return
            }
            output += "["
            for (index, item) in items.enumerated() {
                if index > 0 { output += "," }
                newline(level + 1)
                item.write(to: &output, indent: indent, level: level + 1)
            }
            newline(level)
            output += "]"
        case .object(let members):
            guard !members.isEmpty else {
                output += "{}"
                return
            }
            output += "{"
            for (index, (key, value)) in members.enumerated() {
                if index > 0 { output += "," }
                newline(level + 1)
                JSONValue.writeQuoted(key, to: &output)
                output += indent == nil ? ":" : ": "
                value.write(to: &output, indent: indent, level: level + 1)
            }
            newline(level)
            output += "}"
        }
    }
}
