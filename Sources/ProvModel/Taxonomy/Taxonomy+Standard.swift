extension Taxonomy {
    /// The namespace IRI of ProvKit terms (`pk:`).
    public static let provKitNamespace = "https://w3id.org/provkit/ns#"

    /// The taxonomy shipped with this version of ProvKit.
    public static let standard: Taxonomy = {
        do {
            return try Taxonomy(
                version: "0.1.0", namespace: provKitNamespace, terms: standardTerms, layerTypes: standardLayerTypes,
                curveClasses: standardCurveClasses)
        } catch {
            fatalError("the shipped taxonomy is invalid: \(error)")  // caught by the taxonomy tests
        }
    }()

    static let standardTerms: [TaxonomyTerm] = [
        TaxonomyTerm(
            id: "model.hyperparameter.learning_rate", layer: .model, facet: "hyperparameter", label: "Learning rate",
            valueType: .number, description: "Step size of the optimizer.",
            aliases: ["lr", "learning_rate", "learningrate", "eta"], patterns: [".*_lr", ".*learning_rate"],
            mappings: ["http://www.w3.org/ns/mls#HyperParameter"]),
    ]

    static let standardLayerTypes: [LayerTypeTerm] = []

    static let standardCurveClasses: [CurveClassTerm] = []
}
