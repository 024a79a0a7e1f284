import ProvModel
public import ProvStore
public import Testing

/// One back-end-independent check of the ``ProvenanceStore`` contract.
///
/// A back-end's tests run every check of ``StoreConformance/checks`` as a separate parameterized case, each on a
/// fresh, empty store:
/// ```swift
/// @Test(arguments: StoreConformance.checks)
/// func conformance(_ check: StoreConformanceCheck) async throws {
///     try await check.run(try MyStore.makeEmpty())
/// }
/// ```
/// A check records its failures with `#expect` and `#require`, so it must run inside a Swift Testing test.
public struct StoreConformanceCheck: Sendable, CustomTestStringConvertible {
    /// What the check verifies, in a few words; unique within ``StoreConformance/checks``.
    public let name: String
    /// Runs the check against a fresh, empty store.
    public let run: @Sendable (any ProvenanceStore) async throws -> Void

    /// Creates a check.
    public init(_ name: String, _ run: @escaping @Sendable (any ProvenanceStore) async throws -> Void) {
        self.name = name
        self.run = run
    }

    /// The name, as test reports show the case.
    public var testDescription: String { name }
}

/// The store conformance suite: what every ``ProvenanceStore`` back-end must do, whatever its database.
///
/// The checks rely only on the parts of the taxonomy that every version has: `lr` and `learning_rate` classify to
/// ``ProvFixtures/learningRateTerm``, and keys such as `zz_unknown` classify to no term.
public enum StoreConformance {
    /// Every check, each to be run on a fresh, empty store.
    public static let checks: [StoreConformanceCheck] =
        [
            StoreConformanceCheck("an empty store holds nothing") { try await emptyStore($0) },
            StoreConformanceCheck("ingest stores and counts exactly what was sent") { try await ingestCampaign($0) },
            StoreConformanceCheck("re-ingesting the same events changes nothing") {
                try await reingestIsIdempotent($0)
            },
            StoreConformanceCheck("an id cannot be redefined as another node type") {
                try await redefinitionRefused($0)
            },
            StoreConformanceCheck("unknown references are refused and store nothing") {
                try await unknownReferencesRefused($0)
            },
            StoreConformanceCheck("a batch with one bad event stores nothing") { try await batchIsAtomic($0) },
            StoreConformanceCheck("relation endpoint types are checked") { try await relationEndpointTypes($0) },
            StoreConformanceCheck("parameters cannot change; tags update") { try await parametersAndTags($0) },
            StoreConformanceCheck("experiment names are unique") { try await experimentNamesUnique($0) },
            StoreConformanceCheck("a run cannot end before it started") { try await runEndBeforeStart($0) },
            StoreConformanceCheck("metric summaries and histories") { try await metricSummaries($0) },
            StoreConformanceCheck("metric summaries accumulate across ingests") { try await metricAccumulation($0) },
            StoreConformanceCheck("runs: experiments, ordering and limit") { try await runsByExperiment($0) },
            StoreConformanceCheck("runs: parameter conditions") { try await runsByParameter($0) },
            StoreConformanceCheck("runs: metric and tag conditions") { try await runsByMetricAndTag($0) },
            StoreConformanceCheck("runs: taxonomy terms") { try await runsByTerm($0) },
            StoreConformanceCheck("runs: status, kind, parent and combined conditions") {
                try await runsByStatusKindParent($0)
            },
            StoreConformanceCheck("runs: invalid conditions are refused") { try await runsInvalidQuery($0) },
            StoreConformanceCheck("runDetail describes a run completely") { try await runDetail($0) },
            StoreConformanceCheck("node summaries") { try await nodeSummaries($0) },
            StoreConformanceCheck("resolve finds nodes by id, prefix, name and location") { try await resolve($0) },
            StoreConformanceCheck("lineage up, down and both") { try await lineageDirections($0) },
            StoreConformanceCheck("lineage depth limits") { try await lineageDepthLimits($0) },
            StoreConformanceCheck("lineage terminates on cycles") { try await lineageCycles($0) },
            StoreConformanceCheck("lineage errors") { try await lineageErrors($0) },
            StoreConformanceCheck("keys are classified at ingest") { try await classification($0) },
        ] + trackingChecks + storedValueChecks + queryChecks
}

// MARK: - Helpers

/// A view of everything a store reports about its contents, to tell whether a refused ingest changed anything.
struct StoreSnapshot: Equatable {
    var statistics: StoreStatistics
    var runs: [RunSummary]
    var experiments: [ExperimentSummary]

    init(_ store: any ProvenanceStore) async throws {
        statistics = try await store.statistics()
        runs = try await store.runs(matching: RunFilter())
        experiments = try await store.experiments()
    }
}

extension StoreConformance {
    /// Identifiers that never collide with the fixtures' (which use ``SequentialIDGenerator``'s default time).
    static func otherIDs() -> SequentialIDGenerator {
        SequentialIDGenerator(milliseconds: 1_800_000_000_000)
    }

    /// Ingests the campaign into the store and returns it.
    static func ingestedCampaign(
        _ store: any ProvenanceStore, ids: SequentialIDGenerator = SequentialIDGenerator()
    )
        async throws -> CampaignFixture
    {
        let campaign = ProvFixtures.campaign(ids: ids)
        try await store.ingest(campaign.events)
        return campaign
    }

    /// Expects the ingest of `events` to be refused with an ``IngestError`` naming `eventIndex` and `field`,
    /// and the store's contents to be unchanged afterwards.
    static func expectRefused(
        _ store: any ProvenanceStore, _ events: [ProvEvent], eventIndex: Int, field: String?,
        _ comment: Comment? = nil, sourceLocation: SourceLocation = #_sourceLocation
    ) async throws {
        let before = try await StoreSnapshot(store)
        let error = await #expect(throws: IngestError.self, comment, sourceLocation: sourceLocation) {
            try await store.ingest(events)
        }
        if let error {
            #expect(error.eventIndex == eventIndex, comment, sourceLocation: sourceLocation)
            #expect(error.field == field, comment, sourceLocation: sourceLocation)
            #expect(!error.message.isEmpty, comment, sourceLocation: sourceLocation)
        }
        let after = try await StoreSnapshot(store)
        #expect(after == before, "a refused ingest changed the store", sourceLocation: sourceLocation)
    }

    /// Expects `body` to throw a ``StoreError`` with `code`.
    static func expectStoreError<R>(
        _ code: StoreError.Code, _ comment: Comment? = nil, sourceLocation: SourceLocation = #_sourceLocation,
        _ body: () async throws -> R
    ) async {
        let error = await #expect(throws: StoreError.self, comment, sourceLocation: sourceLocation) {
            _ = try await body()
        }
        if let error {
            #expect(error.code == code, comment, sourceLocation: sourceLocation)
            #expect(!error.message.isEmpty, comment, sourceLocation: sourceLocation)
        }
    }

    /// The identifiers of runs, in order.
    static func runIDs(_ runs: [RunSummary]) -> [ProvID] { runs.map(\.id) }

    /// The identifiers of the runs a filter matches, in the order the store returns them.
    static func matching(_ store: any ProvenanceStore, _ filter: RunFilter) async throws -> [ProvID] {
        runIDs(try await store.runs(matching: filter))
    }

    /// A condition from its text form, such as `lr<=0.01`.
    static func condition(_ text: String) -> KeyCondition {
        guard let condition = KeyCondition(parsing: text) else {
            preconditionFailure("not a condition: \(text)")
        }
        return condition
    }

    /// The nodes of a lineage graph with their depths; records an issue when a node appears twice.
    static func depths(_ graph: LineageGraph, sourceLocation: SourceLocation = #_sourceLocation) -> [ProvID: Int] {
        let ids = graph.nodes.map(\.node.id)
        #expect(Set(ids).count == ids.count, "a lineage node appears more than once", sourceLocation: sourceLocation)
        return Dictionary(graph.nodes.map { ($0.node.id, $0.depth) }, uniquingKeysWith: { Swift.min($0, $1) })
    }

    /// Records an issue unless the graph lists its root first and its nodes by non-decreasing depth.
    static func expectOrdered(_ graph: LineageGraph, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(graph.nodes.first?.node.id == graph.root, "the root comes first", sourceLocation: sourceLocation)
        #expect(graph.nodes.first?.depth == 0, sourceLocation: sourceLocation)
        let depths = graph.nodes.map(\.depth)
        #expect(depths == depths.sorted(), "nodes are listed by depth", sourceLocation: sourceLocation)
    }

    /// The dashed 8-4-4-4-12 form of an identifier.
    static func dashed(_ id: ProvID) -> String {
        let hex = Array(id.hex)
        let groups = [0..<8, 8..<12, 12..<16, 16..<20, 20..<32].map { String(hex[$0]) }
        return groups.joined(separator: "-")
    }

    /// Two doubles are the same value (NaN equals NaN).
    static func same(_ lhs: Double, _ rhs: Double) -> Bool {
        lhs == rhs || (lhs.isNaN && rhs.isNaN)
    }
}

