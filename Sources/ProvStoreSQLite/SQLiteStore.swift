import Foundation
import GRDB
public import Logging
public import ProvModel
public import ProvStore
public import ServiceLifecycle

/// The embedded default store: one SQLite database (WAL mode, foreign keys on), opened through GRDB.
///
/// Writes are batched in one transaction per ``ingestCounting(_:)`` call and are durable when the call returns
/// (`synchronous = FULL` by default). Readers run concurrently with the writer.
///
/// The store is usable as soon as it is opened. It is also a `Service` (swift-service-lifecycle): run in a
/// `ServiceGroup`, ``run()`` closes the database once the group shuts down (after the services started after it).
public struct SQLiteStore: ProvenanceStore, Service {
    /// How the store opens its database.
    public struct Configuration: Sendable {
        /// Whether a returned ingest is on disk (`FULL`, the default) or only in the OS cache (`NORMAL`: survives
        /// a process crash but not a power loss).
        public var durableCommits: Bool = true
        /// The taxonomy that classifies keys at ingest. Default: ``Taxonomy/standard``.
        public var taxonomy: Taxonomy = .standard
        /// How long a writer waits for another process's lock before failing, in seconds.
        public var busyTimeout: Double = 10

        /// The defaults.
        public static var `default`: Configuration { Configuration() }

        public init() {}
    }

    let writer: any DatabaseWriter
    let classifier: KeyClassifier
    let logger: Logger
    /// The database file, or `nil` for an in-memory store.
    public let path: String?

    /// Opens (creating if needed) the store in the SQLite file at `path`, migrating it to the current schema.
    /// - Throws: ``StoreError`` with code `cannotOpen` or `incompatibleSchema`.
    public init(path: String, configuration: Configuration = .default, logger: Logger) throws {
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent()
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        } catch {
            let reason = Self.folderProblem(folder, error)
            throw StoreError(.cannotOpen, "cannot create the folder for the store at \(path): \(reason)")
        }
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
            throw StoreError(
                .cannotOpen, "cannot open the store at \(path): it is a folder; give the path of a store file")
        }
        let pool: DatabasePool
        do {
            pool = try DatabasePool(path: path, configuration: Self.grdbConfiguration(configuration))
        } catch {
            throw StoreError(.cannotOpen, "cannot open the store at \(path): \(Self.safeMessage(error))")
        }
        try self.init(writer: pool, path: path, configuration: configuration, logger: logger)
    }

    /// Opens a new, empty store that lives in memory only (for tests and throwaway work).
    public static func inMemory(configuration: Configuration = .default, logger: Logger) throws -> SQLiteStore {
        let queue: DatabaseQueue
        do {
            queue = try DatabaseQueue(configuration: grdbConfiguration(configuration))
        } catch {
            throw StoreError(.cannotOpen, "cannot open an in-memory store: \(safeMessage(error))")
        }
        return try SQLiteStore(writer: queue, path: nil, configuration: configuration, logger: logger)
    }

    private init(writer: any DatabaseWriter, path: String?, configuration: Configuration, logger: Logger) throws {
        self.writer = writer
        self.path = path
        self.logger = logger
        self.classifier = KeyClassifier(taxonomy: configuration.taxonomy)
        do {
            let migrator = ProvSchema.migrator
            let superseded = try writer.read { db in try migrator.hasBeenSuperseded(db) }
            if superseded {
                throw StoreError(
                    .incompatibleSchema,
                    "the store at \(path ?? "memory") was written by a newer ProvKit; upgrade provkit to open it")
            }
            try migrator.migrate(writer)
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError(
                .cannotOpen, "cannot prepare the store at \(path ?? "memory"): \(Self.safeMessage(error))")
        }
        logger.debug("store.opened", metadata: ["store.path": "\(path ?? ":memory:")"])
    }

    private static func grdbConfiguration(_ configuration: Configuration) -> GRDB.Configuration {
        var grdb = GRDB.Configuration()
        grdb.foreignKeysEnabled = true
        grdb.busyMode = .timeout(configuration.busyTimeout)
        grdb.label = "ProvKit"
        let synchronous = configuration.durableCommits ? "FULL" : "NORMAL"
        grdb.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = \(synchronous)")
        }
        return grdb
    }

    /// Why `folder` cannot be created, in words a user can act on: the nearest existing ancestor that is a file or is
    /// not writable, else the system's reason.
    static func folderProblem(_ folder: URL, _ error: any Error) -> String {
        var ancestor = folder.standardizedFileURL
        while true {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: ancestor.path, isDirectory: &isDirectory) {
                if !isDirectory.boolValue { return "\(ancestor.path) is a file, not a folder" }
                if !FileManager.default.isWritableFile(atPath: ancestor.path) {
                    return "the folder \(ancestor.path) is not writable"
                }
                break
            }
            let parent = ancestor.deletingLastPathComponent()
            if parent.path == ancestor.path { break }
            ancestor = parent
        }
        if let underlying = (error as NSError).userInfo[NSUnderlyingErrorKey] as? NSError {
            return underlying.localizedDescription
        }
        return error.localizedDescription
    }

    /// A message about a database error that carries no SQL arguments (GRDB keeps them out by default).
    static func safeMessage(_ error: any Error) -> String {
        if let error = error as? DatabaseError {
            return error.message ?? "database error \(error.resultCode)"
        }
        return String(describing: error)
    }

    /// Waits for graceful shutdown or cancellation, then closes the database: it waits for the accesses in progress
    /// and closes every connection. On graceful shutdown (a server stopping) it first copies the write-ahead log into
    /// the database file and empties it (waiting at most ``Configuration/busyTimeout`` for other processes' readers);
    /// on cancellation (the end of a command's work) it does not wait on other processes. The store cannot be used
    /// afterwards (calls fail with ``StoreError`` `.backend`).
    public func run() async throws {
        let graceful = (try? await gracefulShutdown()) != nil
        do {
            if graceful, path != nil {
                _ = try await writer.writeWithoutTransaction { db in try db.checkpoint(.truncate) }
            }
            try writer.close()
            logger.debug("store.closed", metadata: ["store.path": "\(path ?? ":memory:")"])
        } catch {
            logger.warning("store.close.failed", metadata: ["error": "\(Self.safeMessage(error))"])
        }
    }

    /// Runs a read, mapping database failures to ``StoreError``.
    func read<T: Sendable>(_ body: @Sendable @escaping (Database) throws -> T) async throws -> T {
        do {
            return try await writer.read(body)
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError(.backend, "the store could not be read: \(Self.safeMessage(error))")
        }
    }
}
