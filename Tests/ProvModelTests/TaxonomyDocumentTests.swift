import Foundation
import ProvModel
import ProvTesting
import Testing

/// The renderings of the taxonomy, and the copies committed under `docs/`.
///
/// To regenerate `docs/taxonomy.json` and the generated part of `docs/taxonomy.md` after changing the taxonomy, run
/// `scripts/regenerate-docs.sh`; the tests only compare, never write.
@Suite("Taxonomy documents")
struct TaxonomyDocumentTests {
    let taxonomy = Taxonomy.standard

    /// The line in `docs/taxonomy.md` after which everything is the output of ``Taxonomy/markdown()``.
    static let marker = "<!-- Generated from Taxonomy.standard.markdown(); do not edit below this line. -->"
    static let regenerate = "swift build && scripts/regenerate-docs.sh"

    @Test("the JSON document parses back and holds every term, layer type and curve class")
    func jsonDocument() throws {
        let text = taxonomy.jsonDocument()
        #expect(text.hasSuffix("}\n"))
        #expect(!text.contains("\\/"))
        let object = try #require(JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(
            Set(object.keys) == ["version", "namespace", "prefixes", "layers", "terms", "layerTypes", "curveClasses"])
        #expect(object["version"] as? String == taxonomy.version)
        #expect(object["namespace"] as? String == Taxonomy.provKitNamespace)

        let prefixes = try #require(object["prefixes"] as? [String: String])
        #expect(prefixes["prov"] == "http://www.w3.org/ns/prov#")
        #expect(prefixes["mls"] == "http://www.w3.org/ns/mls#")
        #expect(prefixes["pk"] == Taxonomy.provKitNamespace)

        let layers = try #require(object["layers"] as? [[String: Any]])
        #expect(layers.compactMap { $0["name"] as? String } == TaxonomyLayer.allCases.map(\.rawValue))
        for layer in layers {
            #expect((layer["description"] as? String)?.isEmpty == false)
            #expect((layer["termCount"] as? Int ?? 0) > 0)
        }
        #expect(layers.compactMap { $0["termCount"] as? Int }.reduce(0, +) == taxonomy.terms.count)

        let terms = try #require(object["terms"] as? [[String: Any]])
        #expect(terms.compactMap { $0["id"] as? String } == taxonomy.terms.map(\.id))
        let learningRate = try #require(terms.first { $0["id"] as? String == "model.hyperparameter.learning_rate" })
        #expect(learningRate["layer"] as? String == "model")
        #expect(learningRate["valueType"] as? String == "number")
        #expect((learningRate["aliases"] as? [String])?.contains("lr") == true)
        #expect((learningRate["mappings"] as? [String])?.contains("http://www.w3.org/ns/mls#HyperParameter") == true)
        let gpuPower = try #require(terms.first { $0["id"] as? String == "system.gpu.power" })
        #expect(gpuPower["unit"] as? String == "W")

        let layerTypes = try #require(object["layerTypes"] as? [[String: Any]])
        #expect(layerTypes.compactMap { $0["name"] as? String } == taxonomy.layerTypes.map(\.name))
        let curveClasses = try #require(object["curveClasses"] as? [[String: Any]])
        #expect(curveClasses.compactMap { $0["name"] as? String } == taxonomy.curveClasses.map(\.name))
        let never = try #require(curveClasses.first { $0["name"] as? String == "never_learner" })
        #expect((never["defaults"] as? [String: Double])?["epsilon"] == 0.1)
    }

    @Test("the JSON document is deterministic and decodes back into equal terms")
    func jsonDeterministic() throws {
        let text = taxonomy.jsonDocument()
        #expect(text == taxonomy.jsonDocument())
        struct Document: Decodable {
            var terms: [TaxonomyTerm]
            var layerTypes: [LayerTypeTerm]
            var curveClasses: [CurveClassTerm]
        }
        let document = try JSONDecoder().decode(Document.self, from: Data(text.utf8))
        #expect(document.terms == taxonomy.terms)
        #expect(document.layerTypes == taxonomy.layerTypes)
        #expect(document.curveClasses == taxonomy.curveClasses)
    }

    @Test("the Markdown document mentions every term, layer type and curve class")
    func markdown() {
        let text = taxonomy.markdown()
        #expect(text.hasPrefix("# ProvKit taxonomy \(taxonomy.version)\n"))
        for term in taxonomy.terms {
            #expect(text.contains("`\(term.id)`"), "\(term.id)")
        }
        for layer in TaxonomyLayer.allCases {
            #expect(text.contains("## Layer `\(layer.rawValue)`"))
        }
        for type in taxonomy.layerTypes {
            #expect(text.contains("| `\(type.name)` |"), "\(type.name)")
        }
        for curveClass in taxonomy.curveClasses {
            #expect(text.contains("| `\(curveClass.name)` |"), "\(curveClass.name)")
        }
        // Regex alternations must not split table cells: every table row has as many cells as its header.
        for line in text.split(separator: "\n") where line.hasPrefix("| `") && line.contains("` | **") {
            let cells = line.replacingOccurrences(of: "\\|", with: "")
                .split(separator: "|", omittingEmptySubsequences: false)
            #expect(cells.count == 8, "\(line)")
        }
        #expect(text.contains("`mls:HyperParameter`"))
    }

    @Test("docs/taxonomy.json and docs/taxonomy.md are the current renderings")
    func committedDocuments() throws {
        let docs = SharedData.packageRoot.appendingPathComponent("docs", isDirectory: true)
        let jsonURL = docs.appendingPathComponent("taxonomy.json")
        let markdownURL = docs.appendingPathComponent("taxonomy.md")
        let json = taxonomy.jsonDocument()
        let markdown = taxonomy.markdown()
        let existing = try String(contentsOf: markdownURL, encoding: .utf8)

        let committedJSON = try String(contentsOf: jsonURL, encoding: .utf8)
        let jsonIsCurrent = committedJSON == json  // compared outside #expect so that a failure does not print 100 KB
        #expect(jsonIsCurrent, "docs/taxonomy.json is out of date; regenerate it with `\(Self.regenerate)`")
        #expect(existing.contains(Self.marker), "docs/taxonomy.md lacks the generated-section marker")
        let generated = existing.components(separatedBy: Self.marker + "\n").dropFirst().joined()
        let markdownIsCurrent = generated == markdown
        #expect(markdownIsCurrent, "docs/taxonomy.md is out of date; regenerate it with `\(Self.regenerate)`")
    }
}