// MARK: - Ingest

extension StoreConformance {
    static func emptyStore(_ store: any ProvenanceStore) async throws {
        #expect(
            try await store.statistics()
                == StoreStatistics(
                    experiments: 0, runs: 0, entities: 0, agents: 0, relations: 0, parameters: 0, tags: 0,
                    metricSeries: 0, metricPoints: 0, telemetrySamples: 0))
        #expect(try await store.experiments().isEmpty)
        #expect(try await store.runs(matching: RunFilter()).isEmpty)
        #expect(try await store.ingestCounting([]) == IngestSummary())
        #expect(try await store.runDetail(SequentialIDGenerator().next()) == nil)
        #expect(try await store.resolve("train").isEmpty)
    }

    static func ingestCampaign(_ store: any ProvenanceStore) async throws {
        let campaign = ProvFixtures.campaign(ids: SequentialIDGenerator())
        let ids = campaign.ids
        let summary = try await store.ingestCounting(campaign.events)

        // The fixture's expected counts agree with its events.
        let expected = campaign.expectedStatistics
        var metricEvents = 0
        var telemetryEvents = 0
        var architectureEvents = 0
        var relationEvents = 0
        for event in campaign.events {
            switch event {
            case .metric: metricEvents += 1
            case .telemetry: telemetryEvents += 1
            case .architecture: architectureEvents += 1
            case .relation: relationEvents += 1
            default: break
            }
        }
        #expect(metricEvents == expected.metricPoints)
        #expect(telemetryEvents == expected.telemetrySamples)
        #expect(relationEvents == expected.relations)

        var expectedSummary = IngestSummary()
        expectedSummary.events = campaign.events.count
        expectedSummary.experiments = expected.experiments
        expectedSummary.runs = expected.runs
        expectedSummary.entities = expected.entities
        expectedSummary.agents = expected.agents
        expectedSummary.relations = expected.relations
        expectedSummary.parameters = expected.parameters
        expectedSummary.tags = expected.tags
        expectedSummary.metricPoints = expected.metricPoints
        expectedSummary.telemetrySamples = expected.telemetrySamples
        expectedSummary.architectures = architectureEvents
        #expect(summary == expectedSummary)
        #expect(try await store.statistics() == expected)

        let experiments = try await store.experiments()
        #expect(
            experiments == [
                ExperimentSummary(
                    id: ids.experiment, name: campaign.experimentName,
                    description: "A small training campaign for store tests", createdAt: ProvFixtures.time(0),
                    runCount: 4, tags: ["project": "provkit"])
            ])

        let runs = try await store.runs(matching: RunFilter())
        #expect(Set(runIDs(runs)) == Set(ids.runs))
        let train = try #require(runs.first { $0.id == ids.train })
        #expect(
            train
                == RunSummary(
                    id: ids.train, name: CampaignFixture.trainName, kind: .task, status: .finished,
                    experimentID: ids.experiment, experimentName: campaign.experimentName, parentID: ids.workflow,
                    startedAt: ProvFixtures.time(10), endedAt: ProvFixtures.time(95)))
        let workflow = try #require(runs.first { $0.id == ids.workflow })
        #expect(workflow.kind == .workflow)
        #expect(workflow.parentID == nil)
        #expect(workflow.status == .failed)
        let step = try #require(runs.first { $0.id == ids.step })
        #expect(step.kind == .step)
        #expect(step.parentID == ids.train)
    }

    static func reingestIsIdempotent(_ store: any ProvenanceStore) async throws {
        let campaign = try await ingestedCampaign(store)
        let ids = campaign.ids
        let before = try await StoreSnapshot(store)
        let trainBefore = try await store.runDetail(ids.train)
        let workflowBefore = try await store.runDetail(ids.workflow)
        let lossBefore = try await store.metricHistory(run: ids.train, key: "loss")

        let again = try await store.ingestCounting(campaign.events)
        #expect(again.events == campaign.events.count)
        #expect(again.experiments == 0)
        #expect(again.runs == 0)
        #expect(again.entities == 0)
        #expect(again.agents == 0)
        #expect(again.relations == 0, "a re-sent relation is not new")
        #expect(again.parameters == 0, "a re-sent parameter is not new")
        #expect(again.metricPoints == 0, "a re-sent metric point is not new")
        #expect(again.telemetrySamples == 0, "a re-sent telemetry sample is not new")

        // Once more, split into two batches at an arbitrary point.
        let middle = campaign.events.count / 2
        try await store.ingest(Array(campaign.events[..<middle]))
        try await store.ingest(Array(campaign.events[middle...]))

        let after = try await StoreSnapshot(store)
        #expect(after == before)
        #expect(after.statistics == campaign.expectedStatistics)
        #expect(try await store.runDetail(ids.train) == trainBefore)
        #expect(try await store.runDetail(ids.workflow) == workflowBefore)
        #expect(try await store.metricHistory(run: ids.train, key: "loss") == lossBefore)
        #expect(lossBefore.count == 4)
    }

    static func redefinitionRefused(_ store: any ProvenanceStore) async throws {
        let campaign = try await ingestedCampaign(store)
        let ids = campaign.ids
        let cases: [(String, ProvEvent)] = [
            ("a run's id as an experiment", .experiment(ExperimentRecord(id: ids.train, name: "another-experiment"))),
            ("an agent's id as an entity", .entity(EntityRecord(id: ids.person, kind: .dataset, name: "person?"))),
            (
                "an entity's id as a run",
                .runStart(RunStart(id: ids.dataset, experiment: ids.experiment, startedAt: ProvFixtures.time(5)))
            ),
            ("an experiment's id as an agent", .agent(AgentRecord(id: ids.experiment, kind: .person, name: "x"))),
        ]
        for (label, event) in cases {
            try await expectRefused(store, [event], eventIndex: 0, field: "id", Comment(rawValue: label))
        }
        // The same id with its own type is fine.
        try await store.ingest([.agent(AgentRecord(id: ids.person, kind: .person, name: "Ada Lovelace"))])
        #expect(try await store.statistics() == campaign.expectedStatistics)
    }

    static func unknownReferencesRefused(_ store: any ProvenanceStore) async throws {
        let campaign = try await ingestedCampaign(store)
        let ids = campaign.ids
        let other = otherIDs()
        let experiment = other.next()
        let run = other.next()
        let unknown = other.next()
        let fresh = other.next()
        let now = ProvFixtures.time(500)
        // Two valid events that would define new nodes, so that a partial write would show.
        let prefix: [ProvEvent] = [
            .experiment(ExperimentRecord(id: experiment, name: "unknown-references")),
            .runStart(RunStart(id: run, experiment: experiment, startedAt: now)),
        ]
        let cases: [(String, ProvEvent, String)] = [
            (
                "run_start of an unknown experiment",
                .runStart(RunStart(id: fresh, experiment: unknown, startedAt: now)), "experiment"
            ),
            (
                "run_start with an unknown parent",
                .runStart(RunStart(id: fresh, experiment: experiment, parent: unknown, startedAt: now)), "parent"
            ),
            ("parameter of an unknown run", .parameter(ParameterRecord(run: unknown, key: "lr", value: "0.1")), "run"),
            ("metric of an unknown run", .metric(MetricPoint(run: unknown, key: "loss", value: 1, step: 0)), "run"),
            ("tag on an unknown run", .tag(TagRecord(target: unknown, key: "stage", value: "x")), "run"),
            (
                "telemetry of an unknown run",
                .telemetry(TelemetrySample(run: unknown, time: now, values: ["cpu_percent": 1])), "run"
            ),
            (
                "architecture of an unknown run",
                .architecture(ArchitectureRecord(run: unknown, layers: CampaignFixture.layers)), "run"
            ),
            (
                "architecture of an unknown model",
                .architecture(ArchitectureRecord(run: run, model: unknown, layers: CampaignFixture.layers)), "model"
            ),
            (
                "relation with an unknown subject",
                .relation(RelationRecord(.used, subject: unknown, object: ids.dataset)), "subject"
            ),
            (
                "relation with an unknown object",
                .relation(RelationRecord(.used, subject: run, object: unknown)), "object"
            ),
            ("run_end of an unknown run", .runEnd(RunEnd(run: unknown, status: .finished, endedAt: now)), "id"),
        ]
        for (label, event, field) in cases {
            try await expectRefused(store, prefix + [event], eventIndex: 2, field: field, Comment(rawValue: label))
        }
        // A reference to a node that the batch defines only later is a reference to an unknown node.
        try await expectRefused(
            store, [.parameter(ParameterRecord(run: run, key: "lr", value: "0.1"))] + prefix, eventIndex: 0,
            field: "run", "a parameter before its run's start")
        #expect(try await store.statistics() == campaign.expectedStatistics)
        #expect(try await store.node(experiment) == nil)
        #expect(try await store.node(run) == nil)
    }

    static func batchIsAtomic(_ store: any ProvenanceStore) async throws {
        let ids = SequentialIDGenerator()
        let campaign = ProvFixtures.campaign(ids: ids)
        let unknown = otherIDs().next()
        let bad = ProvEvent.parameter(ParameterRecord(run: unknown, key: "lr", value: "0.1"))

        // Into an empty store: the whole campaign, then one bad event.
        try await expectRefused(
            store, campaign.events + [bad], eventIndex: campaign.events.count, field: "run", "bad event last")
        let empty = try await store.statistics()
        #expect(empty.experiments == 0 && empty.runs == 0 && empty.entities == 0 && empty.agents == 0)
        #expect(empty.relations == 0 && empty.parameters == 0 && empty.tags == 0)
        #expect(empty.metricSeries == 0 && empty.metricPoints == 0 && empty.telemetrySamples == 0)
        #expect(try await store.node(campaign.ids.train) == nil)
        #expect(try await store.resolve(CampaignFixture.datasetName).isEmpty)

        // The bad event in the middle of the batch.
        var events = campaign.events
        events.insert(bad, at: 20)
        try await expectRefused(store, events, eventIndex: 20, field: "run", "bad event in the middle")

        // Into a store that holds data: nothing of the batch is added, nothing held is changed.
        let sweep = ProvFixtures.sweep(ids: ids)
        try await store.ingest(sweep.events)
        let tagChange = ProvEvent.tag(TagRecord(target: sweep.runs[0], key: "team", value: "changed"))
        try await expectRefused(
            store, [tagChange] + campaign.events + [bad], eventIndex: campaign.events.count + 1, field: "run",
            "bad event after changes to held data")
        let detail = try #require(try await store.runDetail(sweep.runs[0]))
        #expect(detail.tags.first { $0.key == "team" }?.value == "vision")

        // The refused batches left nothing behind: the campaign alone goes in and counts as new.
        let summary = try await store.ingestCounting(campaign.events)
        #expect(summary.runs == 4)
        #expect(summary.metricPoints == campaign.expectedStatistics.metricPoints)
        let statistics = try await store.statistics()
        #expect(statistics.runs == 4 + sweep.runs.count)
        #expect(statistics.relations == campaign.expectedStatistics.relations)
    }

    static func relationEndpointTypes(_ store: any ProvenanceStore) async throws {
        let campaign = try await ingestedCampaign(store)
        let ids = campaign.ids
        let cases: [(String, RelationRecord, String)] = [
            ("used with an agent as object", RelationRecord(.used, subject: ids.train, object: ids.person), "object"),
            (
                "used with an entity as subject", RelationRecord(.used, subject: ids.model, object: ids.dataset),
                "subject"
            ),
            (
                "wasGeneratedBy with an entity as object",
                RelationRecord(.wasGeneratedBy, subject: ids.model, object: ids.dataset), "object"
            ),
            (
                "wasGeneratedBy with a run as subject",
                RelationRecord(.wasGeneratedBy, subject: ids.train, object: ids.workflow), "subject"
            ),
            (
                "wasAssociatedWith with an entity as object",
                RelationRecord(.wasAssociatedWith, subject: ids.train, object: ids.dataset), "object"
            ),
            (
                "actedOnBehalfOf with a run as subject",
                RelationRecord(.actedOnBehalfOf, subject: ids.train, object: ids.person), "subject"
            ),
            (
                "wasDerivedFrom with a run as object",
                RelationRecord(.wasDerivedFrom, subject: ids.model, object: ids.train), "object"
            ),
            (
                "wasInformedBy with an entity as object",
                RelationRecord(.wasInformedBy, subject: ids.evaluate, object: ids.model), "object"
            ),
            (
                "hadMember with an agent as subject",
                RelationRecord(.hadMember, subject: ids.person, object: ids.train), "subject"
            ),
            (
                "hadMember with an agent as object",
                RelationRecord(.hadMember, subject: ids.experiment, object: ids.person), "object"
            ),
        ]
        for (label, record, field) in cases {
            try await expectRefused(store, [.relation(record)], eventIndex: 0, field: field, Comment(rawValue: label))
        }
        // Allowed endpoint types go in.
        let summary = try await store.ingestCounting([
            .relation(RelationRecord(.hadMember, subject: ids.experiment, object: ids.dataset)),
            .relation(RelationRecord(.wasAttributedTo, subject: ids.model, object: ids.person)),
        ])
        #expect(summary.relations == 2)
        #expect(try await store.statistics().relations == campaign.expectedStatistics.relations + 2)
    }

    static func parametersAndTags(_ store: any ProvenanceStore) async throws {
        let campaign = try await ingestedCampaign(store)
        let ids = campaign.ids
        try await expectRefused(
            store, [.parameter(ParameterRecord(run: ids.train, key: "lr", value: "0.02"))], eventIndex: 0,
            field: "value", "a changed parameter")
        try await expectRefused(
            store,
            [
                .parameter(ParameterRecord(run: ids.step, key: "momentum", value: "0.9")),
                .parameter(ParameterRecord(run: ids.step, key: "momentum", value: "0.8")),
            ], eventIndex: 1, field: "value", "a parameter changed within one batch")

        // The same value again is fine, and not new.
        let same = try await store.ingestCounting([
            .parameter(ParameterRecord(run: ids.train, key: "lr", value: "0.01"))
        ])
        #expect(same.parameters == 0)
        let added = try await store.ingestCounting([
            .parameter(ParameterRecord(run: ids.train, key: "momentum", value: "0.9")),
            .parameter(ParameterRecord(run: ids.train, key: "momentum", value: "0.9")),
        ])
        #expect(added.parameters == 1)

        // Tags take their latest value.
        try await store.ingest([
            .tag(TagRecord(target: ids.train, key: "stage", value: "tuning")),
            .tag(TagRecord(target: ids.train, key: "stage", value: "done")),
            .tag(TagRecord(target: ids.experiment, targetType: .experiment, key: "project", value: "provkit-2")),
        ])
        let detail = try #require(try await store.runDetail(ids.train))
        #expect(detail.parameters.first { $0.key == "lr" }?.value == "0.01")
        #expect(detail.parameters.first { $0.key == "momentum" }?.value == "0.9")
        #expect(detail.tags.filter { $0.key == "stage" }.map(\.value) == ["done"])
        let statistics = try await store.statistics()
        #expect(statistics.parameters == campaign.expectedStatistics.parameters + 1)
        #expect(statistics.tags == campaign.expectedStatistics.tags)
        #expect(try await store.experiments().first?.tags == ["project": "provkit-2"])
    }

    static func experimentNamesUnique(_ store: any ProvenanceStore) async throws {
        let campaign = try await ingestedCampaign(store)
        let other = otherIDs()
        let second = other.next()
        try await expectRefused(
            store,
            [
                .experiment(ExperimentRecord(id: other.next(), name: "fine")),
                .experiment(ExperimentRecord(id: second, name: campaign.experimentName)),
            ], eventIndex: 1, field: "name", "a second experiment with a taken name")
        // Two new experiments with one name in the same batch.
        try await expectRefused(
            store,
            [
                .experiment(ExperimentRecord(id: second, name: "twice")),
                .experiment(ExperimentRecord(id: other.next(), name: "twice")),
            ], eventIndex: 1, field: "name", "two experiments named alike in one batch")
        // Renaming an experiment to a taken name.
        try await store.ingest([.experiment(ExperimentRecord(id: second, name: "second"))])
        try await expectRefused(
            store, [.experiment(ExperimentRecord(id: second, name: campaign.experimentName))], eventIndex: 0,
            field: "name", "a rename to a taken name")
        // The same experiment again is fine.
        try await store.ingest([
            .experiment(ExperimentRecord(id: campaign.ids.experiment, name: campaign.experimentName))
        ])
        #expect(try await store.experiments().map(\.name).sorted() == [campaign.experimentName, "second"].sorted())
    }

    static func runEndBeforeStart(_ store: any ProvenanceStore) async throws {
        let campaign = try await ingestedCampaign(store)
        let ids = campaign.ids
        try await expectRefused(
            store, [.runEnd(RunEnd(run: ids.train, status: .finished, endedAt: ProvFixtures.time(9)))], eventIndex: 0,
            field: "time", "an end before the stored start")
        let other = otherIDs()
        let run = other.next()
        try await expectRefused(
            store,
            [
                .runStart(RunStart(id: run, experiment: ids.experiment, startedAt: ProvFixtures.time(300))),
                .runEnd(RunEnd(run: run, status: .finished, endedAt: ProvFixtures.time(299.999999))),
            ], eventIndex: 1, field: "time", "an end before a start in the same batch")
        // Ending at the very start is allowed.
        try await store.ingest([
            .runStart(RunStart(id: run, experiment: ids.experiment, startedAt: ProvFixtures.time(300))),
            .runEnd(RunEnd(run: run, status: .killed, endedAt: ProvFixtures.time(300))),
        ])
        let detail = try #require(try await store.runDetail(run))
        #expect(detail.run.status == .killed)
        #expect(detail.run.endedAt == ProvFixtures.time(300))
        #expect(detail.run.kind == .workflow)
    }
}

