/// Why an ingest was refused. Nothing of the batch was stored.
public struct IngestError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The position of the offending event in the batch (0-based).
    public var eventIndex: Int
    /// The field at fault, such as `run` or `experiment`; `nil` when the event as a whole is at fault.
    public var field: String?
    /// What is wrong, phrased so that the user knows what to fix. Holds no payload values beyond ids and keys.
    public var message: String

    public init(eventIndex: Int, field: String?, message: String) {
        self.eventIndex = eventIndex
        self.field = field
        self.message = message
    }

    public var description: String {
        if let field { "event \(eventIndex + 1), field '\(field)': \(message)" } else { "event \(eventIndex + 1): \(message)" }
    }
}

/// A failure of a store other than a refused ingest.
public struct StoreError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The kind of failure. A struct over a private enum, so that new codes can be added.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Backing: Hashable, Sendable {
            case cannotOpen, incompatibleSchema, notFound, invalidQuery, backend
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

        public var description: String {
            switch backing {
            case .cannotOpen: "cannot open"
            case .incompatibleSchema: "incompatible schema"
            case .notFound: "not found"
            case .invalidQuery: "invalid query"
            case .backend: "backend failure"
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
