public import ProvModel

/// The formats `provkit export` writes. A closed set.
public enum ExportFormat: String, Hashable, Sendable, CaseIterable {
    /// PROV-JSON (W3C member submission).
    case provJSON = "prov-json"
    /// PROV-N, the PROV notation.
    case provN = "prov-n"
    /// PROV-O in Turtle.
    case turtle
    /// PROV-O in JSON-LD.
    case jsonLD = "jsonld"
    /// An RO-Crate 1.1 following the Provenance Run Crate 0.5 profile (a folder or a zip file).
    case roCrate = "rocrate"
    /// Graphviz DOT.
    case dot

    /// The usual file extension of the format.
    public var fileExtension: String {
        switch self {
        case .provJSON: "provjson"
        case .provN: "provn"
        case .turtle: "ttl"
        case .jsonLD: "jsonld"
        case .roCrate: "zip"
        case .dot: "dot"
        }
    }

    /// Whether the format is one text document (everything but RO-Crate).
    public var isText: Bool { self != .roCrate }
}

/// Renders stored provenance records in the standard formats. Pure: records and a taxonomy in, text out.
public struct ProvExporter: Sendable {
    /// The PROV mapping every format is written from.
    public let mapping: ProvMapping

    /// Creates an exporter.
    public init(taxonomy: Taxonomy, options: ExportOptions = ExportOptions()) {
        mapping = ProvMapping(taxonomy: taxonomy, options: options)
    }

    /// The PROV document of the records (the model every PROV format is written from).
    public func document(_ records: ProvenanceRecords) -> ProvDocument {
        mapping.document(for: records)
    }

    /// The records in one of the text formats.
    /// - Precondition: `format.isText`; an RO-Crate is built by ``ROCrateBuilder``.
    public func text(_ records: ProvenanceRecords, format: ExportFormat) -> String {
        let document = mapping.document(for: records)
        switch format {
        case .provJSON: return PROVJSONWriter.write(document)
        case .provN: return PROVNWriter.write(document)
        case .turtle: return PROVOWriter.turtle(document)
        case .jsonLD: return PROVOWriter.jsonLD(document)
        case .dot: return DOTWriter.write(document)
        case .roCrate:
            preconditionFailure("an RO-Crate is a folder, not one text; build it with ROCrateBuilder")
        }
    }
}
