import Foundation
import ProvModel
import ProvStore

/// What an MLflow write request becomes in provenance: pure functions from a decoded request, and the values the
/// server supplies (new ids, the time, the experiment or run the request names, what the store was found to hold),
/// to the events that record it — or the MLflow error (``APIError``) that refuses it. No store, no HTTP: the
/// controllers look things up, call these, and hand the events to the writer.
enum MLflowTranslation {
    /// A key–value list a client sent (`tags`, `params`), each key and value checked; `field` names the list in
    /// errors (`tags[2].key`).
    static func tags(_ pairs: [KeyValueIn]?, field: String = "tags") throws -> [(key: String, value: String)] {
        try (pairs ?? []).enumerated().map { index, pair in
            let key = try MLflowValidation.key(pair.key, field: "\(field)[\(index)].key")
            return (key, try MLflowValidation.tagValue(pair.value, key: key))
        }
    }

    // MARK: Experiments

    /// The name of an experiment to create: the trimmed `name`, which must not be empty.
    static func experimentName(_ body: CreateExperimentRequest) throws -> String {
        guard let name = body.name?.trimmingCharacters(in: .whitespaces), !name.isEmpty else {
            throw APIError.missing("name")
        }
        return name
    }

    /// An experiment to create, as ``ProvenanceStore/createExperiment(_:tags:artifactLocation:)`` takes it.
    struct NewExperiment: Sendable {
        var record: ExperimentRecord
        var tags: [TagRecord]
        /// The artifact location the client asked for, made absolute; `nil` for the store's default.
        var artifactLocation: String?
    }

    /// Checks the `artifact_location` of an experiment to create: it must not contain `..`.
    static func checkArtifactLocation(_ body: CreateExperimentRequest) throws {
        if let location = body.artifact_location, !location.isEmpty, location.contains("..") {
            throw APIError.invalid("artifact_location must not contain '..'")
        }
    }

    /// The experiment `body` creates under `id` (its name and location checked by ``experimentName(_:)`` and
    /// ``checkArtifactLocation(_:)``).
    /// - Parameter currentDirectory: what a relative `artifact_location` is resolved against.
    static func createExperiment(
        _ body: CreateExperimentRequest, name: String, id: ProvID, createdAt: ProvTime, currentDirectory: String
    ) throws -> NewExperiment {
        let location = body.artifact_location.flatMap { $0.isEmpty ? nil : $0 }
        let tags = try Self.tags(body.tags).map {
            TagRecord(target: id, targetType: .experiment, key: $0.key, value: $0.value)
        }
        return NewExperiment(
            record: ExperimentRecord(id: id, name: name, createdAt: createdAt), tags: tags,
            artifactLocation: location.map {
                ExperimentArtifactLocation.resolved($0, currentDirectory: currentDirectory)
            })
    }

    /// The renamed experiment: `new_name` trimmed, refused for a deleted experiment.
    static func renameExperiment(
        _ experiment: TrackedExperiment, _ body: UpdateExperimentRequest
    ) throws
        -> ExperimentRecord
    {
        guard let name = body.new_name?.trimmingCharacters(in: .whitespaces), !name.isEmpty else {
            throw APIError.missing("new_name")
        }
        guard experiment.lifecycle == .active else {
            throw APIError.invalid("Cannot rename a non-active experiment: experiment \(experiment.number) is deleted")
        }
        return ExperimentRecord(id: experiment.id, name: name, createdAt: experiment.createdAt)
    }

    /// Checks that an experiment may move to `stage`: the default experiment (`0`) cannot be deleted.
    static func checkExperimentStage(number: Int64, to stage: LifecycleStage) throws {
        if number == 0, stage == .deleted {
            throw APIError.invalid(
                "Cannot delete the default experiment '0'. This is an internally reserved experiment.")
        }
    }

    /// Deleting or restoring an experiment.
    static func experimentStage(
        _ experiment: TrackedExperiment, to stage: LifecycleStage, time: ProvTime
    )
        -> [ProvEvent]
    {
        [.lifecycle(LifecycleChange(target: experiment.id, targetType: .experiment, stage: stage, time: time))]
    }

