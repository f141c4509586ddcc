// ERP -> Web catalog sync against the seeded stand-in: a full run maps field by field, a second
// run writes nothing, three changed rows update exactly those, equal lastup dates across a batch
// boundary are all synced, a row changed during a run arrives with the next one, and no capture
// trigger fires for the sync's own writes. Batches of 7 rows make every table cross many batches.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { observeStatements } from '@mikrosync/connectors';
import { createTestEnv, type TestEnv } from '../support/test-env.js';
import { seedCatalog, seedWebBrands, touchErp } from '../support/catalog-seed.js';
import { catalogHarness, rowVersions, webFingerprint, type CatalogHarness } from '../support/catalog-run.js';
import { assertTsql } from '../support/tsql.js';

const STOCKS = 300;
const ACCOUNTS = 120;
const MOVEMENTS = 300;

let t: TestEnv;
let h: CatalogHarness;
let brands: Record<string, string>;
const statements: string[] = [];
let stopObserving: () => void;

const code = (i: number) => `S${String(i).padStart(6, '0')}`;
const acc = (i: number) => `C${String(i).padStart(5, '0')}`;

async function one<T = Record<string, unknown>>(text: string, params: unknown[] = []): Promise<T> {
  const r = await t.web.query(text, params);
  expect(r.rows, text).toHaveLength(1);
  return r.rows[0] as T;
}
const count = async (table: string, where = 'true') => Number((await one<{ n: string }>(`SELECT count(*) AS n FROM ${table} WHERE ${where}`)).n);

beforeAll(async () => {
  t = await createTestEnv({ CATALOG_BATCH_SIZE: '7' });
  t.web.on('error', () => undefined);
  t.erpSql.on('error', () => undefined);
  h = catalogHarness(t);
  brands = await seedWebBrands(t.web);
  await seedCatalog(t.erpSql, { stocks: STOCKS, accounts: ACCOUNTS, accountMovements: MOVEMENTS, stockMovements: MOVEMENTS });
  // A capture trigger on the tables the sync writes: its own writes must not reach the outbox.
  for (const table of ['stoklar', 'urun_barkodlari', 'cari_hesaplar', 'kategoriler', 'stok_hareketleri']) await t.web.query('SELECT mikrosync_attach_capture($1)', [table]);
  // A web user's document number settings (spec 2.13).
  await t.web.query(`INSERT INTO user_fatura_ayarlari (user_id, fatura_seri_no, fatura_sira_no, iade_seri_no, iade_sira_no, tahsilat_sira_no) VALUES ('u1', 'ST', 5, 'ST', '1', 7)`);
  stopObserving = observeStatements((r) => statements.push(r.text));
}, 120_000);

afterAll(async () => {
  stopObserving?.();
  await h?.close();
  await t?.cleanup();
});

