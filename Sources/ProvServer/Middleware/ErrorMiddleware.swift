import Foundation
public import Hummingbird
import Logging
import ProvModel

/// Turns every error a route throws into a JSON answer, in the one shape all routes share:
/// `{"error_code": "INVALID_PARAMETER_VALUE", "message": "..."}` (MLflow's shape; the native API adds `line` and
/// `field` where a request body's event is at fault).
///
/// Errors that are the client's (bad input, unknown ids, refused events) become 4xx; only failures of the server
/// itself become 500 `INTERNAL_ERROR`, logged with the request path (MLflow clients retry 5xx, so a 5xx must never
/// answer a mistake that retrying cannot fix).
public struct ErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    public init() {}

    public func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HTTPError where error.status == .notFound {
            // No route matched (MLflow's clients map this to ENDPOINT_NOT_FOUND); handlers answer a missing
            // resource with an `APIError` instead.
            return Self.response(
                APIError(.notFound, "ENDPOINT_NOT_FOUND", "No API endpoint \(request.method) \(request.uri.path)"))
        } catch let error as NativeIngestError {
            var extra: [String: JSONValue] = [:]
            if let line = error.line { extra["line"] = .number(Double(line)) }
            if let field = error.field { extra["field"] = .string(field) }
            return Self.response(error.apiError, extra: extra)
        } catch {
            if let answer = APIError.from(error) {
                return Self.response(answer)
            }
            context.logger.info(
                "request.failed",
                metadata: ["request.path": "\(request.uri.path)", "error": "\(String(reflecting: error))"])
            return Self.response(
                APIError(.internalServerError, "INTERNAL_ERROR", "The server failed: \(Self.safeDescription(error))"))
        }
    }

    /// The JSON answer for an error.
    static func response(_ error: APIError, extra: [String: JSONValue] = [:]) -> Response {
        var object = extra
        object["error_code"] = .string(error.code)
        object["message"] = .string(error.message)
        return JSONResponse.make(status: error.status, text: JSONValue.object(object).jsonText)
    }

    /// A description of an unexpected error that is safe to show: its type and message, no payload.
    static func safeDescription(_ error: any Error) -> String {
        let text = String(describing: error)
        return text.count > 300 ? String(text.prefix(300)) + "…" : text
    }
}

/// Building JSON responses.
enum JSONResponse {
    static func make(status: HTTPResponse.Status = .ok, text: String) -> Response {
        make(status: status, buffer: ByteBuffer(string: text))
    }

    static func make(status: HTTPResponse.Status = .ok, buffer: ByteBuffer) -> Response {
        Response(
            status: status, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: buffer))
    }
}