    /// Setting an experiment tag.
    static func setExperimentTag(
        _ experiment: TrackedExperiment, _ body: SetExperimentTagRequest
    ) throws
        -> [ProvEvent]
    {
        let key = try MLflowValidation.key(body.key)
        let value = try MLflowValidation.tagValue(body.value, key: key)
        return [.tag(TagRecord(target: experiment.id, targetType: .experiment, key: key, value: value))]
    }

    /// Deleting an experiment tag: the experiment must be active and hold the tag.
    static func deleteExperimentTag(
        _ experiment: TrackedExperiment, _ body: SetExperimentTagRequest
    ) throws
        -> [ProvEvent]
    {
        let key = try MLflowValidation.key(body.key)
        guard experiment.lifecycle == .active else {
            throw APIError.invalid(
                "The experiment \(experiment.number) must be in the 'active' state. Current state is deleted.")
        }
        guard experiment.tags.contains(where: { $0.key == key }) else {
            throw APIError.notFound("No tag with name: \(key) in experiment with id \(experiment.number)")
        }
        return [.tagDelete(TagDeletion(target: experiment.id, targetType: .experiment, key: key))]
    }

    // MARK: Runs

    /// A run to create: its events and the run as answered to the client (``TrackedRun/id`` is its id).
    struct NewRun: Sendable {
        var events: [ProvEvent]
        var run: TrackedRun
    }

    /// The run `body` creates in `experiment`.
    /// - Parameters:
    ///   - newID: makes the run's id (called once the request is known to be valid, but for its start time).
    ///   - client: the request's `User-Agent` header (the client library becomes a software agent).
    ///   - randomName: a name for a run that comes without one.
    static func createRun(
        _ body: CreateRunRequest, experiment: TrackedExperiment, newID: () -> ProvID, now: ProvTime, client: String?,
        randomName: () -> String
    ) throws -> NewRun {
        guard experiment.lifecycle == .active else {
            throw APIError.invalid(
                "The experiment \(experiment.number) must be in the 'active' state. Current state is deleted.")
        }
        var tags = try Self.tags(body.tags)
        let tagName = tags.last { $0.key == "mlflow.runName" }?.value
        let givenName = body.run_name.flatMap { $0.isEmpty ? nil : $0 }
        if let givenName, let tagName, givenName != tagName {
            throw APIError.invalid(
                "Both 'run_name' argument and 'mlflow.runName' tag are specified, but with different values (run_name='\(givenName)', mlflow.runName='\(tagName)')."
            )
        }
        let name = givenName ?? tagName ?? randomName()
        if tagName == nil { tags.append(("mlflow.runName", name)) }
        let id = newID()
        let started =
            try body.start_time.map { try MLflowMapping.time(unixMilliseconds: $0.value, field: "start_time") } ?? now
        let user = body.user_id.flatMap { $0.isEmpty ? nil : $0 }
        let agents = [user.map(MLflowMapping.userAgent), MLflowMapping.clientAgent(client)].compactMap { $0 }
        var events: [ProvEvent] = agents.map { .agent($0) }
        events.append(
            .runStart(RunStart(id: id, experiment: experiment.id, name: name, startedAt: started)))
        for agent in agents {
            events.append(.relation(RelationRecord(.wasAssociatedWith, subject: id, object: agent.id, time: started)))
        }
        // Nesting is a tag in MLflow: the store makes the run its `mlflow.parentRunId` tag names the parent, when it
        // holds that run (IngestRules.parentRunTag).
        for (key, value) in tags {
            events.append(.tag(TagRecord(target: id, key: key, value: value)))
        }
        let run = TrackedRun(
            id: id, experimentID: experiment.id, experimentNumber: experiment.number,
            experimentArtifactLocation: experiment.artifactLocation, name: name, user: user, status: .running,
            startedAt: started, endedAt: nil, lifecycle: .active,
            tags: Dictionary(tags, uniquingKeysWith: { _, last in last }).sorted { $0.key < $1.key }
                .map { KeyValue(key: $0.key, value: $0.value) })
        return NewRun(events: events, run: run)
    }

