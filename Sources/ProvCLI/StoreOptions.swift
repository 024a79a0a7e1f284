import ArgumentParser
import Foundation
import Logging
import ProvStore
import ProvStoreSQLite
import ServiceLifecycle

#if Postgres
    import ProvStorePostgres
#endif

/// Options every command that touches the store shares.
struct StoreOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "Where the store lives: a folder, a .sqlite file, sqlite:PATH or postgres://… (env PROVKIT_STORE).",
            discussion: """
                Default: ./.provkit/ in the working directory. A PostgreSQL store is a URL such as \
                postgres://USER:PASSWORD@HOST:5432/DATABASE?sslmode=require or \
                postgres://USER@/DATABASE?host=/var/run/postgresql (docs/postgres.md).
                """, valueName: "store"))
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

    /// Opens the store this command works on, runs its service while `body` works with it, and stops it afterwards.
    func withStore<T>(_ body: (any ProvenanceStore) async throws -> T) async throws -> T {
        LoggingBootstrap.once(verbose: verbose)
        return try await StoreFactory.withStore(location, logger: Logger(label: "provkit.store"), body)
    }
}

/// Turns a store location into an open store. The one place that picks a concrete back-end.
enum StoreFactory {
    /// Whether a location names a PostgreSQL database (`postgres://` or `postgresql://`).
    static func isPostgres(_ location: String) -> Bool {
        location.hasPrefix("postgres://") || location.hasPrefix("postgresql://")
    }

    /// Whether this build of provkit has the PostgreSQL back-end (package trait `Postgres`).
    static var hasPostgres: Bool {
        #if Postgres
            true
        #else
            false
        #endif
    }

    /// The SQLite file a location means: `sqlite:PATH` or a `.sqlite`/`.db` path is the file itself; anything else
    /// is a folder that holds `provkit.sqlite`.
    static func sqlitePath(for location: String) throws -> String {
        if isPostgres(location) {
            throw CLIError("\(redacted(location)) is a PostgreSQL store, not a SQLite file")
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

    /// Where artifacts go by default: beside a SQLite store's file; `./.provkit/artifacts` for a PostgreSQL store
    /// (servers that share one database need `--artifacts-root` on a folder they all reach).
    static func defaultArtifactsRoot(for location: String) throws -> URL {
        if isPostgres(location) {
            return URL(fileURLWithPath: ".provkit/artifacts", isDirectory: true).standardizedFileURL
        }
        return URL(fileURLWithPath: try sqlitePath(for: location)).deletingLastPathComponent()
            .appendingPathComponent("artifacts")
    }

    /// The location as it may be printed: a URL loses its password.
    static func redacted(_ location: String) -> String {
        guard isPostgres(location), var components = URLComponents(string: location) else { return location }
        if components.password != nil { components.password = "****" }
        return components.string ?? "postgres://…"
    }

    /// Opens the store at `location` and runs its service (the connection pool of a PostgreSQL store) in a child
    /// task while `body` works with it; when `body` returns or throws, the service is stopped (its connections closed,
    /// a SQLite database closed) and waited for. For a store that is not run in a server's `ServiceGroup`.
    static func withStore<T>(
        _ location: String, durableCommits: Bool = true, logger: Logger,
        _ body: (any ProvenanceStore) async throws -> T
    ) async throws -> T {
        let store = try await open(location, durableCommits: durableCommits, logger: logger)
        guard let service = store as? any Service else { return try await body(store) }
        return try await withThrowingTaskGroup(of: Void.self, returning: T.self) { group in
            group.addTask { try await service.run() }
            defer { group.cancelAll() }
            return try await body(store)
        }
    }

    /// Opens the store at `location`; a store that is a `Service` works once its `run()` runs (``withStore``, or
    /// the server's `ServiceGroup`).
    /// - Parameter durableCommits: whether a write is on disk when it returns (SQLite `synchronous = FULL`) or
    ///   only safe from a crash of the process (`NORMAL`). PostgreSQL commits follow the server's settings.
    static func open(
        _ location: String, durableCommits: Bool = true, logger: Logger
    ) async throws
        -> any ProvenanceStore
    {
        if isPostgres(location) {
            #if Postgres
                return try await PostgresStore.open(location, logger: logger)
            #else
                throw CLIError(
                    "this build of provkit has no PostgreSQL support (it was built with --disable-default-traits); "
                        + "rebuild with the default traits (swift build) or use a folder or sqlite:PATH")
            #endif
        }
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
