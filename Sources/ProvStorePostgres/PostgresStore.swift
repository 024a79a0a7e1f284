#if Postgres
    import Foundation
    public import Logging
    import PostgresNIO
    public import ProvModel
    public import ProvStore
    import Synchronization

    /// The shared back-end: one PostgreSQL database reached through a pool of connections (postgres-nio's
    /// `PostgresClient`), for several `provkit serve` processes and many writers at once.
    ///
    /// Every ingest is one transaction, committed before the call returns. Concurrent writers on one database are safe:
    /// rows are created with `INSERT … ON CONFLICT`, run changes lock the run row (`SELECT … FOR UPDATE`), experiment
    /// numbers are handed out under a transaction-scoped advisory lock, and a transaction that loses a race
    /// (serialization failure, deadlock, unique violation) is rolled back and run again from the start, a few times.
    ///
    /// The bridge between the pool and the synchronous world: `PostgresClient` is a `Service` that leases connections
    /// only while its `run()` is active. ``open(_:configuration:logger:)`` starts `run()` in a task the store owns and
    /// ``close()`` cancels it (the `ProvenanceStore` protocol has no lifecycle of its own; a process that exits without
    /// calling ``close()`` simply drops the connections).
    public final class PostgresStore: ProvenanceStore, Sendable {
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

            /// The defaults.
            public static var `default`: Configuration { Configuration() }

            public init() {}
        }

        let client: PostgresClient
        let classifier: KeyClassifier
        let logger: Logger
        let retries: Int
        /// Where the store is, with no password (safe to print).
        public let location: String
        private let runner: Mutex<Task<Void, Never>?>
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
            self.schema = configuration.schema
            self.classifier = KeyClassifier(taxonomy: configuration.taxonomy)
            self.runner = Mutex(nil)
        }

        /// Connects to the database a `postgres://` URL names and migrates it to the current schema (several processes
        /// may do this at once: migrations run under an advisory lock).
        /// - Throws: ``StoreError`` with code `cannotOpen` (bad URL, unreachable server, refused login) or
        ///   `incompatibleSchema` (written by a newer ProvKit).
        public static func open(
            _ url: String, configuration: Configuration = .default, logger: Logger
        ) async throws -> PostgresStore {
            let target = try PostgresURL(url)
            var clientConfiguration = try target.clientConfiguration()
            clientConfiguration.options.maximumConnections = max(1, configuration.maximumConnections)
            clientConfiguration.options.connectTimeout = .seconds(10)
            if let schema = configuration.schema {
                guard Self.isPlainIdentifier(schema) else {
                    throw StoreError(
                        .cannotOpen, "invalid schema name '\(schema)': use lowercase letters, digits and _ only")
                }
                clientConfiguration.options.additionalStartupParameters.append(("search_path", schema))
            }
            // One plain connection first: a wrong URL (no server, refused login, missing database) fails now with the
            // server's reason, where the pool would retry for a minute before giving up.
            do {
                let probe = try await PostgresConnection.connect(
                    configuration: target.connectionConfiguration(
                        startupParameters: clientConfiguration.options.additionalStartupParameters),
                    id: 0, logger: logger)
                try? await probe.close()
            } catch let error as StoreError {
                throw error
            } catch {
                throw StoreError(.cannotOpen, "cannot open the store at \(target.redacted): \(Self.safeMessage(error))")
            }
            let client = PostgresClient(configuration: clientConfiguration, backgroundLogger: logger)
            let store = PostgresStore(
                client: client, location: target.redacted, configuration: configuration, logger: logger)
            // The pool leases connections only while `run()` is active: start it, and wait until its task has begun.
            let (started, signal) = AsyncStream<Void>.makeStream()
            store.runner.withLock {
                $0 = Task {
                    signal.finish()
                    await client.run()
                }
            }
            for await _ in started {}
            try? await Task.sleep(for: .milliseconds(5))
            do {
                try await store.migrate()
            } catch {
                store.close()
                if let error = error as? StoreError { throw error }
                throw StoreError(.cannotOpen, "cannot open the store at \(target.redacted): \(Self.safeMessage(error))")
            }
            logger.debug("store.opened", metadata: ["store.location": "\(target.redacted)"])
            return store
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
            try await read { connection in
                try await connection.execute("DROP SCHEMA IF EXISTS \(schema) CASCADE", [], logger: logger)
            }
        }

        /// Stops the connection pool; the store cannot be used afterwards.
        public func close() {
            runner.withLock { task in
                task?.cancel()
                task = nil
            }
        }

        deinit {
            runner.withLock { $0?.cancel() }
        }

        // MARK: Running statements

        /// Runs `body` on a pooled connection outside any transaction (each statement sees the latest commits).
        func read<T: Sendable>(_ body: (PostgresConnection) async throws -> T) async throws -> T {
            do {
                return try await client.withConnection { connection in try await body(connection) }
            } catch let error as StoreError {
                throw error
            } catch {
                throw StoreError(.backend, "the store could not be read: \(Self.safeMessage(error))")
            }
        }

        /// Runs `body` in one transaction on a pooled connection; commits when it returns, rolls back when it throws.
        ///
        /// A transaction that failed because another writer won a race (serialization failure, deadlock, a unique key
        /// taken meanwhile) is run again from the start, up to ``Configuration/retries`` times. ``IngestError`` and
        /// ``StoreError`` thrown by `body` pass through after the rollback.
        func transaction<T: Sendable>(_ body: (PostgresConnection) async throws -> T) async throws -> T {
            var attempt = 0
            while true {
                do {
                    return try await client.withConnection { connection in
                        try await connection.execute("BEGIN", [], logger: logger)
                        do {
                            let value = try await body(connection)
                            try await connection.execute("COMMIT", [], logger: logger)
                            return value
                        } catch {
                            try? await connection.execute("ROLLBACK", [], logger: logger)
                            throw error
                        }
                    }
                } catch let error as IngestError {
                    throw error
                } catch let error as StoreError {
                    throw error
                } catch {
                    if attempt < retries, Self.isRetryable(error) {
                        attempt += 1
                        logger.debug("store.retry", metadata: ["retry.attempt": "\(attempt)"])
                        try? await Task.sleep(for: .milliseconds(Int.random(in: 1...(5 * attempt))))
                        continue
                    }
                    throw StoreError(.backend, "the store could not write: \(Self.safeMessage(error))")
                }
            }
        }

        /// Whether a failed transaction may succeed when run again: serialization failure, deadlock, unique violation.
        static func isRetryable(_ error: any Error) -> Bool {
            guard let error = error as? PSQLError, let state = error.serverInfo?[.sqlState] else { return false }
            return ["40001", "40P01", "23505"].contains(state)
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
            if String(describing: type(of: error)).contains("ConnectionPoolError") {
                return "cannot connect to the PostgreSQL server: it is unreachable or refused the login "
                    + "(check host, port, user, password, database and sslmode; --verbose shows the server's reason)"
            }
            return String(describing: error)
        }

        // MARK: Migrations

        /// Applies the migrations the database lacks, in order, under an advisory lock (two servers starting at once
        /// wait for each other); refuses a database migrated by a newer ProvKit.
        func migrate() async throws {
            try await client.withConnection { connection in
                // A session lock (not a transaction lock): DDL runs in its own transactions below.
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
            }
        }
    }
#endif
