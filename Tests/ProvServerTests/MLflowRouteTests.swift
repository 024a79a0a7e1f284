import Foundation
import Hummingbird
import HummingbirdTesting
import ProvModel
import ProvServer
import ProvStore
import ProvStoreSQLite
import ProvTesting
import Testing

/// The MLflow tracking routes in process: shapes, errors, and what they record.
@Suite("MLflow routes")
struct MLflowRouteTests {
    @Test("experiments: the default one, create, get, get-by-name, search, update, tags, delete, restore")
    func experiments() async throws {
        let fixture = try ServerFixture()
        try await fixture.test { client in
            let zero = try await client.ok(.get, "/api/2.0/mlflow/experiments/get?experiment_id=0")
            #expect(member(zero, "experiment.name") as? String == "Default")
            #expect(member(zero, "experiment.artifact_location") as? String == "mlflow-artifacts:/0")
            let created = try await client.ok(
                .post, "/api/2.0/mlflow/experiments/create",
                #"{"name":"cnn sweep","tags":[{"key":"team","value":"vision"}]}"#)
            #expect(created["experiment_id"] as? String == "1")
            let byName = try await client.ok(.get, "/api/2.0/mlflow/experiments/get-by-name?experiment_name=cnn+sweep")
            #expect(member(byName, "experiment.experiment_id") as? String == "1")
            #expect(member(byName, "experiment.lifecycle_stage") as? String == "active")
            #expect(member(byName, "experiment.creation_time") as? Int == 1_750_000_000_000)
            let tags = member(byName, "experiment.tags") as? [[String: Any]]
            #expect(tags?.first?["key"] as? String == "team")
            try await client.fails(
                .get, "/api/2.0/mlflow/experiments/get-by-name?experiment_name=nope", status: .notFound,
                code: "RESOURCE_DOES_NOT_EXIST")
            try await client.fails(
                .post, "/api/2.0/mlflow/experiments/create", #"{"name":"cnn sweep"}"#, status: .badRequest,
                code: "RESOURCE_ALREADY_EXISTS")
            try await client.fails(
                .post, "/api/2.0/mlflow/experiments/create", "{}", status: .badRequest, code: "INVALID_PARAMETER_VALUE")
            _ = try await client.ok(
                .post, "/api/2.0/mlflow/experiments/update", #"{"experiment_id":"1","new_name":"renamed"}"#)
            _ = try await client.ok(
                .post, "/api/2.0/mlflow/experiments/set-experiment-tag",
                #"{"experiment_id":"1","key":"stage","value":"dev"}"#)
            let search = try await client.ok(
                .post, "/api/2.0/mlflow/experiments/search",
                #"{"max_results":10,"filter":"name = 'renamed' and tags.stage = 'dev'","view_type":"ACTIVE_ONLY"}"#)
            #expect((search["experiments"] as? [[String: Any]])?.map { $0["name"] as? String } == ["renamed"])
            _ = try await client.ok(.post, "/api/2.0/mlflow/experiments/delete", #"{"experiment_id":"1"}"#)
            let active = try await client.ok(.post, "/api/2.0/mlflow/experiments/search", #"{"max_results":10}"#)
            #expect((active["experiments"] as? [[String: Any]])?.count == 1)
            let deleted = try await client.ok(
                .post, "/api/2.0/mlflow/experiments/search", #"{"max_results":10,"view_type":2}"#)
            #expect((deleted["experiments"] as? [[String: Any]])?.first?["lifecycle_stage"] as? String == "deleted")
            try await client.fails(
                .post, "/api/2.0/mlflow/runs/create", #"{"experiment_id":"1"}"#, status: .badRequest,
                code: "INVALID_PARAMETER_VALUE")
            _ = try await client.ok(.post, "/api/2.0/mlflow/experiments/restore", #"{"experiment_id":"1"}"#)
            try await client.fails(
                .post, "/api/2.0/mlflow/experiments/delete", #"{"experiment_id":"0"}"#, status: .badRequest,
                code: "INVALID_PARAMETER_VALUE")
            try await client.fails(
                .get, "/api/2.0/mlflow/experiments/get?experiment_id=42", status: .notFound,
                code: "RESOURCE_DOES_NOT_EXIST")
        }
    }

    @Test("runs: create with a generated name, get with run_id and run_uuid, update, tags, delete, restore")
    func runs() async throws {
        let fixture = try ServerFixture()
        try await fixture.test { client in
            let created = try await client.ok(
                .post, "/api/2.0/mlflow/runs/create",
                #"{"experiment_id":"0","user_id":"ada","start_time":"1750000000000","tags":[{"key":"mlflow.source.name","value":"train.py"}]}"#
            )
            let id = try #require(member(created, "run.info.run_id") as? String)
            #expect(member(created, "run.info.run_uuid") as? String == id)
            #expect(id.count == 32)
            let name = try #require(member(created, "run.info.run_name") as? String)
            #expect(name.split(separator: "-").count == 3)
            #expect(member(created, "run.info.status") as? String == "RUNNING")
            #expect(member(created, "run.info.artifact_uri") as? String == "mlflow-artifacts:/0/\(id)/artifacts")
            #expect(member(created, "run.info.start_time") as? Int == 1_750_000_000_000)
            #expect(member(created, "run.info.end_time") == nil)
            #expect(member(created, "run.outputs") == nil)
            let tags = member(created, "run.data.tags") as? [[String: String]]
            #expect(tags?.contains(["key": "mlflow.runName", "value": name]) == true)

            let got = try await client.ok(.get, "/api/2.0/mlflow/runs/get?run_uuid=\(id)&run_id=\(id)")
            #expect(member(got, "run.info.user_id") as? String == "ada")
            let updated = try await client.ok(
                .post, "/api/2.0/mlflow/runs/update",
                #"{"run_id":"\#(id)","status":"FINISHED","end_time":1750000005000,"run_name":"final"}"#)
            #expect(member(updated, "run_info.status") as? String == "FINISHED")
            #expect(member(updated, "run_info.run_name") as? String == "final")
            #expect(member(updated, "run_info.end_time") as? Int == 1_750_000_005_000)
            _ = try await client.ok(
                .post, "/api/2.0/mlflow/runs/set-tag", #"{"run_id":"\#(id)","key":"a","value":"b"}"#)
            _ = try await client.ok(.post, "/api/2.0/mlflow/runs/delete-tag", #"{"run_id":"\#(id)","key":"a"}"#)
            try await client.fails(
                .post, "/api/2.0/mlflow/runs/delete-tag", #"{"run_id":"\#(id)","key":"a"}"#, status: .notFound,
                code: "RESOURCE_DOES_NOT_EXIST")
            _ = try await client.ok(.post, "/api/2.0/mlflow/runs/delete", #"{"run_id":"\#(id)"}"#)
            let deleted = try await client.ok(.get, "/api/2.0/mlflow/runs/get?run_id=\(id)")
            #expect(member(deleted, "run.info.lifecycle_stage") as? String == "deleted")
            try await client.fails(
                .post, "/api/2.0/mlflow/runs/log-parameter", #"{"run_id":"\#(id)","key":"k","value":"v"}"#,
                status: .badRequest, code: "INVALID_PARAMETER_VALUE")
            _ = try await client.ok(.post, "/api/2.0/mlflow/runs/restore", #"{"run_id":"\#(id)"}"#)
            _ = try await client.ok(
                .post, "/api/2.0/mlflow/runs/log-parameter", #"{"run_id":"\#(id)","key":"k","value":"v"}"#)

            try await client.fails(
                .post, "/api/2.0/mlflow/runs/create",
                #"{"experiment_id":"0","run_name":"a","tags":[{"key":"mlflow.runName","value":"b"}]}"#,
                status: .badRequest, code: "INVALID_PARAMETER_VALUE")
            try await client.fails(
                .get, "/api/2.0/mlflow/runs/get", status: .badRequest, code: "INVALID_PARAMETER_VALUE")
            try await client.fails(
                .get, "/api/2.0/mlflow/runs/get?run_id=\(String(repeating: "0", count: 32))", status: .notFound,
                code: "RESOURCE_DOES_NOT_EXIST")
            try await client.fails(
                .get, "/api/2.0/mlflow/runs/get?run_id=not-a-run", status: .notFound, code: "RESOURCE_DOES_NOT_EXIST")
        }
    }

    @Test("nested runs: the parent tag makes the run a task under its parent")
    func nested() async throws {
        let fixture = try ServerFixture()
        let store = fixture.store
        try await fixture.test { client in
            let parent = try await client.createRun(name: "parent")
            let child = try await client.createRun(
                name: "child", tags: #"[{"key":"mlflow.parentRunId","value":"\#(parent)"}]"#)
            let detail = try await runDetail(store, child)
            #expect(detail.run.parentID?.hex == parent)
            #expect(detail.run.kind == .task)
            #expect(detail.relations.contains { $0.kind == .wasAssociatedWith && $0.other.name == "ada" })
        }
    }

    @Test("metrics, parameters and batches: values, NaN and infinities, latest values, history in pages")
    func metrics() async throws {
        let fixture = try ServerFixture()
        try await fixture.test { client in
            let id = try await client.createRun()
            _ = try await client.ok(
                .post, "/api/2.0/mlflow/runs/log-metric",
                #"{"run_id":"\#(id)","run_uuid":"\#(id)","key":"loss","value":0.5,"timestamp":1750000001000,"step":0}"#)
            _ = try await client.ok(
                .post, "/api/2.0/mlflow/runs/log-metric",
                #"{"run_id":"\#(id)","key":"loss","value":"NaN","timestamp":"1750000002000","step":"1"}"#)
            _ = try await client.ok(
                .post, "/api/2.0/mlflow/runs/log-batch",
                #"""
                {"run_id":"\#(id)","metrics":[{"key":"peak","value":"Infinity","timestamp":1,"step":0},
                 {"key":"acc","value":0.9,"timestamp":1,"step":3},{"key":"acc","value":0.8,"timestamp":2,"step":2}],
                 "params":[{"key":"lr","value":"0.01"}],"tags":[{"key":"team","value":"vision"}]}
                """#)
            let run = try await client.ok(.get, "/api/2.0/mlflow/runs/get?run_id=\(id)")
            let metrics = try #require(member(run, "run.data.metrics") as? [[String: Any]])
            let byKey = Dictionary(uniqueKeysWithValues: metrics.map { ($0["key"] as! String, $0) })
            #expect(byKey["loss"]?["value"] as? String == "NaN")
            #expect(byKey["peak"]?["value"] as? String == "Infinity")
            #expect(byKey["acc"]?["value"] as? Double == 0.9)
            #expect(byKey["acc"]?["step"] as? Int == 3)
            #expect((member(run, "run.data.params") as? [[String: String]]) == [["key": "lr", "value": "0.01"]])

            let history = try await client.ok(
                .get, "/api/2.0/mlflow/metrics/get-history?run_id=\(id)&metric_key=loss&max_results=1")
            #expect((history["metrics"] as? [[String: Any]])?.count == 1)
            let token = try #require(history["next_page_token"] as? String)
            let rest = try await client.ok(
                .get, "/api/2.0/mlflow/metrics/get-history?run_id=\(id)&metric_key=loss&page_token=\(token)")
            #expect((rest["metrics"] as? [[String: Any]])?.first?["value"] as? String == "NaN")
            #expect(rest["next_page_token"] == nil)

            try await client.fails(
                .post, "/api/2.0/mlflow/runs/log-parameter", #"{"run_id":"\#(id)","key":"lr","value":"0.1"}"#,
                status: .badRequest, code: "INVALID_PARAMETER_VALUE")
            try await client.fails(
                .post, "/api/2.0/mlflow/runs/log-metric",
                #"{"run_id":"\#(id)","key":"x","value":"high","timestamp":1}"#,
                status: .badRequest, code: "INVALID_PARAMETER_VALUE")
            try await client.fails(
                .post, "/api/2.0/mlflow/runs/log-metric", #"{"run_id":"\#(id)","key":"x","timestamp":1}"#,
                status: .badRequest, code: "INVALID_PARAMETER_VALUE")
            let tooMany = (0..<101).map { #"{"key":"p\#($0)","value":"1"}"# }.joined(separator: ",")
            try await client.fails(
                .post, "/api/2.0/mlflow/runs/log-batch", #"{"run_id":"\#(id)","params":[\#(tooMany)]}"#,
                status: .badRequest, code: "INVALID_PARAMETER_VALUE")
            try await client.fails(
                .post, "/api/2.0/mlflow/runs/log-batch",
                #"{"run_id":"\#(String(repeating: "1", count: 32))","params":[{"key":"a","value":"b"}]}"#,
                status: .notFound, code: "RESOURCE_DOES_NOT_EXIST")
        }
    }

    @Test("search: filters, ordering and pages; bad filters get MLflow's errors")
    func search() async throws {
        let fixture = try ServerFixture()
        try await fixture.test { client in
            for index in 0..<5 {
                let id = try await client.createRun(name: "run-\(index)")
                _ = try await client.ok(
                    .post, "/api/2.0/mlflow/runs/log-batch",
                    #"{"run_id":"\#(id)","metrics":[{"key":"acc","value":\#(Double(index) / 10),"timestamp":1,"step":0}],"params":[{"key":"lr","value":"\#(index % 2)"}]}"#
                )
            }
            let answer = try await client.ok(
                .post, "/api/2.0/mlflow/runs/search",
                #"{"experiment_ids":["0"],"filter":"metrics.acc >= 0.1 and params.lr = '1'","order_by":["metrics.acc DESC"],"max_results":1}"#
            )
            let runs = try #require(answer["runs"] as? [[String: Any]])
            #expect(runs.map { member($0, "info.run_name") as? String } == ["run-3"])
            let token = try #require(answer["next_page_token"] as? String)
            let next = try await client.ok(
                .post, "/api/2.0/mlflow/runs/search",
                #"{"experiment_ids":["0"],"filter":"metrics.acc >= 0.1 and params.lr = '1'","order_by":["metrics.acc DESC"],"max_results":1,"page_token":"\#(token)"}"#
            )
            #expect((next["runs"] as? [[String: Any]])?.map { member($0, "info.run_name") as? String } == ["run-1"])
            #expect(next["next_page_token"] == nil)
            let empty = try await client.ok(
                .post, "/api/2.0/mlflow/runs/search", #"{"experiment_ids":["0"],"filter":"params.lr = 'none'"}"#)
            #expect(empty["runs"] == nil)
            let message = try await client.fails(
                .post, "/api/2.0/mlflow/runs/search",
                #"{"experiment_ids":["0"],"filter":"metrics.acc > 1 OR params.x = 'y'"}"#,
                status: .badRequest, code: "INVALID_PARAMETER_VALUE")
            #expect(message == "Invalid clause(s) in filter string: 'OR'")
            try await client.fails(
                .post, "/api/2.0/mlflow/runs/search", #"{"experiment_ids":["0"],"order_by":["metrics.a, params.b"]}"#,
                status: .badRequest, code: "INVALID_PARAMETER_VALUE")
            try await client.fails(
                .post, "/api/2.0/mlflow/runs/search", #"{"experiment_ids":["0"],"max_results":50001}"#,
                status: .badRequest, code: "INVALID_PARAMETER_VALUE")
            try await client.fails(
                .post, "/api/2.0/mlflow/runs/search", #"{"experiment_ids":["x"]}"#, status: .notFound,
                code: "RESOURCE_DOES_NOT_EXIST")
        }
    }

    @Test("inputs, logged models, outputs and model metrics")
    func modelsAndInputs() async throws {
        let fixture = try ServerFixture()
        let store = fixture.store
        try await fixture.test { client in
            let run = try await client.createRun()
            _ = try await client.ok(
                .post, "/api/2.0/mlflow/runs/log-inputs",
                #"""
                {"run_id":"\#(run)","datasets":[{"tags":[{"key":"mlflow.data.context","value":"training"}],
                 "dataset":{"name":"toy","digest":"a5357541","source_type":"local","source":"{\"uri\": \"file:///d.csv\"}",
                 "schema":"{}","profile":"{\"num_rows\": 3}"}}]}
                """#)
            let created = try await client.ok(
                .post, "/api/2.0/mlflow/logged-models",
                #"{"experiment_id":"0","name":"model","source_run_id":"\#(run)","params":[{"key":"C","value":"1.0"}],"tags":[{"key":"mlflow.user","value":"ada"}]}"#
            )
            let model = try #require(member(created, "model.info.model_id") as? String)
            #expect(model.hasPrefix("m-"))
            #expect(member(created, "model.info.status") as? String == "LOGGED_MODEL_PENDING")
            #expect(
                member(created, "model.info.artifact_uri") as? String == "mlflow-artifacts:/0/models/\(model)/artifacts"
            )
            _ = try await client.ok(
                .post, "/api/2.0/mlflow/runs/outputs",
                #"{"run_id":"\#(run)","models":[{"model_id":"\#(model)","step":0}]}"#)
            _ = try await client.ok(
                .post, "/api/2.0/mlflow/runs/log-batch",
                #"{"run_id":"\#(run)","metrics":[{"key":"acc","value":0.9,"timestamp":5,"step":0,"model_id":"\#(model)","dataset_name":"toy","dataset_digest":"a5357541"}]}"#
            )
            let finalized = try await client.ok(
                .patch, "/api/2.0/mlflow/logged-models/\(model)",
                #"{"model_id":"\#(model)","status":"LOGGED_MODEL_READY"}"#)
            #expect(member(finalized, "model.info.status") as? String == "LOGGED_MODEL_READY")
            let got = try await client.ok(.get, "/api/2.0/mlflow/logged-models/\(model)")
            #expect(member(got, "model.info.source_run_id") as? String == run)
            #expect((member(got, "model.data.params") as? [[String: String]]) == [["key": "C", "value": "1.0"]])
            let metric = (member(got, "model.data.metrics") as? [[String: Any]])?.first
            #expect(metric?["dataset_digest"] as? String == "a5357541")
            #expect(metric?["run_id"] as? String == run)

            let runAnswer = try await client.ok(.get, "/api/2.0/mlflow/runs/get?run_id=\(run)")
            let input = (member(runAnswer, "run.inputs.dataset_inputs") as? [[String: Any]])?.first
            #expect(member(input ?? [:], "dataset.digest") as? String == "a5357541")
            #expect(member(input ?? [:], "dataset.profile") as? String == #"{"num_rows": 3}"#)
            let outputs = member(runAnswer, "run.outputs.model_outputs") as? [[String: Any]]
            #expect(outputs?.first?["model_id"] as? String == model)

            let search = try await client.ok(
                .post, "/api/2.0/mlflow/logged-models/search",
                #"{"experiment_ids":["0"],"filter":"name = 'model' AND source_run_id = '\#(run)'","order_by":[{"field_name":"creation_timestamp","ascending":false}]}"#
            )
            #expect((search["models"] as? [[String: Any]])?.count == 1)
            let none = try await client.ok(
                .post, "/api/2.0/mlflow/logged-models/search", #"{"experiment_ids":["0"],"filter":"name = 'outputs'"}"#)
            #expect((none["models"] as? [[String: Any]])?.isEmpty == true)
            try await client.fails(
                .get, "/api/2.0/mlflow/logged-models/m-\(String(repeating: "2", count: 32))", status: .notFound,
                code: "RESOURCE_DOES_NOT_EXIST")

            // The provenance: the run used the dataset and generated the model; the model is the experiment's.
            let detail = try await runDetail(store, run)
            #expect(
                detail.relations.contains {
                    $0.kind == .used && $0.other.kind == "dataset" && $0.other.location == "file:///d.csv"
                })
            #expect(detail.relations.contains { $0.kind == .wasGeneratedBy && $0.other.kind == "model" })
        }
    }

    @Test("unknown routes, malformed JSON and wrong types get 4xx answers in MLflow's shape")
    func malformed() async throws {
        let fixture = try ServerFixture()
        try await fixture.test { client in
            let run = try await client.createRun()
            try await client.fails(.get, "/api/2.0/mlflow/nothing/here", status: .notFound, code: "ENDPOINT_NOT_FOUND")
            try await client.fails(
                .post, "/api/2.0/mlflow/runs/log-metric", "{broken", status: .badRequest,
                code: "INVALID_PARAMETER_VALUE")
            try await client.fails(
                .post, "/api/2.0/mlflow/runs/log-metric", "[1,2]", status: .badRequest, code: "INVALID_PARAMETER_VALUE")
            let message = try await client.fails(
                .post, "/api/2.0/mlflow/runs/log-batch", #"{"run_id":"\#(run)","metrics":[{"key":5}]}"#,
                status: .badRequest, code: "INVALID_PARAMETER_VALUE")
            #expect(message.contains("metrics[0].key"))
            try await client.fails(
                .post, "/api/2.0/mlflow/runs/log-parameter", #"{"run_id":"\#(run)","key":"/abs","value":"1"}"#,
                status: .badRequest, code: "INVALID_PARAMETER_VALUE")
            try await client.fails(
                .post, "/api/2.0/mlflow/runs/log-parameter",
                #"{"run_id":"\#(run)","key":"\#(String(repeating: "k", count: 251))","value":"1"}"#,
                status: .badRequest, code: "INVALID_PARAMETER_VALUE")
            try await client.fails(
                .post, "/api/2.0/mlflow/runs/update", #"{"run_id":"\#(run)","status":"SLEEPING"}"#, status: .badRequest,
                code: "INVALID_PARAMETER_VALUE")
            let info = try await client.ok(.get, "/api/3.0/mlflow/server-info")
            #expect(info["multipart_uploads_enabled"] as? Bool == false)
        }
    }

    @Test("the request size limit answers 413")
    func sizeLimit() async throws {
        let fixture = try ServerFixture { $0.maxRequestBytes = 1024 }
        try await fixture.test { client in
            let big = #"{"name":"\#(String(repeating: "x", count: 2000))"}"#
            try await client.fails(
                .post, "/api/2.0/mlflow/experiments/create", big, status: .contentTooLarge, code: "BAD_REQUEST")
            _ = try await client.ok(.post, "/api/2.0/mlflow/experiments/create", #"{"name":"small"}"#)
        }
    }
}
