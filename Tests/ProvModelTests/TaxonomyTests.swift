import Foundation
import ProvModel
import Testing

@Suite("Taxonomy")
struct TaxonomyTests {
    let taxonomy = Taxonomy.standard

    // MARK: - Structure

    @Test("the standard taxonomy initialises with 80 to 250 terms")
    func initialises() throws {
        let taxonomy = try Taxonomy(
            version: Taxonomy.standard.version, namespace: Taxonomy.standard.namespace, terms: Taxonomy.standard.terms,
            layerTypes: Taxonomy.standard.layerTypes, curveClasses: Taxonomy.standard.curveClasses)
        #expect((80...250).contains(taxonomy.terms.count))
        #expect(taxonomy.namespace == Taxonomy.provKitNamespace)
        #expect(!taxonomy.version.isEmpty)
    }

    @Test("every term identifier starts with its layer and is unique")
    func identifiers() {
        for term in taxonomy.terms {
            #expect(term.id.hasPrefix(term.layer.rawValue + "."), "\(term.id)")
            #expect(term.id.split(separator: ".").count >= 3, "\(term.id)")
            #expect(term.id.allSatisfy { $0.isLowercase || $0.isNumber || $0 == "." || $0 == "_" }, "\(term.id)")
            #expect(taxonomy.term(id: term.id) == term)
        }
        #expect(Set(taxonomy.terms.map(\.id)).count == taxonomy.terms.count)
    }

    @Test("every layer has terms", arguments: TaxonomyLayer.allCases)
    func layerHasTerms(layer: TaxonomyLayer) {
        #expect(!taxonomy.terms(under: layer.rawValue).isEmpty)
        #expect(!layer.summary.isEmpty)
    }

    @Test("every term is described, with a facet, a unit from the allowed set and mappings")
    func termsAreComplete() {
        let units: Set<String> = ["1", "%", "s", "By", "W", "J", "Cel", "MHz", "nat", "Hz", "kg"]
        for term in taxonomy.terms {
            #expect(!term.label.isEmpty && !term.description.isEmpty && !term.facet.isEmpty, "\(term.id)")
            #expect(!term.mappings.isEmpty, "\(term.id) has no mapping")
            #expect(!term.aliases.isEmpty || !term.patterns.isEmpty, "\(term.id) can never match")
            if let unit = term.unit {
                #expect(units.contains(unit), "\(term.id): unit \(unit)")
            }
        }
    }

    @Test("every mapping is an absolute IRI with a declared prefix")
    func mappingsAreAbsoluteIRIs() throws {
        let iris = taxonomy.terms.flatMap(\.mappings) + taxonomy.layerTypes.flatMap(\.mappings)
        let prefixes = taxonomy.usedPrefixes()
        for iri in iris {
            let url = try #require(URL(string: iri), "\(iri)")
            #expect(url.scheme == "http" || url.scheme == "https", "\(iri)")
            #expect(url.host?.isEmpty == false, "\(iri)")
            #expect(!iri.contains(" "), "\(iri)")
            #expect(taxonomy.compact(iri, prefixes: prefixes) != iri, "\(iri) has no prefix")
        }
        for namespace in prefixes.values {
            #expect(namespace.hasSuffix("#") || namespace.hasSuffix("/"), "\(namespace)")
        }
        #expect(taxonomy.compact("http://www.w3.org/ns/mls#HyperParameter", prefixes: prefixes) == "mls:HyperParameter")
        #expect(taxonomy.compact("urn:x", prefixes: prefixes) == "urn:x")
    }

    @Test("the required vocabularies are all used")
    func vocabularies() {
        let iris = Set(taxonomy.terms.flatMap(\.mappings))
        for iri in [
            "http://www.w3.org/ns/prov#Entity", "http://www.w3.org/ns/mls#HyperParameter",
            "http://www.w3.org/ns/mls#EvaluationMeasure", "http://www.w3.org/ns/mls#Dataset",
            "http://www.w3.org/ns/mls#Model", "http://www.w3.org/ns/mls#Implementation",
            "http://example.org/aiprov#TelemetryData", "https://w3id.org/fair4ml#MLModel", "http://schema.org/Dataset",
        ] {
            #expect(iris.contains(iri), "\(iri)")
        }
    }

