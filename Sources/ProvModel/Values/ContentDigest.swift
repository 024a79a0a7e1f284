import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Content digests of files and folders, so that what a run used or generated is identified by its bytes.
///
/// A file's digest is the SHA-256 of its bytes. A folder's digest is independent of the order the file system
/// lists it in (a Merkle-style digest of its files): the SHA-256 of the lines `<relative path>\0<sha256 of the
/// file>\n` for every regular file below it, sorted by path (bytewise). Symbolic links are not followed inside
/// folders; their targets are recorded as the link text instead (`<path>\0link:<target>\n`).
///
/// The capture SDK, the inspectors and the server share this one definition, so a folder hashed by any of them
/// has the same digest.
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

    /// A digest computed elsewhere (a streamed upload, say).
    public init(path: String, isDirectory: Bool, sha256: String, totalBytes: Int64, fileCount: Int) {
        self.path = path
        self.isDirectory = isDirectory
        self.sha256 = sha256
        self.totalBytes = totalBytes
        self.fileCount = fileCount
    }

    /// Hashes one file: returns its SHA-256 (64 lowercase hex characters) and its size. ``hashFile(_:)`` is the
    /// default; a caller that may link a cryptography library can pass a faster one.
    public typealias FileHasher = @Sendable (_ path: String) throws -> (sha256: String, size: Int64)

    /// Hashes the file or folder at `path`.
    /// - Parameter fileHasher: hashes each file; the default is ProvModel's own SHA-256 (``hashFile(_:)``).
    /// - Throws: ``ContentDigestError`` when it does not exist or cannot be read.
    public static func of(path: String, fileHasher: FileHasher = { try hashFile($0) }) throws -> ContentDigest {
        let absolute = URL(fileURLWithPath: path).standardizedFileURL.path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: absolute, isDirectory: &isDirectory) else {
            throw ContentDigestError("cannot hash \(path): no such file or folder")
        }
        if !isDirectory.boolValue {
            let (digest, size) = try fileHasher(absolute)
            return ContentDigest(path: absolute, isDirectory: false, sha256: digest, totalBytes: size, fileCount: 1)
        }
        var lines: [(String, String)] = []
        var total: Int64 = 0
        guard let enumerator = FileManager.default.enumerator(atPath: absolute) else {
            throw ContentDigestError("cannot list the folder \(path)")
        }
        while let relative = enumerator.nextObject() as? String {
            let full = absolute + "/" + relative
            let attributes = try? FileManager.default.attributesOfItem(atPath: full)
            let type = attributes?[.type] as? FileAttributeType
            if type == .typeSymbolicLink {
                let target = (try? FileManager.default.destinationOfSymbolicLink(atPath: full)) ?? ""
                lines.append((relative, "link:" + target))
            } else if type == .typeRegular {
                let (digest, size) = try fileHasher(full)
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
    /// - Throws: ``ContentDigestError`` when the file cannot be read.
    public static func hashFile(_ path: String) throws -> (sha256: String, size: Int64) {
        var hasher = SHA256()
        let size = try readChunks(of: path) { hasher.update($0) }
        return (SHA256.hexString(hasher.finalize()), size)
    }

    /// Reads a file in 1 MiB chunks and hands each to `body`; returns the number of bytes read.
    /// - Throws: ``ContentDigestError`` when the file cannot be opened or read.
    public static func readChunks(of path: String, _ body: (UnsafeRawBufferPointer) -> Void) throws -> Int64 {
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else {
            throw ContentDigestError("cannot read \(path): \(String(cString: strerror(errno)))")
        }
        defer { close(descriptor) }
        var total: Int64 = 0
        let chunk = 1 << 20
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: chunk, alignment: 64)
        defer { buffer.deallocate() }
        while true {
            let count = read(descriptor, buffer.baseAddress, chunk)
            if count < 0 {
                if errno == EINTR { continue }
                throw ContentDigestError("cannot read \(path): \(String(cString: strerror(errno)))")
            }
            if count == 0 { break }
            body(UnsafeRawBufferPointer(rebasing: buffer[0..<count]))
            total += Int64(truncatingIfNeeded: count)  // at most `chunk`
        }
        return total
    }
}

/// A file or folder that could not be hashed; the message names it and says why.
public struct ContentDigestError: Error, CustomStringConvertible, Sendable {
    public var description: String

    public init(_ description: String) {
        self.description = description
    }
}
