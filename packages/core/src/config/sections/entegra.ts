import { z } from 'zod';
import { int, timeZone } from '../fields.js';
import { section } from '../section.js';

export const entegra = section(
  'Entegra SQLite <-> web mirror (entegra domain; npm run sync-entegra)',
  {
    // Optional: without it the entegra task fails (manual run) or is skipped (schedule) naming it.
    ENTEGRA_DB_PATH: z
      .string()
      .optional()
      .describe(
        `the Entegra database file, e.g. C:\\Ana Entegra\\db.s3db (required for the entegra domain): a local path of
the machine running the entegra worker, never a network share; write it without quotes (docs/deploy.md)`,
      ),
    ENTEGRA_TIMEZONE: timeZone('Europe/Istanbul').describe('zone of Entegra\'s local times and of "first run of the day" (1 month vs 3 days window)'),
    ENTEGRA_BUSY_TIMEOUT_MS: int(250, 0, 10_000).describe("SQLite's own wait per statement on a locked file (blocks the worker: keep short)"),
    ENTEGRA_LOCK_WAIT_MS: int(60_000, 0, 3_600_000).describe('keep retrying a locked file this long, then the job fails and retries with backoff'),
    ENTEGRA_LOCK_RETRY_MS: int(200, 10, 60_000).describe('first pause between attempts on a locked file (doubles up to 2 s)'),
  },
  (e) => ({
    /** The Entegra database file (db.s3db); undefined: the entegra task cannot run. */
    dbPath: e.ENTEGRA_DB_PATH?.trim() || undefined,
    /** Zone of Entegra's naive local times and of the "first run of the day". */
    timeZone: e.ENTEGRA_TIMEZONE,
    /** SQLite's own per-statement lock wait (blocks the worker's event loop: keep it short). */
    busyTimeoutMs: e.ENTEGRA_BUSY_TIMEOUT_MS,
    /** How long a read or write keeps retrying a locked file before the job fails and retries later. */
    lockWaitMs: e.ENTEGRA_LOCK_WAIT_MS,
    /** First pause between attempts on a locked file (doubles up to 2 s). */
    lockRetryMs: e.ENTEGRA_LOCK_RETRY_MS,
  }),
);
