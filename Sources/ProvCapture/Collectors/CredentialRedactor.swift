import Foundation

/// Removes credentials from captured text: environment values, command lines, git remotes and the tags the wrapper
/// writes.
///
/// Redaction by variable name (`GITHUB_TOKEN`) misses secrets inside innocent-looking values, such as
/// `PROVKIT_STORE=postgres://prov:PGSECRET@db/prov` or `MLFLOW_TRACKING_URI=https://bob:MLSECRET@host`. This type
/// looks inside values:
/// - the password of a URL's user information (`scheme://user:PASSWORD@host`) and, for web URLs, user information
///   that is a bare token (`https://ghp_…@github.com`) — the user name itself is kept;
/// - the value of a `name=value` pair whose name marks a secret (`password=`, `token=`, `sig=`, `api_key=`,
///   `X-Amz-Signature=`, …), in a query string, a connection string (`host=db password=…`) or an option
///   (`--password=…`);
/// - in a command line, the word after an option that names a secret (`--token VALUE`).
///
/// Each removed value becomes ``replacement``; everything else is kept as it was.
public enum CredentialRedactor {
    /// What a removed credential is replaced with.
    public static let replacement = "[REDACTED]"

    /// Name parts that mark a secret (compared with the lower-cased parts of a name split at `_`, `-` and `.`).
    static let secretNameParts: Set<String> = [
        "password", "passwd", "pwd", "pass", "passphrase", "token", "secret", "sig", "signature", "key", "apikey",
        "credential", "credentials", "auth", "authorization", "sas", "session", "cookie", "private",
    ]
    /// Endings that mark a secret in a name written as one word (`accesstoken`, `clientsecret`).
    static let secretNameEndings = ["token", "secret", "password", "passwd", "apikey"]

    /// Whether a parameter or option name marks its value as a secret: `password`, `access_token`, `X-Amz-Signature`,
    /// `--api-key`, `clientSecret`; not `sigma`, `keyword` or `monkey`.
    public static func isSecretName(_ name: some StringProtocol) -> Bool {
        let trimmed = name.drop(while: { $0 == "-" }).lowercased()
        guard !trimmed.isEmpty else { return false }
        let parts = trimmed.split(whereSeparator: { $0 == "_" || $0 == "-" || $0 == "." })
        if parts.contains(where: { secretNameParts.contains(String($0)) }) { return true }
        return secretNameEndings.contains { trimmed.hasSuffix($0) }
    }

    /// `text` with every credential it carries replaced.
    public static func redact(_ text: String) -> String {
        guard text.contains("://") || text.contains("=") else { return text }
        return redactPairs(in: redactURLUserInfo(in: text))
    }

    /// A command line with the credentials in its words replaced, including the word after an option that names a
    /// secret (`--password VALUE`).
    public static func redact(arguments: [String]) -> [String] {
        var result: [String] = []
        result.reserveCapacity(arguments.count)
        var redactNext = false
        for argument in arguments {
            if redactNext {
                result.append(replacement)
                redactNext = false
                continue
            }
            if argument.hasPrefix("-"), !argument.contains("="), argument.count > 1,
                argument.first(where: { $0 != "-" })?.isLetter == true, isSecretName(argument)
            {
                redactNext = true
            }
            result.append(redact(argument))
        }
        return result
    }

    // MARK: - URLs

    /// Replaces the password (or a bare web token) in the user information of every URL in `text`.
    static func redactURLUserInfo(in text: String) -> String {
        var output = ""
        var rest = Substring(text)
        while let separator = rest.range(of: "://") {
            output += rest[..<separator.upperBound]
            let authority = rest[separator.upperBound...]
            let end = authority.firstIndex(where: { "/?#\"' \t\n\r<>".contains($0) }) ?? authority.endIndex
            let hostPart = authority[..<end]
            if let at = hostPart.lastIndex(of: "@") {
                let userInfo = hostPart[..<at]
                let scheme = schemeBefore(separator.lowerBound, in: rest)
                output += redactedUserInfo(userInfo, scheme: scheme)
                output += hostPart[at...]
            } else {
                output += hostPart
            }
            rest = authority[end...]
        }
        output += rest
        return output
    }

    private static func schemeBefore(_ index: Substring.Index, in text: Substring) -> String {
        var start = index
        while start > text.startIndex {
            let previous = text.index(before: start)
            let character = text[previous]
            guard character.isLetter || character.isNumber || "+-.".contains(character) else { break }
            start = previous
        }
        return text[start..<index].lowercased()
    }

    private static func redactedUserInfo(_ userInfo: Substring, scheme: String) -> String {
        if let colon = userInfo.firstIndex(of: ":") {
            return String(userInfo[..<colon]) + ":" + replacement
        }
        // `https://TOKEN@host` (GitHub and others accept a token as the user): web URLs only, and only when the
        // user looks like a token rather than a name (`https://alice@host` and `ssh://git@host` are kept).
        let isWeb = scheme.hasSuffix("http") || scheme.hasSuffix("https")
        let looksLikeToken = userInfo.count >= 20 && userInfo.allSatisfy { $0.isLetter || $0.isNumber || "_-".contains($0) }
        return isWeb && looksLikeToken ? replacement : String(userInfo)
    }

    // MARK: - name=value pairs

    /// Replaces the value of every `name=value` pair whose name marks a secret. A pair starts at the beginning of
    /// the text or after `?`, `&`, `;`, `,` or white space; its value ends at one of those (or `#`, a quote).
    static func redactPairs(in text: String) -> String {
        guard text.contains("=") else { return text }
        var output = ""
        var index = text.startIndex
        var pairStart = text.startIndex
        while index < text.endIndex {
            let character = text[index]
            if isPairBoundary(character) {
                pairStart = text.index(after: index)
                output.append(character)
                index = pairStart
                continue
            }
            if character == "=", pairStart < index, isSecretName(text[pairStart..<index]) {
                output.append("=")
                var end = text.index(after: index)
                while end < text.endIndex, !isPairBoundary(text[end]), !"#\"'".contains(text[end]) {
                    end = text.index(after: end)
                }
                if end > text.index(after: index) { output += replacement }
                index = end
                pairStart = end
                continue
            }
            output.append(character)
            index = text.index(after: index)
        }
        return output
    }

    private static func isPairBoundary(_ character: Character) -> Bool {
        character == "?" || character == "&" || character == ";" || character == "," || character.isWhitespace
    }
}
