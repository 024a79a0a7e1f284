import Foundation
import ProvModel

/// The platform and environment of a run: operating system, kernel, CPU, memory, host, container, Swift and
/// Python versions, installed Python packages, git state, scheduler job ids, cgroup limits, GPUs, and an
/// allow-listed, redacted set of environment variables.
///
/// Facts that cannot be read are left out. Keys are chosen to classify into the taxonomy's `system.*` and
/// `platform.*` terms.
public struct EnvironmentCollector: Sendable {
    /// What was found.
    public struct Report: Hashable, Sendable {
        /// Facts by key (`os_name`, `kernel_version`, `cpu_model`, `git_commit`, ...), as run tags.
        public var facts: [String: String] = [:]
        /// Allow-listed environment variables, secrets redacted.
        public var environment: [String: String] = [:]
        /// Installed Python packages (name → version) when Python was asked about and `pip` answered.
        public var pythonPackages: [String: String]?
        /// GPUs as `nvidia-smi` lists them.
        public var gpus: [GPUTelemetryCollector.Device] = []

        public init() {}
    }

    /// The folder whose git state is recorded (the working directory by default).
    public var directory: String
    /// Also record the Python version and `pip list` (for Python workflows). Default `false`.
    public var includePython: Bool
    /// The Python interpreter to ask; default `python3` on `PATH`.
    public var pythonExecutable: String?
    /// Names of environment variables to record, exactly or as a prefix ending in `*` (`SLURM_*`).
    public var environmentAllowList: [String]
    /// Where the GPUs come from.
    public var gpuCollector: GPUTelemetryCollector

    /// The variables recorded by default: scheduler ids, threading and device selection, determinism flags.
    public static let defaultAllowList = [
        "SLURM_*", "PBS_*", "LSB_JOBID", "FLUX_JOB_ID", "COBALT_JOBID", "CUDA_VISIBLE_DEVICES", "ROCR_VISIBLE_DEVICES",
        "HIP_VISIBLE_DEVICES", "OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS", "PYTHONHASHSEED",
        "CUBLAS_WORKSPACE_CONFIG", "TF_DETERMINISTIC_OPS", "NCCL_*", "MASTER_ADDR", "MASTER_PORT", "WORLD_SIZE", "RANK",
        "LOCAL_RANK", "VIRTUAL_ENV", "CONDA_DEFAULT_ENV", "CONDA_PREFIX", "HOSTNAME", "USER", "LANG",
        "MLFLOW_TRACKING_URI", "MLFLOW_EXPERIMENT_NAME", "MLFLOW_RUN_ID", "PROVKIT_*",
    ]

    /// Words that mark an environment variable's value as a secret (matched in the upper-cased name).
    public static let secretMarkers = [
        "TOKEN", "SECRET", "PASSWORD", "PASSWD", "KEY", "CREDENTIAL", "AUTH", "PRIVATE", "SESSION", "COOKIE",
    ]

    public init(
        directory: String = FileManager.default.currentDirectoryPath, includePython: Bool = false,
        pythonExecutable: String? = nil, environmentAllowList: [String] = EnvironmentCollector.defaultAllowList,
        gpuCollector: GPUTelemetryCollector = GPUTelemetryCollector()
    ) {
        self.directory = directory
        self.includePython = includePython
        self.pythonExecutable = pythonExecutable
        self.environmentAllowList = environmentAllowList
        self.gpuCollector = gpuCollector
    }

    /// Whether an environment variable's value must not be recorded.
    public static func isSecret(_ name: String) -> Bool {
        let upper = name.uppercased()
        return secretMarkers.contains { upper.contains($0) }
    }

    /// The variables of `environment` that the allow-list names: a variable whose name marks a secret is replaced by
    /// `[REDACTED]`, and credentials inside other values (URL passwords, `password=`/`token=` parameters) are
    /// removed by ``CredentialRedactor``.
    public func allowListed(_ environment: [String: String]) -> [String: String] {
        var kept: [String: String] = [:]
        for (name, value) in environment where Self.matches(name, environmentAllowList) {
            kept[name] = Self.isSecret(name) ? CredentialRedactor.replacement : CredentialRedactor.redact(value)
        }
        return kept
    }

