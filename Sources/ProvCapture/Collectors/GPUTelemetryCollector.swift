import Foundation
public import ProvModel

/// NVIDIA GPU telemetry through `nvidia-smi --query-gpu=... --format=csv,noheader,nounits`.
///
/// When `nvidia-smi` is missing, fails or times out, there are no GPU readings (absent, never 0); a field the
/// driver reports as `[N/A]` or `[Not Supported]` is left out too. Sampled readings, per GPU index `i` (keys
/// classify into `system.gpu.*` terms): `gpu_<i>_utilization_percent`, `gpu_<i>_memory_utilization_percent`,
/// `gpu_<i>_memory_used_bytes`, `gpu_<i>_memory_total_bytes`, `gpu_<i>_power_watts`, `gpu_<i>_power_limit_watts`,
/// `gpu_<i>_temperature_celsius`, `gpu_<i>_sm_clock_mhz`, `gpu_<i>_mem_clock_mhz`. Static facts (name, UUID,
/// driver) come from ``devices()``.
public struct GPUTelemetryCollector: TelemetrySnapshotting {
    /// One GPU as `nvidia-smi` describes it.
    public struct Device: Hashable, Sendable {
        public var index: Int
        public var uuid: String?
        public var name: String?
        public var driverVersion: String?
        /// Sampled readings by key (see the type's documentation).
        public var readings: [String: Double]
    }

    /// The `nvidia-smi` executable: `PROVKIT_NVIDIA_SMI` when set, else found on `PATH`.
    public var executable: String?
    /// How long to wait for `nvidia-smi` before giving up. Default 5 s.
    public var timeout: Double = 5

    static let fields = [
        "index", "uuid", "name", "driver_version", "utilization.gpu", "utilization.memory", "memory.used",
        "memory.total", "power.draw", "power.limit", "temperature.gpu", "clocks.sm", "clocks.mem",
    ]

    public init(executable: String? = nil) {
        self.executable =
            executable ?? ProcessInfo.processInfo.environment["PROVKIT_NVIDIA_SMI"] ?? Self.find("nvidia-smi")
    }

    public func snapshot(run: ProvID, phase: TelemetryPhase, time: ProvTime) -> TelemetrySample {
        var values: [String: Double] = [:]
        for device in devices() {
            values.merge(device.readings) { _, new in new }
        }
        return TelemetrySample(run: run, time: time, phase: phase, values: values)
    }

    /// The GPUs `nvidia-smi` reports now; empty when there is none or it cannot be run.
    public func devices() -> [Device] {
        guard let executable,
            let output = ExternalCommand.run(
                executable, ["--query-gpu=" + Self.fields.joined(separator: ","), "--format=csv,noheader,nounits"],
                timeout: timeout),
            output.status == 0
        else { return [] }
        return Self.parse(output.standardOutput)
    }

    /// Parses `nvidia-smi` CSV output (one line per GPU, fields in ``fields`` order).
    static func parse(_ text: String) -> [Device] {
        var devices: [Device] = []
        for line in text.split(whereSeparator: \.isNewline) {
            let cells = line.split(separator: ",", omittingEmptySubsequences: false).map {
                $0.trimmingCharacters(in: .whitespaces)
            }
            guard cells.count == fields.count, let index = Int(cells[0]) else { continue }
            func text(_ position: Int) -> String? {
                let cell = cells[position]
                return cell.isEmpty || cell.hasPrefix("[") || cell == "N/A" ? nil : cell
            }
            func number(_ position: Int) -> Double? { text(position).flatMap(Double.init) }
            var readings: [String: Double] = [:]
            let prefix = "gpu_\(index)_"
            readings[prefix + "utilization_percent"] = number(4)
            readings[prefix + "memory_utilization_percent"] = number(5)
            readings[prefix + "memory_used_bytes"] = number(6).map { $0 * 1_048_576 }
            readings[prefix + "memory_total_bytes"] = number(7).map { $0 * 1_048_576 }
            readings[prefix + "power_watts"] = number(8)
            readings[prefix + "power_limit_watts"] = number(9)
            readings[prefix + "temperature_celsius"] = number(10)
            readings[prefix + "sm_clock_mhz"] = number(11)
            readings[prefix + "mem_clock_mhz"] = number(12)
            devices.append(
                Device(index: index, uuid: text(1), name: text(2), driverVersion: text(3), readings: readings))
        }
        return devices
    }

    /// The first executable named `name` on `PATH`.
    static func find(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for directory in path.split(separator: ":") {
            let candidate = "\(directory)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }
}

/// Runs a short helper program (nvidia-smi, git, pip) with a time limit, capturing its output.
enum ExternalCommand {
    struct Output {
        var status: Int32
        var standardOutput: String
    }

    /// Runs `executable` with `arguments` in `directory`; `nil` if it cannot start or outlives `timeout` seconds.
    static func run(
        _ executable: String, _ arguments: [String], directory: String? = nil, timeout: Double = 10
    )
        -> Output?
    {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            return nil
        }
        let finished = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var data = Data()
        DispatchQueue.global().async {
            data = output.fileHandleForReading.readDataToEndOfFile()
            finished.signal()
        }
        if finished.wait(timeout: .now() + timeout) == .timedOut {
            process.terminate()
            _ = finished.wait(timeout: .now() + 1)
            return nil
        }
        process.waitUntilExit()
        return Output(status: process.terminationStatus, standardOutput: String(decoding: data, as: UTF8.self))
    }
}
