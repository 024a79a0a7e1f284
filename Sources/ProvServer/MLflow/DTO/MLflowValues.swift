import Foundation

// Field types of MLflow's JSON (protobuf's JSON mapping): int64 as a number or a numeric string, doubles as a
// number or one of "NaN", "Infinity", "-Infinity", enums by name (or number, for the view type).

/// An int64 field: a JSON number or a string of digits.
struct MLflowInt64: Decodable, Sendable {
    var value: Int64

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let number = try? container.decode(Int64.self) {
            value = number
        } else if let number = try? container.decode(Double.self), let whole = Int64(exactly: number) {
            value = whole
        } else if let text = try? container.decode(String.self), let number = Int64(text, radix: 10) {
            value = number
        } else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "expected a whole number")
        }
    }
}

/// A double field: a JSON number, or "NaN", "Infinity", "-Infinity", or a numeric string.
struct MLflowDouble: Decodable, Sendable {
    var value: Double

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let number = try? container.decode(Double.self) {
            value = number
        } else if let text = try? container.decode(String.self) {
            switch text {
            case "NaN", "nan": value = .nan
            case "Infinity", "inf": value = .infinity
            case "-Infinity", "-inf": value = -.infinity
            default:
                guard let number = Double(text) else {
                    throw DecodingError.dataCorruptedError(
                        in: container, debugDescription: "expected a number, \"NaN\", \"Infinity\" or \"-Infinity\"")
                }
                value = number
            }
        } else {
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "expected a number, \"NaN\", \"Infinity\" or \"-Infinity\"")
        }
    }
}

/// MLflow's `ViewType`: by name or by number.
enum MLflowViewType: Decodable, Sendable {
    case activeOnly, deletedOnly, all

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let number = try? container.decode(Int.self) {
            switch number {
            case 1: self = .activeOnly
            case 2: self = .deletedOnly
            case 3: self = .all
            default:
                throw DecodingError.dataCorruptedError(in: container, debugDescription: "expected 1, 2 or 3")
            }
            return
        }
        let text = try container.decode(String.self)
        guard let parsed = Self(name: text) else {
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "expected ACTIVE_ONLY, DELETED_ONLY or ALL")
        }
        self = parsed
    }

    init?(name: String) {
        switch name.uppercased() {
        case "ACTIVE_ONLY", "1": self = .activeOnly
        case "DELETED_ONLY", "2": self = .deletedOnly
        case "ALL", "3": self = .all
        default: return nil
        }
    }
}

/// A `{key, value}` pair as clients send it.
struct KeyValueIn: Decodable, Sendable {
    var key: String?
    var value: String?
}

/// A `{key, value}` pair as the server answers it.
struct KeyValueOut: Encodable, Sendable, JSONWritable {
    var key: String
    var value: String

    func write(to json: inout JSONOut) {
        json.beginObject()
        json.member("key", key)
        json.member("value", value)
        json.endObject()
    }
}