describe('a full first run', () => {
  it('makes the web tables what spec section 2 maps, by counts', async () => {
    const r = await h.run('sync');
    expect(r.rows.stoklar).toBe(STOCKS);
    expect(await count('kategoriler', 'is_erp_category AND level = 0')).toBe(5);
    expect(await count('kategoriler', 'is_erp_category AND level = 1 AND parent_id IS NOT NULL')).toBe(20);
    expect(await count('stoklar')).toBe(STOCKS);
    expect(await count('int_kodmap_stok m JOIN stoklar s ON s.id = m.web_stok_id AND s.stok_kodu = m.erp_stok_kod')).toBe(STOCKS);
    expect(await count('urun_barkodlari')).toBe(STOCKS + STOCKS / 2);
    expect(await count('fiyat_tanimlari')).toBe(3);
    expect(await count('urun_fiyat_listeleri')).toBe(STOCKS * 3);
    expect(await count('kasalar')).toBe(3);
    expect(await count('bankalar')).toBe(3);
    expect(await count('depolar')).toBe(2);
    expect(await count('cari_hesaplar', "kaynak = 'erp'")).toBe(ACCOUNTS);
    expect(await count('cari_hesap_hareketleri')).toBe(MOVEMENTS);
    expect(await count('stok_hareketleri')).toBe(MOVEMENTS);
    // The progress bar of every table reached its total.
    const last = new Map(r.progress.map((p) => [p.step, p]));
    for (const step of ['stoklar', 'urun_barkodlari', 'urun_fiyat_listeleri', 'cari_hesaplar', 'stok_hareketleri', 'cari_hesap_hareketleri']) {
      expect(last.get(step)?.done, step).toBe(last.get(step)?.total);
    }
  });

  it('maps stocks field by field (units, box quantity, brand the Turkish way, category, passivity, first barcode, list-1 price)', async () => {
    const s = async (i: number) =>
      one<Record<string, unknown>>(
        `SELECT s.*, k.erp_id AS kat, to_char(s.olusturma_tarihi AT TIME ZONE 'Europe/Istanbul', 'YYYY-MM-DD HH24:MI:SS') AS created FROM stoklar s
           LEFT JOIN kategoriler k ON k.id = s.kategori_id WHERE stok_kodu = $1`,
        [code(i)],
      );
    const s8 = await s(8);
    expect(s8).toMatchObject({ stok_adi: 'Ürün 8', katalog_ismi: 'Katalog 8', birim_turu: 'Koli', alis_fiyati: '10.00', olcu: 'OLCU2', raf_kodu: 'R-8', ambalaj: 'AMB0' });
    expect(s8).toMatchObject({ koliadeti: 144, aktif: true, aciklama: '', kat: 'ALT09', marka_id: brands['ÇINAR '], created: '2024-12-31 00:00:08' });
    expect(s8).toMatchObject({ barkod: '8690000000081', satis_fiyati: '14.33', eldeki_miktar: -3, sth_eldeki_miktar: '-3' }); // movement 7: 3 out
    expect(await s(7)).toMatchObject({ birim_turu: 'Adet', koliadeti: 7, kat: 'ALT08', marka_id: brands.Acme }); // unit '' -> 'Adet'; 'ACME' = 'Acme'
    expect(await s(11)).toMatchObject({ koliadeti: 11, marka_id: brands['IŞIK'] }); // 'Işık' -> 'IŞIK'
    expect(await s(9)).toMatchObject({ koliadeti: 0, kat: 'AG5', marka_id: null }); // 'x' is no number; sub group '' -> main group
    expect(await s(10)).toMatchObject({ koliadeti: 10, marka_id: brands['İSTANBUL'], eldeki_miktar: 3, sth_eldeki_miktar: '2.5' }); // 'istanbul' -> 'İSTANBUL'; 2.5 rounds half away
    expect(await s(12)).toMatchObject({ marka_id: brands.Acme });
    expect(await s(37)).toMatchObject({ aktif: false }); // sto_pasif_fl = 1 (rule 26)
    expect(await s(26)).toMatchObject({ barkod: '8690000000262' }); // the first barcode is cancelled: the next active one
  });

  it('maps barcodes, price lists and prices', async () => {
    const b = await t.web.query(`SELECT b.barkod, b.barkod_tipi, b.aktif, b.erp_recno FROM urun_barkodlari b JOIN stoklar s ON s.id = b.stok_id WHERE s.stok_kodu = $1 ORDER BY b.barkod`, [code(26)]);
    expect(b.rows).toEqual([
      { barkod: '8690000000261', barkod_tipi: 'koli', aktif: false, erp_recno: expect.any(String) },
      { barkod: '8690000000262', barkod_tipi: 'koli', aktif: true, erp_recno: expect.any(String) },
    ]);
    const types = await t.web.query(`SELECT barkod_tipi FROM urun_barkodlari WHERE barkod IN ('8690000000041', '8690000000051', '8690000000071') ORDER BY barkod`);
    expect(types.rows.map((r) => r.barkod_tipi)).toEqual(['ana', 'ana', 'palet']); // types 0, 1, 3
    expect((await t.web.query(`SELECT sira_no, fiyat_adi, aktif FROM fiyat_tanimlari ORDER BY sira_no`)).rows).toEqual([
      { sira_no: 1, fiyat_adi: 'Liste 1', aktif: true },
      { sira_no: 2, fiyat_adi: 'Liste 2', aktif: true },
      { sira_no: 3, fiyat_adi: 'Liste 3', aktif: true },
    ]);
    const p = await one(
      `SELECT p.fiyat, p.baslangic_tarihi, p.bitis_tarihi FROM urun_fiyat_listeleri p JOIN stoklar s ON s.id = p.stok_id JOIN fiyat_tanimlari f ON f.id = p.fiyat_tanimi_id
        WHERE s.stok_kodu = $1 AND f.sira_no = 2`,
      [code(8)],
    );
    expect(p).toEqual({ fiyat: '24.33', baslangic_tarihi: null, bitis_tarihi: null });
  });

  it('maps accounts, cash boxes, banks (a repeated name made unique), depots and categories', async () => {
    expect(await one(`SELECT cari_adi, telefon, eposta, vergi_dairesi, vergi_no, cari_tipi, kaynak FROM cari_hesaplar WHERE cari_kodu = $1`, [acc(10)])).toEqual({
      cari_adi: 'Müşteri 10 Ltd.',
      telefon: '05320000010',
      eposta: 'c10@example.com',
      vergi_dairesi: 'Kadıköy',
      vergi_no: '0000000010',
      cari_tipi: 'Tedarikçi',
      kaynak: 'erp',
    });
    expect((await one<{ cari_tipi: string }>(`SELECT cari_tipi FROM cari_hesaplar WHERE cari_kodu = $1`, [acc(11)])).cari_tipi).toBe('Müşteri');
    expect((await t.web.query(`SELECT kasa_kodu, kasa_adi, kasa_tipi FROM kasalar ORDER BY kasa_kodu`)).rows).toEqual([
      { kasa_kodu: '001', kasa_adi: 'Merkez Kasa', kasa_tipi: 'nakit' },
      { kasa_kodu: 'SENET', kasa_adi: 'Senet Portföyü', kasa_tipi: 'nakit' },
      { kasa_kodu: 'ÇEK', kasa_adi: 'Çek Portföyü', kasa_tipi: 'nakit' },
    ]);
    expect((await t.web.query(`SELECT ban_kod, banka_adi, sube_adi, hesap_no FROM bankalar ORDER BY ban_kod`)).rows).toEqual([
      { ban_kod: '01', banka_adi: 'GARANTİ', sube_adi: 'Merkez', hesap_no: 'TR01' },
      { ban_kod: '02', banka_adi: 'GARANTİ (02)', sube_adi: 'Kadıköy', hesap_no: 'TR02' },
      { ban_kod: '10', banka_adi: 'ENPARA', sube_adi: '', hesap_no: 'TR10' },
    ]);
    expect((await t.web.query(`SELECT depo_no, depo_adi, to_char(olusturma_tarihi, 'YYYY-MM-DD HH24:MI') AS c FROM depolar ORDER BY depo_no`)).rows).toEqual([
      { depo_no: 1, depo_adi: 'Merkez Depo', c: '2025-01-01 00:00' },
      { depo_no: 2, depo_adi: 'Şube Depo', c: '2025-01-01 00:00' },
    ]);
    const sub = await one<{ kategori_adi: string; parent: string; path_ok: boolean }>(
      `SELECT k.kategori_adi, p.erp_id AS parent, k.path = ARRAY[p.id::text, k.id::text] AS path_ok FROM kategoriler k JOIN kategoriler p ON p.id = k.parent_id WHERE k.erp_id = 'ALT03'`,
    );
    expect(sub).toEqual({ kategori_adi: 'Alt Grup 3', parent: 'AG4', path_ok: true });
  });

  it('labels account movements as 2.9 says, payments (64) explicitly, closed invoices on their ciro account', async () => {
    const m = async (i: number) =>
      one<Record<string, unknown>>(
        `SELECT h.hareket_tipi, h.hareket_turu, h.belge_no, h.fatura_seri_no, h.fatura_sira_no, h.tutar, h.belge_tipi, h.kasa_kodu, h.banka_kodu, h.cha_tpoz,
                h.cha_cari_cins, h.vade_tarihi::text AS vade_tarihi, h.cek, h.senet, h.iskonto1, h.cha_recno, c.cari_kodu,
                to_char(h.islem_tarihi AT TIME ZONE 'Europe/Istanbul', 'YYYY-MM-DD HH24:MI') AS tarih
           FROM cari_hesap_hareketleri h JOIN cari_hesaplar c ON c.id = h.cari_hesap_id WHERE h.cha_recno = $1`,
        [i],
      );
    expect(await m(7)).toMatchObject({ hareket_tipi: 'Satış', hareket_turu: 'Açık Hesap', belge_no: '7', fatura_seri_no: '', tutar: '73.50', belge_tipi: 'fatura', cari_kodu: acc(8) });
    expect(await m(8)).toMatchObject({ hareket_tipi: 'Tahsilat - Nakit', hareket_turu: 'Nakit', belge_no: 'ST8', cek: false, senet: false });
    expect(await m(9)).toMatchObject({ hareket_tipi: 'Tahsilat - Havale', vade_tarihi: '2025-04-15', tarih: '2025-03-10 00:00' });
    expect(await m(10)).toMatchObject({ hareket_tipi: 'Tediye - Nakit', hareket_turu: 'Nakit', iskonto1: '5.00' });
    expect(await m(11)).toMatchObject({ hareket_tipi: 'Tediye - Havale' });
    // cha_kod = cash box 001, the account in cha_ciro_cari_kodu (rule 15)
    expect(await m(12)).toMatchObject({ hareket_tipi: 'Satış', hareket_turu: 'Kasadan K.', kasa_kodu: '001', banka_kodu: null, cha_tpoz: 1, cha_cari_cins: 4, cari_kodu: acc(13) });
    expect(await m(13)).toMatchObject({ hareket_tipi: 'Satış İade' });
  });

  it('maps stock movements: VAT pointer table, direction, count slips, rounded integer quantity', async () => {
    const m = async (i: number) =>
      one<Record<string, unknown>>(
        `SELECT h.miktar, h.kdv_orani, h.kdv_tutari, h.hareket_tipi, h.belge_tipi, h.toplam_tutar, h.fat_recid_recno, h.sth_isemri_gider_kodu, h.iskonto1,
                s.stok_kodu, c.cari_kodu, h.onceki_miktar FROM stok_hareketleri h JOIN stoklar s ON s.id = h.stok_id LEFT JOIN cari_hesaplar c ON c.id = h.cari_hesap_id
          WHERE h.erp_recno = $1`,
        [i],
      );
    expect(await m(9)).toMatchObject({ miktar: 3, kdv_orani: '1', hareket_tipi: 'giris', stok_kodu: code(10), cari_kodu: acc(10) }); // pointer 2
    expect(await m(11)).toMatchObject({ kdv_orani: '20', belge_tipi: 'sayim', sth_isemri_gider_kodu: 'SAYIM', hareket_tipi: 'cikis' });
    expect(await m(12)).toMatchObject({ kdv_orani: '26', cari_kodu: null, iskonto1: '1.50', fat_recid_recno: 12, onceki_miktar: 0 });
    expect(await m(8)).toMatchObject({ kdv_orani: '0', belge_tipi: 'fatura' }); // pointer 1: "YOK"
    expect(await m(10)).toMatchObject({ kdv_orani: '10' }); // pointer 3
    expect(await m(14)).toMatchObject({ kdv_orani: '0' }); // pointer 0
    expect(await m(13)).toMatchObject({ kdv_orani: '0' }); // pointer 6: special base, 0
  });

  it('moves document number settings to the ERP maximum + 1 of their series, never lower', async () => {
    // Sales: max of cha 63 'ST' (300) and sth 4 'ST' (299); returns: cha_normal_Iade rows of 'ST' (300);
    // collections 'T' have no ERP document, so the web's 7 stays.
    expect(await one(`SELECT fatura_sira_no, iade_sira_no, tahsilat_sira_no FROM user_fatura_ayarlari WHERE user_id = 'u1'`)).toEqual({
      fatura_sira_no: 301,
      iade_sira_no: '301',
      tahsilat_sira_no: 7,
    });
  });

  it('keeps the watermark at the last committed (lastup_date, RECno), in Turkish local time', async () => {
    const st = await one<Record<string, unknown>>(
      `SELECT to_char(watermark_time, 'YYYY-MM-DD HH24:MI:SS.MS') AS w, watermark_recno, to_char(son_senkronizasyon_zamani AT TIME ZONE 'Europe/Istanbul', 'YYYY-MM-DD HH24:MI:SS') AS s
         FROM sync_state WHERE tablo_adi = 'STOKLAR' AND yon = 'erp_to_web'`,
    );
    expect(st).toEqual({ w: '2025-01-01 00:01:40.000', watermark_recno: String(STOCKS), s: '2025-01-01 00:01:40' });
  });

  it('wrote nothing into the outbox: the capture triggers saw the sync mark', async () => {
    expect(await count('sync_outbox')).toBe(0);
    // The trigger itself works: a write without the mark is captured.
    await t.web.query(`UPDATE stoklar SET aciklama = 'web edit' WHERE stok_kodu = $1`, [code(1)]);
    expect(await count('sync_outbox', "table_name = 'stoklar'")).toBe(1);
    await t.web.query(`DELETE FROM sync_outbox`);
  });
});

