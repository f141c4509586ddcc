/**
 * Document numbers under concurrency: two worker processes racing for collection numbers get
 * unique, contiguous ones. (Crash recovery, producer and Redis restarts, transient failures:
 * tests/runtime.)
 */
import { describe, expect, it } from 'vitest';
import { ERP_UNDER_TEST, waitFor } from '../support/test-env.js';
import { collectionCounts, insertCollections, useCliFleet } from '../support/cli-fleet.js';

const fleet = useCliFleet();

describe.skipIf(ERP_UNDER_TEST !== 'pg')('document numbers under concurrency', () => {
  it('two worker processes posting 200 collections get unique, contiguous document numbers', async () => {
    const { t, ids } = await fleet.setup({ WORKER_CONCURRENCY: '8' });
    const workers = [1, 2].map(() => fleet.start(['worker', '--domain', 'collections'], { ...t.env, LOG_LEVEL: 'info' }));
    fleet.start(['producer'], t.env);
    await insertCollections(t, ids, 200);
    await waitFor('200 posted', async () => (await collectionCounts(t)).maps === 200 || undefined, 90_000);
    const nums = (await t.erpSql.query(`SELECT "cha_evrakno_sira" AS n FROM "CARI_HESAP_HAREKETLERI" WHERE "cha_evrak_tip" = 1 ORDER BY 1`)).rows.map((r) => Number(r.n));
    expect(nums).toHaveLength(200);
    expect(new Set(nums).size).toBe(200);
    expect(nums[nums.length - 1]! - nums[0]!).toBe(199);
    // Both processes posted documents: the numbers are not contiguous merely because one worker ran alone.
    // Each worker logs after its commit, through a pipe: wait for the last lines.
    const postedBy = () => workers.map((w) => (w.output().match(/collection posted to Mikro/g) ?? []).length);
    const posted = await waitFor('200 "posted" log lines', async () => {
      const p = postedBy();
      return p[0]! + p[1]! >= 200 ? p : undefined;
    });
    expect(posted[0]! + posted[1]!).toBe(200);
    expect(Math.min(...posted)).toBeGreaterThan(0);
  });
});
