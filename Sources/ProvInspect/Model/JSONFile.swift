import Foundation
import ProvModel

/// Reading small JSON files (configs, model JSON) with a size limit and clear errors.
enum JSONFile {
    /// The largest JSON file read: 64 MiB (a Keras model JSON of thousands of layers is a few MB).
    static let maximumBytes = 64 << 20

    static func read(_ path: String, what: String) throws -> JSONValue {
        let attributes = try? FileManager.default.attributesOfItem(atPath: path)
        guard let size = (attributes?[.size] as? NSNumber)?.intValue else {
            throw InspectError("cannot read \(path): no such file")
        }
        guard size <= maximumBytes else {
            throw InspectError("\(path) has \(size) bytes, more than the \(maximumBytes) a \(what) may have")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw InspectError("cannot read \(path)")
        }
        return try parse(data, path: path, what: what)
    }

    static func parse(_ data: Data, path: String, what: String) throws -> JSONValue {
        do {
            return try JSONDecoder().decode(JSONValue.self, from: data)
        } catch let DecodingError.dataCorrupted(context) {
            let reason = (context.underlyingError as? NSError)?.userInfo[NSDebugDescriptionErrorKey] as? String
            throw InspectError(
                "\(path) is not valid JSON, so it cannot be read as a \(what)" + (reason.map { ": \($0)" } ?? ""))
        } catch {
            throw InspectError("\(path) is not valid JSON, so it cannot be read as a \(what)")
        }
    }
}

extension JSONValue {
    subscript(key: String) -> JSONValue? {
        objectValue?[key]
    }

    var intValue: Int? {
        guard case .number(let number) = self, abs(number) < 1e15 else { return nil }
        return Int(exactly: number)
    }

    var arrayValue: [JSONValue]? {
        if case .array(let value) = self { value } else { nil }
    }

    var boolValue: Bool? {
        if case .bool(let value) = self { value } else { nil }
    }
}
