#if Postgres
    import PostgresNIO
    public import ProvStore

    // The shared store runs the shared SQL reads (ProvStore/SQL) in its own transactions, with PostgreSQL's dialect:
    // lists travel as arrays (`= ANY(?)`), placeholders become typed `$n`.

    extension PostgresStore: SQLBackedStore {
        package var dialect: SQLDialect { .postgresql }

        package func fetch<Read: SQLRead>(_ read: Read) async throws -> Read.Output {
            try await self.read { [self] connection in try await connection.run(read, logger: logger) }
        }

        package func fetchWriting<Read: SQLRead>(_ read: Read) async throws -> Read.Output {
            try await transaction { [self] connection in try await connection.run(read, logger: logger) }
        }

        /// The most relation hops a lineage query may ask for.
        public static var maximumLineageDepth: Int { GraphSQL.maximumLineageDepth }
    }
#endif
