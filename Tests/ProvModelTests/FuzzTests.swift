import Foundation
import ProvModel
import ProvTesting
import Testing

/// Mutated inputs for ProvModel's decoders of outside bytes: every one returns or throws, never traps.
/// `PROVKIT_FUZZ_ITERATIONS` and `PROVKIT_FUZZ_SEED` run longer or other inputs (docs/reliability.md).
@Suite("Fuzz: ProvModel decoders")
struct ProvModelFuzzTests {
    @Test("event JSON Lines: mutated events are decoded or refused with a line error", .timeLimit(.minutes(10)))
    func eventLines() {
        let lines = EventCodecTests.events.map(EventCodec.encode)
        let seeds = lines + [lines.joined(separator: "\n") + "\n"]
        let outcome = MutationFuzzer(name: "event-lines").run(seeds: seeds) { text in
            _ = try EventCodec.decode(lines: text)
        }
        #expect(outcome.accepted > 0 && outcome.refused > 0, "\(outcome)")
    }

    @Test("RFC 4180 text: mutated CSV and TSV are parsed or refused", .timeLimit(.minutes(10)))
    func delimitedText() {
        let seeds = [
            "a,b,label\n1,2.5,x\n2,NA,y\n3,,x\n4,\"q,\"\"r\"\"\",x\n",
            "\u{FEFF}id,text\r\n1,\"multi\r\nline\"\r\n2,plain\r\n",
            "x\ty\n1\t2\n",
        ]
        let outcome = MutationFuzzer(name: "delimited-text").run(seeds: seeds) { text in
            _ = try DelimitedTextParser.records(text)
            _ = try DelimitedTextParser.records(text, delimiter: UInt8(ascii: "\t"))
        }
        #expect(outcome.accepted > 0 && outcome.refused > 0, "\(outcome)")
    }
}
