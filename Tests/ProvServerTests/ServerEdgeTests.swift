import Foundation
import Hummingbird
import HummingbirdTesting
import ProvModel
@testable import ProvServer
import ProvStore
import ProvStoreSQLite
import ProvTesting
import Testing

/// The server's edges (#12 items 3, 5, 7, 8): tokens that cannot be empty, symbolic links in the artifact root,
/// file-system errors a client caused, and request body limits.
@Suite("Server edges")
struct ServerEdgeTests {
    // MARK: Tokens

    @Test("a token that is empty, only whitespace, padded or holds a control character cannot be made",
          arguments: ["", " ", "\t\n ", " s3cret", "s3cret ", "line\nbreak"])
    func unusableTokens(value: String) {
        #expect(throws: AuthTokenError.self) { try AuthToken(value) }
    }

    @Test("an empty --auth-token or PROVKIT_AUTH_TOKEN is refused, not read as 'no token'")
    func configuredToken() throws {
        #expect(throws: AuthTokenError.self) { try AuthToken.configured(option: "", environment: [:]) }
        #expect(throws: AuthTokenError.self) { try AuthToken.configured(option: "  ", environment: [:]) }
        #expect(throws: AuthTokenError.self) {
            try AuthToken.configured(option: nil, environment: ["PROVKIT_AUTH_TOKEN": ""])
        }
        #expect(throws: AuthTokenError.self) {
            try AuthToken.configured(option: nil, environment: ["PROVKIT_AUTH_TOKEN": " \t"])
        }
        // The option wins over the environment, also when it is the one at fault.
        #expect(throws: AuthTokenError.self) {
            try AuthToken.configured(option: "", environment: ["PROVKIT_AUTH_TOKEN": "fine"])
        }
        #expect(try AuthToken.configured(option: nil, environment: [:]) == nil)
        #expect(try AuthToken.configured(option: "a", environment: ["PROVKIT_AUTH_TOKEN": "b"])?.value == "a")
        #expect(try AuthToken.configured(option: nil, environment: ["PROVKIT_AUTH_TOKEN": "b"])?.value == "b")
        #expect(!String(describing: try AuthToken("s3cret")).contains("s3cret"))
    }

    // MARK: Symbolic links

    /// An artifact root with links into and out of it, and a folder outside it holding a secret.
    struct LinkedRoot {
        let outside: TemporaryDirectory
        let artifacts: URL
        static let secret = "TOP SECRET outside the root\n"
        static let base = "/api/2.0/mlflow-artifacts/artifacts/0/r/artifacts"

        init(root: URL) throws {
            outside = try TemporaryDirectory(prefix: "provkit-outside")
            let files = FileManager.default
            try files.createDirectory(at: outside.url.appendingPathComponent("folder"), withIntermediateDirectories: true)
            try Self.secret.write(to: outside.url.appendingPathComponent("secret.txt"), atomically: true, encoding: .utf8)
            try Self.secret.write(
                to: outside.url.appendingPathComponent("folder/inner.txt"), atomically: true, encoding: .utf8)
            artifacts = root.appendingPathComponent("0/r/artifacts")
            try files.createDirectory(at: artifacts.appendingPathComponent("sub"), withIntermediateDirectories: true)
            try "inside\n".write(to: artifacts.appendingPathComponent("real.txt"), atomically: true, encoding: .utf8)
            func link(_ name: String, _ target: URL) throws {
                try files.createSymbolicLink(
                    atPath: artifacts.appendingPathComponent(name).path, withDestinationPath: target.path)
            }
            try link("leak.txt", outside.url.appendingPathComponent("secret.txt"))
            try link("leakdir", outside.url.appendingPathComponent("folder"))
            try link("inside.txt", artifacts.appendingPathComponent("real.txt"))
            try link("alias", artifacts.appendingPathComponent("sub"))
            try link("dangling.txt", outside.url.appendingPathComponent("missing.txt"))
        }

        /// The outside folder's files, with their contents.
        func outsideFiles() -> [String: String] {
            var found: [String: String] = [:]
            for name in ["secret.txt", "folder/inner.txt", "folder/new.txt", "new.txt"] {
                let url = outside.url.appendingPathComponent(name)
                if let text = try? String(contentsOf: url, encoding: .utf8) { found[name] = text }
            }
            return found
        }
    }

    @Test("a symbolic link in the artifact root that leads outside is neither read, listed nor written through")
    func symbolicLinksLeadingOutside() async throws {
        let fixture = try ServerFixture()
        let linked = try LinkedRoot(root: fixture.artifacts.url)
        defer { linked.outside.remove() }
        let before = linked.outsideFiles()
        try await fixture.test { client in
            let base = LinkedRoot.base
            for path in ["leak.txt", "leakdir/inner.txt"] {
                try await client.execute(uri: "\(base)/\(path)", method: .get) { response in
                    #expect(response.status == .badRequest, "\(path): \(response.status)")
                    #expect(!String(buffer: response.body).contains("TOP SECRET"), "\(path)")
                }
            }
            // A dangling link is nothing to download.
            try await client.execute(uri: "\(base)/dangling.txt", method: .get) { response in
                #expect(response.status == .notFound)
            }
            // Listing a linked folder that leads outside is refused; listing the folder leaves such links out.
            let listedOutside = try await client.json(
                .get, "/api/2.0/mlflow-artifacts/artifacts?path=0%2Fr%2Fartifacts%2Fleakdir")
            #expect(listedOutside.0 == .badRequest, "\(listedOutside.1)")
            #expect(!"\(listedOutside.1)".contains("inner.txt"))
            let listing = try await client.ok(.get, "/api/2.0/mlflow-artifacts/artifacts?path=0%2Fr%2Fartifacts")
            let names = ((listing["files"] as? [[String: Any]]) ?? []).compactMap { $0["path"] as? String }
            #expect(names == ["alias", "inside.txt", "real.txt", "sub"], "\(listing)")
            // Writing onto a link or through a linked folder is refused, and nothing outside changes.
            for path in ["leak.txt", "leakdir/new.txt", "leakdir/inner.txt", "dangling.txt"] {
                try await client.execute(uri: "\(base)/\(path)", method: .put, body: ByteBuffer(string: "pwned\n")) {
                    response in
                    #expect(response.status == .badRequest, "\(path): \(String(buffer: response.body))")
                }
            }
            #expect(linked.outsideFiles() == before)
            let leak = try FileManager.default.destinationOfSymbolicLink(
                atPath: linked.artifacts.appendingPathComponent("leak.txt").path)
            #expect(leak.hasSuffix("secret.txt"), "the link itself is left as it was")
        }
    }

    @Test("links that stay inside the root are read; writes never go through a link, even one that stays inside")
    func symbolicLinksInside() async throws {
        let fixture = try ServerFixture()
        let linked = try LinkedRoot(root: fixture.artifacts.url)
        defer { linked.outside.remove() }
        try await fixture.test { client in
            let base = LinkedRoot.base
            try await client.execute(uri: "\(base)/inside.txt", method: .get) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body) == "inside\n")
            }
            try await client.execute(uri: "\(base)/alias/x.txt", method: .put, body: ByteBuffer(string: "x")) {
                #expect($0.status == .badRequest, "\(String(buffer: $0.body))")
            }
            try await client.execute(uri: "\(base)/sub/x.txt", method: .put, body: ByteBuffer(string: "x")) {
                #expect($0.status == .ok, "\(String(buffer: $0.body))")
            }
            #expect(
                try String(contentsOf: linked.artifacts.appendingPathComponent("sub/x.txt"), encoding: .utf8) == "x")
        }
    }

    // MARK: File-system errors a client caused

    @Test(
        "names the file system cannot hold get 400 INVALID_PARAMETER_VALUE saying what to fix, not 500",
        arguments: [
            String(repeating: "n", count: 300) + ".txt",
            String(repeating: "d", count: 300) + "/file.txt",
            String(repeating: "é", count: 130) + ".txt",
            Array(repeating: String(repeating: "p", count: 250), count: 17).joined(separator: "/"),
        ])
    func namesTooLong(name: String) async throws {
        let fixture = try ServerFixture()
        try await fixture.test { client in
            let base = "/api/2.0/mlflow-artifacts/artifacts/0/r/artifacts"
            let encoded = name.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? name
            let message = try await client.fails(
                .put, "\(base)/\(encoded)", "x", status: .badRequest, code: "INVALID_PARAMETER_VALUE")
            #expect(message.contains("255") || message.contains("4,096"), "\(message)")
            // A read of a path too long for the file system is refused or finds nothing; it is never a 500.
            let read = try await client.json(.get, "\(base)/\(encoded)")
            #expect(read.0 == .badRequest || read.0 == .notFound, "\(read)")
        }
    }

    @Test("a file where a folder should be gets 400")
    func fileInTheWay() async throws {
        let fixture = try ServerFixture()
        try await fixture.test { client in
            let base = "/api/2.0/mlflow-artifacts/artifacts/0/r/artifacts"
            try await client.execute(uri: "\(base)/a.txt", method: .put, body: ByteBuffer(string: "x")) {
                #expect($0.status == .ok)
            }
            try await client.fails(
                .put, "\(base)/a.txt/b.txt", "y", status: .badRequest, code: "INVALID_PARAMETER_VALUE")
            try await client.fails(.put, "\(base)", "y", status: .badRequest, code: "INVALID_PARAMETER_VALUE")
        }
    }

    @Test(
        "errno values a client causes map to 400; faults of the server stay 500",
        arguments: [
            (ENAMETOOLONG, 400), (EINVAL, 400), (EILSEQ, 400), (ENOTDIR, 400), (EEXIST, 400), (EISDIR, 400),
            (ELOOP, 400), (ENOSPC, 500), (EIO, 500), (EACCES, 500), (EROFS, 500), (EDQUOT, 500),
        ])
    func errnoMapping(code: Int32, status: Int) {
        let error = ArtifactFiles.error(errno: code, doing: "write", path: "a/b.txt")
        #expect(error.status.code == status)
        #expect(error.code == (status == 400 ? "INVALID_PARAMETER_VALUE" : "INTERNAL_ERROR"))
        #expect(error.message.contains("a/b.txt"))
    }

    // MARK: Body limits

    static let agent = ProvID(hex: "0190a3f2c4d07000800000000000a001")!

    /// A native upload of about `bytes` bytes of valid events.
    static func events(bytes: Int) -> String {
        let line = #"{"type":"agent","id":"0190a3f2c4d07000800000000000a001","kind":"person","name":"ada"}"# + "\n"
        return String(repeating: line, count: bytes / line.utf8.count + 1)
    }

    @Test("a native upload over the configured limit gets 413 with a JSON error naming the limit; nothing is stored")
    func nativeLimit() async throws {
        let fixture = try ServerFixture { $0.maxEventBytes = 1 << 20 }
        let store = fixture.store
        let body = Self.events(bytes: 2 << 20)
        try await fixture.test { client in
            // Declared by Content-Length (refused before reading), and without it (refused at the limit).
            for headers: HTTPFields in [[.contentLength: "\(body.utf8.count)"], [:]] {
                let message = try await client.fails(
                    .post, "/api/provkit/v1/events", body, status: .contentTooLarge, code: "BAD_REQUEST",
                    headers: headers)
                #expect(message.contains("at most 1048576 bytes"), "\(message)")
            }
        }
        #expect(try await store.node(Self.agent) == nil, "nothing from the refused uploads was stored")
        try await fixture.test { client in
            let small = try await client.json(.post, "/api/provkit/v1/events", Self.events(bytes: 1_000))
            #expect(small.0 == .ok, "\(small.1)")
        }
        #expect(try await store.node(Self.agent) != nil)
    }

    @Test("an MLflow JSON body over the limit gets 413 by its Content-Length, naming the limit")
    func jsonLimit() async throws {
        let fixture = try ServerFixture {
            $0.maxRequestBytes = 1024
            $0.port = 0
        }
        try await fixture.test(.live) { client in
            let big = #"{"name":"\#(String(repeating: "x", count: 5000))"}"#
            let message = try await client.fails(
                .post, "/api/2.0/mlflow/experiments/create", big, status: .contentTooLarge, code: "BAD_REQUEST")
            #expect(message.contains("5011 bytes") && message.contains("at most 1024 bytes"), "\(message)")
        }
    }
}