    static func matches(_ name: String, _ patterns: [String]) -> Bool {
        patterns.contains { pattern in
            pattern.hasSuffix("*") ? name.hasPrefix(pattern.dropLast()) : name == pattern
        }
    }

    /// Collects the report (runs `git`, `nvidia-smi` and, if asked, `python3`; each with a time limit).
    public func collect(environment: [String: String] = ProcessInfo.processInfo.environment) -> Report {
        var report = Report()
        var facts: [String: String] = [:]
        // Operating system and kernel.
        if let release = ProcFS.read("/etc/os-release") {
            for line in release.split(separator: "\n") where line.hasPrefix("PRETTY_NAME=") {
                facts["os_name"] = String(line.dropFirst("PRETTY_NAME=".count)).trimmingCharacters(in: ["\""])
            }
        }
        var name = utsname()
        if uname(&name) == 0 {
            func field(_ value: some Any) -> String {
                withUnsafeBytes(of: value) { String(decoding: $0.prefix(while: { $0 != 0 }), as: UTF8.self) }
            }
            facts["kernel_version"] = field(name.release)
            facts["machine_architecture"] = field(name.machine)
            if facts["os_name"] == nil { facts["os_name"] = field(name.sysname) }
        }
        facts["hostname"] = ProcessInfo.processInfo.hostName
        // CPU and memory.
        if let cpuinfo = ProcFS.read("/proc/cpuinfo") {
            var physical = Set<String>()
            var currentPhysical = "0"
            for line in cpuinfo.split(separator: "\n") {
                let parts = line.split(separator: ":", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                guard parts.count == 2 else { continue }
                switch parts[0] {
                case "model name" where facts["cpu_model"] == nil: facts["cpu_model"] = parts[1]
                case "physical id": currentPhysical = parts[1]
                case "core id": physical.insert(currentPhysical + ":" + parts[1])
                default: break
                }
            }
            if !physical.isEmpty { facts["physical_cores"] = String(physical.count) }
        }
        facts["logical_cores"] = String(ProcessInfo.processInfo.processorCount)
        facts["memory_total"] = String(ProcessInfo.processInfo.physicalMemory)
        // Container and cgroup limits.
        if let runtime = Self.containerRuntime(environment: environment) { facts["container_runtime"] = runtime }
        if let cpuMax = ProcFS.read("/sys/fs/cgroup/cpu.max")?.split(separator: " "), cpuMax.count == 2,
            let quota = Double(cpuMax[0]),
            let period = Double(cpuMax[1].trimmingCharacters(in: .whitespacesAndNewlines)),
            period > 0
        {
            facts["cgroup_cpu_limit"] = JSONValue.format(number: quota / period)
        }
        if let memoryMax = ProcFS.read("/sys/fs/cgroup/memory.max")?.trimmingCharacters(in: .whitespacesAndNewlines),
            let bytes = Double(memoryMax)
        {
            facts["cgroup_memory_limit"] = JSONValue.format(number: bytes)
        }
        facts["swift_version"] = Self.swiftVersion
        // Git.
        if let git = GPUTelemetryCollector.find("git") {
            func ask(_ arguments: [String]) -> String? {
                guard let output = ExternalCommand.run(git, ["-C", directory] + arguments, timeout: 5),
                    output.status == 0
                else { return nil }
                let text = output.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)
                return text.isEmpty ? nil : text
            }
            if let commit = ask(["rev-parse", "HEAD"]) {
                facts["git_commit"] = commit
                facts["git_branch"] = ask(["rev-parse", "--abbrev-ref", "HEAD"])
                let status = ExternalCommand.run(git, ["-C", directory, "status", "--porcelain"], timeout: 5)
                if let status, status.status == 0 {
                    facts["git_dirty"] = status.standardOutput.isEmpty ? "false" : "true"
                }
                if let remote = ask(["remote", "get-url", "origin"]) {
                    facts["git_remote"] = CredentialRedactor.redact(Self.withoutCredentials(remote))
                }
            }
        }
        // Scheduler job id.
        for variable in ["SLURM_JOB_ID", "PBS_JOBID", "LSB_JOBID", "FLUX_JOB_ID", "COBALT_JOBID"] {
            if let value = environment[variable] { facts[variable] = value }
        }
        // GPUs.
        report.gpus = gpuCollector.devices()
        for device in report.gpus {
            facts["gpu_\(device.index)_name"] = device.name
            facts["gpu_\(device.index)_uuid"] = device.uuid
            if let driver = device.driverVersion { facts["gpu_driver_version"] = driver }
        }
        if !report.gpus.isEmpty { facts["gpu_count"] = String(report.gpus.count) }
        // Python.
        if includePython, let python = pythonExecutable ?? GPUTelemetryCollector.find("python3") {
            // One short interpreter start for the version and the import path; the installed distributions are then
            // read from their metadata files (as `pip list` does, without pip's start-up cost).
            let probe =
                "import platform, sys; print(platform.python_version()); print('\\n'.join(p for p in sys.path if p))"
            if let output = ExternalCommand.run(python, ["-c", probe], timeout: 10), output.status == 0 {
                let lines = output.standardOutput.split(separator: "\n").map(String.init)
                if let version = lines.first { facts["python_version"] = version }
                report.pythonPackages = Self.installedDistributions(in: Array(lines.dropFirst()))
            }
        }
        report.facts = facts
        report.environment = allowListed(environment)
        return report
    }

