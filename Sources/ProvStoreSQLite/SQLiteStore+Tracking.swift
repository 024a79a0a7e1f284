import GRDB
public import ProvModel
public import ProvStore

// The tracking view's writes over the embedded store; its reads are the shared SQL (`SQLBackedStore`).

extension SQLiteStore {
    public func createExperiment(
        _ record: ExperimentRecord, tags: [TagRecord], artifactLocation: String?
    ) async throws -> TrackedExperiment {
        let classifier = self.classifier
        return try await write { db in
            _ = try IngestSession.apply([.experiment(record)] + tags.map { .tag($0) }, db: db, classifier: classifier)
            if let artifactLocation {
                _ = try db.run(SQLEffect.effect(TrackingWrites.setArtifactLocation(artifactLocation, of: record.id)))
            }
            guard let created = try db.run(TrackingSQL(.sqlite).experiment(.id(record.id))) else {
                throw StoreError(.backend, "the new experiment \(record.id.hex) could not be read back")
            }
            return created
        }
    }

    public func ensureDefaultExperiment(_ record: ExperimentRecord) async throws -> TrackedExperiment {
        let classifier = self.classifier
        return try await write { db in
            let tracking = TrackingSQL(.sqlite)
            if let existing = try db.run(tracking.experiment(.number(0))) { return existing }
            if try db.run(tracking.experiment(.name(record.name))) == nil {
                _ = try IngestSession.apply([.experiment(record)], db: db, classifier: classifier)
            }
            _ = try db.run(SQLEffect.effect(TrackingWrites.makeDefault(named: record.name)))
            guard let created = try db.run(tracking.experiment(.number(0))) else {
                throw StoreError(.backend, "the default experiment could not be read back")
            }
            return created
        }
    }

    /// Runs a write, mapping database failures to ``StoreError`` (ingest and store errors pass through).
    func write<T: Sendable>(_ body: @Sendable @escaping (Database) throws -> T) async throws -> T {
        do {
            return try await writer.write(body)
        } catch let error as IngestError {
            throw error
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError(.backend, "the store could not write: \(Self.safeMessage(error))")
        }
    }
}
