import { z } from 'zod';
import { int, share } from '../fields.js';
import { section } from '../section.js';

export const catalog = section(
  'Catalog: ERP -> Web master data, movements, on-hand, deletions (catalog domain; npm run sync)',
  {
    CATALOG_BATCH_SIZE: int(10_000, 1, 50_000).describe('rows per ERP page and per web statement (one array parameter per column)'),
    CATALOG_WRITE_METHOD: z
      .enum(['unnest', 'copy'], { message: 'expected unnest or copy' })
      .default('unnest')
      .describe('unnest (array parameters) or copy (COPY into a staging table); see docs/flows/catalog.md'),
    CATALOG_ONHAND_FULL_PASS_MINUTES: int(1440, 0, 525_600).describe('full read of the stock-on-hand view at most this often (0: every run)'),
    CATALOG_RECONCILE_INTERVAL_MINUTES: int(1440, 0, 525_600).describe('key reconciliation of tables without our delete trigger (0: every run)'),
    CATALOG_DELETE_GUARD_SHARE: share(0.05).describe("a run that would remove more than this share of a table's ERP rows stops and alerts"),
    CATALOG_DELETE_GUARD_MIN: int(10, 0, 1_000_000).describe('... unless it removes at most this many rows'),
    CATALOG_DELETE_LOG_RETENTION_DAYS: int(7, 0, 3650).describe('applied entries of our ERP delete log are purged after this'),
    CATALOG_RETRY_MAX: int(20_000, 0, 1_000_000).describe('rows waiting for a missing parent, per table, before the run stops with an alert'),
  },
  (e) => ({
    /** Rows per ERP page and per web statement (a statement binds one array per column, not per row). */
    batchSize: e.CATALOG_BATCH_SIZE,
    /** How a batch reaches PostgreSQL: array parameters through unnest, or COPY into a staging table. */
    writeMethod: e.CATALOG_WRITE_METHOD,
    /** Stock on hand is read in full when the last full pass is older than this (0: every run). */
    onHandFullPassMinutes: e.CATALOG_ONHAND_FULL_PASS_MINUTES,
    /** Key reconciliation of tables without a delete trigger (0: every run). */
    reconcileIntervalMinutes: e.CATALOG_RECONCILE_INTERVAL_MINUTES,
    /** A run may remove at most this share of a table's ERP rows on the web ... */
    deleteGuardShare: e.CATALOG_DELETE_GUARD_SHARE,
    /** ... unless it removes at most this many rows. */
    deleteGuardMin: e.CATALOG_DELETE_GUARD_MIN,
    /** Applied entries of our ERP delete log are purged after this many days. */
    deleteLogRetentionDays: e.CATALOG_DELETE_LOG_RETENTION_DAYS,
    /** Rows waiting for a parent, per table, before the run stops with an alert. */
    retryMax: e.CATALOG_RETRY_MAX,
  }),
);
