/**
 * Four worker processes posting 1,000 mixed invoices at once (sales, sales returns, purchases,
 * purchase returns, three series), with and without worker processes SIGKILLed at random moments:
 * every document number unique and contiguous per (type, series), every web document exactly one
 * ERP document.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createTestEnv, ERP_UNDER_TEST, waitFor, type TestEnv } from '../support/test-env.js';
import { seedErpMasterData, seedWebMasterData, type SeededIds } from '../support/seed.js';
import { insertPurchase, insertReturn, insertSale, seedStocks } from '../support/invoice-seed.js';
import { startCli, type CliProcess } from '../support/processes.js';

const DOCUMENTS = 1000;
/** Open outbox events of the invoice tables (seeded master data also produces stock-domain events). */
const OPEN_INVOICE_EVENTS = `SELECT count(*) AS n FROM sync_outbox WHERE status <> 'done'
  AND table_name IN ('satislar', 'satis_kalemleri', 'iadeler', 'iade_kalemleri', 'alislar', 'alis_kalemleri')`;
let t: TestEnv | undefined;
const running = new Set<CliProcess>();

afterEach(async () => {
  await Promise.all([...running].map((p) => p.stop('SIGKILL')));
  running.clear();
  await t?.cleanup();
  t = undefined;
});

function start(args: string[], env: Record<string, string>): CliProcess {
  const p = startCli(args, env);
  running.add(p);
  void p.exited.then(() => running.delete(p));
  return p;
}

/** A deterministic mix: kind, series and 1–3 lines per document. */
async function writeDocuments(t: TestEnv, ids: SeededIds, stock: Record<string, string>): Promise<{ lines: number }> {
  const codes = ['H', 'K1', 'K2', 'K3', 'K4'];
  let lines = 0;
  const work: Promise<string>[] = [];
  for (let i = 0; i < DOCUMENTS; i++) {
    const n = 1 + (i % 3);
    lines += n;
    const ls = Array.from({ length: n }, (_, k) => ({ stok_id: stock[codes[(i + k) % codes.length]!]!, miktar: 1 + k, birim_fiyat: 10 + (i % 7) }));
    const series = ['', 'A', 'B'][i % 3]!;
    const kind = i % 10;
    if (kind < 4) work.push(insertSale(t.web, { cari_hesap_id: ids.serhan, odeme_sekli: 'acik_hesap', fatura_seri_no: series, toplam_tutar: 1 }, ls));
    else if (kind < 5) work.push(insertSale(t.web, { cari_hesap_id: ids.serhan, odeme_sekli: 'nakit', kasa_id: ids.kasa001, satis_tipi: 'iade', fatura_seri_no: series }, ls));
    else if (kind < 7) work.push(insertReturn(t.web, { cari_hesap_id: ids.serhan, iade_sekli: 'acik_hesap', fatura_seri_no: series }, ls));
    else if (kind < 9) work.push(insertPurchase(t.web, { tedarikci_id: ids.serhan, odeme_sekli: 'acik_hesap', fatura_seri_no: series }, ls));
    else work.push(insertPurchase(t.web, { tedarikci_id: ids.serhan, odeme_sekli: 'havale', banka_id: ids.banks['10'], fatura_tipi: 'iade', iade: true, fatura_seri_no: series }, ls));
    if (work.length >= 20) await Promise.all(work.splice(0));
  }
  await Promise.all(work);
  return { lines };
}

