import Logging
import ProvModel
import ProvStore
import ProvStoreSQLite
import ProvTesting
import Testing

/// The in-memory store against the embedded SQLite store: the same random batches (valid and refused, re-sent,
/// keyed) into both, then every read compared — searches, records, lineage, summaries and errors.
@Suite("In-memory store matches SQLite")
struct InMemoryDifferentialTests {
    @Test("random batches read back the same", arguments: 0..<24)
    func randomBatches(_ seed: Int) async throws {
        let sqlite = try SQLiteStore.inMemory(logger: Logger(label: "provkit.test.sqlite"))
        let memory = InMemoryStore(logger: Logger(label: "provkit.test.memory"))
        var world = RandomWorld(seed: UInt64(seed))
        for record in world.initialExperiments() {
            let tags = [
                TagRecord(target: record.id, targetType: .experiment, key: "team", value: world.pick(["a", "b"]))
            ]
            let location = world.chance(0.3) ? "s3://bucket/\(record.name)" : nil
            #expect(
                await Outcome { try await sqlite.createExperiment(record, tags: tags, artifactLocation: location) }
                    .normalized
                    == Outcome { try await memory.createExperiment(record, tags: tags, artifactLocation: location) }
                    .normalized)
        }
        let fallback = ExperimentRecord(id: world.newID(), name: "Default")
        #expect(
            await Outcome { try await sqlite.ensureDefaultExperiment(fallback) }.normalized
                == Outcome { try await memory.ensureDefaultExperiment(fallback) }.normalized)
        let setup = world.setupBatch()
        let setupResults = (try await sqlite.ingest(batches: [setup]), try await memory.ingest(batches: [setup]))
        #expect(setupResults.0 == setupResults.1)
        if case .failure(let error) = setupResults.0.first { Issue.record("the setup batch was refused: \(error)") }
        var sent: [KeyedBatch] = []
        for _ in 0..<14 {
            var batches: [KeyedBatch] = []
            var defined: [[(NodeType, ProvID)]] = []
            for _ in 0..<world.int(1...3) {
                if !sent.isEmpty, world.chance(0.15) {
                    batches.append(world.pick(sent))  // a re-send, with its key if it had one
                    defined.append([])
                } else {
                    let events = (0..<world.int(1...6)).map { _ in world.event() }
                    batches.append(KeyedBatch(events: events, key: world.chance(0.3) ? "key-\(world.int(0...6))" : nil))
                    defined.append(world.takePending())
                }
            }
            sent += batches
            let expected = try await sqlite.ingest(keyedBatches: batches)
            let actual = try await memory.ingest(keyedBatches: batches)
            #expect(actual == expected, "seed \(seed): ingest results")
            for (result, nodes) in zip(expected, defined) {
                if case .success = result { world.accept(nodes) }
            }
        }
        let statistics = try await sqlite.statistics()
        #expect(statistics.runs >= 6 && statistics.metricPoints > 0, "seed \(seed): \(statistics)")
        try await compareReads(sqlite, memory, world: &world, seed: seed)
    }

    private func compareReads(
        _ sqlite: SQLiteStore, _ memory: InMemoryStore, world: inout RandomWorld, seed: Int
    ) async throws {
        func same<T: Equatable & Sendable>(
            _ label: String, _ read: @Sendable (any ProvenanceStore) async throws -> T
        ) async {
            let expected = await Outcome { try await read(sqlite) }
            let actual = await Outcome { try await read(memory) }
            #expect(actual == expected, "seed \(seed): \(label)")
        }
        await same("statistics") { try await $0.statistics() }
        await same("experiments") { try await $0.experiments() }
        await same("all records") { try await normalized($0.allRecords(includePoints: true)) }
        for filter in world.runFilters() {
            await same("runs \(filter)") { try await $0.runs(matching: filter) }
        }
        for run in world.runs {
            await same("run detail \(run)") { try await $0.runDetail(run).map(normalized) }
            await same("records of run \(run)") {
                try await normalized($0.records(for: .run(run), includePoints: true))
            }
            for key in RandomWorld.metricKeys {
                await same("history \(key)") { try await $0.metricHistory(run: run, key: key) }
            }
        }
        for experiment in world.experiments {
            await same("records of experiment") {
                try await normalized($0.records(for: .experiment(experiment), includePoints: false))
            }
            await same("tracked experiment") { try await $0.trackedExperiment(.id(experiment)).map(withoutClock) }
        }
        let references = world.references()
        for node in world.allNodes + [world.unknownID] {
            await same("node") { try await $0.node(node) }
            for direction in LineageDirection.allCases {
                for depth in [0, 1, 2, 5] {
                    await same("lineage \(direction) \(depth)") {
                        try await $0.lineage(of: node, direction: direction, depth: depth)
                    }
                }
            }
            await same("lineage records") {
                try await normalized($0.records(for: .lineage(node, direction: .both, depth: 2), includePoints: false))
            }
        }
        for reference in references {
            await same("resolve '\(reference)'") { try await $0.resolve(reference) }
        }
        let tracked = world.runs + [world.unknownID]
        await same("tracked runs") { try await $0.trackedRuns(tracked) }
        for model in world.entities {
            await same("tracked model") { try await $0.trackedModel(model) }
        }
        let numbers = try await sqlite.searchExperiments(ExperimentSearch(lifecycle: .all)).items.map(\.number)
        for search in RandomWorld.runSearches(numbers) {
            await same("run search \(search)") { try await $0.searchRuns(search) }
        }
        for search in RandomWorld.experimentSearches() {
            await same("experiment search \(search)") {
                let page = try await $0.searchExperiments(search)
                return SearchPage(items: page.items.map(withoutClock), hasMore: page.hasMore)
            }
        }
        for search in RandomWorld.modelSearches(numbers) {
            await same("model search \(search)") { try await $0.searchModels(search) }
        }
    }
}

