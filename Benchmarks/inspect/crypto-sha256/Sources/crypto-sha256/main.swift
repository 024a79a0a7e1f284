import Crypto
import Foundation

// Reads the file in 1 MiB chunks, as ProvModel's ContentDigest does, and prints the hex SHA-256.
guard CommandLine.arguments.count == 2 else {
    FileHandle.standardError.write(Data("usage: crypto-sha256 FILE\n".utf8))
    exit(2)
}
let descriptor = open(CommandLine.arguments[1], O_RDONLY)
guard descriptor >= 0 else {
    FileHandle.standardError.write(Data("cannot open \(CommandLine.arguments[1])\n".utf8))
    exit(1)
}
var hasher = SHA256()
let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 64)
while true {
    let count = read(descriptor, buffer.baseAddress, 1 << 20)
    if count <= 0 { break }
    hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: buffer[0..<count]))
}
print(hasher.finalize().map { String(format: "%02x", $0) }.joined())
