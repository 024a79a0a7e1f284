import Foundation
import Logging
import ProvExport
import ProvModel
import ProvStore
import ProvTesting
import Testing

@Suite("PROV-JSON import")
struct PROVJSONImportTests {
    static func freshStore() throws -> InMemoryStore {
        InMemoryStore(taxonomy: try TestTaxonomy.make(), logger: Logger(label: "test"))
    }

    static func importer() -> PROVJSONImporter {
        PROVJSONImporter(
            experimentName: "imported", now: Campaign.time(7200), ids: SequentialIDGenerator(milliseconds: 1))
    }

    static func events(_ text: String, existing: [String: ProvID] = [:]) throws -> PROVJSONImporter.Result {
        try importer().events(from: try PROVJSONReader.read(text), existingExperiments: existing)
    }

    @Test(
        "export, import into a fresh store, export again: the same document",
        arguments: ["run", "experiment", "lineage"])
    func roundTrip(scopeName: String) async throws {
        let campaign = try await Campaign()
        let scope: RecordScope =
            switch scopeName {
            case "run": .run(campaign.workflow)
            case "experiment": .experiment(campaign.experiment)
            default: .lineage(campaign.best, direction: .up, depth: 10)
            }
        let exporter = ProvExporter(taxonomy: try TestTaxonomy.make())
        let first = exporter.text(try await campaign.records(scope), format: .provJSON)
        let result = try Self.events(first)
        #expect(result.notes.isEmpty, "\(result.notes)")
        let store = try Self.freshStore()
        try await store.ingest(result.events)
        let second = exporter.text(try await store.records(for: scope, includePoints: true), format: .provJSON)
        #expect(first == second)
        // Importing it again stores nothing new.
        let before = try await store.statistics()
        try await store.ingest(try Self.events(first).events)
        #expect(try await store.statistics() == before)
    }

    @Test("the parts of a run come back as parameters, tags, metric points, telemetry and architecture")
    func runParts() async throws {
        let campaign = try await Campaign()
        let exporter = ProvExporter(taxonomy: try TestTaxonomy.make())
        let text = exporter.text(try await campaign.records(.run(campaign.tasks[0])), format: .provJSON)
        let store = try Self.freshStore()
        try await store.ingest(try Self.events(text).events)
        let detail = try #require(try await store.runDetail(campaign.tasks[0]))
        #expect(detail.run.experimentName == "sweep")
        #expect(detail.run.kind == .task)
        #expect(detail.run.status == .finished)
        #expect(detail.parameters.map(\.key).sorted() == ["data/path with space", "learning_rate", "optimizer"])
        #expect(detail.tags.map(\.key) == ["provkit.generated"])
        #expect(detail.telemetrySampleCount == 2)
        #expect(detail.architecture.map(\.type) == ["dense", "activation"])
        let loss = try await store.metricHistory(run: campaign.tasks[0], key: "train/loss")
        #expect(loss.count == 2)
        #expect(loss[0].value.isNaN)
        let accuracy = try await store.metricHistory(run: campaign.tasks[0], key: "val_acc")
        #expect(accuracy.map(\.epoch) == [0, 1, 2, 3, 4])
        #expect(accuracy.first?.time == Campaign.time(10))
    }

