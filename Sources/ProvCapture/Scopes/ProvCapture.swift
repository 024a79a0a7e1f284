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
        let program = options.programName ?? CommandLine.arguments.first.map { String($0.split(separator: "/").last ?? "") }
        recorder.record(.experiment(ExperimentRecord(id: experiment, name: name, createdAt: clock())))
        recorder.record(
            .agent(
                AgentRecord(
                    id: software, kind: .software, name: program ?? "swift-program",
                    attributes: ["capture": "ProvCapture"])))
    }

    /// Runs `body` with a session whose recorder delivers to `sink`, then flushes everything.
    ///
    /// The recorder's delivery loop runs beside `body` and stops after it; the final flush happens before this
    /// returns, so on return every event is in the sink. Events dropped for a full buffer are reported as a
    /// warning and counted in ``ProvRecorder/statistics``.
    public static func withSession<Result: Sendable>(
        sink: any ProvenanceEventSink, experiment: String, configuration: ProvRecorder.Configuration = .default,
        options: Options = Options(), logger: Logger, _ body: (ProvCapture) async throws -> Result
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
        try await withRun(name: name, kind: RunScope.current == nil ? .workflow : .task, parameters: parameters, body)
    }

    /// Records a task run nested under the current run (or a top-level run when there is none) around `body`.
    public func withTask<Result>(
        _ name: String, parameters: [String: String] = [:], _ body: (RunScope) async throws -> Result
    ) async throws -> Result {
        let kind: RunKind =
            switch RunScope.current?.kind {
            case nil: .workflow
            case .workflow?: .task
            case .task?, .step?: .step
            }
        return try await withRun(name: name, kind: kind, parameters: parameters, body)
    }

    /// Starts a run explicitly, for code that cannot wrap its work in a closure; end it with ``RunScope/end(status:)``.
    public func startRun(_ name: String, kind: RunKind? = nil, parent: RunScope? = RunScope.current) -> RunScope {
        let run = RunScope(
            id: ids.next(), kind: kind ?? (parent == nil ? .workflow : .task), parent: parent?.id, capture: self)
        recorder.record(
            .runStart(
                RunStart(id: run.id, experiment: experiment, parent: parent?.id, kind: run.kind, name: name, startedAt: clock())))
        recorder.record(.relation(RelationRecord(.wasAssociatedWith, subject: run.id, object: software)))
        if let parent = parent?.id {
            recorder.record(.relation(RelationRecord(.wasInformedBy, subject: run.id, object: parent)))
        }
        return run
    }

    private func withRun<Result>(
        name: String, kind: RunKind, parameters: [String: String], _ body: (RunScope) async throws -> Result
    ) async throws -> Result {
        let run = startRun(name, kind: kind)
        for (key, value) in parameters {
            run.log(parameter: key, value)
        }
        if let telemetry {
            recorder.record(.telemetry(telemetry.snapshot(run: run.id, phase: .start, time: clock())))
        }
        do {
            let result = try await RunScope.$current.withValue(run) { try await body(run) }
            finish(run, status: .finished)
            return result
        } catch {
            run.tag("provkit.error", String(describing: error))
            run.tag("provkit.error.type", String(reflecting: type(of: error)))
            finish(run, status: error is CancellationError ? .killed : .failed)
            throw error
        }
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
