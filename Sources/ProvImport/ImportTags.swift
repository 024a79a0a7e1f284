/// Tag keys the importers write on the runs they create.
public enum ImportTags {
    /// Where the run came from: `rcljt22:<ID>` or `a4nn:<file>:arch<N>:<ordinal>`.
    public static let source = "provkit.source"
    /// The name of the imported file.
    public static let sourceFile = "provkit.source.file"
    /// `unknown` when the format records no end time. Such runs end with status `finished` and no end time.
    public static let duration = "provkit.duration"
    /// Where the run's start time comes from: `record-id` (the time encoded in a record trail's ID) or `import-time`
    /// (the format records no time, so the time of the import stands in).
    public static let startTimeSource = "provkit.startedAt.source"
    /// A note on something the importer could not interpret, such as an architecture whose lists disagree with
    /// each other; what it names was left out rather than guessed.
    public static let warning = "provkit.import.warning"
}
