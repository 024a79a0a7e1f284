public import ProvModel
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Host telemetry from `/proc` (Linux): CPU utilization per core and in total, memory, disk and network I/O, load.
///
/// Utilization is a rate, so it is computed between two samples: the first sample of a collector has no
/// `cpu_percent` readings (absent, not 0). Readings (keys classify into `system.*` terms): `cpu_percent`,
/// `cpu_<n>_percent`, `memory_total_bytes`, `memory_available_bytes`, `memory_used_bytes`, `memory_percent`,
/// `disk_read_bytes`, `disk_write_bytes` (whole disks since boot), `network_receive_bytes`,
/// `network_transmit_bytes` (all interfaces but loopback, since boot), `load_average_1m`.
public final class HostTelemetryCollector: TelemetrySnapshotting {
    private let previousCPU = Mutex<[String: (busy: Double, total: Double)]>([:])
    /// Block devices that are whole disks, decided once per device name.
    private let wholeDisks = Mutex<[String: Bool]>([:])

    public init() {}

    public func snapshot(run: ProvID, phase: TelemetryPhase, time: ProvTime) -> TelemetrySample {
        TelemetrySample(run: run, time: time, phase: phase, values: readings())
    }

    /// The readings now.
    public func readings() -> [String: Double] {
        var values: [String: Double] = [:]
        if let stat = ProcFS.read("/proc/stat") {
            var current: [String: (busy: Double, total: Double)] = [:]
            for line in ProcFS.lines(stat) where line.utf8.starts(with: "cpu".utf8) {
                let fields = ProcFS.fields(line)
                guard fields.count >= 8 else { continue }
                let numbers = fields.dropFirst().compactMap { Double($0) }
                guard numbers.count >= 7 else { continue }
                // user nice system idle iowait irq softirq steal (guest time is already in user).
                let idle = numbers[3] + numbers[4]
                let total = numbers.prefix(8).reduce(0, +)
                current[String(fields[0])] = (total - idle, total)
            }
            let previous = previousCPU.withLock { state -> [String: (busy: Double, total: Double)] in
                defer { state = current }
                return state
            }
            for (name, now) in current {
                guard let before = previous[name], now.total > before.total else { continue }
                let percent = 100 * (now.busy - before.busy) / (now.total - before.total)
                let key = name == "cpu" ? "cpu_percent" : "cpu_\(name.dropFirst(3))_percent"
                values[key] = max(0, min(100, percent))
            }
        }
        if let meminfo = ProcFS.read("/proc/meminfo") {
            let numbers = ProcFS.keyedNumbers(meminfo, keys: ["MemTotal", "MemAvailable"])
            if let total = numbers["MemTotal"] {
                values["memory_total_bytes"] = total * 1024
                if let available = numbers["MemAvailable"] {
                    values["memory_available_bytes"] = available * 1024
                    values["memory_used_bytes"] = (total - available) * 1024
                    if total > 0 { values["memory_percent"] = 100 * (total - available) / total }
                }
            }
        }
        if let diskstats = ProcFS.read("/proc/diskstats") {
            var read = 0.0
            var written = 0.0
            var any = false
            for line in ProcFS.lines(diskstats) {
                let fields = ProcFS.fields(line)
                guard fields.count >= 10 else { continue }
                let name = String(fields[2])
                let whole = wholeDisks.withLock { known in
                    if let decided = known[name] { return decided }
                    let decided = Self.isWholeDisk(name)
                    known[name] = decided
                    return decided
                }
                guard whole else { continue }
                if let sectorsRead = Double(fields[5]), let sectorsWritten = Double(fields[9]) {
                    read += sectorsRead * 512
                    written += sectorsWritten * 512
                    any = true
                }
            }
            if any {
                values["disk_read_bytes"] = read
                values["disk_write_bytes"] = written
            }
        }
        if let netdev = ProcFS.read("/proc/net/dev") {
            var received = 0.0
            var sent = 0.0
            var any = false
            for line in ProcFS.lines(netdev).dropFirst(2) {
                guard let colon = line.utf8.firstIndex(of: UInt8(ascii: ":")) else { continue }
                let interface = line[..<colon].trimmingSpaces()
                guard interface != "lo" else { continue }
                let fields = ProcFS.fields(line[line.index(after: colon)...])
                if fields.count >= 9, let rx = Double(fields[0]), let tx = Double(fields[8]) {
                    received += rx
                    sent += tx
                    any = true
                }
            }
            if any {
                values["network_receive_bytes"] = received
                values["network_transmit_bytes"] = sent
            }
        }
        if let loadavg = ProcFS.read("/proc/loadavg"), let first = ProcFS.fields(Substring(loadavg)).first,
            let load = Double(first)
        {
            values["load_average_1m"] = load
        }
        return values
    }

    /// Whether a `/proc/diskstats` device is a whole disk rather than a partition or a virtual device.
    static func isWholeDisk(_ name: String) -> Bool {
        if name.hasPrefix("loop") || name.hasPrefix("ram") || name.hasPrefix("dm-") || name.hasPrefix("zram") {
            return false
        }
        if let sys = ProcFS.read("/sys/block/\(name)/dev"), !sys.isEmpty { return true }
        return false
    }
}

extension Substring {
    func trimmingSpaces() -> Substring {
        var text = self
        while text.first == " " { text = text.dropFirst() }
        while text.last == " " { text = text.dropLast() }
        return text
    }
}
