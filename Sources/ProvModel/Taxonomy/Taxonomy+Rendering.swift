import Foundation

extension Taxonomy {
    /// The taxonomy as a JSON document: pretty-printed, keys sorted, slashes unescaped, ending in a newline.
    ///
    /// Top-level members: `version`, `namespace`, `prefixes` (the vocabularies that mappings use, by prefix),
    /// `layers` (name, summary, facets and term count of each layer), `terms`, `layerTypes` and `curveClasses`.
    /// The output is deterministic, so a committed copy (`docs/taxonomy.json`) can be compared byte for byte.
    public func jsonDocument() -> String {
        let document = JSONDocument(
            version: version, namespace: namespace, prefixes: usedPrefixes(),
            layers: TaxonomyLayer.allCases.map { layer in
                let layerTerms = terms.filter { $0.layer == layer }
                var facets: [String] = []
                for term in layerTerms where !facets.contains(term.facet) {
                    facets.append(term.facet)
                }
                return JSONDocument.Layer(
                    name: layer.rawValue, description: layer.summary, facets: facets, termCount: layerTerms.count)
            },
            terms: terms, layerTypes: layerTypes, curveClasses: curveClasses)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        do {
            let data = try encoder.encode(document)
            return String(decoding: data, as: UTF8.self) + "\n"
        } catch {
            // Every member is a string, number, boolean, array or object of those: encoding cannot fail.
            preconditionFailure("the taxonomy could not be encoded as JSON: \(error)")
        }
    }

    /// The taxonomy as a Markdown document: per layer a table of its terms (identifier, label and description,
    /// value type, unit, aliases and patterns, mappings), then the layer types and the curve classes.
    public func markdown() -> String {
        var output = "# ProvKit taxonomy \(version)\n\n"
        output += "Namespace: `\(namespace)`. \(terms.count) terms in \(TaxonomyLayer.allCases.count) layers, "
        output += "\(layerTypes.count) layer types, \(curveClasses.count) curve classes.\n\n"
        let prefixes = usedPrefixes()
        output += "Prefixes used in the mappings below:\n\n"
        output += "| prefix | namespace |\n|---|---|\n"
        for prefix in prefixes.keys.sorted() {
            output += "| `\(prefix):` | `\(prefixes[prefix] ?? "")` |\n"
        }
        for layer in TaxonomyLayer.allCases {
            let layerTerms = terms.filter { $0.layer == layer }
            output += "\n## Layer `\(layer.rawValue)` (\(layerTerms.count) terms)\n\n\(layer.summary)\n\n"
            output += "| id | term | type | unit | aliases and patterns | mappings |\n"
            output += "|---|---|---|---|---|---|\n"
            for term in layerTerms {
                let keys =
                    term.aliases.map { "`\(Self.escapeCell($0))`" }
                    + term.patterns.map { "pattern `\(Self.escapeCell($0))`" }
                let cells = [
                    "`\(term.id)`",
                    "**\(Self.escapeCell(term.label))** (\(term.facet)): \(Self.escapeCell(term.description))",
                    term.valueType.rawValue,
                    term.unit.map { "`\($0)`" } ?? "",
                    keys.joined(separator: ", "),
                    term.mappings.map { "`\(compact($0, prefixes: prefixes))`" }.joined(separator: ", "),
                ]
                output += "| " + cells.joined(separator: " | ") + " |\n"
            }
        }
        output += "\n## Layer types (\(layerTypes.count))\n\n"
        output += "The architectural taxonomy: each layer of an `architecture` event names one of these types.\n\n"
        output += "| type | description | hyperparameters | aliases | mappings |\n|---|---|---|---|---|\n"
        for type in layerTypes {
            let cells = [
                "`\(type.name)`",
                Self.escapeCell(type.description),
                type.hyperparameters.map { "`\($0)`" }.joined(separator: ", "),
                type.aliases.map { "`\(Self.escapeCell($0))`" }.joined(separator: ", "),
                type.mappings.map { "`\(compact($0, prefixes: prefixes))`" }.joined(separator: ", "),
            ]
            output += "| " + cells.joined(separator: " | ") + " |\n"
        }
        output += "\n## Curve classes (\(curveClasses.count))\n\n"
        output += "The behavioural taxonomy: classes of validation learning curves. Thresholds are parameters, "
        output += "stored with every classification.\n\n"
        output += "| class | rule | default thresholds |\n|---|---|---|\n"
        for curveClass in curveClasses {
            let defaults = curveClass.defaults.keys.sorted().map { key in
                "`\(key)` = \(JSONValue.format(number: curveClass.defaults[key] ?? 0))"
            }
            let cells = [
                "`\(curveClass.name)`", Self.escapeCell(curveClass.rule),
                defaults.isEmpty ? "–" : defaults.joined(separator: ", "),
            ]
            output += "| " + cells.joined(separator: " | ") + " |\n"
        }
        return output
    }

    /// The prefixes of ``standardPrefixes`` whose namespace some term, layer type or curve class uses,
    /// plus `pk` for this taxonomy's own namespace.
    public func usedPrefixes() -> [String: String] {
        let iris = terms.flatMap(\.mappings) + layerTypes.flatMap(\.mappings)
        var used: [String: String] = ["pk": namespace]
        for (prefix, iri) in Self.standardPrefixes where iris.contains(where: { $0.hasPrefix(iri) }) {
            used[prefix] = iri
        }
        return used
    }

    /// Writes an IRI as `prefix:local` when one of `prefixes` covers it (the longest namespace wins).
    public func compact(_ iri: String, prefixes: [String: String]) -> String {
        let match = prefixes.filter { iri.hasPrefix($0.value) && iri.count > $0.value.count }
            .max { $0.value.count < $1.value.count }
        guard let match else { return iri }
        return match.key + ":" + iri.dropFirst(match.value.count)
    }

    /// Escapes the characters that would break a Markdown table cell.
    private static func escapeCell(_ text: String) -> String {
        text.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ")
    }
}

/// The shape of ``Taxonomy/jsonDocument()``.
private struct JSONDocument: Encodable {
    struct Layer: Encodable {
        var name: String
        var description: String
        var facets: [String]
        var termCount: Int
    }

    var version: String
    var namespace: String
    var prefixes: [String: String]
    var layers: [Layer]
    var terms: [TaxonomyTerm]
    var layerTypes: [LayerTypeTerm]
    var curveClasses: [CurveClassTerm]
}
