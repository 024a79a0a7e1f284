import ProvModel

#if canImport(Crypto)
import Crypto
#endif

/// The SHA-256 `provkit` hashes files with: swift-crypto's (BoringSSL, with the CPU's SHA instructions where it has
/// them) in builds that link it — the default build, where postgres-nio brings it in — and ProvModel's portable
/// implementation otherwise. Both give the same digests; docs/benchmarks.md has the throughput of each.
enum FileHashing {
    /// Hashes one file in 1 MiB chunks.
    static let hasher: ContentDigest.FileHasher = { path in
        #if canImport(Crypto)
        var hasher = Crypto.SHA256()
        let size = try ContentDigest.readChunks(of: path) { hasher.update(bufferPointer: $0) }
        return (ProvModel.SHA256.hexString(Array(hasher.finalize())), size)
        #else
        return try ContentDigest.hashFile(path)
        #endif
    }

    /// Which implementation `hasher` uses, for `--verbose` and the tests.
    static var implementation: String {
        #if canImport(Crypto)
        "swift-crypto"
        #else
        "ProvModel"
        #endif
    }
}
