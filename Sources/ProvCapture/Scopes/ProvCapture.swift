import Foundation
public import Logging
public import ProvModel
import Synchronization

/// The capture SDK's entry point: a session that records workflows and tasks into a sink.
///
/// ```swift
/// try await ProvCapture.withSession(sink: JSONLinesFileSink(path: "run.jsonl"), experiment: "sweep", logger: logger) {
///     capture in
///     try await capture.withWorkflow("train") { run in
///         run.log(parameter: "learning_rate", 0.1)
///         for epoch in 1...10 {
///             try await capture.withTask("epoch-\(epoch)") { task in
///                 task.log(metric: "loss", loss(epoch), step: Int64(epoch))
///             }
///         }
///     }
/// }
/// ```
///
/// Tasks nest through a task-local current run (``RunScope/current``), so a task started anywhere inside a
/// workflow's closure — in child tasks too — becomes its child. A closure that throws marks its run `failed`,
/// records the error, and rethrows.
public struct ProvCapture: Sendable {
    /// The recorder that buffers and delivers this session's events.
    public let recorder: ProvRecorder
    /// The experiment every run of this session belongs to.
    public let experiment: ProvID
    let ids: any ProvIDGenerator
    let clock: @Sendable () -> ProvTime
    let options: Options
    let software: ProvID
    let telemetry: (any TelemetrySnapshotting)?

    /// Choices for a session.
    public struct Options: Sendable {
        /// Take a telemetry snapshot (process CPU time, RSS, I/O; see ``ProcessTelemetryCollector``) when each task
        /// starts and ends. Default `false`: a snapshot costs far more than recording a task.
        public var taskTelemetry = false
        /// The name of the capturing program, recorded as the software agent. Default: the executable's name.
        public var programName: String? = nil
        /// A description of the experiment, recorded with it.
        public var experimentDescription: String? = nil
        /// The person the program acts on behalf of. Default: the login name (`USER`, else the account's name).
        public var userName: String? = nil
        /// Inspects the files and folders runs use and generate (``RunScope/used(path:kind:role:)``,
        /// ``RunScope/generated(path:kind:)``): a model's layers and parameter count, a dataset's rows and classes,
        /// recorded as taxonomy-classified attributes of the entity. Default `nil`: the SDK does not link the
        /// inspectors; pass ProvInspect's `ProvArtifactInspector()` to opt in. A file the inspector cannot read is
        /// still recorded, with the failure as a note (`inspection.error`) and a warning in the log.
        public var inspector: (any ProvArtifactInspecting)? = nil
        /// Hashes the files runs use and generate. Default: ProvModel's own SHA-256 (``ContentDigest/hashFile(_:)``);
        /// a program that links a faster SHA-256 (`provkit` uses swift-crypto's) can pass it here.
        public var fileHasher: ContentDigest.FileHasher = { try ContentDigest.hashFile($0) }

        public init() {}
    }

    /// Creates a session on a recorder whose delivery loop the caller runs (as a `Service`, say).
    ///
    /// Records the experiment and the capturing program (a software agent) right away.
    public init(
        recorder: ProvRecorder, experiment name: String, options: Options = Options(),
        ids: any ProvIDGenerator = FastUUIDv7Generator(), clock: @escaping @Sendable () -> ProvTime = { .now() },
        telemetry: (any TelemetrySnapshotting)? = nil
    ) {
        self.recorder = recorder
        self.experiment = ProvID.experiment(named: name)
        self.ids = ids
        self.clock = clock
        self.options = options
        self.software = ids.next()
        self.telemetry = telemetry ?? (options.taskTelemetry ? ProcessTelemetryCollector() : nil)
        let program =
            options.programName ?? CommandLine.arguments.first.map { String($0.split(separator: "/").last ?? "") }
        recorder.record(
            .experiment(
                ExperimentRecord(
                    id: experiment, name: name, description: options.experimentDescription, createdAt: clock())))
        recorder.record(
            .agent(
                AgentRecord(
                    id: software, kind: .software, name: program ?? "swift-program",
                    attributes: ["capture": "ProvCapture"])))
        // The program acts on behalf of the person who started it.
        if let user = options.userName ?? Self.currentUserName() {
            let person = ids.next()
            recorder.record(.agent(AgentRecord(id: person, kind: .person, name: user)))
            recorder.record(.relation(RelationRecord(.actedOnBehalfOf, subject: software, object: person)))
        }
    }

