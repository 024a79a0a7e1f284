import Foundation
import Hummingbird
import NIOCore

/// The query of a URL as MLflow clients write it: `key=value` pairs joined by `&`, repeated keys for lists,
/// `+` for spaces and percent-encoding for the rest (Python's `urlencode`).
struct QueryParameters: Sendable {
    private var values: [String: [String]] = [:]

    init(_ query: String?) {
        guard let query, !query.isEmpty else { return }
        for pair in query.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = Self.decode(parts[0])
            let value = parts.count > 1 ? Self.decode(parts[1]) : ""
            values[key, default: []].append(value)
        }
    }

    static func decode(_ text: Substring) -> String {
        let spaced = text.replacingOccurrences(of: "+", with: " ")
        return spaced.removingPercentEncoding ?? spaced
    }

    /// The first value of `key`.
    subscript(_ key: String) -> String? { values[key]?.first }

    /// Every value of `key`, in order.
    func all(_ key: String) -> [String] { values[key] ?? [] }
}

extension Request {
    /// Reads the body (at most `limit` bytes) and decodes it as JSON; an empty body counts as `{}`.
    /// - Throws: ``APIError`` for a body that is not JSON; a decoding error naming the field that has the wrong type.
    func decodeJSON<Value: Decodable>(_ type: Value.Type, limit: Int) async throws -> Value {
        let buffer = try await collectBody(limit: limit)
        let data = buffer.readableBytes == 0 ? Data("{}".utf8) : Data(buffer.readableBytesView)
        do {
            return try JSONDecoder().decode(Value.self, from: data)
        } catch let error as DecodingError {
            if case .dataCorrupted(let context) = error, context.codingPath.isEmpty {
                throw APIError.invalid("Malformed JSON request body: send a JSON object with the API's fields.")
            }
            if case .typeMismatch(_, let context) = error, context.codingPath.isEmpty {
                throw APIError.invalid("Malformed JSON request body: expected a JSON object.")
            }
            throw error
        }
    }

    /// Reads the whole body, at most `limit` bytes: refused before anything is read when its `Content-Length` is
    /// larger, and as soon as more arrives otherwise (a chunked body is never collected past the limit).
    /// - Throws: 413 naming the limit.
    func collectBody(limit: Int) async throws -> ByteBuffer {
        try checkDeclaredLength(limit: limit)
        do {
            return try await body.collect(upTo: limit)
        } catch is NIOTooManyBytesError {
            throw APIError.tooLarge(limit: limit)
        }
    }

    /// Refuses a body whose `Content-Length` exceeds `limit`, before it is read.
    /// - Throws: 413 naming the limit.
    func checkDeclaredLength(limit: Int) throws {
        if let declared = headers[.contentLength].flatMap({ Int64($0) }), declared > Int64(limit) {
            throw APIError.tooLarge(limit: limit, declared: declared)
        }
    }

    /// The query parameters.
    var query: QueryParameters { QueryParameters(uri.query) }
}

/// JSON answers with MLflow's encoding of non-finite numbers (`"NaN"`, `"Infinity"`, `"-Infinity"`).
enum JSONBody {
    static func response(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        let encoder = JSONEncoder()
        encoder.nonConformingFloatEncodingStrategy = .convertToString(
            positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        encoder.outputFormatting = [.withoutEscapingSlashes]
        let data = try encoder.encode(value)
        return JSONResponse.make(status: status, buffer: ByteBuffer(bytes: data))
    }
}
