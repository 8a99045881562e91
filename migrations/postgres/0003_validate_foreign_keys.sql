-- no-transaction
-- Validates the keys 0002 added NOT VALID. Outside a migration transaction, so the scan holds
-- only SHARE UPDATE EXCLUSIVE on the checked table (reads and writes continue) and ROW SHARE
-- on schemas. 0002 moved every row that could fail aside, and the keys have checked every
-- write since, so this cannot fail on data.
ALTER TABLE subject_versions VALIDATE CONSTRAINT subject_versions_schema_fkey;
ALTER TABLE schema_refs VALIDATE CONSTRAINT schema_refs_schema_fkey;
