/// Why a PROV-JSON document cannot be imported. The message names what is wrong (the record, the attribute) and
/// what to fix; nothing of the document was stored.
public struct ProvImportError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What is wrong and where.
    public var description: String

    /// Creates an error with a message for the user.
    public init(_ description: String) {
        self.description = description
    }
}
