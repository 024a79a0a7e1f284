import Foundation
import Hummingbird
import ProvModel
import ProvQuery
import ProvStore

/// An event of a native upload that was refused: its line in the body, the field at fault, and the answer.
struct NativeIngestError: Error, Sendable {
    var line: Int?
    var field: String?
    var apiError: APIError
}

/// The native API under `/api/provkit/v1/` (documented in `docs/openapi.yaml`): event ingest in the JSON Lines
/// format, run queries, lineage and the taxonomy.
struct NativeController<Context: RequestContext>: Sendable {
    let dependencies: ServerDependencies

    var store: any ProvenanceStore { dependencies.store }

    func register(on router: Router<Context>) {
        let api = router.group("api/provkit/v1")
        api.post("events", use: ingest)
        api.get("runs", use: runs)
        api.get("runs/:id", use: run)
        api.get("lineage/:id", use: lineage)
        api.get("taxonomy", use: taxonomy)
        registerAnalysis(on: api)
    }

    /// `POST /events`: a JSON Lines body (one event per line, blank lines ignored), stored all or nothing; with an
    /// `Idempotency-Key` header, stored once however often it is sent.
    func ingest(_ request: Request, context: Context) async throws -> Response {
        // Decoded line by line as the body arrives: never held whole, refused with 413 past the limit.
        let (events, lines) = try await NativeEventStream.decode(
            request, limit: dependencies.configuration.maxEventBytes).result
        guard !events.isEmpty else {
            throw APIError.invalid("The request holds no events: send one JSON event per line (docs/event-format.md).")
        }
        // A client that retries a batch sends the same key each time; the store applies the batch once.
        let key = request.headers.first { $0.name.canonicalName == "idempotency-key" }?.value
        if let key, key.isEmpty || key.count > KeyedBatch.maximumKeyLength {
            throw APIError.invalid(
                "The Idempotency-Key header must hold 1 to \(KeyedBatch.maximumKeyLength) characters, such as a UUID.")
        }
        let summary: IngestSummary
        do {
            summary = try await dependencies.write(events, key: key)
        } catch let error as IngestError {
            let line = error.eventIndex < lines.count ? lines[error.eventIndex] : nil
            let answer = APIError.from(error) ?? .invalid(error.message)
            throw NativeIngestError(
                line: line, field: error.field,
                apiError: APIError(
                    answer.status, answer.code,
                    "line \(line.map(String.init) ?? "?"): \(error.message). Nothing from the request was stored."))
        }
        return try JSONBody.response(summary)
    }

    /// `GET /runs`: the runs matching the same filters as `provkit runs`.
    func runs(_ request: Request, context: Context) async throws -> Response {
        let query = request.query
        func conditions(_ name: String) throws -> [KeyCondition] {
            try query.all(name).map { text in
                guard let condition = KeyCondition(parsing: text) else {
                    throw APIError.invalid("'\(text)' is not KEY<op>VALUE (op: = != < <= > >=), as in lr>=0.01")
                }
                return condition
            }
        }
        var filter = RunFilter(
            experiments: query.all("experiment"), parameters: try conditions("param"),
            metrics: try conditions("metric"), tags: try conditions("tag"), terms: query.all("term"))
        for status in query.all("status") {
            guard let parsed = RunStatus(rawValue: status) else {
                throw APIError.invalid(
                    "unknown status '\(status)'; expected one of \(RunStatus.allCases.map(\.rawValue).joined(separator: ", "))"
                )
            }
            filter.statuses.append(parsed)
        }
        for kind in query.all("kind") {
            guard let parsed = RunKind(rawValue: kind) else {
                throw APIError.invalid(
                    "unknown kind '\(kind)'; expected one of \(RunKind.allCases.map(\.rawValue).joined(separator: ", "))"
                )
            }
            filter.kinds.append(parsed)
        }
        if let parent = query["parent"] {
            guard let id = ProvID(hex: parent) else { throw APIError.invalid("parent '\(parent)' is not a run id") }
            filter.parent = id
        }
        if let limit = query["limit"] {
            guard let value = Int(limit), value >= 0 else { throw APIError.invalid("limit must be a whole number ≥ 0") }
            filter.limit = value
        }
        return try JSONBody.response(try await store.runs(matching: filter))
    }

    /// `GET /runs/{id}`: everything the store knows about one run (an id or a unique prefix).
    func run(_ request: Request, context: Context) async throws -> Response {
        let node = try await resolve(context.parameters.get("id") ?? "")
        guard node.type == .run, let detail = try await store.runDetail(node.id) else {
            throw APIError.notFound("\(node.id.hex) is a \(node.type.rawValue), not a run")
        }
        return try JSONBody.response(detail)
    }

    /// `GET /lineage/{id}?direction=up|down|both&depth=N`.
    func lineage(_ request: Request, context: Context) async throws -> Response {
        let query = request.query
        let node = try await resolve(context.parameters.get("id") ?? "")
        let directionText = query["direction"] ?? "both"
        guard let direction = LineageDirection(rawValue: directionText) else {
            throw APIError.invalid("direction must be up, down or both, not '\(directionText)'")
        }
        let depthText = query["depth"] ?? "10"
        guard let depth = Int(depthText) else {
            throw APIError.invalid("depth must be a whole number, not '\(depthText)'")
        }
        return try JSONBody.response(try await store.lineage(of: node.id, direction: direction, depth: depth))
    }

    /// `GET /taxonomy`: the taxonomy keys are classified with, in the JSON form of `docs/taxonomy.json`.
    func taxonomy(_ request: Request, context: Context) async throws -> Response {
        JSONResponse.make(text: Taxonomy.standard.jsonDocument())
    }

    /// The one node a reference names (an id, a unique id prefix, or a name), or 404 / 400.
    func resolve(_ reference: String) async throws -> NodeSummary {
        let matches = try await store.resolve(reference)
        guard let first = matches.first else { throw APIError.notFound("No node matches '\(reference)'") }
        guard matches.count == 1 else {
            throw APIError.invalid(
                "'\(reference)' matches \(matches.count) nodes; give more of the id (\(matches.prefix(3).map(\.id.hex).joined(separator: ", ")), …)"
            )
        }
        return first
    }
}