// MARK: - Metrics

extension StoreConformance {
    static func metricSummaries(_ store: any ProvenanceStore) async throws {
        let campaign = try await ingestedCampaign(store)
        let ids = campaign.ids
        let detail = try #require(try await store.runDetail(ids.train))
        let metrics = Dictionary(detail.metrics.map { ($0.key, $0) }, uniquingKeysWith: { first, _ in first })
        #expect(detail.metrics.count == 3)

        let loss = try #require(metrics["loss"])
        #expect(loss.count == 4)
        #expect(loss.last == 0.6, "the value at the highest step, not the last to arrive")
        #expect(loss.lastStep == 3)
        #expect(loss.min == 0.6, "NaN is ignored")
        #expect(loss.max == 2.3, "NaN is ignored")

        let score = try #require(metrics["score"])
        #expect(score.count == 3)
        #expect(score.last == .infinity)
        #expect(score.lastStep == 2)
        #expect(score.min == -.infinity)
        #expect(score.max == .infinity)

        let lr = try #require(metrics["lr"])
        #expect(lr.count == 2)
        #expect(lr.last == 0.005)
        #expect(lr.term == ProvFixtures.learningRateTerm)

        let stepLoss = try #require(try await store.runDetail(ids.step)?.metrics.first)
        #expect(stepLoss.key == "loss" && stepLoss.count == 1 && stepLoss.last == 1.9)

        // Histories come in step order and keep NaN, infinities, times and epochs.
        let history = try await store.metricHistory(run: ids.train, key: "loss")
        let expected = [(Int64(0), 2.3), (1, 1.2), (2, Double.nan), (3, 0.6)].map { step, value in
            MetricPoint(
                run: ids.train, key: "loss", value: value, step: step,
                time: ProvFixtures.time(30 + Double(step)), epoch: Double(step) / 2)
        }
        #expect(history == expected)
        #expect(history.map(\.step) == [0, 1, 2, 3])
        #expect(history[2].value.isNaN)
        let scores = try await store.metricHistory(run: ids.train, key: "score")
        #expect(scores.map(\.value) == [-.infinity, 0.5, .infinity])
        #expect(try await store.metricHistory(run: ids.train, key: "zz_unknown").isEmpty)
        #expect(try await store.metricHistory(run: otherIDs().next(), key: "loss").isEmpty)

        // Series of only infinities or only NaN.
        let run = otherIDs().next()
        try await store.ingest([
            .runStart(RunStart(id: run, experiment: ids.experiment, startedAt: ProvFixtures.time(400))),
            .metric(MetricPoint(run: run, key: "diverged", value: .infinity, step: 0)),
            .metric(MetricPoint(run: run, key: "diverged", value: .infinity, step: 1)),
            .metric(MetricPoint(run: run, key: "collapsed", value: -.infinity, step: 0)),
            .metric(MetricPoint(run: run, key: "undefined", value: .nan, step: 0)),
            .metric(MetricPoint(run: run, key: "undefined", value: .nan, step: 1)),
            .metric(MetricPoint(run: run, key: "ends_nan", value: 1.5, step: 1)),
            .metric(MetricPoint(run: run, key: "ends_nan", value: .nan, step: 5)),
        ])
        let special = try #require(try await store.runDetail(run))
        let byKey = Dictionary(special.metrics.map { ($0.key, $0) }, uniquingKeysWith: { first, _ in first })
        let diverged = try #require(byKey["diverged"])
        #expect(diverged.count == 2 && diverged.last == .infinity)
        #expect(diverged.min == .infinity, "a series of +infinity has +infinity as its minimum")
        #expect(diverged.max == .infinity)
        let collapsed = try #require(byKey["collapsed"])
        #expect(collapsed.min == -.infinity)
        #expect(collapsed.max == -.infinity, "a series of -infinity has -infinity as its maximum")
        let undefined = try #require(byKey["undefined"])
        #expect(undefined.count == 2)
        #expect(undefined.last.isNaN && undefined.min.isNaN && undefined.max.isNaN)
        let endsNaN = try #require(byKey["ends_nan"])
        #expect(endsNaN.last.isNaN, "the value at the highest step is NaN")
        #expect(endsNaN.lastStep == 5)
        #expect(endsNaN.min == 1.5 && endsNaN.max == 1.5)
    }

