public import Foundation
import Testing

/// An external program a test needs, such as coreutils' `sha256sum`.
///
/// Outside CI a missing tool cancels the test with a message saying what to install (Swift Testing reports it as
/// skipped); under CI (`CI=true`) it is a failure, so that CI never passes a test that checked nothing.
public enum RequiredTool {
    /// The folders searched: `PATH`, then the usual system folders.
    static var searchPath: [String] {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        return path.split(separator: ":").map(String.init) + ["/usr/local/bin", "/usr/bin", "/bin"]
    }

    /// The path of the executable `name`.
    /// - Parameters:
    ///   - folders: where to look (default: `PATH`, then the usual system folders).
    ///   - isCI: whether a missing tool fails (default: `CI=true`).
    /// - Throws: ``RequiredToolMissing`` under CI when it is absent; elsewhere the test is cancelled.
    public static func locate(
        _ name: String, purpose: String, in folders: [String]? = nil, isCI: Bool = SharedData.isCI
    ) throws -> String {
        for folder in folders ?? searchPath where !folder.isEmpty {
            let candidate = folder + "/" + name
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        let message = "`\(name)` is not installed, and \(purpose) needs it"
        if isCI {
            throw RequiredToolMissing(description: message + " (CI=true requires it)")
        }
        try Test.cancel(Comment(rawValue: message))
    }
}

/// Thrown under CI when a program a test needs is missing.
public struct RequiredToolMissing: Error, CustomStringConvertible {
    public var description: String
}
