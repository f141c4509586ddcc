/**
 * A document is one ERP read batch and one ERP write batch: counted at the ERP client for a new
 * invoice and for one already posted; a 300-line invoice posts as one transaction, its batch cut
 * for SQL Server into requests under the 2,100-parameter limit, each parsing as T-SQL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ident, observeStatements, sql, type ErpClient, type Rendered } from '@mikrosync/connectors';
import { createWorkerContext, recordProcessorFor, type WorkerContext } from '@mikrosync/workers';
import { createTestEnv, type TestEnv } from '../support/test-env.js';
import { seedErpMasterData, seedWebMasterData, type SeededIds } from '../support/seed.js';
import { insertSale, seedStocks } from '../support/invoice-seed.js';
import { insertCollection } from '../support/seed.js';
import { webInsert } from '../support/stock-seed.js';
import { tsqlProblems } from '../support/tsql.js';

/** Counts every call that reaches the ERP (one call = one round trip of the client). */
function counting(erp: ErpClient): { erp: ErpClient; calls: string[] } {
  const calls: string[] = [];
  const wrapped: ErpClient = {
    ...erp,
    dialect: erp.dialect,
    query: (s) => (calls.push('query'), erp.query(s)),
    transaction: (fn) => (calls.push('transaction'), erp.transaction(fn)),
    readBatch: (s) => (calls.push('readBatch'), erp.readBatch(s)),
    writeBatch: (b) => (calls.push('writeBatch'), erp.writeBatch(b)),
  };
  return { erp: wrapped, calls };
}

describe('a document is one ERP read batch and one ERP write batch', () => {
  let t: TestEnv;
  let ctx: WorkerContext;
  let ids: SeededIds;
  let stock: Record<string, string>;
  let counted: { erp: ErpClient; calls: string[] };

  beforeAll(async () => {
    t = await createTestEnv();
    ctx = createWorkerContext(t.config, t.log);
    await seedErpMasterData(t.erp);
    ids = await seedWebMasterData(t.web);
    // 300 distinct stocks: lines of one stock are merged into one Mikro line.
    stock = await seedStocks(t.web, t.erp, ['H', 'K1', 'K2', 'K3', 'K4', ...Array.from({ length: 300 }, (_, i) => `L${i + 1}`)]);
    counted = counting(ctx.erp);
    ctx = { ...ctx, erp: counted.erp };
  });
  afterAll(async () => {
    await ctx?.close();
    await t?.cleanup();
  });

  it('a new sales invoice: one read batch, one write batch; posted again: one read batch', async () => {
    const id = await insertSale(t.web, { cari_hesap_id: ids.serhan, odeme_sekli: 'acik_hesap', toplam_tutar: 10 }, [
      { stok_id: stock.H!, birim_fiyat: 2 },
      { stok_id: stock.K1!, birim_fiyat: 2 },
      { stok_id: stock.K2!, birim_fiyat: 2 },
      { stok_id: stock.K3!, birim_fiyat: 2 },
      { stok_id: stock.K4!, birim_fiyat: 2 },
    ]);
    counted.calls.length = 0;
    expect(await recordProcessorFor('satislar')({ kind: 'record', table: 'satislar', recordId: id }, ctx)).toMatch(/^posted as /);
    expect(counted.calls).toEqual(['readBatch', 'writeBatch']);
    counted.calls.length = 0;
    expect(await recordProcessorFor('satislar')({ kind: 'record', table: 'satislar', recordId: id }, ctx)).toMatch(/^already posted as /);
    expect(counted.calls).toEqual(['readBatch']);
  });

  it('a cash collection and a stock count: one read batch, one write batch each; again: one read batch', async () => {
    const collection = await insertCollection(t.web, { cari_hesap_id: ids.serhan, tahsilat_tipi: 'nakit', kasa_id: ids.kasa001, tutar: 25 });
    await t.erp.query(sql`UPDATE ${ident('STOKLAR')} SET ${ident('sto_standartmaliyet')} = ${3} WHERE ${ident('sto_kod')} = ${'H'}`);
    const count = await webInsert(t.web, 'stok_hareketleri', { stok_id: stock.H!, belge_tipi: 'sayim', hareket_tipi: 'giris', miktar: 2, onceki_miktar: 0, sonraki_miktar: 0 });
    for (const [table, id] of [['tahsilatlar', collection], ['stok_hareketleri', count]] as const) {
      counted.calls.length = 0;
      expect(await recordProcessorFor(table)({ kind: 'record', table, recordId: id }, ctx), table).toMatch(/^posted as /);
      expect(counted.calls, table).toEqual(['readBatch', 'writeBatch']);
      counted.calls.length = 0;
      expect(await recordProcessorFor(table)({ kind: 'record', table, recordId: id }, ctx), table).toMatch(/^already posted as /);
      expect(counted.calls, table).toEqual(['readBatch']);
    }
  });

  it('a 300-line invoice posts as one transaction; SQL Server gets it in requests of at most 2,100 parameters that parse as T-SQL', async () => {
    const lines = Array.from({ length: 300 }, (_, i) => ({ stok_id: stock[`L${i + 1}`]!, birim_fiyat: 1, notlar: `line ${i + 1}` }));
    const id = await insertSale(t.web, { cari_hesap_id: ids.serhan, odeme_sekli: 'acik_hesap', toplam_tutar: 300 }, lines);
    const sent: Rendered[] = [];
    const stop = observeStatements((r) => sent.push(r));
    counted.calls.length = 0;
    try {
      expect(await recordProcessorFor('satislar')({ kind: 'record', table: 'satislar', recordId: id }, ctx)).toMatch(/^posted as /);
    } finally {
      stop();
    }
    expect(counted.calls).toEqual(['readBatch', 'writeBatch']);
    const ledger = await t.erp.query<{ ldg_rows: string; ldg_header_recno: number }>(
      sql`SELECT ${ident('ldg_rows')}, ${ident('ldg_header_recno')} FROM ${ident('MIKROSYNC_LEDGER')} WHERE ${ident('ldg_web_id')} = ${id}`,
    );
    expect(JSON.parse(ledger[0]!.ldg_rows)).toHaveLength(301);
    const written = await t.erp.query<{ n: number }>(
      sql`SELECT COUNT(*) AS ${ident('n')} FROM ${ident('STOK_HAREKETLERI')} WHERE ${ident('sth_fat_recid_recno')} = ${ledger[0]!.ldg_header_recno}`,
    );
    expect(Number(written[0]!.n)).toBe(300);
    // The write batch as SQL Server receives it: several requests (one transaction), each under the limit.
    const requests = sent.filter((r) => r.text.includes('INSERT INTO [STOK_HAREKETLERI]') || r.text.includes('[MIKROSYNC_LEDGER] ('));
    expect(requests.length).toBeGreaterThan(1);
    for (const r of requests) expect(r.params.length).toBeLessThanOrEqual(2100);
    expect(requests[0]!.text).toMatch(/^SET XACT_ABORT ON/);
    expect(requests.slice(1).every((r) => !r.text.includes('BEGIN TRAN'))).toBe(true);
    for (const r of requests) expect(tsqlProblems(r.text)).toEqual([]);
  });
});
