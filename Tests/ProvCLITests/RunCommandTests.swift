import Foundation
import ProvModel
import ProvTesting
import Testing

@Suite("provkit run")
struct RunCommandTests {
    func onlyRun(_ fixture: CLIFixture) throws -> [String: Any] {
        let runs = try #require(try fixture.json(["runs"]) as? [[String: Any]])
        #expect(runs.count == 1)
        let id = try #require(runs.first?["id"] as? String)
        return try #require(try fixture.json(["show", id]) as? [String: Any])
    }

    func tags(_ detail: [String: Any]) -> [String: String] {
        var tags: [String: String] = [:]
        for tag in detail["tags"] as? [[String: Any]] ?? [] {
            if let key = tag["key"] as? String, let value = tag["value"] as? String { tags[key] = value }
        }
        return tags
    }

    @Test("records the command, its exit code, output sizes, environment, inputs and outputs, and exits like it")
    func recordsARun() throws {
        let fixture = try CLIFixture(environment: [
            "MY_SERVICE_TOKEN": "s3cr3t", "SLURM_JOB_ID": "77", "SLURM_JOB_TOKEN": "t0k",
        ])
        defer { fixture.directory.remove() }
        let input = try fixture.write("input.txt", "some input\n")
        let output = fixture.directory.path("result.txt")
        let result = try fixture.run([
            "run", "--name", "copy", "--input", input, "--output", output, "--interval", "0.2", "--tail", "64", "--",
            "sh", "-c", "echo hello; echo oops >&2; cp \"$1\" \"$2\"; sleep 0.5; exit 7", "sh", input, output,
        ])
        #expect(result.status == 7, "\(result)")
        #expect(result.standardOutput == "hello\n")  // passed through unchanged
        #expect(result.standardError.contains("oops\n"))
        #expect(result.standardError.contains("provkit: recorded run"))
        let detail = try onlyRun(fixture)
        let run = try #require(detail["run"] as? [String: Any])
        #expect(run["status"] as? String == "failed")
        #expect(run["name"] as? String == "copy")
        let tags = tags(detail)
        #expect(tags["exit_code"] == "7")
        #expect(tags["stdout_bytes"] == "6")
        #expect(tags["stderr_bytes"] == "5")
        #expect(tags["stdout_tail"] == "hello\n")
        #expect(tags["command"]?.hasPrefix("sh -c 'echo hello;") == true)
        #expect(Double(tags["duration_seconds"] ?? "") ?? 0 >= 0.5)
        #expect(tags["SLURM_JOB_ID"] == "77")
        let environment = try #require(tags["env"])
        #expect(environment.contains(#""SLURM_JOB_TOKEN":"[REDACTED]""#))
        #expect(!environment.contains("s3cr3t") && !environment.contains("t0k"))
        #expect(!environment.contains("MY_SERVICE_TOKEN"))
        // Inputs and outputs are content-addressed.
        let relations = try #require(detail["relations"] as? [[String: Any]])
        let names = relations.compactMap { ($0["other"] as? [String: Any])?["name"] as? String }
        #expect(names.contains("input.txt") && names.contains("result.txt"))
        let telemetry = try #require(detail["telemetrySampleCount"] as? Int)
        #expect(telemetry >= 3)  // start, at least one periodic, end
        let terms = try #require(detail["terms"] as? [String])
        for term in [
            "system.process.cpu_time", "system.process.rss", "system.cpu.utilization", "system.os.name",
            "application.execution.exit_code", "platform.environment.variables",
        ] {
            #expect(terms.contains(term), "missing \(term)")
        }
        let lineage = try fixture.succeed(["lineage", output, "--direction", "up", "--depth", "2"]).standardOutput
        #expect(lineage.contains("wasGeneratedBy run/workflow copy"))
        #expect(lineage.contains("used entity/file input.txt"))
    }

