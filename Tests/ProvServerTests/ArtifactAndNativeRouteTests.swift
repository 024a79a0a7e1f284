import Foundation
import Hummingbird
import HummingbirdTesting
import ProvCapture
import ProvModel
import ProvServer
import ProvStore
import ProvStoreSQLite
import ProvTesting
import Testing

/// The artifact proxy, authentication and the native API, in process.
@Suite("Artifact, auth and native routes")
struct ArtifactAndNativeRouteTests {
    @Test("artifacts: upload, list, download; each upload is a content-addressed entity the run generated")
    func artifacts() async throws {
        let fixture = try ServerFixture()
        let store = fixture.store
        let root = fixture.artifacts.url
        try await fixture.test { client in
            let run = try await client.createRun()
            let base = "/api/2.0/mlflow-artifacts/artifacts/0/\(run)/artifacts"
            let content = "hello provenance\n"
            try await client.execute(uri: "\(base)/notes.txt", method: .put, body: ByteBuffer(string: content)) {
                #expect($0.status == .ok)
            }
            try await client.execute(
                uri: "\(base)/sub%20dir/data.bin", method: .put, body: ByteBuffer(bytes: [0, 1, 2])
            ) {
                #expect($0.status == .ok)
            }
            let listing = try await client.ok(.get, "/api/2.0/mlflow-artifacts/artifacts?path=0%2F\(run)%2Fartifacts")
            let files = try #require(listing["files"] as? [[String: Any]])
            #expect(files.map { $0["path"] as? String } == ["notes.txt", "sub dir"])
            #expect(files[0]["file_size"] as? Int == content.utf8.count)
            #expect(files[1]["is_dir"] as? Bool == true && files[1]["file_size"] == nil)
            #expect(
                try await client.ok(.get, "/api/2.0/mlflow-artifacts/artifacts?path=0/\(run)/artifacts/notes.txt")
                    .isEmpty)
            #expect(try await client.ok(.get, "/api/2.0/mlflow-artifacts/artifacts?path=0/nothing").isEmpty)
            try await client.execute(uri: "\(base)/notes.txt", method: .get) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body) == content)
                #expect(response.headers[.contentDisposition]?.hasPrefix("attachment") == true)
            }
            try await client.fails(.get, "\(base)/sub%20dir", status: .badRequest, code: "INVALID_PARAMETER_VALUE")
            try await client.fails(.get, "\(base)/missing.txt", status: .notFound, code: "RESOURCE_DOES_NOT_EXIST")
            #expect(
                FileManager.default.fileExists(
                    atPath: root.appendingPathComponent("0/\(run)/artifacts/sub dir/data.bin").path))

            let detail = try await runDetail(store, run)
            let generated = detail.relations.filter { $0.kind == .wasGeneratedBy }.map(\.other)
            #expect(Set(generated.compactMap(\.name)) == ["notes.txt", "sub dir/data.bin"])
            let notes = try #require(generated.first { $0.name == "notes.txt" })
            #expect(notes.kind == "artifact")
            #expect(notes.digest == "sha256:" + SHA256.hex(Array(content.utf8)))
            #expect(notes.location == "mlflow-artifacts:/0/\(run)/artifacts/notes.txt")
        }
    }

    @Test(
        "artifact paths that would leave the root get 400",
        arguments: [
            "0/r/artifacts/../../../etc/passwd", "0/r/artifacts/%2e%2e/%2e%2e/x", "0/r/artifacts/%252e%252e/x",
            "a%2F..%2F..%2Fb", "%2Fetc%2Fpasswd", "0/r/artifacts/dir/", "0/r/artifacts/a%5C..%5Cb", "0//x",
            "0/r/artifacts/./../../../x", "0/r/%00x", ".",
        ])
    func traversal(path: String) async throws {
        let fixture = try ServerFixture()
        let root = fixture.artifacts.url
        try await fixture.test { client in
            try await client.execute(
                uri: "/api/2.0/mlflow-artifacts/artifacts/\(path)", method: .put, body: ByteBuffer(string: "x")
            ) { response in
                #expect(response.status == .badRequest, "\(path): \(String(buffer: response.body))")
            }
            try await client.execute(uri: "/api/2.0/mlflow-artifacts/artifacts/\(path)", method: .get) { response in
                #expect(response.status == .badRequest, "\(path)")
            }
            let listing = try await client.json(
                .get, "/api/2.0/mlflow-artifacts/artifacts?path=\(path.replacingOccurrences(of: "/", with: "%2F"))")
            #expect(listing.0 == .badRequest || listing.1.isEmpty, "\(path)")
            let escaped = root.deletingLastPathComponent().appendingPathComponent("etc/passwd")
            #expect(!FileManager.default.fileExists(atPath: escaped.path))
        }
    }

    @Test("an artifact larger than the limit gets 413 and leaves nothing behind")
    func artifactLimit() async throws {
        let fixture = try ServerFixture { $0.maxArtifactBytes = 10 }
        let root = fixture.artifacts.url
        try await fixture.test { client in
            let run = try await client.createRun()
            try await client.execute(
                uri: "/api/2.0/mlflow-artifacts/artifacts/0/\(run)/artifacts/big.bin", method: .put,
                body: ByteBuffer(bytes: [UInt8](repeating: 7, count: 100))
            ) { response in
                #expect(response.status == .contentTooLarge)
            }
            let folder = root.appendingPathComponent("0/\(run)/artifacts")
            let left = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
            #expect(left.isEmpty, "\(left)")
        }
    }

    @Test("with a token, every route needs it: bearer or the password of basic authentication")
    func authentication() async throws {
        let fixture = try ServerFixture { $0.authToken = try AuthToken("s3cret") }
        try await fixture.test { client in
            try await client.fails(.get, "/health", status: .unauthorized, code: "UNAUTHENTICATED")
            try await client.fails(
                .get, "/api/2.0/mlflow/experiments/get?experiment_id=0", status: .unauthorized, code: "UNAUTHENTICATED")
            try await client.fails(
                .get, "/no/such/route", status: .unauthorized, code: "UNAUTHENTICATED")
            try await client.fails(
                .get, "/health", status: .unauthorized, code: "UNAUTHENTICATED",
                headers: [.authorization: "Bearer wrong"])
            try await client.fails(
                .get, "/health", status: .unauthorized, code: "UNAUTHENTICATED",
                headers: [.authorization: "Basic " + Data("ada:wrong".utf8).base64EncodedString()])
            try await client.fails(
                .get, "/health", status: .unauthorized, code: "UNAUTHENTICATED", headers: [.authorization: "Bearer"])
            let bearer = try await client.json(.get, "/health", headers: [.authorization: "Bearer s3cret"])
            #expect(bearer.0 == .ok)
            let basic = try await client.json(
                .get, "/api/2.0/mlflow/experiments/get?experiment_id=0",
                headers: [.authorization: "Basic " + Data("ada:s3cret".utf8).base64EncodedString()])
            #expect(basic.0 == .ok)
        }
    }

    @Test("without a token, no authentication is asked")
    func noAuthentication() async throws {
        try await ServerFixture().test { client in
            let (status, _) = try await client.json(.get, "/health")
            #expect(status == .ok)
        }
    }

    @Test("native API: events all or nothing, runs, run detail, lineage and taxonomy")
    func native() async throws {
        let fixture = try ServerFixture()
        let store = fixture.store
        try await fixture.test { client in
            let experiment = "0190a3f2c4d07000800000000000e001"
            let run = "0190a3f2c4d07000800000000000f001"
            let model = "0190a3f2c4d07000800000000000d002"
            let lines = [
                #"{"type":"experiment","id":"\#(experiment)","name":"native"}"#,
                #"{"type":"run_start","id":"\#(run)","experiment":"\#(experiment)","name":"net-1","time":"2024-05-01T12:00:01Z"}"#,
                #"{"type":"parameter","run":"\#(run)","key":"learning_rate","value":"0.1"}"#,
                "",
                #"{"type":"entity","id":"\#(model)","kind":"model","name":"net-1.onnx"}"#,
                #"{"type":"relation","relation":"wasGeneratedBy","subject":"\#(model)","object":"\#(run)"}"#,
            ]
            let summary = try await client.ok(.post, "/api/provkit/v1/events", lines.joined(separator: "\n"))
            #expect(summary["runs"] as? Int == 1)
            #expect(summary["relations"] as? Int == 1)

            let (status, error) = try await client.json(
                .post, "/api/provkit/v1/events",
                #"{"type":"parameter","run":"\#(run)","key":"x","value":"1"}"# + "\n"
                    + #"{"type":"metric","run":"\#(run)","key":"m","value":"high"}"#)
            #expect(status == .badRequest)
            #expect(error["line"] as? Int == 2)
            #expect(error["field"] as? String == "value")
            let (refusedStatus, refused) = try await client.json(
                .post, "/api/provkit/v1/events",
                #"{"type":"parameter","run":"\#(run)","key":"y","value":"1"}"# + "\n"
                    + #"{"type":"parameter","run":"\#(run)","key":"learning_rate","value":"0.2"}"#)
            #expect(refusedStatus == .badRequest)
            #expect(refused["line"] as? Int == 2)
            let detail = try await runDetail(store, run)
            #expect(detail.parameters.map(\.key) == ["learning_rate"])
            try await client.fails(
                .post, "/api/provkit/v1/events", "\n\n", status: .badRequest, code: "INVALID_PARAMETER_VALUE")

            let (runsStatus, _) = try await client.json(.get, "/api/provkit/v1/runs?param=learning_rate%3E0.05")
            #expect(runsStatus == .ok)
            try await client.execute(
                uri: "/api/provkit/v1/runs?param=learning_rate%3E0.05&status=running", method: .get
            ) {
                let runs =
                    try JSONSerialization.jsonObject(with: Data(String(buffer: $0.body).utf8)) as? [[String: Any]]
                #expect(runs?.map { $0["id"] as? String } == [run])
            }
            try await client.fails(
                .get, "/api/provkit/v1/runs?param=nonsense", status: .badRequest, code: "INVALID_PARAMETER_VALUE")
            try await client.fails(
                .get, "/api/provkit/v1/runs?status=sleeping", status: .badRequest, code: "INVALID_PARAMETER_VALUE")
            let runDetail = try await client.ok(.get, "/api/provkit/v1/runs/\(run.prefix(29))")
            #expect(member(runDetail, "run.name") as? String == "net-1")
            try await client.fails(
                .get, "/api/provkit/v1/runs/\(model)", status: .notFound, code: "RESOURCE_DOES_NOT_EXIST")
            let lineage = try await client.ok(.get, "/api/provkit/v1/lineage/\(model)?direction=up&depth=3")
            #expect((lineage["nodes"] as? [[String: Any]])?.count == 2)
            try await client.fails(
                .get, "/api/provkit/v1/lineage/\(model)?depth=-1", status: .badRequest, code: "INVALID_PARAMETER_VALUE")
            try await client.fails(
                .get, "/api/provkit/v1/lineage/ffffffffffff", status: .notFound, code: "RESOURCE_DOES_NOT_EXIST")
            let taxonomy = try await client.ok(.get, "/api/provkit/v1/taxonomy")
            #expect((taxonomy["terms"] as? [[String: Any]])?.isEmpty == false)
        }
    }
}

/// The capture SDK's HTTP sink and the server's native API agree, over a real connection.
@Suite("ProvCapture to provkit serve")
struct CaptureSinkTests {
    @Test("HTTPEventSink delivers events, with the token, to a live server")
    func sink() async throws {
        let fixture = try ServerFixture {
            $0.authToken = try AuthToken("t0ken")
            $0.port = 0
        }
        let store = fixture.store
        try await fixture.test(.live) { client in
            let port = try #require(client.port)
            let server = try #require(URL(string: "http://127.0.0.1:\(port)"))
            let ids = SequentialIDGenerator(milliseconds: 1_760_000_000_000)
            let experiment = ids.next()
            let run = ids.next()
            let events: [ProvEvent] = [
                .experiment(ExperimentRecord(id: experiment, name: "captured")),
                .runStart(RunStart(id: run, experiment: experiment, name: "job", startedAt: ServerFixture.clockTime)),
                .metric(MetricPoint(run: run, key: "loss", value: 0.25, step: 1)),
            ]
            try await HTTPEventSink(server: server, token: "t0ken").ingest(events)
            #expect(try await store.metricHistory(run: run, key: "loss").map(\.value) == [0.25])
            var refused = HTTPEventSink(server: server, token: "wrong")
            refused.attempts = 1
            await #expect(throws: (any Error).self) { try await refused.ingest(events) }
        }
    }
}
