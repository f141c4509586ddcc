// Bad input for the catalog sync: a 60-character name, rows whose parent is missing (counted,
// logged, retried until the parent arrives), a category loop, batches that repeat a conflict key,
// and an ERP connection that drops in the middle of a run.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { render, type ErpClient } from '@mikrosync/connectors';
import { createTestEnv, type TestEnv } from '../support/test-env.js';
import { seedCatalog } from '../support/catalog-seed.js';
import { catalogHarness, type CatalogHarness } from '../support/catalog-run.js';

const NOW = 'LOCALTIMESTAMP(3)';

async function env(overrides: Record<string, string>): Promise<{ t: TestEnv; h: CatalogHarness }> {
  const t = await createTestEnv(overrides);
  t.web.on('error', () => undefined);
  t.erpSql.on('error', () => undefined);
  return { t, h: catalogHarness(t) };
}

async function retrySet(t: TestEnv, table: string): Promise<number[]> {
  const r = await t.web.query(`SELECT details FROM sync_state WHERE tablo_adi = $1 AND yon = 'erp_to_web'`, [table]);
  return (r.rows[0]?.details?.retry ?? []) as number[];
}

describe('bad input', () => {
  let t: TestEnv;
  let h: CatalogHarness;
  const recno: Record<string, number> = {};

  beforeAll(async () => {
    ({ t, h } = await env({ CATALOG_BATCH_SIZE: '5', LOG_LEVEL: 'error' }));
    await seedCatalog(t.erpSql, { stocks: 40, accounts: 10, accountMovements: 20, stockMovements: 20 });
    const e = t.erpSql;
    const id = async (text: string, params: unknown[] = []) => Number((await e.query(text, params)).rows[0].id);
    // A Mikro installation whose name column is wider than the 50 characters of the traces.
    await e.query(`ALTER TABLE "STOKLAR" ALTER COLUMN sto_isim TYPE varchar(100)`);
    await e.query(`INSERT INTO "STOKLAR" (sto_kod, sto_isim, sto_lastup_date) VALUES ('LONG01', $1, ${NOW})`, ['Ü'.repeat(30) + 'x'.repeat(30)]);
    // Children of a stock and an account that do not exist (yet).
    recno.price = await id(`INSERT INTO "STOK_SATIS_FIYAT_LISTELERI" (sfiyat_stokkod, sfiyat_listesirano, sfiyat_fiyati, sfiyat_lastup_date) VALUES ('NOPE01', 1, 99, ${NOW}) RETURNING "sfiyat_RECno" AS id`);
    recno.barcode = await id(`INSERT INTO "BARKOD_TANIMLARI" (bar_kodu, bar_stokkodu, bar_lastup_date) VALUES ('NOPEBAR', 'NOPE01', ${NOW}) RETURNING "bar_RECno" AS id`);
    recno.sth = await id(`INSERT INTO "STOK_HAREKETLERI" (sth_stok_kod, sth_miktar, sth_tip, sth_lastup_date) VALUES ('NOPE01', 4, 0, ${NOW}) RETURNING "sth_RECno" AS id`);
    recno.cha = await id(`INSERT INTO "CARI_HESAP_HAREKETLERI" (cha_kod, cha_meblag, cha_evrak_tip, cha_lastup_date) VALUES ('NOACC', 10, 63, ${NOW}) RETURNING "cha_RECno" AS id`);
    // A cash box code without a ciro account: no account at all, never a placeholder.
    recno.cash = await id(`INSERT INTO "CARI_HESAP_HAREKETLERI" (cha_kod, cha_meblag, cha_evrak_tip, cha_tpoz, cha_cari_cins, cha_lastup_date) VALUES ('001', 10, 63, 1, 4, ${NOW}) RETURNING "cha_RECno" AS id`);
    // A category loop, a self reference and an orphan.
    await e.query(`INSERT INTO "STOK_ALT_GRUPLARI" (sta_kod, sta_isim, sta_ana_grup_kod) VALUES ('LOOP1', 'L1', 'LOOP2'), ('LOOP2', 'L2', 'LOOP1'), ('SELF', 'S', 'SELF'), ('ORPH', 'O', 'NOSUCH')`);
    // Conflict keys repeated within one batch (rows of one lastup, read together in one batch of 5):
    // a depot-1 price next to the depot-0 one; the four-part key twice; codes equal after trimming.
    await e.query(
      `INSERT INTO "STOK_SATIS_FIYAT_LISTELERI" (sfiyat_stokkod, sfiyat_listesirano, sfiyat_deposirano, sfiyat_odemeplan, sfiyat_fiyati, sfiyat_lastup_date) VALUES
         ('S000001', 1, 1, 0, 555, '2026-01-01'), ('S000002', 2, 0, 0, 700, '2026-01-01'), ('S000002', 2, 0, 0, 777, '2026-01-01'), ('S000002 ', 3, 0, 0, 888, '2026-01-01')`,
    );
    await e.query(`INSERT INTO "STOKLAR" (sto_kod, sto_isim, sto_lastup_date) VALUES ('DUP1', 'first', '2024-06-01'), ('DUP1 ', 'second', '2024-06-01')`);
    await e.query(`INSERT INTO "BARKOD_TANIMLARI" (bar_kodu, bar_stokkodu, bar_lastup_date) VALUES ('BDUP', 'S000003', '2024-06-01'), (' BDUP ', 'S000004', '2024-06-01')`);
    await e.query(`INSERT INTO "CARI_HESAPLAR" (cari_kod, cari_unvan1, cari_lastup_date) VALUES ('CDUP', 'first', '2024-06-01'), ('CDUP ', 'second', '2024-06-01')`);
  }, 120_000);

  afterAll(async () => {
    await h?.close();
    await t?.cleanup();
  });

  it('runs through: counts, logs and keeps for later the rows that cannot be written', async () => {
    const r = await h.run('sync');
    expect(r.summary).toMatch(/urun_fiyat_listeleri: 1 row\(s\) wait for a parent/);
    expect(r.summary).toMatch(/urun_barkodlari: 1 row\(s\) wait for a parent/);
    expect(r.summary).toMatch(/stok_hareketleri: 1 row\(s\) wait for a parent/);
    expect(r.summary).toMatch(/cari_hesap_hareketleri: 1 row\(s\) wait for a parent/);
    expect(r.summary).toMatch(/cari_hesap_hareketleri: 1 row\(s\) rejected/);
    expect(r.summary).toMatch(/kategoriler: 4 group\(s\) not written/);
    expect(await retrySet(t, 'STOK_SATIS_FIYAT_LISTELERI')).toEqual([recno.price]);
    expect(await retrySet(t, 'BARKOD_TANIMLARI')).toEqual([recno.barcode]);
    expect(await retrySet(t, 'STOK_HAREKETLERI')).toEqual([recno.sth]);
    expect(await retrySet(t, 'CARI_HESAP_HAREKETLERI')).toEqual([recno.cha]);
    expect((await t.web.query(`SELECT 1 FROM cari_hesaplar WHERE cari_kodu IN ('001', 'NOACC')`)).rowCount).toBe(0);
  });

  it('keeps a 60-character stock name whole (the web column is text)', async () => {
    const r = await t.web.query(`SELECT stok_adi FROM stoklar WHERE stok_kodu = 'LONG01'`);
    expect(r.rows[0].stok_adi).toHaveLength(60);
  });

  it('does not write a category loop, a self reference or an orphan, and stays consistent', async () => {
    const r = await t.web.query(`SELECT erp_id FROM kategoriler WHERE erp_id IN ('LOOP1', 'LOOP2', 'SELF', 'ORPH')`);
    expect(r.rowCount).toBe(0);
    const cyc = await t.web.query(`SELECT 1 FROM kategoriler k JOIN kategoriler p ON p.id = k.parent_id WHERE p.parent_id = k.id OR k.parent_id = k.id`);
    expect(cyc.rowCount).toBe(0);
  });

  it('de-duplicates repeated conflict keys with the later row winning, without failing the batch', async () => {
    const price = async (code: string, list: number) =>
      (
        await t.web.query(
          `SELECT p.fiyat FROM urun_fiyat_listeleri p JOIN stoklar s ON s.id = p.stok_id JOIN fiyat_tanimlari f ON f.id = p.fiyat_tanimi_id WHERE s.stok_kodu = $1 AND f.sira_no = $2`,
          [code, list],
        )
      ).rows[0]?.fiyat;
    expect(await price('S000001', 1)).toBe('10.83'); // the seeded depot-0 price; the depot-1 row never reaches the web
    expect(await price('S000002', 2)).toBe('777.00'); // the four-part key twice in one batch: the later row wins
    expect(await price('S000002', 3)).toBe('888.00'); // 'S000002 ' is S000002 after trimming
    expect((await t.web.query(`SELECT stok_adi FROM stoklar WHERE stok_kodu = 'DUP1'`)).rows).toEqual([{ stok_adi: 'second' }]);
    expect((await t.web.query(`SELECT cari_adi FROM cari_hesaplar WHERE cari_kodu = 'CDUP'`)).rows).toEqual([{ cari_adi: 'second' }]);
    const b = await t.web.query(`SELECT s.stok_kodu FROM urun_barkodlari b JOIN stoklar s ON s.id = b.stok_id WHERE b.barkod = 'BDUP'`);
    expect(b.rows).toEqual([{ stok_kodu: 'S000004' }]);
  });

  it('writes the waiting rows once their parent arrives, and empties the retry set', async () => {
    await t.erpSql.query(`INSERT INTO "STOKLAR" (sto_kod, sto_isim, sto_lastup_date) VALUES ('NOPE01', 'Geç gelen', ${NOW})`);
    await t.erpSql.query(`INSERT INTO "CARI_HESAPLAR" (cari_kod, cari_unvan1, cari_lastup_date) VALUES ('NOACC', 'Geç cari', ${NOW})`);
    await t.erpSql.query(`INSERT INTO "STOK_ANA_GRUPLARI" (san_kod, san_isim) VALUES ('NOSUCH', 'Sonradan')`);
    const r = await h.run('sync');
    expect(r.summary).not.toMatch(/wait for a parent/);
    for (const table of ['STOK_SATIS_FIYAT_LISTELERI', 'BARKOD_TANIMLARI', 'STOK_HAREKETLERI', 'CARI_HESAP_HAREKETLERI']) expect(await retrySet(t, table), table).toEqual([]);
    const q = async (text: string) => (await t.web.query(text)).rowCount;
    expect(await q(`SELECT 1 FROM urun_fiyat_listeleri p JOIN stoklar s ON s.id = p.stok_id WHERE s.stok_kodu = 'NOPE01' AND p.fiyat = 99`)).toBe(1);
    expect(await q(`SELECT 1 FROM stoklar WHERE stok_kodu = 'NOPE01' AND barkod = 'NOPEBAR' AND satis_fiyati = 99 AND eldeki_miktar = 4`)).toBe(1);
    expect(await q(`SELECT 1 FROM stok_hareketleri WHERE erp_recno = ${recno.sth}`)).toBe(1);
    expect(await q(`SELECT 1 FROM cari_hesap_hareketleri h JOIN cari_hesaplar c ON c.id = h.cari_hesap_id WHERE h.erp_recno = ${recno.cha} AND c.cari_kodu = 'NOACC'`)).toBe(1);
    expect(await q(`SELECT 1 FROM kategoriler k JOIN kategoriler p ON p.id = k.parent_id WHERE k.erp_id = 'ORPH' AND p.erp_id = 'NOSUCH'`)).toBe(1);
    // The rejected cash-box row stays out: it has no account.
    expect(await q(`SELECT 1 FROM cari_hesap_hareketleri WHERE erp_recno = ${recno.cash}`)).toBe(0);
  });
});

