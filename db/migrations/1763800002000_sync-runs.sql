-- Up Migration
-- One row per task run (a sync cycle, a feed upload): what the status page and alerts read.
CREATE TABLE IF NOT EXISTS sync_runs (
  id           bigserial PRIMARY KEY,
  flow         text        NOT NULL,
  task         text        NOT NULL,
  job_id       text,
  requested_by text,
  status       text        NOT NULL CHECK (status IN ('running', 'succeeded', 'failed')),
  started_at   timestamptz NOT NULL DEFAULT now(),
  finished_at  timestamptz,
  rows         jsonb,
  summary      text,
  error        text
);
CREATE INDEX IF NOT EXISTS sync_runs_flow_idx ON sync_runs (flow, started_at DESC);

-- Down Migration
DROP TABLE IF EXISTS sync_runs;