    /// A document as the `prov` library writes one, with a namespace of its own.
    static let foreign = """
        {
          "prefix": {"ex": "https://example.org/swift/", "mls": "http://www.w3.org/ns/mls#",
                     "xsd": "http://www.w3.org/2001/XMLSchema#"},
          "entity": {
            "ex:data": {"prov:type": {"$": "mls:Dataset", "type": "prov:QUALIFIED_NAME"}, "prov:label": "CIFAR-100",
                        "ex:classes": {"$": 100, "type": "xsd:int"}},
            "ex:model": {"prov:type": [{"$": "mls:Model", "type": "prov:QUALIFIED_NAME"},
                                       {"$": "ex:Net", "type": "prov:QUALIFIED_NAME"}],
                         "ex:valAcc": {"$": 26.35, "type": "xsd:double"}},
            "ex:lr": {"prov:type": {"$": "mls:HyperParameterSetting", "type": "prov:QUALIFIED_NAME"},
                      "mls:hasValue": "0.05", "mls:specifiedBy": {"$": "ex:momentum", "type": "prov:QUALIFIED_NAME"}}
          },
          "activity": {
            "ex:train": {"prov:startTime": "2021-02-15T13:55:26", "prov:endTime": "2021-02-15T15:30:00+01:00",
                         "ex:learning_rate": {"$": 0.1146, "type": "xsd:double"}, "ex:batch_size": 25},
            "ex:eval": {}
          },
          "agent": {"ex:alice": {"prov:type": {"$": "prov:Person", "type": "prov:QUALIFIED_NAME"}}, "ex:torch": {}},
          "used": {"_:u1": {"prov:activity": "ex:train", "prov:entity": "ex:data", "prov:time": "2021-02-15T13:56:00Z",
                            "prov:role": "training"},
                   "_:u2": {"prov:activity": "ex:train", "prov:entity": "ex:lr"},
                   "_:u3": {"prov:activity": "ex:eval", "prov:entity": "ex:model",
                            "prov:time": "2021-02-15T15:00:00Z"}},
          "wasGeneratedBy": {"_:g1": {"prov:entity": "ex:model", "prov:activity": "ex:train"}},
          "wasAssociatedWith": {"_:a1": {"prov:activity": "ex:train", "prov:agent": "ex:torch"}},
          "actedOnBehalfOf": {"_:d1": {"prov:delegate": "ex:torch", "prov:responsible": "ex:alice"}},
          "alternateOf": {"_:x1": {"prov:alternate1": "ex:model", "prov:alternate2": "ex:data"}},
          "wasInformedBy": {"_:i1": {"prov:informed": "ex:eval"}},
          "bundle": {"ex:b": {"entity": {"ex:inner": {}}}}
        }
        """