    static func metricAccumulation(_ store: any ProvenanceStore) async throws {
        let other = otherIDs()
        let experiment = other.next()
        let run = other.next()
        func point(_ step: Int64, _ value: Double, at seconds: Double) -> ProvEvent {
            .metric(MetricPoint(run: run, key: "acc", value: value, step: step, time: ProvFixtures.time(seconds)))
        }
        func summary() async throws -> MetricSummary {
            let detail = try #require(try await store.runDetail(run))
            return try #require(detail.metrics.first { $0.key == "acc" })
        }
        try await store.ingest([
            .experiment(ExperimentRecord(id: experiment, name: "accumulation")),
            .runStart(RunStart(id: run, experiment: experiment, startedAt: ProvFixtures.time(0))),
            point(5, 0.5, at: 5), point(2, 0.9, at: 2),
        ])
        var current = try await summary()
        #expect(current.count == 2 && current.last == 0.5 && current.lastStep == 5)
        #expect(current.min == 0.5 && current.max == 0.9)

        // A lower step does not replace the last value; a higher one does; extremes widen.
        try await store.ingest([point(3, 0.1, at: 3), point(7, 0.6, at: 7), point(6, 1.2, at: 6)])
        current = try await summary()
        #expect(current.count == 5 && current.last == 0.6 && current.lastStep == 7)
        #expect(current.min == 0.1 && current.max == 1.2)

        // A NaN at a higher step becomes the last value but leaves min and max alone.
        try await store.ingest([point(8, .nan, at: 8)])
        current = try await summary()
        #expect(current.count == 6 && current.last.isNaN && current.lastStep == 8)
        #expect(current.min == 0.1 && current.max == 1.2)

        // Infinities count as extremes; on equal steps the later time wins.
        try await store.ingest([point(9, -.infinity, at: 9)])
        try await store.ingest([point(9, 2.0, at: 10), point(9, 3.0, at: 9.5)])
        current = try await summary()
        #expect(current.count == 9)
        #expect(current.last == 2.0 && current.lastStep == 9)
        #expect(current.min == -.infinity && current.max == 3.0)

        let history = try await store.metricHistory(run: run, key: "acc")
        #expect(history.count == 9)
        #expect(history.map(\.step) == [2, 3, 5, 6, 7, 8, 9, 9, 9])
        #expect(try await store.statistics().metricPoints == 9)
        #expect(try await store.statistics().metricSeries == 1)
    }
}

