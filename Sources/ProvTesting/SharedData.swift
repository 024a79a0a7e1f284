public import Foundation

/// Locates the team's shared reference data (`../shared/data` beside the repository).
///
/// A user who clones ProvKit has no such folder: tests that need it skip with a message. Under CI
/// (`CI=true`) a missing folder is a failure, never a skip: use ``requireDirectory(_:)``.
public enum SharedData {
    /// The `shared/data` folder: `PROVKIT_SHARED_DATA` if set, else `../shared/data` beside the package root.
    public static var directory: URL? {
        let environment = ProcessInfo.processInfo.environment
        if let path = environment["PROVKIT_SHARED_DATA"], !path.isEmpty {
            return URL(fileURLWithPath: path, isDirectory: true)
        }
        let candidate = packageRoot.deletingLastPathComponent().appendingPathComponent("shared/data", isDirectory: true)
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: candidate.path, isDirectory: &isDirectory)
            && isDirectory.boolValue
            ? candidate : nil
    }

    /// The package root (the folder holding `Package.swift`), found from this source file's path.
    public static var packageRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent()  // ProvTesting
            .deletingLastPathComponent()  // Sources
            .deletingLastPathComponent()  // root
    }

    /// Whether tests run under CI, where missing shared data must fail rather than skip.
    public static var isCI: Bool {
        ProcessInfo.processInfo.environment["CI"]?.lowercased() == "true"
    }

    /// A file or folder inside the shared data folder, or `nil` (with the reason) when it is absent.
    public static func locate(_ relativePath: String) -> (url: URL?, reason: String) {
        guard let directory else {
            return (nil, "shared data not found: set PROVKIT_SHARED_DATA or place it at ../shared/data")
        }
        let url = directory.appendingPathComponent(relativePath)
        guard FileManager.default.fileExists(atPath: url.path) else {
            return (nil, "shared data file missing: \(url.path)")
        }
        return (url, "")
    }

    /// Whether a test needing `relativePath` should run. Prints why not when it skips.
    ///
    /// Use as a trait condition: `.enabled(if: SharedData.available("a4nn"))`. Under CI it always returns
    /// `true`, so that the test runs and fails on the missing file instead of skipping.
    public static func available(_ relativePath: String) -> Bool {
        let (url, reason) = locate(relativePath)
        if url == nil, !isCI {
            print("skipping: \(reason)")
            return false
        }
        return true
    }

    /// The URL of a shared data file, throwing a clear error when it is missing (the CI case).
    public static func require(_ relativePath: String) throws -> URL {
        let (url, reason) = locate(relativePath)
        guard let url else { throw SharedDataMissing(description: reason) }
        return url
    }
}

/// Thrown when required shared data is missing.
public struct SharedDataMissing: Error, CustomStringConvertible {
    public var description: String
}
