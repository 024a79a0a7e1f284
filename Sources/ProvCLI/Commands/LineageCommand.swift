import ArgumentParser
import Foundation
import ProvModel
import ProvQuery
import ProvStore
import ProvStoreSQLite

/// `provkit lineage ID`: where a run, model or dataset came from, and what came from it.
struct LineageCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lineage",
        abstract: "Walk the provenance graph from a run, entity or agent: up to its sources, down to its products.",
        discussion: """
            up follows PROV relations from subject to object (a model wasGeneratedBy a run, which used a dataset); \
            down goes the other way; both does both. The walk runs inside the store.

            Examples:
              provkit lineage model.onnx --direction up
              provkit lineage 0190a3f2c4 --direction down --depth 3 --dot | dot -Tsvg > lineage.svg
            """)

    @OptionGroup var storeOptions: StoreOptions

    @Argument(help: "The start: an id, a unique id prefix, a run or entity name, or an entity location.")
    var node: String

    @Option(help: "up (sources), down (products) or both.")
    var direction: LineageDirection = .up

    @Option(help: "The most relation hops to follow (0–\(SQLiteStore.maximumLineageDepth)).")
    var depth: Int = LineageQuery.defaultDepth

    @Flag(help: "Print the graph as JSON.")
    var json = false

    @Flag(help: "Print the graph in Graphviz DOT.")
    var dot = false

    func validate() throws {
        if json && dot { throw ValidationError("choose one of --json and --dot") }
        if depth < 0 || depth > SQLiteStore.maximumLineageDepth {
            throw ValidationError("--depth must be between 0 and \(SQLiteStore.maximumLineageDepth)")
        }
    }

    func run() async throws {
        try await storeOptions.withStore { store in
            let query = LineageQuery(store: store)
            var reference = node
            // A path the user types is matched as given and, failing that, as an absolute path.
            if try await store.resolve(reference).isEmpty, FileManager.default.fileExists(atPath: node) {
                reference = URL(fileURLWithPath: node).standardizedFileURL.path
            }
            let graph: LineageGraph
            do {
                graph = try await query.lineage(of: reference, direction: direction, depth: depth)
            } catch let error as LineageQueryError {
                throw CLIError(error.description)
            }
            if json {
                try Output.printJSON(graph)
            } else if dot {
                print(graph.dot(), terminator: "")
            } else {
                print(graph.text(), terminator: "")
                print(
                    "\(graph.nodes.count) nodes, \(graph.edges.count) relations (direction \(direction.rawValue), depth \(depth))"
                )
            }
        }
    }
}

extension LineageDirection: ExpressibleByArgument {}