/// A read's value, or its error as text.
private enum Outcome<Value: Equatable & Sendable>: Equatable, Sendable {
    case value(Value)
    case failure(String)

    init(_ read: () async throws -> Value) async {
        do {
            self = .value(try await read())
        } catch {
            self = .failure("\(type(of: error)): \(error)")
        }
    }
}

extension Outcome where Value == TrackedExperiment {
    /// Without the last-update time, which is the store's clock.
    var normalized: Outcome<TrackedExperiment> {
        if case .value(let experiment) = self { return .value(withoutClock(experiment)) }
        return self
    }
}

private func withoutClock(_ experiment: TrackedExperiment) -> TrackedExperiment {
    var experiment = experiment
    experiment.updatedAt = nil
    return experiment
}

/// A summary whose NaN fields compare equal (NaN is never `==` itself).
private func normalized(_ summary: MetricSummary) -> MetricSummary {
    var summary = summary
    for path in [\MetricSummary.last, \MetricSummary.min, \MetricSummary.max] where summary[keyPath: path].isNaN {
        summary[keyPath: path] = -123_456.5
    }
    return summary
}

private func normalized(_ detail: RunDetail) -> RunDetail {
    var detail = detail
    detail.metrics = detail.metrics.map(normalized)
    return detail
}

private func normalized(_ records: ProvenanceRecords) -> ProvenanceRecords {
    var records = records
    for index in records.metricSeries.indices {
        records.metricSeries[index].summary = normalized(records.metricSeries[index].summary)
    }
    return records
}