    @Test("aliases are written in normalized form and classify to their own term")
    func aliasesAreNormalized() throws {
        for term in taxonomy.terms {
            for alias in term.aliases {
                #expect(Taxonomy.normalize(alias) == alias, "\(term.id): alias \(alias)")
                let match = try #require(taxonomy.classify(alias))
                #expect(match.term.id == term.id && match.rule == .alias, "\(alias)")
            }
        }
    }

    @Test("no pattern matches the empty key or a lone separator")
    func patternsAreAnchored() {
        for key in ["", "_", "x", "a_b", "system", "model", "total", "value", "count", "time", "name", "id"] {
            #expect(taxonomy.classify(key) == nil, "\(key)")
        }
    }

    // MARK: - Classification

    /// Keys seen in real captures (MLflow, RCLJT22 record trails, A4NN, PENGUIN, Flowcept, psutil, NVML) and the
    /// terms they must classify into.
    static let expectations: [(key: String, id: String)] = [
        // Model: hyperparameters.
        ("lr", "model.hyperparameter.learning_rate"),
        ("learning_rate", "model.hyperparameter.learning_rate"),
        ("learningRate", "model.hyperparameter.learning_rate"),
        ("LR", "model.hyperparameter.learning_rate"),
        ("eta", "model.hyperparameter.learning_rate"),
        ("optimizer.lr", "model.hyperparameter.learning_rate"),
        ("head_learning_rate", "model.hyperparameter.learning_rate"),
        ("batch_size", "model.hyperparameter.batch_size"),
        ("batchSize", "model.hyperparameter.batch_size"),
        ("bs", "model.hyperparameter.batch_size"),
        ("batch", "model.hyperparameter.batch_size"),
        ("eval_batch_size", "model.hyperparameter.batch_size"),
        ("epochs", "model.hyperparameter.epochs"),
        ("num_epochs", "model.hyperparameter.epochs"),
        ("optimizer", "model.hyperparameter.optimizer"),
        ("optim", "model.hyperparameter.optimizer"),
        ("momentum", "model.hyperparameter.momentum"),
        ("dampening", "model.hyperparameter.dampening"),
        ("weight_decay", "model.hyperparameter.weight_decay"),
        ("optimizer/weight_decay", "model.hyperparameter.weight_decay"),
        ("dropout_rate", "model.hyperparameter.dropout_rate"),
        ("dropout", "model.hyperparameter.dropout_rate"),
        ("random_seed", "model.hyperparameter.seed"),
        ("seed", "model.hyperparameter.seed"),
        ("loss_fn", "model.hyperparameter.loss_function"),
        ("criterion", "model.hyperparameter.loss_function"),
        ("loss_function", "model.hyperparameter.loss_function"),
        ("lr_scheduler", "model.hyperparameter.lr_schedule"),
        ("lr_scheduler_name", "model.hyperparameter.lr_schedule"),
        ("warmup_steps", "model.hyperparameter.warmup"),
        ("lr_warmup_epochs", "model.hyperparameter.warmup"),
        ("max_grad_norm", "model.hyperparameter.gradient_clipping"),
        ("gradient_clip_algorithm", "model.hyperparameter.gradient_clipping"),
        ("mixed_precision", "model.hyperparameter.precision"),
        ("bf16", "model.hyperparameter.precision"),
        // Model: architecture (RCLJT22 record-trail columns and others).
        ("layer_types", "model.architecture.layer_types"),
        ("convKernels", "model.architecture.conv_kernels"),
        ("convStrides", "model.architecture.conv_strides"),
        ("convPaddings", "model.architecture.conv_paddings"),
        ("convFilters", "model.architecture.conv_filters"),
        ("poolKernels", "model.architecture.pool_kernels"),
        ("poolStrides", "model.architecture.pool_strides"),
        ("poolPaddings", "model.architecture.pool_paddings"),
        ("FCFilters", "model.architecture.fc_units"),
        ("FC_dropout_rate", "model.architecture.fc_dropout_rate"),
        ("FC_dropout_layers", "model.architecture.fc_dropout_layers"),
        ("numConvLayers", "model.architecture.num_conv_layers"),
        ("num_layers", "model.architecture.num_layers"),
        ("num_fc_layers", "model.architecture.num_fc_layers"),
        ("kernel_size", "model.architecture.conv_kernels"),
        ("hidden_size", "model.architecture.fc_units"),
        ("flops", "model.architecture.flops"),
        ("genome", "model.architecture.genome"),
        ("arch", "model.architecture.family"),
        ("modelID", "model.architecture.family"),
        ("activation", "model.architecture.activation"),
        ("params", "model.architecture.parameter_count"),
        ("num_trainable_params", "model.architecture.parameter_count"),
        ("model_sha256", "model.artifact.digest"),
        // Model: performance.
        ("val_acc", "model.performance.validation_accuracy"),
        ("valAcc", "model.performance.validation_accuracy"),
        ("valacc", "model.performance.validation_accuracy"),
        ("val_accuracy", "model.performance.validation_accuracy"),
        ("val_accs", "model.performance.validation_accuracy"),
        ("validation_accuracy", "model.performance.validation_accuracy"),
        ("eval/accuracy", "model.performance.validation_accuracy"),
        ("epoch_val_accuracy", "model.performance.validation_accuracy"),
        ("val_top1_acc", "model.performance.validation_accuracy"),
        ("actualAcc", "model.performance.validation_accuracy"),
        ("maxAcc", "model.performance.best_validation_accuracy"),
        ("best_val_acc", "model.performance.best_validation_accuracy"),
        ("peak_validation_accuracy", "model.performance.best_validation_accuracy"),
        ("train_acc", "model.performance.training_accuracy"),
        ("train_accs", "model.performance.training_accuracy"),
        ("trainAccuracy", "model.performance.training_accuracy"),
        ("accuracy", "model.performance.training_accuracy"),
        ("acc", "model.performance.training_accuracy"),
        ("test_acc", "model.performance.test_accuracy"),
        ("test/accuracy", "model.performance.test_accuracy"),
        ("final_test_accuracy", "model.performance.test_accuracy"),
        ("trainLoss", "model.performance.training_loss"),
        ("train_loss", "model.performance.training_loss"),
        ("loss", "model.performance.training_loss"),
        ("train/loss_epoch", "model.performance.training_loss"),
        ("valLoss", "model.performance.validation_loss"),
        ("val_loss", "model.performance.validation_loss"),
        ("valloss", "model.performance.validation_loss"),
        ("eval_loss", "model.performance.validation_loss"),
        ("test_loss", "model.performance.test_loss"),
        ("f1", "model.performance.f1"),
        ("val_f1_macro", "model.performance.f1"),
        ("precision", "model.performance.precision"),
        ("test_precision_weighted", "model.performance.precision"),
        ("recall", "model.performance.recall"),
        ("auc", "model.performance.auc"),
        ("val_roc_auc", "model.performance.auc"),
        ("rmse", "model.performance.rmse"),
        ("val_rmse", "model.performance.rmse"),
        ("root_mean_squared_error", "model.performance.rmse"),
        ("mse", "model.performance.mse"),
        ("test_mse", "model.performance.mse"),
        ("mae", "model.performance.mae"),
        ("r2", "model.performance.r2"),
        ("r2_score", "model.performance.r2"),
        ("predictions", "model.performance.predicted_final_accuracy"),
        ("predictedAcc", "model.performance.predicted_final_accuracy"),
        ("predicted_acc", "model.performance.predicted_final_accuracy"),
        ("converged", "model.performance.converged"),
        // Model: behaviour.
        ("epoch", "model.behaviour.epoch"),
        ("curve_class", "model.behaviour.curve_class"),
        ("epochs_trained", "model.behaviour.epochs_trained"),
        ("early_stopped", "model.behaviour.early_stopped"),
        ("convergence_epoch", "model.behaviour.convergence_epoch"),
        ("timeStabilized", "model.behaviour.convergence_epoch"),
        ("training_method", "model.behaviour.training_method"),
        ("fitness_measure", "model.behaviour.fitness_measure"),
        ("fitness", "model.behaviour.fitness"),
        ("aValue", "model.behaviour.predictor_parameters"),
        ("timeMenndlTrainingEnds", "model.behaviour.training_time"),
        // System: MLflow system metrics.
        ("system/cpu_utilization_percentage", "system.cpu.utilization"),
        ("system/system_memory_usage_megabytes", "system.memory.used"),
        ("system/system_memory_usage_percentage", "system.memory.percent"),
        ("system/gpu_0_utilization_percentage", "system.gpu.utilization"),
        ("system/gpu_3_utilization_percentage", "system.gpu.utilization"),
        ("system/gpu_0_memory_usage_percentage", "system.gpu.memory_percent"),
        ("system/gpu_0_memory_usage_megabytes", "system.gpu.memory_used"),
        ("system/gpu_1_memory_usage_megabytes", "system.gpu.memory_used"),
        ("system/gpu_0_power_usage_watts", "system.gpu.power"),
        ("system/gpu_0_power_usage_percentage", "system.gpu.power_percent"),
        ("system/disk_usage_percentage", "system.disk.usage_percent"),
        ("system/disk_usage_megabytes", "system.disk.usage"),
        ("system/disk_available_megabytes", "system.disk.available"),
        ("system/network_receive_megabytes", "system.network.received_bytes"),
        ("system/network_transmit_megabytes", "system.network.sent_bytes"),
        // System: psutil, Flowcept, NVML, /proc.
        ("cpu_percent", "system.cpu.utilization"),
        ("cpu_utilization", "system.cpu.utilization"),
        ("cpu_3_percent", "system.cpu.utilization"),
        ("cpu12_utilization", "system.cpu.utilization"),
        ("cpu.percent_all", "system.cpu.utilization"),
        ("memory_percent", "system.memory.percent"),
        ("memory.virtual.used", "system.memory.used"),
        ("mem_used_mb", "system.memory.used"),
        ("memory_total", "system.memory.total"),
        ("memory_available", "system.memory.available"),
        ("memory.virtual.free", "system.memory.available"),
        ("device", "system.accelerator.device"),
        ("disk_read_bytes", "system.disk.read_bytes"),
        ("disk.io_sum.write_bytes", "system.disk.write_bytes"),
        ("net_bytes_sent", "system.network.sent_bytes"),
        ("network.netio_sum.bytes_recv", "system.network.received_bytes"),
        ("process_cpu_time", "system.process.cpu_time"),
        ("process.cpu_times.user", "system.process.cpu_time"),
        ("rss", "system.process.rss"),
        ("process.memory.rss", "system.process.rss"),
        ("VmHWM", "system.process.rss"),
        ("num_threads", "system.process.threads"),
        ("process.io_counters.read_bytes", "system.process.read_bytes"),
        ("io_write_bytes", "system.process.write_bytes"),
        ("ctx_switches", "system.process.context_switches"),
        ("process.num_ctx_switches.voluntary", "system.process.context_switches"),
        ("gpu_utilization", "system.gpu.utilization"),
        ("gpu_0_util", "system.gpu.utilization"),
        ("utilization.gpu", "system.gpu.utilization"),
        ("gpu_memory_used", "system.gpu.memory_used"),
        ("gpu.gpu_0.used", "system.gpu.memory_used"),
        ("gpu_memory_total", "system.gpu.memory_total"),
        ("gpu_mem_percent", "system.gpu.memory_percent"),
        ("power.draw", "system.gpu.power"),
        ("gpu_0_power_watts", "system.gpu.power"),
        ("gpu_0_energy_joules", "system.gpu.energy"),
        ("temperature.gpu", "system.gpu.temperature"),
        ("gpu1_temp", "system.gpu.temperature"),
        ("clocks.sm", "system.gpu.clock"),
        ("gpu_0_memory_clock_mhz", "system.gpu.clock"),
        ("cpu_energy", "system.energy.cpu"),
        ("intel-rapl:0/energy_uj", "system.energy.cpu"),
        ("co2_emissions", "system.energy.co2e"),
        ("cpu_model", "system.cpu.model"),
        ("cpu_count", "system.cpu.logical_cores"),
        ("cpu_count_physical", "system.cpu.physical_cores"),
        ("hostname", "system.host.name"),
        ("os", "system.os.name"),
        ("kernel_release", "system.os.kernel"),
        ("gpu_name", "system.gpu.name"),
        ("gpu_0_name", "system.gpu.name"),
        ("driver_version", "system.gpu.driver_version"),
        ("gpu_uuid", "system.gpu.uuid"),
        ("pci.bus_id", "system.gpu.uuid"),
        ("num_gpus", "system.gpu.count"),
        ("train_GPU", "system.gpu.in_use"),
        ("cgroup_memory_max", "system.cgroup.memory_limit"),
        ("cpu.max", "system.cgroup.cpu_limit"),
        ("SLURM_JOB_ID", "system.scheduler.job_id"),
        ("PBS_JOBID", "system.scheduler.job_id"),
        ("SLURM_CPUS_ON_NODE", "system.scheduler.variable"),
        // Platform.
        ("workflow_manager", "platform.workflow.manager"),
        ("workflow_name", "platform.workflow.definition"),
        ("framework", "platform.framework.name"),
        ("torch_version", "platform.framework.version"),
        ("tensorflow.version", "platform.framework.version"),
        ("python_version", "platform.language.python_version"),
        ("swift_version", "platform.language.swift_version"),
        ("packages", "platform.environment.packages"),
        ("env_vars", "platform.environment.variables"),
        ("git_commit", "platform.source.git_commit"),
        ("mlflow.source.git.commit", "platform.source.git_commit"),
        ("source_git_sha", "platform.source.git_commit"),
        ("git_branch", "platform.source.git_branch"),
        ("git_dirty", "platform.source.git_dirty"),
        ("git_remote", "platform.source.git_remote"),
        ("mlflow.source.git.repoURL", "platform.source.git_remote"),
        ("mlflow.source.name", "platform.source.entry_point"),
        ("container_image", "platform.container.image"),
        ("provkit_version", "platform.capture.tool"),
        ("cuda_version", "platform.cuda.version"),
        ("cudnn_version", "platform.cuda.cudnn_version"),
        ("torch_set_deterministic", "platform.determinism.deterministic_algorithms"),
        ("torch.backends.cudnn.deterministic", "platform.determinism.cudnn_deterministic"),
        ("PYTHONHASHSEED", "platform.determinism.python_hash_seed"),
        ("numpy_seed", "platform.determinism.library_seed"),
        ("world_size", "platform.distributed.world_size"),
        ("mlflow.user", "platform.agent.user"),
        // Application.
        ("beam_intensity", "application.input.beam_intensity"),
        ("intensity", "application.input.beam_intensity"),
        ("xray_beam_intensity_level", "application.input.beam_intensity"),
        ("inputs", "application.input.task_inputs"),
        ("input_path", "application.input.task_inputs"),
        ("outputs", "application.intermediate.outputs"),
        ("feedback", "application.feedback.value"),
        ("early_stop_decision", "application.decision.early_stop"),
        ("nas_decision", "application.decision.nas_selection"),
        ("tool_call", "application.decision.tool_call"),
        ("status", "application.status.state"),
        ("error", "application.status.error"),
        ("domain_metadata", "application.domain.metadata"),
        ("task_name", "application.task.name"),
        // Data.
        ("dataset", "data.dataset.name"),
        ("dataset_version", "data.dataset.version"),
        ("license", "data.dataset.license"),
        ("doi", "data.dataset.doi"),
        ("data_path", "data.dataset.location"),
        ("dataset_sha256", "data.dataset.digest"),
        ("classes", "data.statistics.num_classes"),
        ("num_classes", "data.statistics.num_classes"),
        ("n_classes", "data.statistics.num_classes"),
        ("numClasses", "data.statistics.num_classes"),
        ("num_samples", "data.statistics.num_samples"),
        ("class_counts", "data.statistics.class_counts"),
        ("chance_level", "data.statistics.chance_level"),
        ("split", "data.split.name"),
        ("train_size", "data.split.train_size"),
        ("val_size", "data.split.validation_size"),
        ("test_size", "data.split.test_size"),
        ("eval_set_size", "data.split.eval_set_size"),
        ("drop_last", "data.loader.drop_last"),
        ("shuffle", "data.loader.shuffle"),
        ("preprocessing", "data.preprocessing.transforms"),
        ("augmentations", "data.preprocessing.transforms"),
    ]

