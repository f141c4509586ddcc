/**
 * Golden tests: every traced sales, sales-return, purchase and purchase-return invoice, entered as
 * web rows and posted through the real worker, must produce ERP rows equal to what Mikro's own
 * client wrote, column by column (timestamps, users' times and record numbers aside).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ident, observeStatements, selectRow, sql, type Rendered } from '@mikrosync/connectors';
import { createWorkerContext, recordProcessorFor, type WorkerContext } from '@mikrosync/workers';
import { createTestEnv, type TestEnv } from '../support/test-env.js';
import { seedErpMasterData, seedWebMasterData, type SeededIds } from '../support/seed.js';
import { insertPurchase, insertReturn, insertSale, insertWebRow, seedStocks } from '../support/invoice-seed.js';
import { diffRow, loadTrace } from '../support/traces.js';
import { tsqlProblems } from '../support/tsql.js';
import { schemaCheck } from '../support/tsql-schema.js';

type Source = 'satislar' | 'iadeler' | 'alislar';
interface Scenario {
  trace: string;
  source: Source;
  insert: (t: TestEnv, ids: SeededIds, stock: Record<string, string>) => Promise<string>;
}

const line = (stock: Record<string, string>, price: number, notlar = '') => ({ stok_id: stock.H!, miktar: 1, birim_fiyat: price, notlar });

const SCENARIOS: Scenario[] = [
  {
    trace: 'satis-normal-acikhesap-pesin',
    source: 'satislar',
    insert: (t, i, s) =>
      insertSale(t.web, { cari_hesap_id: i.serhan, odeme_sekli: 'acik_hesap', satis_tarihi: '2025-11-11', fatura_sira_no: 4509, toplam_tutar: 11.11, ara_toplam: 11.11 }, [
        line(s, 11.11, 'normal/açıkhesap/peşin'),
      ]),
  },
  {
    trace: 'satis-normal-bankadankapanacak',
    source: 'satislar',
    insert: (t, i, s) =>
      insertSale(t.web, { cari_hesap_id: i.serhan, odeme_sekli: 'havale', banka_id: i.banks['01'], fatura_sira_no: 4511, toplam_tutar: 11.11 }, [line(s, 11.11)]),
  },
  {
    trace: 'satis-normal-kasdankapanacak',
    source: 'satislar',
    insert: (t, i, s) =>
      insertSale(t.web, { cari_hesap_id: i.serhan, odeme_sekli: 'nakit', kasa_id: i.kasa001, fatura_sira_no: 4511, toplam_tutar: 11.11 }, [
        line(s, 11.11, 'satış-normal-kasdankapanacak'),
      ]),
  },
  {
    trace: 'satis-iade-acikhesap',
    source: 'iadeler',
    insert: (t, i, s) =>
      insertReturn(t.web, { cari_hesap_id: i.serhan, iade_sekli: 'acik_hesap', fatura_sira_no: 4511, toplam_tutar: 0, notlar: 'satış-iade-açıkhesap' }, [line(s, 0)]),
  },
  {
    trace: 'satis-iade-kasadankapanacak',
    source: 'iadeler',
    insert: async (t, i, s) => {
      // The refund leaves through the cash box of the sale being returned.
      const sale = await insertWebRow(t.web, 'satislar', { satis_no: 'S-ORIG', cari_hesap_id: i.serhan, kasa_id: i.kasa001, satis_durumu: 'taslak', durum: 'taslak' });
      return insertReturn(t.web, { cari_hesap_id: i.serhan, satis_id: sale, iade_sekli: 'nakit', fatura_sira_no: 4511, toplam_tutar: 1, notlar: 'satış-iade-kasadankapanacak' }, [
        line(s, 1),
      ]);
    },
  },
  {
    trace: 'alis-normal-acikhesap',
    source: 'alislar',
    insert: (t, i, s) =>
      insertPurchase(t.web, { tedarikci_id: i.serhan, odeme_sekli: 'acik_hesap', fatura_sira_no: 323, toplam_tutar: 1, aciklama: 'alış-normal-açıkhesap' }, [line(s, 1)]),
  },
  {
    trace: 'alis-normal-kasadankapanacak',
    source: 'alislar',
    insert: (t, i, s) =>
      insertPurchase(t.web, { tedarikci_id: i.serhan, odeme_sekli: 'nakit', kasa_id: i.kasa001, fatura_sira_no: 324, toplam_tutar: 1, aciklama: 'alış-normal-kasadankapanacak' }, [
        line(s, 1),
      ]),
  },
  {
    trace: 'alis-iade-acikhesap',
    source: 'alislar',
    insert: (t, i, s) =>
      insertPurchase(t.web, { tedarikci_id: i.serhan, fatura_tipi: 'iade', iade: true, odeme_sekli: 'acik_hesap', fatura_sira_no: 324, toplam_tutar: 11.11, aciklama: 'alış-iade-açıkhesap' }, [
        line(s, 11.11),
      ]),
  },
  {
    trace: 'alis-iade-kasadankapanacak',
    source: 'alislar',
    insert: (t, i, s) =>
      insertPurchase(
        t.web,
        { tedarikci_id: i.serhan, fatura_tipi: 'iade', iade: true, odeme_sekli: 'nakit', kasa_id: i.kasa001, fatura_sira_no: 324, toplam_tutar: 11.11, aciklama: 'alış-iade-kasadankapanacak' },
        [line(s, 11.11)],
      ),
  },
];

describe('invoices match the Mikro client traces', () => {
  let t: TestEnv;
  let ctx: WorkerContext;
  let ids: SeededIds;
  let stock: Record<string, string>;
  const sent = new Map<string, Rendered>();
  // Every statement with its values (the same text is checked with each set of values).
  const all: Rendered[] = [];
  let stopObserving: () => void = () => undefined;

  beforeAll(async () => {
    t = await createTestEnv();
    ctx = createWorkerContext(t.config, t.log);
    await seedErpMasterData(t.erp);
    ids = await seedWebMasterData(t.web);
    stock = await seedStocks(t.web, t.erp);
    stopObserving = observeStatements((r, _stmt, part) => {
      sent.set(r.text, r);
      // The schema check reads whole requests: a part of a write batch names batch variables
      // that only its request declares.
      if (!part) all.push(r);
    });
  });
  afterAll(async () => {
    stopObserving();
    await ctx?.close();
    await t?.cleanup();
  });

  for (const s of SCENARIOS) {
    it(`${s.trace} (${s.source}): every column of every ERP row as traced`, async () => {
      for (const table of ['CARI_HESAP_HAREKETLERI', 'STOK_HAREKETLERI', 'MIKROSYNC_LEDGER']) await t.erp.query(sql`DELETE FROM ${ident(table)}`);
      await t.web.query('TRUNCATE int_satis_mapping, int_iade_mapping, int_alis_mapping');
      const id = await s.insert(t, ids, stock);
      const result = await recordProcessorFor(s.source)({ kind: 'record', table: s.source, recordId: id }, ctx);
      expect(result).toMatch(/^posted as /);

      const trace = loadTrace(s.trace);
      const ledger = await t.erp.query<{ ldg_rows: string }>(sql`SELECT ${ident('ldg_rows')} FROM ${ident('MIKROSYNC_LEDGER')} WHERE ${ident('ldg_web_id')} = ${id}`);
      const written = JSON.parse(ledger[0]!.ldg_rows) as { table: string; recno: number }[];
      expect(written.map((w) => w.table).sort()).toEqual(trace.rows.map((r) => r.table).sort());
      const header = written.find((w) => w.table === 'CARI_HESAP_HAREKETLERI')!;
      for (const traced of trace.rows) {
        const ours = written.find((w) => w.table === traced.table)!;
        const recnoCol = traced.table === 'STOK_HAREKETLERI' ? 'sth_RECno' : 'cha_RECno';
        const actual = (await selectRow(t.erp, traced.table, recnoCol, ours.recno))!;
        const { cha_uuid: tracedUuid, ...expected } = traced.values;
        expect(diffRow(expected, actual), `${s.trace} ${traced.table}`).toEqual([]);
        if (tracedUuid !== undefined) expect(actual.cha_uuid).toMatch(/^[0-9A-F]{8}-[0-9A-F]{4}-4[0-9A-F]{3}-[89AB][0-9A-F]{3}-[0-9A-F]{12}$/);
        if (traced.table === 'STOK_HAREKETLERI') expect(actual.sth_fat_recid_recno).toBe(header.recno);
        expect(actual[recnoCol.replace('RECno', 'RECid_RECno')]).toBe(actual[recnoCol]);
      }
      const map = { satislar: ['int_satis_mapping', 'web_satis_id'], iadeler: ['int_iade_mapping', 'web_iade_id'], alislar: ['int_alis_mapping', 'web_alis_id'] }[s.source];
      const mapped = await t.web.query(`SELECT erp_evrak_seri, erp_evrak_no FROM ${map[0]} WHERE ${map[1]} = $1`, [id]);
      const headerTrace = trace.rows.find((r) => r.table === 'CARI_HESAP_HAREKETLERI')!;
      expect(mapped.rows[0]).toEqual({ erp_evrak_seri: '', erp_evrak_no: headerTrace.values.cha_evrakno_sira });
    });
  }

  it('sent only statements that parse as T-SQL with @-named parameters', () => {
    const problems = [...sent.values()].flatMap((r) => tsqlProblems(r.text).map((p) => `${p}\n  in: ${r.text.slice(0, 300)}`));
    expect(problems).toEqual([]);
  });

  it('sent only statements whose tables, columns and bound values fit the Mikro schema', () => {
    const { problems, values } = schemaCheck(all);
    expect(values).toBeGreaterThan(100);
    expect(problems).toEqual([]);
  });
});
