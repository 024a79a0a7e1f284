import Foundation
import ProvExport
import ProvModel
import ProvStore
import Testing

@Suite("PROV-JSON export")
struct PROVJSONExportTests {
    static func export(
        _ campaign: Campaign, _ scope: RecordScope, options: ExportOptions = ExportOptions()
    ) async throws -> (text: String, json: JSONValue) {
        let records = try await campaign.records(scope)
        let text = ProvExporter(taxonomy: try TestTaxonomy.make(), options: options).text(records, format: .provJSON)
        return (text, try parseJSON(text))
    }

    /// The identifiers of a PROV-JSON document's elements, by kind.
    static func declared(_ json: JSONValue) -> [String: String] {
        var kinds: [String: String] = [:]
        for kind in ["entity", "activity", "agent"] {
            for id in json[kind]?.objectValue?.keys ?? [:].keys { kinds[id] = kind }
        }
        return kinds
    }

    static let argumentKinds: [String: String] = [
        "prov:activity": "activity", "prov:entity": "entity", "prov:agent": "agent", "prov:informed": "activity",
        "prov:informant": "activity", "prov:generatedEntity": "entity", "prov:usedEntity": "entity",
        "prov:specificEntity": "entity", "prov:generalEntity": "entity", "prov:collection": "entity",
        "prov:trigger": "entity", "prov:plan": "entity", "prov:delegate": "agent", "prov:responsible": "agent",
    ]

    @Test("every relation endpoint is a declared element of the right kind, for every scope")
    func endpointsDeclared() async throws {
        let campaign = try await Campaign()
        for scope: RecordScope in [
            .run(campaign.workflow), .run(campaign.tasks[0]), .experiment(campaign.experiment),
            .lineage(campaign.best, direction: .up, depth: 10), .lineage(campaign.dataset, direction: .down, depth: 2),
        ] {
            let (_, json) = try await Self.export(campaign, scope)
            let declared = Self.declared(json)
            var relationCount = 0
            for type in ProvRelationType.allCases.map(\.rawValue) {
                for (key, relation) in json[type]?.objectValue ?? [:] {
                    relationCount += 1
                    #expect(key.hasPrefix("_:"))
                    for (argument, value) in relation.objectValue ?? [:] {
                        guard let expected = Self.argumentKinds[argument] else { continue }
                        let id = try #require(value.stringValue)
                        #expect(declared[id] == expected, "\(type) \(argument) \(id) in \(scope)")
                    }
                }
            }
            #expect(relationCount > 0)
        }
    }

