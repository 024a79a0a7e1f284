import Foundation
import ProvModel

/// Inspects a dataset file or folder: content digest (SHA-256; a folder's is independent of listing order), size and
/// file count, and for CSV, TSV and JSON Lines files (by extension: `.csv`, `.tsv`/`.tab`, `.jsonl`/`.ndjson`) a
/// profile of the table.
public struct DatasetInspector: Sendable {
    /// Hashes each file; ProvModel's own SHA-256 by default. The CLI passes a faster one.
    public var fileHasher: ContentDigest.FileHasher

    public init(fileHasher: @escaping ContentDigest.FileHasher = { try ContentDigest.hashFile($0) }) {
        self.fileHasher = fileHasher
    }

    /// The table format a file name's extension names, if any: `csv`, `tsv` or `jsonl`.
    public static func tableFormat(of name: String) -> String? {
        let lower = name.lowercased()
        if lower.hasSuffix(".csv") { return "csv" }
        if lower.hasSuffix(".tsv") || lower.hasSuffix(".tab") { return "tsv" }
        if lower.hasSuffix(".jsonl") || lower.hasSuffix(".ndjson") { return "jsonl" }
        return nil
    }

    /// Inspects the dataset at `path`.
    /// - Parameters:
    ///   - label: the label column of a table, whose classes are counted. Without one, a column named `label`,
    ///     `labels`, `target`, `class` or `y` is used when `detectLabel` is set.
    ///   - digest: a digest of `path` already computed (it is not hashed again).
    /// - Throws: ``InspectError`` when the path cannot be read, a table is malformed, or `label` names no column.
    public func inspect(
        path: String, label: String? = nil, detectLabel: Bool = true, digest: ContentDigest? = nil,
        formatName: String? = nil
    ) throws -> DatasetInspection {
        let content: ContentDigest
        do {
            content = try digest ?? ContentDigest.of(path: path, fileHasher: fileHasher)
        } catch let error as ContentDigestError {
            throw InspectError(error.description)
        }
        var inspection = DatasetInspection(
            path: content.path, isDirectory: content.isDirectory, digest: "sha256:" + content.sha256,
            sizeBytes: content.totalBytes, fileCount: content.fileCount)
        if content.isDirectory {
            if label != nil {
                throw InspectError("--label applies to a CSV, TSV or JSON Lines file, and \(path) is a folder")
            }
            inspection.fileTypes = Self.fileTypes(in: content.path)
            return inspection
        }
        if let format = Self.tableFormat(of: formatName ?? path) {
            inspection.table = try TableProfiler.profile(
                path: path, format: format, labelColumn: label, detectLabel: detectLabel)
        } else if label != nil {
            throw InspectError(
                "\(path) is not a table ProvKit reads (.csv, .tsv, .jsonl), so it has no column '\(label!)'")
        }
        return inspection
    }

    /// How many regular files below `folder` have each extension.
    static func fileTypes(in folder: String) -> [String: Int] {
        var counts: [String: Int] = [:]
        guard let enumerator = FileManager.default.enumerator(atPath: folder) else { return counts }
        while let relative = enumerator.nextObject() as? String {
            let attributes = try? FileManager.default.attributesOfItem(atPath: folder + "/" + relative)
            guard attributes?[.type] as? FileAttributeType == .typeRegular else { continue }
            let name = (relative as NSString).lastPathComponent
            let ext = (name as NSString).pathExtension.lowercased()
            counts[ext, default: 0] += 1
        }
        return counts
    }
}
