/// A file to import: its name (or path) and its whole contents as text.
public struct ImportFile: Hashable, Sendable {
    /// The file's name or path, used in tags and error messages.
    public var name: String
    /// The file's contents.
    public var contents: String

    /// Creates a file to import.
    public init(name: String, contents: String) {
        self.name = name
        self.contents = contents
    }
}
