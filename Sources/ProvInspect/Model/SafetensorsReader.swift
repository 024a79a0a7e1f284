import Foundation
import ProvModel

#if canImport(Glibc)
    import Glibc
#endif

/// Reads the header of a safetensors file, and only the header: an 8-byte little-endian length `n`, then `n` bytes
/// of JSON that name every tensor with its dtype, shape and byte range. The tensor data after it is never read, so
/// a file of any size is inspected in the time it takes to read its header.
///
/// The length is checked against the file's size and ``maximumHeaderBytes`` before anything is allocated, and every
/// tensor's byte range against its dtype, shape and the data area, so a truncated or hostile file gets a clear
/// error instead of a huge allocation.
public struct SafetensorsReader: Sendable {
    /// The largest header accepted: 100,000,000 bytes, the limit of the `safetensors` library itself.
    public static let maximumHeaderBytes: UInt64 = 100_000_000

    /// One tensor as the header describes it.
    public struct Entry: Hashable, Sendable {
        public var name: String
        public var dtype: String
        public var shape: [Int64]
        public var elementCount: Int64
        /// The byte range in the data area (after the header).
        public var begin: Int64
        public var end: Int64
    }

    /// A parsed header.
    public struct Header: Hashable, Sendable {
        /// The tensors in natural name order (numeric name components compared as numbers: `layer.2` before
        /// `layer.10`).
        public var entries: [Entry]
        /// The free-form `__metadata__` map (`{"format": "pt"}`).
        public var metadata: [String: String]
        /// The header's length in bytes.
        public var headerBytes: UInt64
        /// The file's size in bytes.
        public var fileBytes: Int64
    }

    /// Bits per element of the dtypes the format defines; others are accepted without a size check.
    static let dtypeBits: [String: Int64] = [
        "BOOL": 8, "U8": 8, "I8": 8, "F8_E5M2": 8, "F8_E4M3": 8, "F8_E8M0": 8, "I16": 16, "U16": 16, "F16": 16,
        "BF16": 16, "I32": 32, "U32": 32, "F32": 32, "F64": 64, "I64": 64, "U64": 64, "C64": 64, "F4": 4,
        "F6_E2M3": 6, "F6_E3M2": 6,
    ]

    public init() {}

    /// Reads the header of the file at `path`.
    /// - Throws: ``InspectError`` when the file is shorter than 8 bytes, states a header length beyond its size or
    ///   ``maximumHeaderBytes``, or its header is not the JSON the format defines.
    public func readHeader(path: String) throws -> Header {
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else {
            throw InspectError("cannot read \(path): \(String(cString: strerror(errno)))")
        }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else {
            throw InspectError("cannot read \(path): \(String(cString: strerror(errno)))")
        }
        let fileBytes = Int64(status.st_size)
        guard fileBytes >= 8 else {
            throw InspectError(
                "\(path) is not a safetensors file: it has \(fileBytes) bytes, fewer than the 8-byte header length")
        }
        var lengthBytes = [UInt8](repeating: 0, count: 8)
        try readExactly(descriptor, into: &lengthBytes, at: 0, path: path)
        let length = lengthBytes.enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
        guard length <= UInt64(fileBytes - 8) else {
            throw InspectError(
                "\(path) is not a valid safetensors file: its header length \(length) is beyond the file's size "
                    + "(\(fileBytes) bytes; the file is truncated or not safetensors)")
        }
        guard length <= Self.maximumHeaderBytes else {
            throw InspectError(
                "\(path) is not a valid safetensors file: its header length \(length) exceeds the maximum of "
                    + "\(Self.maximumHeaderBytes) bytes")
        }
        guard length >= 2 else {
            throw InspectError("\(path) is not a valid safetensors file: its header length is \(length) bytes")
        }
        var header = [UInt8](repeating: 0, count: Int(length))
        try readExactly(descriptor, into: &header, at: 8, path: path)
        return try parse(header: header, fileBytes: fileBytes, path: path)
    }

    /// Parses header JSON (without the 8-byte length) of a file of `fileBytes` bytes.
    public func parse(header: [UInt8], fileBytes: Int64, path: String) throws -> Header {
        guard header.first == UInt8(ascii: "{") else {
            throw InspectError(
                "\(path) is not a valid safetensors file: the header does not start with '{' (not safetensors JSON)")
        }
        let value: JSONValue
        do {
            value = try JSONDecoder().decode(JSONValue.self, from: Data(header))
        } catch {
            throw InspectError("\(path) is not a valid safetensors file: its header is not valid JSON")
        }
        guard case .object(let object) = value else {
            throw InspectError("\(path) is not a valid safetensors file: its header is not a JSON object")
        }
        let dataBytes = fileBytes - 8 - Int64(header.count)
        var entries: [Entry] = []
        var metadata: [String: String] = [:]
        for (name, description) in object {
            if name == "__metadata__" {
                guard case .object(let map) = description else {
                    throw InspectError("\(path): __metadata__ must be an object of strings")
                }
                for (key, item) in map { metadata[key] = item.stringValue ?? item.jsonText }
                continue
            }
            entries.append(try entry(name, description, dataBytes: dataBytes, path: path))
        }
        entries.sort { NaturalOrder.precedes($0.name, $1.name) }
        return Header(entries: entries, metadata: metadata, headerBytes: UInt64(header.count), fileBytes: fileBytes)
    }

