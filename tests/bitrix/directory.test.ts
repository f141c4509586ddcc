/**
 * Users and departments: read in full (every page, dismissed users too) on the first cycle and
 * on cycles 10, 20, ...; the cycle counter lives in sync_state, so a restart of the worker (a
 * new process context) does not reset it. Users gone from the portal are soft-deleted.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '@mikrosync/core';
import { createWorkerContext, DOMAIN_TASKS, type WorkerContext } from '@mikrosync/workers';
import { createBitrixEnv, seedMany, type BitrixEnv } from '../support/bitrix.js';
import { makeDepartment, makeLead, makeUser } from '../support/fake-bitrix/index.js';

describe('bitrix users and departments', () => {
  let b: BitrixEnv;

  beforeAll(async () => {
    b = await createBitrixEnv({ BITRIX_RECONCILE_INTERVAL_MINUTES: '600' });
    const d = b.fake.data;
    d.seed('leads', seedMany(10, 1, (id, i) => makeLead(d.clock, id, i, 10)));
    d.seed('users', seedMany(130, 1, (id) => makeUser(d.clock, id)));
    d.seed('departments', [makeDepartment(1), ...seedMany(59, 2, (id) => makeDepartment(id, 1))]);
  });
  afterAll(async () => b?.cleanup());

  it('are fetched on cycle 1, 10 and 20, all pages each time, across a worker restart', async () => {
    const fetchedOn: number[] = [];
    let ctx: WorkerContext = b.ctx;
    for (let cycle = 1; cycle <= 21; cycle++) {
      if (cycle === 6) {
        // A restart: a new process context; the counter comes from the database.
        ctx = createWorkerContext(b.t.config, createLogger({ level: 'silent' }));
      }
      if (cycle === 8) {
        b.fake.data.create('users', { ...makeUser(b.fake.data.clock, 131), ID: '131' });
        b.fake.data.remove('users', 3);
      }
      const before = b.fake.callsOf('user.get').length;
      const result = await DOMAIN_TASKS.bitrix!.cycle!(ctx, { job: {} as never, args: {}, signal: new AbortController().signal, progress: async () => undefined });
      expect(result.summary).toMatch(new RegExp(`^bitrix cycle ${cycle}:`));
      const calls = b.fake.callsOf('user.get').length - before;
      if (calls) {
        fetchedOn.push(cycle);
        // 130 or 131 users = 3 pages, each page exactly once.
        expect(calls).toBe(3);
      }
      if (cycle === 1) {
        expect(await b.count('users')).toBe(130);
        expect(await b.count('users', 'active = false')).toBe(18);
        expect(await b.count('departments')).toBe(60);
        expect(b.fake.callsOf('department.get')).toHaveLength(2);
      }
      if (cycle === 9) expect(await b.count('users', 'id = 131')).toBe(0);
      if (cycle === 10) {
        expect(await b.count('users', 'id = 131')).toBe(1);
        expect(await b.count('users', 'id = 3 AND deleted_at IS NOT NULL')).toBe(1);
      }
    }
    if (ctx !== b.ctx) await ctx.close();
    expect(fetchedOn).toEqual([1, 10, 20]);
    expect(await b.state('cycle')).toMatchObject({ details: { cycle: 21 } });
    const departments = b.fake.callsOf('department.get');
    expect(departments).toHaveLength(6);
  });
});
