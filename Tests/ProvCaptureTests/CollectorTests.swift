import Foundation
import ProvModel
import ProvTesting
import Testing

@testable import ProvCapture

@Suite("Collectors")
struct CollectorTests {
    @Test("process telemetry of this process has plausible values")
    func processTelemetry() {
        // Burn a little CPU so that the CPU time is measurable.
        var sink = 0.0
        for index in 0..<2_000_000 { sink += Double(index).squareRoot() }
        #expect(sink > 0)
        let values = ProcessTelemetryCollector().readings()
        let rss = values["process_rss_bytes"] ?? 0
        #expect(rss > 1_000_000 && rss < 64_000_000_000)
        #expect((values["process_threads"] ?? 0) >= 1)
        #expect((values["process_cpu_time_user"] ?? -1) > 0)
        #expect((values["process_cpu_time_system"] ?? -1) >= 0)
        #expect((values["process_peak_rss_bytes"] ?? 0) >= rss)
        #expect(values["process_count"] == nil)  // only for trees
    }

    @Test("process-tree telemetry counts the children")
    func processTree() throws {
        let child = Process()
        child.executableURL = URL(fileURLWithPath: "/bin/sleep")
        child.arguments = ["5"]
        try child.run()
        defer { child.terminate() }
        Thread.sleep(forTimeInterval: 0.1)
        let values = ProcessTelemetryCollector(includeDescendants: true).readings()
        #expect((values["process_count"] ?? 0) >= 2)
        let alone = ProcessTelemetryCollector(processID: child.processIdentifier).readings()
        #expect((alone["process_rss_bytes"] ?? 0) > 0)
        let gone = ProcessTelemetryCollector(processID: 999_999_999).readings()
        #expect(gone.isEmpty)  // unreadable: absent, never 0
    }

