import Foundation
import ProvModel
import Synchronization
import Testing

@Suite("ProvID")
struct ProvIDTests {
    @Test("prints 32 lowercase hex digits and parses them back")
    func hexRoundTrip() throws {
        let id = ProvID(high: 0x0190_A5F2_3B4C_7D5E, low: 0x8F6A_0B1C_2D3E_4F50)
        #expect(id.hex == "0190a5f23b4c7d5e8f6a0b1c2d3e4f50")
        #expect(id.description == id.hex)
        #expect(ProvID(hex: id.hex) == id)
        #expect(ProvID(hex: id.hex.uppercased()) == id)
        #expect(ProvID(hex: id.hex[...]) == id)
        #expect(ProvID(high: 0, low: 0).hex == String(repeating: "0", count: 32))
        #expect(ProvID(high: .max, low: .max).hex == String(repeating: "f", count: 32))
    }

    @Test("parses the dashed 8-4-4-4-12 UUID form")
    func dashedForm() {
        let id = ProvID(hex: "0190a5f2-3b4c-7d5e-8f6a-0b1c2d3e4f50")
        #expect(id == ProvID(high: 0x0190_A5F2_3B4C_7D5E, low: 0x8F6A_0B1C_2D3E_4F50))
        #expect(ProvID(hex: "0190A5F2-3B4C-7D5E-8F6A-0B1C2D3E4F50") == id)
    }

    @Test(
        "rejects text that is not 128 bits of hex",
        arguments: [
            "", "0190a5f23b4c7d5e8f6a0b1c2d3e4f5", "0190a5f23b4c7d5e8f6a0b1c2d3e4f500",
            "0190a5f23b4c7d5e8f6a0b1c2d3e4f5g", "0190a5f2 3b4c7d5e8f6a0b1c2d3e4f50", "0x90a5f23b4c7d5e8f6a0b1c2d3e4f50",
            "{0190a5f2-3b4c-7d5e-8f6a-0b1c2d3e4f50}", "zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz",
            "é190a5f23b4c7d5e8f6a0b1c2d3e4f5",
            // Dashes anywhere but the 8-4-4-4-12 positions.
            "0190a5f23b4c7d5e8f6a0b1c2d3e4f50-", "-0190a5f23b4c7d5e8f6a0b1c2d3e4f50",
            "0-1-9-0a5f23b4c7d5e8f6a0b1c2d3e4f50", "0190a5f2-3b4c7d5e8f6a0b1c2d3e4f50",
            "0190a5f23-b4c-7d5e-8f6a-0b1c2d3e4f50", "0190a5f2--3b4c7d5e8f6a0b1c2d3e4f50",
            "0190a5f2-3b4c-7d5e-8f6a0b1c-2d3e4f50",
        ])
    func rejectsInvalid(text: String) {
        #expect(ProvID(hex: text) == nil)
    }

    @Test("orders by the high half, then the low half")
    func ordering() {
        let a = ProvID(high: 1, low: .max)
        let b = ProvID(high: 2, low: 0)
        let c = ProvID(high: 2, low: 1)
        #expect(a < b && b < c)
        #expect([c, a, b].sorted() == [a, b, c])
        #expect(a.hex < b.hex && b.hex < c.hex)  // hex text sorts like the ids
    }

    @Test("live identifiers carry version 7, the RFC 9562 variant and the current time")
    func versionAndVariant() {
        let generator = UUIDv7Generator()
        let before = ProvTime.now().unixMilliseconds
        for _ in 0..<1_000 {
            let id = generator.next()
            #expect((id.high >> 12) & 0xF == 7)
            #expect(id.low >> 62 == 0b10)
            #expect(id.unixMilliseconds >= before)
            #expect(id.unixMilliseconds <= ProvTime.now().unixMilliseconds + 1_000)
            let dashed = id.hex
            #expect(Array(dashed)[12] == "7")
            #expect("89ab".contains(Array(dashed)[16]))
        }
    }

    @Test("identifiers from one generator strictly increase: 10,000 from the system clock")
    func monotonicSystemClock() {
        let generator = UUIDv7Generator()
        var previous = generator.next()
        var seen: Set<ProvID> = [previous]
        for _ in 0..<10_000 {
            let id = generator.next()
            #expect(previous < id)
            seen.insert(id)
            previous = id
        }
        #expect(seen.count == 10_001)
    }

    @Test("identifiers strictly increase when the clock stands still or goes back")
    func monotonicStoppedClock() {
        let clock = Mutex<UInt64>(1_700_000_000_000)
        let generator = UUIDv7Generator(millisecondsSinceEpoch: { clock.withLock { $0 } })
        var previous = generator.next()
        for index in 0..<10_000 {
            if index == 5_000 {
                clock.withLock { $0 -= 10 }  // the clock steps back
            }
            let id = generator.next()
            #expect(previous < id, "id \(index)")
            #expect((id.high >> 12) & 0xF == 7)
            #expect(id.low >> 62 == 0b10)
            previous = id
        }
        // 10,000 ids cannot fit into one millisecond's 12-bit counter: the generator borrowed later milliseconds.
        #expect(previous.unixMilliseconds > 1_700_000_000_000)
        #expect(previous.unixMilliseconds < 1_700_000_000_000 + 10)
    }

    @Test("a later millisecond always sorts after an earlier one")
    func timeOrdering() {
        let clock = Mutex<UInt64>(1_000)
        let generator = UUIDv7Generator(millisecondsSinceEpoch: { clock.withLock { $0 } })
        let first = generator.next()
        clock.withLock { $0 += 1 }
        let second = generator.next()
        #expect(first.unixMilliseconds == 1_000)
        #expect(second.unixMilliseconds == 1_001)
        #expect(first < second)
    }

    @Test("identifiers are unique across concurrent callers")
    func concurrentUniqueness() async {
        let generator = UUIDv7Generator()
        let ids = await withTaskGroup(of: [ProvID].self) { group in
            for _ in 0..<8 {
                group.addTask { (0..<1_000).map { _ in generator.next() } }
            }
            var all: [ProvID] = []
            for await batch in group {
                #expect(batch == batch.sorted())
                all += batch
            }
            return all
        }
        #expect(Set(ids).count == 8_000)
    }

    @Test("encodes as its hex string and rejects other strings when decoding")
    func codable() throws {
        let id = ProvID(high: 0x0190_A5F2_3B4C_7D5E, low: 0x8F6A_0B1C_2D3E_4F50)
        let data = try JSONEncoder().encode([id])
        #expect(String(decoding: data, as: UTF8.self) == #"["0190a5f23b4c7d5e8f6a0b1c2d3e4f50"]"#)
        #expect(try JSONDecoder().decode([ProvID].self, from: data) == [id])
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode([ProvID].self, from: Data(#"["not-an-id"]"#.utf8))
        }
    }
}
