import Foundation
import ProvExport
import ProvModel
import ProvStore
import Testing

@Suite("RO-Crate export")
struct ROCrateTests {
    static func build(
        _ campaign: Campaign, _ scope: RecordScope, local: [String: LocalFileKind] = [:]
    ) async throws -> (crate: ROCrate, graph: [String: JSONValue], json: JSONValue) {
        let records = try await campaign.records(scope)
        let options = ROCrateOptions(
            license: "https://spdx.org/licenses/CC-BY-4.0", datePublished: Campaign.time(3600), provKitVersion: "0.1.0",
            localFile: { local[$0] })
        let crate = try ROCrateBuilder(exporter: ProvExporter(taxonomy: try TestTaxonomy.make()), options: options)
            .build(records, title: "test crate")
        let json = try parseJSON(crate.metadata)
        var graph: [String: JSONValue] = [:]
        for entity in json["@graph"]?.arrayValue ?? [] {
            let id = try #require(entity["@id"]?.stringValue)
            #expect(graph[id] == nil, "\(id) appears twice")
            graph[id] = entity
        }
        return (crate, graph, json)
    }

    static func types(_ entity: JSONValue?) -> Set<String> {
        Set(entity?["@type"].map { $0.provValues.compactMap(\.stringValue) } ?? [])
    }

    static func references(_ value: JSONValue?) -> [String] {
        (value?.provValues ?? []).compactMap { $0["@id"]?.stringValue }
    }

    @Test("the descriptor, the root and the profiles of a Provenance Run Crate")
    func root() async throws {
        let campaign = try await Campaign()
        let (crate, graph, json) = try await Self.build(campaign, .run(campaign.workflow))
        #expect(json["@context"]?.arrayValue?.first?.stringValue == "https://w3id.org/ro/crate/1.1/context")
        let descriptor = try #require(graph["ro-crate-metadata.json"])
        #expect(Self.references(descriptor["conformsTo"]).contains("https://w3id.org/ro/crate/1.1"))
        #expect(Self.references(descriptor["about"]) == ["./"])
        let root = try #require(graph["./"])
        #expect(Self.types(root) == ["Dataset"])
        #expect(root["datePublished"]?.stringValue == "2024-05-01T13:00:00.000000Z")
        #expect(Self.references(root["license"]) == ["https://spdx.org/licenses/CC-BY-4.0"])
        #expect(
            Set(Self.references(root["conformsTo"]))
                == Set(ROCrateBuilder.profiles.map(\.iri)))
        for profile in ROCrateBuilder.profiles { #expect(Self.types(graph[profile.iri]) == ["CreativeWork"]) }
        #expect(Self.references(root["mainEntity"]) == ["provkit-workflow.json"])
        let workflow = try #require(graph["provkit-workflow.json"])
        #expect(Self.types(workflow) == ["File", "SoftwareSourceCode", "ComputationalWorkflow", "HowTo"])
        #expect(Self.types(graph[Self.references(workflow["programmingLanguage"]).first ?? ""]) == ["ComputerLanguage"])
        let paths = crate.files.map(\.path)
        #expect(paths.contains("provkit-workflow.json"))
        #expect(paths.contains("provenance/prov.json"))
        #expect(paths.contains("provenance/prov.ttl"))
        for part in Self.references(root["hasPart"]) { #expect(graph[part] != nil, "hasPart \(part)") }
    }

    @Test("every reference inside the crate names an entity of the crate")
    func closedGraph() async throws {
        let campaign = try await Campaign()
        for scope: RecordScope in [.run(campaign.workflow), .experiment(campaign.experiment), .run(campaign.tasks[0])] {
            let (_, graph, _) = try await Self.build(campaign, scope)
            for (id, entity) in graph {
                for (key, value) in entity.objectValue ?? [:] where !["@id", "conformsTo", "url"].contains(key) {
                    for reference in Self.references(value) {
                        #expect(graph[reference] != nil, "\(id).\(key) → \(reference) in \(scope)")
                    }
                }
            }
        }
    }

    @Test("runs are actions: the workflow's instrument is the main workflow, each task's its tool and step")
    func actions() async throws {
        let campaign = try await Campaign()
        let (_, graph, _) = try await Self.build(campaign, .run(campaign.workflow))
        let workflowRun = try #require(graph["#run-\(campaign.workflow.hex)"])
        #expect(Self.types(workflowRun) == ["CreateAction"])
        #expect(Self.references(workflowRun["instrument"]) == ["provkit-workflow.json"])
        #expect(workflowRun["startTime"]?.stringValue == "2024-05-01T12:00:00.000+00:00")
        #expect(Self.references(workflowRun["agent"]) == ["https://w3id.org/provkit/id/" + campaign.person.hex])
        let workflow = try #require(graph["provkit-workflow.json"])
        let tools = Self.references(workflow["hasPart"])
        #expect(!tools.isEmpty)
        for task in campaign.tasks {
            let action = try #require(graph["#run-\(task.hex)"])
            let tool = try #require(Self.references(action["instrument"]).first)
            #expect(tools.contains(tool))
            #expect(Self.types(graph[tool]) == ["SoftwareApplication"])
            let step = try #require(graph["#step-\(task.hex)"])
            #expect(Self.references(step["workExample"]) == [tool])
            #expect(Self.references(workflow["step"]).contains("#step-\(task.hex)"))
            let control = try #require(graph["#control-\(task.hex)"])
            #expect(Self.references(control["object"]) == ["#run-\(task.hex)"])
            let inputs = Self.references(action["object"])
            let parameter = try #require(graph["#param-\(task.hex)-learning_rate"])
            #expect(inputs.contains("#param-\(task.hex)-learning_rate"))
            #expect(
                parameter["propertyID"]?.stringValue == "https://w3id.org/provkit/ns#model.hyperparameter.learning_rate"
            )
            let formal = try #require(graph[Self.references(parameter["exampleOfWork"]).first ?? ""])
            #expect(Self.types(formal) == ["FormalParameter"])
            #expect(formal["additionalType"]?.stringValue == "Float")
            #expect(Self.references(action["result"]).contains("#metric-\(task.hex)-val_acc"))
            let usage = Self.references(action["resourceUsage"])
            #expect(usage.count == 2)
            #expect(graph[usage[0]]?["propertyID"] != nil)
        }
        let failed = try #require(graph["#run-\(campaign.tasks[1].hex)"])
        #expect(failed["actionStatus"]?.stringValue == "http://schema.org/FailedActionStatus")
        let organize = try #require(graph["#organize-\(campaign.workflow.hex)"])
        #expect(Self.references(organize["result"]) == ["#run-\(campaign.workflow.hex)"])
        #expect(Self.references(organize["object"]).count == 2)
        let engine = try #require(Self.references(organize["instrument"]).first)
        #expect(!tools.contains(engine))  // the profile keeps the engine apart from the tools
        let mentions = Self.references(graph["./"]?["mentions"])
        #expect(Set(mentions).count == 3)
    }

