import Foundation

/// What is wrong with one event of the native format: the field at fault (when one is) and what to fix.
public struct EventFormatError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The dotted path of the offending field, such as `run` or `layers[2].type`; `nil` for the line as a whole.
    public var field: String?
    /// What is wrong, phrased so the user knows what to fix.
    public var message: String

    public init(field: String?, message: String) {
        self.field = field
        self.message = message
    }

    public var description: String {
        if let field { "field '\(field)': \(message)" } else { message }
    }
}

/// Reads and writes events in the native JSON Lines format (one JSON object per line).
public enum EventCodec {
    /// Decodes one line of the native format.
    /// - Throws: ``EventFormatError`` naming the field at fault.
    public static func decode(line: some StringProtocol) throws(EventFormatError) -> ProvEvent {
        let value: JSONValue
        do {
            value = try JSONDecoder().decode(JSONValue.self, from: Data(line.utf8))
        } catch {
            throw EventFormatError(field: nil, message: "not valid JSON (\(Self.describe(error)))")
        }
        guard case .object(let object) = value else {
            throw EventFormatError(field: nil, message: "expected a JSON object, found \(value.typeName)")
        }
        return try decode(object: object)
    }

    /// A line of a JSON Lines text that is not a valid event: its 1-based number and what is wrong with it.
    public struct LineError: Error, Hashable, Sendable, CustomStringConvertible {
        public var line: Int
        public var error: EventFormatError

        public var description: String { "line \(line): \(error)" }
    }

