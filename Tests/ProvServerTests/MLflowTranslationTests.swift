import Foundation
import Logging
import ProvModel
import ProvStore
import ProvStoreSQLite
import ProvTesting
import Testing

@testable import ProvServer

/// The MLflow → events translation, without HTTP or a store: decoded requests in, events (or MLflow errors) out.
@Suite("MLflow translation")
struct MLflowTranslationTests {
    static let experiment = TrackedExperiment(
        id: ProvID.experiment(named: "exp"), number: 3, name: "exp", artifactLocation: "/artifacts/3",
        lifecycle: .active, createdAt: ProvFixtures.time(0), updatedAt: nil, tags: [])
    static let now = ProvFixtures.time(10)
    static let runID = ProvID(hex: "0190c0de000070008000000000000001")!
    static let parentID = ProvID(hex: "0190c0de000070008000000000000002")!

    static func decode<T: Decodable>(_ type: T.Type, _ json: String) throws -> T {
        try JSONDecoder().decode(type, from: Data(json.utf8))
    }

    /// The MLflow error `body` throws.
    static func apiError(_ body: () throws -> Void) -> APIError? {
        do {
            try body()
            return nil
        } catch {
            return error as? APIError
        }
    }

    static func createRun(
        _ json: String, experiment: TrackedExperiment = experiment, client: String? = nil
    ) throws -> MLflowTranslation.NewRun {
        try MLflowTranslation.createRun(
            try decode(CreateRunRequest.self, json), experiment: experiment, newID: { runID }, now: now,
            client: client, randomName: { "random-name-1" })
    }

    // MARK: Identifiers

