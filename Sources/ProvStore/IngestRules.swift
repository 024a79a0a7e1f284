public import ProvModel

// The value rules every back-end applies before it stores an event, so that no store holds a value that a read
// path cannot show (reliability: "a stored value never crashes a reader"). Back-ends call ``IngestRules/check(_:)``
// for each event of a batch and ``IngestRules/checkParent(of:parent:ancestors:)`` before they change a run's
// parent, inside the ingest transaction; the messages are defined here once.

/// The rules on values that every store's ingest applies, whatever the back-end.
public enum IngestRules {
    /// Attributes of `wasGeneratedBy` relations that hold whole numbers (a logged model's `step` as an MLflow run
    /// output), read back as integers.
    public static let wholeNumberOutputAttributes: Set<String> = ["step"]
    /// Attributes of model entities that hold whole numbers (a logged model's last update, in Unix milliseconds),
    /// read back as integers.
    public static let wholeNumberModelAttributes: Set<String> = [TrackedModel.Attribute.updatedAt]

    /// The run tag that names a run's parent run (MLflow's nesting): a `tag` event with this key on a run, whose
    /// value is the hex id of a run held in the store or defined earlier in the batch, also makes that run the
    /// parent, as a ``RunUpdate`` with that `parent` would; any other value is only a tag.
    public static let parentRunTag = "mlflow.parentRunId"

    /// The run a tag names as its target's parent (``parentRunTag``), when it names one by a valid id; the store
    /// still checks that the id is a run.
    public static func parentRun(namedBy tag: TagRecord) -> ProvID? {
        guard tag.targetType == .run, tag.key == parentRunTag else { return nil }
        return ProvID(hex: tag.value)
    }

    /// How far up a run's parents a store looks for a cycle (stored chains are far shorter; the bound keeps a
    /// chain that an older version let loop from looping the query).
    public static let maximumAncestorDepth = 10_000

    /// The query for ``checkParent(of:parent:ancestors:)``'s `ancestors`, in SQL that SQLite and PostgreSQL both run
    /// (tables `node` and `run` of both schemas): one `?` argument, the would-be parent's id as hex; one `id` column,
    /// nearest ancestor first.
    public static let ancestorsQuery = """
        WITH RECURSIVE chain(pk, depth) AS (
            SELECT r.parent_pk, 1 FROM run r JOIN node n ON n.pk = r.node_pk WHERE n.id = ?
            UNION ALL
            SELECT r.parent_pk, c.depth + 1 FROM run r JOIN chain c ON r.node_pk = c.pk
            WHERE c.depth < \(maximumAncestorDepth))
        SELECT n.id FROM chain c JOIN node n ON n.pk = c.pk ORDER BY c.depth
        """

    // MARK: Messages

    /// The message for a whole-number attribute that is not one, or is too large for a JSON number to hold exactly.
    public static func wholeNumberMessage(attribute key: String) -> String {
        "attribute '\(key)' must be a whole number between -9007199254740991 and 9007199254740991 "
            + "(integers a JSON number holds exactly)"
    }

    /// The message for text that holds the NUL character, which PostgreSQL cannot store and C readers truncate at.
    public static func nulMessage(field: String) -> String {
        "'\(field)' contains the NUL character (U+0000), which cannot be stored; remove it"
    }

    /// The message for a change of parent that would make runs their own ancestors.
    public static func parentCycleMessage(_ cycle: [ProvID]) -> String {
        "setting this parent would make a cycle of parent runs: "
            + cycle.map(\.hex).joined(separator: " → ") + "; a run cannot be its own ancestor"
    }

    // MARK: Checks

    /// Checks the values of one event.
    /// - Throws: ``IngestError`` (code `invalid`) naming the field at fault; `eventIndex` is 0, for the caller to
    ///   set.
    public static func check(_ event: ProvEvent) throws(IngestError) {
        var checker = Checker()
        checker.visit(event)
        if let failure = checker.failure { throw failure }
    }

