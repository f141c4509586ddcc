import { int } from '../fields.js';
import { section } from '../section.js';

export const outbox = section(
  'Outbox',
  {
    OUTBOX_DEBOUNCE_MS: int(300, 0, 600_000).describe('delay before a job runs, so a burst of edits becomes one job'),
    OUTBOX_DOCUMENT_DEBOUNCE_MS: int(500, 0, 600_000).describe('the same for documents with lines (sales, returns, purchases)'),
    OUTBOX_SWEEP_INTERVAL_MS: int(5000, 200).describe('safety sweep of the outbox (events missed while the producer was down)'),
    OUTBOX_RECHECK_AFTER_MS: int(30000, 100).describe('an enqueued event older than this is enqueued again if its job is gone'),
    OUTBOX_RETENTION_DAYS: int(30, 1, 3650).describe('settled events older than this are deleted by housekeeping'),
  },
  (e) => ({
    debounceMs: e.OUTBOX_DEBOUNCE_MS,
    documentDebounceMs: e.OUTBOX_DOCUMENT_DEBOUNCE_MS,
    sweepIntervalMs: e.OUTBOX_SWEEP_INTERVAL_MS,
    recheckAfterMs: e.OUTBOX_RECHECK_AFTER_MS,
    retentionDays: e.OUTBOX_RETENTION_DAYS,
  }),
);
