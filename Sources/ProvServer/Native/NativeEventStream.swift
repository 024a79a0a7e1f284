import Hummingbird
import NIOCore
import ProvModel

/// Decodes a native upload (JSON Lines, `docs/event-format.md`) line by line as its body arrives, so that the server
/// never holds the body as a whole, nor a copy of it as text: only the line being read and the decoded events.
///
/// A body over the limit is refused with 413 as soon as it passes it (by `Content-Length` before anything is read);
/// a line that is not a valid event is refused at once with its 1-based number, without reading further.
struct NativeEventStream {
    /// The decoded events, and for each its 1-based line in the body.
    var events: [ProvEvent] = []
    var lines: [Int] = []
    /// The events and their lines.
    var result: (events: [ProvEvent], lines: [Int]) { (events, lines) }
    /// Lines seen so far, blank ones included.
    private var lineCount = 0

    /// Reads and decodes `request`'s body, at most `limit` bytes.
    /// - Throws: 413 ``APIError`` over the limit; ``NativeIngestError`` for the first line that is not a valid event.
    static func decode(_ request: Request, limit: Int) async throws -> NativeEventStream {
        try request.checkDeclaredLength(limit: limit)
        var stream = NativeEventStream()
        var pending = ByteBuffer()
        var received = 0
        for try await chunk in request.body {
            received += chunk.readableBytes
            guard received <= limit else { throw APIError.tooLarge(limit: limit) }
            var rest = chunk
            while let newline = rest.readableBytesView.firstIndex(of: UInt8(ascii: "\n")) {
                let length = newline - rest.readerIndex
                if pending.readableBytes == 0 {
                    try stream.decode(line: rest.readableBytesView.prefix(length))
                } else {
                    pending.writeBytes(rest.readableBytesView.prefix(length))
                    try stream.decode(line: pending.readableBytesView)
                    pending.clear()
                }
                rest.moveReaderIndex(forwardBy: length + 1)
            }
            pending.writeBuffer(&rest)
        }
        if pending.readableBytes > 0 { try stream.decode(line: pending.readableBytesView) }
        return stream
    }

    /// Decodes one line (without its `\n`; a trailing `\r` is ignored); a blank line is skipped.
    private mutating func decode(line bytes: ByteBufferView) throws {
        lineCount += 1
        let text = String(decoding: bytes, as: UTF8.self)
        let line = text.hasSuffix("\r") ? Substring(text.dropLast()) : Substring(text)
        if line.allSatisfy(\.isWhitespace) { return }
        do {
            events.append(try EventCodec.decode(line: line))
            lines.append(lineCount)
        } catch {
            throw NativeIngestError(
                line: lineCount, field: error.field,
                apiError: .invalid("line \(lineCount): \(error.description). Nothing from the request was stored."))
        }
    }
}
