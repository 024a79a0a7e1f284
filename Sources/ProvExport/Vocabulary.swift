import ProvModel

/// A namespace of a PROV document or RDF graph: a prefix bound to an absolute IRI.
public struct Namespace: Hashable, Sendable {
    /// The prefix, such as `prov` or `pk`.
    public var prefix: String
    /// The absolute IRI the prefix stands for, ending in `#` or `/`.
    public var iri: String

    /// Creates a namespace.
    public init(prefix: String, iri: String) {
        self.prefix = prefix
        self.iri = iri
    }
}

/// The namespaces ProvKit's exports use. Every one is an absolute IRI (the strict PROV check requires it).
public enum ExportNamespaces {
    /// W3C PROV (`prov:`).
    public static let prov = Namespace(prefix: "prov", iri: "http://www.w3.org/ns/prov#")
    /// XML Schema datatypes (`xsd:`).
    public static let xsd = Namespace(prefix: "xsd", iri: "http://www.w3.org/2001/XMLSchema#")
    /// ProvKit's own terms: classes, properties and taxonomy terms (`pk:`).
    public static let pk = Namespace(prefix: "pk", iri: Taxonomy.provKitNamespace)
    /// ProvKit node identifiers: `pkid:<32 hex digits>` for experiments, runs, entities and agents, and
    /// `pkid:<run>/<part>/<name>` for the parts of a run (parameter settings, metric series, telemetry samples,
    /// its architecture).
    public static let pkid = Namespace(prefix: "pkid", iri: "https://w3id.org/provkit/id/")
    /// Tag keys of runs and experiments, as attribute names (`pktag:mlflow.runName`).
    public static let pktag = Namespace(prefix: "pktag", iri: "https://w3id.org/provkit/tag#")
    /// Free-form attribute keys of entities, agents and relations (`pkattr:classes`).
    public static let pkattr = Namespace(prefix: "pkattr", iri: "https://w3id.org/provkit/attribute#")
    /// Telemetry reading keys (`pkread:cpu_percent`).
    public static let pkread = Namespace(prefix: "pkread", iri: "https://w3id.org/provkit/reading#")
    /// Captured keys as concepts: the hyperparameter a parameter setting specifies, the measure a metric series
    /// evaluates (`pkkey:learning_rate`).
    public static let pkkey = Namespace(prefix: "pkkey", iri: "https://w3id.org/provkit/key#")
    /// ML-Schema (`mls:`).
    public static let mls = Namespace(prefix: "mls", iri: "http://www.w3.org/ns/mls#")
    /// RDF (`rdf:`), for `rdf:JSON` literals.
    public static let rdf = Namespace(prefix: "rdf", iri: "http://www.w3.org/1999/02/22-rdf-syntax-ns#")
    /// RDF Schema (`rdfs:`).
    public static let rdfs = Namespace(prefix: "rdfs", iri: "http://www.w3.org/2000/01/rdf-schema#")
    /// OWL (`owl:`).
    public static let owl = Namespace(prefix: "owl", iri: "http://www.w3.org/2002/07/owl#")
    /// SKOS (`skos:`).
    public static let skos = Namespace(prefix: "skos", iri: "http://www.w3.org/2004/02/skos/core#")
    /// Dublin Core terms (`dcterms:`).
    public static let dcterms = Namespace(prefix: "dcterms", iri: "http://purl.org/dc/terms/")

    /// The namespaces every PROV export declares, in the order they are printed.
    public static let export: [Namespace] = [pk, pkid, pktag, pkattr, pkread, pkkey, mls, rdf, xsd]
}

/// A qualified name: a prefix and a local part, as PROV-JSON and PROV-N write identifiers (`pkid:0190…`).
public struct QualifiedName: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The namespace prefix.
    public var prefix: String
    /// The local part, with characters outside `[A-Za-z0-9_.-]` percent-encoded when ProvKit made it.
    public var localPart: String

    /// Creates a qualified name.
    public init(_ prefix: String, _ localPart: String) {
        self.prefix = prefix
        self.localPart = localPart
    }

    /// Creates a name in a namespace.
    public init(_ namespace: Namespace, _ localPart: String) {
        self.init(namespace.prefix, localPart)
    }

    /// `prefix:localPart`.
    public var description: String { "\(prefix):\(localPart)" }

    public static func < (lhs: QualifiedName, rhs: QualifiedName) -> Bool {
        (lhs.prefix, lhs.localPart) < (rhs.prefix, rhs.localPart)
    }

    static func prov(_ local: String) -> QualifiedName { QualifiedName(ExportNamespaces.prov, local) }
    static func pk(_ local: String) -> QualifiedName { QualifiedName(ExportNamespaces.pk, local) }
    static func xsd(_ local: String) -> QualifiedName { QualifiedName(ExportNamespaces.xsd, local) }
    static func mls(_ local: String) -> QualifiedName { QualifiedName(ExportNamespaces.mls, local) }
}

/// Makes local parts of qualified names from arbitrary text (keys such as `system/gpu_0_power_watts`), so that
/// the name is valid in PROV-N, Turtle and JSON-LD alike.
public enum LocalName {
    /// Percent-encodes every UTF-8 byte outside `[A-Za-z0-9_-]`, and `.` at the start or the end.
    ///
    /// `learning_rate` stays as it is; `system/gpu` becomes `system%2Fgpu`; `mlflow.runName` keeps its dot.
    public static func encode(_ text: String) -> String {
        let bytes = Array(text.utf8)
        var output = ""
        output.reserveCapacity(bytes.count)
        for (index, byte) in bytes.enumerated() {
            let isAlphanumeric =
                (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
            let isInnerDot = byte == UInt8(ascii: ".") && index > 0 && index < bytes.count - 1
            if isAlphanumeric || byte == UInt8(ascii: "_") || (byte == UInt8(ascii: "-") && index > 0) || isInnerDot {
                output.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                output += "%" + hexByte(byte)
            }
        }
        return output
    }

    /// Reverses ``encode(_:)`` (any `%XX` sequence is decoded); invalid sequences are kept as they are.
    public static func decode(_ text: String) -> String {
        let bytes = Array(text.utf8)
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "%"), index + 2 < bytes.count,
                let high = hexValue(bytes[index + 1]), let low = hexValue(bytes[index + 2])
            {
                output.append(high << 4 | low)
                index += 3
            } else {
                output.append(bytes[index])
                index += 1
            }
        }
        return String(decoding: output, as: UTF8.self)
    }

    static func hexByte(_ byte: UInt8) -> String {
        let digits = Array("0123456789ABCDEF")
        return String([digits[Int(byte >> 4)], digits[Int(byte & 0xF)]])
    }

    static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
