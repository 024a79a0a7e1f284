import Foundation
import ProvModel
import ProvTesting
import Testing

/// `provkit` hashes files with swift-crypto's SHA-256 where the build links it; the digests must be ProvModel's.
@Suite("provkit file hashing")
struct FileHashingTests {
    @Test("inspect dataset gives ProvModel's SHA-256 for empty, small and multi-chunk files")
    func digestsEqualProvModels() throws {
        let fixture = try CLIFixture()
        var generator = SystemRandomNumberGenerator()
        for size in [0, 1, 63, 64, 65, (1 << 20) - 1, 3 * (1 << 20) + 5] {
            let path = fixture.directory.path("file-\(size).bin")
            let bytes = (0..<size).map { _ in UInt8.random(in: 0...255, using: &generator) }
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            let result = try fixture.succeed(["inspect", "dataset", path, "--json"], store: false)
            let json = try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [String: Any]
            let expected = try ContentDigest.hashFile(path)
            #expect(json?["digest"] as? String == "sha256:" + expected.sha256, "size \(size)")
            #expect((json?["sizeBytes"] as? NSNumber)?.int64Value == expected.size)
        }
    }
}