describe('an ERP connection drop in the middle of a run', () => {
  let t: TestEnv;
  let h: CatalogHarness;
  const STOCKS = 60;

  beforeAll(async () => {
    ({ t, h } = await env({ CATALOG_BATCH_SIZE: '7', LOG_LEVEL: 'error' }));
    await seedCatalog(t.erpSql, { stocks: STOCKS });
  }, 120_000);

  afterAll(async () => {
    await h?.close();
    await t?.cleanup();
  });

  /** The real client, except that the 4th page read of STOKLAR fails like a dropped connection. */
  function droppingAfter(erp: ErpClient, pages: number): ErpClient {
    let n = 0;
    return {
      ...erp,
      async query(stmt) {
        const text = render(stmt, 'pg').text;
        if (/^SELECT .* FROM "STOKLAR" .*LIMIT/s.test(text) && ++n > pages) throw Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });
        return erp.query(stmt);
      },
    } as ErpClient;
  }

  it('leaves the watermark at the last committed batch and resumes from it, losing and repeating nothing', async () => {
    await expect(h.run('sync', { override: { erp: droppingAfter(h.ctx.erp, 3) } })).rejects.toThrow(/ECONNRESET/);
    const st = await t.web.query(`SELECT watermark_recno FROM sync_state WHERE tablo_adi = 'STOKLAR'`);
    const committed = Number(st.rows[0].watermark_recno);
    expect(committed).toBeGreaterThan(0);
    expect(committed).toBeLessThan(STOCKS);
    // Exactly the committed batches are on the web (the page being written when the read failed included).
    const onWeb = Number((await t.web.query(`SELECT count(*) AS n FROM stoklar`)).rows[0].n);
    expect(onWeb).toBe(committed);
    const r = await h.run('sync');
    expect(r.rows.stoklar).toBe(STOCKS - committed);
    expect(Number((await t.web.query(`SELECT count(*) AS n FROM stoklar`)).rows[0].n)).toBe(STOCKS);
    expect(Number((await t.web.query(`SELECT count(*) AS n FROM urun_fiyat_listeleri`)).rows[0].n)).toBe(STOCKS * 3);
  });
});
