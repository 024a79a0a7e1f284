import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import ProvModel
import ProvServer
import ProvStore
import ProvStoreSQLite
import ProvTesting
import Testing

/// An application over a fresh in-memory store, with deterministic ids and a fixed clock, tested in process.
struct ServerFixture {
    let store: SQLiteStore
    let artifacts: TemporaryDirectory
    var configuration: ServerConfiguration

    init(configure: (inout ServerConfiguration) throws -> Void = { _ in }) throws {
        store = try SQLiteStore.inMemory(logger: Logger(label: "provkit.test.server"))
        artifacts = try TemporaryDirectory(prefix: "provkit-server-artifacts")
        configuration = ServerConfiguration()
        configuration.artifactsRoot = artifacts.url
        try configure(&configuration)
    }

    static let clockTime = ProvTime(microsecondsSinceEpoch: 1_750_000_000_000_000)

    /// Runs `body` against the application, in process (`.router`, the default) or on a live loopback port.
    func test<Value>(
        _ setup: TestingSetup = .router, _ body: @Sendable (any TestClientProtocol) async throws -> Value
    ) async throws -> Value {
        let application = buildApplication(
            configuration: configuration, store: store, logger: Logger(label: "provkit.test.server"),
            ids: SequentialIDGenerator(milliseconds: 1_750_000_000_000), clock: { Self.clockTime })
        defer { artifacts.remove() }
        return try await application.test(setup, body)
    }
}

extension TestClientProtocol {
    /// Sends a JSON body and returns the status and the parsed answer.
    @discardableResult
    func json(
        _ method: HTTPRequest.Method, _ uri: String, _ body: String? = nil, headers: HTTPFields = [:]
    ) async throws -> (HTTPResponse.Status, [String: Any]) {
        var headers = headers
        if body != nil { headers[.contentType] = "application/json" }
        return try await execute(
            uri: uri, method: method, headers: headers, body: body.map { ByteBuffer(string: $0) }
        ) { response in
            let text = String(buffer: response.body)
            let object =
                text.isEmpty ? [:] : (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any]
            return (response.status, object ?? ["unparsed": text])
        }
    }

    /// Sends a request that must succeed and returns its JSON answer.
    func ok(
        _ method: HTTPRequest.Method, _ uri: String, _ body: String? = nil,
        sourceLocation: SourceLocation = #_sourceLocation
    )
        async throws -> [String: Any]
    {
        let (status, answer) = try await json(method, uri, body)
        #expect(status == .ok, "\(method) \(uri): \(answer)", sourceLocation: sourceLocation)
        return answer
    }

    /// Sends a request that must fail with `status` and `code`, and returns the message.
    @discardableResult
    func fails(
        _ method: HTTPRequest.Method, _ uri: String, _ body: String? = nil, status: HTTPResponse.Status, code: String,
        headers: HTTPFields = [:], sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> String {
        let (answerStatus, answer) = try await json(method, uri, body, headers: headers)
        #expect(answerStatus == status, "\(method) \(uri) \(body ?? ""): \(answer)", sourceLocation: sourceLocation)
        #expect(answer["error_code"] as? String == code, "\(method) \(uri): \(answer)", sourceLocation: sourceLocation)
        let message = answer["message"] as? String ?? ""
        #expect(!message.isEmpty, sourceLocation: sourceLocation)
        return message
    }

    /// Creates a run in experiment `experiment` and returns its id.
    func createRun(experiment: String = "0", name: String? = nil, tags: String = "[]") async throws -> String {
        let nameField = name.map { ",\"run_name\":\"\($0)\"" } ?? ""
        let answer = try await ok(
            .post, "/api/2.0/mlflow/runs/create",
            #"{"experiment_id":"\#(experiment)","user_id":"ada","start_time":1750000000000,"tags":\#(tags)\#(nameField)}"#
        )
        let run = answer["run"] as? [String: Any]
        let info = run?["info"] as? [String: Any]
        return info?["run_id"] as? String ?? ""
    }
}

/// A member of a JSON object by path (`"run.info.status"`).
func member(_ object: [String: Any], _ path: String) -> Any? {
    var current: Any? = object
    for key in path.split(separator: ".") {
        current = (current as? [String: Any])?[String(key)]
    }
    return current
}

/// The detail of the run with id `hex`, which must exist.
func runDetail(
    _ store: SQLiteStore, _ hex: String, sourceLocation: SourceLocation = #_sourceLocation
) async throws
    -> RunDetail
{
    let id = try #require(ProvID(hex: hex), sourceLocation: sourceLocation)
    return try #require(try await store.runDetail(id), sourceLocation: sourceLocation)
}