/// Random events over a small world of nodes, reproducible from a seed. Most events are valid; some name unknown or
/// wrong-typed nodes, change parameters, reuse names or end runs before they start, so that refusals are compared
/// too.
private struct RandomWorld {
    private var generator: SplitMix64
    private(set) var experiments: [ProvID] = []
    private(set) var runs: [ProvID] = []
    private(set) var entities: [ProvID] = []
    private(set) var agents: [ProvID] = []
    /// Nodes defined by events not yet known to be stored.
    private var pending: [(NodeType, ProvID)] = []
    let unknownID = ProvID(high: 0x0123_4567_89ab_7000, low: 0x8000_0000_0000_0001)

    static let names = ["alpha", "beta", "Beta", "gamma", "é", "e\u{301}", "x_y", "50%"]
    static let metricKeys = ["loss", "acc", "learning_rate"]
    static let parameterKeys = ["lr", "optimizer", "zz_unknown", "batch_size"]
    static let values = ["0.1", "0.01", "SGD", "sgd", "1e3", " 2 ", "abc", "", "nan", "inf"]
    static let numbers: [Double] = [0, 0.5, 1, -1, 2.5, .nan, .infinity, 1e300, 0.25]

    init(seed: UInt64) {
        generator = SplitMix64(seed: seed &* 0x9E37_79B9_7F4A_7C15 &+ 1)
    }

