import ProvModel
import ProvStore
import Testing

// Stored-value robustness (issue #12): extreme values go in through every write path and come back through every read
// path; each is either refused cleanly on ingest (an IngestError naming the field, nothing stored) or read back
// faithfully. A reader never traps on a held value.

extension StoreConformance {
    /// The stored-value checks, each to be run on a fresh, empty store.
    public static let storedValueChecks: [StoreConformanceCheck] = [
        StoreConformanceCheck("stored values: extreme numbers are kept exactly and read back by every read") {
            try await extremeNumbers($0)
        },
        StoreConformanceCheck("stored values: empty, 1 MB and unusual Unicode text is kept byte for byte") {
            try await unusualText($0)
        },
        StoreConformanceCheck("stored values: long tag values and names are kept or refused cleanly") {
            try await longIndexedText($0)
        },
        StoreConformanceCheck("stored values: out-of-range times, whole numbers and NUL are refused") {
            try await outOfRangeValuesRefused($0)
        },
        StoreConformanceCheck("stored values: a cycle of parent runs is refused") { try await parentCyclesRefused($0) },
    ]

    /// Numbers at the edges of what each field holds.
    enum Extremes {
        static let values: [Double] = [
            1e300, -1e300, .nan, .infinity, -.infinity, .greatestFiniteMagnitude, -.greatestFiniteMagnitude,
            .leastNonzeroMagnitude, -0.0, 0, 0x1p53 + 2,
        ]
        static let steps: [Int64] = [.max, .min, 0, -1, 9_007_199_254_740_993]
        static let epochs: [Double] = [1e300, -1e300, .infinity, -.infinity, 0.5]
        /// The first and last accepted times.
        static let times = [
            ProvTime(microsecondsSinceEpoch: ProvTime.validRange.lowerBound),
            ProvTime(microsecondsSinceEpoch: ProvTime.validRange.upperBound),
        ]
    }

    /// A store with one experiment and one run, ready for values.
    struct ValueWorld {
        let ids = SequentialIDGenerator(milliseconds: 1_760_000_000_000)
        let experiment: ProvID
        let run: ProvID
        let number: Int64

        init(_ store: any ProvenanceStore, runName: String = "values") async throws {
            experiment = ids.next()
            run = ids.next()
            let tracked = try await store.createExperiment(
                ExperimentRecord(id: experiment, name: "values-\(experiment.hex.suffix(6))"), tags: [],
                artifactLocation: nil)
            number = tracked.number
            try await store.ingest([
                .runStart(RunStart(id: run, experiment: experiment, name: runName, startedAt: ProvFixtures.time(0)))
            ])
        }
    }

    static func sameValue(_ lhs: Double, _ rhs: Double) -> Bool {
        lhs.bitPattern == rhs.bitPattern || (lhs.isNaN && rhs.isNaN) || (lhs == 0 && rhs == 0)
    }