    @Test("keys classify into the expected terms", arguments: expectations)
    func classifies(key: String, id: String) throws {
        #expect(taxonomy.term(id: id) != nil, "unknown term \(id)")
        let match = try #require(taxonomy.classify(key), "\(key) did not classify")
        #expect(match.term.id == id, "\(key) → \(match.term.id) (\(match.rule))")
        #expect(match.normalizedKey == Taxonomy.normalize(key))
    }

    @Test("every term is reached by at least one expectation or alias")
    func expectationsCoverLayers() {
        let expected = Set(Self.expectations.map(\.id))
        for layer in TaxonomyLayer.allCases {
            #expect(expected.contains { $0.hasPrefix(layer.rawValue + ".") }, "\(layer)")
        }
    }

    @Test("the RCLJT22 record-trail header and the A4NN CSV header classify completely")
    func realHeadersClassify() {
        let recordTrail =
            "epochs trainLoss valLoss valAcc random_seed train_GPU torch_set_deterministic dataset batch_size "
            + "loss_fn optimizer learning_rate momentum dampening weight_decay layer_types dropout_rate convKernels "
            + "convStrides convPaddings poolKernels poolStrides poolPaddings convFilters FC_dropout_rate "
            + "FC_dropout_layers FCFilters"
        let a4nn = "epoch,train_accs,val_accs,predictions,converged,genome,arch,flops"
        let penguin =
            "modelID numConvLayers learningRate batchSize timeStabilized timeMenndlTrainingEnds maxAcc aValue "
            + "predictedAcc actualAcc"
        let keys = recordTrail.split(separator: " ") + a4nn.split(separator: ",") + penguin.split(separator: " ")
        for key in keys {
            #expect(taxonomy.classify(String(key)) != nil, "\(key)")
        }
    }

