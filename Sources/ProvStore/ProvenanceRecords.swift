public import ProvModel

/// Which part of the provenance graph to collect, for exports and copies. A closed set.
public enum RecordScope: Hashable, Sendable {
    /// A run, its nested runs (all depths), and everything they are directly related to.
    case run(ProvID)
    /// Every run of an experiment and everything they are directly related to.
    case experiment(ProvID)
    /// The lineage closure of a node: the nodes a lineage walk reaches, with the relations between them.
    case lineage(ProvID, direction: LineageDirection, depth: Int)
}
