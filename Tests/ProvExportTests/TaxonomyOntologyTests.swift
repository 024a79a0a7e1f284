import ProvExport
import ProvModel
import Testing

@Suite("taxonomy ontology")
struct TaxonomyOntologyTests {
    @Test("layers, facets and terms are SKOS concepts with labels, definitions, units and mappings")
    func terms() throws {
        let text = TaxonomyOntology(taxonomy: try TestTaxonomy.make()).turtle()
        #expect(text.contains("@prefix skos: <http://www.w3.org/2004/02/skos/core#> ."))
        #expect(text.contains("<https://w3id.org/provkit/ns>\n    a owl:Ontology ;"))
        #expect(text.contains("owl:versionInfo \"9.9.9\""))
        #expect(text.contains("pk:taxonomy\n    a skos:ConceptScheme ;"))
        #expect(text.contains("pk:layer.model\n    a skos:Concept ;"))
        #expect(text.contains("skos:narrower pk:facet.model.hyperparameter, pk:facet.model.performance"))
        #expect(text.contains("pk:model.hyperparameter.learning_rate\n    a skos:Concept, owl:Class ;"))
        #expect(text.contains("skos:prefLabel \"Learning rate\"@en"))
        #expect(text.contains("skos:definition \"Step size of the optimizer.\"@en"))
        #expect(text.contains("skos:altLabel \"lr\", \"learning_rate\""))
        #expect(text.contains("skos:closeMatch mls:HyperParameter"))
        #expect(text.contains("rdfs:subClassOf mls:HyperParameter"))
        #expect(text.contains("skos:broader pk:facet.model.hyperparameter"))
        // A mapping whose local name is lower case names no class: closeMatch only.
        #expect(text.contains("skos:closeMatch mls:EvaluationMeasure, <http://example.org/ns#accuracy>"))
        #expect(!text.contains("rdfs:subClassOf <http://example.org/ns#accuracy>"))
        #expect(text.contains("pk:unit \"%\""))
        #expect(text.contains("pk:valueType xsd:double"))
        #expect(text.contains("pk:pattern \".*acc\""))
    }

    @Test("layer types, curve classes and the export vocabulary")
    func vocabularies() throws {
        let text = TaxonomyOntology(taxonomy: try TestTaxonomy.make()).turtle()
        #expect(text.contains("pk:layerType.dense\n    a skos:Concept ;"))
        #expect(text.contains("pk:hyperparameter \"units\""))
        #expect(text.contains("skos:closeMatch <https://onnx.ai/onnx/operators/onnx__Gemm.html>"))
        #expect(text.contains("pk:curveClass.overfitter\n    a skos:Concept ;"))
        #expect(text.contains("rdf:value \"5.0\"^^xsd:double"))
        #expect(text.contains("pk:MetricSeries\n    a owl:Class ;\n    rdfs:subClassOf mls:ModelEvaluation ;"))
        #expect(text.contains("pk:Experiment\n    a owl:Class ;\n    rdfs:subClassOf prov:Collection ;"))
    }

    @Test("works for any taxonomy: empty, or in another namespace")
    func anyTaxonomy() throws {
        let empty = try Taxonomy(
            version: "0", namespace: Taxonomy.provKitNamespace, terms: [], layerTypes: [], curveClasses: [])
        let text = TaxonomyOntology(taxonomy: empty).turtle()
        #expect(text.contains("pk:layer.data\n    a skos:Concept ;"))
        let other = TaxonomyOntology(taxonomy: try TestTaxonomy.make(namespace: "https://example.org/terms#")).turtle()
        #expect(other.contains("@prefix pk: <https://example.org/terms#> ."))
        #expect(other.contains("@prefix pkv: <https://w3id.org/provkit/ns#> ."))
        #expect(other.contains("pk:model.hyperparameter.learning_rate\n"))
        #expect(other.contains("pkv:unit \"%\""))
        for line in other.split(separator: "\n") where line.hasPrefix("@prefix") { #expect(line.contains("<http")) }
    }
}