    static func extremeNumbers(_ store: any ProvenanceStore) async throws {
        let world = try await ValueWorld(store)
        var points: [MetricPoint] = []
        for (index, value) in Extremes.values.enumerated() {
            points.append(
                MetricPoint(
                    run: world.run, key: "value", value: value, step: Int64(truncatingIfNeeded: index),
                    time: ProvFixtures.time(Double(index))))
        }
        for (index, step) in Extremes.steps.enumerated() {
            points.append(
                MetricPoint(
                    run: world.run, key: "step", value: Double(index), step: step,
                    time: Extremes.times[index % 2], epoch: Extremes.epochs[index % Extremes.epochs.count]))
        }
        let model = world.ids.next()
        let attributes: [String: JSONValue] = [
            "huge": .number(1e300), "tiny": .number(-1e300), "whole": .number(9_007_199_254_740_991),
            TrackedModel.Attribute.updatedAt: .number(-9_007_199_254_740_991),
        ]
        try await store.ingest(
            [.metric(points[0])] + points.dropFirst().map { .metric($0) } + [
                .entity(
                    EntityRecord(
                        id: model, kind: .model, name: "m", sizeBytes: .max, createdAt: Extremes.times[1],
                        attributes: attributes)),
                .relation(
                    RelationRecord(
                        .wasGeneratedBy, subject: model, object: world.run, time: Extremes.times[0],
                        attributes: ["step": .number(-9_007_199_254_740_991)])),
                .telemetry(
                    TelemetrySample(
                        run: world.run, time: Extremes.times[1],
                        values: ["huge": 1e300, "tiny": -1e300, "nan": .nan, "inf": .infinity])),
                .runEnd(RunEnd(run: world.run, status: .finished, endedAt: Extremes.times[1])),
            ])

        // Histories: every point, exactly.
        for key in ["value", "step"] {
            let history = try await store.metricHistory(run: world.run, key: key)
            let sent = points.filter { $0.key == key }
            #expect(history.count == sent.count, "metric '\(key)'")
            for point in sent {
                let held = history.first { $0.step == point.step && $0.time == point.time }
                #expect(held.map { sameValue($0.value, point.value) } == true, "metric '\(key)' step \(point.step)")
                if let epoch = point.epoch {
                    #expect(held?.epoch.map { sameValue($0, epoch) } == true, "epoch of step \(point.step)")
                }
            }
        }
        // Summaries, tracked runs, searches and records read the same values without trapping.
        let detail = try #require(try await store.runDetail(world.run))
        #expect(detail.metrics.first { $0.key == "step" }?.lastStep == .max)
        #expect(detail.run.endedAt == Extremes.times[1])
        let tracked = try #require(try await store.trackedRuns([world.run]).first)
        #expect(tracked.metrics.first { $0.key == "step" }?.step == .max)
        #expect(tracked.outputModels.first?.attributes["step"] == .number(-9_007_199_254_740_991))
        let page = try await store.searchRuns(
            RunSearch(
                experiments: [world.number],
                filter: [SearchClause(.metric("value"), .greater, .number(0))],
                orderBy: [SearchOrder(.metric("value"), ascending: false)]))
        #expect(page.items.map(\.id) == [world.run])  // the latest value, at the highest step, is 2^53 + 2
        let ordered = try await store.searchRuns(
            RunSearch(experiments: [world.number], orderBy: [SearchOrder(.metric("step"))]))
        #expect(ordered.items.map(\.id) == [world.run])
        let heldModel = try #require(try await store.trackedModel(model))
        #expect(heldModel.entity.attributes == attributes)
        #expect(heldModel.entity.sizeBytes == .max)
        #expect(heldModel.entity.createdAt == Extremes.times[1])
        let records = try await store.records(for: .run(world.run), includePoints: true)
        let series = records.metricSeries.first { $0.summary.key == "value" }
        #expect(series?.points.count == Extremes.values.count)
        let telemetry = try #require(records.telemetry.first)
        #expect(telemetry.values["huge"] == 1e300 && telemetry.values["tiny"] == -1e300)
        // JSON has no NaN or infinity: a reading that is not finite is either kept or left out, never fatal.
        #expect(telemetry.values["nan"].map(\.isNaN) ?? true)
        #expect(telemetry.values["inf"].map { $0 == .infinity } ?? true)
        _ = try await store.allRecords(includePoints: true)
        _ = try await store.statistics()
        _ = try await store.runs(matching: RunFilter())
        _ = try await store.lineage(of: world.run, direction: .both, depth: 3)
    }

    /// Text that stresses encodings: empty, 1 MB, right-to-left, emoji with joiners, combining marks (which a
    /// normalizing store would change), non-characters and the replacement character.
    static let unusualTexts: [String] = [
        "", String(repeating: "a", count: 1 << 20), "مرحبا بالعالم", "👩🏽‍🔬🧪", "e\u{301}\u{327}",
        "\u{FEFF}\u{200B}\u{FFFD}",
        "\u{10FFFF}\u{FFFE}", "tab\tnew\nline\r", "quote\"back\\slash",
    ]

