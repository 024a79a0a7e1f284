import ProvModel
import ProvStore
import Testing

// The tracking part of the contract (ProvStore/Tracking.swift): experiment numbers and lifecycle, the events that
// change runs after their start, group commit, and the MLflow-shaped reads and searches.

extension StoreConformance {
    /// The checks of the tracking view, each to be run on a fresh, empty store.
    public static let trackingChecks: [StoreConformanceCheck] = [
        StoreConformanceCheck("a keyed batch is applied once; a refused one keeps no key") {
            try await keyedBatches($0)
        },
        StoreConformanceCheck("tracking: experiment numbers, the default experiment and artifact locations") {
            try await experimentNumbers($0)
        },
        StoreConformanceCheck("tracking: experiment renames, tags, and deletion that takes the runs along") {
            try await experimentLifecycle($0)
        },
        StoreConformanceCheck("run_update changes name, status, end time and parent") { try await runUpdates($0) },
        StoreConformanceCheck("tag_delete removes a tag; removing a missing tag changes nothing") {
            try await tagDeletion($0)
        },
        StoreConformanceCheck("deleted runs and experiments take no new data; re-sent data passes") {
            try await deletedTakesNoData($0)
        },
        StoreConformanceCheck("ingest errors say why: unknown reference, duplicate name, immutable value") {
            try await ingestErrorCodes($0)
        },
        StoreConformanceCheck("ingest(batches:) keeps each batch all-or-nothing on its own") {
            try await groupCommit($0)
        },
        StoreConformanceCheck("tracked runs: user, parameters, tags, latest metrics, inputs and outputs") {
            try await trackedRunContents($0)
        },
        StoreConformanceCheck("run search: attributes, metrics, parameters, tags and datasets") {
            try await runSearchFilters($0)
        },
        StoreConformanceCheck("run search: ordering, missing values last, paging and lifecycle") {
            try await runSearchOrderAndPages($0)
        },
        StoreConformanceCheck("experiment search: filters, ordering, paging and lifecycle") {
            try await experimentSearch($0)
        },
        StoreConformanceCheck("logged models: model metrics, membership, source run and search") {
            try await loggedModels($0)
        },
    ]

    /// A small tracking world: two experiments, runs with data, a user, a dataset and a model.
    struct TrackingWorld {
        let ids = SequentialIDGenerator(milliseconds: 1_750_000_000_000)
        let experiment: ProvID
        let other: ProvID
        let user: ProvID
        let dataset: ProvID
        let model: ProvID
        /// Runs `r0`…`r5` of `experiment`, started one second apart (`r5` newest).
        var runs: [ProvID] = []

        init() {
            experiment = ids.next()
            other = ids.next()
            user = ids.next()
            dataset = ids.next()
            model = ids.next()
        }

        static func time(_ second: Int) -> ProvTime {
            ProvTime(microsecondsSinceEpoch: 1_750_000_000_000_000 + Int64(truncatingIfNeeded: second) * 1_000_000)
        }

