/**
 * Exactly once and the edges of the stock domain, through the processors directly: a crash between
 * the ERP commit and the web write-back, concurrent jobs for one key, cards already in Mikro,
 * assortment variants, edits and deletions after posting, "not ready" dependents.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ConflictError, NotReadyError, PermanentError } from '@mikrosync/core';
import { ident, sql, withSyncTransaction } from '@mikrosync/connectors';
import { createWorkerContext, recordProcessorFor, type WorkerContext } from '@mikrosync/workers';
import { createTestEnv, type TestEnv } from '../support/test-env.js';
import { erpInsert } from '../support/seed.js';
import { erpRows, syncInsert, webInsert } from '../support/stock-seed.js';

describe('stock domain: exactly once and edge cases', () => {
  let t: TestEnv;
  let ctx: WorkerContext;
  const run = (table: string, recordId: string, deleted?: Record<string, unknown>) => recordProcessorFor(table)({ kind: 'record', table, recordId, deleted }, ctx);
  const count = async (table: string) => (await t.erp.query<{ n: number }>(sql`SELECT COUNT(*) AS ${ident('n')} FROM ${ident(table)}`))[0]!.n;

  beforeAll(async () => {
    t = await createTestEnv();
    ctx = createWorkerContext(t.config, t.log);
  });
  afterAll(async () => {
    await ctx?.close();
    await t?.cleanup();
  });
  beforeEach(async () => {
    for (const table of ['STOKLAR', 'STOK_SATIS_FIYAT_LISTELERI', 'BARKOD_TANIMLARI', 'STOK_HAREKETLERI', 'CARI_HESAPLAR', 'DEPOLAR', 'MIKROSYNC_LEDGER']) {
      await t.erp.query(sql`DELETE FROM ${ident(table)}`);
    }
    await t.web.query('TRUNCATE urun_barkodlari, urun_fiyat_listeleri, stok_hareketleri, stoklar, cari_hesaplar, int_kodmap_stok, sync_outbox CASCADE');
    await erpInsert(t.erp, 'DEPOLAR', { dep_no: 1, dep_adi: 'MERKEZ' });
  });

  it('a count whose web write-back was lost (crash after the ERP commit) is not posted twice; the web side is rebuilt', async () => {
    await erpInsert(t.erp, 'STOKLAR', { sto_kod: 'C1', sto_standartmaliyet: 3 });
    const stock = await syncInsert(t.web, 'stoklar', { stok_kodu: 'C1', stok_adi: 'C1' });
    const id = await webInsert(t.web, 'stok_hareketleri', { stok_id: stock, belge_tipi: 'sayim', hareket_tipi: 'cikis', miktar: 4, onceki_miktar: 0, sonraki_miktar: 0 });
    expect(await run('stok_hareketleri', id)).toMatch(/^posted as stock_count slip 1 \(sth_RECno \d+\)/);
    const [slip] = await erpRows(t.erp, 'STOK_HAREKETLERI', { sth_stok_kod: 'C1' }, 'sth_RECno');
    expect(slip).toMatchObject({ sth_tutar: 12, sth_maliyet_ana: 3, sth_evrakno_sira: 1 });
    await withSyncTransaction(t.web, (c) => c.query('UPDATE stok_hareketleri SET erp_recno = NULL WHERE id = $1', [id]));
    expect(await run('stok_hareketleri', id)).toMatch(/already posted .*web side rebuilt/);
    expect(await count('STOK_HAREKETLERI')).toBe(1);
    expect((await t.web.query('SELECT erp_recno FROM stok_hareketleri WHERE id = $1', [id])).rows[0].erp_recno).toBe(slip!.sth_RECno);
    // An edit after posting is reported, never a second slip.
    await t.web.query('UPDATE stok_hareketleri SET miktar = 6 WHERE id = $1', [id]);
    await expect(run('stok_hareketleri', id)).rejects.toThrow(ConflictError);
    await t.web.query('DELETE FROM stok_hareketleri WHERE id = $1', [id]);
    await expect(run('stok_hareketleri', id)).rejects.toThrow(/deleted on the web after it was posted.*the slip stays/);
    expect(await count('STOK_HAREKETLERI')).toBe(1);
  });

  it('counts asking for a number in use get the next free one; other web document rows are left to their flows', async () => {
    await erpInsert(t.erp, 'STOKLAR', { sto_kod: 'C2' });
    await erpInsert(t.erp, 'STOK_HAREKETLERI', { sth_stok_kod: 'C2', sth_evraktip: 0, sth_evrakno_seri: '', sth_evrakno_sira: 7, sth_cins: 10 });
    const stock = await syncInsert(t.web, 'stoklar', { stok_kodu: 'C2', stok_adi: 'C2' });
    const id = await webInsert(t.web, 'stok_hareketleri', { stok_id: stock, belge_tipi: 'sayim', hareket_tipi: 'giris', miktar: 1, onceki_miktar: 0, sonraki_miktar: 0, fatura_sira_no: '7' });
    expect(await run('stok_hareketleri', id)).toMatch(/slip 8 /);
    const sale = await webInsert(t.web, 'stok_hareketleri', { stok_id: stock, belge_tipi: 'satis', hareket_tipi: 'cikis', miktar: 1, onceki_miktar: 0, sonraki_miktar: 0 });
    expect(await run('stok_hareketleri', sale)).toMatch(/posted with its document by its own flow/);
    expect(await count('STOK_HAREKETLERI')).toBe(2);
  });

  it('two jobs of one new card at once write one card and one price row', async () => {
    const id = await webInsert(t.web, 'stoklar', { stok_kodu: 'P1', stok_adi: 'P1', satis_fiyati: 10 });
    const lists = await syncInsert(t.web, 'fiyat_tanimlari', { fiyat_adi: 'Liste 1', sira_no: 1 });
    await t.web.query('INSERT INTO int_kodmap_fiyat_liste (web_fiyat_tanimi_id, erp_liste_no) VALUES ($1, 1) ON CONFLICT DO NOTHING', [lists]);
    const price = await webInsert(t.web, 'urun_fiyat_listeleri', { stok_id: id, fiyat_tanimi_id: lists, fiyat: 10 });
    const results = await Promise.allSettled([run('stoklar', id), run('stoklar', id), run('urun_fiyat_listeleri', price)]);
    // The price job may run before the card exists: it waits (not ready) while the card's job is open.
    for (const r of results) if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(NotReadyError);
    await run('urun_fiyat_listeleri', price);
    expect(await count('STOKLAR')).toBe(1);
    expect(await erpRows(t.erp, 'STOK_SATIS_FIYAT_LISTELERI', { sfiyat_stokkod: 'P1' }, 'sfiyat_RECno')).toHaveLength(1);
    expect((await t.erp.query<{ n: number }>(sql`SELECT COUNT(*) AS ${ident('n')} FROM ${ident('MIKROSYNC_LEDGER')} WHERE ${ident('ldg_web_table')} = ${'stoklar'}`))[0]!.n).toBe(1);
  });

  it('a web card whose code Mikro already has is taken over: only differing web values are written, no second card', async () => {
    await erpInsert(t.erp, 'STOKLAR', { sto_kod: 'M1', sto_isim: 'Mikro adı', sto_birim1_ad: 'Kg', sto_ambalaj_kodu: 'Koli' });
    const id = await webInsert(t.web, 'stoklar', { stok_kodu: 'M1', stok_adi: 'Web adı', birim_turu: 'Kg' });
    expect(await run('stoklar', id)).toBe('updated stock card "M1" (name)');
    expect(await erpRows(t.erp, 'STOKLAR', { sto_kod: 'M1' }, 'sto_RECno')).toEqual([expect.objectContaining({ sto_isim: 'Web adı', sto_birim1_ad: 'Kg', sto_ambalaj_kodu: 'Koli' })]);
    expect(await count('STOK_SATIS_FIYAT_LISTELERI')).toBe(0);
  });

  it('assortment variants never reach Mikro, nor do their barcodes and prices', async () => {
    const main = await syncInsert(t.web, 'stoklar', { stok_kodu: 'MAIN', stok_adi: 'Main' });
    const variant = await webInsert(t.web, 'stoklar', { stok_kodu: 'MAIN-XL', stok_adi: 'Main XL', is_asorti: true, ana_stok_id: main });
    const barcode = await webInsert(t.web, 'urun_barkodlari', { stok_id: variant, barkod: 'V-1' });
    expect(await run('stoklar', variant)).toMatch(/assortment variant/);
    expect(await run('urun_barkodlari', barcode)).toMatch(/assortment variant/);
    expect(await count('STOKLAR')).toBe(0);
    expect(await count('BARKOD_TANIMLARI')).toBe(0);
  });

  it('a barcode of a card still on its way waits; of a card Mikro does not have, it fails', async () => {
    const pending = await webInsert(t.web, 'stoklar', { stok_kodu: 'LATE', stok_adi: 'Late' });
    const b1 = await webInsert(t.web, 'urun_barkodlari', { stok_id: pending, barkod: 'L-1' });
    await expect(run('urun_barkodlari', b1)).rejects.toThrow(NotReadyError);
    await t.web.query(`UPDATE sync_outbox SET status = 'done' WHERE table_name = 'stoklar'`);
    await expect(run('urun_barkodlari', b1)).rejects.toThrow(PermanentError);
    await run('stoklar', pending);
    expect(await run('urun_barkodlari', b1)).toMatch(/^added barcode "L-1" of stock "LATE"/);
  });

  it('a barcode deleted on the web that mikrosync never sent cancels only the row of its own stock', async () => {
    await erpInsert(t.erp, 'STOKLAR', { sto_kod: 'S1' });
    await erpInsert(t.erp, 'BARKOD_TANIMLARI', { bar_kodu: 'SHARED', bar_stokkodu: 'S1', bar_iptal: 0 });
    await erpInsert(t.erp, 'BARKOD_TANIMLARI', { bar_kodu: 'SHARED', bar_stokkodu: 'S9', bar_iptal: 0 });
    const stock = await syncInsert(t.web, 'stoklar', { stok_kodu: 'S1', stok_adi: 'S1' });
    const id = await syncInsert(t.web, 'urun_barkodlari', { stok_id: stock, barkod: 'SHARED' });
    const old = (await t.web.query('SELECT to_jsonb(b) AS j FROM urun_barkodlari b WHERE id = $1', [id])).rows[0].j as Record<string, unknown>;
    await t.web.query('DELETE FROM urun_barkodlari WHERE id = $1', [id]);
    expect(await run('urun_barkodlari', id, old)).toBe('cancelled barcode "SHARED" in Mikro (bar_iptal = 1)');
    const rows = await erpRows(t.erp, 'BARKOD_TANIMLARI', { bar_kodu: 'SHARED' }, 'bar_RECno');
    expect(rows.map((r) => [r.bar_stokkodu, r.bar_iptal])).toEqual([['S1', 1], ['S9', 0]]);
    // Deleted again (a retry): nothing left to cancel, no error.
    expect(await run('urun_barkodlari', id, old)).toMatch(/nothing to cancel/);
  });

  it('a stock card deleted on the web stays in Mikro (a conflict), and so do the barcodes deleted with it', async () => {
    const id = await webInsert(t.web, 'stoklar', { stok_kodu: 'DEL1', stok_adi: 'Del' });
    await run('stoklar', id);
    const barcode = await webInsert(t.web, 'urun_barkodlari', { stok_id: id, barkod: 'DEL-B' });
    await run('urun_barkodlari', barcode);
    const oldCard = (await t.web.query('SELECT to_jsonb(s) AS j FROM stoklar s WHERE id = $1', [id])).rows[0].j as Record<string, unknown>;
    const oldBarcode = (await t.web.query('SELECT to_jsonb(b) AS j FROM urun_barkodlari b WHERE id = $1', [barcode])).rows[0].j as Record<string, unknown>;
    await t.web.query('DELETE FROM stoklar WHERE id = $1', [id]); // cascades to the barcode
    await expect(run('stoklar', id, oldCard)).rejects.toThrow(/stock code "DEL1"\) was deleted on the web; mikrosync never deletes Mikro stock cards/);
    expect(await run('urun_barkodlari', barcode, oldBarcode)).toMatch(/deleted together with its stock card/);
    expect((await erpRows(t.erp, 'BARKOD_TANIMLARI', { bar_kodu: 'DEL-B' }, 'bar_RECno')).map((r) => r.bar_iptal)).toEqual([0]);
    expect(await count('STOKLAR')).toBe(1);
  });

  it('an account edited on the web after it was sent: only the edited column and the stamp', async () => {
    const id = await webInsert(t.web, 'cari_hesaplar', { cari_kodu: 'A1', cari_adi: 'Ada', cari_tipi: 'Müşteri', eposta: 'a@x.tr' });
    expect(await run('cari_hesaplar', id)).toMatch(/^created account "A1"/);
    const [before] = await erpRows(t.erp, 'CARI_HESAPLAR', { cari_kod: 'A1' }, 'cari_RECno');
    await t.web.query(`UPDATE cari_hesaplar SET eposta = 'b@x.tr', bakiye = 100 WHERE id = $1`, [id]);
    expect(await run('cari_hesaplar', id)).toBe('updated account "A1" (email)');
    const [after] = await erpRows(t.erp, 'CARI_HESAPLAR', { cari_kod: 'A1' }, 'cari_RECno');
    const changed = Object.keys(after!).filter((c) => after![c] !== before![c]);
    expect(changed.sort()).toEqual(['cari_EMail', 'cari_lastup_date']);
    // A code renamed on the web is not a new account.
    await t.web.query(`UPDATE cari_hesaplar SET cari_kodu = 'A2' WHERE id = $1`, [id]);
    await expect(run('cari_hesaplar', id)).rejects.toThrow(/code changed on the web from "A1" to "A2"/);
    expect(await count('CARI_HESAPLAR')).toBe(1);
  });
});
