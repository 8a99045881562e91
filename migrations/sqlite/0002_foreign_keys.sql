-- Foreign keys: a version never points at a missing schema row, and a reference row never
-- outlives its schema.
--   subject_versions (context, schema_id) -> schemas: ON DELETE NO ACTION, so deleting a
--     schema row still carried by a version fails instead of leaving the version dangling
--     (NO ACTION rather than RESTRICT: checked at the end of the statement like RESTRICT for
--     every statement the store runs, and SQLite reports it as a foreign key violation, where
--     its RESTRICT reports a trigger failure);
--   schema_refs (context, schema_id) -> schemas: ON DELETE CASCADE, the references go with it.
-- The store opens every connection with `PRAGMA foreign_keys=ON` (SQLite's default is off).
--
-- SQLite cannot add a constraint to an existing table, so both child tables are rebuilt:
-- create, copy, drop, rename, recreate the indexes (https://sqlite.org/lang_altertable.html).
-- This runs in the migration's transaction with foreign keys on, so every copied row is
-- checked. A version whose schema row is missing (which no write of this registry leaves, but
-- an older release or a hand edit might have) cannot be copied: it is moved to
-- `orphaned_subject_versions` for an operator to inspect, not dropped silently. Reference rows
-- of a missing schema carry nothing that `schemas.refs` does not, and are not copied.

CREATE TABLE orphaned_subject_versions (
    subject    TEXT    NOT NULL,
    version    INTEGER NOT NULL,
    context    TEXT    NOT NULL,
    schema_id  INTEGER NOT NULL,
    deleted    BOOLEAN NOT NULL,
    created_at INTEGER NOT NULL
);
INSERT INTO orphaned_subject_versions (subject, version, context, schema_id, deleted, created_at)
SELECT subject, version, context, schema_id, deleted, created_at FROM subject_versions v
WHERE NOT EXISTS (SELECT 1 FROM schemas s WHERE s.context = v.context AND s.id = v.schema_id);

CREATE TABLE subject_versions_with_keys (
    subject    TEXT    NOT NULL,
    version    INTEGER NOT NULL,
    context    TEXT    NOT NULL,
    schema_id  INTEGER NOT NULL,
    deleted    BOOLEAN NOT NULL DEFAULT FALSE,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (subject, version),
    FOREIGN KEY (context, schema_id) REFERENCES schemas (context, id) ON DELETE NO ACTION
);
INSERT INTO subject_versions_with_keys (subject, version, context, schema_id, deleted, created_at)
SELECT subject, version, context, schema_id, deleted, created_at FROM subject_versions v
WHERE EXISTS (SELECT 1 FROM schemas s WHERE s.context = v.context AND s.id = v.schema_id);
DROP TABLE subject_versions;
ALTER TABLE subject_versions_with_keys RENAME TO subject_versions;
-- The same indexes as 0001; (context, schema_id) also serves the key's checks on schema deletes.
CREATE INDEX subject_versions_by_schema ON subject_versions (context, schema_id);
CREATE INDEX subject_versions_by_subject_schema ON subject_versions (subject, schema_id);

CREATE TABLE schema_refs_with_keys (
    context     TEXT    NOT NULL,
    schema_id   INTEGER NOT NULL,
    position    INTEGER NOT NULL,
    name        TEXT    NOT NULL,
    ref_subject TEXT    NOT NULL,
    ref_version INTEGER NOT NULL,
    PRIMARY KEY (context, schema_id, position),
    FOREIGN KEY (context, schema_id) REFERENCES schemas (context, id) ON DELETE CASCADE
);
INSERT INTO schema_refs_with_keys (context, schema_id, position, name, ref_subject, ref_version)
SELECT context, schema_id, position, name, ref_subject, ref_version FROM schema_refs r
WHERE EXISTS (SELECT 1 FROM schemas s WHERE s.context = r.context AND s.id = r.schema_id);
DROP TABLE schema_refs;
ALTER TABLE schema_refs_with_keys RENAME TO schema_refs;
CREATE INDEX schema_refs_by_target ON schema_refs (ref_subject, ref_version);
