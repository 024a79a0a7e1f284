import ArgumentParser
import Foundation
import ProvInspect
import ProvModel

/// `provkit inspect model|dataset PATH`: read an architecture or a dataset's statistics from files, without Python.
struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Read a model's architecture or a dataset's statistics from its files.",
        discussion: """
            Models: ONNX (.onnx), safetensors (.safetensors; only the header is read), Hugging Face config.json \
            and model folders (config.json + model.safetensors, sentence-transformers modules.json and pooling), \
            and Keras model JSON (model.to_json()). Layers come out in order, typed with the taxonomy's layer \
            types (conv2d, pool, dense, attention, ...), with their hyperparameters and parameter counts.

            Datasets: any file or folder is content-addressed (SHA-256; a folder's digest does not depend on the \
            order it is listed in) with its size and file count; CSV, TSV and JSON Lines are profiled: rows, \
            columns with inferred types and missing values, and with --label the classes of a label column \
            (counts, majority rate, chance level 1/classes).

            The same inspection runs automatically on models and datasets that `provkit run --input/--output`, \
            `provkit serve` (MLflow artifacts and logged models) capture. See docs/inspect.md.

            Examples:
              provkit inspect model resnet.onnx
              provkit inspect model ./all-MiniLM-L6-v2 --json
              provkit inspect dataset train.csv --label species
            """,
        subcommands: [InspectModel.self, InspectDataset.self])

    struct InspectModel: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "model",
            abstract:
                "Print a model's architecture: layers in order, taxonomy layer types, hyperparameters, parameters.")

        @Argument(help: "An .onnx, .safetensors, config.json or Keras .json file, or a model folder.")
        var path: String

        @Flag(help: "Print the full result as JSON.")
        var json = false

        func run() throws {
            try InspectReport.print(json: json, InspectReport.model) { try ModelInspector().inspect(path: path) }
        }
    }

    struct InspectDataset: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "dataset",
            abstract: "Print a dataset's digest, size and file count, and a table's rows, columns and classes.")

        @Argument(help: "A file or folder; .csv, .tsv and .jsonl files are profiled as tables.")
        var path: String

        @Option(help: ArgumentHelp("The label column whose classes to count.", valueName: "column"))
        var label: String?

        @Flag(help: "Print the full result as JSON.")
        var json = false

        func run() throws {
            try InspectReport.print(json: json, InspectReport.dataset) {
                try DatasetInspector(fileHasher: FileHashing.hasher).inspect(
                    path: path, label: label, detectLabel: false)
            }
        }
    }
}

/// The human-readable reports of `provkit inspect`.
enum InspectReport {
    /// Runs an inspection and prints its result as JSON or as the report `render` makes; an ``InspectError``
    /// becomes the command's error.
    static func print<Result: Encodable>(
        json: Bool, _ render: (Result) -> String, _ inspect: () throws -> Result
    ) throws {
        let result: Result
        do {
            result = try inspect()
        } catch let error as InspectError {
            throw CLIError(error.description)
        }
        if json {
            try Output.printJSON(result)
        } else {
            Swift.print(render(result))
        }
    }

    static func count(_ value: Int64) -> String {
        let digits = String(value)
        var out = ""
        for (index, character) in digits.reversed().enumerated() {
            if index > 0, index % 3 == 0, character != "-" { out.append(",") }
            out.append(character)
        }
        return String(out.reversed())
    }

    static func model(_ model: ModelInspection) -> String {
        var lines: [String] = []
        lines.append("Model: \(model.path)")
        lines.append("Format: \(model.formats.map(\.rawValue).joined(separator: " + "))")
        if let architecture = model.architecture { lines.append("Architecture: \(architecture)") }
        if let type = model.modelType { lines.append("Model type / producer: \(type)") }
        if let layers = model.layerCount { lines.append("Layers: \(layers)") }
        if let parameters = model.parameterCount { lines.append("Parameters: \(count(parameters))") }
        if !model.layerTypeCounts.isEmpty {
            lines.append(
                "Layer types: "
                    + model.layerTypeCounts.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(
                        separator: ", "))
        }
        for (key, value) in model.details.sorted(by: { $0.key < $1.key }) where value.jsonText.count <= 100 {
            lines.append("  \(key): \(value.displayText)")
        }
        if let sentence = model.sentenceTransformer {
            lines.append(
                "Sentence-transformer: \(sentence.modules.map { $0.split(separator: ".").last.map(String.init) ?? $0 }.joined(separator: " → "))"
                    + (sentence.pooling.isEmpty ? "" : "; pooling \(sentence.pooling.joined(separator: ", "))")
                    + (sentence.embeddingDimension.map { "; dimension \($0)" } ?? "")
                    + (sentence.maxSequenceLength.map { "; max \($0) tokens" } ?? ""))
        }
        for block in model.blocks {
            lines.append(
                "Blocks: \(block.pattern) × \(block.count) (\(block.tensorsPerBlock) tensors, "
                    + "\(count(block.parameterCount / Int64(max(block.count, 1)))) parameters each)")
        }
        if !model.layers.isEmpty {
            lines.append("")
            let rows = model.layers.enumerated().map { index, layer in
                [
                    String(index + 1), layer.name, layer.op, layer.layerType ?? "-",
                    layer.parameterCount.map { count($0) } ?? "-",
                    layer.hyperparameters.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value.displayText)" }
                        .joined(separator: " "),
                ]
            }
            lines.append(Output.table(header: ["#", "NAME", "OP", "TYPE", "PARAMS", "HYPERPARAMETERS"], rows: rows))
        }
        return lines.joined(separator: "\n")
    }

    static func dataset(_ dataset: DatasetInspection) -> String {
        var lines: [String] = []
        lines.append("Dataset: \(dataset.path)")
        lines.append("Digest: \(dataset.digest)")
        lines.append(
            "Size: \(count(dataset.sizeBytes)) bytes in \(dataset.fileCount) file\(dataset.fileCount == 1 ? "" : "s")")
        if let types = dataset.fileTypes, !types.isEmpty {
            lines.append(
                "File types: "
                    + types.sorted { $0.key < $1.key }.map { "\($0.key.isEmpty ? "(none)" : $0.key) \($0.value)" }
                    .joined(separator: ", "))
        }
        if let table = dataset.table {
            lines.append("Table: \(table.format), \(count(Int64(table.rows))) rows, \(table.columns.count) columns")
            lines.append("")
            lines.append(
                Output.table(
                    header: ["COLUMN", "TYPE", "MISSING"],
                    rows: table.columns.map { [$0.name, $0.type, String($0.missing)] }))
            if let label = table.label {
                lines.append("")
                lines.append(
                    "Label '\(label.column)': \(label.classes) classes over \(label.labelledRows) labelled rows; "
                        + "majority rate \(Output.number(label.majorityRate)), chance level (1/classes) "
                        + Output.number(label.chanceLevel))
                let rows = label.classCounts.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
                    .prefix(50).map { [$0.key, String($0.value)] }
                lines.append(Output.table(header: ["CLASS", "ROWS"], rows: Array(rows)))
                if label.classCounts.count > 50 { lines.append("... \(label.classCounts.count - 50) more classes") }
            }
        }
        return lines.joined(separator: "\n")
    }
}