    @Test("local files and folders are copied under data/, other entities stay contextual")
    func localFiles() async throws {
        let campaign = try await Campaign()
        let (crate, graph, _) = try await Self.build(
            campaign, .experiment(campaign.experiment), local: ["/data/blobs.csv": .file])
        #expect(crate.files.contains(ROCrateFile(path: "data/blobs.csv", source: .copy("/data/blobs.csv"))))
        let dataset = try #require(graph["data/blobs.csv"])
        #expect(Self.types(dataset) == ["File"])
        #expect(dataset["identifier"]?.stringValue == "https://w3id.org/provkit/id/" + campaign.dataset.hex)
        let parts = Self.references(graph["./"]?["hasPart"])
        #expect(parts.contains("data/blobs.csv"))
        #expect(Self.types(graph["https://example.org/train.py"]) == ["File"])  // a web location
        let best = try #require(graph["https://w3id.org/provkit/id/" + campaign.best.hex])
        #expect(Self.types(best) == ["CreativeWork"])
        #expect(best["description"]?.stringValue == "recorded location: demo://best")
    }

    @Test("a scope without runs is refused with a message that says what to do")
    func noRuns() async throws {
        let campaign = try await Campaign()
        let records = try await campaign.records(.lineage(campaign.dataset, direction: .up, depth: 3))
        #expect(records.runs.isEmpty)
        let options = ROCrateOptions(datePublished: Campaign.start, provKitVersion: "0.1.0", localFile: { _ in nil })
        #expect(throws: ROCrateError.self) {
            try ROCrateBuilder(exporter: ProvExporter(taxonomy: try TestTaxonomy.make()), options: options)
                .build(records, title: "nothing")
        }
    }
}
