public import ProvModel

/// Imports RCLJT22 record trails: the per-network training records of Rorabaugh, Caíno-Lores, Johnston and
/// Taufer, *Data in Brief* 40:107780 (2022), Harvard Dataverse doi:10.7910/DVN/ZXTCGF.
///
/// **Format.** One file per network, named by its ID (`YYYY_MM_DD_HH_MM_SS_ffffff.txt`). Fields are separated by
/// single spaces, and an empty field is two consecutive spaces, so whitespace is never collapsed: every single
/// space separates two fields. One header row of the 28 ``columns``, then one row per half epoch (80 rows,
/// epochs 0.5…40.0). The first four columns are the learning curve; the 24 metadata columns from `ID` onward are
/// filled on the first data row only and empty on the others.
///
/// **What one file becomes.** One run (kind `workflow`, named by the ID, started at the time the ID encodes,
/// read as UTC), with:
/// - the 23 metadata columns after `ID` as parameters under their original names (text as in the file; empty
///   fields are absent), plus the derived `num_conv_layers`, `num_fc_layers` (dense layers, output included) and
///   `num_classes` (the last `FCFilters` entry, cross-checked against the dataset's known class count);
/// - an ``ArchitectureRecord`` (see ``architecture(metadata:)`` for the inferred `layer_types` semantics);
/// - a dataset entity per dataset name (shared by every run of the import, through the ``ImportContext``) that
///   the run `used`, the importing agent it `wasAssociatedWith`, and a model entity that `wasGeneratedBy` it;
/// - metric series `trainLoss`, `valLoss` (nats) and `valAcc` (converted from percent to a fraction) with
///   `step` = the row's ordinal (1…80, the index of the half epoch) and `epoch` = the `epochs` value. Non-finite
///   values are kept (a diverged loss is provenance); empty fields are skipped, never read as 0;
/// - tags ``ImportTags/source`` = `rcljt22:<ID>`, ``ImportTags/sourceFile`` = the file name,
///   ``ImportTags/startTimeSource`` = `record-id`, and ``ImportTags/warning`` when the architecture lists
///   contradict each other.
///
/// **End time.** A trail records no wall-clock time beyond the start encoded in its ID. The run ends with status
/// `finished` and no end time (absent, never invented), and the tag ``ImportTags/duration`` = `unknown` says so.
///
/// Any number of data rows is accepted (a truncated trail is still provenance); every row must have 28 fields.
/// Metadata is read from the first data row only; metadata fields on later rows are not read.
public struct RecordTrailImporter: ProvenanceImporter {
    /// The 28 header columns, in order.
    public static let columns: [String] = [
        "epochs", "trainLoss", "valLoss", "valAcc", "ID", "random_seed", "train_GPU", "torch_set_deterministic",
        "dataset", "batch_size", "loss_fn", "optimizer", "learning_rate", "momentum", "dampening", "weight_decay",
        "layer_types", "dropout_rate", "convKernels", "convStrides", "convPaddings", "poolKernels", "poolStrides",
        "poolPaddings", "convFilters", "FC_dropout_rate", "FC_dropout_layers", "FCFilters",
    ]

    /// The metadata columns recorded as parameters: every column after `ID`.
    public static let parameterColumns: [String] = Array(columns[5...])

    /// Known class counts by dataset name, used to cross-check the last `FCFilters` entry.
    public static let standardClassCounts: [String: Int] = [
        "CIFAR100": 100, "CIFAR10": 10, "FashionMNIST": 10, "SVHN": 10, "MNIST": 10,
    ]

    /// The class count of each dataset name this importer knows, matched ignoring case and punctuation
    /// (`Fashion-MNIST` matches `FashionMNIST`).
    public var classCounts: [String: Int]

    /// Creates an importer.
    /// - Parameter classCounts: known class counts by dataset name; ``standardClassCounts`` by default.
    public init(classCounts: [String: Int] = RecordTrailImporter.standardClassCounts) {
        self.classCounts = classCounts
    }

    /// Turns one record trail into events.
    ///
    /// - Parameters:
    ///   - fileName: the file's name (or path), used in tags and error messages; its stem is the ID when the
    ///     `ID` field is empty.
    ///   - contents: the whole file as text.
    ///   - experiment: the experiment the run joins; the caller creates it.
    ///   - context: the import's shared state; on success it remembers the agent and dataset entities defined.
    /// - Returns: the events in reference order: `run_start`, tags, parameters, agent/entity definitions and
    ///   relations, the architecture, the metric series, `run_end`.
    /// - Throws: ``ImportError`` naming the line and column for a wrong header, a row without 28 fields, a value
    ///   that is not a number (or list, or `True`/`False`) where one is expected, an ID that is not
    ///   `YYYY_MM_DD_HH_MM_SS_ffffff`, or a last `FCFilters` entry that contradicts the dataset's class count.
    public func events(
        fileName: String, contents: String, experiment: ProvID, context: inout ImportContext
    ) throws(ImportError) -> [ProvEvent] {
        let trail = try parse(fileName: fileName, contents: contents)
        var local = context
        let events = build(trail, fileName: fileName, experiment: experiment, context: &local)
        context = local
        return events
    }