    mutating func int(_ range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &generator) }
    mutating func chance(_ probability: Double) -> Bool { Double.random(in: 0..<1, using: &generator) < probability }
    mutating func pick<T>(_ values: [T]) -> T { values[int(0...values.count - 1)] }
    mutating func newID() -> ProvID {
        // Shared leading digits, so that id prefixes are ambiguous now and then.
        ProvID(high: 0x0190_0000_0000_7000 | UInt64(int(0...3)) << 40 | generator.next() & 0xFFF, low: generator.next())
    }
    /// A time in the first minute of the world: runs start in its first 10 seconds, end in the rest.
    mutating func time(_ seconds: ClosedRange<Int> = 0...10) -> ProvTime {
        ProvTime(microsecondsSinceEpoch: 1_700_000_000_000_000 + Int64(int(seconds)) * 1_000_500)
    }
    mutating func endTime() -> ProvTime? { chance(0.1) ? nil : time(chance(0.05) ? 0...10 : 11...60) }
    mutating func maybeTime() -> ProvTime? { chance(0.2) ? nil : time() }

    var allNodes: [ProvID] { experiments + runs + entities + agents }

    mutating func initialExperiments() -> [ExperimentRecord] {
        (0..<3).map { index in
            let id = newID()
            experiments.append(id)
            return ExperimentRecord(id: id, name: "exp-\(index)", createdAt: chance(0.8) ? time() : nil)
        }
    }

    /// The nodes the events since the last call define.
    mutating func takePending() -> [(NodeType, ProvID)] {
        defer { pending = [] }
        return pending
    }

    /// Makes nodes of a stored batch known.
    mutating func accept(_ nodes: [(NodeType, ProvID)]) {
        for (type, id) in nodes {
            switch type {
            case .experiment: if !experiments.contains(id) { experiments.append(id) }
            case .run: if !runs.contains(id) { runs.append(id) }
            case .entity: if !entities.contains(id) { entities.append(id) }
            case .agent: if !agents.contains(id) { agents.append(id) }
            }
        }
    }

    /// A valid batch that gives the world runs (some nested), datasets, models, agents and their relations.
    mutating func setupBatch() -> [ProvEvent] {
        var events: [ProvEvent] = []
        for index in 0..<6 {
            let id = newID()
            let parent = index >= 4 ? runs.first : nil
            events.append(
                .runStart(
                    RunStart(
                        id: id, experiment: pick(experiments), parent: parent, name: pick(Self.names),
                        startedAt: time())))
            runs.append(id)
            events.append(.parameter(ParameterRecord(run: id, key: "lr", value: pick(Self.values))))
            events.append(.metric(MetricPoint(run: id, key: pick(Self.metricKeys), value: pick(Self.numbers), step: 1)))
        }
        let person = newID()
        let software = newID()
        agents = [person, software]
        events.append(.agent(AgentRecord(id: person, kind: .person, name: pick(Self.names))))
        events.append(.agent(AgentRecord(id: software, kind: .software, name: "trainer")))
        events.append(.relation(RelationRecord(.actedOnBehalfOf, subject: software, object: person)))
        for index in 0..<4 {
            let id = newID()
            entities.append(id)
            let kind: EntityKind = index < 2 ? .dataset : .model
            events.append(
                .entity(
                    EntityRecord(
                        id: id, kind: kind, name: pick(Self.names), createdAt: maybeTime(),
                        attributes: ["digest": .string(pick(["d1", "d2"])), "status": .string("LOGGED_MODEL_READY")])))
            let run = pick(runs)
            if kind == .dataset {
                events.append(
                    .relation(
                        RelationRecord(.used, subject: run, object: id, attributes: ["role": .string("training")])))
            } else {
                events.append(.relation(RelationRecord(.wasGeneratedBy, subject: id, object: run, time: time())))
                events.append(.relation(RelationRecord(.hadMember, subject: pick(experiments), object: id)))
                events.append(
                    .metric(MetricPoint(run: run, key: "acc", value: pick(Self.numbers), step: 2, model: id)))
            }
        }
        for run in runs {
            events.append(.relation(RelationRecord(.wasAssociatedWith, subject: run, object: pick(agents))))
        }
        return events
    }

    private mutating func some(_ ids: [ProvID]) -> ProvID {
        ids.isEmpty || chance(0.02) ? (chance(0.5) ? unknownID : newID()) : pick(ids)
    }

    private mutating func run() -> ProvID { chance(0.02) ? some(allNodes) : some(runs) }

    mutating func event() -> ProvEvent {
        switch int(0...17) {
        case 0:
            let id = chance(0.3) && !experiments.isEmpty ? pick(experiments) : newID()
            pending.append((.experiment, id))
            return .experiment(
                ExperimentRecord(
                    id: id, name: "exp-\(pick(Self.names))", description: chance(0.5) ? "about" : nil,
                    createdAt: maybeTime()))
        case 1, 2:
            let id = chance(0.1) && !runs.isEmpty ? pick(runs) : newID()
            pending.append((.run, id))
            return .runStart(
                RunStart(
                    id: id, experiment: some(experiments), parent: chance(0.3) ? run() : nil,
                    name: chance(0.8) ? pick(Self.names) : nil, startedAt: time(),
                    status: chance(0.1) ? .scheduled : .running))
        case 3: return .runEnd(RunEnd(run: run(), status: pick(RunStatus.allCases), endedAt: endTime()))
        case 4:
            let id = chance(0.2) && !entities.isEmpty ? pick(entities) : newID()
            pending.append((.entity, id))
            var attributes: [String: JSONValue] = [:]
            if chance(0.5) { attributes["digest"] = .string(pick(["d1", "d2", "D1"])) }
            if chance(0.3) { attributes["status"] = .string(pick(["LOGGED_MODEL_READY", "PENDING"])) }
            if chance(0.3) { attributes["params"] = .object(["lr": .string(pick(Self.values))]) }
            if chance(0.2) { attributes["last_updated_ms"] = .number(Double(int(0...1000))) }
            if chance(0.1) { attributes["score"] = .number(pick(Self.numbers)) }
            return .entity(
                EntityRecord(
                    id: id, kind: pick([EntityKind.dataset, .model, .model, .file]),
                    name: chance(0.8) ? pick(Self.names) : nil,
                    location: chance(0.3) ? "/data/\(pick(Self.names))" : nil, digest: chance(0.3) ? "sha" : nil,
                    sizeBytes: chance(0.3) ? Int64(int(0...100)) : nil, createdAt: maybeTime(), attributes: attributes))
        case 5:
            let id = chance(0.2) && !agents.isEmpty ? pick(agents) : newID()
            pending.append((.agent, id))
            return .agent(AgentRecord(id: id, kind: pick([AgentKind.person, .software]), name: pick(Self.names)))
        case 6, 7:
            let kind = pick(RelationKind.allCases)
            func endpoint(_ types: Set<NodeType>) -> ProvID {
                if chance(0.04) { return some(allNodes) }
                var candidates: [ProvID] = []
                if types.contains(.run) { candidates += runs }
                if types.contains(.entity) { candidates += entities }
                if types.contains(.agent) { candidates += agents }
                if types.contains(.experiment) { candidates += experiments }
                return some(candidates)
            }
            let attributes: [String: JSONValue] = chance(0.4) ? ["role": .string(pick(["training", "eval"]))] : [:]
            return .relation(
                RelationRecord(
                    kind, subject: endpoint(kind.subjectTypes), object: endpoint(kind.objectTypes), time: maybeTime(),
                    attributes: attributes))
        case 8:
            // Mostly the value the run already has (or would get), now and then another one (refused).
            let run = run()
            let key = pick(Self.parameterKeys)
            let usual = Self.values[Int((run.low &+ UInt64(key.utf8.count)) % UInt64(Self.values.count))]
            return .parameter(ParameterRecord(run: run, key: key, value: chance(0.1) ? pick(Self.values) : usual))
        case 9:
            if chance(0.3) {
                return .tag(
                    TagRecord(target: some(experiments), targetType: .experiment, key: "team", value: pick(Self.values))
                )
            }
            if chance(0.15), !runs.isEmpty {
                return .tag(TagRecord(target: run(), key: "mlflow.parentRunId", value: pick(runs).hex))
            }
            return .tag(
                TagRecord(target: run(), key: pick(["note", "mlflow.user", "zz_tag"]), value: pick(Self.values)))
        case 10, 11, 12:
            let model = chance(0.2) && !entities.isEmpty ? pick(entities) : nil
            return .metric(
                MetricPoint(
                    run: run(), key: pick(Self.metricKeys), value: pick(Self.numbers), step: Int64(int(0...4)),
                    time: maybeTime(), epoch: chance(0.3) ? Double(int(0...3)) : nil, model: model,
                    dataset: model != nil && chance(0.5) ? MetricDataset(name: "ds", digest: "dd") : nil))
        case 13:
            return .telemetry(
                TelemetrySample(
                    run: run(), time: time(), phase: pick(TelemetryPhase.allCases),
                    values: ["gpu_util": pick(Self.numbers), "cpu_percent": Double(int(0...100))]))
        case 14:
            return .architecture(
                ArchitectureRecord(
                    run: run(), model: chance(0.3) && !entities.isEmpty ? pick(entities) : nil,
                    layers: (0..<int(0...3)).map { _ in
                        ArchitectureLayer(
                            type: pick(["Conv2d", "Linear"]), hyperparameters: ["units": .number(Double(int(1...9)))])
                    }))
        case 15:
            return .runUpdate(
                RunUpdate(
                    run: run(), name: chance(0.5) ? pick(Self.names) : nil,
                    status: chance(0.5) ? pick(RunStatus.allCases) : nil, endedAt: chance(0.3) ? endTime() : nil,
                    parent: chance(0.2) ? run() : nil))
        case 16:
            return chance(0.5)
                ? .tagDelete(TagDeletion(target: run(), key: pick(["note", "zz_tag"])))
                : .tagDelete(TagDeletion(target: some(experiments), targetType: .experiment, key: "team"))
        default:
            let stage: LifecycleStage = chance(0.5) ? .deleted : .active
            return chance(0.6)
                ? .lifecycle(LifecycleChange(target: run(), targetType: .run, stage: stage, time: time()))
                : .lifecycle(
                    LifecycleChange(target: some(experiments), targetType: .experiment, stage: stage, time: time()))
        }
    }

    func runFilters() -> [RunFilter] {
        [
            RunFilter(), RunFilter(limit: 3), RunFilter(experiments: ["exp-0", "exp-é"]),
            RunFilter(experiments: experiments.prefix(1).map(\.hex)),
            RunFilter(parameters: [KeyCondition(key: "lr", comparator: .equal, value: "0.1")]),
            RunFilter(parameters: [KeyCondition(key: "lr", comparator: .notEqual, value: "0.1")]),
            RunFilter(parameters: [KeyCondition(key: "lr", comparator: .greater, value: "0.05")]),
            RunFilter(parameters: [KeyCondition(key: "optimizer", comparator: .equal, value: "SGD")]),
            RunFilter(parameters: [KeyCondition(key: "batch_size", comparator: .lessOrEqual, value: "2")]),
            RunFilter(parameters: [KeyCondition(key: "lr", comparator: .less, value: "abc")]),
            RunFilter(metrics: [KeyCondition(key: "loss", comparator: .greaterOrEqual, value: "0.5")]),
            RunFilter(metrics: [KeyCondition(key: "acc", comparator: .notEqual, value: "1")]),
            RunFilter(metrics: [KeyCondition(key: "acc", comparator: .equal, value: "x")]),
            RunFilter(tags: [KeyCondition(key: "note", comparator: .notEqual, value: "abc")]),
            RunFilter(terms: ["model"]), RunFilter(terms: ["model.hyperparameter"]), RunFilter(terms: ["system"]),
            RunFilter(statuses: [.finished, .failed]), RunFilter(kinds: [.task]),
            RunFilter(parent: runs.first), RunFilter(limit: -1),
        ]
    }

    mutating func references() -> [String] {
        var references = [
            "", "  ", "alpha", " beta ", "e\u{301}", "/data/alpha", "exp-0", "0190", "019000", "0190000000",
        ]
        for id in allNodes.prefix(6) {
            references += [id.hex, id.hex.uppercased(), String(id.hex.prefix(6)), String(id.hex.prefix(int(7...31)))]
        }
        return references
    }

    static func runSearches(_ numbers: [Int64]) -> [RunSearch] {
        let clauses: [SearchClause] = [
            SearchClause(.metric("loss"), .greater, .number(0.4)),
            SearchClause(.metric("acc"), .notEqual, .number(1)),
            SearchClause(.parameter("lr"), .equal, .string("0.1")),
            SearchClause(.parameter("optimizer"), .like, .string("S%")),
            SearchClause(.parameter("optimizer"), .ilike, .string("s_d")),
            SearchClause(.parameter("lr"), .isNull, .none),
            SearchClause(.tag("note"), .isNotNull, .none),
            SearchClause(.tag("note"), .notEqual, .string("abc")),
            SearchClause(.attribute(.name), .in, .list(["alpha", "é"])),
            SearchClause(.attribute(.name), .notIn, .list(["alpha"])),
            SearchClause(.attribute(.name), .like, .string("%a%")),
            SearchClause(.attribute(.status), .equal, .string("FINISHED")),
            SearchClause(.attribute(.status), .ilike, .string("run%")),
            SearchClause(.attribute(.user), .equal, .string("alpha")),
            SearchClause(.attribute(.startTime), .greater, .number(1_700_000_020_000)),
            SearchClause(.attribute(.endTime), .lessOrEqual, .number(1_700_000_030_000)),
            SearchClause(.attribute(.id), .like, .string("0190%")),
            SearchClause(.attribute(.artifactURI), .like, .string("s3:%")),
            SearchClause(.dataset(.name), .equal, .string("alpha")),
            SearchClause(.dataset(.digest), .in, .list(["d1", "d2"])),
            SearchClause(.dataset(.context), .equal, .string("training")),
            SearchClause(.metric("loss"), .greater, .string("x")),
            SearchClause(.attribute(.creationTime), .equal, .number(0)),
        ]
        let orders: [[SearchOrder]] = [
            [], [SearchOrder(.metric("loss"))], [SearchOrder(.metric("acc"), ascending: false)],
            [SearchOrder(.parameter("lr"))], [SearchOrder(.tag("note"), ascending: false)],
            [SearchOrder(.attribute(.name))], [SearchOrder(.attribute(.name), ascending: false)],
            [SearchOrder(.attribute(.endTime))], [SearchOrder(.attribute(.status)), SearchOrder(.attribute(.user))],
            [SearchOrder(.attribute(.artifactURI), ascending: false)], [SearchOrder(.dataset(.name))],
        ]
        var searches = clauses.map { RunSearch(experiments: numbers, filter: [$0], lifecycle: .all) }
        for order in orders {
            for lifecycle in LifecycleFilter.allCases {
                for offset in [0, 2, 5] {
                    searches.append(
                        RunSearch(experiments: numbers, orderBy: order, lifecycle: lifecycle, limit: 3, offset: offset))
                }
            }
        }
        searches.append(RunSearch(experiments: Array(numbers.prefix(1))))
        searches.append(RunSearch(experiments: numbers, limit: 0))
        searches.append(RunSearch(experiments: numbers, offset: -1))
        return searches
    }

    static func experimentSearches() -> [ExperimentSearch] {
        let filters: [[SearchClause]] = [
            [], [SearchClause(.attribute(.name), .like, .string("exp-%"))],
            [SearchClause(.attribute(.name), .ilike, .string("EXP-B%"))],
            [SearchClause(.attribute(.id), .greater, .string("1"))],
            [SearchClause(.attribute(.id), .equal, .string("x"))],
            [SearchClause(.tag("team"), .equal, .string("a"))], [SearchClause(.tag("team"), .isNull, .none)],
            [SearchClause(.attribute(.creationTime), .greater, .number(1_700_000_010_000))],
            [SearchClause(.metric("loss"), .greater, .number(1))],
        ]
        let orders: [[SearchOrder]] = [
            [], [SearchOrder(.attribute(.name))], [SearchOrder(.attribute(.id), ascending: false)],
            [SearchOrder(.attribute(.creationTime))], [SearchOrder(.tag("team"))],
        ]
        var searches: [ExperimentSearch] = []
        for filter in filters {
            for order in orders {
                for lifecycle in LifecycleFilter.allCases {
                    searches.append(ExperimentSearch(filter: filter, orderBy: order, lifecycle: lifecycle, limit: 2))
                }
            }
        }
        return searches
    }

    static func modelSearches(_ numbers: [Int64]) -> [ModelSearch] {
        let filters: [[SearchClause]] = [
            [], [SearchClause(.metric("acc"), .greater, .number(0.2))],
            [SearchClause(.attribute(.name), .like, .string("%a"))],
            [SearchClause(.attribute(.status), .equal, .string("LOGGED_MODEL_READY"))],
            [SearchClause(.attribute(.lastUpdateTime), .greater, .number(100))],
            [SearchClause(.parameter("lr"), .equal, .string("0.1"))],
            [SearchClause(.attribute(.sourceRun), .like, .string("0190%"))],
            [SearchClause(.attribute(.user), .equal, .string("x"))],
        ]
        let orders: [[SearchOrder]] = [
            [], [SearchOrder(.metric("acc"), ascending: false)], [SearchOrder(.attribute(.name))],
            [SearchOrder(.attribute(.creationTime), ascending: false)], [SearchOrder(.parameter("lr"))],
            [SearchOrder(.attribute(.lastUpdateTime))],
        ]
        var searches: [ModelSearch] = []
        for filter in filters {
            for order in orders {
                searches.append(ModelSearch(experiments: numbers, filter: filter, orderBy: order, limit: 2))
                searches.append(ModelSearch(experiments: numbers, filter: filter, orderBy: order, limit: 2, offset: 2))
            }
        }
        return searches
    }
}