    private func entry(_ name: String, _ description: JSONValue, dataBytes: Int64, path: String) throws -> Entry {
        func fail(_ message: String) -> InspectError {
            InspectError("\(path): tensor '\(name)' \(message)")
        }
        guard case .object(let fields) = description else { throw fail("is not described by an object") }
        guard let dtype = fields["dtype"]?.stringValue else { throw fail("has no dtype") }
        guard case .array(let dims)? = fields["shape"] else { throw fail("has no shape array") }
        guard case .array(let offsets)? = fields["data_offsets"], offsets.count == 2 else {
            throw fail("has no data_offsets [begin, end]")
        }
        let shape = try dims.map { dim -> Int64 in
            guard let value = Int64(exactly: dim), value >= 0 else {
                throw fail("has a shape entry that is not a non-negative integer: \(dim.jsonText)")
            }
            return value
        }
        let elementCount = try Shapes.elementCount(shape) { fail($0) }
        guard let begin = Int64(exactly: offsets[0]), let end = Int64(exactly: offsets[1]), begin >= 0, end >= begin
        else {
            throw fail("has data_offsets that are not integers 0 ≤ begin ≤ end")
        }
        guard end <= dataBytes else {
            throw fail("ends at byte \(end) of the data, beyond the \(dataBytes) data bytes the file has (truncated?)")
        }
        if let bits = Self.dtypeBits[dtype] {
            let (totalBits, overflow) = elementCount.multipliedReportingOverflow(by: bits)
            guard !overflow, (totalBits + 7) / 8 == end - begin else {
                throw fail(
                    "has \(end - begin) bytes but \(dtype) × \(shape) needs \(overflow ? "more" : String((totalBits + 7) / 8))"
                )
            }
        }
        return Entry(name: name, dtype: dtype, shape: shape, elementCount: elementCount, begin: begin, end: end)
    }

    private func readExactly(_ descriptor: Int32, into buffer: inout [UInt8], at offset: Int64, path: String) throws {
        var done = 0
        let count = buffer.count
        try buffer.withUnsafeMutableBytes { raw in
            while done < count {
                let result = pread(descriptor, raw.baseAddress! + done, count - done, off_t(offset) + off_t(done))
                if result < 0 {
                    if errno == EINTR { continue }
                    throw InspectError("cannot read \(path): \(String(cString: strerror(errno)))")
                }
                if result == 0 { throw InspectError("\(path) ended while its header was read (truncated)") }
                done += result
            }
        }
    }
}

extension Int64 {
    /// The integer a JSON number holds exactly, if it holds one.
    init?(exactly value: JSONValue) {
        guard case .number(let number) = value, number.isFinite, number == number.rounded(),
            abs(number) < 9.007_199_254_740_992e15
        else { return nil }
        self.init(number)
    }
}

/// Element counts of tensor shapes, refusing overflow.
enum Shapes {
    /// The product of the dimensions.
    /// - Throws: the error `fail` makes when a dimension is negative or the product overflows 64 bits.
    static func elementCount(_ shape: [Int64], fail: (String) -> InspectError) throws -> Int64 {
        var count: Int64 = 1
        for dim in shape {
            guard dim >= 0 else { throw fail("has a negative dimension \(dim)") }
            let (product, overflow) = count.multipliedReportingOverflow(by: dim)
            guard !overflow else { throw fail("has a shape \(shape) whose element count overflows 64 bits") }
            count = product
        }
        return count
    }

    /// A sum of counts, refusing overflow.
    static func add(_ a: Int64, _ b: Int64, fail: (String) -> InspectError) throws -> Int64 {
        let (sum, overflow) = a.addingReportingOverflow(b)
        guard !overflow else { throw fail("has more parameters than 64 bits can count") }
        return sum
    }
}

/// Name order in which numeric components compare as numbers (`layer.2` < `layer.10`).
enum NaturalOrder {
    static func precedes(_ a: String, _ b: String) -> Bool {
        let left = a.split(separator: ".", omittingEmptySubsequences: false)
        let right = b.split(separator: ".", omittingEmptySubsequences: false)
        for (x, y) in zip(left, right) where x != y {
            if let i = Int(x), let j = Int(y) { return i < j }
            return x < y
        }
        return left.count < right.count
    }
}
