extension Taxonomy {
    /// The namespace IRI of ProvKit terms (`pk:`).
    public static let provKitNamespace = "https://w3id.org/provkit/ns#"

    /// The taxonomy shipped with this version of ProvKit.
    public static let standard: Taxonomy = {
        do {
            return try Taxonomy(
                version: "0.1.0", namespace: provKitNamespace, terms: standardTerms, layerTypes: standardLayerTypes,
                curveClasses: standardCurveClasses)
        } catch {
            fatalError("the shipped taxonomy is invalid: \(error)")  // caught by the taxonomy tests
        }
    }()

    /// The vocabularies that term mappings point into, by the prefix used for them in exports and documents.
    ///
    /// `provagent` is the namespace that Flowcept's `prov_agent.owl` declares for PROV-AGENT (a placeholder
    /// `example.org` IRI, reused as published); `onnx` is the ONNX operator catalogue.
    public static let standardPrefixes: [String: String] = [
        "pk": provKitNamespace,
        "prov": Vocabulary.prov,
        "mls": Vocabulary.mls,
        "fair4ml": Vocabulary.fair4ml,
        "schema": Vocabulary.schema,
        "provagent": Vocabulary.provAgent,
        "dcterms": Vocabulary.dcterms,
        "onnx": Vocabulary.onnx,
    ]

    /// All terms, layer by layer, in classification order (the first matching pattern wins).
    static let standardTerms: [TaxonomyTerm] =
        systemTerms + platformTerms + modelTerms + applicationTerms + dataTerms

    // MARK: - Helpers

    /// Namespace IRIs of the vocabularies that mappings use.
    enum Vocabulary {
        static let prov = "http://www.w3.org/ns/prov#"
        static let mls = "http://www.w3.org/ns/mls#"
        static let fair4ml = "https://w3id.org/fair4ml#"
        static let schema = "http://schema.org/"
        static let provAgent = "http://example.org/aiprov#"
        static let dcterms = "http://purl.org/dc/terms/"
        static let onnx = "https://onnx.ai/onnx/operators/"
    }

    private static func prov(_ name: String) -> String { Vocabulary.prov + name }
    private static func mls(_ name: String) -> String { Vocabulary.mls + name }
    private static func fair4ml(_ name: String) -> String { Vocabulary.fair4ml + name }
    private static func schema(_ name: String) -> String { Vocabulary.schema + name }
    private static func provAgent(_ name: String) -> String { Vocabulary.provAgent + name }
    private static func dcterms(_ name: String) -> String { Vocabulary.dcterms + name }
    private static func onnx(_ op: String) -> String { Vocabulary.onnx + "onnx__\(op).html" }

    /// Mappings shared by many terms.
    private static let telemetry = [provAgent("TelemetryData"), prov("Entity")]
    private static let hostInfo = [prov("Location"), prov("Agent")]
    private static let hyperParameter = [mls("HyperParameter"), mls("HyperParameterSetting")]
    private static let modelCharacteristic = [mls("ModelCharacteristic")]
    private static let evaluationMeasure = [mls("EvaluationMeasure"), mls("ModelEvaluation")]
    private static let softwareAgent = [prov("SoftwareAgent"), mls("Software")]
    private static let dataCharacteristic = [mls("DatasetCharacteristic")]

    private static func term(
        _ layer: TaxonomyLayer, _ path: String, _ facet: String, _ label: String, _ valueType: TaxonomyValueType,
        unit: String? = nil, _ description: String, aliases: [String] = [], patterns: [String] = [],
        mappings: [String]
    ) -> TaxonomyTerm {
        TaxonomyTerm(
            id: "\(layer.rawValue).\(path)", layer: layer, facet: facet, label: label, valueType: valueType, unit: unit,
            description: description, aliases: aliases, patterns: patterns, mappings: mappings)
    }

    // MARK: - System