describe('incremental runs', () => {
  it('a second run with no changes writes nothing', async () => {
    const before = await webFingerprint(t.web);
    const r = await h.run('sync');
    expect(Object.values(r.rows).every((n) => n === 0)).toBe(true);
    expect(await webFingerprint(t.web)).toEqual(before);
  });

  it('a change to 3 rows updates exactly those', async () => {
    const versions = await rowVersions(t.web, 'stoklar', 'stok_kodu');
    const others = await webFingerprint(t.web);
    expect(await touchErp(t.erpSql, 'STOKLAR', `sto_isim = sto_isim || ' (yeni)'`, `sto_kod IN ($1, $2, $3)`, [code(5), code(150), code(299)])).toBe(3);
    const r = await h.run('sync');
    expect(r.rows.stoklar).toBe(3);
    const after = await rowVersions(t.web, 'stoklar', 'stok_kodu');
    const changed = [...after].filter(([k, v]) => versions.get(k) !== v).map(([k]) => k);
    expect(changed.sort()).toEqual([code(5), code(150), code(299)]);
    expect((await one<{ stok_adi: string }>(`SELECT stok_adi FROM stoklar WHERE stok_kodu = $1`, [code(150)])).stok_adi).toBe('Ürün 150 (yeni)');
    const now = await webFingerprint(t.web);
    for (const table of Object.keys(others).filter((x) => x !== 'stoklar')) expect(now[table], table).toBe(others[table]);
  });

  it('rows with equal lastup dates on both sides of a batch boundary are all synced', async () => {
    // 9 stocks and 9 barcodes get one and the same new lastup (one statement each):
    // batches of 7 cut each group.
    const active = async () => (await t.web.query(`SELECT erp_recno::int AS r, aktif FROM urun_barkodlari WHERE erp_recno BETWEEN 40 AND 48 ORDER BY 1`)).rows;
    const before = await active();
    const same = (table: string, col: string) => `(SELECT max(${col}) FROM "${table}") + interval '1 millisecond'`;
    await t.erpSql.query(`UPDATE "STOKLAR" SET sto_isim = 'Aynı an ' || sto_kod, sto_lastup_date = ${same('STOKLAR', 'sto_lastup_date')} WHERE "sto_RECno" BETWEEN 40 AND 48`);
    await t.erpSql.query(`UPDATE "BARKOD_TANIMLARI" SET bar_iptal = 1 - bar_iptal, bar_lastup_date = ${same('BARKOD_TANIMLARI', 'bar_lastup_date')} WHERE "bar_RECno" BETWEEN 40 AND 48`);
    expect((await t.erpSql.query(`SELECT DISTINCT sto_lastup_date FROM "STOKLAR" WHERE "sto_RECno" BETWEEN 40 AND 48`)).rowCount).toBe(1);
    const r = await h.run('sync');
    expect(r.rows.stoklar).toBe(9);
    expect(r.rows.urun_barkodlari).toBe(9);
    expect(await count('stoklar', `stok_adi = 'Aynı an ' || stok_kodu`)).toBe(9);
    expect(await active()).toEqual(before.map((x) => ({ r: x.r, aktif: !x.aktif })));
  });

  it('a row changed in the ERP while a run is in progress is picked up by the next run', async () => {
    let changed = false;
    await touchErp(t.erpSql, 'STOKLAR', `sto_isim = 'Önce'`, `sto_kod = $1`, [code(60)]);
    const first = await h.run('sync', {
      async onProgress(p) {
        // After the stock step's last batch is committed: a Mikro user edits another stock.
        if (!changed && p.step === 'stoklar' && p.done === p.total && p.done > 0) {
          changed = true;
          await touchErp(t.erpSql, 'STOKLAR', `sto_isim = 'Sırasında'`, `sto_kod = $1`, [code(61)]);
        }
      },
    });
    expect(changed).toBe(true);
    expect(first.rows.stoklar).toBe(1);
    expect((await one<{ stok_adi: string }>(`SELECT stok_adi FROM stoklar WHERE stok_kodu = $1`, [code(61)])).stok_adi).toBe('Ürün 61');
    const second = await h.run('sync');
    expect(second.rows.stoklar).toBe(1);
    expect((await one<{ stok_adi: string }>(`SELECT stok_adi FROM stoklar WHERE stok_kodu = $1`, [code(61)])).stok_adi).toBe('Sırasında');
  });

  it('recomputes on-hand only for stocks with new movements, and only changed values', async () => {
    const versions = await rowVersions(t.web, 'stoklar', 'stok_kodu');
    await t.erpSql.query(
      `INSERT INTO "STOK_HAREKETLERI" (sth_stok_kod, sth_miktar, sth_tip, sth_tarih, sth_lastup_date) VALUES ($1, 5, 0, '2025-05-01', LOCALTIMESTAMP(3)), ($2, 0, 0, '2025-05-01', LOCALTIMESTAMP(3))`,
      [code(20), code(21)],
    );
    const r = await h.run('sync');
    expect(r.rows.eldeki_miktar).toBe(1); // stock 21's quantity did not change (a movement of 0)
    expect(r.rows.stok_hareketleri).toBe(2);
    const after = await rowVersions(t.web, 'stoklar', 'stok_kodu');
    expect([...after].filter(([k, v]) => versions.get(k) !== v).map(([k]) => k)).toEqual([code(20)]);
  });

  it('--full reads every table again and, with nothing changed, writes nothing', async () => {
    const before = await webFingerprint(t.web);
    const r = await h.run('sync', { args: { full: true } });
    expect(r.summary).toContain('(full)');
    expect(r.progress.filter((p) => p.step === 'stoklar').at(-1)?.total).toBe(STOCKS);
    expect(await webFingerprint(t.web)).toEqual(before);
  });

  it('sent only statements that parse as T-SQL', () => {
    expect(statements.length).toBeGreaterThan(50);
    for (const s of new Set(statements)) assertTsql(s);
  });
});
