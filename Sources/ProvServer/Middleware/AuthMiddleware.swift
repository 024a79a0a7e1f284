import Foundation
public import Hummingbird

/// Requires the configured token on every request, as MLflow clients send it: `Authorization: Bearer <token>`
/// (`MLFLOW_TRACKING_TOKEN`) or `Authorization: Basic base64(<any user>:<token>)`
/// (`MLFLOW_TRACKING_USERNAME` and `MLFLOW_TRACKING_PASSWORD`). Anything else gets 401 `UNAUTHENTICATED`.
///
/// The comparison takes the same time whatever the token sent, so that timing does not reveal the token.
public struct AuthMiddleware<Context: RequestContext>: RouterMiddleware {
    let token: [UInt8]

    /// - Parameter token: the token every request must carry (never empty: ``AuthToken`` cannot hold an empty one).
    public init(token: AuthToken) {
        self.token = Array(token.value.utf8)
    }

    public func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        guard let header = request.headers[.authorization], let presented = Self.credential(in: header),
            Self.constantTimeEqual(presented, token)
        else {
            var response = ErrorMiddleware<Context>.response(
                APIError(
                    .unauthorized, "UNAUTHENTICATED",
                    "This server requires a token: set MLFLOW_TRACKING_TOKEN (or MLFLOW_TRACKING_PASSWORD) to the server's --auth-token."
                ))
            response.headers[.wwwAuthenticate] = "Bearer realm=\"provkit\""
            return response
        }
        return try await next(request, context)
    }

    /// The token in an `Authorization` header: a bearer token, or the password of basic authentication.
    static func credential(in header: String) -> [UInt8]? {
        let parts = header.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count == 2 else { return nil }
        let value = parts[1].trimmingCharacters(in: .whitespaces)
        switch parts[0].lowercased() {
        case "bearer":
            return Array(value.utf8)
        case "basic":
            guard let data = Data(base64Encoded: value), let colon = data.firstIndex(of: UInt8(ascii: ":")) else {
                return nil
            }
            return Array(data[data.index(after: colon)...])
        default:
            return nil
        }
    }

    static func constantTimeEqual(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
        var difference = UInt8(lhs.count == rhs.count ? 0 : 1)
        for index in 0..<max(lhs.count, rhs.count) {
            let left = index < lhs.count ? lhs[index] : 0
            let right = index < rhs.count ? rhs[index] : 0
            difference |= left ^ right
        }
        return difference == 0
    }
}