    @Test("alias matches win over patterns; patterns report their rule")
    func matchRules() throws {
        let alias = try #require(taxonomy.classify("val_acc"))
        #expect(alias.rule == .alias)
        let pattern = try #require(taxonomy.classify("system/gpu_7_utilization_percentage"))
        #expect(pattern.rule == .pattern)
        #expect(pattern.normalizedKey == "system_gpu_7_utilization_percentage")
    }

    @Test(
        "unrelated keys do not classify",
        arguments: [
            "zzz_unrelated", "hello_world", "my_custom_value", "notes", "colour", "widget_count", "accumulated_widgets",
            "lracc", "cache_hit_ratio", "foo/bar/baz", "   ", "∑∆",
        ])
    func unknownKeys(key: String) {
        #expect(taxonomy.classify(key) == nil)
    }

    @Test("classification is safe from many tasks at once")
    func concurrentClassification() async {
        let keys = Self.expectations.map(\.key)
        let mismatches = await withTaskGroup(of: Int.self) { group in
            for _ in 0..<8 {
                group.addTask {
                    keys.indices.filter { Taxonomy.standard.classify(keys[$0])?.term.id != Self.expectations[$0].id }
                        .count
                }
            }
            return await group.reduce(0, +)
        }
        #expect(mismatches == 0)
    }

