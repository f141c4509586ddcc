-- Up Migration
-- Every manual action of an operator (re-enqueue, discard, run now, pause, resume): who, when, what.
CREATE TABLE IF NOT EXISTS sync_audit_log (
  id        bigserial PRIMARY KEY,
  at        timestamptz NOT NULL DEFAULT now(),
  actor     text        NOT NULL,
  action    text        NOT NULL,
  target    text        NOT NULL,
  details   jsonb,
  source_ip text
);
CREATE INDEX IF NOT EXISTS sync_audit_log_at_idx ON sync_audit_log (at DESC);

-- Down Migration
DROP TABLE IF EXISTS sync_audit_log;
