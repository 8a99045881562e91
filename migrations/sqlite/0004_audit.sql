-- The audit trail: who made each write (the authenticated principal, NULL when
-- authentication is off) and from where (the client's address as the server saw it).
ALTER TABLE events ADD COLUMN principal TEXT;
ALTER TABLE events ADD COLUMN remote_addr TEXT;
-- The audit endpoint reads one subject's writes newest first.
CREATE INDEX events_by_subject ON events (subject, seq);
