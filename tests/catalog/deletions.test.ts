// ERP deletions reach the web: through our delete log (AFTER DELETE triggers installed by
// `setup-erp --delete-triggers`) and, without triggers, through key reconciliation. A deletion that
// would remove more than the allowed share of a table is refused with a reason instead.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setupDeleteLog } from '@mikrosync/connectors';
import { createTestEnv, type TestEnv } from '../support/test-env.js';
import { seedCatalog } from '../support/catalog-seed.js';
import { catalogHarness, type CatalogHarness } from '../support/catalog-run.js';
import { runCli } from '../support/processes.js';

let t: TestEnv;
let h: CatalogHarness;

const q = async (text: string, params: unknown[] = []) => (await t.web.query(text, params)).rows;
const n = async (text: string, params: unknown[] = []) => Number((await t.web.query(text, params)).rows[0].n);

beforeAll(async () => {
  t = await createTestEnv({ CATALOG_BATCH_SIZE: '7', LOG_LEVEL: 'error', CATALOG_DELETE_GUARD_SHARE: '0.2', CATALOG_DELETE_GUARD_MIN: '10' });
  t.web.on('error', () => undefined);
  t.erpSql.on('error', () => undefined);
  h = catalogHarness(t);
  await seedCatalog(t.erpSql, { stocks: 120, accounts: 40, accountMovements: 120, stockMovements: 120 });
}, 120_000);

afterAll(async () => {
  await h?.close();
  await t?.cleanup();
});

describe('through the delete log', () => {
  it('`mikrosync setup-erp --delete-triggers` installs the log table and six triggers in the ERP', async () => {
    const r = await runCli(['setup-erp', '--delete-triggers'], t.env);
    expect(r.code, r.output).toBe(0);
    expect(r.output).toContain('MIKROSYNC_DELETE_LOG ready');
    const triggers = await t.erpSql.query(`SELECT c.relname FROM pg_trigger g JOIN pg_class c ON c.oid = g.tgrelid WHERE g.tgname = 'mikrosync_del' ORDER BY 1`);
    expect(triggers.rows.map((x) => x.relname)).toEqual(['BARKOD_TANIMLARI', 'CARI_HESAPLAR', 'CARI_HESAP_HAREKETLERI', 'STOKLAR', 'STOK_HAREKETLERI', 'STOK_SATIS_FIYAT_LISTELERI']);
    await h.run('sync');
  });

  it('applies deleted rows: movements, barcodes and prices removed, stocks and accounts deactivated', async () => {
    const e = t.erpSql;
    await e.query(`DELETE FROM "STOK_HAREKETLERI" WHERE "sth_RECno" IN (9, 10)`); // stocks S000010 (+2.5) and S000011
    await e.query(`DELETE FROM "CARI_HESAP_HAREKETLERI" WHERE "cha_RECno" IN (7, 8, 9)`);
    await e.query(`DELETE FROM "BARKOD_TANIMLARI" WHERE bar_kodu = '8690000000081'`); // S000008's first barcode
    await e.query(`DELETE FROM "STOK_SATIS_FIYAT_LISTELERI" WHERE sfiyat_stokkod = 'S000012' AND sfiyat_listesirano = 1`);
    await e.query(`DELETE FROM "STOKLAR" WHERE sto_kod = 'S000100'`);
    await e.query(`DELETE FROM "CARI_HESAPLAR" WHERE cari_kod = 'C00033'`);
    expect(Number((await e.query(`SELECT count(*) AS n FROM "MIKROSYNC_DELETE_LOG"`)).rows[0].n)).toBe(9);

    const r = await h.run('sync');
    expect(r.rows.silinenler).toBe(9);
    expect(await n(`SELECT count(*) AS n FROM stok_hareketleri WHERE erp_recno IN (9, 10)`)).toBe(0);
    expect(await n(`SELECT count(*) AS n FROM cari_hesap_hareketleri WHERE erp_recno IN (7, 8, 9)`)).toBe(0);
    expect(await n(`SELECT count(*) AS n FROM urun_barkodlari WHERE barkod = '8690000000081'`)).toBe(0);
    expect(await q(`SELECT barkod FROM stoklar WHERE stok_kodu = 'S000008'`)).toEqual([{ barkod: '8690000000082' }]);
    expect(await n(`SELECT count(*) AS n FROM urun_fiyat_listeleri p JOIN stoklar s ON s.id = p.stok_id WHERE s.stok_kodu = 'S000012'`)).toBe(2);
    expect(await q(`SELECT satis_fiyati FROM stoklar WHERE stok_kodu = 'S000012'`)).toEqual([{ satis_fiyati: '0.00' }]);
    expect(await q(`SELECT aktif FROM stoklar WHERE stok_kodu = 'S000100'`)).toEqual([{ aktif: false }]);
    expect(await q(`SELECT aktif FROM cari_hesaplar WHERE cari_kodu = 'C00033'`)).toEqual([{ aktif: false }]);
    // The stock whose movement vanished has nothing on hand any more.
    expect(await q(`SELECT eldeki_miktar, sth_eldeki_miktar FROM stoklar WHERE stok_kodu = 'S000010'`)).toEqual([{ eldeki_miktar: 0, sth_eldeki_miktar: '0' }]);
    // The log position is ours (sync_state), nothing is written back into Mikro's rows.
    expect(await q(`SELECT watermark_recno FROM sync_state WHERE tablo_adi = 'MIKROSYNC_DELETE_LOG'`)).toEqual([{ watermark_recno: '9' }]);
    const again = await h.run('sync');
    expect(again.rows.silinenler ?? 0).toBe(0);
  });

  it('refuses a mass deletion with a reason (dead-letter), and applies it when the operator allows', async () => {
    await t.erpSql.query(`DELETE FROM "BARKOD_TANIMLARI" WHERE "bar_RECno" <= 60`);
    const before = await n(`SELECT count(*) AS n FROM urun_barkodlari`);
    const err = await h.run('sync').then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(err?.name).toBe('PermanentError');
    expect(err?.message).toMatch(/delete log: BARKOD_TANIMLARI: 59 of \d+ web rows .* would be removed, more than the allowed 20\.0 %/); // RECno 10 was deleted before
    expect(err?.message).toContain('allowMassDelete=true');
    expect(await n(`SELECT count(*) AS n FROM urun_barkodlari`)).toBe(before);
    const ok = await h.run('sync', { args: { allowMassDelete: true } });
    expect(ok.rows.silinenler).toBe(59);
    expect(await n(`SELECT count(*) AS n FROM urun_barkodlari`)).toBe(before - 59);
  });
});