// MARK: - Run queries

extension StoreConformance {
    /// The campaign and the sweep in one store: eight runs in two experiments.
    static func campaignAndSweep(_ store: any ProvenanceStore) async throws -> (CampaignFixture, SweepFixture) {
        let ids = SequentialIDGenerator()
        let campaign = ProvFixtures.campaign(ids: ids)
        let sweep = ProvFixtures.sweep(ids: ids)
        try await store.ingest(campaign.events)
        try await store.ingest(sweep.events)
        return (campaign, sweep)
    }

    static func runsByExperiment(_ store: any ProvenanceStore) async throws {
        let (campaign, sweep) = try await campaignAndSweep(store)
        let c = campaign.ids
        let s = sweep.runs
        let newestFirst = [s[3], s[2], s[1], s[0], c.evaluate, c.step, c.train, c.workflow]
        let all = try await store.runs(matching: RunFilter())
        #expect(runIDs(all) == newestFirst)
        #expect(all.map(\.startedAt) == all.map(\.startedAt).sorted(by: >))

        #expect(try await matching(store, RunFilter(experiments: [sweep.experimentName])) == Array(s.reversed()))
        #expect(try await matching(store, RunFilter(experiments: [sweep.experiment.hex])) == Array(s.reversed()))
        #expect(
            try await matching(store, RunFilter(experiments: [campaign.experimentName]))
                == [c.evaluate, c.step, c.train, c.workflow])
        #expect(
            try await matching(store, RunFilter(experiments: [campaign.experimentName, sweep.experiment.hex]))
                == newestFirst)
        #expect(try await matching(store, RunFilter(experiments: ["no-such-experiment"])).isEmpty)

        #expect(try await matching(store, RunFilter(limit: 2)) == [s[3], s[2]])
        #expect(try await matching(store, RunFilter(limit: 100)) == newestFirst)
        #expect(try await matching(store, RunFilter(limit: 0)).isEmpty)
        #expect(try await matching(store, RunFilter(experiments: [campaign.experimentName], limit: 1)) == [c.evaluate])
    }

    static func runsByParameter(_ store: any ProvenanceStore) async throws {
        let (campaign, sweep) = try await campaignAndSweep(store)
        let train = campaign.ids.train
        let s = sweep.runs
        let cases: [(String, [ProvID])] = [
            ("lr<0.01", [s[0]]),
            ("lr<=0.01", [s[1], s[0], train]),
            ("lr>0.01", [s[2]]),
            ("lr>=0.01", [s[2], s[1], train]),
            ("lr=0.01", [s[1], train]),
            ("lr=1e-2", [s[1], train]),
            ("lr!=0.01", [s[2], s[0]]),
            ("lr>1", []),
            ("optimizer=SGD", [s[2], s[1], train]),
            ("optimizer!=SGD", [s[0]]),
            ("optimizer=sgd", []),
            ("batch_size=128", [train]),
            ("zz_unknown=x", [s[3]]),
            ("no_such_key=1", []),
        ]
        for (text, expected) in cases {
            let found = try await matching(store, RunFilter(parameters: [condition(text)]))
            #expect(found == expected, Comment(rawValue: text))
        }
        // Conditions combine with AND.
        #expect(
            try await matching(store, RunFilter(parameters: [condition("lr<=0.01"), condition("optimizer=SGD")]))
                == [s[1], train])
        // A numeric comparison never matches text values.
        #expect(try await matching(store, RunFilter(parameters: [condition("optimizer>0")])).isEmpty)
    }

    static func runsByMetricAndTag(_ store: any ProvenanceStore) async throws {
        let (campaign, sweep) = try await campaignAndSweep(store)
        let c = campaign.ids
        let s = sweep.runs
        let metricCases: [(String, [ProvID])] = [
            ("accuracy>0.75", [s[1], c.evaluate]),
            ("accuracy<0.5", [s[2]]),  // the latest value (step 1: 0.2), not the last to arrive (0.9)
            ("accuracy>=0.7", [s[1], s[0], c.evaluate]),
            ("accuracy<=0.7", [s[2], s[0]]),
            ("accuracy=0.85", [s[1]]),
            ("accuracy!=0.85", [s[2], s[0], c.evaluate]),
            ("loss<1", [c.train]),
            ("loss>1", [c.step]),
            ("no_such_metric>0", []),
        ]
        for (text, expected) in metricCases {
            let found = try await matching(store, RunFilter(metrics: [condition(text)]))
            #expect(found == expected, Comment(rawValue: text))
        }
        #expect(
            try await matching(store, RunFilter(metrics: [condition("accuracy>0.5"), condition("accuracy<0.9")]))
                == [s[1], s[0]])

        let tagCases: [(String, [ProvID])] = [
            ("team=vision", [s[1], s[0]]),
            ("team!=vision", [s[2]]),
            ("team=nlp", [s[2]]),
            ("stage=training", [c.train]),
            ("owner=ada", [c.workflow]),
            ("team=robotics", []),
        ]
        for (text, expected) in tagCases {
            let found = try await matching(store, RunFilter(tags: [condition(text)]))
            #expect(found == expected, Comment(rawValue: text))
        }
        #expect(
            try await matching(store, RunFilter(metrics: [condition("accuracy>0.6")], tags: [condition("team=vision")]))
                == [s[1], s[0]])
    }

    static func runsByTerm(_ store: any ProvenanceStore) async throws {
        let (campaign, sweep) = try await campaignAndSweep(store)
        let s = sweep.runs
        // Runs with a key classified as the learning rate: `lr` parameters and the `lr` metric of `train`.
        let learningRate = [s[2], s[1], s[0], campaign.ids.train]
        let term = ProvFixtures.learningRateTerm
        #expect(try await matching(store, RunFilter(terms: [term])) == learningRate)
        // Prefixes on segment boundaries and layers include the term; other taxonomy versions may classify more.
        for prefix in ["model.hyperparameter", "model"] {
            let found = try await matching(store, RunFilter(terms: [prefix]))
            #expect(Set(learningRate).isSubset(of: Set(found)), Comment(rawValue: prefix))
            #expect(!found.contains(s[3]), "a run whose keys fit no term")
        }
        // A prefix must end at a segment boundary.
        for prefix in ["model.hyper", "model.hyperparameter.learning", "mod", "zz_unknown"] {
            #expect(try await matching(store, RunFilter(terms: [prefix])).isEmpty, Comment(rawValue: prefix))
        }
        // Several terms combine with AND.
        #expect(try await matching(store, RunFilter(terms: [term, "model"])) == learningRate)
        #expect(try await matching(store, RunFilter(terms: [term, "zz_unknown"])).isEmpty)
        #expect(
            try await matching(store, RunFilter(experiments: [sweep.experimentName], terms: [term]))
                == [s[2], s[1], s[0]])
    }

    static func runsByStatusKindParent(_ store: any ProvenanceStore) async throws {
        let (campaign, sweep) = try await campaignAndSweep(store)
        let c = campaign.ids
        let s = sweep.runs
        #expect(try await matching(store, RunFilter(statuses: [.failed])) == [s[2], c.evaluate, c.workflow])
        #expect(try await matching(store, RunFilter(statuses: [.running])) == [s[3]])
        #expect(try await matching(store, RunFilter(statuses: [.finished])) == [s[1], s[0], c.step, c.train])
        #expect(try await matching(store, RunFilter(statuses: [.finished, .failed])).count == 7)
        #expect(try await matching(store, RunFilter(statuses: [.killed])).isEmpty)

        #expect(try await matching(store, RunFilter(kinds: [.step])) == [c.step])
        #expect(try await matching(store, RunFilter(kinds: [.task])) == [c.evaluate, c.train])
        #expect(try await matching(store, RunFilter(kinds: [.workflow])) == [s[3], s[2], s[1], s[0], c.workflow])
        #expect(try await matching(store, RunFilter(kinds: [.task, .step])) == [c.evaluate, c.step, c.train])

        #expect(try await matching(store, RunFilter(parent: c.workflow)) == [c.evaluate, c.train])
        #expect(try await matching(store, RunFilter(parent: c.train)) == [c.step])
        #expect(try await matching(store, RunFilter(parent: c.step)).isEmpty)

        // Everything together: each condition narrows the result.
        #expect(
            try await matching(
                store,
                RunFilter(
                    experiments: [sweep.experimentName], parameters: [condition("optimizer=SGD")],
                    statuses: [.finished])) == [s[1]])
        #expect(
            try await matching(
                store,
                RunFilter(
                    experiments: [campaign.experimentName], parameters: [condition("lr<=0.01")],
                    metrics: [condition("loss<1")], tags: [condition("stage=training")],
                    terms: [ProvFixtures.learningRateTerm], statuses: [.finished], kinds: [.task],
                    parent: c.workflow, limit: 5)) == [c.train])
        #expect(
            try await matching(store, RunFilter(kinds: [.task], parent: c.workflow, limit: 1)) == [c.evaluate])
        #expect(try await matching(store, RunFilter(statuses: [.failed], kinds: [.step])).isEmpty)
    }

    static func runsInvalidQuery(_ store: any ProvenanceStore) async throws {
        _ = try await campaignAndSweep(store)
        for text in ["lr>abc", "lr<=", "lr<high", "lr>=x1"] {
            await expectStoreError(.invalidQuery, Comment(rawValue: text)) {
                try await store.runs(matching: RunFilter(parameters: [condition(text)]))
            }
        }
        await expectStoreError(.invalidQuery, "a tag condition") {
            try await store.runs(matching: RunFilter(tags: [condition("team>vision")]))
        }
        await expectStoreError(.invalidQuery, "a metric condition") {
            try await store.runs(matching: RunFilter(metrics: [condition("accuracy>high")]))
        }
    }
}

