import Foundation
import ProvImport
import ProvModel
import ProvTesting
import Testing

/// Reads shared reference data for the tests.
enum Fixtures {
    /// The three RCLJT22 sample IDs in `record-trails/cifar100`.
    static let trailIDs = [
        "2021_02_15_13_55_26_539263", "2021_02_15_13_56_59_917381", "2021_02_15_14_01_32_105932",
    ]

    /// The three A4NN history files in `a4nn`.
    static let a4nnFiles = [
        "1gpu_1e14_training_data.csv", "1gpu_1e15_training_data.csv", "1gpu_1e16_training_data.csv",
    ]

    /// A shared data file's name and contents; throws when it is missing (which fails the test under CI).
    static func file(_ relativePath: String) throws -> ImportFile {
        let url = try SharedData.require(relativePath)
        return ImportFile(name: url.lastPathComponent, contents: try String(contentsOf: url, encoding: .utf8))
    }

    /// A record trail from the shared data by ID.
    static func trail(_ id: String) throws -> ImportFile {
        try file("record-trails/cifar100/\(id).txt")
    }

    /// A fresh context with deterministic identifiers and a fixed import time.
    static func context() -> ImportContext {
        ImportContext(ids: SequentialIDGenerator(), now: importTime)
    }

    static let importTime = ProvTime(microsecondsSinceEpoch: 1_750_000_000_000_000)

    /// An experiment identifier that no generator of the tests returns.
    static let experiment = ProvID(high: 0x0190_0000_0000_7000, low: 0x8000_0000_0000_FFFF)
}

/// The events of one imported run, gathered by kind.
struct ImportedRun {
    var start: RunStart
    var end: RunEnd?
    var parameters: [String: String] = [:]
    var tags: [String: String] = [:]
    var series: [String: [MetricPoint]] = [:]
    var architecture: ArchitectureRecord?
    var relations: [RelationRecord] = []

    /// The values of a metric series in step order.
    func values(_ key: String) -> [Double] {
        (series[key] ?? []).map(\.value)
    }

    /// The point with the largest value of a series.
    func maximum(_ key: String) -> MetricPoint? {
        (series[key] ?? []).max { $0.value < $1.value }
    }

    /// The point with the smallest value of a series.
    func minimum(_ key: String) -> MetricPoint? {
        (series[key] ?? []).min { $0.value < $1.value }
    }
}

/// Groups events by run, in the order the runs start.
func importedRuns(_ events: [ProvEvent]) -> [ImportedRun] {
    var runs: [ImportedRun] = []
    var index: [ProvID: Int] = [:]
    for event in events {
        switch event {
        case .runStart(let start):
            index[start.id] = runs.count
            runs.append(ImportedRun(start: start))
        case .runEnd(let end):
            if let position = index[end.run] { runs[position].end = end }
        case .parameter(let parameter):
            if let position = index[parameter.run] { runs[position].parameters[parameter.key] = parameter.value }
        case .tag(let tag):
            if let position = index[tag.target] { runs[position].tags[tag.key] = tag.value }
        case .metric(let point):
            if let position = index[point.run] { runs[position].series[point.key, default: []].append(point) }
        case .architecture(let architecture):
            if let position = index[architecture.run] { runs[position].architecture = architecture }
        case .relation(let relation):
            for node in [relation.subject, relation.object] {
                if let position = index[node] { runs[position].relations.append(relation) }
            }
        default:
            break
        }
    }
    return runs
}

/// The entity records among the events.
func entities(_ events: [ProvEvent], kind: EntityKind? = nil) -> [EntityRecord] {
    events.compactMap { event in
        guard case .entity(let entity) = event, kind == nil || entity.kind == kind else { return nil }
        return entity
    }
}

/// The agent records among the events.
func agents(_ events: [ProvEvent]) -> [AgentRecord] {
    events.compactMap { event in
        guard case .agent(let agent) = event else { return nil }
        return agent
    }
}

/// The relation records among the events.
func relations(_ events: [ProvEvent], kind: RelationKind) -> [RelationRecord] {
    events.compactMap { event in
        guard case .relation(let relation) = event, relation.kind == kind else { return nil }
        return relation
    }
}

/// The problems with the events' order: a reference before the definition of what it names, or a node defined
/// twice. Empty when every reference comes after its definition. `known` are nodes defined before the events.
func referenceOrderProblems(_ events: [ProvEvent], known: Set<ProvID>) -> [String] {
    var defined = known
    var problems: [String] = []
    func define(_ id: ProvID, _ index: Int) {
        if !defined.insert(id).inserted { problems.append("event \(index): \(id) defined twice") }
    }
    func use(_ id: ProvID, _ index: Int, _ role: String) {
        if !defined.contains(id) { problems.append("event \(index): \(role) \(id) referenced before its definition") }
    }
    for (index, event) in events.enumerated() {
        switch event {
        case .experiment(let experiment): define(experiment.id, index)
        case .runStart(let start):
            use(start.experiment, index, "experiment")
            define(start.id, index)
        case .runEnd(let end): use(end.run, index, "run")
        case .entity(let entity): define(entity.id, index)
        case .agent(let agent): define(agent.id, index)
        case .relation(let relation):
            use(relation.subject, index, "subject")
            use(relation.object, index, "object")
        case .parameter(let parameter): use(parameter.run, index, "run")
        case .tag(let tag): use(tag.target, index, "target")
        case .metric(let point): use(point.run, index, "run")
        case .telemetry(let sample): use(sample.run, index, "run")
        case .architecture(let architecture):
            use(architecture.run, index, "run")
            if let model = architecture.model { use(model, index, "model") }
        case .runUpdate(let update):
            use(update.run, index, "run")
            if let parent = update.parent { use(parent, index, "parent") }
        case .tagDelete(let deletion): use(deletion.target, index, "target")
        case .lifecycle(let change): use(change.target, index, "target")
        }
    }
    return problems
}

/// Runs `body`, expecting it to throw an ``ImportError``, and returns the error.
func expectImportError(
    sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws(ImportError) -> [ProvEvent]
) -> ImportError? {
    do {
        let events = try body()
        Issue.record("expected an ImportError, got \(events.count) events", sourceLocation: sourceLocation)
        return nil
    } catch {
        return error
    }
}
