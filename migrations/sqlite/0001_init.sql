-- Schemas by id, per context. `hash` is Confluent's identity digest (canonical text,
-- references, metadata, rule set). Not unique: IMPORT may give one schema two ids.
CREATE TABLE schemas (
    context     TEXT    NOT NULL,
    id          INTEGER NOT NULL,
    schema_type TEXT    NOT NULL,
    schema_text TEXT    NOT NULL,
    hash        TEXT    NOT NULL,
    refs        TEXT    NOT NULL DEFAULT '[]',
    metadata    TEXT,
    rule_set    TEXT,
    created_at  INTEGER NOT NULL,
    PRIMARY KEY (context, id)
);
-- By digest first: lookups by digest alone (guids) and within a context in id order
-- (register), without walking every schema of the context.
CREATE INDEX schemas_by_hash ON schemas (hash, context, id);

-- The references a schema makes, for `referencedby` and the 42206 delete guard.
CREATE TABLE schema_refs (
    context     TEXT    NOT NULL,
    schema_id   INTEGER NOT NULL,
    position    INTEGER NOT NULL,
    name        TEXT    NOT NULL,
    ref_subject TEXT    NOT NULL,
    ref_version INTEGER NOT NULL,
    PRIMARY KEY (context, schema_id, position)
);
CREATE INDEX schema_refs_by_target ON schema_refs (ref_subject, ref_version);

-- Versions of subjects. Soft-deleted rows stay (and keep their numbers) until hard-deleted.
CREATE TABLE subject_versions (
    subject    TEXT    NOT NULL,
    version    INTEGER NOT NULL,
    context    TEXT    NOT NULL,
    schema_id  INTEGER NOT NULL,
    deleted    BOOLEAN NOT NULL DEFAULT FALSE,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (subject, version)
);
CREATE INDEX subject_versions_by_schema ON subject_versions (context, schema_id);
CREATE INDEX subject_versions_by_subject_schema ON subject_versions (subject, schema_id);

-- Config and mode per scope: `__GLOBAL` for the global scope, else a subject or `:.ctx:`.
CREATE TABLE configs (
    scope  TEXT PRIMARY KEY,
    config TEXT NOT NULL
);
CREATE TABLE modes (
    scope TEXT PRIMARY KEY,
    mode  TEXT NOT NULL
);

-- The highest id ever issued per context, so ids are never reused, even after hard deletes.
CREATE TABLE id_high_water (
    context TEXT PRIMARY KEY,
    max_id  INTEGER NOT NULL
);

-- Append-only change log: audit, export, cache invalidation across nodes.
CREATE TABLE events (
    seq        INTEGER PRIMARY KEY AUTOINCREMENT,
    at         INTEGER NOT NULL,
    kind       TEXT    NOT NULL,
    subject    TEXT,
    version    INTEGER,
    context    TEXT,
    schema_id  INTEGER
);