// MARK: - Run detail, nodes, resolve

extension StoreConformance {
    static func runDetail(_ store: any ProvenanceStore) async throws {
        let campaign = try await ingestedCampaign(store)
        let ids = campaign.ids
        let detail = try #require(try await store.runDetail(ids.train))
        #expect(detail.run.id == ids.train)
        #expect(detail.run.name == CampaignFixture.trainName)
        #expect(detail.run.status == .finished)
        #expect(detail.run.parentID == ids.workflow)

        let parameters = Dictionary(detail.parameters.map { ($0.key, $0) }, uniquingKeysWith: { first, _ in first })
        #expect(detail.parameters.count == 4)
        #expect(parameters["lr"] == ClassifiedValue(key: "lr", value: "0.01", term: ProvFixtures.learningRateTerm))
        #expect(parameters["zz_unknown"] == ClassifiedValue(key: "zz_unknown", value: "on", term: nil))
        #expect(parameters["optimizer"]?.value == "SGD")
        #expect(parameters["batch_size"]?.value == "128")
        #expect(detail.tags.map(\.key) == ["stage"])
        #expect(detail.tags.first?.value == "training")

        #expect(Set(detail.metrics.map(\.key)) == ["loss", "score", "lr"])

        let summaries = Dictionary(
            try await ids.all.asyncMap { id in (id, try #require(try await store.node(id))) },
            uniquingKeysWith: { first, _ in first })
        func summary(_ id: ProvID) throws -> NodeSummary { try #require(summaries[id]) }
        let expectedRelations: Set<RunRelation> = [
            RunRelation(kind: .wasAssociatedWith, runIsSubject: true, other: try summary(ids.software), time: nil),
            RunRelation(kind: .used, runIsSubject: true, other: try summary(ids.dataset), time: ProvFixtures.time(10)),
            RunRelation(
                kind: .wasGeneratedBy, runIsSubject: false, other: try summary(ids.checkpoint2),
                time: ProvFixtures.time(80)),
            RunRelation(
                kind: .wasGeneratedBy, runIsSubject: false, other: try summary(ids.model), time: ProvFixtures.time(90)),
            RunRelation(kind: .wasInformedBy, runIsSubject: false, other: try summary(ids.evaluate), time: nil),
        ]
        #expect(detail.relations.count == expectedRelations.count)
        #expect(Set(detail.relations) == expectedRelations)
        let dataset = try #require(detail.relations.first { $0.kind == .used }?.other)
        #expect(
            dataset
                == NodeSummary(
                    id: ids.dataset, type: .entity, kind: "dataset", name: CampaignFixture.datasetName,
                    location: CampaignFixture.datasetLocation, digest: CampaignFixture.datasetDigest))

        #expect(runIDs(detail.children) == [ids.step])
        #expect(detail.children.first?.kind == .step)
        #expect(
            detail.architecture
                == CampaignFixture.layers.enumerated().map { position, layer in
                    ArchitectureLayerRow(position: position, type: layer.type, hyperparameters: layer.hyperparameters)
                })
        #expect(detail.telemetrySampleCount == 3)
        #expect(detail.terms.contains(ProvFixtures.learningRateTerm))
        #expect(detail.terms == detail.terms.sorted())
        #expect(Set(detail.terms).count == detail.terms.count)
        let classified = Set((detail.parameters + detail.tags).compactMap(\.term) + detail.metrics.compactMap(\.term))
        #expect(classified.isSubset(of: Set(detail.terms)))

        // The workflow: both tasks as children, the agent, the experiment's membership.
        let workflow = try #require(try await store.runDetail(ids.workflow))
        #expect(Set(runIDs(workflow.children)) == [ids.train, ids.evaluate])
        #expect(workflow.run.parentID == nil)
        #expect(
            Set(workflow.relations)
                == [
                    RunRelation(
                        kind: .wasAssociatedWith, runIsSubject: true, other: try summary(ids.person), time: nil),
                    RunRelation(kind: .hadMember, runIsSubject: false, other: try summary(ids.experiment), time: nil),
                ])
        #expect(workflow.parameters.map(\.key) == ["seed"])
        #expect(workflow.parameters.first?.value == "42")
        #expect(workflow.architecture.isEmpty)
        #expect(workflow.telemetrySampleCount == 0)
        #expect(workflow.metrics.isEmpty)

        let evaluate = try #require(try await store.runDetail(ids.evaluate))
        #expect(evaluate.run.status == .failed)
        #expect(evaluate.children.isEmpty)
        #expect(
            Set(evaluate.relations.map { "\($0.kind.rawValue) \($0.runIsSubject) \($0.other.id.hex)" })
                == [
                    "used true \(ids.model.hex)", "wasInformedBy true \(ids.train.hex)",
                    "wasGeneratedBy false \(ids.report.hex)",
                ])

