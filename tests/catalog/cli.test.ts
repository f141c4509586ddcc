// The operator commands with the original's names, run as real processes against a real catalog
// worker: `npm run sync` (and `npm run sync -- --full`), `npm run create-price-mappings`,
// `npm run fix-cari`; and the 15-minute schedule of the catalog sync.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '@mikrosync/core';
import { configuredSchedules } from '@mikrosync/producer';
import { createTestEnv, type TestEnv } from '../support/test-env.js';
import { startCli, type CliProcess } from '../support/processes.js';
import { seedCatalog } from '../support/catalog-seed.js';
import { catalogHarness, type CatalogHarness } from '../support/catalog-run.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

let t: TestEnv;
let worker: CliProcess;
/** In-process runs for the steps around the command under test (each npm run costs seconds). */
let h: CatalogHarness;

function npmRun(script: string, args: string[] = []): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn('npm', ['run', script, ...(args.length ? ['--', ...args] : [])], {
      cwd: ROOT,
      // No update check: npm would otherwise ask the registry first (slow, or hanging offline).
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', npm_config_update_notifier: 'false', NO_UPDATE_NOTIFIER: '1', ...t.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('close', (code) => resolve({ code, output: out }));
  });
}

beforeAll(async () => {
  t = await createTestEnv({ CATALOG_BATCH_SIZE: '50' });
  t.web.on('error', () => undefined);
  t.erpSql.on('error', () => undefined);
  await seedCatalog(t.erpSql, { stocks: 80, accounts: 20, accountMovements: 40, stockMovements: 40 });
  // Web price definitions made by hand, in an order unrelated to their list numbers, and a
  // mapping made by position (the original's create-price-mappings): list 1 -> the "3" definition.
  const def = async (name: string, sira: number) => (await t.web.query(`INSERT INTO fiyat_tanimlari (fiyat_adi, sira_no) VALUES ($1, $2) RETURNING id`, [name, sira])).rows[0].id as string;
  const bayi = await def('Bayi', 3);
  await def('Ana', 1);
  await def('İkinci', 2);
  await t.web.query(`INSERT INTO int_kodmap_fiyat_liste (web_fiyat_tanimi_id, erp_liste_no) VALUES ($1, 1)`, [bayi]);
  worker = startCli(['worker', '--domain', 'catalog'], t.env);
  h = catalogHarness(t);
}, 120_000);

afterAll(async () => {
  await worker?.stop();
  await h?.close();
  await t?.cleanup();
});

describe('npm run sync', () => {
  it('`npm run sync -- --full` passes --full through, shows a summary table per table', async () => {
    const r = await npmRun('sync', ['--full']);
    expect(r.code, r.output + worker.output()).toBe(0);
    expect(r.output).toContain('run catalog sync --wait --full');
    expect(r.output).toMatch(/catalog sync \(full\): \d+ row\(s\) written/);
    for (const step of ['kategoriler', 'stoklar', 'urun_barkodlari', 'urun_fiyat_listeleri', 'cari_hesaplar', 'stok_hareketleri', 'cari_hesap_hareketleri', 'eldeki_miktar']) {
      expect(r.output).toContain(`'${step}'`);
    }
    expect(Number((await t.web.query(`SELECT count(*) AS n FROM stoklar`)).rows[0].n)).toBe(80);
    const runs = await t.web.query(`SELECT status, requested_by FROM sync_runs WHERE flow = 'catalog' AND task = 'sync'`);
    expect(runs.rows).toEqual([{ status: 'succeeded', requested_by: expect.stringMatching(/^cli:/) }]);
  });

  it('`npm run sync` then runs incrementally and writes nothing new', async () => {
    const r = await npmRun('sync');
    expect(r.code, r.output).toBe(0);
    expect(r.output).toMatch(/catalog sync \(incremental\): 0 row\(s\) written/);
  });

  it('is scheduled every 15 minutes by default (SCHEDULE_CATALOG)', () => {
    const { SCHEDULE_CATALOG: _testValue, ...defaults } = t.env;
    const specs = configuredSchedules(loadConfig(defaults));
    expect(specs.find((s) => s.id === 'catalog-sync')).toMatchObject({ queue: 'catalog', cron: '*/15 * * * *', data: { kind: 'task', task: 'sync' } });
  });
});

