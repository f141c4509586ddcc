/**
 * Golden tests: for every traced collection and payment, the web row of that scenario is posted
 * and every column of every ERP row written is compared with what Mikro's own client wrote.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ident, observeStatements, selectRow, sql, type Rendered } from '@mikrosync/connectors';
import { createWorkerContext, type WorkerContext } from '@mikrosync/workers';
import { processCollection } from '../../apps/workers/src/domains/collections/process-collection.js';
import { createTestEnv, type TestEnv } from '../support/test-env.js';
import { erpInsert, erpInsertWithRecno, insertCollection, seedErpMasterData, seedWebMasterData, type SeededIds } from '../support/seed.js';
import { diffRow, loadTrace } from '../support/traces.js';
import { tsqlProblems } from '../support/tsql.js';
import { schemaCheck } from '../support/tsql-schema.js';

interface Scenario {
  trace: string;
  /** The web row of the scenario (besides the account). */
  web: (ids: SeededIds) => Record<string, unknown>;
  /** The refno the ERP held before, so that the next one is the traced one. */
  previousRefno?: string;
  /** An existing customer cheque in the portfolio (endorsement). */
  existingCheque?: Record<string, unknown>;
}

const SCENARIOS: Scenario[] = [
  { trace: 'tahsilat-nakit', web: (i) => ({ tahsilat_tipi: 'nakit', kasa_id: i.kasa001, aciklama: 'tahsilat-nakit', tahsilat_sira_no: 1575 }) },
  {
    trace: 'tahsilat-cek',
    previousRefno: 'MC-000-000-2025-00000034',
    web: () => ({
      tahsilat_tipi: 'cek', tahsilat_tarihi: '2025-11-13', cek_no: 'çekno', cek_vade_tarihi: '2025-11-13', banka_adi: 'bankaadı',
      sube_adi: 'şubeadı', hesap_no: 'hesapno', keside_yeri: 'keşideyeri', tahsilat_sira_no: 1576,
    }),
  },
  { trace: 'tahsilat-havale', previousRefno: 'MH-000-000-2025-00000116', web: (i) => ({ tahsilat_tipi: 'havale', banka_id: i.banks['10'], tahsilat_sira_no: 1578 }) },
  { trace: 'tahsilat-kredikarti', previousRefno: 'MK-000-000-2025-00000310', web: (i) => ({ tahsilat_tipi: 'kredi_karti', banka_id: i.banks['08'], tahsilat_sira_no: 1578 }) },
  { trace: 'tediye-nakit', web: (i) => ({ tediye_tipi: 'nakit', kasa_id: i.kasa001, tahsilat_sira_no: 343 }) },
  { trace: 'tediye-firmaceki', previousRefno: 'FC-000-000-2025-00000013', web: (i) => ({ tediye_tipi: 'cek', banka_id: i.banks['01'], tahsilat_sira_no: 344 }) },
  { trace: 'tediye-firmasenedi', previousRefno: 'FS-000-000-2025-00000010', web: () => ({ tediye_tipi: 'senet', tahsilat_sira_no: 345 }) },
  { trace: 'tediye-havale', previousRefno: 'FH-000-000-2025-00000027', web: (i) => ({ tediye_tipi: 'havale', banka_id: i.banks['09'], tahsilat_sira_no: 346 }) },
  { trace: 'tediye-kredikarti', previousRefno: 'FK-000-000-2025-00000011', web: (i) => ({ tediye_tipi: 'kredi_karti', banka_id: i.banks['10'], tahsilat_sira_no: 347 }) },
  {
    trace: 'tediye-mustericeki',
    existingCheque: {
      sck_RECno: 16687, sck_tip: 0, sck_refno: 'MC-000-000-2025-00000020', sck_no: '9570517', sck_tutar: 100000, sck_vade: '20251115',
      sck_sahip_cari_kodu: 'MUSTERI', sck_nerede_cari_cins: 4, sck_nerede_cari_kodu: 'ÇEK', sck_sonpoz: 0, sck_fileid: 54,
    },
    web: () => ({ tediye_tipi: 'cek', cek_no: '9570517', tutar: 100000, tahsilat_sira_no: 348 }),
  },
];

