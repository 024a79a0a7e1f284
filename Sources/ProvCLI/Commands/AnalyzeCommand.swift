import ArgumentParser

/// `provkit analyze`: explain model behaviour from captured runs (Aim C).
struct AnalyzeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "analyze",
        abstract: "Explain model behaviour from captured runs: features, learning curves, strength, causes, effects.",
        subcommands: [
            // causal discovery / strength / effects (CSV or stored runs):
            AnalyzeCausalCommand.self, AnalyzeStrengthCommand.self, AnalyzeEffectCommand.self,
            // learning curves / feature tables / report:
            Features.self, Curves.self, Report.self,
        ]
    )
}