        mutating func events() -> [ProvEvent] {
            var events: [ProvEvent] = [
                .agent(AgentRecord(id: user, kind: .person, name: "ada")),
                .entity(
                    EntityRecord(
                        id: dataset, kind: .dataset, name: "toy",
                        attributes: [
                            TrackedDataset.Attribute.digest: "d1", TrackedDataset.Attribute.sourceType: "local",
                        ])),
            ]
            for index in 0..<6 {
                let run = ids.next()
                runs.append(run)
                events.append(
                    .runStart(
                        RunStart(id: run, experiment: experiment, name: "run-\(index)", startedAt: Self.time(index))))
                events.append(.parameter(ParameterRecord(run: run, key: "lr", value: index % 2 == 0 ? "0.01" : "0.1")))
                events.append(.tag(TagRecord(target: run, key: "group", value: "g\(index % 3)")))
                if index != 5 {  // r5 has no acc
                    events.append(
                        .metric(
                            MetricPoint(run: run, key: "acc", value: index == 4 ? .nan : Double(index) / 10, step: 0)))
                }
                if index < 3 {
                    events.append(.relation(RelationRecord(.wasAssociatedWith, subject: run, object: user)))
                }
            }
            events.append(
                .relation(
                    RelationRecord(
                        .used, subject: runs[2], object: dataset,
                        attributes: [TrackedDataset.Attribute.context: "training"])))
            events.append(.runEnd(RunEnd(run: runs[1], status: .finished, endedAt: Self.time(10))))
            events.append(
                .entity(
                    EntityRecord(
                        id: model, kind: .model, name: "model", location: "mlflow-artifacts:/1/models/m-x/artifacts",
                        createdAt: Self.time(20),
                        attributes: [
                            TrackedModel.Attribute.status: "LOGGED_MODEL_READY",
                            TrackedModel.Attribute.parameters: ["C": "0.5"], TrackedModel.Attribute.tags: ["k": "v"],
                        ])))
            events.append(.relation(RelationRecord(.hadMember, subject: experiment, object: model)))
            events.append(
                .relation(RelationRecord(.wasGeneratedBy, subject: model, object: runs[3], attributes: ["step": 2])))
            events.append(
                .metric(
                    MetricPoint(
                        run: runs[3], key: "acc", value: 0.3, step: 0, model: model,
                        dataset: MetricDataset(name: "toy", digest: "d1"))))
            return events
        }

        /// Creates both experiments through the tracking API and ingests the world.
        mutating func load(into store: any ProvenanceStore) async throws {
            _ = try await store.ensureDefaultExperiment(ExperimentRecord(id: ids.next(), name: "Default"))
            _ = try await store.createExperiment(
                ExperimentRecord(id: experiment, name: "world", createdAt: Self.time(-10)),
                tags: [TagRecord(target: experiment, targetType: .experiment, key: "team", value: "vision")],
                artifactLocation: nil)
            _ = try await store.createExperiment(
                ExperimentRecord(id: other, name: "elsewhere", createdAt: Self.time(-5)), tags: [],
                artifactLocation: "file:///tmp/elsewhere")
            try await store.ingest(events())
        }
    }

    static func searchNames(_ store: any ProvenanceStore, _ search: RunSearch) async throws -> [String] {
        try await store.searchRuns(search).items.map { $0.name ?? "-" }
    }