    @Test("credentials inside environment values, the command line and the output tails are not stored")
    func credentialsInsideValues() throws {
        let fixture = try CLIFixture(environment: [
            "PROVKIT_STORE": "postgres://prov:PGSECRET@db.example/prov",
            "MLFLOW_TRACKING_URI": "https://bob:MLSECRET@mlflow.example",
        ])
        defer { fixture.directory.remove() }
        let result = try fixture.run([
            "run", "--no-mlflow", "--interval", "0", "--tail", "200", "--",
            "sh", "-c", "echo \"$1\"", "sh", "redis://:OUTSECRET@cache:6379/0", "--token", "CMDSECRET",
        ])
        #expect(result.status == 0, "\(result)")
        let detail = try onlyRun(fixture)
        let tags = tags(detail)
        let everything = tags.values.joined(separator: "\n")
        for secret in ["PGSECRET", "MLSECRET", "OUTSECRET", "CMDSECRET"] {
            #expect(!everything.contains(secret), "\(secret) was stored")
        }
        let environment = try #require(tags["env"])
        #expect(environment.contains("postgres://prov:[REDACTED]@db.example/prov"))
        #expect(environment.contains("https://bob:[REDACTED]@mlflow.example"))
        #expect(tags["stdout_tail"] == "redis://:[REDACTED]@cache:6379/0\n")
        #expect(tags["command"]?.contains("--token '[REDACTED]'") == true, "\(tags["command"] ?? "")")
    }

    @Test("a successful command exits 0 and is recorded as finished")
    func success() throws {
        let fixture = try CLIFixture()
        defer { fixture.directory.remove() }
        let result = try fixture.run(["run", "--interval", "0", "--", "true"])
        #expect(result.status == 0, "\(result)")
        let run = try #require(try onlyRun(fixture)["run"] as? [String: Any])
        #expect(run["status"] as? String == "finished")
        #expect(run["name"] as? String == "true")
    }

    @Test("SIGTERM sent to provkit reaches the program, which may clean up; provkit exits with its code")
    func forwardsSignals() throws {
        let fixture = try CLIFixture()
        defer { fixture.directory.remove() }
        let marker = fixture.directory.path("cleaned-up")
        let process = Process()
        process.executableURL = fixture.runner.executable
        process.currentDirectoryURL = fixture.directory.url
        process.arguments = [
            "run", "--store", fixture.directory.path("store"), "--interval", "0", "--", "sh", "-c",
            "trap 'touch \(marker); exit 42' TERM; while true; do sleep 0.05; done",
        ]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        Thread.sleep(forTimeInterval: 1.0)
        kill(process.processIdentifier, SIGTERM)
        process.waitUntilExit()
        #expect(process.terminationStatus == 42)
        #expect(FileManager.default.fileExists(atPath: marker))
        let detail = try onlyRun(fixture)
        #expect(tags(detail)["exit_code"] == "42")
    }

    @Test("a program killed by a signal is recorded as killed, with exit code 128 + signal")
    func killedBySignal() throws {
        let fixture = try CLIFixture()
        defer { fixture.directory.remove() }
        let result = try fixture.run(["run", "--interval", "0", "--", "sh", "-c", "kill -KILL $$"])
        #expect(result.status == 137)
        let detail = try onlyRun(fixture)
        #expect(tags(detail)["signal"] == "9")
        #expect((detail["run"] as? [String: Any])?["status"] as? String == "failed")
    }

    @Test(
        "mistakes get clear errors and record nothing",
        arguments: [
            (["run"], "give the program to run after --"),
            (["run", "--", "no-such-program-xyz"], "command not found: no-such-program-xyz"),
            (["run", "--input", "missing.csv", "--", "true"], "--input missing.csv does not exist"),
            (["run", "--interval=-1", "--", "true"], "--interval must be 0 or more"),
            // Before: 1e300 seconds trapped converting to milliseconds.
            (["run", "--interval=1e300", "--", "true"], "at most 86400"),
            (["run", "--interval=nan", "--", "true"], "--interval must be 0 or more"),
            (["run", "--server", "ftp://x", "--", "true"], "is not an http(s) URL"),
        ])
    func mistakes(_ arguments: [String], _ message: String) throws {
        let fixture = try CLIFixture()
        defer { fixture.directory.remove() }
        let result = try fixture.run(arguments)
        #expect(result.status != 0)
        #expect(result.standardError.contains(message), "\(result)")
    }
}