describe('collections and payments match the Mikro client traces', () => {
  let t: TestEnv;
  let ctx: WorkerContext;
  let ids: SeededIds;
  // Every statement sent to the ERP in these scenarios, rendered for SQL Server.
  const sent = new Map<string, Rendered>();
  // Every statement with its values (the same text is checked with each set of values).
  const all: Rendered[] = [];
  let stopObserving: () => void = () => undefined;

  beforeAll(async () => {
    t = await createTestEnv();
    ctx = createWorkerContext(t.config, t.log);
    await seedErpMasterData(t.erp);
    ids = await seedWebMasterData(t.web);
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
    it(`${s.trace}: every column of every ERP row as traced`, async () => {
      // Each trace starts from an ERP without the earlier scenarios' documents (they reuse numbers).
      for (const table of ['CARI_HESAP_HAREKETLERI', 'ODEME_EMIRLERI', 'MIKROSYNC_LEDGER']) await t.erp.query(sql`DELETE FROM ${ident(table)}`);
      await t.web.query('TRUNCATE int_tahsilat_mapping');
      if (s.previousRefno) await erpInsert(t.erp, 'ODEME_EMIRLERI', { sck_tip: 99, sck_refno: s.previousRefno });
      if (s.existingCheque) await erpInsertWithRecno(t.erp, 'ODEME_EMIRLERI', s.existingCheque as Record<string, string | number>);
      const id = await insertCollection(t.web, { cari_hesap_id: ids.serhan, ...s.web(ids) });
      const result = await processCollection({ kind: 'record', table: 'tahsilatlar', recordId: id }, ctx);
      expect(result).toMatch(/^posted as /);

      const trace = loadTrace(s.trace);
      const ledger = await t.erp.query<{ ldg_rows: string }>(sql`SELECT ${ident('ldg_rows')} FROM ${ident('MIKROSYNC_LEDGER')} WHERE ${ident('ldg_web_id')} = ${id}`);
      const written = JSON.parse(ledger[0]!.ldg_rows) as { table: string; recno: number }[];
      expect(written.map((w) => w.table).sort()).toEqual(trace.rows.map((r) => r.table).sort());
      for (const traced of trace.rows) {
        const ours = written.find((w) => w.table === traced.table && (traced.inserted || w.recno === traced.recno));
        expect(ours, `${traced.table} row written`).toBeDefined();
        const recnoCol = traced.table === 'ODEME_EMIRLERI' ? 'sck_RECno' : 'cha_RECno';
        const actual = (await selectRow(t.erp, traced.table, recnoCol, ours!.recno))!;
        expect(diffRow(traced.values, actual), `${s.trace} ${traced.table}`).toEqual([]);
        if (traced.inserted) {
          // The client writes the record number into RECid after the insert; so do we.
          expect(actual[recnoCol.replace('RECno', 'RECid_RECno')]).toBe(actual[recnoCol]);
        }
      }
      // The web row carries the final document number, written as the sync's own change.
      const web = await t.web.query('SELECT tahsilat_seri_no, tahsilat_sira_no FROM tahsilatlar WHERE id = $1', [id]);
      const header = trace.rows.find((r) => r.table === 'CARI_HESAP_HAREKETLERI')!;
      expect(web.rows[0]).toEqual({ tahsilat_seri_no: '', tahsilat_sira_no: header.values.cha_evrakno_sira });
      const echo = await t.web.query(`SELECT count(*)::int AS n FROM sync_outbox WHERE record_id = $1 AND operation = 'UPDATE'`, [id]);
      expect(echo.rows[0].n).toBe(0);
    });
  }

  it('sent only statements that parse as T-SQL with @-named parameters', () => {
    expect(sent.size).toBeGreaterThan(10);
    const problems = [...sent.values()].flatMap((r) => tsqlProblems(r.text).map((p) => `${p}\n  in: ${r.text.slice(0, 300)}`));
    expect(problems).toEqual([]);
  });

  it('sent only statements whose tables, columns and bound values fit the Mikro schema', () => {
    const { problems, values } = schemaCheck(all);
    expect(values).toBeGreaterThan(100);
    expect(problems).toEqual([]);
  });
});
