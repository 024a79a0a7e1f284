import Foundation
public import ProvModel

extension EnvironmentCollector.Report {
    /// The report as provenance of a run: facts as tags (classified by the taxonomy), the allow-listed environment
    /// as the tag `env` (JSON), the host as an agent the run `wasAssociatedWith`, and the installed Python packages
    /// as an entity the run `used` (role `environment`), identified by the SHA-256 of its sorted `name==version` list.
    public func events(run: ProvID, ids: any ProvIDGenerator, time: ProvTime) -> [ProvEvent] {
        var events: [ProvEvent] = []
        for key in facts.keys.sorted() {
            events.append(.tag(TagRecord(target: run, key: key, value: facts[key]!)))
        }
        if !environment.isEmpty {
            let json = JSONValue.object(environment.mapValues { .string($0) }).jsonText
            events.append(.tag(TagRecord(target: run, key: "env", value: json)))
        }
        let host = ids.next()
        var hostAttributes: [String: JSONValue] = [:]
        for key in ["cpu_model", "logical_cores", "physical_cores", "memory_total", "os_name", "kernel_version"] {
            if let value = facts[key] { hostAttributes[key] = .string(value) }
        }
        if !gpus.isEmpty {
            hostAttributes["gpus"] = .array(
                gpus.map { device in
                    var gpu: [String: JSONValue] = ["index": .number(Double(device.index))]
                    if let name = device.name { gpu["name"] = .string(name) }
                    if let uuid = device.uuid { gpu["uuid"] = .string(uuid) }
                    if let total = device.readings["gpu_\(device.index)_memory_total_bytes"] {
                        gpu["memory_total_bytes"] = .number(total)
                    }
                    return .object(gpu)
                })
        }
        events.append(
            .agent(
                AgentRecord(
                    id: host, kind: .host, name: facts["hostname"] ?? "unknown-host", attributes: hostAttributes)))
        events.append(.relation(RelationRecord(.wasAssociatedWith, subject: run, object: host, time: time)))
        if let packages = pythonPackages {
            let lines = packages.keys.sorted { $0.lowercased() < $1.lowercased() }.map { "\($0)==\(packages[$0]!)" }
            let listing = lines.joined(separator: "\n")
            let entity = ids.next()
            events.append(
                .entity(
                    EntityRecord(
                        id: entity, kind: .artifact, name: "python-packages",
                        digest: "sha256:" + SHA256.hex(Array(listing.utf8)),
                        sizeBytes: Int64(listing.utf8.count), createdAt: time,
                        attributes: [
                            "packages": .object(packages.mapValues { .string($0) }),
                            "count": .number(Double(packages.count)),
                        ])))
            events.append(
                .relation(
                    RelationRecord(.used, subject: run, object: entity, time: time, attributes: ["role": "environment"])
                ))
        }
        return events
    }
}