    /// Updating a run's status, end time or name; no events when the request changes nothing.
    static func updateRun(_ body: UpdateRunRequest, run id: ProvID) throws -> [ProvEvent] {
        var status: RunStatus? = nil
        if let text = body.status, !text.isEmpty {
            guard let parsed = MLflowMapping.status(named: text) else {
                throw APIError.invalid(
                    "Invalid value '\(text)' for parameter 'status': expected RUNNING, SCHEDULED, FINISHED, FAILED or KILLED"
                )
            }
            status = parsed
        }
        let name = body.run_name.flatMap { $0.isEmpty ? nil : $0 }
        var events: [ProvEvent] = []
        let endedAt = try body.end_time.map {
            try MLflowMapping.time(unixMilliseconds: $0.value, field: "end_time")
        }
        if status != nil || name != nil || endedAt != nil {
            events.append(.runUpdate(RunUpdate(run: id, name: name, status: status, endedAt: endedAt)))
        }
        if let name { events.append(.tag(TagRecord(target: id, key: "mlflow.runName", value: name))) }
        return events
    }

    /// Deleting or restoring a run.
    static func runStage(_ id: ProvID, to stage: LifecycleStage, time: ProvTime) -> [ProvEvent] {
        [.lifecycle(LifecycleChange(target: id, targetType: .run, stage: stage, time: time))]
    }

    /// The events of setting a run tag: the tag, and for `mlflow.runName` the new name it stands for. (A
    /// `mlflow.parentRunId` tag is only a tag here: the store makes the run it names the parent, when it holds that
    /// run, and refuses a cycle — IngestRules.parentRunTag.)
    static func runTag(_ id: ProvID, key: String, value: String) -> [ProvEvent] {
        var events: [ProvEvent] = [.tag(TagRecord(target: id, key: key, value: value))]
        if key == "mlflow.runName", !value.isEmpty {
            events.append(.runUpdate(RunUpdate(run: id, name: value)))
        }
        return events
    }

    /// Setting a run tag (`runs/set-tag`).
    static func setRunTag(_ body: KeyValueRunRequest) throws -> [ProvEvent] {
        let id = try MLflowValidation.runID(body)
        let key = try MLflowValidation.key(body.key)
        return runTag(id, key: key, value: try MLflowValidation.tagValue(body.value, key: key))
    }

    /// Deleting a run tag: the run must be active and hold the tag.
    static func deleteRunTag(_ run: TrackedRun, key: String) throws -> [ProvEvent] {
        guard run.lifecycle == .active else {
            throw APIError.invalid(
                "The run \(run.id.hex) must be in the 'active' state. Current state is \(run.lifecycle.rawValue).")
        }
        guard run.tags.contains(where: { $0.key == key }) else {
            throw APIError.notFound("No tag with name: \(key) in run with id \(run.id.hex)")
        }
        return [.tagDelete(TagDeletion(target: run.id, key: key))]
    }

    // MARK: Metrics, parameters and what runs log

    /// Logging one metric point (`runs/log-metric`).
    static func logMetric(_ body: LogMetricRequest) throws -> [ProvEvent] {
        let id = try MLflowValidation.runID(body)
        return [.metric(try MLflowMapping.metricPoint(body.metric, run: id))]
    }

    /// Logging one parameter (`runs/log-parameter`).
    static func logParameter(_ body: KeyValueRunRequest) throws -> [ProvEvent] {
        let id = try MLflowValidation.runID(body)
        let key = try MLflowValidation.key(body.key)
        let value = try MLflowValidation.parameterValue(body.value, key: key)
        return [.parameter(ParameterRecord(run: id, key: key, value: value))]
    }

