import ArgumentParser
import Foundation
import ProvExport
import ProvModel

/// `provkit taxonomy`: the taxonomy this build classifies keys with.
struct TaxonomyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "taxonomy",
        abstract: "Print the taxonomy of AI-workflow provenance (JSON, or an OWL/SKOS ontology in Turtle).",
        discussion: """
            --format json prints the terms, layer types and curve classes as JSON. --format turtle prints the \
            taxonomy as an ontology: a SKOS concept scheme of layers, facets and terms (labels, definitions, \
            units, value types, aliases), with skos:closeMatch and rdfs:subClassOf links to the PROV-O and \
            ML-Schema IRIs each term maps to, the layer-type and curve-class schemes, and the vocabulary ProvKit's \
            PROV exports use (docs/exports.md). The term IRIs are those exports name in pk:term.

            Example:
              provkit taxonomy --format turtle > provkit-taxonomy.ttl
            """)

    /// The output formats. A closed set.
    enum Format: String, ExpressibleByArgument, CaseIterable {
        case json
        case turtle
    }

    @Option(help: "json or turtle.")
    var format: Format = .json

    /// The parts of the taxonomy printed as JSON.
    struct Snapshot: Encodable {
        var version: String
        var namespace: String
        var terms: [TaxonomyTerm]
        var layerTypes: [LayerTypeTerm]
        var curveClasses: [CurveClassTerm]
    }

    func run() throws {
        let taxonomy = Taxonomy.standard
        switch format {
        case .json:
            try Output.printJSON(
                Snapshot(
                    version: taxonomy.version, namespace: taxonomy.namespace, terms: taxonomy.terms,
                    layerTypes: taxonomy.layerTypes, curveClasses: taxonomy.curveClasses))
        case .turtle:
            print(TaxonomyOntology(taxonomy: taxonomy).turtle(), terminator: "")
        }
    }
}