    static func experimentNumbers(_ store: any ProvenanceStore) async throws {
        let ids = otherIDs()
        let first = try await store.createExperiment(
            ExperimentRecord(id: ids.next(), name: "first", createdAt: ProvFixtures.time(0)), tags: [],
            artifactLocation: nil)
        #expect(first.number == 1)
        #expect(first.artifactLocation == "mlflow-artifacts:/1")
        #expect(first.lifecycle == .active)
        let defaultRecord = ExperimentRecord(id: ids.next(), name: "Default", createdAt: ProvFixtures.time(1))
        let defaultExperiment = try await store.ensureDefaultExperiment(defaultRecord)
        #expect(defaultExperiment.number == 0)
        #expect(defaultExperiment.name == "Default")
        #expect(defaultExperiment.artifactLocation == "mlflow-artifacts:/0")
        #expect(
            try await store.ensureDefaultExperiment(ExperimentRecord(id: ids.next(), name: "Default")).id
                == defaultRecord.id)
        let second = try await store.createExperiment(
            ExperimentRecord(id: ids.next(), name: "second"), tags: [], artifactLocation: "s3://bucket/second")
        #expect(second.number == 2)
        #expect(second.artifactLocation == "s3://bucket/second")
        // Plain ingest numbers experiments too.
        let ingested = ids.next()
        try await store.ingest([.experiment(ExperimentRecord(id: ingested, name: "ingested"))])
        #expect(try await store.trackedExperiment(.id(ingested))?.number == 3)
        #expect(try await store.trackedExperiment(.number(2))?.id == second.id)
        #expect(try await store.trackedExperiment(.name("first"))?.id == first.id)
        #expect(try await store.trackedExperiment(.name("nope")) == nil)
        #expect(try await store.trackedExperiment(.number(99)) == nil)
        let duplicate = await #expect(throws: IngestError.self) {
            try await store.createExperiment(
                ExperimentRecord(id: ids.next(), name: "first"), tags: [], artifactLocation: nil)
        }
        #expect(duplicate?.code == .duplicateName)
    }

    static func experimentLifecycle(_ store: any ProvenanceStore) async throws {
        var world = TrackingWorld()
        try await world.load(into: store)
        let before = try #require(try await store.trackedExperiment(.id(world.experiment)))
        #expect(before.tags == [KeyValue(key: "team", value: "vision")])
        try await store.ingest([
            .experiment(ExperimentRecord(id: world.experiment, name: "renamed", createdAt: before.createdAt)),
            .tag(TagRecord(target: world.experiment, targetType: .experiment, key: "stage", value: "dev")),
        ])
        let renamed = try #require(try await store.trackedExperiment(.id(world.experiment)))
        #expect(renamed.name == "renamed")
        #expect(renamed.number == before.number)
        #expect(renamed.tags.map(\.key) == ["stage", "team"])
        #expect(
            (renamed.updatedAt ?? .init(microsecondsSinceEpoch: 0))
                >= (before.updatedAt ?? .init(microsecondsSinceEpoch: 0)))

        // Deleting a run first, then the experiment: restoring the experiment brings back only the runs deleted
        // with it.
        try await store.ingest([
            .lifecycle(
                LifecycleChange(target: world.runs[0], targetType: .run, stage: .deleted, time: TrackingWorld.time(30)))
        ])
        try await store.ingest([
            .lifecycle(
                LifecycleChange(
                    target: world.experiment, targetType: .experiment, stage: .deleted, time: TrackingWorld.time(40)))
        ])
        #expect(try await store.trackedExperiment(.id(world.experiment))?.lifecycle == .deleted)
        let deletedRuns = try await store.trackedRuns(world.runs)
        #expect(deletedRuns.allSatisfy { $0.lifecycle == .deleted })
        try await store.ingest([
            .lifecycle(
                LifecycleChange(
                    target: world.experiment, targetType: .experiment, stage: .active, time: TrackingWorld.time(50)))
        ])
        let restored = try await store.trackedRuns(world.runs)
        #expect(restored.map(\.lifecycle) == [.deleted, .active, .active, .active, .active, .active])
        #expect(try await store.trackedExperiment(.id(world.experiment))?.lifecycle == .active)
    }

    static func runUpdates(_ store: any ProvenanceStore) async throws {
        var world = TrackingWorld()
        try await world.load(into: store)
        let run = world.runs[5]
        try await store.ingest([
            .runUpdate(RunUpdate(run: run, name: "renamed", status: .finished, endedAt: TrackingWorld.time(60))),
            .runUpdate(RunUpdate(run: run, parent: world.runs[0])),
        ])
        let summary = try #require(try await store.runDetail(run)).run
        #expect(summary.name == "renamed")
        #expect(summary.status == .finished)
        #expect(summary.endedAt == TrackingWorld.time(60))
        #expect(summary.parentID == world.runs[0])
        #expect(summary.kind == .task)
        // Resuming: running again, the end time kept.
        try await store.ingest([.runUpdate(RunUpdate(run: run, status: .running))])
        let resumed = try #require(try await store.trackedRuns([run]).first)
        #expect(resumed.status == .running)
        #expect(resumed.endedAt == TrackingWorld.time(60))
        try await expectRefused(
            store, [.runUpdate(RunUpdate(run: run, endedAt: TrackingWorld.time(-100)))], eventIndex: 0, field: "time")
        try await expectRefused(store, [.runUpdate(RunUpdate(run: run, parent: run))], eventIndex: 0, field: "parent")
        try await expectRefused(
            store, [.runUpdate(RunUpdate(run: otherIDs().next(), name: "x"))], eventIndex: 0, field: "id")
    }

    static func tagDeletion(_ store: any ProvenanceStore) async throws {
        var world = TrackingWorld()
        try await world.load(into: store)
        let run = world.runs[0]
        try await store.ingest([.tagDelete(TagDeletion(target: run, key: "group"))])
        #expect(try await store.trackedRuns([run]).first?.tags.contains { $0.key == "group" } == false)
        let summary = try await store.ingestCounting([.tagDelete(TagDeletion(target: run, key: "group"))])
        #expect(summary.events == 1)
        try await store.ingest([.tagDelete(TagDeletion(target: world.experiment, targetType: .experiment, key: "team"))]
        )
        #expect(try await store.trackedExperiment(.id(world.experiment))?.tags.isEmpty == true)
        try await expectRefused(
            store, [.tagDelete(TagDeletion(target: world.experiment, targetType: .run, key: "x"))], eventIndex: 0,
            field: "run")
    }

    static func deletedTakesNoData(_ store: any ProvenanceStore) async throws {
        var world = TrackingWorld()
        try await world.load(into: store)
        let run = world.runs[0]
        try await store.ingest([.lifecycle(LifecycleChange(target: run, targetType: .run, stage: .deleted))])
        #expect(try await store.trackedRuns([run]).first?.lifecycle == .deleted)
        for event: ProvEvent in [
            .parameter(ParameterRecord(run: run, key: "new", value: "1")),
            .metric(MetricPoint(run: run, key: "acc", value: 0.99, step: 9)),
            .tag(TagRecord(target: run, key: "group", value: "changed")),
            .runUpdate(RunUpdate(run: run, name: "renamed")),
            .tagDelete(TagDeletion(target: run, key: "group")),
        ] {
            let before = try await StoreSnapshot(store)
            let error = await #expect(throws: IngestError.self) { try await store.ingest([event]) }
            #expect(error?.code == .inactiveTarget, "\(event.typeName)")
            #expect(try await StoreSnapshot(store) == before)
        }
        // What the run already holds may be re-sent.
        try await store.ingest([
            .parameter(ParameterRecord(run: run, key: "lr", value: "0.01")),
            .tag(TagRecord(target: run, key: "group", value: "g0")),
            .metric(MetricPoint(run: run, key: "acc", value: 0, step: 0)),
        ])
        // Restored, it takes data again.
        try await store.ingest([
            .lifecycle(LifecycleChange(target: run, targetType: .run, stage: .active)),
            .parameter(ParameterRecord(run: run, key: "new", value: "1")),
        ])
        #expect(try await store.trackedRuns([run]).first?.parameters.map(\.key) == ["lr", "new"])
        // No new runs in a deleted experiment.
        try await store.ingest([
            .lifecycle(LifecycleChange(target: world.other, targetType: .experiment, stage: .deleted))
        ])
        let refused = await #expect(throws: IngestError.self) {
            try await store.ingest([
                .runStart(RunStart(id: otherIDs().next(), experiment: world.other, startedAt: TrackingWorld.time(0)))
            ])
        }
        #expect(refused?.code == .inactiveTarget)
        #expect(refused?.field == "experiment")
    }

    static func ingestErrorCodes(_ store: any ProvenanceStore) async throws {
        var world = TrackingWorld()
        try await world.load(into: store)
        let unknown = await #expect(throws: IngestError.self) {
            try await store.ingest([.metric(MetricPoint(run: otherIDs().next(), key: "m", value: 1))])
        }
        #expect(unknown?.code == .unknownReference)
        let changed = await #expect(throws: IngestError.self) {
            try await store.ingest([.parameter(ParameterRecord(run: world.runs[0], key: "lr", value: "9"))])
        }
        #expect(changed?.code == .immutableValue)
        let duplicate = await #expect(throws: IngestError.self) {
            try await store.ingest([.experiment(ExperimentRecord(id: otherIDs().next(), name: "world"))])
        }
        #expect(duplicate?.code == .duplicateName)
        let invalid = await #expect(throws: IngestError.self) {
            try await store.ingest([.relation(RelationRecord(.used, subject: world.dataset, object: world.runs[0]))])
        }
        #expect(invalid?.code == .invalid)
    }

    static func groupCommit(_ store: any ProvenanceStore) async throws {
        var world = TrackingWorld()
        try await world.load(into: store)
        let run = world.runs[0]
        let results = try await store.ingest(batches: [
            [.metric(MetricPoint(run: run, key: "batch", value: 1, step: 1))],
            [
                .metric(MetricPoint(run: run, key: "batch", value: 2, step: 2)),
                .parameter(ParameterRecord(run: run, key: "lr", value: "changed")),
            ],
            [],
            [.metric(MetricPoint(run: run, key: "batch", value: 3, step: 3))],
        ])
        #expect(results.count == 4)
        #expect((try? results[0].get())?.metricPoints == 1)
        if case .failure(let error) = results[1] {
            #expect(error.eventIndex == 1)
            #expect(error.code == .immutableValue)
        } else {
            Issue.record("the batch with a changed parameter was stored")
        }
        #expect((try? results[2].get())?.events == 0)
        #expect((try? results[3].get())?.metricPoints == 1)
        #expect(try await store.metricHistory(run: run, key: "batch").map(\.step) == [1, 3])
        #expect(try await store.ingest(batches: []).isEmpty)
    }

    static func trackedRunContents(_ store: any ProvenanceStore) async throws {
        var world = TrackingWorld()
        try await world.load(into: store)
        let runs = try await store.trackedRuns([world.runs[3], otherIDs().next(), world.runs[2], world.runs[1]])
        #expect(runs.map(\.id) == [world.runs[3], world.runs[2], world.runs[1]])
        let two = runs[1]
        #expect(two.name == "run-2")
        #expect(two.user == "ada")
        #expect(two.experimentNumber == 1)
        #expect(two.experimentID == world.experiment)
        #expect(two.artifactURI == "mlflow-artifacts:/1/\(world.runs[2].hex)/artifacts")
        #expect(two.parameters == [KeyValue(key: "lr", value: "0.01")])
        #expect(two.tags == [KeyValue(key: "group", value: "g2")])
        #expect(two.metrics == [TrackedMetric(key: "acc", value: 0.2, step: 0, time: nil)])
        #expect(two.inputs.map(\.entity.id) == [world.dataset])
        #expect(two.inputs.first?.attributes[TrackedDataset.Attribute.context] == "training")
        #expect(two.inputs.first?.entity.attributes[TrackedDataset.Attribute.digest] == "d1")
        #expect(two.lifecycle == .active)
        #expect(runs[2].status == .finished)
        #expect(runs[2].endedAt == TrackingWorld.time(10))
        #expect(runs[0].user == nil)
        #expect(runs[0].outputModels.map(\.entity.id) == [world.model])
        #expect(runs[0].outputModels.first?.attributes["step"] == 2)
        // The latest value of a metric is the one at the highest step.
        try await store.ingest([
            .metric(MetricPoint(run: world.runs[0], key: "acc", value: 0.7, step: 5)),
            .metric(MetricPoint(run: world.runs[0], key: "acc", value: 0.6, step: 3)),
        ])
        #expect(try await store.trackedRuns([world.runs[0]]).first?.metrics.first?.value == 0.7)
        #expect(try await store.trackedRuns([]).isEmpty)
    }

    static func runSearchFilters(_ store: any ProvenanceStore) async throws {
        var world = TrackingWorld()
        try await world.load(into: store)
        func names(_ filter: [SearchClause]) async throws -> [String] {
            try await searchNames(store, RunSearch(experiments: [1], filter: filter))
        }
        #expect(try await names([]) == ["run-5", "run-4", "run-3", "run-2", "run-1", "run-0"])
        #expect(try await searchNames(store, RunSearch(experiments: [2])) == [])
        #expect(try await searchNames(store, RunSearch(experiments: [])) == [])
        #expect(try await names([SearchClause(.metric("acc"), .greater, .number(0.15))]) == ["run-3", "run-2"])
        #expect(try await names([SearchClause(.metric("acc"), .lessOrEqual, .number(0.1))]) == ["run-1", "run-0"])
        #expect(try await names([SearchClause(.metric("acc"), .notEqual, .number(0))]) == ["run-3", "run-2", "run-1"])
        #expect(
            try await names([SearchClause(.parameter("lr"), .equal, .string("0.1"))]) == ["run-5", "run-3", "run-1"])
        #expect(
            try await names([SearchClause(.parameter("lr"), .notEqual, .string("0.1"))]) == ["run-4", "run-2", "run-0"])
        #expect(try await names([SearchClause(.parameter("missing"), .isNull, .none)]).count == 6)
        #expect(try await names([SearchClause(.parameter("lr"), .isNotNull, .none)]).count == 6)
        #expect(try await names([SearchClause(.tag("group"), .like, .string("g_"))]).count == 6)
        #expect(try await names([SearchClause(.tag("group"), .like, .string("G%"))]) == [])
        #expect(try await names([SearchClause(.tag("group"), .ilike, .string("G1"))]) == ["run-4", "run-1"])
        #expect(try await names([SearchClause(.attribute(.name), .like, .string("run-[0-2]"))]) == [])
        #expect(try await names([SearchClause(.attribute(.name), .in, .list(["run-1"]))]) == ["run-1"])
        #expect(
            try await names([SearchClause(.attribute(.id), .in, .list([world.runs[1].hex, world.runs[4].hex]))]) == [
                "run-4", "run-1",
            ])
        #expect(try await names([SearchClause(.attribute(.id), .notIn, .list([world.runs[1].hex]))]).count == 5)
        #expect(try await names([SearchClause(.attribute(.status), .equal, .string("FINISHED"))]) == ["run-1"])
        #expect(
            try await names([SearchClause(.attribute(.user), .equal, .string("ada"))]) == ["run-2", "run-1", "run-0"])
        let start = Double(TrackingWorld.time(3).microsecondsSinceEpoch / 1000)
        #expect(
            try await names([SearchClause(.attribute(.startTime), .greaterOrEqual, .number(start))]) == [
                "run-5", "run-4", "run-3",
            ])
        #expect(try await names([SearchClause(.attribute(.endTime), .greater, .number(0))]) == ["run-1"])
        #expect(
            try await names([
                SearchClause(
                    .attribute(.artifactURI), .equal, .string("mlflow-artifacts:/1/\(world.runs[0].hex)/artifacts"))
            ])
                == ["run-0"])
        #expect(try await names([SearchClause(.dataset(.name), .equal, .string("toy"))]) == ["run-2"])
        #expect(try await names([SearchClause(.dataset(.digest), .in, .list(["d1", "d2"]))]) == ["run-2"])
        #expect(try await names([SearchClause(.dataset(.context), .equal, .string("training"))]) == ["run-2"])
        #expect(
            try await names([
                SearchClause(.metric("acc"), .greater, .number(0)),
                SearchClause(.parameter("lr"), .equal, .string("0.01")),
            ]) == ["run-2"])
        await expectStoreError(.invalidQuery) {
            try await store.searchRuns(
                RunSearch(experiments: [1], filter: [SearchClause(.attribute(.modelType), .equal, .string("x"))]))
        }
        await expectStoreError(.invalidQuery) { try await store.searchRuns(RunSearch(experiments: [1], limit: 0)) }
    }

    static func runSearchOrderAndPages(_ store: any ProvenanceStore) async throws {
        var world = TrackingWorld()
        try await world.load(into: store)
        func names(_ order: [SearchOrder], lifecycle: LifecycleFilter = .activeOnly) async throws -> [String] {
            try await searchNames(store, RunSearch(experiments: [1], orderBy: order, lifecycle: lifecycle))
        }
        // acc: r0 0, r1 .1, r2 .2, r3 .3, r4 NaN, r5 missing.
        #expect(
            try await names([SearchOrder(.metric("acc"))]) == ["run-0", "run-1", "run-2", "run-3", "run-4", "run-5"])
        #expect(
            try await names([SearchOrder(.metric("acc"), ascending: false)])
                == ["run-3", "run-2", "run-1", "run-0", "run-4", "run-5"])
        #expect(
            try await names([SearchOrder(.parameter("lr"), ascending: false), SearchOrder(.attribute(.name))])
                == ["run-1", "run-3", "run-5", "run-0", "run-2", "run-4"])
        #expect(try await names([SearchOrder(.attribute(.startTime))]).first == "run-0")
        #expect(try await names([SearchOrder(.attribute(.endTime), ascending: false)]).first == "run-1")
        #expect(
            try await names([SearchOrder(.tag("group")), SearchOrder(.attribute(.id))]).prefix(2) == ["run-0", "run-3"])
        // Pages.
        var seen: [String] = []
        var offset = 0
        while true {
            let page = try await store.searchRuns(RunSearch(experiments: [1], limit: 4, offset: offset))
            seen += page.items.map { $0.name ?? "-" }
            offset += page.items.count
            if !page.hasMore { break }
        }
        #expect(seen == ["run-5", "run-4", "run-3", "run-2", "run-1", "run-0"])
        #expect(try await store.searchRuns(RunSearch(experiments: [1], limit: 6)).hasMore == false)
        #expect(try await store.searchRuns(RunSearch(experiments: [1], limit: 10, offset: 6)).items.isEmpty)
        // Lifecycle.
        try await store.ingest([.lifecycle(LifecycleChange(target: world.runs[5], targetType: .run, stage: .deleted))])
        #expect(try await names([]).count == 5)
        #expect(try await names([], lifecycle: .deletedOnly) == ["run-5"])
        #expect(try await names([], lifecycle: .all).count == 6)
    }

    static func experimentSearch(_ store: any ProvenanceStore) async throws {
        var world = TrackingWorld()
        try await world.load(into: store)
        func names(_ search: ExperimentSearch) async throws -> [String] {
            try await store.searchExperiments(search).items.map(\.name)
        }
        #expect(try await names(ExperimentSearch()) == ["elsewhere", "world", "Default"])
        #expect(
            try await names(ExperimentSearch(orderBy: [SearchOrder(.attribute(.name))])) == [
                "Default", "elsewhere", "world",
            ])
        #expect(
            try await names(ExperimentSearch(orderBy: [SearchOrder(.attribute(.id), ascending: false)])) == [
                "elsewhere", "world", "Default",
            ])
        #expect(
            try await names(ExperimentSearch(filter: [SearchClause(.attribute(.name), .like, .string("w%"))])) == [
                "world"
            ])
        #expect(
            try await names(ExperimentSearch(filter: [SearchClause(.tag("team"), .equal, .string("vision"))])) == [
                "world"
            ])
        #expect(
            try await names(ExperimentSearch(filter: [SearchClause(.tag("team"), .isNull, .none)])) == [
                "elsewhere", "Default",
            ])
        #expect(
            try await names(ExperimentSearch(filter: [SearchClause(.attribute(.id), .in, .list(["0", "2"]))])) == [
                "elsewhere", "Default",
            ])
        let created = Double(TrackingWorld.time(-7).microsecondsSinceEpoch / 1000)
        #expect(
            try await names(
                ExperimentSearch(filter: [SearchClause(.attribute(.creationTime), .greater, .number(created))])) == [
                    "elsewhere"
                ])
        let page = try await store.searchExperiments(ExperimentSearch(limit: 2))
        #expect(page.items.count == 2)
        #expect(page.hasMore)
        #expect(try await names(ExperimentSearch(limit: 2, offset: 2)) == ["Default"])
        try await store.ingest([
            .lifecycle(LifecycleChange(target: world.other, targetType: .experiment, stage: .deleted))
        ])
        #expect(try await names(ExperimentSearch()) == ["world", "Default"])
        #expect(try await names(ExperimentSearch(lifecycle: .deletedOnly)) == ["elsewhere"])
        #expect(try await names(ExperimentSearch(lifecycle: .all)).count == 3)
        await expectStoreError(.invalidQuery) {
            try await store.searchExperiments(
                ExperimentSearch(filter: [SearchClause(.metric("acc"), .greater, .number(1))]))
        }
    }

    static func loggedModels(_ store: any ProvenanceStore) async throws {
        var world = TrackingWorld()
        try await world.load(into: store)
        let model = try #require(try await store.trackedModel(world.model))
        #expect(model.entity.name == "model")
        #expect(model.experimentID == world.experiment)
        #expect(model.experimentNumber == 1)
        #expect(model.sourceRun == world.runs[3])
        #expect(
            model.metrics == [
                TrackedModelMetric(
                    key: "acc", value: 0.3, step: 0, time: nil, run: world.runs[3],
                    dataset: MetricDataset(name: "toy", digest: "d1"))
            ])
        #expect(model.entity.attributes[TrackedModel.Attribute.status] == "LOGGED_MODEL_READY")
        #expect(try await store.trackedModel(otherIDs().next()) == nil)
        // The point is in the run's series too, once.
        #expect(try await store.metricHistory(run: world.runs[3], key: "acc").count == 1)

        func ids(_ filter: [SearchClause], experiments: [Int64] = [1]) async throws -> [ProvID] {
            try await store.searchModels(ModelSearch(experiments: experiments, filter: filter)).items.map(\.entity.id)
        }
        #expect(try await ids([]) == [world.model])
        #expect(try await ids([], experiments: [2]) == [])
        #expect(try await ids([SearchClause(.attribute(.name), .equal, .string("model"))]) == [world.model])
        #expect(try await ids([SearchClause(.attribute(.name), .equal, .string("other"))]) == [])
        #expect(try await ids([SearchClause(.attribute(.id), .equal, .string(world.model.hex))]) == [world.model])
        #expect(
            try await ids([SearchClause(.attribute(.sourceRun), .equal, .string(world.runs[3].hex))]) == [world.model])
        #expect(
            try await ids([SearchClause(.attribute(.status), .equal, .string("LOGGED_MODEL_READY"))]) == [world.model])
        #expect(try await ids([SearchClause(.parameter("C"), .equal, .string("0.5"))]) == [world.model])
        #expect(try await ids([SearchClause(.tag("k"), .equal, .string("other"))]) == [])
        #expect(try await ids([SearchClause(.metric("acc"), .greater, .number(0.2))]) == [world.model])
        #expect(try await ids([SearchClause(.metric("acc"), .greater, .number(0.5))]) == [])
    }
}

