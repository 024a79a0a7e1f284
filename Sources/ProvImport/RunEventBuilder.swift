import ProvModel

/// Accumulates the events of one imported run in reference order: every node is defined before a relation,
/// parameter, tag, metric or architecture refers to it.
struct RunEventBuilder {
    let run: ProvID
    private(set) var events: [ProvEvent] = []

    init(run: ProvID) {
        self.run = run
    }

    mutating func append(_ event: ProvEvent?) {
        if let event {
            events.append(event)
        }
    }

    /// A parameter; an empty value is absent, never recorded as empty text.
    mutating func parameter(_ key: String, _ value: String) {
        guard !value.isEmpty else { return }
        events.append(.parameter(ParameterRecord(run: run, key: key, value: value)))
    }

    mutating func tag(_ key: String, _ value: String) {
        events.append(.tag(TagRecord(target: run, key: key, value: value)))
    }

    mutating func relation(_ kind: RelationKind, subject: ProvID, object: ProvID) {
        events.append(.relation(RelationRecord(kind, subject: subject, object: object)))
    }

    mutating func metric(_ key: String, _ value: Double, step: Int64, epoch: Double) {
        events.append(.metric(MetricPoint(run: run, key: key, value: value, step: step, epoch: epoch)))
    }

    /// The definitions and relations every imported run has: the importing agent (`wasAssociatedWith`), the
    /// dataset (`used`, when known) and a model entity that the run generated (`wasGeneratedBy`).
    ///
    /// - Returns: the model entity's identifier, for the architecture record.
    mutating func standardLineage(
        context: inout ImportContext, dataset: (name: String, attributes: [String: JSONValue])?, modelName: String
    ) -> ProvID {
        append(context.takeAgentEvent())
        relation(.wasAssociatedWith, subject: run, object: context.agentID)
        if let dataset {
            let (datasetID, definition) = context.dataset(named: dataset.name, attributes: dataset.attributes)
            append(definition)
            relation(.used, subject: run, object: datasetID)
        }
        let model = context.ids.next()
        append(.entity(EntityRecord(id: model, kind: .model, name: modelName)))
        relation(.wasGeneratedBy, subject: model, object: run)
        return model
    }
}