        // Unknown ids and ids of nodes that are not runs.
        #expect(try await store.runDetail(otherIDs().next()) == nil)
        #expect(try await store.runDetail(ids.dataset) == nil)
        #expect(try await store.runDetail(ids.experiment) == nil)
        #expect(try await store.runDetail(ids.person) == nil)
    }

    static func nodeSummaries(_ store: any ProvenanceStore) async throws {
        let campaign = try await ingestedCampaign(store)
        let ids = campaign.ids
        let cases: [NodeSummary] = [
            NodeSummary(id: ids.experiment, type: .experiment, kind: "experiment", name: campaign.experimentName),
            NodeSummary(id: ids.workflow, type: .run, kind: "workflow", name: CampaignFixture.workflowName),
            NodeSummary(id: ids.train, type: .run, kind: "task", name: CampaignFixture.trainName),
            NodeSummary(id: ids.step, type: .run, kind: "step", name: CampaignFixture.stepName),
            NodeSummary(
                id: ids.dataset, type: .entity, kind: "dataset", name: CampaignFixture.datasetName,
                location: CampaignFixture.datasetLocation, digest: CampaignFixture.datasetDigest),
            NodeSummary(
                id: ids.model, type: .entity, kind: "model", name: CampaignFixture.modelName,
                location: CampaignFixture.modelLocation),
            NodeSummary(
                id: ids.report, type: .entity, kind: "evaluation", name: "eval-report",
                location: "reports/eval.json"),
            NodeSummary(id: ids.person, type: .agent, kind: "person", name: "Ada Lovelace"),
            NodeSummary(id: ids.software, type: .agent, kind: "software", name: "provkit-capture"),
        ]
        for expected in cases {
            #expect(try await store.node(expected.id) == expected)
        }
        #expect(try await store.node(otherIDs().next()) == nil)
    }

    static func resolve(_ store: any ProvenanceStore) async throws {
        let campaign = try await ingestedCampaign(store)
        let ids = campaign.ids
        let probeID = try #require(ProvID(hex: "0a1b2c3d4e5f60718293a4b5c6d7e8f9"))
        try await store.ingest([.entity(EntityRecord(id: probeID, kind: .file, name: "probe", location: "/tmp/probe"))])
        let train = try #require(try await store.node(ids.train))
        let probe = try #require(try await store.node(probeID))

        #expect(try await store.resolve(ids.train.hex) == [train], "the full id")
        #expect(try await store.resolve(dashed(ids.train)) == [train], "the dashed UUID form")
        #expect(try await store.resolve(dashed(ids.train).uppercased()) == [train], "upper case")
        #expect(try await store.resolve("0a1b2c") == [probe], "a unique six-digit prefix")
        #expect(try await store.resolve("0a1b2c3d4e5f") == [probe], "a longer unique prefix")
        #expect(try await store.resolve("0A1B2C3D") == [probe], "an upper-case prefix")
        #expect(try await store.resolve("0a1b2").isEmpty, "five digits are too few for a prefix")
        // A prefix several ids share finds all of them.
        let shared = String(ids.train.hex.prefix(28))
        #expect(Set(try await store.resolve(shared).map(\.id)) == Set(ids.all), "a shared prefix")

        #expect(try await store.resolve(CampaignFixture.trainName) == [train], "a run name")
        #expect(
            try await store.resolve(CampaignFixture.datasetName).map(\.id) == [ids.dataset], "an entity name")
        #expect(try await store.resolve(CampaignFixture.modelLocation).map(\.id) == [ids.model], "an entity location")
        #expect(try await store.resolve("models/ckpt-1.pt").map(\.id) == [ids.checkpoint1], "another location")
        #expect(try await store.resolve("probe") == [probe])

        for junk in ["", "no-such-thing", "zzzzzz", otherIDs().next().hex, "models/", "trai", "0a1b2c-x"] {
            #expect(try await store.resolve(junk).isEmpty, Comment(rawValue: "junk: '\(junk)'"))
        }
    }
}

// MARK: - Lineage

