/**
 * Web round trips of one posted document, counted by the delay proxy of the WAN benchmark (a turn
 * is the client speaking after the server did): an invoice, a collection and a stock count each
 * cost at most 3 on the normal path (read the document with its open outbox event; write the
 * mapping and settle the outbox), through the same job wrapper the fleet runs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queueForDomain, recordJobId, sourceFor, type RecordJob } from '@mikrosync/core';
import { createWorkerContext, runRecordJob, type WorkerContext } from '@mikrosync/workers';
import { startDelayProxy, viaProxy, type DelayProxy } from '../../bench/delay-proxy.js';
import { createTestEnv, type TestEnv } from '../support/test-env.js';
import { insertCollection, seedErpMasterData, seedWebMasterData, type SeededIds } from '../support/seed.js';
import { insertSale, seedStocks } from '../support/invoice-seed.js';
import { webInsert } from '../support/stock-seed.js';

const MAX_WEB_ROUND_TRIPS = 3;

describe('web round trips per posted document', () => {
  let t: TestEnv;
  let ctx: WorkerContext;
  let proxy: DelayProxy;
  let ids: SeededIds;
  let stock: Record<string, string>;

  beforeAll(async () => {
    t = await createTestEnv();
    await seedErpMasterData(t.erp);
    ids = await seedWebMasterData(t.web);
    stock = await seedStocks(t.web, t.erp);
    const url = new URL(t.config.web.url);
    proxy = await startDelayProxy({ host: url.hostname, port: Number(url.port || 5432) }, 0);
    ctx = createWorkerContext({ ...t.config, web: { ...t.config.web, url: viaProxy(t.config.web.url, proxy) } }, t.log);
  });
  afterAll(async () => {
    await ctx?.close();
    await proxy?.close();
    await t?.cleanup();
  });

  /** Runs the record's job as the fleet does and returns the web turns it cost. */
  async function webTurnsOf(table: string, recordId: string): Promise<number> {
    const event = (await t.web.query<{ id: number }>('SELECT max(id)::int AS id FROM sync_outbox WHERE record_id = $1', [recordId])).rows[0]!;
    const data: RecordJob = { kind: 'record', table, recordId, outboxId: event.id };
    const queue = ctx.queues.get(queueForDomain(sourceFor(table)!.domain));
    // Delayed far ahead: no worker takes it; the test runs it through the job wrapper itself.
    const job = await queue.add(`${table}:insert`, data, { jobId: recordJobId(table, recordId), delay: 3_600_000 });
    proxy.reset();
    const result = await runRecordJob(ctx, job, undefined);
    const turns = proxy.turns();
    expect(result).toMatch(/^posted as /);
    const open = await t.web.query("SELECT status FROM sync_outbox WHERE record_id = $1 AND status <> 'done'", [recordId]);
    expect(open.rows).toEqual([]);
    await job.remove();
    return turns;
  }

  const kinds: { name: string; table: string; insert: (i: number) => Promise<string> }[] = [
    {
      name: 'a sales invoice of 5 lines',
      table: 'satislar',
      insert: (i) =>
        insertSale(
          t.web,
          { cari_hesap_id: ids.serhan, odeme_sekli: 'acik_hesap', toplam_tutar: 50, satis_no: `RT-${i}` },
          ['H', 'K1', 'K2', 'K3', 'K4'].map((code) => ({ stok_id: stock[code]!, birim_fiyat: 10 })),
        ),
    },
    { name: 'a cash collection', table: 'tahsilatlar', insert: () => insertCollection(t.web, { cari_hesap_id: ids.serhan, kasa_id: ids.kasa001, tutar: 12 }) },
    {
      name: 'a stock count',
      table: 'stok_hareketleri',
      insert: (i) =>
        webInsert(t.web, 'stok_hareketleri', {
          stok_id: stock.K1,
          belge_tipi: 'sayim',
          hareket_tipi: 'giris',
          miktar: 1 + i,
          onceki_miktar: 0,
          sonraki_miktar: 0,
          islem_tarihi: '2026-01-15T12:00:00+03:00',
        }),
    },
  ];

  for (const k of kinds) {
    it(`${k.name} costs at most ${MAX_WEB_ROUND_TRIPS} web round trips`, async () => {
      // The first document of a process also reads the web tables' columns (once per process).
      await webTurnsOf(k.table, await k.insert(0));
      const turns = await webTurnsOf(k.table, await k.insert(1));
      console.log(`${k.name}: ${turns} web round trips`);
      expect(turns).toBeLessThanOrEqual(MAX_WEB_ROUND_TRIPS);
    });
  }
});