    /// Decodes every non-blank line of a JSON Lines text (a trailing `\r` is ignored).
    /// - Returns: the events, and for each its 1-based line number.
    /// - Throws: ``LineError`` for the first line that is not a valid event.
    public static func decode(lines text: some StringProtocol) throws(LineError) -> (events: [ProvEvent], lines: [Int])
    {
        var events: [ProvEvent] = []
        var numbers: [Int] = []
        var number = 0
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            number += 1
            let trimmed = line.hasSuffix("\r") ? line.dropLast() : line
            if trimmed.allSatisfy(\.isWhitespace) { continue }
            do {
                events.append(try decode(line: trimmed))
                numbers.append(number)
            } catch {
                throw LineError(line: number, error: error)
            }
        }
        return (events, numbers)
    }

    /// Decodes one event from an already-parsed JSON object.
    /// - Throws: ``EventFormatError`` naming the field at fault.
    public static func decode(object: [String: JSONValue]) throws(EventFormatError) -> ProvEvent {
        let fields = FieldReader(object)
        let type = try fields.string("type")
        switch type {
        case "experiment":
            try fields.allow(["type", "id", "name", "description", "time"])
            return .experiment(
                ExperimentRecord(
                    id: try fields.id("id"), name: try fields.nonEmptyString("name"),
                    description: try fields.optionalString("description"), createdAt: try fields.optionalTime("time")
                ))
        case "run_start":
            try fields.allow(["type", "id", "experiment", "parent", "kind", "name", "time", "status"])
            return .runStart(
                RunStart(
                    id: try fields.id("id"), experiment: try fields.id("experiment"),
                    parent: try fields.optionalID("parent"), kind: try fields.optionalEnum("kind", RunKind.self),
                    name: try fields.optionalString("name"), startedAt: try fields.time("time"),
                    status: try fields.optionalEnum("status", RunStatus.self) ?? .running
                ))
        case "run_end":
            try fields.allow(["type", "id", "status", "time"])
            return .runEnd(
                RunEnd(
                    run: try fields.id("id"), status: try fields.enumValue("status", RunStatus.self),
                    endedAt: try fields.optionalTime("time")))
        case "entity":
            try fields.allow(["type", "id", "kind", "name", "location", "digest", "size", "time", "attributes"])
            return .entity(
                EntityRecord(
                    id: try fields.id("id"), kind: try fields.enumValue("kind", EntityKind.self),
                    name: try fields.optionalString("name"), location: try fields.optionalString("location"),
                    digest: try fields.optionalDigest("digest"), sizeBytes: try fields.optionalInteger("size"),
                    createdAt: try fields.optionalTime("time"), attributes: try fields.attributes("attributes")
                ))
        case "agent":
            try fields.allow(["type", "id", "kind", "name", "attributes"])
            return .agent(
                AgentRecord(
                    id: try fields.id("id"), kind: try fields.enumValue("kind", AgentKind.self),
                    name: try fields.nonEmptyString("name"), attributes: try fields.attributes("attributes")))
        case "relation":
            try fields.allow(["type", "relation", "subject", "object", "time", "attributes"])
            return .relation(
                RelationRecord(
                    try fields.enumValue("relation", RelationKind.self), subject: try fields.id("subject"),
                    object: try fields.id("object"), time: try fields.optionalTime("time"),
                    attributes: try fields.attributes("attributes")))
        case "parameter":
            try fields.allow(["type", "run", "key", "value"])
            return .parameter(
                ParameterRecord(
                    run: try fields.id("run"), key: try fields.key("key"), value: try fields.scalarText("value")))
        case "tag":
            try fields.allow(["type", "run", "experiment", "key", "value"])
            let run = try fields.optionalID("run")
            let experiment = try fields.optionalID("experiment")
            guard (run == nil) != (experiment == nil), let target = run ?? experiment else {
                throw EventFormatError(field: "run", message: "a tag needs exactly one of 'run' or 'experiment'")
            }
            return .tag(
                TagRecord(
                    target: target, targetType: run != nil ? .run : .experiment,
                    key: try fields.key("key"), value: try fields.scalarText("value")))
        case "metric":
            try fields.allow(
                ["type", "run", "key", "value", "step", "time", "epoch", "model", "dataset_name", "dataset_digest"])
            let model = try fields.optionalID("model")
            let datasetName = try fields.optionalString("dataset_name")
            let datasetDigest = try fields.optionalString("dataset_digest")
            var dataset: MetricDataset? = nil
            if datasetName != nil || datasetDigest != nil {
                guard model != nil else {
                    throw EventFormatError(field: "dataset_name", message: "a metric's dataset needs its 'model'")
                }
                guard let datasetName, let datasetDigest else {
                    throw EventFormatError(
                        field: datasetName == nil ? "dataset_name" : "dataset_digest",
                        message: "'dataset_name' and 'dataset_digest' go together")
                }
                dataset = MetricDataset(name: datasetName, digest: datasetDigest)
            }
            return .metric(
                MetricPoint(
                    run: try fields.id("run"), key: try fields.key("key"), value: try fields.metricValue("value"),
                    step: try fields.optionalInteger("step") ?? 0, time: try fields.optionalTime("time"),
                    epoch: try fields.optionalNumber("epoch"), model: model, dataset: dataset))
        case "telemetry":
            try fields.allow(["type", "run", "time", "phase", "values"])
            return .telemetry(
                TelemetrySample(
                    run: try fields.id("run"), time: try fields.time("time"),
                    phase: try fields.optionalEnum("phase", TelemetryPhase.self) ?? .periodic,
                    values: try fields.readings("values")))
        case "architecture":
            try fields.allow(["type", "run", "model", "layers"])
            return .architecture(
                ArchitectureRecord(
                    run: try fields.id("run"), model: try fields.optionalID("model"),
                    layers: try fields.layers("layers")))
        case "run_update":
            try fields.allow(["type", "id", "name", "status", "time", "parent"])
            let update = RunUpdate(
                run: try fields.id("id"), name: try fields.optionalString("name"),
                status: try fields.optionalEnum("status", RunStatus.self), endedAt: try fields.optionalTime("time"),
                parent: try fields.optionalID("parent"))
            guard update.name != nil || update.status != nil || update.endedAt != nil || update.parent != nil else {
                throw EventFormatError(
                    field: nil, message: "a run_update changes nothing; give at least one of name, status, time, parent"
                )
            }
            return .runUpdate(update)
        case "tag_delete":
            try fields.allow(["type", "run", "experiment", "key"])
            let (target, targetType) = try fields.runOrExperiment(what: "a tag_delete")
            return .tagDelete(TagDeletion(target: target, targetType: targetType, key: try fields.key("key")))
        case "lifecycle":
            try fields.allow(["type", "run", "experiment", "stage", "time"])
            let (target, targetType) = try fields.runOrExperiment(what: "a lifecycle event")
            return .lifecycle(
                LifecycleChange(
                    target: target, targetType: targetType, stage: try fields.enumValue("stage", LifecycleStage.self),
                    time: try fields.optionalTime("time")))
        default:
            throw EventFormatError(
                field: "type",
                message: "unknown event type '\(type)'; expected one of \(ProvEvent.typeNames.joined(separator: ", "))")
        }
    }

    /// Encodes one event as a single line of the native format (no trailing newline), keys sorted.
    public static func encode(_ event: ProvEvent) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(192)
        appendLine(event, to: &bytes)
        bytes.removeLast()  // the newline
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func describe(_ error: any Error) -> String {
        if case DecodingError.dataCorrupted(let context) = error {
            if let underlying = context.underlyingError as NSError?,
                let detail = underlying.userInfo[NSDebugDescriptionErrorKey] as? String
            {
                return detail
            }
            return context.debugDescription
        }
        return String(describing: error)
    }
}