extension StoreConformance {
    static func lineageDirections(_ store: any ProvenanceStore) async throws {
        let campaign = try await ingestedCampaign(store)
        let i = campaign.ids
        typealias Edge = LineageEdge

        // Up from the second checkpoint: the run that made it, what that run used and who ran it.
        let up = try await store.lineage(of: i.checkpoint2, direction: .up, depth: 10)
        #expect(up.root == i.checkpoint2 && up.direction == .up && up.depth == 10)
        expectOrdered(up)
        #expect(
            depths(up) == [
                i.checkpoint2: 0, i.train: 1, i.checkpoint1: 1, i.dataset: 2, i.software: 2, i.step: 2, i.person: 3,
            ])
        #expect(
            Set(up.edges) == [
                Edge(kind: .wasGeneratedBy, subject: i.checkpoint2, object: i.train),
                Edge(kind: .wasRevisionOf, subject: i.checkpoint2, object: i.checkpoint1),
                Edge(kind: .used, subject: i.train, object: i.dataset),
                Edge(kind: .wasAssociatedWith, subject: i.train, object: i.software),
                Edge(kind: .wasGeneratedBy, subject: i.checkpoint1, object: i.step),
                Edge(kind: .actedOnBehalfOf, subject: i.software, object: i.person),
            ])
        #expect(up.edges.count == 6)
        let dataset = try #require(up.nodes.first { $0.node.id == i.dataset })
        #expect(
            dataset.node
                == NodeSummary(
                    id: i.dataset, type: .entity, kind: "dataset", name: CampaignFixture.datasetName,
                    location: CampaignFixture.datasetLocation, digest: CampaignFixture.datasetDigest))

        // Down from the dataset: everything that came from it.
        let down = try await store.lineage(of: i.dataset, direction: .down, depth: 10)
        expectOrdered(down)
        #expect(
            depths(down) == [
                i.dataset: 0, i.train: 1, i.checkpoint2: 2, i.model: 2, i.evaluate: 2, i.quantizedModel: 3,
                i.report: 3,
            ])
        #expect(
            Set(down.edges) == [
                Edge(kind: .used, subject: i.train, object: i.dataset),
                Edge(kind: .wasGeneratedBy, subject: i.checkpoint2, object: i.train),
                Edge(kind: .wasGeneratedBy, subject: i.model, object: i.train),
                Edge(kind: .wasInformedBy, subject: i.evaluate, object: i.train),
                Edge(kind: .wasDerivedFrom, subject: i.model, object: i.checkpoint2),
                Edge(kind: .used, subject: i.evaluate, object: i.model),
                Edge(kind: .specializationOf, subject: i.quantizedModel, object: i.model),
                Edge(kind: .wasGeneratedBy, subject: i.report, object: i.evaluate),
            ])
        #expect(down.edges.count == 8)

        // Both ways from the training task, one hop.
        let both = try await store.lineage(of: i.train, direction: .both, depth: 1)
        expectOrdered(both)
        #expect(
            depths(both) == [
                i.train: 0, i.dataset: 1, i.software: 1, i.checkpoint2: 1, i.model: 1, i.evaluate: 1,
            ])
        #expect(
            Set(both.edges) == [
                Edge(kind: .used, subject: i.train, object: i.dataset),
                Edge(kind: .wasAssociatedWith, subject: i.train, object: i.software),
                Edge(kind: .wasGeneratedBy, subject: i.checkpoint2, object: i.train),
                Edge(kind: .wasGeneratedBy, subject: i.model, object: i.train),
                Edge(kind: .wasInformedBy, subject: i.evaluate, object: i.train),
            ])

        // Both ways from the model, unlimited: the union of its ancestors and its descendants.
        let model = try await store.lineage(of: i.model, direction: .both, depth: 10)
        let upFromModel = try await store.lineage(of: i.model, direction: .up, depth: 10)
        let downFromModel = try await store.lineage(of: i.model, direction: .down, depth: 10)
        #expect(Set(depths(model).keys) == Set(depths(upFromModel).keys).union(depths(downFromModel).keys))
        #expect(Set(model.edges) == Set(upFromModel.edges).union(downFromModel.edges))
        #expect(
            depths(downFromModel) == [i.model: 0, i.quantizedModel: 1, i.evaluate: 1, i.report: 2])
        // The experiment is reached from the workflow going down (the experiment is the subject of hadMember).
        let members = try await store.lineage(of: i.workflow, direction: .down, depth: 1)
        #expect(depths(members) == [i.workflow: 0, i.experiment: 1])
        // A node without relations in the walked direction is alone.
        let top = try await store.lineage(of: i.person, direction: .up, depth: 10)
        #expect(depths(top) == [i.person: 0])
        #expect(top.edges.isEmpty)
    }

    static func lineageDepthLimits(_ store: any ProvenanceStore) async throws {
        let campaign = try await ingestedCampaign(store)
        let i = campaign.ids
        for direction in LineageDirection.allCases {
            let zero = try await store.lineage(of: i.train, direction: direction, depth: 0)
            #expect(zero.nodes.map(\.node.id) == [i.train], Comment(rawValue: "depth 0, \(direction)"))
            #expect(zero.nodes.first?.depth == 0)
            #expect(zero.edges.isEmpty, Comment(rawValue: "depth 0, \(direction)"))
            #expect(zero.depth == 0 && zero.direction == direction)
        }
        let one = try await store.lineage(of: i.checkpoint2, direction: .up, depth: 1)
        #expect(depths(one) == [i.checkpoint2: 0, i.train: 1, i.checkpoint1: 1])
        #expect(
            Set(one.edges) == [
                LineageEdge(kind: .wasGeneratedBy, subject: i.checkpoint2, object: i.train),
                LineageEdge(kind: .wasRevisionOf, subject: i.checkpoint2, object: i.checkpoint1),
            ])
        let two = try await store.lineage(of: i.checkpoint2, direction: .up, depth: 2)
        #expect(
            depths(two) == [
                i.checkpoint2: 0, i.train: 1, i.checkpoint1: 1, i.dataset: 2, i.software: 2, i.step: 2,
            ])
        #expect(two.edges.count == 5, "the agent's delegation lies three hops up")
        #expect(!two.edges.contains { $0.kind == .actedOnBehalfOf })
        // A depth beyond the graph's extent reports the same as a sufficient one.
        let deep = try await store.lineage(of: i.checkpoint2, direction: .up, depth: 500)
        let enough = try await store.lineage(of: i.checkpoint2, direction: .up, depth: 3)
        #expect(depths(deep) == depths(enough))
        #expect(Set(deep.edges) == Set(enough.edges))
    }

    static func lineageCycles(_ store: any ProvenanceStore) async throws {
        let other = otherIDs()
        let a = other.next()
        let b = other.next()
        let c = other.next()
        let loop = other.next()
        // PROV does not forbid cycles of derivation; a walk must still end.
        try await store.ingest([
            .entity(EntityRecord(id: a, kind: .file, name: "a")),
            .entity(EntityRecord(id: b, kind: .file, name: "b")),
            .entity(EntityRecord(id: c, kind: .file, name: "c")),
            .entity(EntityRecord(id: loop, kind: .file, name: "loop")),
            .relation(RelationRecord(.wasDerivedFrom, subject: a, object: b)),
            .relation(RelationRecord(.wasDerivedFrom, subject: b, object: c)),
            .relation(RelationRecord(.wasDerivedFrom, subject: c, object: a)),
            .relation(RelationRecord(.wasRevisionOf, subject: loop, object: loop)),
        ])
        let cycle: Set<LineageEdge> = [
            LineageEdge(kind: .wasDerivedFrom, subject: a, object: b),
            LineageEdge(kind: .wasDerivedFrom, subject: b, object: c),
            LineageEdge(kind: .wasDerivedFrom, subject: c, object: a),
        ]
        let up = try await store.lineage(of: a, direction: .up, depth: 100)
        #expect(depths(up) == [a: 0, b: 1, c: 2])
        #expect(Set(up.edges) == cycle)
        #expect(up.edges.count == 3)
        let down = try await store.lineage(of: a, direction: .down, depth: 100)
        #expect(depths(down) == [a: 0, c: 1, b: 2])
        #expect(Set(down.edges) == cycle)
        let both = try await store.lineage(of: a, direction: .both, depth: 100)
        #expect(depths(both) == [a: 0, b: 1, c: 1])
        #expect(Set(both.edges) == cycle)
        let self_ = try await store.lineage(of: loop, direction: .both, depth: 100)
        #expect(depths(self_) == [loop: 0])
        #expect(self_.edges == [LineageEdge(kind: .wasRevisionOf, subject: loop, object: loop)])
    }

    static func lineageErrors(_ store: any ProvenanceStore) async throws {
        let campaign = try await ingestedCampaign(store)
        await expectStoreError(.notFound, "an unknown id") {
            try await store.lineage(of: otherIDs().next(), direction: .up, depth: 3)
        }
        for direction in LineageDirection.allCases {
            await expectStoreError(.invalidQuery, Comment(rawValue: "a negative depth, \(direction)")) {
                try await store.lineage(of: campaign.ids.train, direction: direction, depth: -1)
            }
        }
    }
}

// MARK: - Classification

extension StoreConformance {
    static func classification(_ store: any ProvenanceStore) async throws {
        let other = otherIDs()
        let experiment = other.next()
        let (parameterRun, metricRun, tagRun, telemetryRun, plainRun) =
            (other.next(), other.next(), other.next(), other.next(), other.next())
        let term = ProvFixtures.learningRateTerm
        let now = ProvFixtures.time(0)
        var events: [ProvEvent] = [.experiment(ExperimentRecord(id: experiment, name: "classification"))]
        for (index, run) in [parameterRun, metricRun, tagRun, telemetryRun, plainRun].enumerated() {
            let start = ProvFixtures.time(Double(index))
            events.append(.runStart(RunStart(id: run, experiment: experiment, startedAt: start)))
        }
        events += [
            .parameter(ParameterRecord(run: parameterRun, key: "lr", value: "0.1")),
            .parameter(ParameterRecord(run: parameterRun, key: "zz_unknown", value: "1")),
            .metric(MetricPoint(run: metricRun, key: "learning_rate", value: 0.1, step: 0)),
            .metric(MetricPoint(run: metricRun, key: "zz_unknown", value: 1, step: 0)),
            .tag(TagRecord(target: tagRun, key: "lr", value: "cosine")),
            .tag(TagRecord(target: tagRun, key: "zz_unknown", value: "1")),
            .telemetry(TelemetrySample(run: telemetryRun, time: now, values: ["learning_rate": 0.1, "zz_unknown": 1])),
            .parameter(ParameterRecord(run: plainRun, key: "zz_unknown", value: "1")),
            .metric(MetricPoint(run: plainRun, key: "zz_unknown", value: 1, step: 0)),
            .tag(TagRecord(target: plainRun, key: "zz_unknown", value: "1")),
            .telemetry(TelemetrySample(run: plainRun, time: now, values: ["zz_unknown": 1])),
        ]
        try await store.ingest(events)

        let parameters = try #require(try await store.runDetail(parameterRun))
        #expect(
            Set(parameters.parameters) == [
                ClassifiedValue(key: "lr", value: "0.1", term: term),
                ClassifiedValue(key: "zz_unknown", value: "1", term: nil),
            ])
        #expect(parameters.terms == [term])

        let metrics = try #require(try await store.runDetail(metricRun))
        #expect(metrics.metrics.first { $0.key == "learning_rate" }?.term == term)
        #expect(metrics.metrics.contains { $0.key == "zz_unknown" && $0.term == nil })
        #expect(metrics.terms == [term])

        let tags = try #require(try await store.runDetail(tagRun))
        #expect(
            Set(tags.tags) == [
                ClassifiedValue(key: "lr", value: "cosine", term: term),
                ClassifiedValue(key: "zz_unknown", value: "1", term: nil),
            ])
        #expect(tags.terms == [term])

        let telemetry = try #require(try await store.runDetail(telemetryRun))
        #expect(telemetry.telemetrySampleCount == 1)
        #expect(telemetry.terms == [term], "telemetry keys are classified")

        let plain = try #require(try await store.runDetail(plainRun))
        #expect(plain.terms.isEmpty)

        let filter = RunFilter(experiments: ["classification"], terms: [term])
        #expect(try await matching(store, filter) == [telemetryRun, tagRun, metricRun, parameterRun])
    }
}

extension Sequence {
    /// Maps each element with an asynchronous function, in order.
    fileprivate func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var results: [T] = []
        for element in self {
            try await results.append(transform(element))
        }
        return results
    }
}