    @Test("a foreign document: activities become runs, attributes parameters, ids derived from the IRI")
    func foreign() async throws {
        let result = try Self.events(Self.foreign)
        let store = try Self.freshStore()
        try await store.ingest(result.events)
        #expect(result.runs == 2)
        #expect(result.entities == 3)  // data, model and the bundle's entity; the parameter setting is a parameter
        #expect(result.agents == 2)
        #expect(result.notes.contains { $0.contains("alternateOf") })
        #expect(result.notes.contains { $0.contains("wasInformedBy") && $0.contains("without both main arguments") })
        #expect(result.notes.contains { $0.contains("bundle 'ex:b'") })
        let trainID = PROVJSONImporter.derivedID(for: "https://example.org/swift/train")
        let detail = try #require(try await store.runDetail(trainID))
        #expect(detail.run.experimentName == "imported")
        #expect(detail.run.name == "train")
        #expect(detail.run.startedAt == ProvTime(iso8601: "2021-02-15T13:55:26Z"))
        #expect(detail.run.endedAt == ProvTime(iso8601: "2021-02-15T14:30:00Z"))
        let parameters = Dictionary(uniqueKeysWithValues: detail.parameters.map { ($0.key, $0.value) })
        #expect(parameters == ["learning_rate": "0.1146", "batch_size": "25", "momentum": "0.05"])
        #expect(detail.parameters.first { $0.key == "learning_rate" }?.term == "model.hyperparameter.learning_rate")
        #expect(detail.tags.first { $0.key == "provkit.sourceId" }?.value == "https://example.org/swift/train")
        #expect(Set(detail.relations.map(\.kind)) == [.used, .wasGeneratedBy, .wasAssociatedWith])
        // An activity without any time starts at its earliest relation's time.
        let eval = try #require(
            try await store.runDetail(PROVJSONImporter.derivedID(for: "https://example.org/swift/eval")))
        #expect(eval.run.startedAt == ProvTime(iso8601: "2021-02-15T15:00:00Z"))
        #expect(eval.tags.contains { $0.key == "provkit.startedAt.source" && $0.value == "relation-time" })
        let records = try await store.records(for: .experiment(detail.run.experimentID), includePoints: false)
        let model = try #require(
            records.entities.first { $0.attributes["provkit.sourceId"] == "https://example.org/swift/model" })
        #expect(model.kind == .model)
        #expect(model.attributes["ex:valAcc"] == 26.35)
        #expect(
            model.attributes["provkit.sourceTypes"] == [
                "http://www.w3.org/ns/mls#Model", "https://example.org/swift/Net",
            ])
        #expect(records.entities.first { $0.name == "CIFAR-100" }?.attributes["ex:classes"] == 100)
        let usage = try #require(
            records.relations.first {
                $0.kind == .used && $0.object == PROVJSONImporter.derivedID(for: "https://example.org/swift/data")
            })
        #expect(usage.attributes["role"] == "training")
        #expect(records.agents.first { $0.name == "alice" }?.kind == .person)
        #expect(records.agents.first { $0.name == "torch" }?.kind == .software)
        // The same document again: the same ids, nothing new.
        let before = try await store.statistics()
        try await store.ingest(try Self.events(Self.foreign, existing: ["imported": detail.run.experimentID]).events)
        #expect(try await store.statistics() == before)
    }

    @Test("name-based ids are stable, version 7 with a zero timestamp, and distinct for distinct IRIs")
    func derivedIDs() {
        let first = PROVJSONImporter.derivedID(for: "https://example.org/swift/run1")
        #expect(first == PROVJSONImporter.derivedID(for: "https://example.org/swift/run1"))
        #expect(first.hex.hasPrefix("0000000000007"))
        #expect(first.unixMilliseconds == 0)
        #expect((first.high >> 12) & 0xF == 7)
        #expect(first.low >> 62 == 0b10)
        var seen: Set<ProvID> = []
        for index in 0..<10_000 {
            seen.insert(PROVJSONImporter.derivedID(for: "https://example.org/swift/run\(index)"))
        }
        #expect(seen.count == 10_000)
    }

    @Test("an experiment the store already has (by name) is reused")
    func existingExperiment() async throws {
        let campaign = try await Campaign()
        let text = ProvExporter(taxonomy: try TestTaxonomy.make())
            .text(try await campaign.records(.run(campaign.tasks[0])), format: .provJSON)
        let other = ProvID(high: 0x0190_0000_0000_7000, low: 0x8000_0000_0000_0042)
        let store = try Self.freshStore()
        try await store.ingest([.experiment(ExperimentRecord(id: other, name: "sweep"))])
        let result = try Self.events(text, existing: ["sweep": other])
        try await store.ingest(result.events)
        #expect(try await store.runDetail(campaign.tasks[0])?.run.experimentID == other)
        #expect(result.notes.contains { $0.contains("already exists") })
    }

    /// A malformed document and what the error must say.
    struct Malformed: Sendable, CustomTestStringConvertible {
        var name: String
        var text: String
        var message: String
        var testDescription: String { name }
    }

    static let malformed: [Malformed] = [
        Malformed(name: "invalid JSON", text: "{\"entity\": ", message: "not valid JSON"),
        Malformed(name: "not an object", text: "[1, 2]", message: "must be a JSON object, found array"),
        Malformed(
            name: "not PROV-JSON", text: #"{"runs": []}"#,
            message: "unknown top-level member 'runs' (is this PROV-JSON at all?)"),
        Malformed(
            name: "undeclared prefix", text: #"{"entity": {"ex:a": {}}}"#,
            message: "entity 'ex:a': the prefix 'ex' of 'ex:a' is not declared"),
        Malformed(
            name: "bad time",
            text: #"{"prefix": {"ex": "https://e/"}, "activity": {"ex:a": {"prov:startTime": "yesterday"}}}"#,
            message: "activity 'ex:a': prov:startTime: 'yesterday' is not an xsd:dateTime"),
        Malformed(
            name: "relation to an undeclared node",
            text:
                #"{"prefix": {"ex": "https://e/"}, "activity": {"ex:a": {}}, "#
                + #""used": {"_:u": {"prov:activity": "ex:a", "prov:entity": "ex:nope"}}}"#,
            message: "used: prov:entity 'ex:nope' is not declared in the document; declare it under \"entity\""),
        Malformed(
            name: "wrong element kind",
            text:
                #"{"prefix": {"ex": "https://e/"}, "entity": {"ex:e": {}}, "agent": {"ex:g": {}}, "#
                + #""used": {"_:u": {"prov:activity": "ex:g", "prov:entity": "ex:e"}}}"#,
            message: "used: prov:activity 'ex:g' is an agent, not an activity"),
        Malformed(
            name: "one id, two kinds",
            text: #"{"prefix": {"ex": "https://e/"}, "entity": {"ex:x": {}}, "agent": {"ex:x": {}}}"#,
            message: "'ex:x' is declared both as an entity and as an agent"),
        Malformed(
            name: "end before start",
            text:
                #"{"prefix": {"ex": "https://e/"}, "activity": {"ex:a": {"prov:startTime": "2024-01-02T00:00:00Z", "#
                + #""prov:endTime": "2024-01-01T00:00:00Z"}}}"#,
            message: "activity 'ex:a': prov:endTime 2024-01-01T00:00:00.000000Z is before its start"),
        Malformed(
            name: "null attribute", text: #"{"prefix": {"ex": "https://e/"}, "entity": {"ex:e": {"ex:size": null}}}"#,
            message: "entity 'ex:e': attribute 'ex:size': null is not a PROV value"),
        Malformed(
            name: "bad status",
            text: #"{"prefix": {"pk": "https://w3id.org/provkit/ns#"}, "activity": {"pk:a": {"pk:status": "done"}}}"#,
            message: "pk:status 'done' is not one of scheduled, running, finished, failed, killed"),
        Malformed(
            name: "bad points",
            text: """
                {"prefix": {"pkid": "https://w3id.org/provkit/id/", "pk": "https://w3id.org/provkit/ns#",
                            "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#"},
                 "activity": {"pkid:0190a3f2c4d07000800000000000f001": {"prov:startTime": "2024-01-01T00:00:00Z"}},
                 "entity": {"pkid:0190a3f2c4d07000800000000000f001/metric/acc":
                              {"pk:points": {"$": "{\\"step\\": [1], \\"value\\": []}", "type": "rdf:JSON"}}}}
                """,
            message: "pk:points of metric 'acc' must be an object with 'step' and 'value' arrays of equal length"),
    ]

    @Test("malformed documents are refused with a message naming what is wrong", arguments: malformed)
    func refused(_ testCase: Malformed) {
        let message = importError { () throws(ProvImportError) in
            _ = try Self.importer().events(from: try PROVJSONReader.read(testCase.text), existingExperiments: [:])
        }
        #expect(message.contains(testCase.message), "\(message)")
    }

    @Test("the reader keeps typed values, language tags, qualified names and bundles")
    func reader() throws {
        let document = try PROVJSONReader.read(Self.foreign)
        let model = try #require(document.elements.first { $0.id == QualifiedName("ex", "model") })
        #expect(model.values(QualifiedName("prov", "type")).count == 2)
        #expect(model.value(QualifiedName("ex", "valAcc")) == .typed("26.35", datatype: QualifiedName("xsd", "double")))
        #expect(document.bundles.map(\.id) == [QualifiedName("ex", "b")])
        let labelled = try PROVJSONReader.read(
            #"{"prefix": {"ex": "https://e/"}, "entity": {"ex:e": {"prov:label": {"$": "chat", "lang": "fr"}}}}"#)
        #expect(
            labelled.elements.first?.value(QualifiedName("prov", "label")) == .languageString("chat", language: "fr"))
        let usage = try #require(
            document.relations.first {
                $0.type == .used && $0.time != nil && $0.value(QualifiedName("prov", "role")) != nil
            })
        #expect(usage.arguments["activity"] == QualifiedName("ex", "train"))
    }
}
