public import ProvModel

/// Imports A4NN per-epoch training histories: Channing et al., "Composable Workflow for Accelerating Neural
/// Architecture Search Using In Situ Analytics for Protein Characterization", ICPP 2023 (Harvard Dataverse
/// doi:10.7910/DVN/JS9FR6).
///
/// **Format.** CSV with the header `epoch,train_accs,val_accs,predictions,converged,genome,arch,flops`. Several
/// networks are concatenated in one file: `epoch` restarts at 0 for each network; `arch` is the network's index
/// in the search, `genome` its NSGA-Net genome (quoted, as it holds commas), `flops` its cost as the workflow
/// reports it (unit not stated). Accuracies and predictions are in percent; `predictions` is `inf` until the
/// in-situ predictor has enough points; `converged` is `True` or `False`. The file name, such as
/// `1gpu_1e14_training_data.csv`, gives the GPU count (`1gpu`) and the X-ray beam intensity (`1e14`).
///
/// **What one file becomes.** One run per network (kind `workflow`, named `a4nn-<intensity>-arch<N>`), with:
/// - parameters `arch`, `genome` (the text), `flops`, `beam_intensity` (application metadata, from the file name)
///   and `gpus`, plus the decoded genome features (see ``NSGANetGenome``): `num_phases`, and per phase `k`
///   (1-based) `phase_<k>_connections`, `phase_<k>_skip` (0/1), `phase_<k>_active_nodes`, then
///   `total_connections` and `total_active_nodes`;
/// - an ``ArchitectureRecord`` with one `nas_phase` layer per phase (hyperparameters `nodes`, `connections`,
///   `active_nodes`, `skip`, `bits`);
/// - metric series with `step` = `epoch` = the `epoch` value: `train_accs` and `val_accs` (percent converted to a
///   fraction), `predictions` (predicted final accuracy, converted to a fraction likewise; non-finite values such
///   as `inf` mean "no prediction yet" and are skipped: absent, never 0) and `converged` (1 for `True`, 0 for
///   `False`). `converged` is kept as a full series rather than a "first converged epoch" tag because it is not
///   monotonic in the data: in about a quarter of the networks it turns `True` and later back to `False`;
/// - a dataset entity per beam intensity (`a4nn-xray-protein-1e14`, attribute `beam_intensity`), shared across
///   the import, that the run `used`; the importing agent (`wasAssociatedWith`); a model entity that
///   `wasGeneratedBy` the run;
/// - tags ``ImportTags/source`` = `a4nn:<file>:arch<N>:<ordinal>` (the ordinal is the network's 1-based position
///   in the file, since arch indices repeat across files and could within one) and ``ImportTags/sourceFile``.
///
/// **Times.** The files record no time. Each run starts at ``ImportContext/now`` (tag
/// ``ImportTags/startTimeSource`` = `import-time`) and ends with status `finished` and no end time (tag
/// ``ImportTags/duration`` = `unknown`).
public struct A4NNImporter: ProvenanceImporter {
    /// The header columns, in order.
    public static let columns: [String] = [
        "epoch", "train_accs", "val_accs", "predictions", "converged", "genome", "arch", "flops",
    ]

    /// The beam intensity to record, overriding the one in the file name; `nil` reads it from the file name.
    public var beamIntensity: String?
    /// The GPU count to record, overriding the one in the file name; `nil` reads it from the file name.
    public var gpus: Int?
    /// The first part of dataset entity names: `<datasetPrefix>-<beam intensity>`.
    public var datasetPrefix: String

    /// Creates an importer.
    /// - Parameters:
    ///   - beamIntensity: overrides the beam intensity read from the file name (text such as `1e14`).
    ///   - gpus: overrides the GPU count read from the file name.
    ///   - datasetPrefix: the first part of dataset entity names.
    public init(beamIntensity: String? = nil, gpus: Int? = nil, datasetPrefix: String = "a4nn-xray-protein") {
        self.beamIntensity = beamIntensity
        self.gpus = gpus
        self.datasetPrefix = datasetPrefix
    }

    /// What an A4NN file name says: `1gpu_1e14_training_data.csv` → 1 GPU, beam intensity `1e14`.
    ///
    /// The name's stem is split on `_`; the first part of the form `<digits>gpu` (or `gpus`) gives the GPU
    /// count, and the first other part that is a number (starting with a digit, such as `1e14`) the intensity.
    /// A value the name does not give is `nil`: absent, never invented.
    public static func fileNameMetadata(_ fileName: String) -> (gpus: Int?, beamIntensity: String?) {
        var gpus: Int?
        var intensity: String?
        for part in TextScanning.stem(fileName).split(separator: "_") {
            let lower = part.lowercased()
            let digits = lower.hasSuffix("gpus") ? lower.dropLast(4) : lower.hasSuffix("gpu") ? lower.dropLast(3) : ""
            if gpus == nil, !digits.isEmpty, digits.allSatisfy(\.isASCII), let count = Int(digits) {
                gpus = count
            } else if intensity == nil, let first = part.utf8.first, first >= 48, first <= 57,
                TextScanning.number(part) != nil
            {
                intensity = String(part)
            }
        }
        return (gpus, intensity)
    }

