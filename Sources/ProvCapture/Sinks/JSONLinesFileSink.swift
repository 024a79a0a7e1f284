public import ProvModel
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Appends events to a JSON Lines file in the native format (which `provkit ingest` reads).
///
/// Each batch is written with one `write` call per 1 MiB and made durable with `fsync` before ``ingest(_:)``
/// returns. The file is opened for appending, so several sessions may write one after another.
public final class JSONLinesFileSink: ProvenanceEventSink {
    private let descriptor: Mutex<Int32>
    /// The file written.
    public let path: String

    /// Opens (creating if needed) the file at `path` for appending.
    /// - Throws: ``CaptureError`` when it cannot be opened.
    public init(path: String) throws {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw CaptureError("cannot open \(path) for writing: \(String(cString: strerror(errno)))")
        }
        self.path = path
        self.descriptor = Mutex(descriptor)
    }

    deinit {
        descriptor.withLock { descriptor in
            if descriptor >= 0 { close(descriptor) }
        }
    }

    public func ingest(_ events: [ProvEvent]) async throws {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(events.count * 192)
        for event in events {
            EventCodec.appendLine(event, to: &bytes)
        }
        let path = self.path
        try descriptor.withLock { descriptor in
            var offset = 0
            while offset < bytes.count {
                let written = bytes.withUnsafeMutableBytes { buffer in
                    write(descriptor, buffer.baseAddress! + offset, min(buffer.count - offset, 1 << 20))
                }
                if written < 0 {
                    if errno == EINTR { continue }
                    throw CaptureError("cannot write to \(path): \(String(cString: strerror(errno)))")
                }
                offset += written
            }
            bytes.removeAll()
            guard fsync(descriptor) == 0 else {
                throw CaptureError("cannot flush \(path) to disk: \(String(cString: strerror(errno)))")
            }
        }
    }
}

/// Keeps events in memory: for tests and for programs that inspect what they recorded.
public final class InMemoryEventSink: ProvenanceEventSink {
    private let storage = Mutex<[ProvEvent]>([])

    public init() {}

    /// Everything delivered so far, in order.
    public var events: [ProvEvent] { storage.withLock { $0 } }

    public func ingest(_ events: [ProvEvent]) async throws {
        storage.withLock { $0 += events }
    }
}
