/// Reads what a model or dataset file says about itself, so that the entities of captured artifacts carry
/// taxonomy-classified attributes (layers, parameter counts, rows, classes, ...).
///
/// A seam: ProvInspect implements it (`ProvArtifactInspector`); the capture SDK, `provkit run` and the server take
/// one optionally, so a program that links only the SDK does not link the inspectors (or SwiftProtobuf) unless it
/// opts in. Implementations never throw: a file they recognise but cannot read yields an inspection whose
/// ``ArtifactInspection/note`` says why, and capture goes on.
public protocol ProvArtifactInspecting: Sendable {
    /// Inspects the file or folder at `path`.
    ///
    /// - Parameters:
    ///   - path: where the bytes are on this machine.
    ///   - name: the name the artifact arrived under (an MLflow artifact path such as `model/model.onnx`, or the
    ///     path as the user gave it); formats are recognised by this name's extension.
    ///   - digest: the content digest the caller already computed, if any, so that a folder is not hashed twice.
    /// - Returns: `nil` when the artifact is in no format the inspector knows (nothing to record).
    func inspectArtifact(at path: String, name: String, digest: ContentDigest?) -> ArtifactInspection?
}

/// What an inspector found in one artifact: the kind of entity it is and the attributes to record on it.
public struct ArtifactInspection: Hashable, Sendable {
    /// `.model` or `.dataset`.
    public var kind: EntityKind
    /// Attributes for the entity. Keys are taxonomy term ids (`model.architecture.parameter_count`,
    /// `data.statistics.num_classes`, ...) and `inspection`, an object with the format and the full details.
    public var attributes: [String: JSONValue]
    /// Set when the file looked like a known format but could not be read; the attributes then hold only
    /// `inspection.format` and `inspection.error`.
    public var note: String?

    /// Creates an inspection result.
    public init(kind: EntityKind, attributes: [String: JSONValue], note: String? = nil) {
        self.kind = kind
        self.attributes = attributes
        self.note = note
    }
}