describe('through key reconciliation (no triggers)', () => {
  it('finds vanished rows of every table by key and removes them', async () => {
    const r = await runCli(['setup-erp', '--remove-delete-triggers'], t.env);
    expect(r.code, r.output).toBe(0);
    const e = t.erpSql;
    await e.query(`DELETE FROM "STOK_HAREKETLERI" WHERE "sth_RECno" IN (20, 21)`);
    await e.query(`DELETE FROM "CARI_HESAP_HAREKETLERI" WHERE "cha_RECno" = 20`);
    await e.query(`DELETE FROM "BARKOD_TANIMLARI" WHERE bar_kodu = '8690000001001'`);
    await e.query(`DELETE FROM "STOK_SATIS_FIYAT_LISTELERI" WHERE sfiyat_stokkod = 'S000050' AND sfiyat_listesirano = 2`);
    await e.query(`DELETE FROM "STOKLAR" WHERE sto_kod = 'S000101'`);
    await e.query(`DELETE FROM "CARI_HESAPLAR" WHERE cari_kod = 'C00034'`);
    // A movement created on the web (no ERP record) is not the ERP's to delete.
    await t.web.query(`INSERT INTO stok_hareketleri (stok_id, hareket_tipi, miktar, onceki_miktar, sonraki_miktar) SELECT id, 'giris', 1, 0, 0 FROM stoklar WHERE stok_kodu = 'S000001'`);

    const run = await h.run('sync', { args: { reconcile: true } });
    expect(run.rows.silinenler).toBe(7);
    expect(await n(`SELECT count(*) AS n FROM stok_hareketleri WHERE erp_recno IN (20, 21)`)).toBe(0);
    expect(await n(`SELECT count(*) AS n FROM stok_hareketleri WHERE erp_recno IS NULL`)).toBe(1);
    expect(await n(`SELECT count(*) AS n FROM cari_hesap_hareketleri WHERE erp_recno = 20`)).toBe(0);
    expect(await n(`SELECT count(*) AS n FROM urun_barkodlari WHERE barkod = '8690000001001'`)).toBe(0);
    expect(await n(`SELECT count(*) AS n FROM urun_fiyat_listeleri p JOIN stoklar s ON s.id = p.stok_id JOIN fiyat_tanimlari f ON f.id = p.fiyat_tanimi_id WHERE s.stok_kodu = 'S000050' AND f.sira_no = 2`)).toBe(0);
    expect(await q(`SELECT aktif FROM stoklar WHERE stok_kodu = 'S000101'`)).toEqual([{ aktif: false }]);
    expect(await q(`SELECT aktif FROM cari_hesaplar WHERE cari_kodu = 'C00034'`)).toEqual([{ aktif: false }]);
  });

  it('waits for the configured interval before reconciling again', async () => {
    await t.erpSql.query(`DELETE FROM "STOK_HAREKETLERI" WHERE "sth_RECno" = 30`);
    const r = await h.run('sync');
    expect(r.rows.silinenler ?? 0).toBe(0);
    expect(await n(`SELECT count(*) AS n FROM stok_hareketleri WHERE erp_recno = 30`)).toBe(1);
  });

  it('refuses a reconciliation that would empty a table', async () => {
    await t.erpSql.query(`DELETE FROM "CARI_HESAP_HAREKETLERI"`);
    const before = await n(`SELECT count(*) AS n FROM cari_hesap_hareketleri`);
    await expect(h.run('sync', { args: { reconcile: true } })).rejects.toThrow(/key reconciliation: CARI_HESAP_HAREKETLERI: \d+ of \d+ web rows \(100\.0 %\)/);
    expect(await n(`SELECT count(*) AS n FROM cari_hesap_hareketleri`)).toBe(before);
  });
});

it('setupDeleteLog is idempotent (the DBA may run it twice)', async () => {
  await setupDeleteLog(t.erp);
  await setupDeleteLog(t.erp);
  const triggers = await t.erpSql.query(`SELECT count(*) AS n FROM pg_trigger WHERE tgname = 'mikrosync_del'`);
  expect(Number(triggers.rows[0].n)).toBe(6);
});
