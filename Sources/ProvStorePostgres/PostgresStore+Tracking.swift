#if Postgres
    import PostgresNIO
    public import ProvModel
    public import ProvStore

    // The tracking view's writes over the shared store; its reads are the shared SQL (`SQLBackedStore`).

    extension PostgresStore {
        public func createExperiment(
            _ record: ExperimentRecord, tags: [TagRecord], artifactLocation: String?
        ) async throws -> TrackedExperiment {
            try await transaction { [self] connection in
                _ = try await PostgresIngestSession.apply(
                    [.experiment(record)] + tags.map { .tag($0) }, connection: connection, classifier: classifier,
                    logger: logger)
                if let artifactLocation {
                    _ = try await connection.run(
                        SQLEffect.effect(TrackingWrites.setArtifactLocation(artifactLocation, of: record.id)),
                        logger: logger)
                }
                guard
                    let created = try await connection.run(
                        TrackingSQL(.postgresql).experiment(.id(record.id)), logger: logger)
                else {
                    throw StoreError(.backend, "the new experiment \(record.id.hex) could not be read back")
                }
                return created
            }
        }

        public func ensureDefaultExperiment(_ record: ExperimentRecord) async throws -> TrackedExperiment {
            try await transaction { [self] connection in
                let tracking = TrackingSQL(.postgresql)
                // Two servers starting at once agree on one default experiment.
                try await connection.execute(
                    "SELECT pg_advisory_xact_lock(?)", [PostgresSchema.experimentNumberLock], logger: logger)
                if let existing = try await connection.run(tracking.experiment(.number(0)), logger: logger) {
                    return existing
                }
                if try await connection.run(tracking.experiment(.name(record.name)), logger: logger) == nil {
                    _ = try await PostgresIngestSession.apply(
                        [.experiment(record)], connection: connection, classifier: classifier, logger: logger)
                }
                _ = try await connection.run(
                    SQLEffect.effect(TrackingWrites.makeDefault(named: record.name)), logger: logger)
                guard let created = try await connection.run(tracking.experiment(.number(0)), logger: logger) else {
                    throw StoreError(.backend, "the default experiment could not be read back")
                }
                return created
            }
        }
    }
#endif
