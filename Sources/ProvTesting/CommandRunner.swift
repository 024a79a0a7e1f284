public import Foundation

/// Runs the built `provkit` binary, as a user would, and captures what it prints.
public struct CommandRunner: Sendable {
    /// What a command did.
    public struct Result: Sendable, CustomStringConvertible {
        public var status: Int32
        public var standardOutput: String
        public var standardError: String

        public var description: String {
            "exit \(status)\n--- stdout\n\(standardOutput)\n--- stderr\n\(standardError)"
        }
    }

    /// The binary to run.
    public let executable: URL
    /// The working directory of every command.
    public let workingDirectory: URL
    /// Extra environment variables (the rest is inherited, minus `PROVKIT_STORE`).
    public var environment: [String: String]

    /// Finds `provkit` next to the test bundle (or at `PROVKIT_BINARY`) and runs it in `workingDirectory`.
    public init(workingDirectory: URL, environment: [String: String] = [:]) throws {
        self.executable = try Self.locateBinary()
        self.workingDirectory = workingDirectory
        self.environment = environment
    }

    static func locateBinary() throws -> URL {
        var candidates: [URL] = []
        if let path = ProcessInfo.processInfo.environment["PROVKIT_BINARY"], !path.isEmpty {
            candidates.append(URL(fileURLWithPath: path))
        }
        if let path = Bundle.main.executablePath {
            candidates.append(URL(fileURLWithPath: path).deletingLastPathComponent().appendingPathComponent("provkit"))
        }
        candidates.append(
            URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("provkit")
        )
        for bundle in Bundle.allBundles {
            candidates.append(bundle.bundleURL.deletingLastPathComponent().appendingPathComponent("provkit"))
        }
        candidates.append(SharedData.packageRoot.appendingPathComponent(".build/debug/provkit"))
        for candidate in candidates where FileManager.default.isExecutableFile(atPath: candidate.path) {
            return candidate
        }
        throw CommandRunnerError(
            description: "cannot find the provkit binary; run `swift build` first or set PROVKIT_BINARY "
                + "(looked at: \(candidates.map(\.path).joined(separator: ", ")))")
    }

    /// Runs `provkit` with `arguments`, feeding `input` to its standard input, and waits for it to exit.
    public func run(_ arguments: [String], input: String? = nil) throws -> Result {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.currentDirectoryURL = workingDirectory
        var environment = ProcessInfo.processInfo.environment
        environment["PROVKIT_STORE"] = nil
        environment["PROVKIT_LOG_LEVEL"] = nil
        for (key, value) in self.environment { environment[key] = value }
        process.environment = environment
        let output = Pipe()
        let error = Pipe()
        let standardInput = Pipe()
        process.standardOutput = output
        process.standardError = error
        process.standardInput = standardInput
        try process.run()
        if let input {
            standardInput.fileHandleForWriting.write(Data(input.utf8))
        }
        try standardInput.fileHandleForWriting.close()
        // Read both pipes concurrently with the process so that a full pipe cannot block it.
        let group = DispatchGroup()
        nonisolated(unsafe) var errorData = Data()
        group.enter()
        DispatchQueue.global().async {
            errorData = error.fileHandleForReading.readDataToEndOfFile()
            group.leave()
        }
        let outputData = output.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        process.waitUntilExit()
        return Result(
            status: process.terminationStatus, standardOutput: String(decoding: outputData, as: UTF8.self),
            standardError: String(decoding: errorData, as: UTF8.self))
    }
}

/// The `provkit` binary could not be found.
public struct CommandRunnerError: Error, CustomStringConvertible {
    public var description: String
}
