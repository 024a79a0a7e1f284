/// The third-party formats ProvKit imports. A closed set.
public enum ImportFormat: String, Sendable, CaseIterable {
    /// RCLJT22 record trails (``RecordTrailImporter``).
    case recordTrail = "rcljt22"
    /// A4NN per-epoch training histories (``A4NNImporter``).
    case a4nn

    /// Recognizes a file's format from its first line (its header), or `nil` when it is neither format.
    ///
    /// Only the header's first columns are looked at, so a file with a damaged header further along is still
    /// recognized and then rejected by its importer with a precise error.
    public static func detect(contents: String) -> ImportFormat? {
        var firstLine = contents.utf8.prefix { $0 != UInt8(ascii: "\n") }
        if firstLine.starts(with: [0xEF, 0xBB, 0xBF]) {
            firstLine = firstLine.dropFirst(3)
        }
        if firstLine.starts(with: "epochs trainLoss valLoss valAcc ".utf8) {
            return .recordTrail
        }
        if firstLine.starts(with: "epoch,train_accs,val_accs,".utf8) {
            return .a4nn
        }
        return nil
    }
}