    /// Turns one A4NN history file into events: one run per network.
    ///
    /// - Parameters:
    ///   - fileName: the file's name (or path); its name gives the GPU count and beam intensity, and it appears in
    ///     tags and error messages.
    ///   - contents: the whole file as text.
    ///   - experiment: the experiment the runs join; the caller creates it.
    ///   - context: the import's shared state; on success it remembers the agent and dataset entities defined.
    /// - Returns: the events of each network in turn, each in reference order (`run_start`, tags, parameters,
    ///   agent/entity definitions and relations, the architecture, the metric series, `run_end`).
    /// - Throws: ``ImportError`` naming the line and column for a wrong header, a record without 8 fields, bad
    ///   quoting, a value that is not a number (or not `True`/`False`) where one is expected, a genome that is not a
    ///   list of bit lists, or a network whose `arch`, `genome` or `flops` changes before `epoch` restarts at 0.
    public func events(
        fileName: String, contents: String, experiment: ProvID, context: inout ImportContext
    ) throws(ImportError) -> [ProvEvent] {
        let networks = try parse(fileName: fileName, contents: contents)
        var local = context
        var events: [ProvEvent] = []
        for (index, network) in networks.enumerated() {
            events += build(network, ordinal: index + 1, fileName: fileName, experiment: experiment, context: &local)
        }
        context = local
        return events
    }

    // MARK: - Parsing

    /// One epoch of one network.
    struct EpochRow {
        var epoch: Int
        var trainAccuracy: Double?
        var validationAccuracy: Double?
        var prediction: Double?
        var converged: Bool?
    }

    /// One network's history.
    struct Network {
        var arch: String
        var genomeText: String
        var genome: NSGANetGenome
        var flops: String
        var rows: [EpochRow]
    }

    func parse(fileName: String, contents: String) throws(ImportError) -> [Network] {
        func failure(_ line: Int, _ column: String?, _ message: String) -> ImportError {
            ImportError(file: fileName, line: line, column: column, message: message)
        }
        let columns = Self.columns
        let records: [CSVRecord]
        do {
            records = try CSVReader.records(contents)
        } catch {
            throw failure(
                error.line, error.fieldIndex < columns.count ? columns[error.fieldIndex] : nil, error.message)
        }
        guard let header = records.first else {
            throw failure(1, nil, "the file is empty; expected the A4NN header '\(columns.joined(separator: ","))'")
        }
        if header.fields != columns {
            let expected = "expected the A4NN header '\(columns.joined(separator: ","))'"
            if let index = TextScanning.firstMismatch(header.fields, columns) {
                throw failure(
                    header.line, columns[index],
                    "wrong header: column \(index + 1) is \(TextScanning.quoted(header.fields[index])); \(expected)")
            }
            if header.fields.count < columns.count {
                throw failure(
                    header.line, columns[header.fields.count],
                    "wrong header: \(header.fields.count) columns; \(expected)")
            }
            throw failure(header.line, nil, "wrong header: \(header.fields.count) columns; \(expected)")
        }
        guard records.count > 1 else {
            throw failure(header.line + 1, nil, "no data rows after the header")
        }

        var networks: [Network] = []
        for record in records.dropFirst() {
            let fields = record.fields
            let line = record.line
            guard fields.count == columns.count else {
                if fields.count < columns.count {
                    throw failure(
                        line, columns[fields.count],
                        "expected \(columns.count) comma-separated fields, found \(fields.count) "
                            + "(a genome holds commas and must be quoted)")
                }
                throw failure(
                    line, nil,
                    "expected \(columns.count) comma-separated fields, found \(fields.count) "
                        + "(a genome holds commas and must be quoted)")
            }
            func optionalNumber(_ index: Int) throws(ImportError) -> Double? {
                let text = fields[index]
                guard !text.isEmpty else { return nil }
                guard let value = TextScanning.number(text) else {
                    throw failure(line, columns[index], "expected a number, found \(TextScanning.quoted(text))")
                }
                return value
            }
            guard let epoch = TextScanning.integer(fields[0]), epoch >= 0 else {
                throw failure(
                    line, "epoch", "expected a non-negative integer, found \(TextScanning.quoted(fields[0]))")
            }
            var converged: Bool?
            if !fields[4].isEmpty {
                guard let value = TextScanning.boolean(fields[4]) else {
                    throw failure(line, "converged", "expected True or False, found \(TextScanning.quoted(fields[4]))")
                }
                converged = value
            }
            let row = EpochRow(
                epoch: epoch, trainAccuracy: try optionalNumber(1), validationAccuracy: try optionalNumber(2),
                prediction: try optionalNumber(3), converged: converged)
            let (genomeText, arch, flops) = (fields[5], fields[6], fields[7])
            guard TextScanning.integer(arch) != nil else {
                throw failure(line, "arch", "expected an integer network index, found \(TextScanning.quoted(arch))")
            }
            if !flops.isEmpty, TextScanning.number(flops) == nil {
                throw failure(line, "flops", "expected a number, found \(TextScanning.quoted(flops))")
            }

            if epoch == 0 || networks.isEmpty {
                let genome: NSGANetGenome
                do {
                    genome = try NSGANetGenome.parse(genomeText)
                } catch {
                    throw failure(line, "genome", "\(error.message); found \(TextScanning.quoted(genomeText))")
                }
                networks.append(Network(arch: arch, genomeText: genomeText, genome: genome, flops: flops, rows: [row]))
                continue
            }
            let index = networks.count - 1
            let network = networks[index]
            guard let previous = network.rows.last?.epoch, epoch > previous else {
                throw failure(
                    line, "epoch",
                    "epoch \(epoch) does not follow epoch \(network.rows.last?.epoch ?? 0); a new network starts at "
                        + "epoch 0")
            }
            for (column, value, first) in [
                ("arch", arch, network.arch), ("genome", genomeText, network.genomeText),
                ("flops", flops, network.flops),
            ] where value != first {
                throw failure(
                    line, column,
                    "\(TextScanning.quoted(value)) differs from \(TextScanning.quoted(first)) earlier in the same "
                        + "network; a new network starts at epoch 0")
            }
            networks[index].rows.append(row)
        }
        return networks
    }

