import Foundation
import ProvExport
import ProvModel
import ProvStore
import Testing

@Suite("PROV-N, PROV-O and DOT exports")
struct OtherFormatsTests {
    static func text(_ campaign: Campaign, _ scope: RecordScope, _ format: ExportFormat) async throws -> String {
        let records = try await campaign.records(scope)
        return ProvExporter(taxonomy: try TestTaxonomy.make()).text(records, format: format)
    }

    @Test("PROV-N: one expression per element and relation, between document and endDocument")
    func provN() async throws {
        let campaign = try await Campaign()
        let scope = RecordScope.run(campaign.workflow)
        let records = try await campaign.records(scope)
        let document = ProvExporter(taxonomy: try TestTaxonomy.make()).document(records)
        let text = try await Self.text(campaign, scope, .provN)
        let lines = text.split(separator: "\n").map(String.init)
        #expect(lines.first == "document")
        #expect(lines.last == "endDocument")
        #expect(lines.contains("  prefix pkid <https://w3id.org/provkit/id/>"))
        let expressions = lines.filter { $0.hasPrefix("  ") && $0.contains("(") }
        #expect(expressions.count == document.elements.count + document.relations.count)
        let task = "pkid:" + campaign.tasks[0].hex
        #expect(
            lines.contains {
                $0.hasPrefix("  activity(\(task), 2024-05-01T12:00:10.000000Z, 2024-05-01T12:01:00.000000Z, [")
                    && $0.contains("prov:type='mls:Run'")
            })
        #expect(lines.contains { $0.hasPrefix("  used(\(task), pkid:") && $0.contains("[prov:role=\"training\"]") })
        #expect(lines.contains { $0.contains("\(task)/parameter/data%2Fpath%20with%20space") })
        #expect(lines.contains { $0.contains("pkattr:ratio=\"0.8\" %% xsd:double") })
        #expect(lines.contains { $0.contains("wasDerivedFrom(pkid:") && $0.contains("[prov:type='prov:Revision']") })
    }

    @Test("Turtle: absolute prefixes, typed nodes, qualified influences for relations with details")
    func turtle() async throws {
        let campaign = try await Campaign()
        let text = try await Self.text(campaign, .run(campaign.workflow), .turtle)
        let prefixes = text.split(separator: "\n").filter { $0.hasPrefix("@prefix") }
        #expect(prefixes.count >= 10)
        for line in prefixes { #expect(line.contains("<http"), "\(line)") }
        #expect(text.contains("pkid:\(campaign.tasks[0].hex)\n    a prov:Activity, mls:Run, pk:Task ;"))
        #expect(text.contains("prov:startedAtTime \"2024-05-01T12:00:10.000000Z\"^^xsd:dateTime"))
        #expect(text.contains("prov:qualifiedUsage [\n        a prov:Usage ;"))
        #expect(text.contains("prov:hadRole \"training\""))
        #expect(text.contains("prov:qualifiedRevision [\n        a prov:Revision ;"))
        // Local names a prefixed name cannot hold are written as full IRIs.
        #expect(text.contains("<https://w3id.org/provkit/id/\(campaign.tasks[0].hex)/parameter/learning_rate>"))
        #expect(text.contains("rdfs:label \"sweep-run\""))
    }

    @Test("JSON-LD: inline context of absolute IRIs and one node per subject of the Turtle")
    func jsonLD() async throws {
        let campaign = try await Campaign()
        let text = try await Self.text(campaign, .run(campaign.workflow), .jsonLD)
        let json = try parseJSON(text)
        let context = try #require(json["@context"]?.objectValue)
        for (_, iri) in context { #expect(iri.stringValue?.hasPrefix("http") == true) }
        let graph = try #require(json["@graph"]?.arrayValue)
        let turtle = try await Self.text(campaign, .run(campaign.workflow), .turtle)
        let subjects = turtle.split(separator: "\n").filter { !$0.hasPrefix(" ") && !$0.hasPrefix("@") && !$0.isEmpty }
        #expect(graph.count == subjects.count)
        let task = try #require(graph.first { $0["@id"]?.stringValue == "pkid:" + campaign.tasks[0].hex })
        let types = task["@type"]?.arrayValue?.compactMap(\.stringValue) ?? []
        #expect(types.contains("prov:Activity"))
        #expect(task["prov:startedAtTime"]?["@type"]?.stringValue == "xsd:dateTime")
        #expect(task["prov:qualifiedUsage"] != nil)
    }

    @Test("DOT: one node per element and one labelled edge per relation")
    func dot() async throws {
        let campaign = try await Campaign()
        let records = try await campaign.records(.run(campaign.tasks[1]))
        let document = ProvExporter(taxonomy: try TestTaxonomy.make()).document(records)
        let text = DOTWriter.write(document)
        #expect(text.hasPrefix("digraph provenance {"))
        let lines = text.split(separator: "\n")
        #expect(lines.filter { $0.contains(" -> ") }.count == document.relations.count)
        #expect(
            lines.filter { $0.contains("shape=box") }.count == document.elements.filter { $0.kind == .activity }.count)
        #expect(text.contains("[label=\"wasRevisionOf\"]") == false)  // the revision's object is outside this scope
        let experiment = try await campaign.records(.experiment(campaign.experiment))
        #expect(
            DOTWriter.write(ProvExporter(taxonomy: try TestTaxonomy.make()).document(experiment)).contains(
                "[label=\"wasRevisionOf\"]"))
    }

    @Test("local names: arbitrary keys become valid name parts and back")
    func localNames() {
        for key in ["learning_rate", "system/gpu_0 power", "mlflow.runName", ".hidden.", "-x", "ünï", "a%b", ""] {
            let encoded = LocalName.encode(key)
            #expect(LocalName.decode(encoded) == key)
            #expect(encoded.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "_-.%".contains($0)) })
            #expect(!encoded.hasPrefix(".") && !encoded.hasSuffix(".") && !encoded.hasPrefix("-"))
        }
        #expect(LocalName.encode("mlflow.runName") == "mlflow.runName")
        #expect(LocalName.encode("a/b") == "a%2Fb")
    }

    @Test("doubles are written in their XML Schema lexical form")
    func lexicalDoubles() {
        #expect(ProvValue.lexical(0.1) == "0.1")
        #expect(ProvValue.lexical(.nan) == "NaN")
        #expect(ProvValue.lexical(.infinity) == "INF")
        #expect(ProvValue.lexical(-.infinity) == "-INF")
        #expect(ProvValue.attribute(3) == .typed("3", datatype: QualifiedName("xsd", "long")))
        #expect(ProvValue.attribute(.null) == .typed("null", datatype: QualifiedName("rdf", "JSON")))
    }
}