describe('npm run create-price-mappings', () => {
  it('maps every ERP list to the definition with that sira_no, correcting a positional mapping', async () => {
    const r = await npmRun('create-price-mappings');
    expect(r.code, r.output).toBe(0);
    expect(r.output).toContain('3 ERP price list(s) with prices');
    const maps = await t.web.query(`SELECT m.erp_liste_no, f.sira_no FROM int_kodmap_fiyat_liste m JOIN fiyat_tanimlari f ON f.id = m.web_fiyat_tanimi_id ORDER BY 1`);
    expect(maps.rows).toEqual([
      { erp_liste_no: 1, sira_no: 1 },
      { erp_liste_no: 2, sira_no: 2 },
      { erp_liste_no: 3, sira_no: 3 },
    ]);
    const again = await h.run('create-price-mappings');
    expect(again.rows).toEqual({ 'already mapped': 3 });
  });
});

describe('npm run fix-cari', () => {
  it('copies real Mikro accounts the web lacks, reports unknown codes, never creates accounts for cash/bank codes', async () => {
    const e = t.erpSql;
    // An account Mikro has but the incremental sync will not read again (its lastup is old)...
    await e.query(`INSERT INTO "CARI_HESAPLAR" (cari_kod, cari_unvan1, cari_lastup_date) VALUES ('LATE1', 'Geç Müşteri', '2020-01-01')`);
    await e.query(
      `INSERT INTO "CARI_HESAP_HAREKETLERI" (cha_kod, cha_ciro_cari_kodu, cha_meblag, cha_evrak_tip, cha_lastup_date) VALUES
         ('LATE1', '', 5, 63, LOCALTIMESTAMP(3)), ('GHOST', '', 5, 63, LOCALTIMESTAMP(3)), ('001', '', 5, 63, LOCALTIMESTAMP(3)), ('01', '', 5, 63, LOCALTIMESTAMP(3))`,
    );
    const sync = await h.run('sync');
    expect(sync.summary).toMatch(/cari_hesap_hareketleri: 2 row\(s\) wait for a parent/);

    const r = await npmRun('fix-cari');
    expect(r.code, r.output).toBe(0);
    expect(r.output).toMatch(/1 missing on the web \(copied from Mikro\), 1 unknown in Mikro \(fix there\), 2 cash box\/bank code\(s\) without a ciro account/);
    for (const line of ["'LATE1 (missing-on-web)'", "'GHOST (unknown-in-erp)'", "'001 (cash-or-bank-without-account)'", "'01 (cash-or-bank-without-account)'"]) expect(r.output).toContain(line);
    const accounts = await t.web.query(`SELECT cari_kodu, cari_adi, kaynak FROM cari_hesaplar WHERE cari_kodu IN ('LATE1', 'GHOST', '001', '01') OR cari_adi LIKE '[Otomatik]%'`);
    expect(accounts.rows).toEqual([{ cari_kodu: 'LATE1', cari_adi: 'Geç Müşteri', kaynak: 'erp' }]);
    expect((await t.web.query(`SELECT 1 FROM int_kodmap_cari WHERE erp_cari_kod = 'LATE1'`)).rowCount).toBe(1);

    // The waiting movement of LATE1 is written by the next sync.
    const after = await h.run('sync');
    expect(after.summary).toMatch(/cari_hesap_hareketleri: 1 row\(s\) wait for a parent/); // GHOST still waits
    const m = await t.web.query(`SELECT 1 FROM cari_hesap_hareketleri h JOIN cari_hesaplar c ON c.id = h.cari_hesap_id WHERE c.cari_kodu = 'LATE1'`);
    expect(m.rowCount).toBe(1);
  });
});