    /// Checks that making `parent` the parent of `run` does not close a cycle.
    /// - Parameter ancestors: `parent`'s ancestors as the store holds them now, nearest first (its parent, that
    ///   run's parent, ...); a store may stop after a run it has seen, or after `run`.
    /// - Throws: ``IngestError`` (code `invalid`, field `parent`) naming the runs of the cycle.
    public static func checkParent(of run: ProvID, parent: ProvID, ancestors: [ProvID]) throws(IngestError) {
        var cycle = [run, parent]
        if parent != run {
            guard let position = ancestors.firstIndex(of: run) else { return }
            cycle += ancestors[...position]
        }
        throw IngestError(eventIndex: 0, field: "parent", message: parentCycleMessage(cycle))
    }

    /// Walks an event's values and remembers the first that breaks a rule.
    private struct Checker {
        var failure: IngestError?

        mutating func fail(_ field: String, _ message: String) {
            if failure == nil { failure = IngestError(eventIndex: 0, field: field, message: message) }
        }

        mutating func time(_ time: ProvTime?, _ field: String) {
            if let time, !time.isValid { fail(field, ProvTime.outOfRangeMessage(field: field)) }
        }

        mutating func text(_ text: String?, _ field: String) {
            if let text, text.utf8.contains(0) { fail(field, IngestRules.nulMessage(field: field)) }
        }

        mutating func value(_ value: JSONValue, _ field: String) {
            switch value {
            case .string(let text): self.text(text, field)
            case .array(let values): for item in values { self.value(item, field) }
            case .object(let members): attributes(members, field)
            case .null, .bool, .number: break
            }
        }

        mutating func attributes(_ attributes: [String: JSONValue], _ field: String, wholeNumbers: Set<String> = []) {
            for (key, member) in attributes {
                text(key, field)
                value(member, "\(field).\(key)")
                if wholeNumbers.contains(key) {
                    guard case .number(let number) = member, number == number.rounded(),
                        abs(number) <= Double.maximumExactInteger
                    else {
                        fail("\(field).\(key)", IngestRules.wholeNumberMessage(attribute: key))
                        continue
                    }
                }
            }
        }

        mutating func visit(_ event: ProvEvent) {
            switch event {
            case .experiment(let record):
                text(record.name, "name")
                text(record.description, "description")
                time(record.createdAt, "time")
            case .runStart(let record):
                text(record.name, "name")
                time(record.startedAt, "time")
            case .runEnd(let record):
                time(record.endedAt, "time")
            case .entity(let record):
                text(record.name, "name")
                text(record.location, "location")
                text(record.digest, "digest")
                time(record.createdAt, "time")
                attributes(
                    record.attributes, "attributes",
                    wholeNumbers: record.kind == .model ? IngestRules.wholeNumberModelAttributes : [])
            case .agent(let record):
                text(record.name, "name")
                attributes(record.attributes, "attributes")
            case .relation(let record):
                time(record.time, "time")
                attributes(
                    record.attributes, "attributes",
                    wholeNumbers: record.kind == .wasGeneratedBy ? IngestRules.wholeNumberOutputAttributes : [])
            case .parameter(let record):
                text(record.key, "key")
                text(record.value, "value")
            case .tag(let record):
                text(record.key, "key")
                text(record.value, "value")
            case .metric(let point):
                text(point.key, "key")
                time(point.time, "time")
                text(point.dataset?.name, "dataset_name")
                text(point.dataset?.digest, "dataset_digest")
            case .telemetry(let sample):
                time(sample.time, "time")
                for key in sample.values.keys { text(key, "values") }
            case .architecture(let record):
                for layer in record.layers {
                    text(layer.type, "layers.type")
                    attributes(layer.hyperparameters, "layers.hyperparameters")
                }
            case .runUpdate(let update):
                text(update.name, "name")
                time(update.endedAt, "time")
            case .tagDelete(let deletion):
                text(deletion.key, "key")
            case .lifecycle(let change):
                time(change.time, "time")
            }
        }
    }
}
