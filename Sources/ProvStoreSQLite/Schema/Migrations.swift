import GRDB

/// The schema of the embedded store, changed only by appending migrations.
///
/// Identifiers are stored once, in `node`; every other table refers to nodes by their integer key, which keeps
/// indexes small and lineage walks fast. Metric points hang off a `metric_series` row per (run, key), which also
/// keeps the series' summary (count, last, min, max) current at ingest. Times are microseconds since the epoch.
/// A NaN metric value is stored as NULL (SQLite has no NaN); the column is otherwise NOT NULL in meaning.
/// A metric point identical to a stored one (same series, step, time and value) is stored once, as in MLflow,
/// so that re-sending a batch (a retry after a lost reply) duplicates nothing.
///
/// v2 adds the tracking bookkeeping of `ProvStore/Tracking.swift`: experiment numbers (MLflow ids, 0 for the
/// default experiment), artifact locations and last-update times, the lifecycle stage of experiments and runs, and
/// the metric points logged for models (`model_metric`; the same points are also in their run's series).
/// v3 keeps the keys of batches stored with an idempotency key (`ingested_batch`).
enum ProvSchema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: provenance graph, parameters, tags, metrics, telemetry, architecture") { db in
            try db.execute(
                sql: """
                    CREATE TABLE node (
                        pk INTEGER PRIMARY KEY,
                        id TEXT NOT NULL UNIQUE CHECK (length(id) = 32),
                        node_type TEXT NOT NULL CHECK (node_type IN ('experiment', 'run', 'entity', 'agent'))
                    );
                    CREATE TABLE experiment (
                        node_pk INTEGER PRIMARY KEY REFERENCES node(pk),
                        name TEXT NOT NULL UNIQUE,
                        description TEXT,
                        created_at INTEGER
                    );
                    CREATE TABLE run (
                        node_pk INTEGER PRIMARY KEY REFERENCES node(pk),
                        experiment_pk INTEGER NOT NULL REFERENCES experiment(node_pk),
                        parent_pk INTEGER REFERENCES run(node_pk),
                        kind TEXT NOT NULL,
                        name TEXT,
                        status TEXT NOT NULL,
                        started_at INTEGER NOT NULL,
                        ended_at INTEGER
                    );
                    CREATE INDEX run_by_experiment ON run(experiment_pk, started_at);
                    CREATE INDEX run_by_parent ON run(parent_pk);
                    CREATE INDEX run_by_name ON run(name);
                    CREATE TABLE entity (
                        node_pk INTEGER PRIMARY KEY REFERENCES node(pk),
                        kind TEXT NOT NULL,
                        name TEXT,
                        location TEXT,
                        digest TEXT,
                        size_bytes INTEGER,
                        created_at INTEGER,
                        attributes TEXT
                    );
                    CREATE INDEX entity_by_name ON entity(name);
                    CREATE INDEX entity_by_location ON entity(location);
                    CREATE INDEX entity_by_digest ON entity(digest);
                    CREATE TABLE agent (
                        node_pk INTEGER PRIMARY KEY REFERENCES node(pk),
                        kind TEXT NOT NULL,
                        name TEXT NOT NULL,
                        attributes TEXT
                    );
                    CREATE INDEX agent_by_name ON agent(name);
                    CREATE TABLE relation (
                        pk INTEGER PRIMARY KEY,
                        kind TEXT NOT NULL,
                        subject_pk INTEGER NOT NULL REFERENCES node(pk),
                        object_pk INTEGER NOT NULL REFERENCES node(pk),
                        time INTEGER,
                        attributes TEXT,
                        UNIQUE (subject_pk, object_pk, kind)
                    );
                    CREATE INDEX relation_by_object ON relation(object_pk, subject_pk);
                    CREATE TABLE parameter (
                        node_pk INTEGER NOT NULL REFERENCES run(node_pk),
                        key TEXT NOT NULL,
                        value TEXT NOT NULL,
                        value_number REAL,
                        term TEXT,
                        PRIMARY KEY (node_pk, key)
                    ) WITHOUT ROWID;
                    CREATE INDEX parameter_by_key ON parameter(key, value_number);
                    CREATE INDEX parameter_by_term ON parameter(term);
                    CREATE TABLE tag (
                        node_pk INTEGER NOT NULL REFERENCES node(pk),
                        key TEXT NOT NULL,
                        value TEXT NOT NULL,
                        value_number REAL,
                        term TEXT,
                        PRIMARY KEY (node_pk, key)
                    ) WITHOUT ROWID;
                    CREATE INDEX tag_by_key ON tag(key, value);
                    CREATE TABLE metric_series (
                        pk INTEGER PRIMARY KEY,
                        run_pk INTEGER NOT NULL REFERENCES run(node_pk),
                        key TEXT NOT NULL,
                        term TEXT,
                        point_count INTEGER NOT NULL DEFAULT 0,
                        last_value REAL,
                        last_step INTEGER,
                        last_time INTEGER,
                        min_value REAL,
                        max_value REAL,
                        UNIQUE (run_pk, key)
                    );
                    CREATE INDEX metric_series_by_key ON metric_series(key, last_value);
                    CREATE INDEX metric_series_by_term ON metric_series(term);
                    CREATE TABLE metric_point (
                        series_pk INTEGER NOT NULL REFERENCES metric_series(pk),
                        step INTEGER NOT NULL,
                        time INTEGER,
                        epoch REAL,
                        value REAL
                    );
                    CREATE UNIQUE INDEX metric_point_identity
                        ON metric_point(series_pk, step, ifnull(time, 'none'), ifnull(value, 'nan'));
                    CREATE TABLE telemetry_sample (
                        pk INTEGER PRIMARY KEY,
                        run_pk INTEGER NOT NULL REFERENCES run(node_pk),
                        time INTEGER NOT NULL,
                        phase TEXT NOT NULL,
                        readings TEXT NOT NULL
                    );
                    CREATE INDEX telemetry_sample_by_run ON telemetry_sample(run_pk, time);
                    CREATE TABLE telemetry_key (
                        run_pk INTEGER NOT NULL REFERENCES run(node_pk),
                        key TEXT NOT NULL,
                        term TEXT,
                        PRIMARY KEY (run_pk, key)
                    ) WITHOUT ROWID;
                    CREATE TABLE architecture_layer (
                        run_pk INTEGER NOT NULL REFERENCES run(node_pk),
                        position INTEGER NOT NULL,
                        layer_type TEXT NOT NULL,
                        model_pk INTEGER REFERENCES entity(node_pk),
                        hyperparameters TEXT NOT NULL,
                        PRIMARY KEY (run_pk, position)
                    ) WITHOUT ROWID;
                    """)
        }
        migrator.registerMigration("v2: tracking bookkeeping, lifecycle stages, model metrics") { db in
            // Experiment numbers (MLflow ids) follow creation order; 0 stays free for the default experiment.
            // `artifact_location` NULL means `mlflow-artifacts:/<number>`. Times are microseconds since the epoch.
            try db.execute(
                sql: """
                    ALTER TABLE experiment ADD COLUMN number INTEGER;
                    ALTER TABLE experiment ADD COLUMN artifact_location TEXT;
                    ALTER TABLE experiment ADD COLUMN lifecycle TEXT NOT NULL DEFAULT 'active'
                        CHECK (lifecycle IN ('active', 'deleted'));
                    ALTER TABLE experiment ADD COLUMN deleted_at INTEGER;
                    ALTER TABLE experiment ADD COLUMN updated_at INTEGER;
                    UPDATE experiment SET number = (
                        SELECT count(*) FROM experiment other
                        WHERE (coalesce(other.created_at, 0), other.node_pk)
                            <= (coalesce(experiment.created_at, 0), experiment.node_pk)
                    );
                    CREATE UNIQUE INDEX experiment_by_number ON experiment(number);
                    ALTER TABLE run ADD COLUMN lifecycle TEXT NOT NULL DEFAULT 'active'
                        CHECK (lifecycle IN ('active', 'deleted'));
                    ALTER TABLE run ADD COLUMN deleted_at INTEGER;
                    CREATE TABLE model_metric (
                        model_pk INTEGER NOT NULL REFERENCES entity(node_pk),
                        run_pk INTEGER NOT NULL REFERENCES run(node_pk),
                        key TEXT NOT NULL,
                        step INTEGER NOT NULL,
                        time INTEGER,
                        value REAL,
                        dataset_name TEXT,
                        dataset_digest TEXT
                    );
                    CREATE UNIQUE INDEX model_metric_identity ON model_metric(
                        model_pk, key, step, ifnull(time, 'none'), ifnull(value, 'nan'), run_pk,
                        ifnull(dataset_name, ''), ifnull(dataset_digest, ''));
                    """)
        }
        migrator.registerMigration("v3: idempotency keys of stored batches") { db in
            // One row per stored batch that came with a key (the native API's `Idempotency-Key`): a retried batch
            // finds its key and is not applied again. `stored_at` is microseconds since the epoch.
            try db.execute(
                sql: """
                    CREATE TABLE ingested_batch (
                        key TEXT PRIMARY KEY,
                        events INTEGER NOT NULL,
                        stored_at INTEGER NOT NULL
                    ) WITHOUT ROWID;
                    """)
        }
        return migrator
    }
}
