#if canImport(Glibc)
    import Glibc
#endif

/// Small, allocation-light readers of Linux `/proc` and `/sys` files.
///
/// A file that does not exist or cannot be read gives `nil`, and callers leave the readings it would have given
/// out of their samples (absent, never 0).
enum ProcFS {
    /// The whole content of a small text file, or `nil`.
    static func read(_ path: String) -> String? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 16384) { buffer -> String? in
            var filled = 0
            var overflow: [UInt8] = []
            while true {
                if filled == buffer.count {
                    overflow.append(contentsOf: buffer)
                    filled = 0
                }
                let count = Glibc.read(descriptor, buffer.baseAddress! + filled, buffer.count - filled)
                if count < 0 {
                    if errno == EINTR { continue }
                    return nil
                }
                if count == 0 { break }
                filled += count
            }
            if overflow.isEmpty {
                return String(decoding: UnsafeBufferPointer(rebasing: buffer[0..<filled]), as: UTF8.self)
            }
            overflow.append(contentsOf: buffer[0..<filled])
            return String(decoding: overflow, as: UTF8.self)
        }
    }

    /// `key: value` lines (as in `/proc/<pid>/status` or `/proc/meminfo`): the first number after each wanted key.
    static func keyedNumbers(_ text: String, keys wanted: Set<Substring>? = nil) -> [Substring: Double] {
        var values: [Substring: Double] = [:]
        for line in lines(text) {
            guard let colon = line.utf8.firstIndex(of: UInt8(ascii: ":")) else { continue }
            let key = line[..<colon]
            if let wanted, !wanted.contains(key) { continue }
            if let first = fields(line[line.index(after: colon)...]).first, let number = Double(first) {
                values[key] = number
            }
        }
        return values
    }

    /// The lines of a text, split on bytes (not grapheme clusters: much faster for `/proc` files).
    static func lines(_ text: some StringProtocol) -> [Substring] {
        Substring(text).utf8.split(separator: UInt8(ascii: "\n")).map { Substring($0) }
    }

    /// The fields of a line separated by runs of spaces or tabs, split on bytes.
    static func fields(_ line: Substring) -> [Substring] {
        line.utf8.split(whereSeparator: { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }).map { Substring($0) }
    }

    /// Clock ticks per second (for `/proc/<pid>/stat` CPU times).
    static let ticksPerSecond: Double = {
        let ticks = sysconf(Int32(_SC_CLK_TCK))
        return ticks > 0 ? Double(ticks) : 100
    }()

    /// The page size in bytes (for RSS in pages).
    static let pageSize: Double = {
        let size = sysconf(Int32(_SC_PAGESIZE))
        return size > 0 ? Double(size) : 4096
    }()

    /// The fields of `/proc/<pid>/stat` after the command name (field 3 onward, 0-based from the state).
    static func statFields(pid: Int32) -> [Substring]? {
        guard let text = read("/proc/\(pid)/stat"), let close = text.utf8.lastIndex(of: UInt8(ascii: ")")) else {
            return nil
        }
        return fields(text[text.index(after: close)...])
    }

    /// Every process id in `/proc`.
    static func allProcessIDs() -> [Int32] {
        guard let directory = opendir("/proc") else { return [] }
        defer { closedir(directory) }
        var pids: [Int32] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            if let pid = Int32(name) { pids.append(pid) }
        }
        return pids
    }

    /// `pid` and all its descendants, found by parent ids in `/proc/<pid>/stat`.
    static func processTree(root: Int32) -> [Int32] {
        var children: [Int32: [Int32]] = [:]
        for pid in allProcessIDs() {
            // Field 4 of stat (index 1 after the state) is the parent id.
            if let fields = statFields(pid: pid), fields.count > 1, let parent = Int32(fields[1]) {
                children[parent, default: []].append(pid)
            }
        }
        var tree: [Int32] = []
        var queue = [root]
        var seen = Set<Int32>()
        while let pid = queue.popLast() {
            guard seen.insert(pid).inserted else { continue }
            tree.append(pid)
            queue += children[pid] ?? []
        }
        return tree
    }
}
