/// The token every request must carry when a server is protected: never empty, never only whitespace, and sendable
/// unchanged in an HTTP header (no surrounding whitespace, no control characters).
///
/// An empty token would otherwise read as "no token" somewhere and switch authentication off, so the type cannot hold
/// one: ``ServerConfiguration/authToken`` is either `nil` (no authentication) or a usable token.
public struct AuthToken: Sendable, Hashable, CustomStringConvertible {
    /// The token as clients send it.
    public let value: String

    /// Checks a token.
    /// - Throws: ``AuthTokenError`` for an empty or whitespace-only token, one with surrounding whitespace (which HTTP
    ///   drops from header values, so no client could send it) or one with control characters.
    public init(_ value: String) throws(AuthTokenError) {
        if value.isEmpty {
            throw AuthTokenError("the token is empty; pass a non-empty secret (or leave the token unset to serve without one)")
        }
        if value.allSatisfy(\.isWhitespace) {
            throw AuthTokenError("the token is only whitespace; pass a non-empty secret")
        }
        if value.first?.isWhitespace == true || value.last?.isWhitespace == true {
            throw AuthTokenError("the token starts or ends with whitespace, which HTTP headers drop; remove it")
        }
        if value.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            throw AuthTokenError("the token holds a control character (such as a newline); HTTP headers cannot carry it")
        }
        self.value = value
    }

    /// The token a server is started with: the `--auth-token` option when given, else `PROVKIT_AUTH_TOKEN` when set.
    /// Given but empty (or whitespace) is refused, not read as "no token": an unset shell variable in
    /// `--auth-token "$TOKEN"` must not start an open server.
    /// - Returns: `nil` when neither is given (no authentication).
    /// - Throws: ``AuthTokenError`` naming where the bad token came from.
    public static func configured(option: String?, environment: [String: String]) throws(AuthTokenError) -> AuthToken? {
        let (value, source): (String?, String) =
            option != nil ? (option, "--auth-token") : (environment["PROVKIT_AUTH_TOKEN"], "PROVKIT_AUTH_TOKEN")
        guard let value else { return nil }
        do {
            return try AuthToken(value)
        } catch {
            throw AuthTokenError("\(source): \(error.message)")
        }
    }

    /// Never the token itself, so that a logged configuration does not reveal it.
    public var description: String { "AuthToken(\(value.utf8.count) bytes)" }
}

/// Why a token was refused.
public struct AuthTokenError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What is wrong with the token and what to do.
    public var message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}
