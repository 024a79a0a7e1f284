import Foundation
import ProvModel

#if canImport(Glibc)
    import Glibc
#endif

/// Content digests of files and folders, so that what a run used or generated is identified by its bytes.
///
/// A file's digest is the SHA-256 of its bytes. A folder's digest is independent of the order the file system
/// lists it in: the SHA-256 of the lines `<relative path>\0<sha256 of the file>\n` for every regular file below it,
/// sorted by path (bytewise). Symbolic links are not followed inside folders; their targets are recorded as the
/// link text instead (`<path>\0link:<target>\n`).
public struct ContentDigest: Hashable, Sendable {
    /// The absolute, standardized path.
    public var path: String
    public var isDirectory: Bool
    /// 64 lowercase hexadecimal characters.
    public var sha256: String
    /// The size of the file, or the total size of the files in the folder.
    public var totalBytes: Int64
    /// 1 for a file; the number of files for a folder.
    public var fileCount: Int

    /// Hashes the file or folder at `path`.
    /// - Throws: ``CaptureError`` when it does not exist or cannot be read.
    public static func of(path: String) throws -> ContentDigest {
        let absolute = URL(fileURLWithPath: path).standardizedFileURL.path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: absolute, isDirectory: &isDirectory) else {
            throw CaptureError("cannot hash \(path): no such file or folder")
        }
        if !isDirectory.boolValue {
            let (digest, size) = try hashFile(absolute)
            return ContentDigest(path: absolute, isDirectory: false, sha256: digest, totalBytes: size, fileCount: 1)
        }
        var lines: [(String, String)] = []
        var total: Int64 = 0
        guard let enumerator = FileManager.default.enumerator(atPath: absolute) else {
            throw CaptureError("cannot list the folder \(path)")
        }
        while let relative = enumerator.nextObject() as? String {
            let full = absolute + "/" + relative
            let attributes = try? FileManager.default.attributesOfItem(atPath: full)
            let type = attributes?[.type] as? FileAttributeType
            if type == .typeSymbolicLink {
                let target = (try? FileManager.default.destinationOfSymbolicLink(atPath: full)) ?? ""
                lines.append((relative, "link:" + target))
            } else if type == .typeRegular {
                let (digest, size) = try hashFile(full)
                total += size
                lines.append((relative, digest))
            }
        }
        lines.sort { Array($0.0.utf8).lexicographicallyPrecedes(Array($1.0.utf8)) }
        var hasher = SHA256()
        for (relative, digest) in lines {
            hasher.update(Array("\(relative)\u{0}\(digest)\n".utf8))
        }
        return ContentDigest(
            path: absolute, isDirectory: true, sha256: SHA256.hexString(hasher.finalize()), totalBytes: total,
            fileCount: lines.count)
    }

    /// The SHA-256 (hex) and size of one file, read in 1 MiB chunks.
    public static func hashFile(_ path: String) throws -> (String, Int64) {
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else {
            throw CaptureError("cannot read \(path): \(String(cString: strerror(errno)))")
        }
        defer { close(descriptor) }
        var hasher = SHA256()
        var total: Int64 = 0
        let chunk = 1 << 20
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: chunk, alignment: 64)
        defer { buffer.deallocate() }
        while true {
            let count = read(descriptor, buffer.baseAddress, chunk)
            if count < 0 {
                if errno == EINTR { continue }
                throw CaptureError("cannot read \(path): \(String(cString: strerror(errno)))")
            }
            if count == 0 { break }
            hasher.update(UnsafeRawBufferPointer(rebasing: buffer[0..<count]))
            total += Int64(count)
        }
        return (SHA256.hexString(hasher.finalize()), total)
    }
}
