import Foundation
public import ProvModel

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Sends events to a ProvKit server's native API: `POST <server>/api/provkit/v1/events` with a JSON Lines body.
///
/// The server stores each request all or nothing. A failed request (no answer, or a 5xx) is retried with doubling
/// waits; a 4xx means the batch itself is wrong and is not retried. Every attempt of a batch carries the same
/// `Idempotency-Key` (a fresh UUID per batch), so a batch retried after a lost reply is stored exactly once, through
/// whichever server on the same store answers; event ids and the store's identity rules make re-sent events harmless
/// as well.
public struct HTTPEventSink: ProvenanceEventSink {
    /// The server's base URL, such as `http://127.0.0.1:5000`.
    public var server: URL
    /// A bearer token (`provkit serve --auth-token`), if the server wants one.
    public var token: String?
    /// Attempts per batch before giving up. Default 5.
    public var attempts: Int = 5
    /// The first wait between attempts; it doubles each time. Default 200 ms.
    public var initialBackoff: Duration = .milliseconds(200)

    public init(server: URL, token: String? = nil) {
        self.server = server
        self.token = token
    }

    public func ingest(_ events: [ProvEvent]) async throws {
        guard !events.isEmpty else { return }
        var body: [UInt8] = []
        body.reserveCapacity(events.count * 192)
        for event in events {
            EventCodec.appendLine(event, to: &body)
        }
        var request = URLRequest(url: server.appendingPathComponent("api/provkit/v1/events"))
        request.httpMethod = "POST"
        request.setValue("application/x-ndjson", forHTTPHeaderField: "Content-Type")
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        request.setValue(UUID().uuidString.lowercased(), forHTTPHeaderField: "Idempotency-Key")
        request.httpBody = Data(body)
        var wait = initialBackoff
        var lastError = ""
        for attempt in 1...max(1, attempts) {
            do {
                let (data, response) = try await URLSession.shared.data(for: request)
                let status = (response as? HTTPURLResponse)?.statusCode ?? 0
                if (200..<300).contains(status) { return }
                let message = String(decoding: data.prefix(2000), as: UTF8.self)
                if (400..<500).contains(status) {
                    throw CaptureError("the server refused the events (HTTP \(status)): \(message)")
                }
                lastError = "HTTP \(status): \(message)"
            } catch let error as CaptureError {
                throw error
            } catch {
                lastError = error.localizedDescription
            }
            if attempt < attempts {
                try await Task.sleep(for: wait)
                wait *= 2
            }
        }
        throw CaptureError("cannot deliver events to \(server.absoluteString) after \(attempts) attempts: \(lastError)")
    }
}
