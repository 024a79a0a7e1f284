import Foundation
import Logging
import ProvCapture
import ProvInspect
import ProvModel
import ProvTesting
import Testing

@Suite("Inspection of files an SDK session captures")
struct CaptureInspectionTests {
    let logger = Logger(label: "test")

    @Test("with the inspector opted in, used and generated files carry taxonomy attributes; without, they do not")
    func sessionInspection() async throws {
        let folder = try TemporaryDirectory(prefix: "provkit-capture-inspect")
        defer { folder.remove() }
        try "x,label\n1,cat\n2,dog\n3,dog\n".write(toFile: folder.path("train.csv"), atomically: true, encoding: .utf8)
        try Data([1, 2, 3]).write(to: URL(fileURLWithPath: folder.path("broken.safetensors")))
        for inspect in [true, false] {
            let sink = InMemoryEventSink()
            var options = ProvCapture.Options()
            if inspect { options.inspector = ProvArtifactInspector() }
            try await ProvCapture.withSession(sink: sink, experiment: "inspect", options: options, logger: logger) {
                capture in
                try await capture.withWorkflow("train") { run in
                    try run.used(path: folder.path("train.csv"), role: "training")
                    try run.generated(path: folder.path("broken.safetensors"))
                }
            }
            let entities = sink.events.compactMap { event -> EntityRecord? in
                if case .entity(let entity) = event { entity } else { nil }
            }
            let table = try #require(entities.first { $0.name == "train.csv" })
            let broken = try #require(entities.first { $0.name == "broken.safetensors" })
            if inspect {
                #expect(table.kind == .dataset)
                #expect(table.attributes["data.statistics.num_samples"] == 3)
                #expect(table.attributes["data.statistics.class_counts"] == ["cat": 1, "dog": 2])
                #expect(broken.kind == .model)  // recognised, unreadable: recorded with the failure noted
                #expect(broken.attributes["inspection"]?.objectValue?["error"]?.stringValue?.contains("8-byte") == true)
            } else {
                #expect(table.kind == .file && table.attributes.isEmpty)
                #expect(broken.kind == .file && broken.attributes.isEmpty)
            }
            #expect(table.digest == "sha256:" + SHA256.hex(Array("x,label\n1,cat\n2,dog\n3,dog\n".utf8)))
        }
    }
}
