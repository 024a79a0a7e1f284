/// Why an ingest was refused. Nothing of the batch was stored.
public struct IngestError: Error, Hashable, Sendable, CustomStringConvertible {
    /// Why the event was refused, for callers that answer differently (the MLflow API answers an unknown run with
    /// 404 and a changed parameter with 400). A struct over a private enum, so that new codes can be added.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Backing: Hashable, Sendable {
            case invalid, unknownReference, duplicateName, immutableValue, inactiveTarget
        }
        private let backing: Backing
        /// The event breaks a rule of the format or the graph (the default).
        public static let invalid = Code(backing: .invalid)
        /// The event refers to a node that is neither held nor defined earlier in the batch.
        public static let unknownReference = Code(backing: .unknownReference)
        /// The event gives an experiment a name another experiment has.
        public static let duplicateName = Code(backing: .duplicateName)
        /// The event changes a value that cannot change (a parameter).
        public static let immutableValue = Code(backing: .immutableValue)
        /// The event adds to or changes a run or experiment that is deleted.
        public static let inactiveTarget = Code(backing: .inactiveTarget)

        public var description: String {
            switch backing {
            case .invalid: "invalid"
            case .unknownReference: "unknown reference"
            case .duplicateName: "duplicate name"
            case .immutableValue: "immutable value"
            case .inactiveTarget: "inactive target"
            }
        }
    }

    /// The position of the offending event in the batch (0-based).
    public var eventIndex: Int
    /// The field at fault, such as `run` or `experiment`; `nil` when the event as a whole is at fault.
    public var field: String?
    /// What is wrong, phrased so that the user knows what to fix. Holds no payload values beyond ids and keys.
    public var message: String
    /// Why the event was refused.
    public var code: Code

    public init(eventIndex: Int, field: String?, message: String, code: Code = .invalid) {
        self.eventIndex = eventIndex
        self.field = field
        self.message = message
        self.code = code
    }

    public var description: String {
        if let field {
            "event \(eventIndex + 1), field '\(field)': \(message)"
        } else {
            "event \(eventIndex + 1): \(message)"
        }
    }
}

/// A failure of a store other than a refused ingest.
public struct StoreError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The kind of failure. A struct over a private enum, so that new codes can be added.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Backing: Hashable, Sendable {
            case cannotOpen, incompatibleSchema, notFound, invalidQuery, backend, unavailable
        }
        private let backing: Backing
        /// The store could not be opened or created at the given location.
        public static let cannotOpen = Code(backing: .cannotOpen)
        /// The store was written by a newer ProvKit, or is not a ProvKit store.
        public static let incompatibleSchema = Code(backing: .incompatibleSchema)
        /// A node the query names does not exist.
        public static let notFound = Code(backing: .notFound)
        /// The query itself is invalid (for example a negative depth).
        public static let invalidQuery = Code(backing: .invalidQuery)
        /// The database failed.
        public static let backend = Code(backing: .backend)
        /// The database cannot be reached or did not answer in time; the same call may succeed later (servers answer
        /// 503). Whether a write that failed this way was stored is unknown unless the message says otherwise.
        public static let unavailable = Code(backing: .unavailable)

        public var description: String {
            switch backing {
            case .cannotOpen: "cannot open"
            case .incompatibleSchema: "incompatible schema"
            case .notFound: "not found"
            case .invalidQuery: "invalid query"
            case .backend: "backend failure"
            case .unavailable: "unavailable"
            }
        }
    }

    public var code: Code
    /// A message safe to show a user: no SQL, no bound values.
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
