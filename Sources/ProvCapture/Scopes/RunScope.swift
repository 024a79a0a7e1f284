import Logging
public import ProvModel

/// A run being recorded: log parameters, metrics and tags on it, and record what it used and generated.
///
/// Every method records without waiting (see ``ProvRecorder/record(_:)``).
public struct RunScope: Sendable {
    /// The run's identifier (a UUIDv7, also a valid MLflow run id).
    public let id: ProvID
    public let kind: RunKind
    /// The enclosing run, if any.
    public let parent: ProvID?
    let capture: ProvCapture

    /// The run whose closure is executing; new tasks nest under it.
    @TaskLocal public static var current: RunScope?

    init(id: ProvID, kind: RunKind, parent: ProvID?, capture: ProvCapture) {
        self.id = id
        self.kind = kind
        self.parent = parent
        self.capture = capture
    }

    /// A scope for a run that was started elsewhere — by another process, such as `provkit run`, which hands its
    /// run's id to the program as `PROVKIT_RUN_ID`. Bind it as ``current`` to nest new runs under it; this
    /// session neither starts nor ends it.
    public init(existing id: ProvID, kind: RunKind = .workflow, capture: ProvCapture) {
        self.init(id: id, kind: kind, parent: nil, capture: capture)
    }

    /// Records a parameter. A parameter cannot change once recorded.
    public func log(parameter key: String, _ value: some CustomStringConvertible & Sendable) {
        capture.recorder.record(.parameter(ParameterRecord(run: id, key: key, value: value.description)))
    }

    /// Records one point of a metric series.
    public func log(metric key: String, _ value: Double, step: Int64 = 0, epoch: Double? = nil) {
        capture.recorder.record(
            .metric(MetricPoint(run: id, key: key, value: value, step: step, time: capture.clock(), epoch: epoch)))
    }

    /// Records a tag (tags can change).
    public func tag(_ key: String, _ value: String) {
        capture.recorder.record(.tag(TagRecord(target: id, key: key, value: value)))
    }

    /// Records the layers of the model this run trains.
    public func log(architecture layers: [ArchitectureLayer], model: ProvID? = nil) {
        capture.recorder.record(.architecture(ArchitectureRecord(run: id, model: model, layers: layers)))
    }

    /// Records a telemetry sample of this run.
    public func log(telemetry values: [String: Double], phase: TelemetryPhase = .periodic) {
        capture.recorder.record(
            .telemetry(TelemetrySample(run: id, time: capture.clock(), phase: phase, values: values)))
    }

    /// Records that this run used an entity described by `entity` (which is recorded too).
    @discardableResult
    public func used(_ entity: EntityRecord, role: String? = nil) -> ProvID {
        capture.recorder.record(.entity(entity))
        capture.recorder.record(
            .relation(
                RelationRecord(
                    .used, subject: id, object: entity.id, time: capture.clock(),
                    attributes: role.map { ["role": .string($0)] } ?? [:])))
        return entity.id
    }

    /// Records that this run generated an entity described by `entity` (which is recorded too).
    @discardableResult
    public func generated(_ entity: EntityRecord) -> ProvID {
        capture.recorder.record(.entity(entity))
        capture.recorder.record(
            .relation(RelationRecord(.wasGeneratedBy, subject: entity.id, object: id, time: capture.clock())))
        return entity.id
    }

    /// Records that this run used a file or folder: it is hashed (SHA-256; folders by ``ContentDigest``), sized,
    /// inspected when the session has an inspector (``ProvCapture/Options/inspector``; the entity's kind then
    /// defaults to `model` or `dataset`), and recorded as an entity.
    /// - Throws: ``CaptureError`` when the path cannot be read.
    @discardableResult
    public func used(path: String, kind: EntityKind? = nil, role: String? = nil) throws -> ProvID {
        used(try describe(path: path, kind: kind), role: role)
    }

    /// Records that this run generated a file or folder (hashed, sized and recorded as an entity).
    /// - Throws: ``CaptureError`` when the path cannot be read.
    @discardableResult
    public func generated(path: String, kind: EntityKind? = nil) throws -> ProvID {
        generated(try describe(path: path, kind: kind))
    }

    /// Records that this run used an in-memory value, identified by the SHA-256 of its bytes.
    @discardableResult
    public func used(value bytes: some Collection<UInt8>, name: String, kind: EntityKind = .value) -> ProvID {
        used(valueEntity(bytes, name: name, kind: kind))
    }

    /// Records that this run generated an in-memory value, identified by the SHA-256 of its bytes.
    @discardableResult
    public func generated(value bytes: some Collection<UInt8>, name: String, kind: EntityKind = .value) -> ProvID {
        generated(valueEntity(bytes, name: name, kind: kind))
    }

    /// Records that this run used an entity recorded earlier (by any run).
    public func used(entity: ProvID, role: String? = nil) {
        capture.recorder.record(
            .relation(
                RelationRecord(
                    .used, subject: id, object: entity, time: capture.clock(),
                    attributes: role.map { ["role": .string($0)] } ?? [:])))
    }

    /// Ends the run with a status (runs started with ``ProvCapture/startRun(_:kind:parent:)`` need this).
    public func end(status: RunStatus = .finished) {
        capture.recorder.record(.runEnd(RunEnd(run: id, status: status, endedAt: capture.clock())))
    }

    private func valueEntity(_ bytes: some Collection<UInt8>, name: String, kind: EntityKind) -> EntityRecord {
        EntityRecord(
            id: capture.ids.next(), kind: kind, name: name, digest: "sha256:" + SHA256.hex(bytes),
            sizeBytes: Int64(bytes.count), createdAt: capture.clock())
    }

    private func describe(path: String, kind: EntityKind?) throws -> EntityRecord {
        let digest: ContentDigest
        do {
            digest = try ContentDigest.of(path: path, fileHasher: capture.options.fileHasher)
        } catch {
            throw CaptureError(String(describing: error))
        }
        var attributes: [String: JSONValue] = digest.isDirectory ? ["files": .number(Double(digest.fileCount))] : [:]
        var inspectedKind: EntityKind? = nil
        if let inspector = capture.options.inspector,
            let inspection = inspector.inspectArtifact(at: digest.path, name: path, digest: digest)
        {
            attributes.merge(inspection.attributes) { _, new in new }
            inspectedKind = inspection.kind
            if let note = inspection.note {
                capture.recorder.logger.warning(
                    "capture.inspection.failed", metadata: ["path": "\(path)", "reason": "\(note)"])
            }
        }
        return EntityRecord(
            id: capture.ids.next(), kind: kind ?? inspectedKind ?? (digest.isDirectory ? .directory : .file),
            name: digest.path.split(separator: "/").last.map(String.init), location: digest.path,
            digest: "sha256:" + digest.sha256, sizeBytes: digest.totalBytes, createdAt: capture.clock(),
            attributes: attributes)
    }
}
