import ProvImport
import ProvModel
import ProvTesting
import Testing

@Suite("Imported events in the native format")
struct EventFormatTests {
    /// Every event survives the JSON Lines codec unchanged, so `provkit ingest` can read what an import writes.
    func expectRoundTrip(_ events: [ProvEvent]) throws {
        for event in events {
            let line = EventCodec.encode(event)
            let decoded = try EventCodec.decode(line: line)
            #expect(decoded == event, "\(line)")
        }
    }

    @Test(.enabled(if: SharedData.available("record-trails/cifar100")))
    func recordTrailsRoundTrip() throws {
        let files = try Fixtures.trailIDs.map { try Fixtures.trail($0) }
        var context = Fixtures.context()
        try expectRoundTrip(
            try RecordTrailImporter().events(files: files, experiment: Fixtures.experiment, context: &context))
    }

    @Test(.enabled(if: SharedData.available("a4nn")))
    func a4nnRoundTrip() throws {
        let file = try Fixtures.file("a4nn/1gpu_1e16_training_data.csv")
        var context = Fixtures.context()
        try expectRoundTrip(
            try A4NNImporter().events(
                fileName: file.name, contents: file.contents, experiment: Fixtures.experiment, context: &context))
    }

    @Test("non-finite values survive the codec")
    func nonFiniteRoundTrip() throws {
        let contents = InlineFiles.trail(replacingLine: 4, with: "1.5 nan inf 1.0" + InlineFiles.emptyMetadata)
        let events = try importTrail(contents)
        try expectRoundTrip(events)
    }
}
