extension EventCodec {
    /// Appends one event as a line of the native format (keys sorted, then a newline) to `bytes`.
    ///
    /// This is the capture hot path's encoder: it writes bytes directly, without building dictionaries, and gives
    /// exactly the text of ``encode(_:)`` (which it backs).
    public static func appendLine(_ event: ProvEvent, to bytes: inout [UInt8]) {
        var writer = JSONObjectWriter(bytes: bytes)
        bytes = []  // let the writer own the buffer (no copy on write)
        switch event {
        case .experiment(let record):
            writer.string("description", record.description)
            writer.string("id", record.id)
            writer.string("name", record.name)
            writer.time("time", record.createdAt)
        case .runStart(let record):
            writer.string("experiment", record.experiment)
            writer.string("id", record.id)
            writer.string("kind", record.kind.rawValue)
            writer.string("name", record.name)
            writer.string("parent", record.parent)
            writer.string("status", record.status.rawValue)
            writer.time("time", record.startedAt)
        case .runEnd(let record):
            writer.string("id", record.run)
            writer.string("status", record.status.rawValue)
            writer.time("time", record.endedAt)
        case .entity(let record):
            writer.object("attributes", record.attributes)
            writer.string("digest", record.digest)
            writer.string("id", record.id)
            writer.string("kind", record.kind.rawValue)
            writer.string("location", record.location)
            writer.string("name", record.name)
            writer.integer("size", record.sizeBytes)
            writer.time("time", record.createdAt)
        case .agent(let record):
            writer.object("attributes", record.attributes)
            writer.string("id", record.id)
            writer.string("kind", record.kind.rawValue)
            writer.string("name", record.name)
        case .relation(let record):
            writer.object("attributes", record.attributes)
            writer.string("object", record.object)
            writer.string("relation", record.kind.rawValue)
            writer.string("subject", record.subject)
            writer.time("time", record.time)
        case .parameter(let record):
            writer.string("key", record.key)
            writer.string("run", record.run)
            writer.string("type", "parameter")
            writer.string("value", record.value)
            bytes = writer.finish(typeAlreadyWritten: true)
            return
        case .tag(let record):
            if record.targetType == .experiment { writer.string("experiment", record.target) }
            writer.string("key", record.key)
            if record.targetType == .run { writer.string("run", record.target) }
            writer.string("type", "tag")
            writer.string("value", record.value)
            bytes = writer.finish(typeAlreadyWritten: true)
            return
        case .metric(let point):
            writer.string("dataset_digest", point.dataset?.digest)
            writer.string("dataset_name", point.dataset?.name)
            writer.number("epoch", point.epoch)
            writer.string("key", point.key)
            writer.string("model", point.model)
            writer.string("run", point.run)
            writer.integer("step", point.step)
            writer.time("time", point.time)
            writer.string("type", "metric")
            writer.number("value", point.value)
            bytes = writer.finish(typeAlreadyWritten: true)
            return
        case .telemetry(let sample):
            writer.string("phase", sample.phase.rawValue)
            writer.string("run", sample.run)
            writer.time("time", sample.time)
            writer.string("type", "telemetry")
            writer.object("values", sample.values.mapValues { .number($0) }, always: true)
            bytes = writer.finish(typeAlreadyWritten: true)
            return
        case .runUpdate(let update):
            writer.string("id", update.run)
            writer.string("name", update.name)
            writer.string("parent", update.parent)
            writer.string("status", update.status?.rawValue)
            writer.time("time", update.endedAt)
        case .tagDelete(let deletion):
            if deletion.targetType == .experiment { writer.string("experiment", deletion.target) }
            writer.string("key", deletion.key)
            if deletion.targetType == .run { writer.string("run", deletion.target) }
        case .lifecycle(let change):
            if change.targetType == .experiment { writer.string("experiment", change.target) }
            if change.targetType == .run { writer.string("run", change.target) }
            writer.string("stage", change.stage.rawValue)
            writer.time("time", change.time)
        case .architecture(let record):
            writer.raw(
                "layers",
                JSONValue.array(
                    record.layers.map { layer in
                        var members = layer.hyperparameters
                        members["type"] = .string(layer.type)
                        return .object(members)
                    }
                ).jsonText)
            writer.string("model", record.model)
            writer.string("run", record.run)
        }
        writer.string("type", event.typeName)
        bytes = writer.finish(typeAlreadyWritten: true)
    }
}

/// Writes one JSON object's members, in the order given, into a byte buffer.
struct JSONObjectWriter {
    private var bytes: [UInt8]
    private var first = true

    init(bytes: [UInt8]) {
        self.bytes = bytes
        self.bytes.append(UInt8(ascii: "{"))
    }

    private mutating func key(_ name: StaticString) {
        if !first { bytes.append(UInt8(ascii: ",")) }
        first = false
        bytes.append(UInt8(ascii: "\""))
        name.withUTF8Buffer { bytes.append(contentsOf: $0) }
        bytes.append(contentsOf: [UInt8(ascii: "\""), UInt8(ascii: ":")])
    }

    mutating func string(_ name: StaticString, _ value: String?) {
        guard let value else { return }
        key(name)
        appendQuoted(value)
    }