    @Test("every namespace is an absolute IRI")
    func absoluteNamespaces() async throws {
        let campaign = try await Campaign()
        let (_, json) = try await Self.export(campaign, .experiment(campaign.experiment))
        let prefixes = try #require(json["prefix"]?.objectValue)
        for (prefix, iri) in prefixes {
            let text = try #require(iri.stringValue)
            #expect(text.hasPrefix("https://") || text.hasPrefix("http://"), "\(prefix) = \(text)")
            #expect(text.hasSuffix("#") || text.hasSuffix("/"), "\(prefix) = \(text)")
        }
        for key in ["pk", "pkid", "mls", "xsd"] { #expect(prefixes[key] != nil) }
    }

    @Test("runs are typed activities with their times, status, experiment, parent and tags")
    func runs() async throws {
        let campaign = try await Campaign()
        let (_, json) = try await Self.export(campaign, .run(campaign.workflow))
        let activities = try #require(json["activity"]?.objectValue)
        #expect(activities.count == 3)
        let task = try #require(activities["pkid:" + campaign.tasks[1].hex])
        let types = task["prov:type"]?.provValues.compactMap(\.provText) ?? []
        #expect(Set(types) == ["mls:Run", "pk:Task"])
        #expect(task["prov:startTime"]?.stringValue == "2024-05-01T12:00:10.000000Z")
        #expect(task["prov:endTime"]?.stringValue == "2024-05-01T12:01:00.000000Z")
        #expect(task["pk:status"]?.stringValue == "failed")
        #expect(task["pk:experiment"]?.provText == "pkid:" + campaign.experiment.hex)
        #expect(task["pk:parent"]?.provText == "pkid:" + campaign.workflow.hex)
        #expect(task["pktag:provkit.generated"]?.stringValue == "true")
        let workflow = try #require(activities["pkid:" + campaign.workflow.hex])
        #expect(workflow["prov:type"]?.provValues.compactMap(\.provText).contains("pk:Workflow") == true)
        #expect(workflow["prov:label"]?.stringValue == "sweep-run")
    }

    @Test("the experiment is a collection, agents are typed, entities keep their fields and attributes")
    func elements() async throws {
        let campaign = try await Campaign()
        let (_, json) = try await Self.export(campaign, .experiment(campaign.experiment))
        let entities = try #require(json["entity"]?.objectValue)
        let experiment = try #require(entities["pkid:" + campaign.experiment.hex])
        #expect(
            Set(experiment["prov:type"]?.provValues.compactMap(\.provText) ?? []) == [
                "prov:Collection", "pk:Experiment",
            ])
        #expect(experiment["prov:label"]?.stringValue == "sweep")
        #expect(experiment["pktag:owner"]?.stringValue == "lab")
        let agents = try #require(json["agent"]?.objectValue)
        #expect(agents["pkid:" + campaign.person.hex]?["prov:type"]?.provText == "prov:Person")
        #expect(agents["pkid:" + campaign.software.hex]?["prov:type"]?.provText == "prov:SoftwareAgent")
        #expect(agents["pkid:" + campaign.host.hex]?["prov:type"]?.provText == "pk:Host")
        let dataset = try #require(entities["pkid:" + campaign.dataset.hex])
        #expect(dataset["prov:type"]?.provText == "mls:Dataset")
        #expect(dataset["prov:location"]?.stringValue == "/data/blobs.csv")
        #expect(dataset["pk:digest"]?.stringValue == "sha256:9f86d081884c7d65")
        #expect(dataset["pk:sizeBytes"]?["type"]?.stringValue == "xsd:long")
        #expect(dataset["pkattr:classes"]?.provText == "3")
        #expect(dataset["pkattr:ratio"]?["type"]?.stringValue == "xsd:double")
        #expect(dataset["pkattr:generated"]?["type"]?.stringValue == "xsd:boolean")
        #expect(dataset["pkattr:tags"]?["type"]?.stringValue == "rdf:JSON")
        #expect(dataset["pkattr:note"]?.stringValue == "x \"y\"")
        let checkpoint = try #require(entities["pkid:" + campaign.checkpoints[1].hex])
        #expect(
            Set(checkpoint["prov:type"]?.provValues.compactMap(\.provText) ?? []) == ["pk:Checkpoint", "mls:Model"])
    }

    @Test("parameters are hyperparameter settings the run used, with value, hyperparameter and term")
    func parameters() async throws {
        let campaign = try await Campaign()
        let (_, json) = try await Self.export(campaign, .run(campaign.tasks[0]))
        let entities = try #require(json["entity"]?.objectValue)
        let id = "pkid:\(campaign.tasks[0].hex)/parameter/learning_rate"
        let setting = try #require(entities[id])
        #expect(setting["prov:type"]?.provText == "mls:HyperParameterSetting")
        #expect(setting["mls:hasValue"]?.stringValue == "0.1")
        #expect(setting["mls:specifiedBy"]?.provText == "pkkey:learning_rate")
        #expect(setting["pk:term"]?.provText == "pk:model.hyperparameter.learning_rate")
        let encoded = "pkid:\(campaign.tasks[0].hex)/parameter/data%2Fpath%20with%20space"
        #expect(entities[encoded]?["prov:label"]?.stringValue == "data/path with space")
        let used = json["used"]?.objectValue?.values.contains { relation in
            relation["prov:entity"]?.stringValue == id
                && relation["prov:activity"]?.stringValue == "pkid:" + campaign.tasks[0].hex
        }
        #expect(used == true)
    }

    @Test("a metric series is one entity per run and key, generated by the run, with its summary and points")
    func seriesPerKey() async throws {
        let campaign = try await Campaign(points: 50)
        let (_, json) = try await Self.export(campaign, .run(campaign.workflow))
        let entities = try #require(json["entity"]?.objectValue)
        let series = entities.filter {
            $0.value["prov:type"]?.provValues.compactMap(\.provText).contains("pk:MetricSeries") == true
        }
        #expect(series.count == 4)  // two tasks × (val_acc, train/loss), not one per point
        let accuracy = try #require(entities["pkid:\(campaign.tasks[0].hex)/metric/val_acc"])
        #expect(
            Set(accuracy["prov:type"]?.provValues.compactMap(\.provText) ?? []) == [
                "mls:ModelEvaluation", "pk:MetricSeries",
            ])
        #expect(accuracy["pk:count"]?.provText == "50")
        #expect(accuracy["pk:lastStep"]?.provText == "49")
        #expect(accuracy["pk:min"]?.provText == "0.5")
        #expect(accuracy["mls:hasValue"]?.provText == "0.99")
        #expect(accuracy["pk:term"]?.provText == "pk:model.performance.accuracy")
        let points = try parseJSON(try #require(accuracy["pk:points"]?.provText))
        #expect(points["step"]?.arrayValue?.count == 50)
        #expect(points["time"]?.arrayValue?.first?.stringValue == "2024-05-01T12:00:10.000000Z")
        #expect(points["epoch"]?.arrayValue?.last?.numberValue == 49)
        let loss = try #require(entities["pkid:\(campaign.tasks[0].hex)/metric/train%2Floss"])
        let lossPoints = try parseJSON(try #require(loss["pk:points"]?.provText))
        #expect(lossPoints["value"]?.arrayValue?.first?.stringValue == "NaN")
        #expect(lossPoints["time"] == nil)
        let generated = json["wasGeneratedBy"]?.objectValue?.values.filter {
            $0["prov:entity"]?.stringValue == "pkid:\(campaign.tasks[0].hex)/metric/val_acc"
        }
        #expect(generated?.count == 1)
        #expect(generated?.first?["prov:activity"]?.stringValue == "pkid:" + campaign.tasks[0].hex)
    }

    @Test("a run with 100,000 points exports at a bounded size, its long series summarised")
    func boundedSize() async throws {
        let campaign = try await Campaign(points: 100_000)
        let (text, json) = try await Self.export(campaign, .run(campaign.tasks[0]))
        #expect(text.utf8.count < 100_000, "the export is \(text.utf8.count) bytes")
        let accuracy = try #require(json["entity"]?["pkid:\(campaign.tasks[0].hex)/metric/val_acc"])
        #expect(accuracy["pk:points"] == nil)
        #expect(accuracy["pk:pointsOmitted"]?.provText == "true")
        #expect(accuracy["pk:count"]?.provText == "100000")
        #expect(accuracy["pk:lastStep"]?.provText == "99999")
        let (full, _) = try await Self.export(
            campaign, .run(campaign.tasks[0]), options: ExportOptions(maxEmbeddedPoints: 200_000))
        #expect(full.utf8.count > 2_000_000)
        #expect(full.utf8.count < 10_000_000, "embedded points take \(full.utf8.count) bytes")
    }

    @Test("relations carry times, roles, plans, and wasRevisionOf becomes a typed derivation")
    func relations() async throws {
        let campaign = try await Campaign()
        let (_, json) = try await Self.export(campaign, .experiment(campaign.experiment))
        let revisions = json["wasDerivedFrom"]?.objectValue?.values.filter {
            $0["prov:type"]?.provText == "prov:Revision"
        }
        #expect(revisions?.count == 1)
        #expect(revisions?.first?["prov:generatedEntity"]?.stringValue == "pkid:" + campaign.checkpoints[1].hex)
        let usage = json["used"]?.objectValue?.values.first {
            $0["prov:activity"]?.stringValue == "pkid:" + campaign.tasks[0].hex && $0["prov:role"] != nil
        }
        #expect(usage?["prov:role"]?.stringValue == "training")
        #expect(usage?["prov:time"]?.stringValue == "2024-05-01T12:00:11.000000Z")
        let association = json["wasAssociatedWith"]?.objectValue?.values.first { $0["prov:plan"] != nil }
        #expect(association?["prov:plan"]?.stringValue == "pkid:" + campaign.plan.hex)
        #expect(json["hadMember"]?.objectValue?.count == 1)
        #expect(json["specializationOf"]?.objectValue?.count == 2)
        #expect(json["actedOnBehalfOf"]?.objectValue?.count == 1)
        #expect(
            json["wasEndedBy"]?.objectValue?.values.first?["prov:trigger"]?.stringValue == "pkid:" + campaign.best.hex)
        let telemetry = json["wasGeneratedBy"]?.objectValue?.values.filter {
            $0["prov:entity"]?.stringValue?.contains("/telemetry/") == true
        }
        #expect(telemetry?.count == 4)
        #expect(telemetry?.allSatisfy { $0["prov:time"] != nil } == true)
    }

    @Test("telemetry samples and architectures are entities of the run")
    func telemetryAndArchitecture() async throws {
        let campaign = try await Campaign()
        let (_, json) = try await Self.export(campaign, .run(campaign.tasks[0]))
        let entities = try #require(json["entity"]?.objectValue)
        let end = try #require(entities["pkid:\(campaign.tasks[0].hex)/telemetry/1714564860000000-end"])
        #expect(end["prov:type"]?.provText == "pk:TelemetryData")
        #expect(end["pkread:cpu_percent"]?.provText == "80.0")
        #expect(end["pkread:gpu%2F0%20power_watts"]?.provText == "120.0")
        let architecture = try #require(entities["pkid:\(campaign.tasks[0].hex)/architecture"])
        #expect(architecture["pk:layerCount"]?.provText == "2")
        #expect(architecture["pk:model"]?.provText == "pkid:" + campaign.models[0].hex)
        let layers = try parseJSON(try #require(architecture["pk:layers"]?.provText))
        #expect(layers.arrayValue?.first?["type"]?.stringValue == "dense")
    }

    @Test("the same records always give the same text")
    func deterministic() async throws {
        let campaign = try await Campaign()
        let first = try await Self.export(campaign, .experiment(campaign.experiment)).text
        let second = try await Self.export(campaign, .experiment(campaign.experiment)).text
        #expect(first == second)
    }

    @Test("term IRIs follow the taxonomy's namespace")
    func otherTermNamespace() async throws {
        let campaign = try await Campaign()
        let records = try await campaign.records(.run(campaign.tasks[0]))
        let taxonomy = try TestTaxonomy.make(namespace: "https://example.org/terms#")
        let json = try parseJSON(ProvExporter(taxonomy: taxonomy).text(records, format: .provJSON))
        #expect(json["prefix"]?["pkterm"]?.stringValue == "https://example.org/terms#")
        let setting = json["entity"]?["pkid:\(campaign.tasks[0].hex)/parameter/learning_rate"]
        #expect(setting?["pk:term"]?.provText == "pkterm:model.hyperparameter.learning_rate")
    }
}
