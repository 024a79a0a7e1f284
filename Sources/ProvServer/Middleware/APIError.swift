import Foundation
public import Hummingbird
import NIOCore
import ProvModel
import ProvQuery
import ProvStore

/// An error an API call answers with: an HTTP status, an MLflow error code and a message that says what to fix.
///
/// Handlers throw it (or a domain error: ``IngestError``, ``StoreError``, ``SearchSyntaxError``,
/// ``EventFormatError``, a decoding error), and ``ErrorMiddleware`` turns every error into a response in one place.
/// A client mistake is always a 4xx: MLflow clients retry 5xx answers for minutes.
public struct APIError: Error, Sendable, CustomStringConvertible {
    public var status: HTTPResponse.Status
    /// MLflow's error code, such as `INVALID_PARAMETER_VALUE` or `RESOURCE_DOES_NOT_EXIST`.
    public var code: String
    public var message: String

    public init(_ status: HTTPResponse.Status, _ code: String, _ message: String) {
        self.status = status
        self.code = code
        self.message = message
    }

    public var description: String { "\(code): \(message)" }

    /// 400 `INVALID_PARAMETER_VALUE`.
    static func invalid(_ message: String) -> APIError {
        APIError(.badRequest, "INVALID_PARAMETER_VALUE", message)
    }

    /// 400 `INVALID_PARAMETER_VALUE` for a required field that is missing or empty, in MLflow's words.
    static func missing(_ field: String) -> APIError {
        invalid(
            "Missing value for required parameter '\(field)'. See the API docs for more information about request parameters."
        )
    }

    /// 404 `RESOURCE_DOES_NOT_EXIST`.
    static func notFound(_ message: String) -> APIError {
        APIError(.notFound, "RESOURCE_DOES_NOT_EXIST", message)
    }

    /// 413 for a request body over the server's limit, saying the limit.
    static func tooLarge(limit: Int, declared: Int64? = nil) -> APIError {
        let size = declared.map { "The request body is \($0) bytes; this" } ?? "The request body is larger than this"
        return APIError(
            .contentTooLarge, "BAD_REQUEST",
            "\(size) server accepts at most \(limit) bytes (provkit serve --max-request-mb). Send less per request.")
    }

    /// 400 `RESOURCE_ALREADY_EXISTS`.
    static func alreadyExists(_ message: String) -> APIError {
        APIError(.badRequest, "RESOURCE_ALREADY_EXISTS", message)
    }

    /// The answer for any error a handler throws.
    static func from(_ error: any Error) -> APIError? {
        switch error {
        case let error as APIError:
            return error
        case let error as IngestError:
            let message = error.field.map { "\(error.message) (field '\($0)')" } ?? error.message
            switch error.code {
            case .unknownReference: return notFound(message)
            case .duplicateName: return alreadyExists(message)
            case .immutableValue: return invalid("Changing param values is not allowed. \(message)")
            default: return invalid(message)
            }
        case let error as StoreError:
            switch error.code {
            case .notFound: return notFound(error.message)
            case .invalidQuery: return invalid(error.message)
            case .unavailable: return APIError(.serviceUnavailable, "TEMPORARILY_UNAVAILABLE", error.message)
            default: return nil  // the store failed: a server error, logged by the middleware
            }
        case let error as SearchSyntaxError:
            return invalid(error.message)
        case let error as EventFormatError:
            return invalid(error.description)
        case let error as DecodingError:
            return invalid("Invalid request body: \(describe(error))")
        case is NIOTooManyBytesError:
            return APIError(.contentTooLarge, "BAD_REQUEST", "The request body is larger than this server accepts.")
        case let error as HTTPError where error.status.code < 500:
            if error.status == .contentTooLarge {
                return APIError(error.status, "BAD_REQUEST", "The request body is larger than this server accepts.")
            }
            return APIError(error.status, "BAD_REQUEST", error.body ?? error.status.reasonPhrase)
        default:
            return nil
        }
    }

    /// A decoding error as a user reads it: the field's path and what was expected.
    static func describe(_ error: DecodingError) -> String {
        func path(_ codingPath: [any CodingKey]) -> String {
            var text = ""
            for key in codingPath {
                if let index = key.intValue {
                    text += "[\(index)]"
                } else {
                    text += text.isEmpty ? key.stringValue : "." + key.stringValue
                }
            }
            return text.isEmpty ? "the body" : "field '\(text)'"
        }
        switch error {
        case .typeMismatch(let type, let context):
            return "\(path(context.codingPath)): expected \(typeName(type))"
        case .valueNotFound(let type, let context):
            return "\(path(context.codingPath)): expected \(typeName(type)), found null"
        case .keyNotFound(let key, let context):
            return "\(path(context.codingPath + [key])) is required"
        case .dataCorrupted(let context):
            if context.codingPath.isEmpty { return "not valid JSON" }
            return "\(path(context.codingPath)): \(context.debugDescription)"
        @unknown default:
            return "it does not match the expected shape"
        }
    }

    private static func typeName(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Bool.Type: "a boolean"
        case is Double.Type, is Int64.Type, is Int.Type: "a number"
        default:
            String(describing: type).hasPrefix("Array") ? "an array" : "an object"
        }
    }
}
