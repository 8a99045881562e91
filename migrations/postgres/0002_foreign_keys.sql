-- Foreign keys: a version never points at a missing schema row, and a reference row never
-- outlives its schema.
--   subject_versions (context, schema_id) -> schemas: ON DELETE NO ACTION, so deleting a
--     schema row still carried by a version fails instead of leaving the version dangling
--     (NO ACTION rather than RESTRICT: checked at the end of the statement like RESTRICT for
--     every statement the store runs, and SQLite reports it as a foreign key violation, where
--     its RESTRICT reports a trigger failure);
--   schema_refs (context, schema_id) -> schemas: ON DELETE CASCADE, the references go with it.
--
-- Locking: the keys are added NOT VALID here (a brief SHARE ROW EXCLUSIVE lock; every row
-- written from this commit on is checked, by every node, old release or new) and validated by
-- 0003, which runs outside a transaction: VALIDATE CONSTRAINT scans under SHARE UPDATE
-- EXCLUSIVE, so reads and writes go on meanwhile. (Adding and validating in this one
-- transaction would hold the stronger lock for the whole scan.)
--
-- A version whose schema row is missing (a hard delete racing a registration before the
-- digest lock, issue 10) would fail the validation: it is moved to `orphaned_subject_versions`
-- for an operator to inspect, not dropped silently. Reference rows of a missing schema carry
-- nothing that `schemas.refs` does not, and are deleted.
--
-- Columns holding subject names get the "C" collation: they compare and sort by bytes, as
-- the registry orders subjects (and as SQLite does), so listings need no `COLLATE "C"` of
-- their own and an index on the column can serve their ORDER BY. Equality is unchanged
-- (deterministic collations compare bytes). The change rewrites no table, but the indexes
-- on those columns are rebuilt under an ACCESS EXCLUSIVE lock: the primary keys of
-- subject_versions, configs and modes, subject_versions_by_subject_schema and
-- schema_refs_by_target (seconds for millions of versions).

CREATE TABLE orphaned_subject_versions (
    subject    TEXT    NOT NULL,
    version    INTEGER NOT NULL,
    context    TEXT    NOT NULL,
    schema_id  INTEGER NOT NULL,
    deleted    BOOLEAN NOT NULL,
    created_at BIGINT  NOT NULL
);
WITH orphans AS (
    DELETE FROM subject_versions v
    WHERE NOT EXISTS (SELECT 1 FROM schemas s WHERE s.context = v.context AND s.id = v.schema_id)
    RETURNING subject, version, context, schema_id, deleted, created_at
)
INSERT INTO orphaned_subject_versions (subject, version, context, schema_id, deleted, created_at)
SELECT subject, version, context, schema_id, deleted, created_at FROM orphans;
DELETE FROM schema_refs r
WHERE NOT EXISTS (SELECT 1 FROM schemas s WHERE s.context = r.context AND s.id = r.schema_id);

ALTER TABLE subject_versions ALTER COLUMN subject TYPE TEXT COLLATE "C";
ALTER TABLE schema_refs ALTER COLUMN ref_subject TYPE TEXT COLLATE "C";
ALTER TABLE events ALTER COLUMN subject TYPE TEXT COLLATE "C";
ALTER TABLE configs ALTER COLUMN scope TYPE TEXT COLLATE "C";
ALTER TABLE modes ALTER COLUMN scope TYPE TEXT COLLATE "C";

ALTER TABLE subject_versions ADD CONSTRAINT subject_versions_schema_fkey
    FOREIGN KEY (context, schema_id) REFERENCES schemas (context, id) ON DELETE NO ACTION NOT VALID;
ALTER TABLE schema_refs ADD CONSTRAINT schema_refs_schema_fkey
    FOREIGN KEY (context, schema_id) REFERENCES schemas (context, id) ON DELETE CASCADE NOT VALID;