    @Test("derived ids are ProvID.derived(from:) of 'provkit:<kind>:<name>', unchanged from before")
    func derivedIDs() {
        #expect(MLflowMapping.derivedID("agent:person", "ada") == ProvID.derived(from: "provkit:agent:person:ada"))
        // Pinned: stores hold these ids, so the derivation must never change.
        #expect(MLflowMapping.userAgent("ada").id.hex == "554e987ce1598931938083051213aa17")
        #expect(
            MLflowMapping.clientAgent("mlflow-python-client/3.17.2 (Linux)")?.id.hex
                == "7f2bb83262bd80f39ffffc24d9466d1c")
    }

    // MARK: Runs

    @Test("a new run: its name from run_name, recorded as the mlflow.runName tag; user and client as agents")
    func createRunEvents() throws {
        let new = try Self.createRun(
            #"{"experiment_id": "3", "run_name": "r1", "user_id": "ada", "start_time": 1760000000000}"#,
            client: "mlflow-python-client/3.17.2")
        let started = try #require(ProvTime(unixMilliseconds: 1_760_000_000_000))
        let user = MLflowMapping.userAgent("ada")
        let client = try #require(MLflowMapping.clientAgent("mlflow-python-client/3.17.2"))
        #expect(
            new.events == [
                .agent(user), .agent(client),
                .runStart(RunStart(id: Self.runID, experiment: Self.experiment.id, name: "r1", startedAt: started)),
                .relation(RelationRecord(.wasAssociatedWith, subject: Self.runID, object: user.id, time: started)),
                .relation(RelationRecord(.wasAssociatedWith, subject: Self.runID, object: client.id, time: started)),
                .tag(TagRecord(target: Self.runID, key: "mlflow.runName", value: "r1")),
            ])
        #expect(new.run.id == Self.runID)
        #expect(new.run.name == "r1")
        #expect(new.run.user == "ada")
        #expect(new.run.experimentNumber == 3)
        #expect(new.run.tags == [KeyValue(key: "mlflow.runName", value: "r1")])
    }

    @Test("a run without a name gets a random one; a name tag alone names it; a conflicting pair is refused")
    func runNames() throws {
        let unnamed = try Self.createRun(#"{"experiment_id": "3"}"#)
        #expect(unnamed.run.name == "random-name-1")
        #expect(
            unnamed.events.last == .tag(TagRecord(target: Self.runID, key: "mlflow.runName", value: "random-name-1")))
        #expect(unnamed.run.startedAt == Self.now)
        let tagged = try Self.createRun(#"{"tags": [{"key": "mlflow.runName", "value": "t"}]}"#)
        #expect(tagged.run.name == "t")
        #expect(tagged.run.experimentNumber == 3)
        let error = Self.apiError {
            _ = try Self.createRun(#"{"run_name": "a", "tags": [{"key": "mlflow.runName", "value": "b"}]}"#)
        }
        #expect(error?.code == "INVALID_PARAMETER_VALUE")
        #expect(error?.message.contains("run_name='a', mlflow.runName='b'") == true)
    }

    @Test("a new run is refused in a deleted experiment, before an id is made; a bad start time is refused")
    func runRefusals() throws {
        var deleted = Self.experiment
        deleted.lifecycle = .deleted
        var madeID = false
        let error = Self.apiError {
            _ = try MLflowTranslation.createRun(
                try Self.decode(CreateRunRequest.self, "{}"), experiment: deleted,
                newID: {
                    madeID = true
                    return Self.runID
                }, now: Self.now, client: nil, randomName: { "x" })
        }
        #expect(error?.message == "The experiment 3 must be in the 'active' state. Current state is deleted.")
        #expect(!madeID)
        let time = Self.apiError { _ = try Self.createRun(#"{"start_time": 9223372036854775807}"#) }
        #expect(time?.message.contains("'start_time'") == true)
    }

    @Test("mlflow.parentRunId is only a tag in the translation; the store makes a run it holds the parent")
    func parents() async throws {
        let json = #"{"tags": [{"key": "mlflow.parentRunId", "value": "\#(Self.parentID.hex)"}]}"#
        let new = try Self.createRun(json)
        guard case .runStart(let start)? = new.events.first else {
            Issue.record("no run start")
            return
        }
        #expect(start.parent == nil)
        let tag = ProvEvent.tag(TagRecord(target: Self.runID, key: "mlflow.parentRunId", value: Self.parentID.hex))
        #expect(new.events.contains(tag))
        #expect(MLflowTranslation.runTag(Self.runID, key: "mlflow.parentRunId", value: Self.parentID.hex) == [tag])
        #expect(
            MLflowTranslation.runTag(Self.runID, key: "mlflow.runName", value: "n")
                == [
                    .tag(TagRecord(target: Self.runID, key: "mlflow.runName", value: "n")),
                    .runUpdate(RunUpdate(run: Self.runID, name: "n")),
                ])
        // The store applies the tag inside the ingest: a run it holds becomes the parent, an unknown id stays a tag.
        let store = try SQLiteStore.inMemory(logger: Logger(label: "provkit.test.translation"))
        try await store.ingest([
            .experiment(ExperimentRecord(id: Self.experiment.id, name: "exp")),
            .runStart(RunStart(id: Self.parentID, experiment: Self.experiment.id, startedAt: Self.now)),
        ])
        try await store.ingest(new.events)
        #expect(try await store.runDetail(Self.runID)?.run.parentID == Self.parentID)
        let orphanID = ProvID(hex: "0190c0de000070008000000000000003")!
        let orphan = try MLflowTranslation.createRun(
            Self.decode(
                CreateRunRequest.self, #"{"tags": [{"key": "mlflow.parentRunId", "value": "\#(orphanID.hex)"}]}"#),
            experiment: Self.experiment, newID: { ProvID(hex: "0190c0de000070008000000000000004")! }, now: Self.now,
            client: nil, randomName: { "o" })
        try await store.ingest(orphan.events)
        #expect(try await store.runDetail(orphan.run.id)?.run.parentID == nil)
    }

    @Test("updating a run: nothing to change is no events, a bad status is refused, a new name is also a tag")
    func updateRun() throws {
        let id = Self.runID
        #expect(try MLflowTranslation.updateRun(Self.decode(UpdateRunRequest.self, "{}"), run: id).isEmpty)
        let bad = Self.apiError {
            _ = try MLflowTranslation.updateRun(Self.decode(UpdateRunRequest.self, #"{"status": "DONE"}"#), run: id)
        }
        #expect(bad?.message.hasPrefix("Invalid value 'DONE' for parameter 'status'") == true)
        let events = try MLflowTranslation.updateRun(
            Self.decode(UpdateRunRequest.self, #"{"status": "FINISHED", "run_name": "n", "end_time": 1760000000000}"#),
            run: id)
        #expect(
            events == [
                .runUpdate(
                    RunUpdate(
                        run: id, name: "n", status: .finished, endedAt: ProvTime(unixMilliseconds: 1_760_000_000_000))),
                .tag(TagRecord(target: id, key: "mlflow.runName", value: "n")),
            ])
    }

    @Test("deleting a run tag needs an active run that has it")
    func deleteRunTag() throws {
        var run = TrackedRun(
            id: Self.runID, experimentID: Self.experiment.id, experimentNumber: 3, experimentArtifactLocation: "/a",
            name: "r", user: nil, status: .running, startedAt: Self.now, endedAt: nil, lifecycle: .active,
            tags: [KeyValue(key: "k", value: "v")])
        #expect(
            try MLflowTranslation.deleteRunTag(run, key: "k") == [.tagDelete(TagDeletion(target: Self.runID, key: "k"))]
        )
        #expect(
            Self.apiError { _ = try MLflowTranslation.deleteRunTag(run, key: "other") }?.code
                == "RESOURCE_DOES_NOT_EXIST")
        run.lifecycle = .deleted
        #expect(
            Self.apiError { _ = try MLflowTranslation.deleteRunTag(run, key: "k") }?.code == "INVALID_PARAMETER_VALUE")
    }

    // MARK: What runs log

    @Test("a batch: parameters, then tags, then metrics; MLflow's limits and duplicate parameters are refused")
    func logBatch() throws {
        let id = Self.runID
        let body = try Self.decode(
            LogBatchRequest.self,
            """
            {"run_id": "\(id.hex)", "params": [{"key": "lr", "value": "0.1"}, {"key": "lr", "value": "0.1"}],
             "tags": [{"key": "t", "value": "v"}],
             "metrics": [{"key": "loss", "value": 0.5, "timestamp": 1760000000000, "step": 2}]}
            """)
        let events = try MLflowTranslation.logBatch(body, run: id)
        let time = try #require(ProvTime(unixMilliseconds: 1_760_000_000_000))
        #expect(
            events == [
                .parameter(ParameterRecord(run: id, key: "lr", value: "0.1")),
                .parameter(ParameterRecord(run: id, key: "lr", value: "0.1")),
                .tag(TagRecord(target: id, key: "t", value: "v")),
                .metric(MetricPoint(run: id, key: "loss", value: 0.5, step: 2, time: time)),
            ])
        let duplicate = try Self.decode(
            LogBatchRequest.self, #"{"params": [{"key": "lr", "value": "1"}, {"key": "lr", "value": "2"}]}"#)
        #expect(
            Self.apiError { _ = try MLflowTranslation.logBatch(duplicate, run: id) }?.message
                == "Duplicate parameter keys have been submitted: 'lr' appears twice with different values.")
        let params = (0...100).map { #"{"key": "p\#($0)", "value": "v"}"# }.joined(separator: ",")
        let tooMany = try Self.decode(LogBatchRequest.self, #"{"params": [\#(params)]}"#)
        #expect(
            Self.apiError { _ = try MLflowTranslation.logBatch(tooMany, run: id) }?.message.contains(
                "got 0 metrics, 101 params and 0 tags") == true)
        #expect(try MLflowTranslation.logBatch(Self.decode(LogBatchRequest.self, "{}"), run: id).isEmpty)
    }

    @Test("inputs and outputs: datasets and models; an unknown model id is 404 and an output needs its step")
    func inputsAndOutputs() throws {
        let id = Self.runID
        let model = ProvID(hex: "0190c0de000070008000000000000009")!
        let inputs = try MLflowTranslation.logInputs(
            Self.decode(
                LogInputsRequest.self,
                """
                {"datasets": [{"dataset": {"name": "d", "digest": "x", "source_type": "local", \
                "source": "{\\"uri\\": \\"/data/d.csv\\"}"}, "tags": [{"key": "mlflow.data.context", "value": "train"}]}],
                 "models": [{"model_id": "m-\(model.hex)"}]}
                """), run: id, time: Self.now)
        #expect(inputs.count == 3)
        guard case .entity(let dataset)? = inputs.first else {
            Issue.record("no dataset")
            return
        }
        #expect(dataset.kind == .dataset)
        #expect(dataset.location == "/data/d.csv")
        #expect(inputs.last == .relation(RelationRecord(.used, subject: id, object: model, time: Self.now)))
        let unknown = Self.apiError {
            _ = try MLflowTranslation.logInputs(
                Self.decode(LogInputsRequest.self, #"{"models": [{"model_id": "zzz"}]}"#), run: id, time: Self.now)
        }
        #expect(unknown?.message == "Logged model with ID 'zzz' not found (models[0]).")
        let noStep = Self.apiError {
            _ = try MLflowTranslation.logOutputs(
                Self.decode(LogOutputsRequest.self, #"{"models": [{"model_id": "m-\#(model.hex)"}]}"#), run: id,
                time: Self.now)
        }
        #expect(noStep?.message.contains("'models[0].step'") == true)
        let outputs = try MLflowTranslation.logOutputs(
            Self.decode(LogOutputsRequest.self, #"{"models": [{"model_id": "m-\#(model.hex)", "step": 4}]}"#), run: id,
            time: Self.now)
        #expect(
            outputs == [
                .relation(
                    RelationRecord(.wasGeneratedBy, subject: model, object: id, time: Self.now, attributes: ["step": 4])
                )
            ])
    }

    // MARK: Experiments and logged models

    @Test("experiments: tags, a '..' location refused, renaming a deleted one refused, tag deletion checked")
    func experiments() throws {
        let body = try Self.decode(
            CreateExperimentRequest.self,
            #"{"name": " e ", "artifact_location": "rel/dir", "tags": [{"key": "k", "value": "v"}]}"#)
        let name = try MLflowTranslation.experimentName(body)
        #expect(name == "e")
        let id = ProvID.experiment(named: name)
        let new = try MLflowTranslation.createExperiment(
            body, name: name, id: id, createdAt: Self.now, currentDirectory: "/work")
        #expect(new.record == ExperimentRecord(id: id, name: "e", createdAt: Self.now))
        #expect(new.tags == [TagRecord(target: id, targetType: .experiment, key: "k", value: "v")])
        #expect(new.artifactLocation == ExperimentArtifactLocation.resolved("rel/dir", currentDirectory: "/work"))
        let dotted = try Self.decode(CreateExperimentRequest.self, #"{"name": "e", "artifact_location": "a/../b"}"#)
        #expect(Self.apiError { try MLflowTranslation.checkArtifactLocation(dotted) } != nil)
        #expect(
            Self.apiError { _ = try MLflowTranslation.experimentName(Self.decode(CreateExperimentRequest.self, "{}")) }?
                .message.contains("'name'") == true)
        #expect(Self.apiError { try MLflowTranslation.checkExperimentStage(number: 0, to: .deleted) } != nil)
        var deleted = Self.experiment
        deleted.lifecycle = .deleted
        let rename = try Self.decode(UpdateExperimentRequest.self, #"{"new_name": "n"}"#)
        #expect(try MLflowTranslation.renameExperiment(Self.experiment, rename).name == "n")
        #expect(Self.apiError { _ = try MLflowTranslation.renameExperiment(deleted, rename) } != nil)
        let tag = try Self.decode(SetExperimentTagRequest.self, #"{"key": "k", "value": "v"}"#)
        #expect(
            Self.apiError { _ = try MLflowTranslation.deleteExperimentTag(Self.experiment, tag) }?.code
                == "RESOURCE_DOES_NOT_EXIST")
        #expect(
            try MLflowTranslation.setExperimentTag(Self.experiment, tag)
                == [.tag(TagRecord(target: Self.experiment.id, targetType: .experiment, key: "k", value: "v"))])
    }

    @Test("a logged model: a member of its experiment, generated by a held source run, attributed to its user")
    func loggedModels() throws {
        let model = ProvID(hex: "0190c0de000070008000000000000009")!
        let json = """
            {"experiment_id": "3", "name": "m", "source_run_id": "\(Self.runID.hex)",
             "params": [{"key": "p", "value": "1"}], "tags": [{"key": "mlflow.user", "value": "ada"}]}
            """
        let body = try Self.decode(CreateLoggedModelRequest.self, json)
        #expect(MLflowTranslation.sourceRunCandidate(body) == Self.runID)
        let (id, events) = try MLflowTranslation.createLoggedModel(
            body, experiment: Self.experiment, newID: { model }, now: Self.now, sourceRunIsHeld: true,
            randomName: { "x" })
        #expect(id == model)
        guard case .entity(let entity)? = events.first else {
            Issue.record("no entity")
            return
        }
        #expect(entity.kind == .model)
        #expect(entity.location == "/artifacts/3/models/m-\(model.hex)/artifacts")
        #expect(entity.attributes[TrackedModel.Attribute.status] == "LOGGED_MODEL_PENDING")
        #expect(entity.attributes[MLflowMapping.unlinkedSourceRunAttribute] == nil)
        let user = MLflowMapping.userAgent("ada")
        #expect(
            Array(events.dropFirst()) == [
                .relation(RelationRecord(.hadMember, subject: Self.experiment.id, object: model, time: Self.now)),
                .relation(RelationRecord(.wasGeneratedBy, subject: model, object: Self.runID, time: Self.now)),
                .agent(user),
                .relation(RelationRecord(.wasAttributedTo, subject: model, object: user.id, time: Self.now)),
            ])
        let (_, unlinked) = try MLflowTranslation.createLoggedModel(
            body, experiment: Self.experiment, newID: { model }, now: Self.now, sourceRunIsHeld: false,
            randomName: { "x" })
        guard case .entity(let kept)? = unlinked.first else {
            Issue.record("no entity")
            return
        }
        #expect(kept.attributes[MLflowMapping.unlinkedSourceRunAttribute] == .string(Self.runID.hex))
        #expect(!unlinked.contains { if case .relation(let r) = $0 { r.kind == .wasGeneratedBy } else { false } })

        let status = try MLflowTranslation.loggedModelStatus(
            Self.decode(FinalizeLoggedModelRequest.self, #"{"status": "LOGGED_MODEL_READY"}"#))
        #expect(
            Self.apiError {
                _ = try MLflowTranslation.loggedModelStatus(
                    Self.decode(FinalizeLoggedModelRequest.self, #"{"status": "DONE"}"#))
            } != nil)
        let later = ProvFixtures.time(20)
        guard case .entity(let ready)? = MLflowTranslation.updateLoggedModel(entity, .status(status), time: later).first
        else {
            Issue.record("no entity")
            return
        }
        #expect(ready.attributes[TrackedModel.Attribute.status] == "LOGGED_MODEL_READY")
        #expect(ready.attributes[TrackedModel.Attribute.updatedAt] == .number(Double(later.unixMilliseconds)))
        guard
            case .entity(let tagged)? = MLflowTranslation.updateLoggedModel(
                entity, .tags([("a", "b")]), time: later
            ).first
        else {
            Issue.record("no entity")
            return
        }
        #expect(tagged.attributes[TrackedModel.Attribute.tags] == .object(["mlflow.user": "ada", "a": "b"]))
    }
}
