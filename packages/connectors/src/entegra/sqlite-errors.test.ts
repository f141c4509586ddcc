import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { EntegraLockedError, withLockRetry } from './sqlite-errors.js';

describe('a locked Entegra file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'entegra-lock-'));
  const path = join(dir, 'db.s3db');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('fails with a fix and no promise of a retry it cannot know about', async () => {
    const holder = new Database(path);
    holder.exec('CREATE TABLE "order" (id INTEGER PRIMARY KEY); BEGIN EXCLUSIVE');
    const reader = new Database(path, { timeout: 10 });
    try {
      const err = await withLockRetry({ path, lockWaitMs: 200, lockRetryMs: 20 }, () => reader.prepare('SELECT count(*) FROM "order"').get()).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(EntegraLockedError);
      const message = (err as Error).message;
      expect(message).toContain(path);
      expect(message).not.toMatch(/will retry/);
      expect(message).toMatch(/Fix: .*dead-letter queue.*ENTEGRA_LOCK_WAIT_MS/);
    } finally {
      reader.close();
      holder.exec('ROLLBACK');
      holder.close();
    }
  });
});