async function expectExactlyOnce(t: TestEnv, lines: number): Promise<void> {
  const ledger = await t.erpSql.query(`SELECT count(*)::int AS n, count(DISTINCT ldg_web_id)::int AS ids FROM "MIKROSYNC_LEDGER" WHERE ldg_status = 'posted'`);
  expect(ledger.rows[0]).toEqual({ n: DOCUMENTS, ids: DOCUMENTS });
  const headers = await t.erpSql.query('SELECT count(*)::int AS n FROM "CARI_HESAP_HAREKETLERI"');
  expect(headers.rows[0].n).toBe(DOCUMENTS);
  const erpLines = await t.erpSql.query('SELECT count(*)::int AS n FROM "STOK_HAREKETLERI"');
  expect(erpLines.rows[0].n).toBe(lines);
  const ranges = await t.erpSql.query(
    `SELECT "cha_evrak_tip" AS tip, "cha_evrakno_seri" AS seri, count(*)::int AS n, count(DISTINCT "cha_evrakno_sira")::int AS distinct_numbers,
            max("cha_evrakno_sira") - min("cha_evrakno_sira") + 1 AS span
       FROM "CARI_HESAP_HAREKETLERI" GROUP BY 1, 2 ORDER BY 1, 2`,
  );
  expect(ranges.rows).toHaveLength(6); // (63, 0) x ('', 'A', 'B')
  for (const r of ranges.rows) expect(r, `range ${r.tip}/${r.seri}`).toMatchObject({ distinct_numbers: r.n, span: r.n });
  const maps = await t.web.query(
    'SELECT (SELECT count(*) FROM int_satis_mapping) + (SELECT count(*) FROM int_iade_mapping) + (SELECT count(*) FROM int_alis_mapping) AS n',
  );
  expect(Number(maps.rows[0].n)).toBe(DOCUMENTS);
}

const fleetEnv = {
  WORKER_CONCURRENCY: '4',
  JOB_LOCK_DURATION_MS: '2000',
  STALLED_INTERVAL_MS: '500',
  JOB_MAX_STALLED: '50',
  OUTBOX_DEBOUNCE_MS: '50',
  LOG_LEVEL: 'error',
};

describe.skipIf(ERP_UNDER_TEST !== 'pg')('invoices under load', () => {
  it('4 worker processes post 1,000 mixed invoices: numbers unique and contiguous, one ERP document each', async () => {
    t = await createTestEnv(fleetEnv);
    await seedErpMasterData(t.erp);
    const ids = await seedWebMasterData(t.web);
    const stock = await seedStocks(t.web, t.erp);
    const { lines } = await writeDocuments(t, ids, stock);
    for (let i = 0; i < 4; i++) start(['worker', '--domain', 'sales,returns,purchases'], t.env);
    start(['producer'], t.env);
    const env = t;
    await waitFor('all posted', async () => (await env.erpSql.query('SELECT count(*)::int AS n FROM "MIKROSYNC_LEDGER"')).rows[0].n >= DOCUMENTS || undefined, 240_000, 500);
    await waitFor('web maps written', async () => Number((await env.web.query(OPEN_INVOICE_EVENTS)).rows[0].n) === 0 || undefined, 60_000, 500);
    await expectExactlyOnce(t, lines);
  }, 300_000);

  it('workers SIGKILLed at random moments 20 times: still exactly one ERP document each, numbers contiguous', async () => {
    t = await createTestEnv(fleetEnv);
    await seedErpMasterData(t.erp);
    const ids = await seedWebMasterData(t.web);
    const stock = await seedStocks(t.web, t.erp);
    const { lines } = await writeDocuments(t, ids, stock);
    const workers = Array.from({ length: 4 }, () => start(['worker', '--domain', 'sales,returns,purchases'], t!.env));
    start(['producer'], t.env);
    const env = t;
    const posted = async () => (await env.erpSql.query('SELECT count(*)::int AS n FROM "MIKROSYNC_LEDGER"')).rows[0].n as number;
    let kills = 0;
    while (kills < 20) {
      await new Promise((r) => setTimeout(r, 200 + Math.random() * 500));
      const victim = Math.floor(Math.random() * workers.length);
      workers[victim]!.child.kill('SIGKILL');
      await workers[victim]!.exited;
      workers[victim] = start(['worker', '--domain', 'sales,returns,purchases'], env.env);
      kills++;
      if ((await posted()) >= DOCUMENTS) break;
    }
    expect(kills).toBeGreaterThanOrEqual(10);
    await waitFor('all posted', async () => (await posted()) >= DOCUMENTS || undefined, 240_000, 500);
    await waitFor('web maps written', async () => Number((await env.web.query(OPEN_INVOICE_EVENTS)).rows[0].n) === 0 || undefined, 90_000, 500);
    await expectExactlyOnce(t, lines);
  }, 300_000);
});
