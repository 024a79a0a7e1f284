public import ProvModel

/// Curve-analysis results as provenance events, to store through the normal ingest path.
///
/// For each result: a `learning_curve` entity for the run's accuracy series (`wasGeneratedBy` the run), and a
/// `curve_class` entity `wasDerivedFrom` that curve and `wasAttributedTo` the software agent `provkit analyze`, whose
/// attributes hold the class, every label, the onset, the chance level, the evidence, every threshold with its
/// source, and PENGUIN's prediction with its settings. Identifiers derive from (run, metric), so storing again
/// updates the same entities.
public enum CurveResultEvents {
    /// The identifier of the `provkit analyze` agent.
    public static let agentID = ProvID.derived(from: "provkit:analysis:agent:provkit analyze")

    /// The learning-curve entity's id for a run's metric.
    public static func curveID(run: ProvID, metric: String) -> ProvID {
        .derived(from: "provkit:analysis:learning-curve:\(run.hex):\(metric)")
    }

    /// The curve-class entity's id for a run's metric.
    public static func classID(run: ProvID, metric: String) -> ProvID {
        .derived(from: "provkit:analysis:curve-class:\(run.hex):\(metric)")
    }

    /// The events for a report's results.
    /// - Parameters:
    ///   - version: the ProvKit version, recorded on the agent.
    ///   - time: when the analysis ran.
    public static func events(for report: CurveAnalysisReport, version: String, time: ProvTime) -> [ProvEvent] {
        var events: [ProvEvent] = [
            .agent(
                AgentRecord(
                    id: agentID, kind: .software, name: "provkit analyze", attributes: ["version": .string(version)]))
        ]
        for result in report.results {
            let curve = curveID(run: result.run, metric: result.metric)
            let curveClass = classID(run: result.run, metric: result.metric)
            events.append(
                .entity(
                    EntityRecord(
                        id: curve, kind: .learningCurve, name: "\(result.label) \(result.metric)",
                        attributes: [
                            "metric": .string(result.metric), "points": .number(Double(result.summary.points)),
                            "first_epoch": .number(result.summary.firstEpoch),
                            "last_epoch": .number(result.summary.lastEpoch),
                            "best_accuracy": .number(result.summary.bestAccuracy),
                            "final_accuracy": .number(result.summary.finalAccuracy),
                        ])))
            events.append(.relation(RelationRecord(.wasGeneratedBy, subject: curve, object: result.run)))
            events.append(
                .entity(
                    EntityRecord(
                        id: curveClass, kind: .curveClass,
                        name: "\(result.label) \(result.classification.curveClass.rawValue)", createdAt: time,
                        attributes: attributes(of: result))))
            events.append(.relation(RelationRecord(.wasDerivedFrom, subject: curveClass, object: curve, time: time)))
            events.append(.relation(RelationRecord(.wasAttributedTo, subject: curveClass, object: agentID)))
        }
        return events
    }

    /// The curve-class entity's attributes.
    static func attributes(of result: CurveResult) -> [String: JSONValue] {
        let c = result.classification
        func numbers(_ values: [String: Double]) -> JSONValue {
            .object(values.filter { $0.value.isFinite }.mapValues { .number($0) })
        }
        var attributes: [String: JSONValue] = [
            "class": .string(c.curveClass.rawValue),
            "labels": .array(c.labels.map { .string($0.rawValue) }),
            "metric": .string(result.metric),
            "evidence": numbers(c.evidence),
            "checks": .object(c.checks.mapValues { .bool($0) }),
            "thresholds": .object(
                Dictionary(
                    c.thresholds.map {
                        (
                            $0.name,
                            JSONValue.object([
                                "value": .number($0.value), "unit": .string($0.unit), "source": .string($0.source),
                            ])
                        )
                    }, uniquingKeysWith: { first, _ in first })),
        ]
        if let onset = c.onsetEpoch { attributes["onset_epoch"] = .number(onset) }
        if let chance = c.chanceLevel { attributes["chance_level"] = .number(chance) }
        if let classes = c.classCount { attributes["class_count"] = .number(Double(classes)) }
        if let p = result.prediction {
            var prediction: [String: JSONValue] = [
                "model": .string("a - b^(c - x)"), "converged": .bool(p.converged),
                "convergence_epoch": .number(p.convergenceEpoch), "predicted_accuracy": .number(p.predictedAccuracy),
                "epochs_saved": .number(p.epochsSaved), "xshift": .number(p.xshift),
                "thresholds": numbers(p.configuration.thresholds),
            ]
            if let abc = p.parameters, abc.allSatisfy(\.isFinite) {
                prediction["a"] = .number(abc[0])
                prediction["b"] = .number(abc[1])
                prediction["c"] = .number(abc[2])
            }
            if let observed = p.observedAccuracyAtPrediction { prediction["observed_accuracy"] = .number(observed) }
            attributes["penguin"] = .object(prediction)
        }
        return attributes
    }
}