    // MARK: - Events

    private func build(
        _ network: Network, ordinal: Int, fileName: String, experiment: ProvID, context: inout ImportContext
    ) -> [ProvEvent] {
        let fromName = Self.fileNameMetadata(fileName)
        let intensity = beamIntensity ?? fromName.beamIntensity
        let gpuCount = gpus ?? fromName.gpus
        let run = context.ids.next()
        var builder = RunEventBuilder(run: run)
        let name = ["a4nn", intensity, "arch\(network.arch)"].compactMap { $0 }.joined(separator: "-")
        builder.append(
            .runStart(RunStart(id: run, experiment: experiment, kind: .workflow, name: name, startedAt: context.now)))
        builder.tag(ImportTags.source, "a4nn:\(TextScanning.baseName(fileName)):arch\(network.arch):\(ordinal)")
        builder.tag(ImportTags.sourceFile, fileName)
        builder.tag(ImportTags.startTimeSource, "import-time")
        builder.tag(ImportTags.duration, "unknown")

        builder.parameter("arch", network.arch)
        builder.parameter("genome", network.genomeText)
        builder.parameter("flops", network.flops)
        builder.parameter("beam_intensity", intensity ?? "")
        builder.parameter("gpus", gpuCount.map(String.init) ?? "")
        let genome = network.genome
        builder.parameter("num_phases", String(genome.phases.count))
        for (index, phase) in genome.phases.enumerated() {
            builder.parameter("phase_\(index + 1)_connections", String(phase.connectionCount))
            builder.parameter("phase_\(index + 1)_skip", phase.skip ? "1" : "0")
            builder.parameter("phase_\(index + 1)_active_nodes", String(phase.activeNodeCount))
        }
        builder.parameter("total_connections", String(genome.totalConnections))
        builder.parameter("total_active_nodes", String(genome.totalActiveNodes))

        var attributes: [String: JSONValue] = [:]
        if let intensity, let value = TextScanning.number(intensity) {
            attributes["beam_intensity"] = .number(value)
        }
        let datasetName = [datasetPrefix, intensity].compactMap { $0 }.joined(separator: "-")
        let model = builder.standardLineage(
            context: &context, dataset: (datasetName, attributes), modelName: "\(name)-model")
        let layers = genome.phases.map { phase in
            ArchitectureLayer(
                type: "nas_phase",
                hyperparameters: [
                    "nodes": .number(Double(phase.nodeCount)), "connections": .number(Double(phase.connectionCount)),
                    "active_nodes": .number(Double(phase.activeNodeCount)), "skip": .number(phase.skip ? 1 : 0),
                    "bits": .array(phase.bits.map { .number(Double($0)) }),
                ])
        }
        builder.append(.architecture(ArchitectureRecord(run: run, model: model, layers: layers)))

        let rows = network.rows
        func series(_ key: String, _ value: (EpochRow) -> Double?) {
            for row in rows {
                guard let value = value(row) else { continue }
                builder.metric(key, value, step: Int64(row.epoch), epoch: Double(row.epoch))
            }
        }
        series("train_accs") { $0.trainAccuracy.map { $0 / 100 } }
        series("val_accs") { $0.validationAccuracy.map { $0 / 100 } }
        series("predictions") { row in row.prediction.flatMap { $0.isFinite ? $0 / 100 : nil } }
        series("converged") { row in row.converged.map { $0 ? 1 : 0 } }
        builder.append(.runEnd(RunEnd(run: run, status: .finished, endedAt: nil)))
        return builder.events
    }
}
