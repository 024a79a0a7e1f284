public import ProvModel

#if canImport(Glibc)
    import Glibc
#endif

/// Something that takes telemetry samples for a run.
public protocol TelemetrySnapshotting: Sendable {
    /// Takes a sample now. Readings that cannot be taken are left out, never reported as 0.
    func snapshot(run: ProvID, phase: TelemetryPhase, time: ProvTime) -> TelemetrySample
}

/// Telemetry of one process, or of a process and all its descendants, from `/proc` (Linux).
///
/// Readings (keys classify into the taxonomy's `system.process.*` terms):
/// `process_cpu_time_user`, `process_cpu_time_system` (s), `process_rss_bytes`, `process_peak_rss_bytes`
/// (the root process's high-water mark), `process_threads`, `process_read_bytes`, `process_write_bytes`
/// (storage I/O; needs permission to read `/proc/<pid>/io`), `process_voluntary_context_switches`,
/// `process_involuntary_context_switches`, and `process_count` for a tree. Values of a tree are sums over the
/// processes alive at the time of the sample; CPU times include children that have already ended and been waited for.
public struct ProcessTelemetryCollector: TelemetrySnapshotting {
    /// The process observed; `nil` for the calling process.
    public var processID: Int32?
    /// Whether to include every descendant process.
    public var includeDescendants: Bool

    public init(processID: Int32? = nil, includeDescendants: Bool = false) {
        self.processID = processID
        self.includeDescendants = includeDescendants
    }

    public func snapshot(run: ProvID, phase: TelemetryPhase, time: ProvTime) -> TelemetrySample {
        TelemetrySample(run: run, time: time, phase: phase, values: readings())
    }

    static let statusKeys: Set<Substring> = ["voluntary_ctxt_switches", "nonvoluntary_ctxt_switches", "VmHWM"]

    /// The readings now.
    public func readings() -> [String: Double] {
        let root = processID ?? getpid()
        let pids = includeDescendants ? ProcFS.processTree(root: root) : [root]
        var values: [String: Double] = [:]
        func add(_ key: String, _ value: Double) { values[key, default: 0] += value }
        var counted = 0
        for pid in pids {
            guard let fields = ProcFS.statFields(pid: pid), fields.count > 22 else { continue }
            counted += 1
            // After ")": 0 state, 1 ppid, ... 11 utime, 12 stime, 13 cutime, 14 cstime, 17 num_threads, 21 rss.
            if let user = Double(fields[11]), let children = Double(fields[13]) {
                add("process_cpu_time_user", (user + children) / ProcFS.ticksPerSecond)
            }
            if let system = Double(fields[12]), let children = Double(fields[14]) {
                add("process_cpu_time_system", (system + children) / ProcFS.ticksPerSecond)
            }
            if let threads = Double(fields[17]) { add("process_threads", threads) }
            if let pages = Double(fields[21]) { add("process_rss_bytes", pages * ProcFS.pageSize) }
            if let status = ProcFS.read("/proc/\(pid)/status") {
                let numbers = ProcFS.keyedNumbers(status, keys: Self.statusKeys)
                if let voluntary = numbers["voluntary_ctxt_switches"] {
                    add("process_voluntary_context_switches", voluntary)
                }
                if let involuntary = numbers["nonvoluntary_ctxt_switches"] {
                    add("process_involuntary_context_switches", involuntary)
                }
                if pid == root, let peak = numbers["VmHWM"] { values["process_peak_rss_bytes"] = peak * 1024 }
            }
            if let io = ProcFS.read("/proc/\(pid)/io") {
                let numbers = ProcFS.keyedNumbers(io)
                if let read = numbers["read_bytes"] { add("process_read_bytes", read) }
                if let written = numbers["write_bytes"] { add("process_write_bytes", written) }
            }
        }
        if includeDescendants, counted > 0 { values["process_count"] = Double(counted) }
        return values
    }
}