    static func unusualText(_ store: any ProvenanceStore) async throws {
        let world = try await ValueWorld(store)
        var events: [ProvEvent] = []
        var entities: [ProvID: String] = [:]
        for (index, text) in unusualTexts.enumerated() {
            events.append(.parameter(ParameterRecord(run: world.run, key: "p\(index)", value: text)))
            // Tag values are indexed; long ones have a check of their own (longIndexedText).
            if text.utf8.count <= 1000 {
                events.append(.tag(TagRecord(target: world.run, key: "t\(index)", value: text)))
            }
            let entity = world.ids.next()
            entities[entity] = text
            events.append(
                .entity(
                    EntityRecord(
                        id: entity, kind: .dataset, name: text.isEmpty ? nil : "d\(index)-\(text.prefix(200))",
                        attributes: ["text": .string(text), String(text.prefix(100)) + "k": .array([.string(text)])])))
            events.append(
                .relation(
                    RelationRecord(.used, subject: world.run, object: entity, attributes: ["role": .string(text)])))
        }
        // Keys: short ones through the ingest format's limit (250 bytes), with unusual characters.
        for (index, text) in unusualTexts.enumerated() where !text.isEmpty {
            events.append(.metric(MetricPoint(run: world.run, key: "m\(index)\(text.prefix(20))", value: 1)))
        }
        try await store.ingest(events)

        func bytes(_ text: String?) -> [UInt8]? { text.map { Array($0.utf8) } }
        let detail = try #require(try await store.runDetail(world.run))
        let tracked = try #require(try await store.trackedRuns([world.run]).first)
        let records = try await store.records(for: .run(world.run), includePoints: false)
        for (index, text) in unusualTexts.enumerated() {
            let expected = bytes(text)
            #expect(bytes(detail.parameters.first { $0.key == "p\(index)" }?.value) == expected, "parameter \(index)")
            #expect(bytes(tracked.parameters.first { $0.key == "p\(index)" }?.value) == expected, "parameter \(index)")
            if text.utf8.count <= 1000 {
                #expect(bytes(detail.tags.first { $0.key == "t\(index)" }?.value) == expected, "tag \(index)")
                #expect(bytes(tracked.tags.first { $0.key == "t\(index)" }?.value) == expected, "tag \(index)")
            }
            #expect(
                bytes(records.parameters.first { $0.key == "p\(index)" }?.value) == expected, "parameter \(index)")
        }
        for (id, text) in entities {
            let entity = try #require(records.entities.first { $0.id == id })
            #expect(bytes(entity.attributes["text"]?.stringValue) == bytes(text))
            let relation = records.relations.first { $0.object == id }
            #expect(bytes(relation?.attributes["role"]?.stringValue) == bytes(text))
        }
        let metricKeys = Set(detail.metrics.map { Array($0.key.utf8) })
        for (index, text) in unusualTexts.enumerated() where !text.isEmpty {
            #expect(metricKeys.contains(Array("m\(index)\(text.prefix(20))".utf8)), "metric key \(index)")
        }
        // Searches over the text match it exactly, combining marks and all.
        let combining = try await store.searchRuns(
            RunSearch(
                experiments: [world.number], filter: [SearchClause(.tag("t4"), .equal, .string(unusualTexts[4]))]))
        #expect(combining.items.map(\.id) == [world.run])
        let precomposed = try await store.searchRuns(
            RunSearch(experiments: [world.number], filter: [SearchClause(.tag("t4"), .equal, .string("é\u{327}"))]))
        #expect(precomposed.items.isEmpty, "a store must not normalize text")
        _ = try await store.resolve("d2")
        _ = try await store.allRecords(includePoints: true)
    }

    /// Long text where stores index it: tag values (MLflow allows 8,000 characters), run, entity, agent,
    /// experiment and model-metric dataset names, entity locations. Kept byte for byte and found again by equality,
    /// or refused with an ``IngestError``; never a database failure.
    static func longIndexedText(_ store: any ProvenanceStore) async throws {
        let world = try await ValueWorld(store)
        // Text that does not compress (databases compress long index entries): a fixed pseudo-random sequence.
        let letters = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
        var state: UInt64 = 0x2545_F491_4F6C_DD1D  // xorshift64
        let noise = String(
            (0..<8000).map { _ in
                state ^= state << 13
                state ^= state >> 7
                state ^= state << 17
                return letters[Int(truncatingIfNeeded: state % UInt64(letters.count))]
            })
        let huge = String(repeating: noise, count: 131)  // 1 MB
        let entity = world.ids.next()
        let experiment = world.ids.next()
        let located = world.ids.next()
        let agent = world.ids.next()
        let model = world.ids.next()
        try await store.ingest([.entity(EntityRecord(id: model, kind: .model, name: "model"))])
        let measured = MetricPoint(
            run: world.run, key: "accuracy", value: 0.5, time: ProvFixtures.time(1), model: model,
            dataset: MetricDataset(name: noise, digest: noise))
        let cases: [(String, ProvEvent, @Sendable (any ProvenanceStore) async throws -> String?)] = [
            (
                "an 8,000-character tag value", .tag(TagRecord(target: world.run, key: "note", value: noise)),
                { try await $0.trackedRuns([world.run]).first?.tags.first { $0.key == "note" }?.value }
            ),
            (
                "a 1 MB tag value", .tag(TagRecord(target: world.run, key: "huge", value: huge)),
                { try await $0.trackedRuns([world.run]).first?.tags.first { $0.key == "huge" }?.value }
            ),
            (
                "an 8,000-character run name", .runUpdate(RunUpdate(run: world.run, name: noise)),
                { try await $0.trackedRuns([world.run]).first?.name }
            ),
            (
                "an 8,000-character entity name", .entity(EntityRecord(id: entity, kind: .file, name: noise)),
                { try await $0.node(entity)?.name }
            ),
            (
                "an 8,000-character entity location", .entity(EntityRecord(id: located, kind: .file, location: noise)),
                { try await $0.node(located)?.location }
            ),
            (
                "an 8,000-character agent name", .agent(AgentRecord(id: agent, kind: .software, name: noise)),
                { try await $0.node(agent)?.name }
            ),
            (
                "an 8,000-character dataset name of a model metric", .metric(measured),
                { try await $0.trackedModel(model)?.metrics.first?.dataset?.name }
            ),
            (
                "an 8,000-character experiment name", .experiment(ExperimentRecord(id: experiment, name: noise)),
                { try await $0.trackedExperiment(.id(experiment))?.name }
            ),
        ]
        for (name, event, read) in cases {
            do {
                try await store.ingest([event])
            } catch let error as IngestError {
                #expect(!error.message.isEmpty, "\(name): refused cleanly")
                continue
            }
            let held = try await read(store)
            #expect(held.map { Array($0.utf8) } == Array((name.contains("1 MB") ? huge : noise).utf8), "\(name)")
        }
        // Lookups by the long text still find it (PostgreSQL: through hash and md5 indexes).
        let tagged = try await store.searchRuns(
            RunSearch(experiments: [world.number], filter: [SearchClause(.tag("note"), .equal, .string(noise))]))
        #expect(tagged.items.map(\.id) == [world.run])
        #expect(try await store.trackedExperiment(.name(noise))?.id == experiment)
        // A model metric measured on a long-named dataset is still stored once when sent again.
        try await store.ingest([.metric(measured)])
        #expect(try await store.trackedModel(model)?.metrics.count == 1)
    }

    static func outOfRangeValuesRefused(_ store: any ProvenanceStore) async throws {
        let world = try await ValueWorld(store)
        let model = world.ids.next()
        try await store.ingest([.entity(EntityRecord(id: model, kind: .model, name: "m"))])
        let tooLate = ProvTime(microsecondsSinceEpoch: .max)
        let tooEarly = ProvTime(microsecondsSinceEpoch: .min)
        let run = world.run
        let other = world.ids.next()
        let cases: [(String, ProvEvent, String)] = [
            (
                "run start time", .runStart(RunStart(id: other, experiment: world.experiment, startedAt: tooLate)),
                "time"
            ),
            ("run end time", .runEnd(RunEnd(run: run, status: .finished, endedAt: tooLate)), "time"),
            ("run update end time", .runUpdate(RunUpdate(run: run, endedAt: tooLate)), "time"),
            ("metric time", .metric(MetricPoint(run: run, key: "loss", value: 1, time: tooEarly)), "time"),
            ("entity time", .entity(EntityRecord(id: world.ids.next(), kind: .file, createdAt: tooEarly)), "time"),
            ("relation time", .relation(RelationRecord(.used, subject: run, object: model, time: tooLate)), "time"),
            ("telemetry time", .telemetry(TelemetrySample(run: run, time: tooEarly, values: ["cpu": 1])), "time"),
            (
                "lifecycle time",
                .lifecycle(LifecycleChange(target: run, targetType: .run, stage: .deleted, time: tooLate)),
                "time"
            ),
            (
                "experiment time", .experiment(ExperimentRecord(id: world.ids.next(), name: "x", createdAt: tooEarly)),
                "time"
            ),
            (
                "output step 2^63-1",
                .relation(
                    RelationRecord(
                        .wasGeneratedBy, subject: model, object: run,
                        attributes: ["step": .number(9.223372036854775807e18)])),
                "attributes.step"
            ),
            (
                "output step -1e300",
                .relation(
                    RelationRecord(
                        .wasGeneratedBy, subject: model, object: run, attributes: ["step": .number(-1e300)])),
                "attributes.step"
            ),
            (
                "output step 1.5",
                .relation(
                    RelationRecord(.wasGeneratedBy, subject: model, object: run, attributes: ["step": .number(1.5)])),
                "attributes.step"
            ),
            (
                "output step text",
                .relation(RelationRecord(.wasGeneratedBy, subject: model, object: run, attributes: ["step": "7"])),
                "attributes.step"
            ),
            (
                "model update time 1e300",
                .entity(
                    EntityRecord(
                        id: model, kind: .model, attributes: [TrackedModel.Attribute.updatedAt: .number(1e300)])),
                "attributes.last_updated_ms"
            ),
            (
                "model update time NaN",
                .entity(
                    EntityRecord(id: model, kind: .model, attributes: [TrackedModel.Attribute.updatedAt: .number(.nan)])
                ),
                "attributes.last_updated_ms"
            ),
            ("NUL in a parameter", .parameter(ParameterRecord(run: run, key: "p", value: "a\u{0}b")), "value"),
            ("NUL in a tag key", .tag(TagRecord(target: run, key: "k\u{0}", value: "v")), "key"),
            ("NUL in a metric key", .metric(MetricPoint(run: run, key: "\u{0}", value: 1)), "key"),
            ("NUL in a name", .entity(EntityRecord(id: model, kind: .model, name: "m\u{0}")), "name"),
            (
                "NUL in an attribute",
                .agent(AgentRecord(id: world.ids.next(), kind: .person, name: "a", attributes: ["x": "\u{0}"])),
                "attributes.x"
            ),
        ]
        for (name, event, field) in cases {
            // After a valid event, so the refusal names the second one.
            try await expectRefused(
                store, [.parameter(ParameterRecord(run: run, key: "ok", value: "1")), event], eventIndex: 1,
                field: field, "\(name)")
        }
        // The refused values never reached a reader.
        let tracked = try #require(try await store.trackedRuns([run]).first)
        #expect(tracked.outputModels.isEmpty && tracked.parameters.isEmpty)
        #expect(try await store.trackedModel(model)?.entity.attributes.isEmpty == true)
    }

    static func parentCyclesRefused(_ store: any ProvenanceStore) async throws {
        let world = try await ValueWorld(store)
        let (a, b, c) = (world.run, world.ids.next(), world.ids.next())
        try await store.ingest([
            .runStart(RunStart(id: b, experiment: world.experiment, name: "b", startedAt: ProvFixtures.time(1))),
            .runStart(RunStart(id: c, experiment: world.experiment, name: "c", startedAt: ProvFixtures.time(2))),
            .runUpdate(RunUpdate(run: b, parent: a)),  // a → b
            .runUpdate(RunUpdate(run: c, parent: b)),  // a → b → c
        ])
        try await expectRefused(store, [.runUpdate(RunUpdate(run: a, parent: c))], eventIndex: 0, field: "parent")
        try await expectRefused(store, [.runUpdate(RunUpdate(run: a, parent: a))], eventIndex: 0, field: "parent")
        try await expectRefused(store, [.runUpdate(RunUpdate(run: b, parent: c))], eventIndex: 0, field: "parent")
        // Re-sending a's start with a descendant as its parent is a cycle too.
        try await expectRefused(
            store,
            [.runStart(RunStart(id: a, experiment: world.experiment, parent: c, startedAt: ProvFixtures.time(0)))],
            eventIndex: 0, field: "parent")
        // A cycle made within one batch is refused as well, and the batch stores nothing.
        let d = world.ids.next()
        try await expectRefused(
            store,
            [
                .runStart(RunStart(id: d, experiment: world.experiment, name: "d", startedAt: ProvFixtures.time(3))),
                .runUpdate(RunUpdate(run: a, parent: d)),
                .runUpdate(RunUpdate(run: d, parent: c)),
            ], eventIndex: 2, field: "parent")
        let error = await #expect(throws: IngestError.self) {
            try await store.ingest([.runUpdate(RunUpdate(run: a, parent: c))])
        }
        for id in [a, b, c] { #expect(error?.message.contains(id.hex) == true, "the message names \(id.hex)") }
        // Moving a run elsewhere in the tree stays possible.
        try await store.ingest([.runUpdate(RunUpdate(run: c, parent: a))])
        #expect(try await store.runDetail(c)?.run.parentID == a)
    }
}