    /// Logging parameters, tags and metrics at once (`runs/log-batch`), within MLflow's limits; no events when the
    /// batch is empty.
    static func logBatch(_ body: LogBatchRequest, run id: ProvID) throws -> [ProvEvent] {
        let metrics = body.metrics ?? []
        let params = body.params ?? []
        let tags = body.tags ?? []
        guard metrics.count <= MLflowValidation.maximumBatchMetrics,
            params.count <= MLflowValidation.maximumBatchParameters,
            tags.count <= MLflowValidation.maximumBatchTags,
            metrics.count + params.count + tags.count <= MLflowValidation.maximumBatchEntries
        else {
            throw APIError.invalid(
                "A batch logging request can contain at most 1000 metrics, 100 params and 100 tags, and at most 1000 entries in all; got \(metrics.count) metrics, \(params.count) params and \(tags.count) tags."
            )
        }
        var events: [ProvEvent] = []
        events.reserveCapacity(metrics.count + params.count + tags.count)
        var seenParameters: [String: String] = [:]
        for (index, parameter) in params.enumerated() {
            let key = try MLflowValidation.key(parameter.key, field: "params[\(index)].key")
            let value = try MLflowValidation.parameterValue(parameter.value, key: key)
            if let earlier = seenParameters.updateValue(value, forKey: key), earlier != value {
                throw APIError.invalid(
                    "Duplicate parameter keys have been submitted: '\(key)' appears twice with different values.")
            }
            events.append(.parameter(ParameterRecord(run: id, key: key, value: value)))
        }
        for (key, value) in try Self.tags(tags) {
            events += runTag(id, key: key, value: value)
        }
        for (index, metric) in metrics.enumerated() {
            events.append(.metric(try MLflowMapping.metricPoint(metric, run: id, index: "metrics[\(index)].")))
        }
        return events
    }

    /// Logging datasets and models a run used (`runs/log-inputs`); no events when there are none.
    static func logInputs(_ body: LogInputsRequest, run id: ProvID, time: ProvTime) throws -> [ProvEvent] {
        var events: [ProvEvent] = []
        for (index, input) in (body.datasets ?? []).enumerated() {
            events += try MLflowMapping.datasetInputEvents(input, run: id, time: time, index: index)
        }
        for (index, model) in (body.models ?? []).enumerated() {
            guard let modelID = MLflowMapping.modelID(model.model_id) else {
                throw APIError.notFound("Logged model with ID '\(model.model_id ?? "")' not found (models[\(index)]).")
            }
            events.append(.relation(RelationRecord(.used, subject: id, object: modelID, time: time)))
        }
        return events
    }

    /// Logging models a run generated (`runs/outputs`); no events when there are none.
    static func logOutputs(_ body: LogOutputsRequest, run id: ProvID, time: ProvTime) throws -> [ProvEvent] {
        var events: [ProvEvent] = []
        for (index, output) in (body.models ?? []).enumerated() {
            guard let modelID = MLflowMapping.modelID(output.model_id) else {
                throw APIError.notFound("Logged model with ID '\(output.model_id ?? "")' not found (models[\(index)]).")
            }
            guard let step = output.step?.value else { throw APIError.missing("models[\(index)].step") }
            events.append(
                .relation(
                    RelationRecord(
                        .wasGeneratedBy, subject: modelID, object: id, time: time,
                        attributes: ["step": .number(Double(step))])))
        }
        return events
    }

    // MARK: Logged models

    /// The run a logged model's `source_run_id` names, when it is a run id (whether the store holds it is the
    /// caller's to find out).
    static func sourceRunCandidate(_ body: CreateLoggedModelRequest) -> ProvID? {
        body.source_run_id.flatMap { $0.isEmpty ? nil : ProvID(hex: $0) }
    }

