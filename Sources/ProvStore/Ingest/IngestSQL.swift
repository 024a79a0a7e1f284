import Foundation
public import ProvModel

// The statements of the primitive ingest writes that SQLite and PostgreSQL run alike (tables of both schemas, `?`
// and `?N` placeholders, columns qualified by their table where an upsert reads them). Only the clock differs; the
// writes whose form differs (new nodes, relations, points, telemetry and architectures, written in bulk on
// PostgreSQL) stay in each back-end.

/// The shared SQL of ``IngestOperation``s, for a store whose clock in microseconds since the epoch is `now`.
package struct IngestSQL: Sendable {
    /// An SQL expression for the store's clock, in microseconds since the epoch.
    package let now: String

    package init(now: String) {
        self.now = now
    }

    /// Statement text and the values bound to its placeholders in order.
    package struct Statement: Sendable, Equatable {
        package var sql: String
        package var arguments: [SQLValue]
        /// Whether the statement returns a row when it stores something new (`RETURNING 1`).
        package var returnsRow = false

        init(_ sql: String, _ arguments: [SQLValue], returnsRow: Bool = false) {
            (self.sql, self.arguments, self.returnsRow) = (sql, arguments, returnsRow)
        }
    }

    /// The statements of an operation that both stores write alike, in order, given the keys of the nodes it names
    /// (a new node's row already written); `nil` for an operation each store writes its own way.
    package func statements(
        for operation: IngestOperation, classifier: KeyClassifier, key: (ProvID) throws -> Int64
    ) throws -> [Statement]? {
        switch operation {
        case .putExperiment(let record, _):
            // A new experiment takes the next number; a renamed one records when it changed.
            return [
                Statement(
                    """
                    INSERT INTO experiment (node_pk, name, description, created_at, number, updated_at)
                    VALUES (?1, ?2, ?3, ?4, (SELECT coalesce(max(number), 0) + 1 FROM experiment), coalesce(?4, \(now)))
                    ON CONFLICT (node_pk) DO UPDATE SET name = excluded.name,
                        description = coalesce(excluded.description, experiment.description),
                        created_at = coalesce(experiment.created_at, excluded.created_at),
                        updated_at = CASE WHEN experiment.name = excluded.name THEN experiment.updated_at ELSE \(now) END
                    """,
                    [.int(try key(record.id)), .text(record.name), .text(record.description), .time(record.createdAt)])
            ]
        case .putRun(let record, _):
            return [
                Statement(
                    """
                    INSERT INTO run (node_pk, experiment_pk, parent_pk, kind, name, status, started_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (node_pk) DO UPDATE SET experiment_pk = excluded.experiment_pk,
                        parent_pk = excluded.parent_pk, kind = excluded.kind, name = coalesce(excluded.name, run.name),
                        started_at = excluded.started_at
                    """,
                    [
                        .int(try key(record.id)), .int(try key(record.experiment)), .int(try record.parent.map(key)),
                        .text(record.kind.rawValue), .text(record.name), .text(record.status.rawValue),
                        .time(record.startedAt),
                    ])
            ]
        case .endRun(let record):
            return [
                Statement(
                    "UPDATE run SET status = ?, ended_at = ? WHERE node_pk = ?",
                    [.text(record.status.rawValue), .time(record.endedAt), .int(try key(record.run))])
            ]
        case .updateRun(let run, let columns):
            return [
                Statement(
                    """
                    UPDATE run SET name = ?, status = ?, ended_at = ?, parent_pk = coalesce(?, parent_pk), kind = ?
                    WHERE node_pk = ?
                    """,
                    [
                        .text(columns.name), .text(columns.status), .int(columns.endedAt),
                        .int(try columns.parent.map(key)), .text(columns.kind), .int(try key(run)),
                    ])
            ]
        case .putEntity(let record, _):
            return [
                Statement(
                    """
                    INSERT INTO entity (node_pk, kind, name, location, digest, size_bytes, created_at, attributes)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (node_pk) DO UPDATE SET kind = excluded.kind, name = coalesce(excluded.name, entity.name),
                        location = coalesce(excluded.location, entity.location),
                        digest = coalesce(excluded.digest, entity.digest),
                        size_bytes = coalesce(excluded.size_bytes, entity.size_bytes),
                        created_at = coalesce(entity.created_at, excluded.created_at),
                        attributes = coalesce(excluded.attributes, entity.attributes)
                    """,
                    [
                        .int(try key(record.id)), .text(record.kind.rawValue), .text(record.name),
                        .text(record.location), .text(record.digest), .int(record.sizeBytes), .time(record.createdAt),
                        .text(Self.json(record.attributes)),
                    ])
            ]
        case .putAgent(let record, _):
            return [
                Statement(
                    """
                    INSERT INTO agent (node_pk, kind, name, attributes) VALUES (?, ?, ?, ?)
                    ON CONFLICT (node_pk) DO UPDATE SET kind = excluded.kind, name = excluded.name,
                        attributes = coalesce(excluded.attributes, agent.attributes)
                    """,
                    [
                        .int(try key(record.id)), .text(record.kind.rawValue), .text(record.name),
                        .text(Self.json(record.attributes)),
                    ])
            ]
        case .insertParameter(let record):
            return [
                Statement(
                    """
                    INSERT INTO parameter (node_pk, key, value, value_number, term) VALUES (?, ?, ?, ?, ?)
                    ON CONFLICT (node_pk, key) DO NOTHING RETURNING 1
                    """, try Self.keyedValue(record.run, record.key, record.value, classifier, key), returnsRow: true)
            ]
        case .setTag(let record):
            return [
                Statement(
                    """
                    INSERT INTO tag (node_pk, key, value, value_number, term) VALUES (?, ?, ?, ?, ?)
                    ON CONFLICT (node_pk, key) DO UPDATE SET value = excluded.value, value_number = excluded.value_number
                    """, try Self.keyedValue(record.target, record.key, record.value, classifier, key))
            ]
        case .deleteTag(let deletion):
            return [
                Statement(
                    "DELETE FROM tag WHERE node_pk = ? AND key = ?",
                    [.int(try key(deletion.target)), .text(deletion.key)])
            ]
        case .touchExperiment(let experiment):
            return [
                Statement("UPDATE experiment SET updated_at = \(now) WHERE node_pk = ?", [.int(try key(experiment))])
            ]
        case .setStage(let change):
            return stageStatements(change, key: try key(change.target))
        case .insertModelMetric(let point):
            return [
                Statement(
                    """
                    INSERT INTO model_metric (model_pk, run_pk, key, step, time, value, dataset_name, dataset_digest)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING 1
                    """,
                    [
                        .int(try point.model.map(key)), .int(try key(point.run)), .text(point.key), .int(point.step),
                        .time(point.time), .double(point.value.isNaN ? nil : point.value), .text(point.dataset?.name),
                        .text(point.dataset?.digest),
                    ], returnsRow: true)
            ]
        case .putRelation, .insertMetricPoint, .insertTelemetry, .replaceArchitecture:
            return nil
        }
    }

    /// Deleting an experiment deletes its active runs with the same time; restoring it restores the runs that were
    /// deleted with it.
    private func stageStatements(_ change: LifecycleChange, key: Int64) -> [Statement] {
        let stage: [SQLValue] = [.text(change.stage.rawValue), .time(change.stage == .deleted ? change.time : nil)]
        switch change.targetType {
        case .run:
            return [Statement("UPDATE run SET lifecycle = ?, deleted_at = ? WHERE node_pk = ?", stage + [.int(key)])]
        case .experiment:
            let runs =
                change.stage == .deleted
                ? Statement(
                    "UPDATE run SET lifecycle = 'deleted', deleted_at = ? WHERE experiment_pk = ? AND lifecycle = 'active'",
                    [.time(change.time), .int(key)])
                : Statement(
                    """
                    UPDATE run SET lifecycle = 'active', deleted_at = NULL
                    WHERE experiment_pk = ?1 AND lifecycle = 'deleted' AND (deleted_at = (SELECT deleted_at FROM experiment
                        WHERE node_pk = ?1) OR (deleted_at IS NULL AND (SELECT deleted_at FROM experiment WHERE node_pk = ?1) IS NULL))
                    """, [.int(key)])
            let experiment = Statement(
                "UPDATE experiment SET lifecycle = ?, deleted_at = ?, updated_at = \(now) WHERE node_pk = ?",
                stage + [.int(key)])
            return [runs, experiment]
        }
    }

    /// The arguments of a parameter or tag: node key, key, value, value as a number, term.
    private static func keyedValue(
        _ node: ProvID, _ name: String, _ value: String, _ classifier: KeyClassifier, _ key: (ProvID) throws -> Int64
    ) throws -> [SQLValue] {
        [.int(try key(node)), .text(name), .text(value), .double(number(value)), .text(classifier.term(for: name))]
    }

    /// A relation already held keeps its first time and takes newer attributes: time, attributes, subject key,
    /// object key, kind.
    package static let updateRelation = """
        UPDATE relation SET time = coalesce(time, ?), attributes = coalesce(?, attributes)
        WHERE subject_pk = ? AND object_pk = ? AND kind = ?
        """

    /// The statement that folds a batch's changes into the summary of the series `pk`.
    package static func updateSeries(_ delta: MetricSeriesDelta, series pk: Int64) -> Statement {
        Statement(
            """
            UPDATE metric_series SET
                point_count = point_count + ?1,
                last_value = CASE WHEN last_step IS NULL OR ?2 > last_step
                    OR (?2 = last_step AND ?3 >= coalesce(last_time, -9223372036854775808)) THEN ?4 ELSE last_value END,
                last_time = CASE WHEN last_step IS NULL OR ?2 > last_step
                    OR (?2 = last_step AND ?3 >= coalesce(last_time, -9223372036854775808)) THEN ?5 ELSE last_time END,
                last_step = CASE WHEN last_step IS NULL OR ?2 > last_step THEN ?2 ELSE last_step END,
                min_value = CASE WHEN ?6 IS NULL THEN min_value WHEN min_value IS NULL OR ?6 < min_value THEN ?6
                    ELSE min_value END,
                max_value = CASE WHEN ?7 IS NULL THEN max_value WHEN max_value IS NULL OR ?7 > max_value THEN ?7
                    ELSE max_value END
            WHERE pk = ?8
            """,
            [
                .int(Int64(exactly: delta.count)), .int(delta.lastStep), .int(delta.lastTime),
                .double(delta.lastValue.isNaN ? nil : delta.lastValue),
                .int(delta.lastTime == .min ? nil : delta.lastTime), .double(delta.minimum), .double(delta.maximum),
                .int(pk),
            ])
    }

    /// Attributes as stored: JSON text, `nil` for none.
    package static func json(_ attributes: [String: JSONValue]) -> String? {
        attributes.isEmpty ? nil : JSONValue.object(attributes).jsonText
    }

    /// The text as a finite number, when it is one, for numeric comparisons in filters.
    package static func number(_ text: String) -> Double? {
        guard let value = Double(text.trimmingCharacters(in: .whitespaces)), value.isFinite else { return nil }
        return value
    }
}

extension SQLValue {
    /// A time as stored: microseconds since the epoch.
    fileprivate static func time(_ time: ProvTime?) -> Self { .int(time?.microsecondsSinceEpoch) }
}

extension IngestOperation {
    /// The node the operation defines, and whether the planner found it new.
    public var definedNode: (id: ProvID, type: NodeType, isNew: Bool)? {
        switch self {
        case .putExperiment(let record, let isNew): (record.id, .experiment, isNew)
        case .putRun(let record, let isNew): (record.id, .run, isNew)
        case .putEntity(let record, let isNew): (record.id, .entity, isNew)
        case .putAgent(let record, let isNew): (record.id, .agent, isNew)
        default: nil
        }
    }
}
