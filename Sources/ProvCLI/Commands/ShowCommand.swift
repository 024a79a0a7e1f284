import ArgumentParser
import Foundation
import ProvModel
import ProvQuery
import ProvStore

/// `provkit show ID`: one run with everything the store knows about it.
struct ShowCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Show one run: parameters, metric summaries, tags, relations, architecture and taxonomy terms.",
        discussion: """
            ID may be a full run id, a unique prefix of at least 6 hex digits, or a unique run name. An entity's id \
            shows the entity with its attributes (such as what `provkit inspect` found in a model or dataset).
            """)

    @OptionGroup var storeOptions: StoreOptions

    @Argument(help: "The run: an id, a unique id prefix or a run name.")
    var run: String

    @Flag(help: "Print the run as JSON.")
    var json = false

    func run() async throws {
        try await storeOptions.withStore { store in
            let node = try await LineageQuery(store: store).resolveOne(run)
            if node.type == .entity {
                try await showEntity(node.id, store: store)
                return
            }
            guard node.type == .run else {
                throw CLIError(
                    "'\(run)' is \(node.type.rawValue) \(node.id.hex), not a run; `provkit lineage \(node.id.hex)` shows where it came from"
                )
            }
            guard let detail = try await store.runDetail(node.id) else {
                throw CLIError("run \(node.id.hex) vanished while reading it; try again")
            }
            if json {
                try Output.printJSON(detail)
            } else {
                print(Self.render(detail))
            }
        }
    }

    /// An entity as `provkit show ENTITY --json` prints it.
    struct EntityOut: Encodable {
        var id: String
        var kind: String
        var name: String?
        var location: String?
        var digest: String?
        var size: Int64?
        var attributes: [String: JSONValue]
    }

    private func showEntity(_ id: ProvID, store: any ProvenanceStore) async throws {
        let records = try await store.records(for: .lineage(id, direction: .up, depth: 0), includePoints: false)
        guard let entity = records.entities.first(where: { $0.id == id }) else {
            throw CLIError("entity \(id.hex) vanished while reading it; try again")
        }
        let out = EntityOut(
            id: entity.id.hex, kind: entity.kind.rawValue, name: entity.name, location: entity.location,
            digest: entity.digest, size: entity.sizeBytes, attributes: entity.attributes)
        if json {
            try Output.printJSON(out)
            return
        }
        var lines = ["Entity \(out.id)\(out.name.map { "  \($0)" } ?? "")", "  kind        \(out.kind)"]
        if let location = out.location { lines.append("  location    \(location)") }
        if let digest = out.digest { lines.append("  digest      \(digest)") }
        if let size = out.size { lines.append("  size        \(size) bytes") }
        if !out.attributes.isEmpty {
            lines.append("")
            lines.append("Attributes (\(out.attributes.count))")
            for (key, value) in out.attributes.sorted(by: { $0.key < $1.key }) {
                let term = Taxonomy.standard.term(id: key).map { "  [\($0.label)]" } ?? ""
                lines.append("  \(key) = \(Self.clip(value.displayText))\(term)")
            }
        }
        print(lines.joined(separator: "\n"))
    }

    static func render(_ detail: RunDetail) -> String {
        let run = detail.run
        var lines: [String] = []
        lines.append("Run \(run.id.hex)\(run.name.map { "  \($0)" } ?? "")")
        lines.append("  kind        \(run.kind.rawValue)")
        lines.append("  status      \(run.status.rawValue)")
        lines.append("  experiment  \(run.experimentName) [\(run.experimentID.hex)]")
        if let parent = run.parentID { lines.append("  parent      \(parent.hex)") }
        lines.append("  started     \(Output.time(run.startedAt))")
        lines.append(
            "  ended       \(Output.time(run.endedAt))  (\(Output.duration(from: run.startedAt, to: run.endedAt)))")
        func section(_ title: String, _ header: [String], _ rows: [[String]]) {
            guard !rows.isEmpty else { return }
            lines.append("")
            lines.append("\(title) (\(rows.count))")
            lines.append(
                Output.table(header: header, rows: rows).split(separator: "\n").map { "  " + $0 }.joined(
                    separator: "\n"))
        }
        section(
            "Parameters", ["KEY", "VALUE", "TERM"],
            detail.parameters.map { [$0.key, Self.clip($0.value), $0.term ?? "-"] })
        section(
            "Metrics", ["KEY", "LAST", "STEP", "MIN", "MAX", "POINTS", "TERM"],
            detail.metrics.map {
                [
                    $0.key, Output.number($0.last), String($0.lastStep), Output.number($0.min), Output.number($0.max),
                    String($0.count), $0.term ?? "-",
                ]
            })
        section("Tags", ["KEY", "VALUE", "TERM"], detail.tags.map { [$0.key, Self.clip($0.value), $0.term ?? "-"] })
        section(
            "Relations", ["RELATION", "NODE", "KIND", "NAME"],
            detail.relations.map { relation in
                let text = relation.runIsSubject ? "run \(relation.kind.rawValue)" : "\(relation.kind.rawValue) run"
                return [
                    text, relation.other.id.hex, "\(relation.other.type.rawValue)/\(relation.other.kind)",
                    relation.other.name ?? relation.other.location ?? "-",
                ]
            })
        section(
            "Architecture", ["#", "LAYER", "HYPERPARAMETERS"],
            detail.architecture.map { layer in
                [
                    String(layer.position), layer.type,
                    layer.hyperparameters.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value.displayText)" }
                        .joined(separator: " "),
                ]
            })
        section(
            "Child runs", ["ID", "NAME", "KIND", "STATUS"],
            detail.children.map { [$0.id.hex, $0.name ?? "-", $0.kind.rawValue, $0.status.rawValue] })
        if detail.telemetrySampleCount > 0 {
            lines.append("")
            lines.append("Telemetry samples: \(detail.telemetrySampleCount)")
        }
        if !detail.terms.isEmpty {
            lines.append("")
            lines.append("Taxonomy terms (\(detail.terms.count)): " + detail.terms.joined(separator: ", "))
        }
        return lines.joined(separator: "\n")
    }

    static func clip(_ text: String, to length: Int = 60) -> String {
        let oneLine = text.replacingOccurrences(of: "\n", with: "\\n")
        return oneLine.count <= length ? oneLine : String(oneLine.prefix(length - 1)) + "…"
    }
}
