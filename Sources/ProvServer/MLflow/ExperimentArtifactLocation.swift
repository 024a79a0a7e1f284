import Foundation

/// The artifact location an experiment is created with, made absolute as MLflow makes it.
///
/// A relative local path (no URI scheme, not starting with `/`) is resolved against the server process's current
/// directory; an absolute path and any URI with a scheme (`s3://...`, `file:///...`, `mlflow-artifacts:/...`) are kept
/// as given.
enum ExperimentArtifactLocation {
    /// `location` made absolute against `currentDirectory` when it is a relative local path, otherwise unchanged.
    static func resolved(_ location: String, currentDirectory: String) -> String {
        guard !location.hasPrefix("/"), !hasScheme(location) else { return location }
        let base = URL(fileURLWithPath: currentDirectory, isDirectory: true)
        return URL(fileURLWithPath: location, relativeTo: base).standardizedFileURL.path
    }

    /// Whether `location` starts with a URI scheme: a letter, then letters, digits, `+`, `-` or `.`, then `:`.
    static func hasScheme(_ location: String) -> Bool {
        guard let colon = location.firstIndex(of: ":") else { return false }
        let scheme = location[..<colon]
        guard let first = scheme.first, first.isASCII, first.isLetter else { return false }
        return scheme.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "+-.".contains($0)) }
    }
}