    // MARK: - Normalization

    @Test(
        "keys normalize to lowercase snake case",
        arguments: [
            ("learningRate", "learning_rate"),
            ("system/gpu_0_utilization_percentage", "system_gpu_0_utilization_percentage"),
            ("FC_dropout_rate", "fc_dropout_rate"), ("valAcc", "val_acc"), ("trainLoss", "train_loss"),
            ("convKernels", "conv_kernels"), ("FCFilters", "fcfilters"), ("train_GPU", "train_gpu"),
            ("PYTHONHASHSEED", "pythonhashseed"), ("mlflow.source.git.commit", "mlflow_source_git_commit"),
            ("cpu-3 percent", "cpu_3_percent"), ("__lr__", "lr"), ("a//b..c", "a_b_c"), ("gpu0Util", "gpu0_util"),
            ("numConvLayers", "num_conv_layers"), ("Conv2D", "conv2_d"), ("", ""), ("///", ""),
        ])
    func normalization(key: String, normalized: String) {
        #expect(Taxonomy.normalize(key) == normalized)
    }

    // MARK: - Invalid definitions

    static func term(_ id: String, aliases: [String] = [], patterns: [String] = []) -> TaxonomyTerm {
        TaxonomyTerm(
            id: id, layer: .model, facet: "hyperparameter", label: id, valueType: .number, description: id,
            aliases: aliases, patterns: patterns)
    }