    mutating func string(_ name: StaticString, _ value: ProvID?) {
        guard let value else { return }
        key(name)
        bytes.append(UInt8(ascii: "\""))
        value.appendHex(to: &bytes)
        bytes.append(UInt8(ascii: "\""))
    }

    mutating func time(_ name: StaticString, _ value: ProvTime?) {
        guard let value else { return }
        key(name)
        bytes.append(UInt8(ascii: "\""))
        value.appendISO8601(to: &bytes)
        bytes.append(UInt8(ascii: "\""))
    }

    mutating func integer(_ name: StaticString, _ value: Int64?) {
        guard let value else { return }
        key(name)
        appendInteger(value)
    }

    mutating func number(_ name: StaticString, _ value: Double?) {
        guard let value else { return }
        key(name)
        if value.isNaN {
            appendQuoted("NaN")
        } else if value.isInfinite {
            appendQuoted(value > 0 ? "Infinity" : "-Infinity")
        } else if value == value.rounded(), abs(value) < 1e15, let whole = Int64(exactly: value) {
            appendInteger(whole)
        } else {
            bytes.append(contentsOf: String(value).utf8)
        }
    }

    mutating func object(_ name: StaticString, _ members: [String: JSONValue], always: Bool = false) {
        guard always || !members.isEmpty else { return }
        raw(name, JSONValue.object(members).jsonText)
    }

    mutating func raw(_ name: StaticString, _ json: String) {
        key(name)
        bytes.append(contentsOf: json.utf8)
    }

    mutating func finish(typeAlreadyWritten: Bool) -> [UInt8] {
        bytes.append(UInt8(ascii: "}"))
        bytes.append(UInt8(ascii: "\n"))
        return bytes
    }

    private mutating func appendInteger(_ value: Int64) {
        if value >= 0 && value < 10 {
            bytes.append(UInt8(ascii: "0") + UInt8(value))
            return
        }
        bytes.append(contentsOf: String(value).utf8)
    }

    private mutating func appendQuoted(_ text: String) {
        JSONValue.appendQuoted(text, to: &bytes)
    }
}

extension JSONValue {
    /// Appends `text` as a quoted, escaped JSON string to a byte buffer (the byte-level twin of
    /// ``writeQuoted(_:to:)``).
    public static func appendQuoted(_ text: String, to bytes: inout [UInt8]) {
        bytes.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
            case UInt8(ascii: "\\"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
            case UInt8(ascii: "\n"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
            case UInt8(ascii: "\r"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
            case UInt8(ascii: "\t"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
            case 0..<0x20:
                bytes.append(contentsOf: [
                    UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"),
                    ProvID.hexDigit(byte >> 4), ProvID.hexDigit(byte & 0xF),
                ])
            default: bytes.append(byte)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }
}

extension ProvID {
    /// Appends the 32 lowercase hexadecimal characters to `bytes`.
    public func appendHex(to bytes: inout [UInt8]) {
        for shift in stride(from: 60, through: 0, by: -4) {
            bytes.append(Self.hexDigit(UInt8((high >> UInt64(shift)) & 0xF)))
        }
        for shift in stride(from: 60, through: 0, by: -4) {
            bytes.append(Self.hexDigit(UInt8((low >> UInt64(shift)) & 0xF)))
        }
    }

    @inline(__always)
    static func hexDigit(_ value: UInt8) -> UInt8 {
        value < 10 ? UInt8(ascii: "0") + value : UInt8(ascii: "a") + value - 10
    }
}

extension ProvTime {
    /// Appends the time in the form of ``iso8601`` (`2021-02-15T13:55:26.539263Z`) to `bytes`.
    public func appendISO8601(to bytes: inout [UInt8]) {
        let (days, microsOfDay) = Self.floorDivide(microsecondsSinceEpoch, 86_400_000_000)
        let (year, month, day) = Self.civilDate(fromDaysSinceEpoch: days)
        let seconds = microsOfDay / 1_000_000
        let micros = microsOfDay % 1_000_000
        func digits(_ value: Int64, _ width: Int) {
            if width > 0, value >= 0 {
                var divisor: Int64 = 1
                for _ in 1..<width { divisor *= 10 }
                if value < divisor * 10 {
                    var remaining = value
                    var current = divisor
                    while current > 0 {
                        bytes.append(UInt8(ascii: "0") + UInt8(remaining / current))
                        remaining %= current
                        current /= 10
                    }
                    return
                }
            }
            bytes.append(contentsOf: String(value).utf8)
        }
        digits(year, 4)
        bytes.append(UInt8(ascii: "-"))
        digits(month, 2)
        bytes.append(UInt8(ascii: "-"))
        digits(day, 2)
        bytes.append(UInt8(ascii: "T"))
        digits(seconds / 3600, 2)
        bytes.append(UInt8(ascii: ":"))
        digits(seconds / 60 % 60, 2)
        bytes.append(UInt8(ascii: ":"))
        digits(seconds % 60, 2)
        bytes.append(UInt8(ascii: "."))
        digits(micros, 6)
        bytes.append(UInt8(ascii: "Z"))
    }
}
