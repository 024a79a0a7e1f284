import ArgumentParser
import Foundation
import Logging

/// The `provkit` command: capture, store, query and explain the provenance of AI workflows.
@main
struct ProvKitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "provkit",
        abstract: "Record, store, query and explain the provenance of AI workflows.",
        discussion: """
            Everything is kept in an embedded store: ./.provkit/ in the working directory unless --store or \
            PROVKIT_STORE names another (a folder, a .sqlite file, sqlite:PATH, or a postgres:// URL for a \
            PostgreSQL database shared by several servers; see docs/postgres.md).

            Start with `provkit demo`, then look around with `provkit runs`, `provkit show ID` and \
            `provkit lineage ID`.
            """,
        version: ProvKitVersion.current,
        subcommands: [
            DemoCommand.self, RunCommand.self, IngestCommand.self, ImportCommand.self, ExperimentsCommand.self,
            RunsCommand.self, ShowCommand.self, LineageCommand.self, ExportCommand.self, TaxonomyCommand.self,
            StatsCommand.self, ServeCommand.self, AnalyzeCommand.self, MigrateCommand.self, InspectCommand.self,
        ]
    )
}

/// The version printed by `provkit --version` and recorded as the capture agent's version.
enum ProvKitVersion {
    static let current = "0.1.0"
}