/// Reads typed fields out of a JSON object, throwing errors that name the field.
struct FieldReader {
    let object: [String: JSONValue]
    let prefix: String

    init(_ object: [String: JSONValue], prefix: String = "") {
        self.object = object
        self.prefix = prefix
    }

    func path(_ key: String) -> String { prefix + key }

    func missing(_ key: String, _ expected: String) -> EventFormatError {
        EventFormatError(field: path(key), message: "is required (\(expected))")
    }

    func mistyped(_ key: String, _ expected: String, _ found: JSONValue) -> EventFormatError {
        EventFormatError(field: path(key), message: "expected \(expected), found \(found.typeName)")
    }

    func allow(_ keys: Set<String>) throws(EventFormatError) {
        for key in object.keys.sorted() where !keys.contains(key) {
            throw EventFormatError(
                field: path(key),
                message: "is not a field of this event; allowed: \(keys.sorted().joined(separator: ", "))")
        }
    }

    func optionalString(_ key: String) throws(EventFormatError) -> String? {
        switch object[key] {
        case nil, .null?: return nil
        case .string(let value)?: return value
        case let other?: throw mistyped(key, "a string", other)
        }
    }

    func string(_ key: String) throws(EventFormatError) -> String {
        guard let value = try optionalString(key) else { throw missing(key, "a string") }
        return value
    }

    func nonEmptyString(_ key: String) throws(EventFormatError) -> String {
        let value = try string(key)
        guard !value.isEmpty else { throw EventFormatError(field: path(key), message: "must not be empty") }
        return value
    }

    func key(_ key: String) throws(EventFormatError) -> String {
        let value = try nonEmptyString(key)
        guard value.utf8.count <= 250 else {
            throw EventFormatError(field: path(key), message: "is longer than 250 bytes")
        }
        return value
    }

    func optionalID(_ key: String) throws(EventFormatError) -> ProvID? {
        guard let text = try optionalString(key) else {
            if let value = object[key], value != .null { throw mistyped(key, "a 32-character hexadecimal id", value) }
            return nil
        }
        guard let id = ProvID(hex: text) else {
            throw EventFormatError(
                field: path(key), message: "'\(text.prefix(40))' is not a 32-character hexadecimal id")
        }
        return id
    }

    func id(_ key: String) throws(EventFormatError) -> ProvID {
        guard let id = try optionalID(key) else { throw missing(key, "a 32-character hexadecimal id") }
        return id
    }

    /// The target of an event that names exactly one of `run` or `experiment`.
    func runOrExperiment(what: String) throws(EventFormatError) -> (ProvID, TagTarget) {
        let run = try optionalID("run")
        let experiment = try optionalID("experiment")
        if let run, experiment == nil { return (run, .run) }
        if let experiment, run == nil { return (experiment, .experiment) }
        throw EventFormatError(field: path("run"), message: "\(what) needs exactly one of 'run' or 'experiment'")
    }

    func optionalTime(_ key: String) throws(EventFormatError) -> ProvTime? {
        guard let text = try optionalString(key) else { return nil }
        guard let time = ProvTime(iso8601: text) else {
            throw EventFormatError(
                field: path(key),
                message: "'\(text.prefix(40))' is not an ISO 8601 date-time such as 2024-05-01T12:00:00Z")
        }
        return time
    }

    func time(_ key: String) throws(EventFormatError) -> ProvTime {
        guard let value = try optionalTime(key) else { throw missing(key, "an ISO 8601 date-time") }
        return value
    }