    @Test("a taxonomy whose terms share an alias does not initialise")
    func duplicateAliases() {
        #expect(throws: TaxonomyError.self) {
            try Taxonomy(
                version: "0", namespace: "https://example.org/ns#",
                terms: [Self.term("model.a", aliases: ["lr"]), Self.term("model.b", aliases: ["LR"])],
                layerTypes: [], curveClasses: [])
        }
        // Repeating an alias within one term is harmless.
        #expect(throws: Never.self) {
            try Taxonomy(
                version: "0", namespace: "https://example.org/ns#",
                terms: [Self.term("model.a", aliases: ["lr", "LR"])], layerTypes: [], curveClasses: [])
        }
    }

    @Test("a taxonomy with an invalid pattern does not initialise, and the error names the term")
    func badRegex() throws {
        do {
            _ = try Taxonomy(
                version: "0", namespace: "https://example.org/ns#",
                terms: [Self.term("model.bad", patterns: ["(unclosed"])], layerTypes: [], curveClasses: [])
            Issue.record("an invalid pattern was accepted")
        } catch let error as TaxonomyError {
            #expect(error.description.contains("model.bad"))
        }
    }

    @Test("a taxonomy with a duplicate term id, layer-type name or curve class does not initialise")
    func otherDuplicates() {
        #expect(throws: TaxonomyError.self) {
            try Taxonomy(
                version: "0", namespace: "https://example.org/ns#",
                terms: [Self.term("model.a"), Self.term("model.a")], layerTypes: [], curveClasses: [])
        }
        #expect(throws: TaxonomyError.self) {
            try Taxonomy(
                version: "0", namespace: "https://example.org/ns#", terms: [],
                layerTypes: [
                    LayerTypeTerm(name: "dense", description: "", hyperparameters: [], aliases: ["fc"]),
                    LayerTypeTerm(name: "linear", description: "", hyperparameters: [], aliases: ["FC"]),
                ], curveClasses: [])
        }
        #expect(throws: TaxonomyError.self) {
            try Taxonomy(
                version: "0", namespace: "https://example.org/ns#", terms: [], layerTypes: [],
                curveClasses: [CurveClassTerm(name: "diverged", rule: ""), CurveClassTerm(name: "diverged", rule: "")])
        }
        #expect(throws: TaxonomyError.self) {
            try Taxonomy(
                version: "0", namespace: "https://example.org/ns#", terms: [],
                layerTypes: [
                    LayerTypeTerm(name: "dense", description: "", hyperparameters: []),
                    LayerTypeTerm(name: "dense", description: "", hyperparameters: []),
                ], curveClasses: [])
        }
    }

    // MARK: - Layer types and curve classes

    @Test("the architectural vocabulary has the required layer types")
    func layerTypes() throws {
        let names = taxonomy.layerTypes.map(\.name)
        for name in [
            "conv1d", "conv2d", "conv3d", "pool", "dropout", "dense", "batchnorm", "layernorm", "activation", "flatten",
            "embedding", "attention", "recurrent", "residual", "nas_phase", "nas_node",
        ] {
            #expect(names.contains(name), "\(name)")
        }
        for type in taxonomy.layerTypes {
            #expect(!type.description.isEmpty, "\(type.name)")
            #expect(Taxonomy.normalize(type.name) == type.name)
            for alias in type.aliases {
                #expect(Taxonomy.normalize(alias) == alias, "\(type.name): \(alias)")
            }
        }
        #expect(try #require(taxonomy.layerType(named: "conv2d")).hyperparameters.contains("kernel"))
        #expect(try #require(taxonomy.layerType(named: "pool")).hyperparameters.contains("mode"))
        #expect(try #require(taxonomy.layerType(named: "dense")).hyperparameters.contains("units"))
        #expect(try #require(taxonomy.layerType(named: "dropout")).hyperparameters == ["rate"])
    }

    @Test(
        "framework layer names resolve to layer types",
        arguments: [
            ("Conv2d", "conv2d"), ("Conv2D", "conv2d"), ("conv", "conv2d"), ("Conv1d", "conv1d"), ("Conv3D", "conv3d"),
            ("MaxPool2d", "pool"), ("MaxPooling2D", "pool"), ("AvgPool2d", "pool"), ("GlobalAveragePooling2D", "pool"),
            ("AdaptiveAvgPool2d", "pool"), ("Dropout", "dropout"), ("fc", "dense"), ("Linear", "dense"),
            ("Dense", "dense"), ("BatchNorm2d", "batchnorm"), ("BatchNormalization", "batchnorm"),
            ("LayerNorm", "layernorm"), ("ReLU", "activation"), ("GELU", "activation"), ("LeakyReLU", "activation"),
            ("Flatten", "flatten"), ("Embedding", "embedding"), ("MultiheadAttention", "attention"),
            ("MultiHeadAttention", "attention"), ("LSTM", "recurrent"), ("GRU", "recurrent"),
            ("BasicBlock", "residual"),
            ("ConvTranspose2d", "conv_transpose"), ("phase", "nas_phase"),
        ])
    func layerTypeNames(name: String, type: String) {
        #expect(taxonomy.layerType(named: name)?.name == type)
    }

    @Test("unknown layer names resolve to nothing")
    func unknownLayerType() {
        #expect(taxonomy.layerType(named: "Quantumizer") == nil)
    }

    @Test("the behavioural vocabulary has the five curve classes with their default thresholds")
    func curveClasses() throws {
        let classes = Dictionary(uniqueKeysWithValues: taxonomy.curveClasses.map { ($0.name, $0) })
        #expect(Set(classes.keys) == ["never_learner", "late_learner", "early_learner", "overfitter", "diverged"])
        let never = try #require(classes["never_learner"])
        #expect(never.defaults["delta"] == 1.0)
        #expect(never.defaults["epsilon"] == 0.1)
        #expect(never.rule.contains("ln C"))
        let late = try #require(classes["late_learner"])
        #expect(late.defaults["tau"] == 5.0)
        #expect(late.defaults["Delta"] == 5.0)
        #expect(late.defaults["tau_fraction"] == 0.125)
        let overfitter = try #require(classes["overfitter"])
        #expect(overfitter.defaults["epsilon"] == 0.1)
        #expect(overfitter.defaults["argmin_fraction"] == 0.5)
        #expect(try #require(classes["diverged"]).defaults.isEmpty)
        for curveClass in taxonomy.curveClasses {
            #expect(!curveClass.rule.isEmpty)
        }
        #expect(taxonomy.curveClasses.first?.name == "diverged")
    }
}
