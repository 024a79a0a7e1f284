import ArgumentParser
import Foundation
import Logging
import ProvStore
import ProvStoreSQLite

/// Options every command that touches the store shares.
struct StoreOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "Where the store lives: a folder, a .sqlite file or sqlite:PATH (env PROVKIT_STORE).",
            discussion: "Default: ./.provkit/ in the working directory.", valueName: "store"))
    var store: String?

    @Flag(name: .shortAndLong, help: "Log what the store does to standard error.")
    var verbose = false

    /// The store location after the option, the environment and the default are applied.
    var location: String {
        if let store, !store.isEmpty { return store }
        if let environment = ProcessInfo.processInfo.environment["PROVKIT_STORE"], !environment.isEmpty {
            return environment
        }
        return ".provkit"
    }

    /// Opens the store this command works on.
    func open() throws -> any ProvenanceStore {
        LoggingBootstrap.once(verbose: verbose)
        return try StoreFactory.open(location, logger: Logger(label: "provkit.store"))
    }
}

/// Turns a store location into an open store. The one place that picks a concrete back-end.
enum StoreFactory {
    /// The SQLite file a location means: `sqlite:PATH` or a `.sqlite`/`.db` path is the file itself; anything else
    /// is a folder that holds `provkit.sqlite`.
    static func sqlitePath(for location: String) throws -> String {
        if location.hasPrefix("postgres://") || location.hasPrefix("postgresql://") {
            throw CLIError("PostgreSQL stores are not available in this build yet; use a folder or sqlite:PATH")
        }
        var path = location
        if path.hasPrefix("sqlite:") {
            path.removeFirst("sqlite:".count)
            if path.hasPrefix("//") { path.removeFirst(2) }
            guard !path.isEmpty else { throw CLIError("--store sqlite: needs a path, as in sqlite:./runs.sqlite") }
            return path
        }
        if path.hasSuffix(".sqlite") || path.hasSuffix(".sqlite3") || path.hasSuffix(".db") {
            return path
        }
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue {
            throw CLIError("--store \(location) is a file, not a folder; name a folder or use sqlite:\(location)")
        }
        return (path as NSString).appendingPathComponent("provkit.sqlite")
    }

    /// Opens the store at `location`.
    /// - Parameter durableCommits: whether a write is on disk when it returns (SQLite `synchronous = FULL`) or
    ///   only safe from a crash of the process (`NORMAL`).
    static func open(_ location: String, durableCommits: Bool = true, logger: Logger) throws -> any ProvenanceStore {
        var configuration = SQLiteStore.Configuration()
        configuration.durableCommits = durableCommits
        return try SQLiteStore(path: sqlitePath(for: location), configuration: configuration, logger: logger)
    }
}

/// Sets up swift-log once for the process: warnings by default, debug with --verbose or PROVKIT_LOG_LEVEL.
enum LoggingBootstrap {
    nonisolated(unsafe) private static var done = false  // only touched from the main task, before any logging

    static func once(verbose: Bool) {
        guard !done else { return }
        done = true
        let environmentLevel = ProcessInfo.processInfo.environment["PROVKIT_LOG_LEVEL"].flatMap {
            Logger.Level(rawValue: $0)
        }
        let level: Logger.Level = verbose ? .debug : environmentLevel ?? .warning
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
    }
}
