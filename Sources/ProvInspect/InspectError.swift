/// A file that cannot be inspected; the message names the file, says what is wrong and, where it can, what to do.
public struct InspectError: Error, CustomStringConvertible, Sendable, Equatable {
    public var description: String

    public init(_ description: String) {
        self.description = description
    }
}