    /// Python distributions installed in the folders of an import path (`*.dist-info/METADATA`,
    /// `*.egg-info/PKG-INFO`): name → version, the first folder winning as it does for imports.
    static func installedDistributions(in paths: [String]) -> [String: String] {
        var packages: [String: String] = [:]
        var seen = Set<String>()
        for path in paths {
            guard let entries = try? FileManager.default.contentsOfDirectory(atPath: path) else { continue }
            for entry in entries.sorted() {
                let metadata: String
                if entry.hasSuffix(".dist-info") {
                    metadata = path + "/" + entry + "/METADATA"
                } else if entry.hasSuffix(".egg-info") {
                    metadata = path + "/" + entry + "/PKG-INFO"
                } else {
                    continue
                }
                guard let text = ProcFS.read(metadata) else { continue }
                var name: String?
                var version: String?
                for line in ProcFS.lines(text.prefix(4096)) {
                    if name == nil, line.hasPrefix("Name:") {
                        name = line.dropFirst(5).trimmingCharacters(in: .whitespaces)
                    }
                    if version == nil, line.hasPrefix("Version:") {
                        version = line.dropFirst(8).trimmingCharacters(in: .whitespaces)
                    }
                    if name != nil, version != nil { break }
                }
                guard let name, let version else { continue }
                let key = name.lowercased().replacingOccurrences(of: "_", with: "-")
                if seen.insert(key).inserted { packages[name] = version }
            }
        }
        return packages
    }

    /// The container runtime, when the process runs in one.
    static func containerRuntime(environment: [String: String]) -> String? {
        if environment["KUBERNETES_SERVICE_HOST"] != nil { return "kubernetes" }
        if environment["APPTAINER_CONTAINER"] != nil || environment["SINGULARITY_CONTAINER"] != nil {
            return "apptainer"
        }
        if FileManager.default.fileExists(atPath: "/.dockerenv") { return "docker" }
        if FileManager.default.fileExists(atPath: "/run/.containerenv") { return "podman" }
        if let cgroup = ProcFS.read("/proc/1/cgroup") {
            for marker in ["docker", "kubepods", "containerd", "libpod", "lxc"] where cgroup.contains(marker) {
                return marker == "kubepods" ? "kubernetes" : marker
            }
        }
        return nil
    }

    /// A URL with any `user:password@` removed.
    static func withoutCredentials(_ url: String) -> String {
        guard let scheme = url.range(of: "://"), let at = url[scheme.upperBound...].firstIndex(of: "@") else {
            return url
        }
        return String(url[..<scheme.upperBound]) + String(url[url.index(after: at)...])
    }

    /// The Swift language version this code was compiled with.
    static var swiftVersion: String {
        #if compiler(>=6.4)
            return "6.4 or later"
        #elseif compiler(>=6.3)
            return "6.3"
        #elseif compiler(>=6.2)
            return "6.2"
        #elseif compiler(>=6.1)
            return "6.1"
        #else
            return "6.0"
        #endif
    }
}
