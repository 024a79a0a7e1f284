#if Postgres
    import Foundation
    public import Logging
    import PostgresNIO
    public import ProvModel
    public import ProvStore
    public import ServiceLifecycle
    import Synchronization

    /// The shared back-end: one PostgreSQL database reached through a pool of connections (postgres-nio's
    /// `PostgresClient`), for several `provkit serve` processes and many writers at once.
    ///
    /// Every ingest is one transaction, committed before the call returns. Concurrent writers on one database are safe:
    /// rows are created with `INSERT … ON CONFLICT`, run changes lock the run row (`SELECT … FOR UPDATE`), experiment
    /// numbers are handed out under a transaction-scoped advisory lock, and a transaction that loses a race
    /// (serialization failure, deadlock, unique violation) is rolled back and run again from the start, a few times.
    ///
    /// The store is a `Service` (swift-service-lifecycle): its connection pool (postgres-nio's `PostgresClient`) leases
    /// connections only while ``run()`` runs. Run it in the server's `ServiceGroup` before the HTTP server, so that it
    /// shuts down after the server drained (`provkit serve` does), or around a piece of work (the CLI's `withStore`).
    /// Calls made before ``run()`` starts wait for it (within ``Configuration/connectionWait``); once it has ended
    /// (graceful shutdown or cancellation) every call fails at once with ``StoreError`` `.unavailable`.
    public final class PostgresStore: ProvenanceStore, Service, Sendable {
        /// How the store connects.
        public struct Configuration: Sendable {
            /// The taxonomy that classifies keys at ingest. Default: ``Taxonomy/standard``.
            public var taxonomy: Taxonomy = .standard
            /// The most connections the pool opens. Default 16.
            public var maximumConnections: Int = 16
            /// How many times a transaction that lost a race with another writer is run again. Default 8.
            public var retries: Int = 8
            /// A schema (namespace) of its own inside the database, created when missing; `nil` (the default) uses the
            /// database's search path (normally `public`). Letters, digits and `_` only. Tests use one per store.
            public var schema: String?
            /// The longest a call waits for a connection before it fails with ``StoreError/Code/unavailable`` (the
            /// database is down or unreachable). Once a call found no connection in that time, later calls wait at
            /// most 1 s until a connection is made again, so that requests fail fast during an outage. Default 5 s.
            public var connectionWait: Duration = .seconds(5)
            /// The longest one transaction or read may take once it has its connection; after that its connection is
            /// closed and the call fails with ``StoreError/Code/unavailable``. Default 300 s.
            public var transactionTimeout: Duration = .seconds(300)
            /// The server-side `statement_timeout` and `idle_in_transaction_session_timeout` of the store's sessions
            /// (whole seconds; `nil` keeps the server's settings). Default 120 s.
            public var statementTimeout: Duration? = .seconds(120)
            /// How many times a call whose connection failed (the server restarted or ended the session) is run again
            /// on a new connection, after 0.1 s, 0.3 s, 0.9 s, .... Default 3.
            public var connectionRetries: Int = 3

            /// The defaults.
            public static var `default`: Configuration { Configuration() }

            public init() {}
        }

        let client: PostgresClient
        let classifier: KeyClassifier
        let logger: Logger
        let retries: Int
        let limits: Limits
        /// Whether the last wait for a connection ran out (the database seems down); cleared by the next connection.
        private let unreachable = Mutex(false)
        /// Where the store is, with no password (safe to print).
        public let location: String
        /// Whether ``run()`` has started or ended.
        private let phase: ServicePhase
        /// The store's own schema, if it has one.
        let schema: String?
        /// The schema the store was opened with (``Configuration/schema``), if any.
        public var schemaName: String? { schema }

        private init(
            client: PostgresClient, location: String, configuration: Configuration, logger: Logger
        ) {
            self.client = client
            self.location = location
            self.logger = logger
            self.retries = max(0, configuration.retries)
            self.limits = Limits(configuration)
            self.schema = configuration.schema
            self.classifier = KeyClassifier(taxonomy: configuration.taxonomy)
            self.phase = ServicePhase(
                closed: StoreError(.unavailable, "the store at \(location) is closed: its service has stopped"))
        }

        /// Connects to the database a `postgres://` URL names and migrates it to the current schema (several processes
        /// may do this at once: migrations run under an advisory lock). The store's pool works once ``run()`` runs.
        /// - Throws: ``StoreError`` with code `cannotOpen` (bad URL, unreachable server, refused login) or
        ///   `incompatibleSchema` (written by a newer ProvKit).
        public static func open(
            _ url: String, configuration: Configuration = .default, logger: Logger
        ) async throws -> PostgresStore {
            let target = try PostgresURL(url)
            var clientConfiguration = try target.clientConfiguration()
            clientConfiguration.options.maximumConnections = max(1, configuration.maximumConnections)
            clientConfiguration.options.connectTimeout = .seconds(10)
            if let timeout = configuration.statementTimeout {
                let milliseconds = String(max(1, timeout.components.seconds) * 1000)
                clientConfiguration.options.additionalStartupParameters += [
                    ("statement_timeout", milliseconds), ("idle_in_transaction_session_timeout", milliseconds),
                ]
            }
            if let schema = configuration.schema {
                guard Self.isPlainIdentifier(schema) else {
                    throw StoreError(
                        .cannotOpen, "invalid schema name '\(schema)': use lowercase letters, digits and _ only")
                }
                clientConfiguration.options.additionalStartupParameters.append(("search_path", schema))
            }
            // One plain connection first, which also migrates: a wrong URL (no server, refused login, missing
            // database) fails now with the server's reason, where the pool would retry for a minute before giving up.
            let connection: PostgresConnection
            do {
                connection = try await PostgresConnection.connect(
                    configuration: target.connectionConfiguration(
                        startupParameters: clientConfiguration.options.additionalStartupParameters),
                    id: 0, logger: logger)
            } catch let error as StoreError {
                throw error
            } catch {
                throw StoreError(.cannotOpen, "cannot open the store at \(target.redacted): \(Self.safeMessage(error))")
            }
            do {
                try await Self.migrate(connection, schema: configuration.schema, logger: logger)
                try? await connection.close()
            } catch {
                try? await connection.close()
                if let error = error as? StoreError { throw error }
                throw StoreError(.cannotOpen, "cannot open the store at \(target.redacted): \(Self.safeMessage(error))")
            }
            let client = PostgresClient(configuration: clientConfiguration, backgroundLogger: logger)
            logger.debug("store.opened", metadata: ["store.location": "\(target.redacted)"])
            return PostgresStore(client: client, location: target.redacted, configuration: configuration, logger: logger)
        }

        /// Runs the connection pool until graceful shutdown or cancellation; calls made meanwhile are served, calls
        /// made afterwards fail with ``StoreError`` `.unavailable`. The pool runs once: a second call returns at once.
        public func run() async throws {
            guard phase.start() else {
                logger.warning("store.run.repeated", metadata: ["store.location": "\(location)"])
                return
            }
            await client.run()  // returns on graceful shutdown or cancellation, having closed its connections
            phase.stop()
            logger.debug("store.closed", metadata: ["store.location": "\(location)"])
        }

        /// Whether `name` can be used as a schema name without quoting.
        static func isPlainIdentifier(_ name: String) -> Bool {
            guard let first = name.utf8.first, first == UInt8(ascii: "_") || (97...122).contains(first) else {
                return false
            }
            return name.utf8.count <= 63
                && name.utf8.allSatisfy { $0 == UInt8(ascii: "_") || (97...122).contains($0) || (48...57).contains($0) }
        }

        /// Drops the store's own schema with everything in it (for tests); does nothing without one.
        public func dropSchema() async throws {
            guard let schema, Self.isPlainIdentifier(schema) else { return }
            try await read { [self] connection in
                try await connection.execute("DROP SCHEMA IF EXISTS \(schema) CASCADE", [], logger: logger)
            }
        }

        // MARK: Running statements

        /// Runs `body` on a pooled connection outside any transaction (each statement sees the latest commits); runs it
        /// again on a new connection when its connection failed (``Configuration/connectionRetries``).
        /// - Throws: ``StoreError`` `.unavailable` when the database cannot be reached or did not answer in time,
        ///   `.backend` for other database errors; ``StoreError`` thrown by `body` passes through.
        func read<T: Sendable>(_ body: @escaping @Sendable (PostgresConnection) async throws -> T) async throws -> T {
            var attempt = 0
            while true {
                do {
                    return try await withLimits { connection, _ in try await body(connection) }
                } catch let error as StoreError {
                    throw error
                } catch {
                    if Self.isConnectionFailure(error) {
                        if attempt < limits.connectionRetries {
                            attempt += 1
                            try await backOff(attempt)
                            continue
                        }
                        throw Self.unreachable(error)
                    }
                    throw Self.timedOut(error) ?? StoreError(
                        .backend, "the store could not be read: \(Self.safeMessage(error))")
                }
            }
        }

        /// Runs `body` in one transaction on a pooled connection; commits when it returns, rolls back when it throws.
        ///
        /// A transaction that failed because another writer won a race (serialization failure, deadlock, a unique key
        /// taken meanwhile) is run again from the start, up to ``Configuration/retries`` times. One whose connection
        /// failed (the server restarted or ended the session) is run again on a new connection, up to
        /// ``Configuration/connectionRetries`` times — unless its `COMMIT` had been sent: then the server is asked
        /// whether the transaction committed (`txid_status`), and it is run again only if it did not, so that nothing
        /// is stored twice. ``IngestError`` and ``StoreError`` thrown by `body` pass through after the rollback.
        /// - Throws: ``StoreError`` `.unavailable` when the database cannot be reached or did not answer in time
        ///   (nothing of the transaction is stored unless the message says that is unknown), `.backend` otherwise.
        func transaction<T: Sendable>(
            _ body: @escaping @Sendable (PostgresConnection) async throws -> T
        ) async throws -> T {
            var raceAttempt = 0
            var connectionAttempt = 0
            while true {
                let commit = Mutex<PendingCommit<T>?>(nil)
                do {
                    return try await withLimits { connection, logger in
                        try await connection.execute("BEGIN", [], logger: logger)
                        let transactionID: Int64? = try await connection.row(
                            "SELECT txid_current()", [], logger: logger
                        ).flatMap { $0[0] }
                        do {
                            let value = try await body(connection)
                            commit.withLock { $0 = PendingCommit(transaction: transactionID, value: value) }
                            try await connection.execute("COMMIT", [], logger: logger)
                            return value
                        } catch {
                            // A failed connection has rolled the transaction back already, and a statement written
                            // to a closed connection may never be answered.
                            if !Self.isConnectionFailure(error) {
                                try? await connection.execute("ROLLBACK", [], logger: logger)
                            }
                            throw error
                        }
                    }
                } catch let error as IngestError {
                    throw error
                } catch let error as StoreError {
                    throw error
                } catch {
                    if Self.isConnectionFailure(error) {
                        if let pending = commit.withLock({ $0 }) {
                            // The COMMIT was sent and its answer lost: ask the server what became of it.
                            if try await committed(pending.transaction) { return pending.value }
                        }
                        if connectionAttempt < limits.connectionRetries {
                            connectionAttempt += 1
                            logger.info(
                                "store.reconnect",
                                metadata: ["retry.attempt": "\(connectionAttempt)", "error": "\(Self.safeMessage(error))"])
                            try await backOff(connectionAttempt)
                            continue
                        }
                        throw Self.unreachable(error)
                    }
                    if raceAttempt < retries, Self.isRetryable(error) {
                        raceAttempt += 1
                        logger.debug("store.retry", metadata: ["retry.attempt": "\(raceAttempt)"])
                        try? await Task.sleep(for: .milliseconds(Int.random(in: 1...(5 * raceAttempt))))
                        continue
                    }
                    throw Self.timedOut(error) ?? StoreError(
                        .backend, "the store could not write: \(Self.safeMessage(error))")
                }
            }
        }

        /// A transaction whose `COMMIT` was sent: its id (`txid_current()`) and what it returns if it committed.
        private struct PendingCommit<T: Sendable>: Sendable {
            var transaction: Int64?
            var value: T
        }

        /// Runs `body` on a pooled connection within the store's limits: it waits at most
        /// ``Configuration/connectionWait`` for the connection and then runs at most
        /// ``Configuration/transactionTimeout``; a connection that closes under it fails it within a second, even
        /// when a statement it sent is never answered. The connection of a call that ran out of time is closed.
        private func withLimits<T: Sendable>(
            _ body: @escaping @Sendable (PostgresConnection, Logger) async throws -> T
        ) async throws -> T {
            let limits = limits
            let logger = logger
            let client = client
            let wait = unreachable.withLock { $0 } ? min(limits.connectionWait, .seconds(1)) : limits.connectionWait
            let leased = Mutex(false)
            let phase = phase
            do {
                return try await Watchdog.run(
                    timeout: wait,
                    failing: StoreError(
                        .unavailable,
                        "the database is unreachable: no connection within \(Self.seconds(wait)); try again later")
                ) { [self] watchdog in
                    try await phase.waitUntilRunning()
                    return try await client.withConnection { connection in
                        leased.withLock { $0 = true }
                        unreachable.withLock { $0 = false }
                        watchdog.reset(
                            limits.transactionTimeout,
                            failing: StoreError(
                                .unavailable,
                                "the database did not answer within \(Self.seconds(limits.transactionTimeout)); "
                                    + "try again later"))
                        watchdog.watch { connection.isClosed ? ConnectionLost() : nil }
                        watchdog.onGiveUp { connection.closeNow() }
                        return try await body(connection, logger)
                    }
                }
            } catch where phase.hasStopped {
                throw phase.closed  // the pool shut down under the call
            } catch let error as StoreError where error.code == .unavailable && !leased.withLock({ $0 }) {
                unreachable.withLock { $0 = true }
                throw error
            }
        }

        /// Whether the transaction `id` committed, asked on a new connection; waits while it is still in progress.
        /// - Throws: ``StoreError`` `.unavailable` when that cannot be learnt (the write may or may not be stored).
        private func committed(_ id: Int64?) async throws -> Bool {
            guard let id else { return false }
            for attempt in 0...(limits.connectionRetries + 20) {
                do {
                    let status = try await withLimits { connection, logger in
                        try await connection.row("SELECT txid_status(?)", [id], logger: logger).flatMap {
                            $0[0] as String?
                        }
                    }
                    switch status {
                    case "committed": return true
                    case "in progress": try await Task.sleep(for: .milliseconds(100))
                    default: return false  // aborted, or too old to know (then it did not commit now)
                    }
                } catch let error as StoreError where error.code != .unavailable {
                    throw error
                } catch {
                    if attempt >= limits.connectionRetries { break }
                    try await backOff(attempt + 1)
                }
            }
            throw StoreError(
                .unavailable,
                "the database is unreachable: the connection failed while a write was committing, so whether it was "
                    + "stored is unknown; try again later")
        }

        /// Waits before the `attempt`-th retry on a new connection: 0.1 s, 0.3 s, 0.9 s, ... (at most 2 s).
        private func backOff(_ attempt: Int) async throws {
            var delay = 100
            for _ in 1..<max(1, min(attempt, 8)) { delay = min(delay * 3, 2_000) }
            try await Task.sleep(for: .milliseconds(delay + Int.random(in: 0...(delay / 4))))
        }

        /// The error a call ends with when the server cancelled its statement for taking too long
        /// (`statement_timeout`, 57014) or waiting too long for a lock (`lock_timeout`, 55P03): `.unavailable`.
        private static func timedOut(_ error: any Error) -> StoreError? {
            guard let error = error as? PSQLError, let state = error.serverInfo?[.sqlState],
                state == "57014" || state == "55P03"
            else { return nil }
            return StoreError(.unavailable, "the database did not answer in time (\(safeMessage(error))); try again later")
        }

        /// The error a call ends with when its connection kept failing.
        private static func unreachable(_ error: any Error) -> StoreError {
            StoreError(.unavailable, "the database is unreachable (\(safeMessage(error))); try again later")
        }

        private static func seconds(_ duration: Duration) -> String {
            let (seconds, attoseconds) = duration.components
            return attoseconds == 0 ? "\(seconds) s" : "\(Double(seconds) + Double(attoseconds) / 1e18) s"
        }

        /// Whether a failed transaction may succeed when run again: serialization failure, deadlock, unique violation.
        static func isRetryable(_ error: any Error) -> Bool {
            guard let error = error as? PSQLError, let state = error.serverInfo?[.sqlState] else { return false }
            return ["40001", "40P01", "23505"].contains(state)
        }

        /// Whether `error` says the connection failed rather than the statement: the connection closed or could not
        /// be made, or the server ended the session (shutdown, `pg_terminate_backend`, recovery). Nothing of the
        /// transaction is committed then, except perhaps when it failed during `COMMIT`.
        static func isConnectionFailure(_ error: any Error) -> Bool {
            if error is ConnectionLost { return true }
            if String(describing: type(of: error)).contains("ConnectionPoolError") { return true }
            guard let error = error as? PSQLError else { return false }
            switch error.code {
            case .serverClosedConnection, .clientClosedConnection, .connectionError, .uncleanShutdown:
                return true
            case .server:
                guard let state = error.serverInfo?[.sqlState] else { return false }
                // 08: connection exception; 57P01-57P03: admin shutdown, crash shutdown, cannot connect now.
                return state.hasPrefix("08") || ["57P01", "57P02", "57P03"].contains(state)
            default:
                return false
            }
        }

        /// A message about a database error that carries no SQL and no bound values.
        static func safeMessage(_ error: any Error) -> String {
            if let error = error as? PSQLError {
                if let info = error.serverInfo, let message = info[.message] {
                    return message
                }
                switch error.code {
                case .connectionError, .serverClosedConnection, .clientClosedConnection:
                    if let underlying = error.underlying {
                        return "cannot connect to the PostgreSQL server (\(underlying))"
                    }
                    return "cannot connect to the PostgreSQL server"
                case .sslUnsupported:
                    return "the server does not support TLS (sslmode=require was asked for)"
                default:
                    return "database error (\(error.code))"
                }
            }
            if error is CancellationError { return "cancelled" }
            if error is ConnectionLost { return "the connection to the PostgreSQL server closed" }
            if String(describing: type(of: error)).contains("ConnectionPoolError") {
                return "cannot connect to the PostgreSQL server: it is unreachable or refused the login "
                    + "(check host, port, user, password, database and sslmode; --verbose shows the server's reason)"
            }
            return String(describing: error)
        }

        /// The limits of ``Configuration`` every call runs within.
        struct Limits: Sendable {
            var connectionWait: Duration
            var transactionTimeout: Duration
            var connectionRetries: Int

            init(_ configuration: Configuration) {
                connectionWait = max(.milliseconds(1), configuration.connectionWait)
                transactionTimeout = max(.milliseconds(1), configuration.transactionTimeout)
                connectionRetries = max(0, configuration.connectionRetries)
            }
        }

        // MARK: Migrations

        /// Applies the migrations the database lacks, in order, under an advisory lock (two servers starting at once
        /// wait for each other); refuses a database migrated by a newer ProvKit.
        static func migrate(_ connection: PostgresConnection, schema: String?, logger: Logger) async throws {
            // A session lock (not a transaction lock): DDL runs in its own transactions below.
            // Migrations (and waiting for another server's) may take longer than the sessions' statement_timeout.
            try await connection.execute("SET statement_timeout = 0", [], logger: logger)
            try await connection.execute(
                "SELECT pg_advisory_lock(?)", [PostgresSchema.migrationLock], logger: logger)
            do {
                if let schema, Self.isPlainIdentifier(schema) {
                    // An identifier checked to be plain letters, digits and _ (identifiers cannot be bound).
                    try await connection.execute("CREATE SCHEMA IF NOT EXISTS \(schema)", [], logger: logger)
                }
                try await connection.execute(
                    """
                    CREATE TABLE IF NOT EXISTS schema_migrations (
                        version BIGINT PRIMARY KEY, name TEXT NOT NULL,
                        applied_at TIMESTAMPTZ NOT NULL DEFAULT now())
                    """, [], logger: logger)
                let applied = Set(
                    try await connection.rows("SELECT version FROM schema_migrations", [], logger: logger)
                        .map { $0[0] as Int64 })
                let known = Set(PostgresSchema.migrations.map(\.version))
                if let newer = applied.subtracting(known).max() {
                    throw StoreError(
                        .incompatibleSchema,
                        "the database was migrated by a newer ProvKit (schema version \(newer)); upgrade provkit to use it"
                    )
                }
                for migration in PostgresSchema.migrations where !applied.contains(migration.version) {
                    try await connection.execute("BEGIN", [], logger: logger)
                    do {
                        for statement in migration.statements {
                            try await connection.execute(statement, [], logger: logger)
                        }
                        try await connection.execute(
                            "INSERT INTO schema_migrations (version, name) VALUES (?, ?)",
                            [migration.version, migration.name], logger: logger)
                        try await connection.execute("COMMIT", [], logger: logger)
                    } catch {
                        try? await connection.execute("ROLLBACK", [], logger: logger)
                        throw error
                    }
                    logger.info("store.migrated", metadata: ["migration.version": "\(migration.version)"])
                }
            } catch {
                _ = try? await connection.execute(
                    "SELECT pg_advisory_unlock(?)", [PostgresSchema.migrationLock], logger: logger)
                throw error
            }
            try await connection.execute(
                "SELECT pg_advisory_unlock(?)", [PostgresSchema.migrationLock], logger: logger)
            try await connection.execute("RESET statement_timeout", [], logger: logger)
        }
    }

    /// The connection of a call closed under it (its statements will never be answered).
    struct ConnectionLost: Error {}

    extension PostgresConnection {
        /// Closes the connection without waiting (the server rolls back its open transaction).
        func closeNow() {
            let closed: EventLoopFuture<Void> = close()
            closed.whenFailure { _ in }
        }
    }
#endif