    /// The start time a record-trail ID encodes, read as UTC: `2021_02_15_13_55_26_539263` is
    /// 2021-02-15T13:55:26.539263Z.
    /// - Returns: `nil` unless the text is exactly `YYYY_MM_DD_HH_MM_SS_ffffff` and names a valid time.
    public static func startTime(ofID id: some StringProtocol) -> ProvTime? {
        let parts = id.split(separator: "_", omittingEmptySubsequences: false)
        let widths = [4, 2, 2, 2, 2, 2, 6]
        guard parts.count == widths.count else { return nil }
        for (part, width) in zip(parts, widths) {
            guard part.utf8.count == width, part.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return nil }
        }
        return ProvTime(iso8601: "\(parts[0])-\(parts[1])-\(parts[2])T\(parts[3]):\(parts[4]):\(parts[5]).\(parts[6])Z")
    }

    // MARK: - Parsing

    /// What a metadata column holds, for validation.
    private enum ValueKind {
        case text
        case integer
        case number
        case boolean
        /// Hyphen-joined non-negative integers, one per layer.
        case integerList

        func accepts(_ text: Substring) -> Bool {
            switch self {
            case .text: true
            case .integer: TextScanning.integer(text) != nil
            case .number: TextScanning.number(text) != nil
            case .boolean: TextScanning.boolean(text) != nil
            case .integerList: TextScanning.integerList(text) != nil
            }
        }

        /// What a valid value looks like, for error messages.
        var expectation: String {
            switch self {
            case .text: "text"
            case .integer: "an integer"
            case .number: "a number"
            case .boolean: "True or False"
            case .integerList: "hyphen-joined non-negative integers such as 24-2-2"
            }
        }
    }

    private static let valueKinds: [String: ValueKind] = [
        "random_seed": .integer, "train_GPU": .boolean, "torch_set_deterministic": .boolean, "dataset": .text,
        "batch_size": .integer, "loss_fn": .text, "optimizer": .text, "learning_rate": .number, "momentum": .number,
        "dampening": .number, "weight_decay": .number, "layer_types": .integerList, "dropout_rate": .number,
        "convKernels": .integerList, "convStrides": .integerList, "convPaddings": .integerList,
        "poolKernels": .integerList, "poolStrides": .integerList, "poolPaddings": .integerList,
        "convFilters": .integerList, "FC_dropout_rate": .number, "FC_dropout_layers": .integerList,
        "FCFilters": .integerList,
    ]

    /// A parsed, validated trail.
    struct Trail {
        var id: String
        var startedAt: ProvTime
        /// Non-empty metadata values by column, as written.
        var metadata: [String: String]
        /// `(ordinal, epoch, value)` per metric column, in row order.
        var series: [String: [(step: Int64, epoch: Double, value: Double)]]
    }

    func parse(fileName: String, contents: String) throws(ImportError) -> Trail {
        func failure(_ line: Int, _ column: String?, _ message: String) -> ImportError {
            ImportError(file: fileName, line: line, column: column, message: message)
        }
        let columns = Self.columns
        let lines = TextScanning.lines(contents)
        guard let headerLine = lines.first else {
            throw failure(
                1, nil, "the file is empty; expected the record-trail header '\(columns.joined(separator: " "))'")
        }
        let header = TextScanning.spaceSeparatedFields(headerLine.text)
        if !header.elementsEqual(columns, by: { $0 == $1 }) {
            let expected = "expected the \(columns.count) record-trail columns '\(columns.joined(separator: " "))'"
            if let index = TextScanning.firstMismatch(header, columns) {
                throw failure(
                    1, columns[index],
                    "wrong header: column \(index + 1) is \(TextScanning.quoted(header[index])); \(expected)")
            }
            if header.count < columns.count {
                throw failure(1, columns[header.count], "wrong header: \(header.count) columns; \(expected)")
            }
            let extra = TextScanning.quoted(header[columns.count])
            throw failure(1, nil, "wrong header: \(header.count) columns (extra \(extra)); \(expected)")
        }

        let rows = lines.dropFirst()
        guard let firstRow = rows.first else {
            throw failure(2, nil, "no data rows after the header")
        }
        var series: [String: [(step: Int64, epoch: Double, value: Double)]] = [:]
        var metadataFields: [Substring] = []
        for (ordinal, line) in rows.enumerated() {
            let fields = TextScanning.spaceSeparatedFields(line.text)
            guard fields.count == columns.count else {
                let hint = "an empty field is two consecutive spaces, and rows after the first end in 24 empty fields"
                if fields.count < columns.count {
                    throw failure(
                        line.number, columns[fields.count],
                        "expected \(columns.count) space-separated fields, found \(fields.count) (\(hint))")
                }
                throw failure(
                    line.number, nil,
                    "expected \(columns.count) space-separated fields, found \(fields.count) (\(hint))")
            }
            guard let epoch = TextScanning.number(fields[0]), epoch.isFinite else {
                throw failure(
                    line.number, columns[0],
                    fields[0].isEmpty
                        ? "the epoch is missing" : "expected a finite number, found \(TextScanning.quoted(fields[0]))")
            }
            for index in 1...3 {
                let text = fields[index]
                guard !text.isEmpty else { continue }  // absent, never 0
                guard let value = TextScanning.number(text) else {
                    throw failure(line.number, columns[index], "expected a number, found \(TextScanning.quoted(text))")
                }
                series[columns[index], default: []].append((Int64(ordinal + 1), epoch, value))
            }
            if line.number == firstRow.number {
                metadataFields = Array(fields[4...])
            }
        }

        var metadata: [String: String] = [:]
        for (offset, text) in metadataFields.enumerated() where !text.isEmpty {
            let column = columns[4 + offset]
            let kind = Self.valueKinds[column] ?? .text
            guard kind.accepts(text) else {
                throw failure(
                    firstRow.number, column, "expected \(kind.expectation), found \(TextScanning.quoted(text))")
            }
            metadata[column] = String(text)
        }

        if let filters = metadata["FCFilters"].flatMap(TextScanning.integerList), let classes = filters.last,
            let dataset = metadata["dataset"], let known = knownClassCount(of: dataset), known != classes
        {
            throw failure(
                firstRow.number, "FCFilters",
                "the last FCFilters entry (\(classes)) is the number of classes, but dataset '\(dataset)' has \(known)")
        }

        let id: String
        if let written = metadata["ID"] {
            id = written
        } else {
            id = String(TextScanning.stem(fileName))
        }
        guard let startedAt = Self.startTime(ofID: id) else {
            let source = metadata["ID"] == nil ? "the ID field is empty and the file name's stem" : "the ID"
            throw failure(
                firstRow.number, "ID",
                "unknown ID format: \(source) \(TextScanning.quoted(id)) is not YYYY_MM_DD_HH_MM_SS_ffffff "
                    + "(a UTC time such as 2021_02_15_13_55_26_539263)")
        }
        return Trail(id: id, startedAt: startedAt, metadata: metadata, series: series)
    }

    // MARK: - Events

    private func build(
        _ trail: Trail, fileName: String, experiment: ProvID, context: inout ImportContext
    ) -> [ProvEvent] {
        let run = context.ids.next()
        var builder = RunEventBuilder(run: run)
        builder.append(
            .runStart(
                RunStart(id: run, experiment: experiment, kind: .workflow, name: trail.id, startedAt: trail.startedAt)))
        builder.tag(ImportTags.source, "rcljt22:\(trail.id)")
        builder.tag(ImportTags.sourceFile, fileName)
        builder.tag(ImportTags.startTimeSource, "record-id")
        builder.tag(ImportTags.duration, "unknown")

        for column in Self.parameterColumns {
            builder.parameter(column, trail.metadata[column] ?? "")
        }
        let derived = Self.architecture(metadata: trail.metadata)
        if let convLayers = derived.convLayerCount {
            builder.parameter("num_conv_layers", String(convLayers))
        }
        if let denseLayers = derived.denseLayerCount {
            builder.parameter("num_fc_layers", String(denseLayers))
        }
        let classes = numberOfClasses(trail.metadata)
        if let classes {
            builder.parameter("num_classes", String(classes))
        }
        if !derived.warnings.isEmpty {
            builder.tag(ImportTags.warning, derived.warnings.joined(separator: "; "))
        }

        var dataset: (name: String, attributes: [String: JSONValue])?
        if let name = trail.metadata["dataset"] {
            dataset = (name, classes.map { ["classes": .number(Double($0))] } ?? [:])
        }
        let model = builder.standardLineage(context: &context, dataset: dataset, modelName: "\(trail.id)-model")
        if let layers = derived.layers {
            builder.append(.architecture(ArchitectureRecord(run: run, model: model, layers: layers)))
        }

        for column in ["trainLoss", "valLoss", "valAcc"] {
            for point in trail.series[column] ?? [] {
                // valAcc is in percent; ProvKit stores accuracy as a fraction.
                let value = column == "valAcc" ? point.value / 100 : point.value
                builder.metric(column, value, step: point.step, epoch: point.epoch)
            }
        }
        builder.append(.runEnd(RunEnd(run: run, status: .finished, endedAt: nil)))
        return builder.events
    }

    /// The number of classes: the last `FCFilters` entry (the output layer's width), or the dataset's known class
    /// count when `FCFilters` is empty. ``parse(fileName:contents:)`` rejects a file where both are known and
    /// disagree.
    func numberOfClasses(_ metadata: [String: String]) -> Int? {
        if let filters = metadata["FCFilters"].flatMap(TextScanning.integerList), let last = filters.last {
            return last
        }
        return metadata["dataset"].flatMap(knownClassCount(of:))
    }

    /// The known class count of a dataset name, ignoring case and punctuation.
    func knownClassCount(of dataset: String) -> Int? {
        func key(_ name: String) -> String { String(name.lowercased().filter { $0.isLetter || $0.isNumber }) }
        let wanted = key(dataset)
        return classCounts.first { key($0.key) == wanted }?.value
    }
}