    static let systemTerms: [TaxonomyTerm] = [
        // Sampled host telemetry.
        term(
            .system, "cpu.utilization", "telemetry", "Host CPU utilization", .number, unit: "%",
            "Share of CPU time the host spent busy over the sampling interval, all cores or one core (per-core keys "
                + "carry the core index, such as `cpu_3_percent`).",
            aliases: [
                "cpu_percent", "cpu_utilization", "cpu_util", "cpu_usage", "cpu_utilization_percentage",
                "system_cpu_utilization_percentage", "cpu_percent_all", "host_cpu_percent",
            ],
            patterns: [
                #"(system_)?(host_)?cpu(_?\d+)?_(percent(age)?|pct|util(ization)?|usage|busy)"#
                    + #"(_(percent(age)?|pct|all|avg|mean))?"#,
                #"(system_)?cpu_percent_(per_cpu|cpus|per_core)"#,
            ],
            mappings: telemetry),
        term(
            .system, "memory.used", "telemetry", "Host memory used", .number, unit: "By",
            "Physical memory in use on the host. MLflow reports it in megabytes "
                + "(`system/system_memory_usage_megabytes`); ProvKit stores bytes.",
            aliases: [
                "memory_used", "mem_used", "ram_used", "memory_usage", "memory_used_bytes",
                "system_system_memory_usage_megabytes", "system_memory_usage_megabytes", "memory_virtual_used",
            ],
            patterns: [#"(system_)*(host_)?(memory|mem|ram)(_virtual)?_(used|usage)(_(bytes|megabytes|mb|mib|gb))?"#],
            mappings: telemetry),
        term(
            .system, "memory.available", "telemetry", "Host memory available", .number, unit: "By",
            "Physical memory the host can still give to processes without swapping (`MemAvailable`).",
            aliases: [
                "memory_available", "mem_available", "memavailable", "memory_free", "mem_free", "available_memory",
            ],
            patterns: [#"(system_)*(memory|mem|ram)(_virtual)?_(available|free)(_(bytes|megabytes|mb|mib))?"#],
            mappings: telemetry),
        term(
            .system, "memory.percent", "telemetry", "Host memory utilization", .number, unit: "%",
            "Share of the host's physical memory in use.",
            aliases: [
                "memory_percent", "mem_percent", "ram_percent", "memory_utilization",
                "system_system_memory_usage_percentage", "system_memory_usage_percentage", "memory_virtual_percent",
            ],
            patterns: [#"(system_)*(host_)?(memory|mem|ram)(_virtual)?_(usage_)?(percent(age)?|pct|util(ization)?)"#],
            mappings: telemetry),
        term(
            .system, "disk.read_bytes", "telemetry", "Disk bytes read", .number, unit: "By",
            "Bytes read from the host's block devices (cumulative counter or per-interval delta, as the key's "
                + "series says).",
            aliases: [
                "disk_read_bytes", "disk_read", "disk_io_read_bytes", "disk_io_sum_read_bytes", "disk_read_megabytes",
            ],
            patterns: [#"(system_)?disk(_io)?(_sum)?(_\w+)?_read(_bytes|_megabytes|_mb)?"#],
            mappings: telemetry),
        term(
            .system, "disk.write_bytes", "telemetry", "Disk bytes written", .number, unit: "By",
            "Bytes written to the host's block devices.",
            aliases: [
                "disk_write_bytes", "disk_write", "disk_io_write_bytes", "disk_io_sum_write_bytes",
                "disk_write_megabytes",
            ],
            patterns: [#"(system_)?disk(_io)?(_sum)?(_\w+)?_writ(e|ten)(_bytes|_megabytes|_mb)?"#],
            mappings: telemetry),
        term(
            .system, "disk.usage", "telemetry", "Disk space used", .number, unit: "By",
            "Space used on the file system that holds the working directory (MLflow: megabytes).",
            aliases: [
                "disk_usage", "disk_used", "disk_usage_bytes", "disk_usage_megabytes", "system_disk_usage_megabytes",
                "disk_usage_used",
            ],
            patterns: [#"(system_)?disk_(usage_)?(used|usage)(_(bytes|megabytes|mb|gb))?"#],
            mappings: telemetry),
        term(
            .system, "disk.usage_percent", "telemetry", "Disk space utilization", .number, unit: "%",
            "Share of the file system's space in use.",
            aliases: [
                "disk_percent", "disk_usage_percent", "disk_usage_percentage", "system_disk_usage_percentage",
            ],
            patterns: [#"(system_)?disk_(usage_)?(percent|percentage|pct|utilization)"#],
            mappings: telemetry),
        term(
            .system, "disk.available", "telemetry", "Disk space available", .number, unit: "By",
            "Free space left on the file system (MLflow: megabytes).",
            aliases: [
                "disk_available", "disk_free", "disk_available_megabytes", "system_disk_available_megabytes",
                "disk_usage_free",
            ],
            patterns: [#"(system_)?disk_(usage_)?(available|free)(_(bytes|megabytes|mb|gb))?"#],
            mappings: telemetry),
        term(
            .system, "network.received_bytes", "telemetry", "Network bytes received", .number, unit: "By",
            "Bytes received over the host's network interfaces (MLflow: megabytes).",
            aliases: [
                "net_recv", "bytes_recv", "net_bytes_recv", "network_bytes_recv", "network_receive_megabytes",
                "system_network_receive_megabytes", "rx_bytes", "network_rx_bytes", "network_netio_sum_bytes_recv",
            ],
            patterns: [#"(system_)?(net|network)(_\w+)?_(recv|received|receive|rx)(_(bytes|megabytes|mb))?"#],
            mappings: telemetry),
        term(
            .system, "network.sent_bytes", "telemetry", "Network bytes sent", .number, unit: "By",
            "Bytes sent over the host's network interfaces (MLflow: megabytes).",
            aliases: [
                "net_sent", "bytes_sent", "net_bytes_sent", "network_bytes_sent", "network_transmit_megabytes",
                "system_network_transmit_megabytes", "tx_bytes", "network_tx_bytes", "network_netio_sum_bytes_sent",
            ],
            patterns: [#"(system_)?(net|network)(_\w+)?_(sent|send|transmit|transmitted|tx)(_(bytes|megabytes|mb))?"#],
            mappings: telemetry),
        // Sampled process telemetry.
        term(
            .system, "process.cpu_time", "telemetry", "Process CPU time", .number, unit: "s",
            "CPU time the captured process (and its children, when the key says so) spent in user and system mode.",
            aliases: ["cpu_time", "process_cpu_time", "utime", "stime", "cpu_time_s", "cpu_seconds"],
            patterns: [#"(process|proc)_cpu_times?(_(user|system|total|children_user|children_system|s|seconds))?"#],
            mappings: telemetry),
        term(
            .system, "process.rss", "telemetry", "Resident set size", .number, unit: "By",
            "Physical memory held by the captured process; its high-water mark when the key says peak or max "
                + "(`VmHWM`, `ru_maxrss`).",
            aliases: [
                "rss", "process_rss", "memory_rss", "rss_bytes", "vm_rss", "vmrss", "process_memory_rss", "peak_rss",
                "max_rss", "maxrss", "ru_maxrss", "vm_hwm", "vmhwm", "hwm", "peak_memory",
            ],
            patterns: [
                #"(process_|proc_)?(memory_)?(vm_)?rss(_(bytes|megabytes|mb))?"#,
                #"(process_|proc_)?(peak|max)_(rss|memory|mem)(_(bytes|megabytes|mb))?"#,
            ],
            mappings: telemetry),
        term(
            .system, "process.threads", "telemetry", "Process threads", .integer,
            "Number of threads of the captured process.",
            aliases: ["num_threads", "threads", "thread_count", "process_threads", "process_num_threads"],
            mappings: telemetry),
        term(
            .system, "process.read_bytes", "telemetry", "Process bytes read", .number, unit: "By",
            "Bytes the captured process caused to be read from storage (`/proc/<pid>/io` `read_bytes`).",
            aliases: ["read_bytes", "io_read_bytes", "process_read_bytes", "process_io_counters_read_bytes"],
            patterns: [#"(process|proc)_(io_)?(counters_)?read_(bytes|chars)"#],
            mappings: telemetry),
        term(
            .system, "process.write_bytes", "telemetry", "Process bytes written", .number, unit: "By",
            "Bytes the captured process caused to be written to storage.",
            aliases: ["write_bytes", "io_write_bytes", "process_write_bytes", "process_io_counters_write_bytes"],
            patterns: [#"(process|proc)_(io_)?(counters_)?write_(bytes|chars)"#],
            mappings: telemetry),
        term(
            .system, "process.context_switches", "telemetry", "Context switches", .integer,
            "Voluntary and involuntary context switches of the captured process.",
            aliases: [
                "ctx_switches", "context_switches", "num_ctx_switches", "voluntary_ctxt_switches",
                "nonvoluntary_ctxt_switches",
            ],
            patterns: [
                #"(process_|proc_)?(num_)?(non)?(voluntary_)?(ctx|ctxt|context)_switch(es)?(_(in)?voluntary)?"#
            ],
            mappings: telemetry),
        term(
            .system, "process.count", "telemetry", "Processes", .integer,
            "Number of processes in the captured process tree at the time of the sample.",
            aliases: ["process_count", "num_processes_in_tree", "process_tree_size"],
            mappings: telemetry),
        term(
            .system, "cpu.load_average", "telemetry", "Load average", .number,
            "Run-queue length of the host averaged over one minute (`/proc/loadavg`); five- and fifteen-minute "
                + "averages when the key says so.",
            aliases: ["load_average", "loadavg", "load1", "load_avg"],
            patterns: [#"load_?(average|avg)_(1|5|15)m?"#],
            mappings: telemetry),
        term(
            .system, "gpu.memory_utilization", "telemetry", "GPU memory-bus utilization", .number, unit: "%",
            "Share of time the GPU's memory was being read or written over the sampling interval (NVML "
                + "`utilization.memory`); not the share of memory allocated.",
            aliases: ["gpu_memory_utilization", "utilization_memory"],
            patterns: [#"gpu_?\d+_memory_utilization(_percent(age)?)?"#],
            mappings: telemetry),
        term(
            .system, "gpu.power_limit", "hardware", "GPU power limit", .number, unit: "W",
            "The power cap the GPU enforces (`power.limit`).",
            aliases: ["gpu_power_limit", "power_limit"],
            patterns: [#"gpu_?\d+_power_limit(_watts)?"#],
            mappings: hostInfo),
        // Sampled GPU telemetry.
        term(
            .system, "gpu.utilization", "telemetry", "GPU utilization", .number, unit: "%",
            "Share of time one or more kernels ran on the GPU over the sampling interval (NVML `utilization.gpu`). "
                + "Per-device keys carry the index, such as `gpu_0_util`.",
            aliases: [
                "gpu_utilization", "gpu_util", "gpu_percent", "gpu_usage", "utilization_gpu", "gpu_busy_percent",
            ],
            patterns: [#"(system_)?gpu(_?\d+)?_(util|utilization|usage|percent|busy)(_(percent|percentage|pct))?"#],
            mappings: telemetry),
        term(
            .system, "gpu.memory_used", "telemetry", "GPU memory used", .number, unit: "By",
            "Device memory in use on the GPU (NVML `memory.used`; MLflow reports megabytes).",
            aliases: ["gpu_memory_used", "gpu_mem_used", "gpu_memory_usage", "memory_used_gpu"],
            patterns: [
                #"(system_)?gpu(_?\d+)?_(memory|mem)_(used|usage)(_(bytes|megabytes|mb|mib))?"#,
                #"(gpu_)?gpu_?\d+_used"#,
            ],
            mappings: telemetry),
        term(
            .system, "gpu.memory_percent", "telemetry", "GPU memory utilization", .number, unit: "%",
            "Share of the GPU's device memory in use (not NVML's `utilization.memory`, which is memory-bus activity: "
                + "see `system.gpu.memory_utilization`).",
            aliases: ["gpu_memory_percent", "gpu_mem_percent"],
            patterns: [#"(system_)?gpu(_?\d+)?_(memory|mem)_(usage_)?(percent|percentage|pct)"#],
            mappings: telemetry),
        term(
            .system, "gpu.power", "telemetry", "GPU power draw", .number, unit: "W",
            "Electrical power the GPU draws (NVML reports milliwatts; ProvKit stores watts).",
            aliases: ["gpu_power", "power_draw", "gpu_power_draw", "gpu_power_watts", "gpu_power_usage_watts"],
            patterns: [#"(system_)?gpu(_?\d+)?_power(_(usage|draw))?(_(watts|w))?"#],
            mappings: telemetry),
        term(
            .system, "gpu.power_percent", "telemetry", "GPU power relative to limit", .number, unit: "%",
            "GPU power draw as a share of its enforced power limit (MLflow `system/gpu_N_power_usage_percentage`).",
            aliases: ["gpu_power_percent", "gpu_power_usage_percentage"],
            patterns: [#"(system_)?gpu(_?\d+)?_power_(usage_)?(percent|percentage|pct)"#],
            mappings: telemetry),
        term(
            .system, "gpu.energy", "telemetry", "GPU energy", .number, unit: "J",
            "Energy the GPU consumed (NVML `nvmlDeviceGetTotalEnergyConsumption`, millijoules converted to joules).",
            aliases: ["gpu_energy", "gpu_energy_joules", "gpu_energy_consumption", "total_energy_consumption"],
            patterns: [#"(system_)?gpu(_?\d+)?_(total_)?energy(_(joules|j|consumption|consumed))?"#],
            mappings: telemetry),
        term(
            .system, "gpu.temperature", "telemetry", "GPU temperature", .number, unit: "Cel",
            "Temperature of the GPU die.",
            aliases: ["gpu_temp", "gpu_temperature", "temperature_gpu", "gpu_temperature_celsius"],
            patterns: [#"(system_)?gpu(_?\d+)?_(temp|temperature)(_(c|celsius|gpu))?"#],
            mappings: telemetry),
        term(
            .system, "gpu.clock", "telemetry", "GPU clock", .number, unit: "MHz",
            "Current clock of the GPU's streaming multiprocessors (graphics clock) or, when the key says memory, of "
                + "its device memory.",
            aliases: [
                "gpu_clock", "clocks_sm", "clocks_current_sm", "sm_clock", "gpu_sm_clock", "clocks_gr", "clocks_mem",
                "clocks_current_memory", "memory_clock", "gpu_memory_clock", "gpu_mem_clock",
            ],
            patterns: [
                #"(system_)?gpu(_?\d+)?_(sm_|graphics_)?clocks?(_(sm|graphics|gr))?(_mhz)?"#,
                #"(system_)?gpu(_?\d+)?_(mem|memory)_clocks?(_mhz)?"#,
            ],
            mappings: telemetry),
        // Energy.
        term(
            .system, "energy.cpu", "telemetry", "CPU energy", .number, unit: "J",
            "Energy the CPU packages consumed, from RAPL (`/sys/class/powercap/intel-rapl:*/energy_uj`, microjoules "
                + "converted to joules). Often absent on virtual machines.",
            aliases: [
                "cpu_energy", "rapl_energy", "package_energy", "cpu_energy_joules", "energy_uj", "rapl_energy_uj",
            ],
            patterns: [
                #"(intel_)?(cpu|package|pkg|rapl)(_\d+)?(_\w+)?_energy(_(joules|j|uj))?"#,
                #"intel_rapl(_\d+)+.*"#,
            ],
            mappings: telemetry),
        term(
            .system, "energy.co2e", "telemetry", "CO2-equivalent emissions", .number, unit: "kg",
            "Estimated greenhouse-gas emissions of the run's energy use, in kilograms of CO2 equivalent.",
            aliases: ["co2e", "co2_emissions", "co2e_emissions", "emissions", "carbon_emissions", "co2_eq_emissions"],
            mappings: telemetry + [fair4ml("hasCO2eEmissions")]),
        // Static hardware inventory.
        term(
            .system, "cpu.model", "hardware", "CPU model", .string,
            "Model name of the host CPU (`/proc/cpuinfo` `model name`).",
            aliases: ["cpu_model", "cpu_brand", "cpu_name", "cpu_type", "processor", "cpu_model_name", "brand_raw"],
            mappings: hostInfo + [schema("processorRequirements")]),
        term(
            .system, "cpu.logical_cores", "hardware", "Logical CPU count", .integer,
            "Logical CPUs (hardware threads) the host has.",
            aliases: [
                "cpu_count", "logical_cores", "cpu_count_logical", "num_cpus", "ncpus", "n_cpus", "nproc", "cpus",
            ],
            mappings: hostInfo),
        term(
            .system, "cpu.physical_cores", "hardware", "Physical CPU count", .integer,
            "Physical CPU cores the host has.",
            aliases: ["physical_cores", "cpu_count_physical", "cpu_cores", "num_cores", "cores"],
            mappings: hostInfo),
        term(
            .system, "memory.total", "hardware", "Host memory total", .number, unit: "By",
            "Physical memory installed in the host (`/proc/meminfo` `MemTotal`).",
            aliases: [
                "memory_total", "total_memory", "mem_total", "memtotal", "ram_total", "total_ram",
                "memory_virtual_total",
            ],
            patterns: [#"(system_)*(memory|mem|ram)(_virtual)?_total(_(bytes|megabytes|mb|gb|gib))?"#],
            mappings: hostInfo + [schema("memoryRequirements")]),
        term(
            .system, "gpu.name", "hardware", "GPU name", .string,
            "Product name of a GPU (`NVIDIA H100 80GB HBM3`).",
            aliases: ["gpu_name", "gpu_model", "gpu_type", "gpu_product_name", "gpu_names"],
            patterns: [#"gpu(_?\d+)?_(name|model|product_name)"#],
            mappings: hostInfo),
        term(
            .system, "gpu.driver_version", "hardware", "GPU driver version", .string,
            "Version of the GPU kernel driver.",
            aliases: ["driver_version", "gpu_driver", "gpu_driver_version", "nvidia_driver_version"],
            mappings: hostInfo),
        term(
            .system, "gpu.uuid", "hardware", "GPU identifier", .string,
            "Stable identifier of a GPU device: its UUID or, failing that, its PCI bus address.",
            aliases: ["gpu_uuid", "gpu_uuids", "pci_bus_id", "gpu_pci_bus_id"],
            patterns: [#"gpu(_?\d+)?_(uuid|pci(_bus)?_id)"#],
            mappings: hostInfo),
        term(
            .system, "gpu.memory_total", "hardware", "GPU memory total", .number, unit: "By",
            "Device memory of a GPU.",
            aliases: ["gpu_memory_total", "gpu_mem_total", "gpu_total_memory", "memory_total_gpu"],
            patterns: [#"(system_)?gpu(_?\d+)?_(memory|mem)_total(_(bytes|megabytes|mb|mib))?"#],
            mappings: hostInfo),
        term(
            .system, "gpu.count", "hardware", "GPU count", .integer,
            "Number of GPUs visible to the run.",
            aliases: ["gpu_count", "num_gpus", "n_gpus", "ngpus", "gpus", "gpu_num", "num_gpu", "n_gpu"],
            mappings: hostInfo),
        term(
            .system, "gpu.in_use", "hardware", "Trained on GPU", .boolean,
            "Whether the run computed on a GPU (RCLJT22 `train_GPU`).",
            aliases: ["train_gpu", "use_gpu", "use_cuda", "gpu_enabled", "on_gpu", "cuda_enabled", "using_gpu"],
            mappings: hostInfo),
        term(
            .system, "accelerator.device", "hardware", "Compute device", .string,
            "The device a framework computed on (`cuda:0`, `cpu`, `mps`).",
            aliases: ["device", "device_type", "accelerator", "compute_device", "torch_device"],
            mappings: hostInfo),
        // Infrastructure.
        term(
            .system, "host.name", "infrastructure", "Host name", .string,
            "Network name of the machine the run executed on.",
            aliases: ["hostname", "host", "host_name", "node", "nodename", "node_name", "machine_name"],
            mappings: hostInfo + [schema("name")]),
        term(
            .system, "os.name", "infrastructure", "Operating system", .string,
            "Name of the operating system (`Linux`, `Darwin`), or its distribution and version (`Ubuntu 22.04`).",
            aliases: [
                "os", "os_name", "platform_system", "operating_system", "system_os", "distro", "distribution",
                "os_version", "os_release", "platform_version", "distro_version",
            ],
            mappings: hostInfo + [schema("operatingSystem")]),
        term(
            .system, "os.kernel", "infrastructure", "Kernel release", .string,
            "Release of the operating-system kernel (`uname -r`).",
            aliases: ["kernel_version", "kernel_release", "uname_release", "platform_release"],
            mappings: hostInfo),
        term(
            .system, "cgroup.cpu_limit", "infrastructure", "CPU limit", .number,
            "CPUs the run's control group may use (cgroup `cpu.max` quota divided by period).",
            aliases: ["cpu_limit", "cpu_max", "cgroup_cpu_max", "cgroup_cpu_limit", "cpu_quota", "cpus_allowed"],
            mappings: hostInfo),
        term(
            .system, "cgroup.memory_limit", "infrastructure", "Memory limit", .number, unit: "By",
            "Memory the run's control group may use (cgroup `memory.max`).",
            aliases: ["memory_limit", "memory_max", "cgroup_memory_max", "cgroup_memory_limit", "mem_limit"],
            mappings: hostInfo),
        term(
            .system, "scheduler.job_id", "infrastructure", "Scheduler job id", .string,
            "Identifier of the batch-scheduler job the run belongs to (`SLURM_JOB_ID`, `PBS_JOBID`, `LSB_JOBID`).",
            aliases: [
                "slurm_job_id", "slurm_jobid", "pbs_jobid", "pbs_job_id", "lsb_jobid", "cobalt_jobid", "flux_job_id",
                "job_id", "jobid",
            ],
            mappings: [provAgent("SchedulingData"), prov("Entity")]),
        term(
            .system, "scheduler.variable", "infrastructure", "Scheduler variable", .string,
            "Any other variable a batch scheduler sets for the job (`SLURM_*`, `PBS_*`, `LSB_*`).",
            patterns: [#"(slurm|pbs|lsb|cobalt|flux)_.+"#],
            mappings: [provAgent("SchedulingData"), prov("Entity")]),
    ]

    // MARK: - Platform

    static let platformTerms: [TaxonomyTerm] = [
        term(
            .platform, "workflow.manager", "workflow", "Workflow manager", .string,
            "The workflow management system that ran the work (Parsl, Dask, Nextflow, Airflow, ProvKit SDK).",
            aliases: ["workflow_manager", "wms", "workflow_engine", "workflow_system", "orchestrator", "executor"],
            mappings: softwareAgent),
        term(
            .platform, "workflow.definition", "workflow", "Workflow definition", .string,
            "The workflow definition or script followed, usually by name or content hash (a `prov:Plan`).",
            aliases: [
                "workflow_name", "workflow", "pipeline", "pipeline_name", "dag_id", "workflow_hash",
                "workflow_definition_hash", "plan",
            ],
            mappings: [prov("Plan"), mls("Implementation")]),
        term(
            .platform, "framework.name", "framework", "ML framework", .string,
            "The machine-learning framework that trained the model (PyTorch, TensorFlow, JAX, scikit-learn).",
            aliases: ["framework", "ml_framework", "backend", "dl_framework", "library", "flavor"],
            mappings: softwareAgent + [mls("Implementation")]),
        term(
            .platform, "framework.version", "framework", "ML framework version", .string,
            "Version of the machine-learning framework (`torch_version`, `tensorflow_version`, ...).",
            aliases: ["framework_version", "ml_framework_version"],
            patterns: [
                #"(torch|pytorch|tensorflow|tf|jax|jaxlib|keras|sklearn|scikit_learn|xgboost|lightgbm)_version"#,
                #"(transformers|mxnet|paddle|onnx|onnxruntime)_version"#,
            ],
            mappings: softwareAgent + [schema("softwareVersion")]),
        term(
            .platform, "language.python_version", "environment", "Python version", .string,
            "Version of the Python interpreter (`3.11.7`).",
            aliases: ["python_version", "python", "py_version", "pythonversion", "python_implementation_version"],
            mappings: softwareAgent + [schema("runtimePlatform")]),
        term(
            .platform, "language.swift_version", "environment", "Swift version", .string,
            "Version of the Swift toolchain that built the captured program.",
            aliases: ["swift_version", "swift", "swift_compiler_version"],
            mappings: softwareAgent + [schema("runtimePlatform")]),
        term(
            .platform, "environment.packages", "environment", "Installed packages", .list,
            "The installed packages and their versions (`pip list --format=json`, `conda list`).",
            aliases: [
                "packages", "pip_packages", "installed_packages", "requirements", "pip_freeze", "conda_packages",
                "dependencies",
            ],
            mappings: [schema("softwareRequirements"), prov("Entity")]),
        term(
            .platform, "environment.variables", "environment", "Environment variables", .object,
            "Allow-listed environment variables of the captured process (secrets are redacted at capture).",
            aliases: ["env", "environment", "environment_variables", "env_vars", "environ"],
            mappings: [prov("Entity")]),
        term(
            .platform, "source.git_commit", "source_control", "Git commit", .string,
            "Commit hash of the source code that ran.",
            aliases: [
                "git_commit", "commit", "git_sha", "commit_hash", "commit_sha", "git_revision", "git_rev", "revision",
                "mlflow_source_git_commit",
            ],
            patterns: [#"(.+_)?git_(commit|sha|hash|rev|revision)(_(hash|id))?"#],
            mappings: [prov("Entity"), schema("version")]),
        term(
            .platform, "source.git_branch", "source_control", "Git branch", .string,
            "Branch the source code was checked out from.",
            aliases: ["git_branch", "branch", "mlflow_source_git_branch"],
            patterns: [#"(.+_)?git_branch"#],
            mappings: [prov("Entity")]),
        term(
            .platform, "source.git_dirty", "source_control", "Uncommitted changes", .boolean,
            "Whether the working tree had uncommitted changes (`git status --porcelain` not empty).",
            aliases: ["git_dirty", "dirty", "git_is_dirty", "is_dirty", "uncommitted_changes"],
            mappings: [prov("Entity")]),
        term(
            .platform, "source.git_remote", "source_control", "Git remote", .string,
            "URL of the repository the source code came from.",
            aliases: [
                "git_remote", "git_url", "git_repo", "git_repo_url", "repository", "repo_url", "remote_url",
                "mlflow_source_git_repo_url",
            ],
            patterns: [#"(.+_)?git_(remote|repo|repository)(_url)?"#],
            mappings: [schema("codeRepository")]),
        term(
            .platform, "source.entry_point", "source_control", "Entry point", .string,
            "The script or command that started the run (`mlflow.source.name`, the wrapped command line).",
            aliases: [
                "entry_point", "entrypoint", "script", "script_name", "command", "command_line", "cmd_line", "argv",
                "mlflow_source_name", "source_name", "executable",
            ],
            mappings: [prov("Plan"), schema("SoftwareSourceCode")]),
        term(
            .platform, "container.image", "container", "Container image", .string,
            "Container image the run executed in, by reference and, when known, digest.",
            aliases: [
                "container_image", "docker_image", "image", "image_name", "singularity_image", "apptainer_image",
                "container_digest", "image_digest",
            ],
            mappings: [prov("Entity"), schema("SoftwareApplication")]),
        term(
            .platform, "container.runtime", "container", "Container runtime", .string,
            "The container runtime the run executed under (`docker`, `podman`, `kubernetes`, `apptainer`), as "
                + "detected from `/.dockerenv`, `/run/.containerenv`, cgroup names or the environment.",
            aliases: ["container", "container_runtime", "containerized", "in_container"],
            mappings: [schema("SoftwareApplication")]),
        term(
            .platform, "capture.tool", "capture", "Capture tool", .string,
            "The provenance capture tool and its version (ProvKit, MLflow, Flowcept).",
            aliases: [
                "capture_tool", "capture_tool_version", "provkit_version", "mlflow_version", "flowcept_version",
                "tracker", "tracking_tool",
            ],
            mappings: softwareAgent),
        term(
            .platform, "cuda.version", "framework", "CUDA version", .string,
            "Version of the CUDA runtime the framework used.",
            aliases: ["cuda_version", "cuda", "cuda_runtime_version", "torch_version_cuda", "nvcc_version"],
            mappings: softwareAgent + [schema("softwareVersion")]),
        term(
            .platform, "cuda.cudnn_version", "framework", "cuDNN version", .string,
            "Version of the cuDNN library the framework used.",
            aliases: ["cudnn_version", "cudnn", "torch_backends_cudnn_version"],
            mappings: softwareAgent + [schema("softwareVersion")]),
        term(
            .platform, "determinism.deterministic_algorithms", "determinism", "Deterministic algorithms", .boolean,
            "Whether the framework was told to use only deterministic algorithms "
                + "(`torch.use_deterministic_algorithms`; RCLJT22 `torch_set_deterministic`). Without it a fixed seed "
                + "does not give a bit-identical rerun.",
            aliases: [
                "torch_set_deterministic", "use_deterministic_algorithms", "torch_use_deterministic_algorithms",
                "deterministic", "deterministic_algorithms", "tf_deterministic_ops", "enable_op_determinism",
            ],
            mappings: [prov("Entity")]),
        term(
            .platform, "determinism.cudnn_deterministic", "determinism", "cuDNN deterministic", .boolean,
            "Whether cuDNN was restricted to deterministic convolution algorithms.",
            aliases: ["cudnn_deterministic", "torch_backends_cudnn_deterministic", "backends_cudnn_deterministic"],
            mappings: [prov("Entity")]),
        term(
            .platform, "determinism.python_hash_seed", "determinism", "Python hash seed", .string,
            "Value of `PYTHONHASHSEED`, which fixes the order of hashing in Python.",
            aliases: ["pythonhashseed", "python_hash_seed"],
            mappings: [prov("Entity")]),
        term(
            .platform, "determinism.library_seed", "determinism", "Library seed", .integer,
            "A seed given to one library's random generator (NumPy, PyTorch, CUDA, TensorFlow, Python `random`), "
                + "as opposed to the run's main seed.",
            aliases: [
                "numpy_seed", "np_seed", "torch_seed", "cuda_seed", "tf_seed", "python_seed", "torch_manual_seed",
            ],
            patterns: [#"(numpy|np|torch|cuda|tf|tensorflow|jax|python|py_random)_(manual_)?seed"#],
            mappings: [prov("Entity")]),
        term(
            .platform, "distributed.world_size", "distributed", "World size", .integer,
            "Number of processes that took part in distributed training.",
            aliases: ["world_size", "num_processes", "n_ranks", "num_ranks", "nprocs", "mpi_size"],
            mappings: [prov("Entity")]),
        term(
            .platform, "agent.user", "agent", "User", .string,
            "The person on whose behalf the run executed.",
            aliases: ["user", "username", "user_name", "user_id", "mlflow_user", "owner", "author"],
            mappings: [prov("Person"), prov("Agent")]),
    ]

    // MARK: - Model

    static let modelTerms: [TaxonomyTerm] =
        modelHyperparameterTerms + modelArchitectureTerms
        + modelPerformanceTerms + modelBehaviourTerms

    static let modelHyperparameterTerms: [TaxonomyTerm] = [
        term(
            .model, "hyperparameter.learning_rate", "hyperparameter", "Learning rate", .number,
            "Step size of the optimizer (the initial value when a schedule changes it).",
            aliases: ["lr", "learning_rate", "learningrate", "eta", "base_lr", "initial_lr", "init_lr", "lr0"],
            patterns: [#"(.+_)?(lr|learning_rate|learningrate)"#],
            mappings: hyperParameter),
        term(
            .model, "hyperparameter.batch_size", "hyperparameter", "Batch size", .integer,
            "Number of examples per optimizer step (per device, unless the key says global).",
            aliases: [
                "batch_size", "batch", "bs", "batchsize", "mini_batch_size", "minibatch_size", "train_batch_size",
                "per_device_train_batch_size",
            ],
            patterns: [#"(.+_)?(mini_?)?batch_?size"#],
            mappings: hyperParameter),
        term(
            .model, "hyperparameter.epochs", "hyperparameter", "Epochs", .integer,
            "Number of passes over the training data the run was configured for.",
            aliases: [
                "epochs", "num_epochs", "n_epochs", "max_epochs", "nb_epoch", "nb_epochs", "num_train_epochs",
                "total_epochs",
            ],
            mappings: hyperParameter),
        term(
            .model, "hyperparameter.optimizer", "hyperparameter", "Optimizer", .string,
            "The optimization algorithm (`SGD`, `Adam`, `AdamW`).",
            aliases: ["optimizer", "optim", "optimiser", "optimizer_name", "optimizer_type", "opt", "solver"],
            mappings: hyperParameter + [mls("Algorithm")]),
        term(
            .model, "hyperparameter.momentum", "hyperparameter", "Momentum", .number,
            "Momentum factor of the optimizer.",
            aliases: ["momentum", "sgd_momentum", "optimizer_momentum"],
            mappings: hyperParameter),
        term(
            .model, "hyperparameter.dampening", "hyperparameter", "Dampening", .number,
            "Dampening of the momentum (PyTorch SGD).",
            aliases: ["dampening", "momentum_dampening"],
            mappings: hyperParameter),
        term(
            .model, "hyperparameter.weight_decay", "hyperparameter", "Weight decay", .number,
            "L2 penalty or decoupled weight decay applied by the optimizer.",
            aliases: ["weight_decay", "wd", "l2", "l2_reg", "l2_regularization", "l2_penalty", "decay"],
            patterns: [#"(.+_)?weight_decay"#],
            mappings: hyperParameter),
        term(
            .model, "hyperparameter.dropout_rate", "hyperparameter", "Dropout rate", .number, unit: "1",
            "Probability of zeroing an activation in dropout layers (for RCLJT22, after the convolution stack).",
            aliases: [
                "dropout_rate", "dropout", "drop_rate", "dropout_prob", "dropout_p", "p_dropout", "conv_dropout_rate",
            ],
            mappings: hyperParameter),
        term(
            .model, "hyperparameter.seed", "hyperparameter", "Random seed", .integer,
            "The run's main random seed.",
            aliases: ["seed", "random_seed", "rng_seed", "random_state", "manual_seed", "global_seed"],
            mappings: hyperParameter),
        term(
            .model, "hyperparameter.loss_function", "hyperparameter", "Loss criterion", .string,
            "The loss function minimised in training (`CrossEntropyLoss`, `MSELoss`).",
            aliases: ["loss_fn", "criterion", "loss_function", "loss_func", "loss_type", "loss_name", "objective"],
            patterns: [#"(.+_)?loss_(fn|func|function|type|name)"#],
            mappings: hyperParameter),
        term(
            .model, "hyperparameter.lr_schedule", "hyperparameter", "Learning-rate schedule", .string,
            "How the learning rate changes over training (`StepLR`, `cosine`, `OneCycleLR`) and its decay settings "
                + "(factor, step size).",
            aliases: [
                "lr_scheduler", "lr_schedule", "scheduler", "lr_policy", "schedule", "lr_scheduler_type", "lr_decay",
                "lr_decay_rate", "decay_rate", "lr_gamma", "lr_factor", "lr_step_size", "lr_decay_steps",
                "learning_rate_decay",
            ],
            patterns: [#"(.+_)?lr_sched(ule|uler)?(_(name|type))?"#],
            mappings: hyperParameter),
        term(
            .model, "hyperparameter.warmup", "hyperparameter", "Warm-up", .number,
            "Length of the learning-rate warm-up, in steps, epochs or as a ratio (the key says which).",
            aliases: ["warmup", "warmup_steps", "warmup_epochs", "warmup_ratio", "num_warmup_steps", "lr_warmup"],
            patterns: [#"(.+_)?warm_?up(_.+)?"#],
            mappings: hyperParameter),
        term(
            .model, "hyperparameter.gradient_clipping", "hyperparameter", "Gradient clipping", .number,
            "Threshold for clipping gradients by norm or value.",
            aliases: [
                "grad_clip", "gradient_clipping", "clip_grad_norm", "max_grad_norm", "clip_norm", "grad_norm_clip",
                "gradient_clip_val", "clip_value",
            ],
            patterns: [#"(.+_)?(grad|gradient)_(clip|clipping)(_.+)?"#, #"clip_grad(_.+)?"#],
            mappings: hyperParameter),
        term(
            .model, "hyperparameter.precision", "hyperparameter", "Numeric precision", .string,
            "Floating-point precision of training (`fp32`, `fp16`, `bf16`, mixed). A bare `precision` key is "
                + "classified as the evaluation measure.",
            aliases: [
                "mixed_precision", "numeric_precision", "numerical_precision", "training_precision", "dtype",
                "torch_dtype", "compute_dtype", "amp", "fp16", "bf16", "use_amp",
            ],
            patterns: [#"(mixed|numeric|numerical|training|compute|float|amp)_precision"#],
            mappings: hyperParameter),
    ]

    static let modelArchitectureTerms: [TaxonomyTerm] = [
        term(
            .model, "architecture.family", "architecture", "Architecture", .string,
            "The named architecture or model family (`resnet18`, `cnn`, `transformer`), or the identifier of one "
                + "generated network (A4NN `arch` is the network's index in the search, PENGUIN `modelID` its id).",
            aliases: [
                "architecture", "arch", "model_architecture", "model_type", "model_family", "backbone", "network",
                "net", "model_category", "model_name", "model_id", "modelid", "network_id", "checkpoint_name",
                "registered_model_name",
            ],
            mappings: modelCharacteristic + [fair4ml("modelCategory")]),
        term(
            .model, "architecture.num_layers", "architecture", "Number of layers", .integer,
            "Total number of layers (or blocks) of the network.",
            aliases: ["num_layers", "n_layers", "nlayers", "layers", "depth", "number_of_layers", "num_hidden_layers"],
            mappings: modelCharacteristic),
        term(
            .model, "architecture.num_conv_layers", "architecture", "Number of convolutional layers", .integer,
            "Number of convolutional layers.",
            aliases: ["num_conv_layers", "n_conv_layers", "conv_layers", "numconvlayers", "number_of_conv_layers"],
            mappings: modelCharacteristic),
        term(
            .model, "architecture.num_fc_layers", "architecture", "Number of fully connected layers", .integer,
            "Number of fully connected (dense) layers.",
            aliases: ["num_fc_layers", "n_fc_layers", "fc_layers", "num_dense_layers", "num_linear_layers"],
            mappings: modelCharacteristic),
        term(
            .model, "architecture.layer_types", "architecture", "Layer types", .list,
            "Per-layer type codes in order. RCLJT22 `layer_types`: one integer per convolutional layer, inferred bit "
                + "mask 2 = followed by pooling, 4 = followed by dropout.",
            aliases: ["layer_types", "layers_types", "layer_type", "layer_sequence"],
            mappings: modelCharacteristic),
        term(
            .model, "architecture.conv_kernels", "architecture", "Convolution kernel sizes", .list,
            "Kernel size of each convolutional layer, in order.",
            aliases: [
                "conv_kernels", "conv_kernel_sizes", "conv_kernel_size", "kernel_size", "kernel_sizes", "kernels",
            ],
            mappings: modelCharacteristic),
        term(
            .model, "architecture.conv_strides", "architecture", "Convolution strides", .list,
            "Stride of each convolutional layer, in order.",
            aliases: ["conv_strides", "conv_stride", "strides", "stride"],
            mappings: modelCharacteristic),
        term(
            .model, "architecture.conv_paddings", "architecture", "Convolution paddings", .list,
            "Padding of each convolutional layer, in order.",
            aliases: ["conv_paddings", "conv_padding", "paddings", "padding", "pads"],
            mappings: modelCharacteristic),
        term(
            .model, "architecture.conv_filters", "architecture", "Convolution filters", .list,
            "Number of filters (output channels) of each convolutional layer, in order.",
            aliases: [
                "conv_filters", "filters", "num_filters", "n_filters", "conv_channels", "out_channels", "channels",
            ],
            mappings: modelCharacteristic),
        term(
            .model, "architecture.pool_kernels", "architecture", "Pooling kernel sizes", .list,
            "Kernel size of each pooling layer, in order.",
            aliases: [
                "pool_kernels", "pool_kernel", "pool_kernel_size", "pool_kernel_sizes", "pool_size", "pool_sizes",
            ],
            mappings: modelCharacteristic),
        term(
            .model, "architecture.pool_strides", "architecture", "Pooling strides", .list,
            "Stride of each pooling layer, in order.",
            aliases: ["pool_strides", "pool_stride"],
            mappings: modelCharacteristic),
        term(
            .model, "architecture.pool_paddings", "architecture", "Pooling paddings", .list,
            "Padding of each pooling layer, in order.",
            aliases: ["pool_paddings", "pool_padding"],
            mappings: modelCharacteristic),
        term(
            .model, "architecture.fc_units", "architecture", "Fully connected units", .list,
            "Width of each fully connected layer, in order (RCLJT22 `FCFilters`: the last is the number of classes).",
            aliases: [
                "fcfilters", "fc_filters", "fc_units", "fc_sizes", "hidden_units", "hidden_size", "hidden_sizes",
                "hidden_dims", "hidden_layer_sizes", "units", "dense_units",
            ],
            mappings: modelCharacteristic),
        term(
            .model, "architecture.fc_dropout_rate", "architecture", "Fully connected dropout rate", .number, unit: "1",
            "Dropout probability applied between fully connected layers.",
            aliases: ["fc_dropout_rate", "fc_dropout", "classifier_dropout", "dense_dropout"],
            mappings: modelCharacteristic),
        term(
            .model, "architecture.fc_dropout_layers", "architecture", "Fully connected dropout layers", .list,
            "For each hidden fully connected layer, whether dropout follows it (0 or 1; RCLJT22 `FC_dropout_layers`).",
            aliases: ["fc_dropout_layers", "fc_dropout_mask"],
            mappings: modelCharacteristic),
        term(
            .model, "architecture.activation", "architecture", "Activation function", .string,
            "Non-linearity used between layers (`relu`, `gelu`); not recorded by RCLJT22.",
            aliases: ["activation", "activation_function", "activation_fn", "act", "nonlinearity", "hidden_act"],
            mappings: modelCharacteristic),
        term(
            .model, "architecture.parameter_count", "architecture", "Parameter count", .integer,
            "Number of parameters (weights) of the model.",
            aliases: [
                "params", "num_params", "n_params", "parameters", "parameter_count", "num_parameters", "total_params",
                "trainable_params", "param_count", "nparams",
            ],
            patterns: [#"(total_|trainable_)?(num|n|number_of)_(trainable_)?param(eter)?s"#],
            mappings: modelCharacteristic),
        term(
            .model, "architecture.flops", "architecture", "FLOPs", .number,
            "Floating-point operations of one forward pass, as reported by the producer (A4NN does not state the "
                + "unit).",
            aliases: ["flops", "num_flops", "gflops", "mflops", "macs", "mult_adds", "flop_count"],
            mappings: modelCharacteristic),
        term(
            .model, "architecture.genome", "architecture", "NAS genome", .list,
            "Encoding of the architecture found by neural-architecture search (A4NN: NSGA-Net per-phase bit lists).",
            aliases: ["genome", "nas_genome", "genotype", "architecture_encoding", "arch_encoding"],
            mappings: modelCharacteristic),
        term(
            .model, "artifact.digest", "artifact", "Model digest", .string,
            "Content hash of the saved model or checkpoint (`sha256:…`).",
            aliases: [
                "model_sha256", "model_hash", "model_digest", "checkpoint_sha256", "checkpoint_hash",
                "checkpoint_digest",
            ],
            mappings: [mls("Model"), fair4ml("MLModel"), prov("Entity")]),
    ]

    static let modelPerformanceTerms: [TaxonomyTerm] = [
        term(
            .model, "performance.best_validation_accuracy", "performance", "Best validation accuracy", .number,
            unit: "1",
            "Highest validation accuracy reached during training (PENGUIN `maxAcc`).",
            aliases: [
                "max_acc", "best_acc", "best_accuracy", "max_accuracy", "best_val_acc", "max_val_acc",
                "best_val_accuracy", "max_val_accuracy", "peak_acc",
            ],
            patterns: [#"(best|max|peak)_(val_|valid_|validation_)?acc(uracy)?"#],
            mappings: evaluationMeasure),
        term(
            .model, "performance.validation_accuracy", "performance", "Validation accuracy", .number, unit: "1",
            "Accuracy on the validation set, as a fraction (percent values such as RCLJT22 `valAcc` are converted on "
                + "import).",
            aliases: [
                "val_acc", "valacc", "val_accuracy", "val_accs", "validation_accuracy", "valid_acc", "valid_accuracy",
                "eval_acc", "eval_accuracy", "dev_acc", "dev_accuracy", "actual_acc",
            ],
            patterns: [
                #"(.+_)?(val|valid|validation|eval|dev)_(top_?1_)?acc(uracy|uracies|s)?"#
                    + #"(_(mean|avg|epoch|step|percent|pct))?"#
            ],
            mappings: evaluationMeasure),
        term(
            .model, "performance.training_accuracy", "performance", "Training accuracy", .number, unit: "1",
            "Accuracy on the training data, as a fraction. A bare `accuracy` or `acc` follows Keras and means training "
                + "accuracy.",
            aliases: ["train_acc", "train_accs", "train_accuracy", "training_accuracy", "trainacc", "accuracy", "acc"],
            patterns: [
                #"(.+_)?(train|training|trn)_(top_?1_)?acc(uracy|uracies|s)?"#
                    + #"(_(mean|avg|epoch|step|percent|pct))?"#
            ],
            mappings: evaluationMeasure),
        term(
            .model, "performance.test_accuracy", "performance", "Test accuracy", .number, unit: "1",
            "Accuracy on the held-out test set, as a fraction.",
            aliases: ["test_acc", "test_accs", "test_accuracy", "testacc"],
            patterns: [#"(.+_)?test_(top_?1_)?acc(uracy|uracies|s)?(_(mean|avg|percent|pct))?"#],
            mappings: evaluationMeasure),
        term(
            .model, "performance.validation_loss", "performance", "Validation loss", .number, unit: "nat",
            "Mean loss on the validation set (nats for cross-entropy; see the loss criterion).",
            aliases: ["val_loss", "valloss", "val_losses", "validation_loss", "valid_loss", "eval_loss", "dev_loss"],
            patterns: [#"(.+_)?(val|valid|validation|eval|dev)_loss(es)?(_(mean|avg|epoch|step))?"#],
            mappings: evaluationMeasure),
        term(
            .model, "performance.training_loss", "performance", "Training loss", .number, unit: "nat",
            "Mean loss on the training data over the aggregation window (RCLJT22 half-epoch `trainLoss`).",
            aliases: ["train_loss", "trainloss", "train_losses", "training_loss", "loss", "losses"],
            patterns: [#"(.+_)?(train|training|trn)_loss(es)?(_(mean|avg|epoch|step))?"#],
            mappings: evaluationMeasure),
        term(
            .model, "performance.test_loss", "performance", "Test loss", .number, unit: "nat",
            "Mean loss on the held-out test set.",
            aliases: ["test_loss", "testloss", "test_losses"],
            patterns: [#"(.+_)?test_loss(es)?"#],
            mappings: evaluationMeasure),
        term(
            .model, "performance.f1", "performance", "F1 score", .number, unit: "1",
            "Harmonic mean of precision and recall (macro, micro or weighted, as the key says).",
            aliases: ["f1", "f1_score", "f_score", "f1_macro", "macro_f1", "f1_micro", "micro_f1", "f1_weighted"],
            patterns: [#"(.+_)?f1(_score)?(_(macro|micro|weighted|avg|binary))?"#],
            mappings: evaluationMeasure),
        term(
            .model, "performance.precision", "performance", "Precision", .number, unit: "1",
            "Share of positive predictions that are correct.",
            aliases: ["precision", "precision_score", "macro_precision", "micro_precision"],
            patterns: [#"(.+_)?precision(_score)?(_(macro|micro|weighted|avg|binary))?"#],
            mappings: evaluationMeasure),
        term(
            .model, "performance.recall", "performance", "Recall", .number, unit: "1",
            "Share of actual positives that are predicted positive.",
            aliases: ["recall", "recall_score", "sensitivity", "tpr", "true_positive_rate", "macro_recall"],
            patterns: [#"(.+_)?recall(_score)?(_(macro|micro|weighted|avg|binary))?"#],
            mappings: evaluationMeasure),
        term(
            .model, "performance.auc", "performance", "Area under the ROC curve", .number, unit: "1",
            "Area under the receiver operating characteristic curve.",
            aliases: ["auc", "roc_auc", "auroc", "roc_auc_score", "auc_roc"],
            patterns: [#"(.+_)?(auc|auroc|roc_auc)(_(score|macro|micro|weighted|ovr|ovo))?"#],
            mappings: evaluationMeasure),
        term(
            .model, "performance.rmse", "performance", "Root mean squared error", .number,
            "Square root of the mean squared error (in the target's unit).",
            aliases: ["rmse", "root_mean_squared_error"],
            patterns: [#"(.+_)?(rmse|root_mean_squared_error)"#],
            mappings: evaluationMeasure),
        term(
            .model, "performance.mse", "performance", "Mean squared error", .number,
            "Mean of the squared differences between predictions and targets (in the target's unit squared).",
            aliases: ["mse", "mean_squared_error"],
            patterns: [#"(.+_)?(mse|mean_squared_error)"#],
            mappings: evaluationMeasure),
        term(
            .model, "performance.mae", "performance", "Mean absolute error", .number,
            "Mean of the absolute differences between predictions and targets (in the target's unit).",
            aliases: ["mae", "mean_absolute_error"],
            patterns: [#"(.+_)?(mae|mean_absolute_error)"#],
            mappings: evaluationMeasure),
        term(
            .model, "performance.r2", "performance", "Coefficient of determination", .number, unit: "1",
            "Share of the target's variance that the model explains (R²).",
            aliases: ["r2", "r2_score", "r_squared", "rsquared", "coefficient_of_determination"],
            patterns: [#"(.+_)?(r2|r_squared)(_score)?"#],
            mappings: evaluationMeasure),
        term(
            .model, "performance.predicted_final_accuracy", "performance", "Predicted final accuracy", .number,
            unit: "1",
            "Final accuracy predicted from a partial learning curve (A4NN `predictions`, PENGUIN `predictedAcc`); "
                + "absent (`inf` in A4NN) until the predictor has enough points.",
            aliases: [
                "predictions", "prediction", "predicted_acc", "predictedacc", "predicted_accuracy",
                "predicted_final_accuracy", "predicted_fitness",
            ],
            mappings: evaluationMeasure),
        term(
            .model, "performance.converged", "performance", "Converged", .boolean,
            "Whether the prediction of final accuracy has converged (A4NN `converged`) or training met its "
                + "convergence criterion.",
            aliases: ["converged", "has_converged", "is_converged", "prediction_converged"],
            mappings: evaluationMeasure),
    ]

    static let modelBehaviourTerms: [TaxonomyTerm] = [
        term(
            .model, "behaviour.epoch", "behaviour", "Epoch", .number,
            "Position in training, in epochs (possibly fractional: RCLJT22 evaluates every half epoch).",
            aliases: ["epoch", "current_epoch", "epoch_index", "epoch_num"],
            mappings: [prov("Activity")]),
        term(
            .model, "behaviour.epochs_trained", "behaviour", "Epochs trained", .number,
            "Number of epochs actually trained, which is fewer than configured when training stopped early.",
            aliases: [
                "epochs_trained", "trained_epochs", "final_epoch", "last_epoch", "epochs_run", "stopped_epoch",
                "epochs_completed",
            ],
            mappings: modelCharacteristic),
        term(
            .model, "behaviour.early_stopped", "behaviour", "Stopped early", .boolean,
            "Whether training ended before its configured budget because a rule or predictor stopped it.",
            aliases: [
                "early_stopped", "stopped_early", "early_stop", "early_stopping", "early_terminated",
                "terminated_early",
            ],
            mappings: modelCharacteristic),
        term(
            .model, "behaviour.convergence_epoch", "behaviour", "Convergence epoch", .number,
            "Epoch at which training met its convergence criterion or the accuracy prediction stabilised "
                + "(PENGUIN `timeStabilized`).",
            aliases: [
                "convergence_epoch", "converged_epoch", "epoch_converged", "time_stabilized", "stabilization_epoch",
            ],
            mappings: modelCharacteristic),
        term(
            .model, "behaviour.curve_class", "behaviour", "Learning-curve class", .string,
            "The class of the validation learning curve (`never_learner`, `late_learner`, `early_learner`, "
                + "`overfitter`, `diverged`; see the curve classes).",
            aliases: [
                "curve_class", "learning_curve_class", "learner_class", "behaviour_class", "behavior_class",
                "curve_type",
            ],
            mappings: modelCharacteristic + [prov("Entity")]),
        term(
            .model, "behaviour.training_method", "behaviour", "Training method", .string,
            "How the model was trained (`supervised`, `fine-tuning`, `pre-training`, `nas`).",
            aliases: [
                "training_method", "train_method", "training_procedure", "training_strategy", "training_type",
                "training_mode",
            ],
            mappings: [mls("Algorithm"), mls("Implementation")]),
        term(
            .model, "behaviour.fitness_measure", "behaviour", "Fitness measure", .string,
            "Name of the quantity that model selection, early stopping or a search optimises (`val_acc`, `val_loss`).",
            aliases: [
                "fitness_measure", "fitness_metric", "objective_metric", "target_metric", "monitor",
                "metric_for_best_model",
            ],
            mappings: [mls("EvaluationMeasure")]),
        term(
            .model, "behaviour.fitness", "behaviour", "Fitness", .number,
            "Value of the fitness measure, evaluated every fitness interval (RCLJT22: every half epoch).",
            aliases: ["fitness", "fitness_value", "fitness_score", "objective_value"],
            mappings: evaluationMeasure),
        term(
            .model, "behaviour.predictor_parameters", "behaviour", "Predictor parameters", .object,
            "Parameters of the learning-curve predictor (PENGUIN curve-fit `aValue`, `neverLearnAccMarker`).",
            aliases: [
                "predictor_parameters", "predictor_params", "a_value", "curve_fit_params", "never_learn_acc_marker",
            ],
            mappings: [prov("Entity")]),
        term(
            .model, "behaviour.training_time", "behaviour", "Training time", .number, unit: "s",
            "Wall-clock time training took (PENGUIN `timeMenndlTrainingEnds` is the time at which it ended).",
            aliases: [
                "training_time", "train_time", "training_duration", "train_duration", "time_menndl_training_ends",
                "train_runtime", "fit_time",
            ],
            mappings: modelCharacteristic),
    ]

    // MARK: - Application

    static let applicationTerms: [TaxonomyTerm] = [
        term(
            .application, "input.beam_intensity", "input", "Beam intensity", .number,
            "Intensity of the beam that produced the domain data (A4NN: X-ray diffraction at 1e14, 1e15 or 1e16).",
            aliases: ["beam_intensity", "intensity", "beam_flux", "photon_flux", "xray_intensity"],
            patterns: [#"(.+_)?intensity(_level)?"#],
            mappings: [provAgent("DomainData"), prov("Entity")]),
        term(
            .application, "input.task_inputs", "input", "Task inputs", .object,
            "Values and files a task used, with their roles (Flowcept `used`).",
            aliases: [
                "inputs", "input", "task_inputs", "used", "args", "arguments", "kwargs", "task_args", "input_path",
                "input_file", "input_files", "input_dir", "input_uri", "infile",
            ],
            mappings: [provAgent("DomainData"), prov("Entity"), mls("Data")]),
        term(
            .application, "intermediate.outputs", "intermediate", "Task outputs", .object,
            "Values or artifacts a task generated (Flowcept `generated`), with hash and size when files.",
            aliases: [
                "outputs", "output", "task_outputs", "generated", "result", "results", "output_path", "output_file",
                "output_dir", "artifact_path",
            ],
            mappings: [provAgent("DomainData"), prov("Entity")]),
        term(
            .application, "feedback.value", "feedback", "Feedback", .object,
            "Feedback returned to the workflow by a person, an instrument or a reward signal.",
            aliases: ["feedback", "user_feedback", "human_feedback", "rating", "reward"],
            mappings: [prov("Entity")]),
        term(
            .application, "decision.early_stop", "decision", "Early-stop decision", .object,
            "A decision to end a training run before its budget, with its trigger (a prediction or rule).",
            aliases: [
                "early_stop_decision", "stop_decision", "termination_decision", "stop_reason", "termination_reason",
                "terminated_by",
            ],
            mappings: [prov("Activity"), provAgent("AgentTool")]),
        term(
            .application, "decision.nas_selection", "decision", "NAS selection", .object,
            "A neural-architecture-search decision: which candidates survive, are mutated or selected.",
            aliases: [
                "nas_selection", "nas_decision", "selected", "is_selected", "selected_model", "survived", "selection",
            ],
            mappings: [prov("Activity"), provAgent("AgentTool")]),
        term(
            .application, "decision.tool_call", "decision", "Agent tool call", .object,
            "A call an AI agent made to a tool, with its prompt and response (PROV-AGENT).",
            aliases: [
                "tool_call", "tool_name", "llm_tool_call", "agent_tool", "prompt", "llm_prompt", "response",
                "llm_response",
            ],
            mappings: [provAgent("AgentTool"), provAgent("AIModelInvocation"), prov("Activity")]),
        term(
            .application, "status.state", "status", "Status", .string,
            "Lifecycle state of a run or task (`RUNNING`, `FINISHED`, `FAILED`).",
            aliases: ["status", "state", "run_status", "task_status", "job_status"],
            mappings: [schema("actionStatus")]),
        term(
            .application, "status.error", "status", "Error", .string,
            "Error or exception raised by the run or task.",
            aliases: ["error", "errors", "exception", "error_message", "traceback", "stack_trace", "failure_reason"],
            mappings: [schema("error")]),
        term(
            .application, "domain.metadata", "domain", "Domain metadata", .object,
            "Application-domain metadata: the instrument, facility, sample or experiment the data came from.",
            aliases: [
                "domain", "domain_metadata", "metadata", "instrument", "detector", "beamline", "facility", "sample",
                "sample_id", "custom_metadata",
            ],
            mappings: [provAgent("DomainData"), prov("Entity")]),
        term(
            .application, "execution.exit_code", "execution", "Exit code", .integer,
            "Exit status of the captured program (0 = success); for a program ended by a signal, 128 + the "
                + "signal number, as shells report it.",
            aliases: ["exit_code", "exit_status", "return_code", "returncode", "status_code"],
            mappings: [schema("actionStatus")]),
        term(
            .application, "execution.duration", "execution", "Wall-clock duration", .number, unit: "s",
            "Elapsed wall-clock time of the captured program or task.",
            aliases: [
                "duration", "duration_seconds", "wall_time", "wall_time_seconds", "elapsed", "elapsed_seconds",
                "runtime",
            ],
            mappings: [prov("Activity")]),
        term(
            .application, "execution.output_bytes", "execution", "Output bytes", .integer, unit: "By",
            "Bytes the captured program wrote to its standard output or standard error (as the key says).",
            aliases: ["stdout_bytes", "stderr_bytes", "output_bytes"],
            mappings: [prov("Entity")]),
        term(
            .application, "execution.working_directory", "execution", "Working directory", .string,
            "The directory the captured program ran in.",
            aliases: ["working_directory", "cwd", "workdir", "work_dir"],
            mappings: [prov("Location")]),
        term(
            .application, "task.name", "task", "Task name", .string,
            "Name of the task or activity within the workflow (Flowcept `activity_id`).",
            aliases: ["task_name", "task", "activity", "activity_id", "step_name", "stage", "task_id"],
            mappings: [prov("Activity"), mls("Run")]),
    ]

    // MARK: - Data

    static let dataTerms: [TaxonomyTerm] = [
        term(
            .data, "dataset.name", "dataset", "Dataset", .string,
            "Name or identifier of the dataset (`CIFAR100`, `FashionMNIST`, `SVHN`).",
            aliases: ["dataset", "dataset_name", "data", "data_set", "dataset_id", "ds", "corpus", "data_name"],
            mappings: [mls("Dataset"), schema("Dataset"), prov("Entity"), fair4ml("trainedOn")]),
        term(
            .data, "dataset.version", "dataset", "Dataset version", .string,
            "Version of the dataset.",
            aliases: ["dataset_version", "data_version", "dataset_revision"],
            mappings: [schema("version"), prov("Entity")]),
        term(
            .data, "dataset.license", "dataset", "Dataset license", .string,
            "License the dataset is distributed under.",
            aliases: ["dataset_license", "data_license", "license"],
            mappings: [schema("license"), dcterms("license")]),
        term(
            .data, "dataset.doi", "dataset", "Dataset DOI", .string,
            "Digital object identifier of the dataset (`10.7910/DVN/ZXTCGF`).",
            aliases: ["dataset_doi", "data_doi", "doi"],
            mappings: [schema("identifier"), dcterms("identifier")]),
        term(
            .data, "dataset.location", "dataset", "Dataset location", .string,
            "Path or URI the dataset was read from.",
            aliases: [
                "dataset_path", "data_path", "data_dir", "dataset_dir", "data_root", "dataset_uri", "dataset_url",
                "data_url", "train_data", "data_file",
            ],
            mappings: [prov("atLocation"), schema("contentUrl")]),
        term(
            .data, "dataset.digest", "dataset", "Dataset digest", .string,
            "Content hash of the dataset's files.",
            aliases: ["dataset_sha256", "dataset_hash", "dataset_digest", "data_hash", "data_sha256", "data_digest"],
            mappings: [schema("sha256"), prov("Entity")]),
        term(
            .data, "statistics.num_classes", "statistics", "Number of classes", .integer,
            "Number of target classes; with the class counts it gives the chance level that `never_learner` needs.",
            aliases: [
                "classes", "num_classes", "n_classes", "nclasses", "number_of_classes", "num_labels", "n_labels",
                "class_count", "nb_classes",
            ],
            mappings: dataCharacteristic),
        term(
            .data, "statistics.num_samples", "statistics", "Number of samples", .integer,
            "Number of examples in the dataset, all splits together.",
            aliases: [
                "num_samples", "n_samples", "samples", "dataset_size", "num_examples", "n_examples", "num_images",
                "num_records", "num_instances",
            ],
            mappings: dataCharacteristic),
        term(
            .data, "statistics.class_counts", "statistics", "Class counts", .object,
            "Number of examples per class, per split.",
            aliases: ["class_counts", "class_distribution", "label_counts", "class_frequencies", "samples_per_class"],
            mappings: dataCharacteristic),
        term(
            .data, "statistics.chance_level", "statistics", "Chance level", .number, unit: "1",
            "Accuracy of guessing: max(1/C, majority-class rate), as a fraction.",
            aliases: ["chance", "chance_level", "chance_accuracy", "majority_class_rate", "baseline_accuracy", "p0"],
            mappings: dataCharacteristic),
        term(
            .data, "split.name", "split", "Split", .string,
            "Which split the data belongs to (`train`, `validation`, `test`), or the fold of a cross-validation.",
            aliases: ["split", "data_split", "subset", "fold", "cv_fold", "partition_name"],
            mappings: [mls("Data"), prov("Entity")]),
        term(
            .data, "split.train_size", "split", "Training set size", .integer,
            "Number of examples in the training split.",
            aliases: [
                "train_size", "n_train", "num_train", "train_samples", "num_train_samples", "training_set_size",
                "train_examples",
            ],
            mappings: dataCharacteristic),
        term(
            .data, "split.validation_size", "split", "Validation set size", .integer,
            "Number of examples in the validation split.",
            aliases: [
                "val_size", "valid_size", "validation_size", "n_val", "num_val", "val_samples", "num_val_samples",
            ],
            mappings: dataCharacteristic + [fair4ml("validatedOn")]),
        term(
            .data, "split.test_size", "split", "Test set size", .integer,
            "Number of examples in the test split.",
            aliases: ["test_size", "n_test", "num_test", "test_samples", "num_test_samples", "test_examples"],
            mappings: dataCharacteristic + [fair4ml("testedOn")]),
        term(
            .data, "split.eval_set_size", "split", "Evaluation set size", .integer,
            "Number of examples an evaluation actually scored; with `drop_last` it is floor(N/batch)·batch "
                + "(RCLJT22: 10,000 images).",
            aliases: ["eval_set_size", "eval_size", "evaluation_set_size", "num_eval_samples", "n_eval"],
            mappings: dataCharacteristic + [mls("EvaluationSpecification")]),
        term(
            .data, "loader.drop_last", "loader", "Drop last batch", .boolean,
            "Whether the data loader dropped the last incomplete batch.",
            aliases: ["drop_last", "dataloader_drop_last", "drop_remainder"],
            mappings: [mls("EvaluationProcedure")]),
        term(
            .data, "loader.shuffle", "loader", "Shuffle", .boolean,
            "Whether the data loader shuffled the examples every epoch.",
            aliases: ["shuffle", "shuffle_data", "data_shuffle", "shuffle_train"],
            mappings: [mls("EvaluationProcedure")]),
        term(
            .data, "preprocessing.transforms", "preprocessing", "Preprocessing", .list,
            "The preprocessing chain applied to every example (resize, normalize, tokenize) and the random "
                + "augmentations applied in training (crop, flip, mixup).",
            aliases: [
                "preprocessing", "transforms", "transform", "preprocess", "normalize", "data_transforms",
                "augmentation", "augmentations", "data_augmentation", "augment", "use_augmentation",
            ],
            mappings: [prov("Activity"), prov("Plan")]),
    ]

    // MARK: - Layer types

    static let standardLayerTypes: [LayerTypeTerm] = [
        LayerTypeTerm(
            name: "conv1d", description: "One-dimensional convolution over sequences or signals.",
            hyperparameters: ["filters", "kernel", "stride", "padding", "dilation", "groups", "bias", "activation"],
            aliases: ["conv1_d", "conv_1d", "convolution1_d", "convolution1d"],
            mappings: [onnx("Conv")]),
        LayerTypeTerm(
            name: "conv2d",
            description: "Two-dimensional convolution over images; the convolutional layers of RCLJT22 and A4NN.",
            hyperparameters: ["filters", "kernel", "stride", "padding", "dilation", "groups", "bias", "activation"],
            aliases: ["conv", "convolution", "conv2_d", "conv_2d", "convolution2_d", "convolution2d"],
            mappings: [onnx("Conv")]),
        LayerTypeTerm(
            name: "conv3d", description: "Three-dimensional convolution over volumes or video.",
            hyperparameters: ["filters", "kernel", "stride", "padding", "dilation", "groups", "bias", "activation"],
            aliases: ["conv3_d", "conv_3d", "convolution3_d", "convolution3d"],
            mappings: [onnx("Conv")]),
        LayerTypeTerm(
            name: "conv_transpose", description: "Transposed (fractionally strided) convolution that upsamples.",
            hyperparameters: ["filters", "kernel", "stride", "padding", "output_padding", "dilation", "bias"],
            aliases: [
                "conv_transpose2d", "conv2_d_transpose", "conv_transpose1d", "conv_transpose3d", "deconv",
                "deconvolution",
            ],
            mappings: [onnx("ConvTranspose")]),
        LayerTypeTerm(
            name: "pool",
            description: "Pooling; `mode` says which: `max`, `avg`, `global_max`, `global_avg`, `adaptive_max`, "
                + "`adaptive_avg`. RCLJT22 does not record the mode (import as unknown).",
            hyperparameters: ["mode", "kernel", "stride", "padding", "output_size"],
            aliases: [
                "pooling", "max_pool", "max_pool1d", "max_pool2d", "max_pool3d", "max_pooling1_d", "max_pooling2_d",
                "max_pooling3_d", "avg_pool", "avg_pool1d", "avg_pool2d", "avg_pool3d", "average_pool",
                "average_pooling1_d", "average_pooling2_d", "average_pooling3_d", "adaptive_avg_pool2d",
                "adaptive_max_pool2d", "global_average_pool", "global_max_pool", "global_average_pooling2_d",
                "global_max_pooling2_d", "global_pool",
            ],
            mappings: [onnx("MaxPool"), onnx("AveragePool"), onnx("GlobalAveragePool"), onnx("GlobalMaxPool")]),
        LayerTypeTerm(
            name: "dropout", description: "Randomly zeroes activations during training.",
            hyperparameters: ["rate"],
            aliases: [
                "dropout1d", "dropout2d", "dropout3d", "spatial_dropout1_d", "spatial_dropout2_d", "alpha_dropout",
            ],
            mappings: [onnx("Dropout")]),
        LayerTypeTerm(
            name: "dense", description: "Fully connected (linear) layer; the FC stack of RCLJT22.",
            hyperparameters: ["units", "activation", "bias", "dropout"],
            aliases: ["fc", "linear", "fully_connected", "gemm", "inner_product", "lazy_linear"],
            mappings: [onnx("Gemm"), onnx("MatMul")]),
        LayerTypeTerm(
            name: "batchnorm", description: "Batch normalization.",
            hyperparameters: ["momentum", "epsilon", "affine"],
            aliases: ["batch_norm", "batch_norm1d", "batch_norm2d", "batch_norm3d", "batch_normalization", "bn"],
            mappings: [onnx("BatchNormalization")]),
        LayerTypeTerm(
            name: "layernorm", description: "Layer normalization (and its RMS variant).",
            hyperparameters: ["normalized_shape", "epsilon", "affine"],
            aliases: ["layer_norm", "layer_normalization", "ln", "rmsnorm", "rms_norm"],
            mappings: [onnx("LayerNormalization")]),
        LayerTypeTerm(
            name: "activation", description: "Element-wise non-linearity; `function` names it.",
            hyperparameters: ["function", "negative_slope", "alpha"],
            aliases: [
                "relu", "re_lu", "gelu", "sigmoid", "tanh", "softmax", "leaky_relu", "leaky_re_lu", "elu", "selu",
                "silu", "swish", "prelu", "pre_lu", "mish",
            ],
            mappings: [onnx("Relu"), onnx("Gelu"), onnx("Sigmoid"), onnx("Tanh"), onnx("Softmax")]),
        LayerTypeTerm(
            name: "flatten", description: "Reshapes a feature map into a vector before the dense stack.",
            hyperparameters: ["start_dim"],
            aliases: ["reshape_flatten", "global_flatten"],
            mappings: [onnx("Flatten")]),
        LayerTypeTerm(
            name: "embedding", description: "Looks up a learned vector per token or category.",
            hyperparameters: ["num_embeddings", "embedding_dim", "padding_idx"],
            aliases: ["embed", "embeddings", "embedding_bag", "token_embedding"],
            mappings: [onnx("Gather")]),
        LayerTypeTerm(
            name: "attention", description: "Scaled dot-product or multi-head attention.",
            hyperparameters: ["heads", "embed_dim", "head_dim", "dropout", "causal"],
            aliases: [
                "multihead_attention", "multi_head_attention", "self_attention", "mha", "scaled_dot_product_attention",
            ],
            mappings: [onnx("Attention")]),
        LayerTypeTerm(
            name: "recurrent", description: "Recurrent layer; `cell` says which: `lstm`, `gru` or `rnn`.",
            hyperparameters: ["cell", "hidden_size", "num_layers", "bidirectional", "dropout"],
            aliases: ["lstm", "gru", "rnn", "simple_rnn", "lstm_cell", "gru_cell", "rnn_cell"],
            mappings: [onnx("LSTM"), onnx("GRU"), onnx("RNN")]),
        LayerTypeTerm(
            name: "residual", description: "A block whose input is added to its output (skip connection).",
            hyperparameters: ["layers", "shortcut", "filters", "stride"],
            aliases: ["residual_block", "res_block", "resblock", "basic_block", "bottleneck", "skip_connection"],
            mappings: [onnx("Add")]),
        LayerTypeTerm(
            name: "nas_phase",
            description: "A phase of a neural-architecture-search macro encoding (NSGA-Net, A4NN): a group of nodes "
                + "whose connections one genome segment encodes.",
            hyperparameters: ["nodes", "genome", "filters", "skip"],
            aliases: ["phase", "nas_cell", "nas_block", "search_phase"],
            mappings: []),
        LayerTypeTerm(
            name: "nas_node",
            description: "A node inside a NAS phase: one operation and the nodes it takes input from.",
            hyperparameters: ["operation", "inputs", "filters", "kernel"],
            aliases: ["node_op", "nas_op", "search_node"],
            mappings: []),
    ]

    // MARK: - Curve classes

    static let standardCurveClasses: [CurveClassTerm] = [
        CurveClassTerm(
            name: "diverged",
            rule: "Any training or validation loss is not finite (NaN or infinite). Checked first; PENGUIN skips such "
                + "curves silently, ProvKit records them.",
            defaults: [:]),
        CurveClassTerm(
            name: "never_learner",
            rule: "max valAcc ≤ p₀ + δ and min valLoss ≥ ln C − ε, where C is the number of classes and "
                + "p₀ = max(1/C, majority-class rate) is the chance level in percent; δ is `delta` percentage points "
                + "(or `delta_chance_fraction`·p₀ when the threshold is taken relative to chance).",
            defaults: ["delta": 1.0, "delta_chance_fraction": 0.1, "epsilon": 0.1]),
        CurveClassTerm(
            name: "late_learner",
            rule: "valAcc ≤ p₀ + δ at every evaluation before e_onset, e_onset ≥ τ (τ = `tau` epochs or "
                + "`tau_fraction`·e_max), and max valAcc ≥ p₀ + Δ; e_onset is recorded with the class.",
            defaults: ["delta": 1.0, "tau": 5.0, "tau_fraction": 0.125, "Delta": 5.0]),
        CurveClassTerm(
            name: "early_learner",
            rule: "e_onset (the first evaluation with valAcc > p₀ + δ) is the first evaluation point.",
            defaults: ["delta": 1.0]),
        CurveClassTerm(
            name: "overfitter",
            rule: "argmin valLoss ≤ `argmin_fraction`·e_max and final valLoss − min valLoss > ε. May hold together "
                + "with `early_learner` or `late_learner`.",
            defaults: ["argmin_fraction": 0.5, "epsilon": 0.1]),
    ]
}

extension TaxonomyLayer {
    /// What the layer covers, in one sentence, for documents and exports.
    public var summary: String {
        switch self {
        case .system:
            "Hardware, infrastructure and storage: static inventory of hosts and accelerators, scheduler and cgroup "
                + "context, and the telemetry sampled from them (CPU, memory, disk, network, process, GPU, energy)."
        case .platform:
            "Workflow manager, ML framework and software environment: versions, packages, source control, containers, "
                + "determinism settings, distributed setup and the capture tool."
        case .model:
            "The model: hyperparameters, architecture (layers and their shapes), performance measures and training "
                + "behaviour, including learning-curve classes."
        case .application:
            "The application domain: task inputs, intermediate data, feedback, decisions (early stopping, NAS "
                + "selection, agent tool calls), status and errors."
        case .data:
            "Datasets: identity, version, license and location, splits, class statistics and chance level, loader "
                + "settings and preprocessing."
        }
    }
}
