public import ProvModel

/// Something that turns one third-party file into provenance events.
///
/// Conformers document their format; ``events(files:experiment:context:)`` is provided for all of them.
public protocol ProvenanceImporter: Sendable {
    /// Turns one file into events for runs of `experiment`, sharing `context` with the other files of the import.
    /// - Throws: ``ImportError`` naming the line and column at fault; the context is then left as it was.
    func events(
        fileName: String, contents: String, experiment: ProvID, context: inout ImportContext
    )
        throws(ImportError) -> [ProvEvent]
}

extension ProvenanceImporter {
    /// Turns several files into events, in order, sharing one context (so one dataset entity per name).
    /// - Throws: the first failing file's ``ImportError``; the context is then left as it was before that file.
    public func events(
        files: [ImportFile], experiment: ProvID, context: inout ImportContext
    ) throws(ImportError) -> [ProvEvent] {
        var all: [ProvEvent] = []
        for file in files {
            all += try events(fileName: file.name, contents: file.contents, experiment: experiment, context: &context)
        }
        return all
    }
}
