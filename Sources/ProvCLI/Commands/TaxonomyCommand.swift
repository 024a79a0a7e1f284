import ArgumentParser
import Foundation
import ProvExport
import ProvModel

/// `provkit taxonomy`: print the taxonomy, or classify keys.
struct TaxonomyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "taxonomy",
        abstract: "Print the ProvKit taxonomy of AI-workflow provenance, or classify keys with it.",
        discussion: """
            The taxonomy has five layers (system, platform, model, application, data), the neural-network \
            architectural and behavioural vocabularies, and mappings to W3C PROV-O and ML-Schema. Every parameter, \
            metric, tag and telemetry key is classified into one of its terms when it is stored.
            """,
        subcommands: [PrintTaxonomy.self, ClassifyKeys.self],
        defaultSubcommand: PrintTaxonomy.self)

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case json
        case markdown
        case turtle
    }

    struct PrintTaxonomy: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "print", abstract: "Print the whole taxonomy (the default).")

        @Option(
            help: ArgumentHelp(
                "markdown (for people), json (machine-readable) or turtle (an OWL/SKOS ontology).",
                discussion: """
                    turtle prints a SKOS concept scheme of layers, facets and terms (labels, definitions, units, \
                    value types, aliases) with skos:closeMatch and rdfs:subClassOf links to the PROV-O and \
                    ML-Schema IRIs each term maps to, the layer-type and curve-class schemes, and the vocabulary \
                    ProvKit's PROV exports use; its term IRIs are those exports name in pk:term.
                    """))
        var format: Format = .markdown

        func run() throws {
            switch format {
            case .json: print(Taxonomy.standard.jsonDocument())
            case .markdown: print(Taxonomy.standard.markdown())
            case .turtle: print(TaxonomyOntology(taxonomy: Taxonomy.standard).turtle(), terminator: "")
            }
        }
    }

    struct ClassifyKeys: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "classify",
            abstract: "Show the term the taxonomy picks for each key.",
            discussion: "Example: provkit taxonomy classify lr batch_size val_acc system/gpu_0_utilization_percentage")

        @Argument(help: "Keys as a program would log them.")
        var keys: [String]

        @Flag(help: "Print the result as JSON.")
        var json = false

        struct Classification: Encodable {
            var key: String
            var normalized: String
            var term: String?
            var layer: String?
            var label: String?
            var unit: String?
            var rule: String?
        }

        func validate() throws {
            if keys.isEmpty { throw ValidationError("give at least one key, e.g. `provkit taxonomy classify lr`") }
        }

        func run() throws {
            let taxonomy = Taxonomy.standard
            let results = keys.map { key in
                let match = taxonomy.classify(key)
                return Classification(
                    key: key, normalized: Taxonomy.normalize(key), term: match?.term.id,
                    layer: match?.term.layer.rawValue, label: match?.term.label, unit: match?.term.unit,
                    rule: match?.rule.rawValue)
            }
            if json {
                try Output.printJSON(results)
                return
            }
            print(
                Output.table(
                    header: ["KEY", "TERM", "LAYER", "LABEL", "UNIT", "MATCHED BY"],
                    rows: results.map {
                        [
                            $0.key, $0.term ?? "(unclassified)", $0.layer ?? "-", $0.label ?? "-", $0.unit ?? "-",
                            $0.rule ?? "-",
                        ]
                    }))
        }
    }
}