    /// Runs `body` with a session whose recorder delivers to `sink`, then flushes everything.
    ///
    /// The recorder's delivery loop runs beside `body` and stops after it; the final flush happens before this
    /// returns, so on return every event is in the sink. Events dropped for a full buffer are reported as a
    /// warning and counted in ``ProvRecorder/statistics``.
    public static func withSession<Result: Sendable>(
        sink: any ProvenanceEventSink, experiment: String, configuration: ProvRecorder.Configuration = .default,
        options: Options = Options(), logger: Logger, isolation: isolated (any Actor)? = #isolation,
        _ body: (ProvCapture) async throws -> Result
    ) async throws -> Result {
        let recorder = ProvRecorder(sink: sink, configuration: configuration, logger: logger)
        let capture = ProvCapture(recorder: recorder, experiment: experiment, options: options)
        let outcome: Swift.Result<Result, any Error> = await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await recorder.run() }
            let outcome: Swift.Result<Result, any Error>
            do {
                outcome = .success(try await body(capture))
            } catch {
                outcome = .failure(error)
            }
            group.cancelAll()
            try? await group.waitForAll()
            return outcome
        }
        // The delivery loop is stopped; deliver the rest from this (not cancelled) task.
        try await recorder.flush()
        return try outcome.get()
    }

    /// Records a workflow run (a top-level run, or nested under the current run when there is one) around `body`.
    public func withWorkflow<Result>(
        _ name: String, parameters: [String: String] = [:], _ body: (RunScope) async throws -> Result
    ) async throws -> Result {
        let parent = RunScope.current
        return try await withRun(
            name: name, kind: parent == nil ? .workflow : .task, parent: parent, parameters: parameters, body)
    }

    /// Records a task run nested under the current run (or a top-level run when there is none) around `body`.
    public func withTask<Result>(
        _ name: String, parameters: [String: String] = [:], _ body: (RunScope) async throws -> Result
    ) async throws -> Result {
        let parent = RunScope.current
        return try await withRun(
            name: name, kind: Self.childKind(of: parent), parent: parent, parameters: parameters, body)
    }

    /// Records a task around synchronous work: the cheapest way to record many small tasks (no suspension point).
    public func withTask<Result>(
        _ name: String, parameters: [String: String] = [:], _ body: (RunScope) throws -> Result
    ) throws -> Result {
        let parent = RunScope.current
        let run = begin(name: name, kind: Self.childKind(of: parent), parent: parent, parameters: parameters)
        do {
            let result = try RunScope.$current.withValue(run) { try body(run) }
            finish(run, status: .finished)
            return result
        } catch {
            fail(run, error)
            throw error
        }
    }

    static func childKind(of parent: RunScope?) -> RunKind {
        switch parent?.kind {
        case nil: .workflow
        case .workflow?: .task
        case .task?, .step?: .step
        }
    }

    /// The login name of the user running this process, if it can be found.
    static func currentUserName() -> String? {
        if let user = ProcessInfo.processInfo.environment["USER"], !user.isEmpty { return user }
        guard let entry = getpwuid(getuid()), let name = entry.pointee.pw_name else { return nil }
        return String(cString: name)
    }

    /// A new identifier for an entity or run recorded through this session.
    public func newID() -> ProvID {
        ids.next()
    }

    /// Records an entity without relating it to a run yet (relate it later with ``relate(_:_:_:attributes:)``).
    public func declare(_ entity: EntityRecord) {
        recorder.record(.entity(entity))
    }

    /// Records a relation between two nodes recorded earlier (by id).
    public func relate(
        _ kind: RelationKind, _ subject: ProvID, _ object: ProvID, attributes: [String: JSONValue] = [:]
    ) {
        recorder.record(
            .relation(RelationRecord(kind, subject: subject, object: object, time: clock(), attributes: attributes)))
    }

    /// Starts a run explicitly, for code that cannot wrap its work in a closure; end it with ``RunScope/end(status:)``.
    public func startRun(_ name: String, kind: RunKind? = nil, parent: RunScope? = RunScope.current) -> RunScope {
        let run = RunScope(
            id: ids.next(), kind: kind ?? (parent == nil ? .workflow : .task), parent: parent?.id, capture: self)
        let start = ProvEvent.runStart(
            RunStart(
                id: run.id, experiment: experiment, parent: parent?.id, kind: run.kind, name: name, startedAt: clock()))
        if let parent = parent?.id {
            // A nested run is informed by its parent; the capturing program is associated with the outermost run
            // (and so, through the wasInformedBy chain, with every run nested in it).
            recorder.record(start, .relation(RelationRecord(.wasInformedBy, subject: run.id, object: parent)))
        } else {
            recorder.record(start, .relation(RelationRecord(.wasAssociatedWith, subject: run.id, object: software)))
        }
        return run
    }

    private func withRun<Result>(
        name: String, kind: RunKind, parent: RunScope?, parameters: [String: String],
        _ body: (RunScope) async throws -> Result
    ) async throws -> Result {
        let run = begin(name: name, kind: kind, parent: parent, parameters: parameters)
        do {
            let result = try await RunScope.$current.withValue(run) { try await body(run) }
            finish(run, status: .finished)
            return result
        } catch {
            fail(run, error)
            throw error
        }
    }

    private func begin(name: String, kind: RunKind, parent: RunScope?, parameters: [String: String]) -> RunScope {
        let run = startRun(name, kind: kind, parent: parent)
        for (key, value) in parameters {
            run.log(parameter: key, value)
        }
        if let telemetry {
            recorder.record(.telemetry(telemetry.snapshot(run: run.id, phase: .start, time: clock())))
        }
        return run
    }

    private func fail(_ run: RunScope, _ error: any Error) {
        run.tag("provkit.error", String(describing: error))
        run.tag("provkit.error.type", String(reflecting: type(of: error)))
        finish(run, status: error is CancellationError ? .killed : .failed)
    }

    private func finish(_ run: RunScope, status: RunStatus) {
        if let telemetry {
            recorder.record(.telemetry(telemetry.snapshot(run: run.id, phase: .end, time: clock())))
        }
        if run.parent == nil {
            let dropped = recorder.statistics.dropped
            if dropped > 0 {
                recorder.recordControl(
                    .tag(TagRecord(target: run.id, key: "provkit.capture.dropped_events", value: String(dropped))))
            }
        }
        recorder.recordControl(.runEnd(RunEnd(run: run.id, status: status, endedAt: clock())))
    }
}