extension StoreConformance {
    /// ``ProvenanceStore/ingest(keyedBatches:)``: a batch retried with its key after a newer change is not applied
    /// again, batches without a key behave as ``ProvenanceStore/ingest(batches:)``, and a refused batch's key is free.
    static func keyedBatches(_ store: any ProvenanceStore) async throws {
        let ids = SequentialIDGenerator()
        let experiment = ProvID.experiment(named: "keyed")
        let run = ids.next()
        try await store.ingest([
            .experiment(ExperimentRecord(id: experiment, name: "keyed")),
            .runStart(RunStart(id: run, experiment: experiment, startedAt: ProvFixtures.time(0))),
        ])
        let old: [ProvEvent] = [.tag(TagRecord(target: run, key: "state", value: "old"))]
        let new: [ProvEvent] = [.tag(TagRecord(target: run, key: "state", value: "new"))]
        let first = try await store.ingest(keyedBatches: [KeyedBatch(events: old, key: "k-old")])
        #expect(try first.first?.get().tags == 1)
        _ = try await store.ingest(keyedBatches: [KeyedBatch(events: new, key: "k-new")])
        let again = try await store.ingest(keyedBatches: [
            KeyedBatch(events: old, key: "k-old"), KeyedBatch(events: old, key: "k-old"),
        ])
        #expect(again.count == 2)
        for result in again {
            let summary = try result.get()
            #expect(summary.events == 1)
            #expect(summary.tags == 0)
        }
        let detail = try #require(try await store.runDetail(run))
        #expect(detail.tags.first { $0.key == "state" }?.value == "new")
        // Without a key, the old value is written again (content alone cannot tell a retry from a change).
        _ = try await store.ingest(keyedBatches: [KeyedBatch(events: old)])
        #expect(try await store.runDetail(run)?.tags.first { $0.key == "state" }?.value == "old")
        // A refused batch keeps no key: the same key with a valid batch is then applied.
        let unknown = ids.next()
        let refused = try await store.ingest(keyedBatches: [
            KeyedBatch(events: [.tag(TagRecord(target: unknown, key: "k", value: "v"))], key: "k-fix")
        ])
        #expect(throws: IngestError.self) { try refused.first?.get() }
        let fixed = try await store.ingest(keyedBatches: [
            KeyedBatch(events: [.tag(TagRecord(target: run, key: "k", value: "v"))], key: "k-fix")
        ])
        #expect(try fixed.first?.get().tags == 1)
    }
}