    func optionalEnum<Value: RawRepresentable & CaseIterable>(
        _ key: String, _ type: Value.Type
    )
        throws(EventFormatError) -> Value? where Value.RawValue == String
    {
        guard let text = try optionalString(key) else { return nil }
        guard let value = Value(rawValue: text) else {
            let names = Value.allCases.map(\.rawValue).joined(separator: ", ")
            throw EventFormatError(field: path(key), message: "unknown value '\(text)'; expected one of \(names)")
        }
        return value
    }

    func enumValue<Value: RawRepresentable & CaseIterable>(
        _ key: String, _ type: Value.Type
    )
        throws(EventFormatError) -> Value where Value.RawValue == String
    {
        guard let value = try optionalEnum(key, type) else {
            throw missing(key, "one of " + Value.allCases.map(\.rawValue).joined(separator: ", "))
        }
        return value
    }

    func optionalNumber(_ key: String) throws(EventFormatError) -> Double? {
        switch object[key] {
        case nil, .null?: return nil
        case .number(let value)?: return value
        case let other?: throw mistyped(key, "a number", other)
        }
    }

    func optionalInteger(_ key: String) throws(EventFormatError) -> Int64? {
        guard let value = try optionalNumber(key) else { return nil }
        guard abs(value) <= Double.maximumExactInteger, let whole = Int64(exactly: value) else {
            throw EventFormatError(
                field: path(key),
                message: "expected a whole number between -9007199254740991 and 9007199254740991, found \(value)")
        }
        return whole
    }

    /// A metric value: a number, or one of the strings MLflow uses for non-finite values.
    func metricValue(_ key: String) throws(EventFormatError) -> Double {
        switch object[key] {
        case nil, .null?: throw missing(key, "a number")
        case .number(let value)?: return value
        case .string("NaN")?: return .nan
        case .string("Infinity")?: return .infinity
        case .string("-Infinity")?: return -.infinity
        case let other?: throw mistyped(key, "a number (or \"NaN\", \"Infinity\", \"-Infinity\")", other)
        }
    }

    /// A parameter or tag value: a string, or a number or boolean taken as its text.
    func scalarText(_ key: String) throws(EventFormatError) -> String {
        switch object[key] {
        case nil, .null?: throw missing(key, "a string")
        case .string(let value)?: return value
        case .number(let value)?: return JSONValue.format(number: value)
        case .bool(let value)?: return String(value)
        case let other?: throw mistyped(key, "a string, number or boolean", other)
        }
    }

    func optionalDigest(_ key: String) throws(EventFormatError) -> String? {
        guard let text = try optionalString(key) else { return nil }
        let parts = text.split(separator: ":", maxSplits: 1)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty, parts[1].allSatisfy(\.isHexDigit) else {
            throw EventFormatError(field: path(key), message: "expected 'algorithm:hex', such as 'sha256:9f86d0…'")
        }
        return parts[0].lowercased() + ":" + parts[1].lowercased()
    }

    func attributes(_ key: String) throws(EventFormatError) -> [String: JSONValue] {
        switch object[key] {
        case nil, .null?: return [:]
        case .object(let members)?: return members
        case let other?: throw mistyped(key, "an object", other)
        }
    }

    func readings(_ key: String) throws(EventFormatError) -> [String: Double] {
        guard let members = try optionalObject(key) else { throw missing(key, "an object of numbers") }
        var readings: [String: Double] = [:]
        for (name, value) in members {
            guard case .number(let number) = value else {
                throw mistyped(key + "." + name, "a number (omit readings that could not be taken)", value)
            }
            readings[name] = number
        }
        return readings
    }

    func optionalObject(_ key: String) throws(EventFormatError) -> [String: JSONValue]? {
        switch object[key] {
        case nil, .null?: return nil
        case .object(let members)?: return members
        case let other?: throw mistyped(key, "an object", other)
        }
    }

    func layers(_ key: String) throws(EventFormatError) -> [ArchitectureLayer] {
        guard case .array(let items)? = object[key] else {
            if let value = object[key], value != .null { throw mistyped(key, "an array of layers", value) }
            throw missing(key, "an array of layers")
        }
        var layers: [ArchitectureLayer] = []
        for (index, item) in items.enumerated() {
            guard case .object(var members) = item else {
                throw mistyped("\(key)[\(index)]", "an object", item)
            }
            let reader = FieldReader(members, prefix: path("\(key)[\(index)]."))
            let type = try reader.nonEmptyString("type")
            members["type"] = nil
            layers.append(ArchitectureLayer(type: type, hyperparameters: members))
        }
        return layers
    }
}