    /// The logged model `body` creates in `experiment`, with the id `newID` makes: a model entity, a member of the
    /// experiment, generated by its source run when `sourceRunIsHeld` (else the id is kept as given, in an
    /// attribute), and attributed to its `mlflow.user`.
    static func createLoggedModel(
        _ body: CreateLoggedModelRequest, experiment: TrackedExperiment, newID: () -> ProvID, now: ProvTime,
        sourceRunIsHeld: Bool, randomName: () -> String
    ) throws -> (id: ProvID, events: [ProvEvent]) {
        guard experiment.lifecycle == .active else {
            throw APIError.invalid("The experiment \(experiment.number) must be in the 'active' state.")
        }
        let id = newID()
        let name = body.name.flatMap { $0.isEmpty ? nil : $0 } ?? randomName()
        var parameters: [String: JSONValue] = [:]
        for (index, parameter) in (body.params ?? []).enumerated() {
            let key = try MLflowValidation.key(parameter.key, field: "params[\(index)].key")
            parameters[key] = .string(try MLflowValidation.parameterValue(parameter.value, key: key))
        }
        var tags: [String: JSONValue] = [:]
        for (key, value) in try Self.tags(body.tags) { tags[key] = .string(value) }
        var attributes: [String: JSONValue] = [
            TrackedModel.Attribute.status: "LOGGED_MODEL_PENDING",
            TrackedModel.Attribute.updatedAt: .number(Double(MLflowMapping.milliseconds(now) ?? 0)),
        ]
        if let type = body.model_type, !type.isEmpty { attributes[TrackedModel.Attribute.modelType] = .string(type) }
        if !parameters.isEmpty { attributes[TrackedModel.Attribute.parameters] = .object(parameters) }
        if !tags.isEmpty { attributes[TrackedModel.Attribute.tags] = .object(tags) }
        // As MLflow does, a source run that isn't stored is accepted: its id is kept as given, in an attribute.
        var sourceRun: ProvID?
        if let runText = body.source_run_id, !runText.isEmpty {
            if let run = ProvID(hex: runText), sourceRunIsHeld {
                sourceRun = run
            } else {
                attributes[MLflowMapping.unlinkedSourceRunAttribute] = .string(runText)
            }
        }
        let location = "\(experiment.artifactLocation)/models/\(MLflowMapping.modelIDText(id))/artifacts"
        var events: [ProvEvent] = [
            .entity(
                EntityRecord(
                    id: id, kind: .model, name: name, location: location, createdAt: now, attributes: attributes)),
            .relation(RelationRecord(.hadMember, subject: experiment.id, object: id, time: now)),
        ]
        if let sourceRun {
            events.append(.relation(RelationRecord(.wasGeneratedBy, subject: id, object: sourceRun, time: now)))
        }
        if case .string(let user)? = tags["mlflow.user"], !user.isEmpty {
            let agent = MLflowMapping.userAgent(user)
            events.append(.agent(agent))
            events.append(.relation(RelationRecord(.wasAttributedTo, subject: id, object: agent.id, time: now)))
        }
        return (id, events)
    }

    /// The status a `logged-models/{id}` PATCH sets: one of MLflow's logged-model states.
    static func loggedModelStatus(_ body: FinalizeLoggedModelRequest) throws -> String {
        guard let status = body.status, !status.isEmpty else { throw APIError.missing("status") }
        let valid = ["LOGGED_MODEL_PENDING", "LOGGED_MODEL_READY", "LOGGED_MODEL_UPLOAD_FAILED"]
        guard valid.contains(status) else {
            throw APIError.invalid(
                "Invalid value '\(status)' for parameter 'status': expected one of \(valid.joined(separator: ", "))")
        }
        return status
    }

    /// What a `logged-models/{id}` PATCH changes.
    enum LoggedModelChange {
        /// A new status (``loggedModelStatus(_:)``).
        case status(String)
        /// Tags set (added or replaced).
        case tags([(key: String, value: String)])
    }

    /// A logged model's entity re-recorded with a change and the update time (the entity event carries all its
    /// attributes).
    static func updateLoggedModel(_ entity: EntityRecord, _ change: LoggedModelChange, time: ProvTime) -> [ProvEvent] {
        var entity = entity
        switch change {
        case .status(let status):
            entity.attributes[TrackedModel.Attribute.status] = .string(status)
        case .tags(let tags):
            var members = entity.attributes[TrackedModel.Attribute.tags]?.objectValue ?? [:]
            for (key, value) in tags { members[key] = .string(value) }
            entity.attributes[TrackedModel.Attribute.tags] = .object(members)
        }
        entity.attributes[TrackedModel.Attribute.updatedAt] = .number(Double(MLflowMapping.milliseconds(time) ?? 0))
        return [.entity(entity)]
    }
}