    @Test("host telemetry: memory now, CPU utilization from the second sample on")
    func hostTelemetry() throws {
        let collector = HostTelemetryCollector()
        let first = collector.readings()
        #expect(first["cpu_percent"] == nil)  // a rate needs two samples
        #expect((first["memory_total_bytes"] ?? 0) > 100_000_000)
        let used = try #require(first["memory_used_bytes"])
        #expect(used > 0 && used < first["memory_total_bytes"]!)
        #expect((0...100).contains(first["memory_percent"] ?? -1))
        #expect((first["load_average_1m"] ?? -1) >= 0)
        Thread.sleep(forTimeInterval: 0.2)
        let second = collector.readings()
        let cpu = try #require(second["cpu_percent"])
        #expect((0...100).contains(cpu))
        #expect(second["cpu_0_percent"] != nil)
        #expect(
            ProcessInfo.processInfo.processorCount
                == second.keys.filter { $0.hasPrefix("cpu_") && $0 != "cpu_percent" }.count)
    }

    /// A stand-in for nvidia-smi that prints what a two-GPU machine prints, one GPU with unsupported fields.
    static func fakeNvidiaSMI(in folder: TemporaryDirectory, exitCode: Int = 0) throws -> String {
        let path = folder.path("nvidia-smi")
        try """
        #!/bin/sh
        echo "0, GPU-11111111-2222-3333-4444-555555555555, NVIDIA H100 80GB HBM3, 550.54.15, 37, 12, 1024, 81559, 71.52, 700.00, 34, 1980, 2619"
        echo "1, GPU-66666666-7777-8888-9999-000000000000, NVIDIA H100 80GB HBM3, 550.54.15, [N/A], [Not Supported], 0, 81559, [N/A], [N/A], 30, 345, 2619"
        exit \(exitCode)
        """.write(toFile: path, atomically: true, encoding: .utf8)
        chmod(path, 0o755)
        return path
    }

    @Test("GPU readings come from nvidia-smi; fields it cannot read are absent, never 0")
    func gpuParsing() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let collector = GPUTelemetryCollector(executable: try Self.fakeNvidiaSMI(in: folder))
        let devices = collector.devices()
        #expect(devices.count == 2)
        #expect(devices[0].name == "NVIDIA H100 80GB HBM3")
        #expect(devices[0].uuid == "GPU-11111111-2222-3333-4444-555555555555")
        #expect(devices[0].driverVersion == "550.54.15")
        #expect(devices[0].readings["gpu_0_utilization_percent"] == 37)
        #expect(devices[0].readings["gpu_0_memory_used_bytes"] == Double(1024 * 1_048_576))
        #expect(devices[0].readings["gpu_0_power_watts"] == 71.52)
        #expect(devices[0].readings["gpu_0_temperature_celsius"] == 34)
        #expect(devices[1].readings["gpu_1_utilization_percent"] == nil)
        #expect(devices[1].readings["gpu_1_memory_utilization_percent"] == nil)
        #expect(devices[1].readings["gpu_1_power_watts"] == nil)
        #expect(devices[1].readings["gpu_1_memory_used_bytes"] == 0)  // a real 0 stays 0
        let sample = collector.snapshot(run: ProvID(high: 1, low: 1), phase: .periodic, time: .now())
        #expect(sample.values.count == 9 + 5)
        // Every key classifies into the taxonomy's GPU terms.
        for key in sample.values.keys {
            #expect(Taxonomy.standard.classify(key)?.term.id.hasPrefix("system.gpu") == true, "\(key)")
        }
    }

    @Test("no nvidia-smi, or a failing one, gives no GPU readings at all")
    func gpuAbsent() throws {
        #expect(GPUTelemetryCollector(executable: "/nonexistent/nvidia-smi").devices().isEmpty)
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let failing = GPUTelemetryCollector(executable: try Self.fakeNvidiaSMI(in: folder, exitCode: 9))
        #expect(failing.devices().isEmpty)
    }

    @Test("the environment report names the platform, the git state and redacts secrets")
    func environment() {
        let collector = EnvironmentCollector(
            directory: SharedData.packageRoot.path, gpuCollector: GPUTelemetryCollector(executable: "/nonexistent"))
        let report = collector.collect(environment: [
            "SLURM_JOB_ID": "4242", "SLURM_API_TOKEN": "hunter2", "CUDA_VISIBLE_DEVICES": "0,1",
            "AWS_SECRET_ACCESS_KEY": "abc", "HOME": "/root", "PROVKIT_AUTH_TOKEN": "xyz",
        ])
        #expect(report.facts["os_name"]?.isEmpty == false)
        #expect(report.facts["kernel_version"]?.isEmpty == false)
        #expect(report.facts["logical_cores"] == String(ProcessInfo.processInfo.processorCount))
        #expect(report.facts["cpu_model"]?.isEmpty == false)
        #expect(report.facts["SLURM_JOB_ID"] == "4242")
        #expect(report.environment["SLURM_JOB_ID"] == "4242")
        #expect(report.environment["SLURM_API_TOKEN"] == "[REDACTED]")
        #expect(report.environment["PROVKIT_AUTH_TOKEN"] == "[REDACTED]")
        #expect(report.environment["CUDA_VISIBLE_DEVICES"] == "0,1")
        #expect(report.environment["AWS_SECRET_ACCESS_KEY"] == nil)  // not allow-listed at all
        #expect(report.environment["HOME"] == nil)
        #expect(report.gpus.isEmpty && report.facts["gpu_count"] == nil)
        if FileManager.default.fileExists(atPath: SharedData.packageRoot.appendingPathComponent(".git").path) {
            #expect(report.facts["git_commit"]?.count == 40)
            #expect(report.facts["git_dirty"] == "true" || report.facts["git_dirty"] == "false")
        }
        for key in report.facts.keys where key != "machine_architecture" {
            #expect(Taxonomy.standard.classify(key) != nil, "\(key) is not classified")
        }
    }

    @Test("installed Python distributions are read from their metadata, the first folder on the path winning")
    func pythonDistributions() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        func install(_ site: String, _ directory: String, _ file: String, name: String, version: String) throws {
            let path = folder.path("\(site)/\(directory)")
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
            try "Metadata-Version: 2.1\nName: \(name)\nVersion: \(version)\nSummary: x\n"
                .write(toFile: path + "/" + file, atomically: true, encoding: .utf8)
        }
        try install("venv", "numpy-2.4.6.dist-info", "METADATA", name: "numpy", version: "2.4.6")
        try install("venv", "scikit_learn-1.9.1.dist-info", "METADATA", name: "scikit-learn", version: "1.9.1")
        try install("system", "numpy-1.26.0.dist-info", "METADATA", name: "numpy", version: "1.26.0")
        try install("system", "six-1.16.0.egg-info", "PKG-INFO", name: "six", version: "1.16.0")
        let packages = EnvironmentCollector.installedDistributions(
            in: [folder.path("venv"), folder.path("system"), folder.path("missing")])
        #expect(packages == ["numpy": "2.4.6", "scikit-learn": "1.9.1", "six": "1.16.0"])
    }

    @Test("secrets are recognised by name and credentials are removed from remotes")
    func redaction() {
        for name in ["GITHUB_TOKEN", "db_password", "MY_API_KEY", "AWS_SECRET_ACCESS_KEY", "HF_AUTH", "SESSION_ID"] {
            #expect(EnvironmentCollector.isSecret(name), "\(name)")
        }
        for name in ["SLURM_JOB_ID", "OMP_NUM_THREADS", "CUDA_VISIBLE_DEVICES"] {
            #expect(!EnvironmentCollector.isSecret(name), "\(name)")
        }
    }

    @Test("SHA-256 matches the FIPS 180-4 test vectors, in one piece and in chunks")
    func sha256() {
        #expect(SHA256.hex(Array("".utf8)) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hex(Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        let twoBlocks = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"
        #expect(SHA256.hex(Array(twoBlocks.utf8)) == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        var million = SHA256()
        let chunk = [UInt8](repeating: UInt8(ascii: "a"), count: 1000)
        for _ in 0..<1000 { million.update(chunk) }
        #expect(
            SHA256.hexString(million.finalize()) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
        // Odd chunk sizes across block boundaries give the same digest.
        let bytes = (0..<1000).map { UInt8(truncatingIfNeeded: $0 * 7) }
        var pieces = SHA256()
        var offset = 0
        for size in [1, 63, 64, 65, 3, 500, 304] {
            pieces.update(bytes[offset..<(offset + size)])
            offset += size
        }
        #expect(SHA256.hexString(pieces.finalize()) == SHA256.hex(bytes))
    }

    @Test("file digests are SHA-256 of the content; folder digests ignore listing order and see every change")
    func contentDigests() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        try FileManager.default.createDirectory(atPath: folder.path("data/sub"), withIntermediateDirectories: true)
        try "alpha\n".write(toFile: folder.path("data/a.txt"), atomically: true, encoding: .utf8)
        try "beta\n".write(toFile: folder.path("data/sub/b.txt"), atomically: true, encoding: .utf8)
        let file = try ContentDigest.of(path: folder.path("data/a.txt"))
        #expect(file.sha256 == SHA256.hex(Array("alpha\n".utf8)))
        let first = try ContentDigest.of(path: folder.path("data"))
        #expect(first.isDirectory && first.fileCount == 2 && first.totalBytes == 11)
        // The same content written in the other order elsewhere gives the same digest.
        try FileManager.default.createDirectory(atPath: folder.path("copy/sub"), withIntermediateDirectories: true)
        try "beta\n".write(toFile: folder.path("copy/sub/b.txt"), atomically: true, encoding: .utf8)
        try "alpha\n".write(toFile: folder.path("copy/a.txt"), atomically: true, encoding: .utf8)
        #expect(try ContentDigest.of(path: folder.path("copy")).sha256 == first.sha256)
        // A renamed file changes the digest, as does a changed byte.
        try FileManager.default.moveItem(atPath: folder.path("copy/a.txt"), toPath: folder.path("copy/c.txt"))
        #expect(try ContentDigest.of(path: folder.path("copy")).sha256 != first.sha256)
        #expect(throws: ContentDigestError.self) { try ContentDigest.of(path: folder.path("missing")) }
    }

    @Test("a program a test needs is found on the search path, and its absence fails under CI instead of passing")
    func requiredTool() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let tool = folder.path("tool")
        FileManager.default.createFile(atPath: tool, contents: Data("#!/bin/sh\n".utf8))
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: tool)
        #expect(try RequiredTool.locate("tool", purpose: "this test", in: [folder.url.path], isCI: true) == tool)
        #expect(throws: RequiredToolMissing.self) {
            try RequiredTool.locate("sha256sum", purpose: "the comparison", in: [folder.url.path], isCI: true)
        }
    }

    @Test("file digests equal coreutils sha256sum's (required under CI=true; cancelled with a message elsewhere)")
    func digestsEqualSha256sum() throws {
        let sha256sum = try RequiredTool.locate("sha256sum", purpose: "the digest comparison with coreutils")
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let bytes = (0..<70_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        FileManager.default.createFile(atPath: folder.path("a.bin"), contents: Data(bytes))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: sha256sum)
        process.arguments = [folder.path("a.bin")]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        let digest = try ContentDigest.of(path: folder.path("a.bin")).sha256
        #expect(digest.count == 64 && output.hasPrefix(digest + " "), "sha256sum: \(output), ProvKit: \(digest)")
    }
}
