/**
 * The stock domain through the running fleet: web stock cards, barcodes, prices, counts, transfers
 * and customers reach the ERP stand-in with no command run by hand; writes of the ERP -> Web sync
 * never come back as jobs; bad input lands in the dead-letter queue with its reason and leaves
 * nothing partial in the ERP.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DeadLetterQueue, type QueueRegistry, withSyncTransaction } from '@mikrosync/connectors';
import { createTestEnv, ERP_UNDER_TEST, waitFor, type TestEnv } from '../support/test-env.js';
import { erpInsert } from '../support/seed.js';
import { erpRows, outboxRows, stockDomainCounts, syncInsert, webInsert } from '../support/stock-seed.js';
import { type CliProcess } from '../support/processes.js';
import { deadLetterOf, startFleet, stopFleet } from '../support/fleet.js';

describe.skipIf(ERP_UNDER_TEST !== 'pg')('stock domain: web -> queue -> Mikro', () => {
  let t: TestEnv;
  let fleet: CliProcess;
  let dlq: DeadLetterQueue;
  let queues: QueueRegistry;
  const web: Record<string, string> = {};
  const lists: Record<number, string> = {};

  const card = async (code: string) => (await erpRows(t.erp, 'STOKLAR', { sto_kod: code }, 'sto_RECno'))[0];
  const deadLetterFor = (id: string) => deadLetterOf(dlq, id, 20_000);
  const settled = (table: string, id: string) =>
    waitFor(`outbox of ${table} ${id} settled`, async () => {
      const rows = await outboxRows(t.web, table, id);
      return rows.length > 0 && rows.every((r) => r.status === 'done' || r.status === 'failed') ? rows : undefined;
    });
  const movement = (stock: string, row: Record<string, unknown>) =>
    webInsert(t.web, 'stok_hareketleri', { stok_id: web[stock], hareket_tipi: 'giris', miktar: 1, onceki_miktar: 0, sonraki_miktar: 0, islem_tarihi: '2026-01-15T12:00:00+03:00', ...row });

  beforeAll(async () => {
    t = await createTestEnv({ NOT_READY_RETRY_MS: '300' });
    await erpInsert(t.erp, 'DEPOLAR', { dep_no: 1, dep_adi: 'MERKEZ', dep_firmano: 0, dep_subeno: 0 });
    await erpInsert(t.erp, 'DEPOLAR', { dep_no: 2, dep_adi: 'ŞUBE', dep_firmano: 0, dep_subeno: 0 });
    for (const code of ['ST1', 'ST2', 'OTHER']) {
      await erpInsert(t.erp, 'STOKLAR', { sto_kod: code, sto_isim: `Stok ${code}`, sto_birim1_ad: 'Adet', sto_standartmaliyet: 12 });
    }
    await erpInsert(t.erp, 'BARKOD_TANIMLARI', { bar_kodu: 'DUP-1', bar_stokkodu: 'OTHER', bar_iptal: 0 });
    // What the ERP -> Web sync has left on the web: no outbox rows for any of it.
    for (const code of ['ST1', 'ST2']) web[code] = await syncInsert(t.web, 'stoklar', { stok_kodu: code, stok_adi: `Stok ${code}`, birim_turu: 'Adet' });
    web.NOPE = await syncInsert(t.web, 'stoklar', { stok_kodu: 'NOPE', stok_adi: 'Gone from Mikro' });
    for (const n of [1, 2]) {
      lists[n] = await syncInsert(t.web, 'fiyat_tanimlari', { fiyat_adi: `Fiyat ${n}`, sira_no: n });
      await t.web.query('INSERT INTO int_kodmap_fiyat_liste (web_fiyat_tanimi_id, erp_liste_no) VALUES ($1, $2)', [lists[n], n]);
    }
    ({ fleet, queues, dlq } = await startFleet(t));
  });
  afterAll(async () => {
    await stopFleet({ fleet, queues });
    await t?.cleanup();
  });

  it('a stock card made on the web reaches Mikro once, with its list-1 price and the stock map', async () => {
    const id = await webInsert(t.web, 'stoklar', { stok_kodu: 'NEW1', stok_adi: 'Yeni ürün', birim_turu: 'adet', satis_fiyati: 42.5, ambalaj: 'Kutulu' });
    const row = await waitFor('STOKLAR NEW1', () => card('NEW1'));
    expect(row).toMatchObject({ sto_isim: 'Yeni ürün', sto_birim1_ad: 'Adet', sto_ambalaj_kodu: 'Kutulu', sto_perakende_vergi: 4, sto_muh_kod: '153' });
    const prices = await erpRows(t.erp, 'STOK_SATIS_FIYAT_LISTELERI', { sfiyat_stokkod: 'NEW1' }, 'sfiyat_RECno');
    expect(prices.map((p) => [p.sfiyat_listesirano, p.sfiyat_deposirano, p.sfiyat_odemeplan, p.sfiyat_fiyati])).toEqual([[1, 0, 0, 42.5]]);
    expect((await settled('stoklar', id)).map((o) => o.status)).toEqual(['done']);
    expect((await t.web.query('SELECT erp_stok_kod FROM int_kodmap_stok WHERE web_stok_id = $1', [id])).rows).toEqual([{ erp_stok_kod: 'NEW1' }]);
    expect((await t.erpSql.query('SELECT count(*)::int AS n FROM "MIKROSYNC_LEDGER" WHERE ldg_web_id = $1', [id])).rows[0].n).toBe(1);

    // An edit sends only the edited column and the stamp.
    await t.web.query(`UPDATE stoklar SET stok_adi = 'Yeni ürün (büyük)', eldeki_miktar = 9 WHERE id = $1`, [id]);
    const edited = await waitFor('name edited', async () => ((await card('NEW1'))?.sto_isim === 'Yeni ürün (büyük)' ? card('NEW1') : undefined));
    const { sto_isim: _a, sto_lastup_date: _b, ...rest } = edited!;
    const { sto_isim: _c, sto_lastup_date: _d, ...restBefore } = row!;
    expect(rest).toEqual(restBefore);
    expect(await erpRows(t.erp, 'STOKLAR', { sto_kod: 'NEW1' }, 'sto_RECno')).toHaveLength(1);
  });

  it('a barcode added on the web is in Mikro; deleted on the web, it is cancelled there', async () => {
    const id = await webInsert(t.web, 'urun_barkodlari', { stok_id: web.ST1, barkod: 'BC-100', barkod_tipi: 'koli', aktif: true });
    const added = await waitFor('barcode in Mikro', async () => (await erpRows(t.erp, 'BARKOD_TANIMLARI', { bar_kodu: 'BC-100' }, 'bar_RECno'))[0]);
    expect(added).toMatchObject({ bar_stokkodu: 'ST1', bar_barkodtipi: 2, bar_iptal: 0, bar_fileid: 13, bar_birimpntr: 1 });
    await settled('urun_barkodlari', id);

    await t.web.query('DELETE FROM urun_barkodlari WHERE id = $1', [id]);
    const cancelled = await waitFor('barcode cancelled', async () => {
      const r = (await erpRows(t.erp, 'BARKOD_TANIMLARI', { bar_kodu: 'BC-100' }, 'bar_RECno'))[0];
      return r && r.bar_iptal === 1 ? r : undefined;
    });
    expect(cancelled.bar_RECno).toBe(added!.bar_RECno);
    expect(await erpRows(t.erp, 'BARKOD_TANIMLARI', { bar_kodu: 'BC-100' }, 'bar_RECno')).toHaveLength(1);
    const outbox = await waitFor('delete settled', async () => {
      const rows = await outboxRows(t.web, 'urun_barkodlari', id);
      return rows.length === 2 && rows.every((r) => r.status === 'done') ? rows : undefined;
    });
    expect(outbox.map((o) => o.operation)).toEqual(['INSERT', 'DELETE']);
  });

  it('a price of a mapped list edited on the web reaches Mikro (depot 0, plan 0)', async () => {
    const id = await webInsert(t.web, 'urun_fiyat_listeleri', { stok_id: web.ST2, fiyat_tanimi_id: lists[2], fiyat: 77.25 });
    const price = await waitFor('price row', async () => (await erpRows(t.erp, 'STOK_SATIS_FIYAT_LISTELERI', { sfiyat_stokkod: 'ST2', sfiyat_listesirano: 2 }, 'sfiyat_RECno'))[0]);
    expect(price).toMatchObject({ sfiyat_fiyati: 77.25, sfiyat_deposirano: 0, sfiyat_odemeplan: 0, sfiyat_fileid: 228 });
    await t.web.query('UPDATE urun_fiyat_listeleri SET fiyat = 80 WHERE id = $1', [id]);
    await waitFor('price updated', async () => (await erpRows(t.erp, 'STOK_SATIS_FIYAT_LISTELERI', { sfiyat_RECno: price.sfiyat_RECno as number }, 'sfiyat_RECno'))[0]?.sfiyat_fiyati === 80);
    expect(await erpRows(t.erp, 'STOK_SATIS_FIYAT_LISTELERI', { sfiyat_stokkod: 'ST2' }, 'sfiyat_RECno')).toHaveLength(1);
  });

  it('a count and a depot transfer become slips; the web rows get their record numbers', async () => {
    const count = await movement('ST1', { belge_tipi: 'sayim', hareket_tipi: 'giris', miktar: 5 });
    const transfer = await movement('ST2', { belge_tipi: 'transfer', miktar: 3, cikis_depo_no: 1, giris_depo_no: 2 });
    const recnoOf = (id: string) =>
      waitFor(`erp_recno of ${id}`, async () => (await t.web.query('SELECT erp_recno FROM stok_hareketleri WHERE id = $1', [id])).rows[0]?.erp_recno as number | null);
    const [c] = await erpRows(t.erp, 'STOK_HAREKETLERI', { sth_RECno: await recnoOf(count) }, 'sth_RECno');
    expect(c).toMatchObject({ sth_stok_kod: 'ST1', sth_tip: 0, sth_cins: 10, sth_evraktip: 0, sth_miktar: 5, sth_tutar: 60, sth_isemri_gider_kodu: 'SAYIM', sth_cikis_depo_no: 1, sth_giris_depo_no: 1 });
    const [x] = await erpRows(t.erp, 'STOK_HAREKETLERI', { sth_RECno: await recnoOf(transfer) }, 'sth_RECno');
    expect(x).toMatchObject({ sth_stok_kod: 'ST2', sth_tip: 2, sth_cins: 6, sth_evraktip: 2, sth_miktar: 3, sth_cikis_depo_no: 1, sth_giris_depo_no: 2, sth_cari_kodu: '' });
    // The write-back is the sync's own: each row has only its INSERT event.
    for (const id of [count, transfer]) expect((await settled('stok_hareketleri', id)).map((o) => o.operation)).toEqual(['INSERT']);
  });

  it('a customer made on the web becomes a Mikro account; one that came from the ERP is never written back', async () => {
    const id = await webInsert(t.web, 'cari_hesaplar', { cari_kodu: 'WEB-001', cari_adi: 'Ada Toptan Gıda', cari_tipi: 'Tedarikçi', telefon: '05XXXXXXXXX', kaynak: 'web' });
    const acc = await waitFor('CARI_HESAPLAR WEB-001', async () => (await erpRows(t.erp, 'CARI_HESAPLAR', { cari_kod: 'WEB-001' }, 'cari_RECno'))[0]);
    expect(acc).toMatchObject({ cari_unvan1: 'Ada Toptan Gıda', cari_baglanti_tipi: 1, cari_CepTel: '05XXXXXXXXX', cari_fileid: 31, cari_vade_fark_yuz: 25 });
    expect((await settled('cari_hesaplar', id)).map((o) => o.status)).toEqual(['done']);
    const erpOrigin = await webInsert(t.web, 'cari_hesaplar', { cari_kodu: 'ERP-001', cari_adi: 'From Mikro', cari_tipi: 'Müşteri', kaynak: 'erp' });
    expect((await settled('cari_hesaplar', erpOrigin)).map((o) => o.status)).toEqual(['done']);
    expect(await erpRows(t.erp, 'CARI_HESAPLAR', { cari_kod: 'ERP-001' }, 'cari_RECno')).toHaveLength(0);
  });

  // A card written by the ERP -> Web sync must not come back as a web -> ERP job (ARCHITECTURE rule 5).
  // `row(byWebUser)`: the web user's row may differ where a unique key needs it.
  const echoCases: { table: string; row: (byWebUser: boolean) => Record<string, unknown> }[] = [
    { table: 'stoklar', row: () => ({ stok_kodu: `ECHO-${Math.random().toString(36).slice(2, 8)}`, stok_adi: 'Echo' }) },
    { table: 'urun_barkodlari', row: () => ({ stok_id: web.ST2, barkod: `E-${Math.random().toString(36).slice(2, 10)}`, aktif: true }) },
    { table: 'urun_fiyat_listeleri', row: (byWebUser) => ({ stok_id: byWebUser ? web.ST2 : web.NOPE, fiyat_tanimi_id: lists[1], fiyat: 1 }) },
    { table: 'stok_hareketleri', row: () => ({ stok_id: web.ST2, hareket_tipi: 'cikis', miktar: 1, onceki_miktar: 0, sonraki_miktar: 0, belge_tipi: 'fatura', erp_recno: Math.floor(Math.random() * 1e9) }) },
    { table: 'cari_hesaplar', row: () => ({ cari_kodu: `E-${Math.random().toString(36).slice(2, 8)}`, cari_adi: 'Echo', kaynak: 'erp' }) },
  ];
  for (const c of echoCases) {
    it(`${c.table}: a write through withSyncTransaction creates no outbox row; the same write by a web user does`, async () => {
      const synced = await syncInsert(t.web, c.table, c.row(false));
      await withSyncTransaction(t.web, (cl) => cl.query(`UPDATE ${c.table} SET guncelleme_tarihi = now() WHERE id = $1`, [synced]));
      expect(await outboxRows(t.web, c.table, synced)).toEqual([]);
      const plain = await webInsert(t.web, c.table, c.row(true));
      expect((await outboxRows(t.web, c.table, plain)).map((o) => o.operation)).toEqual(['INSERT']);
      // ... and is processed without a failure.
      expect((await settled(c.table, plain)).map((o) => [o.status, o.last_error])).toEqual([['done', null]]);
    });
  }

  it('a stock edit made by the ERP -> Web sync changes nothing in Mikro; the same edit by a web user does', async () => {
    await withSyncTransaction(t.web, (c) => c.query(`UPDATE stoklar SET stok_adi = 'Adı Mikro''dan' WHERE id = $1`, [web.ST1]));
    await new Promise((r) => setTimeout(r, 1500));
    expect(await outboxRows(t.web, 'stoklar', web.ST1!)).toEqual([]);
    expect((await card('ST1'))?.sto_isim).toBe('Stok ST1');
    await t.web.query(`UPDATE stoklar SET stok_adi = 'Adı webden' WHERE id = $1`, [web.ST1]);
    await waitFor('web edit in Mikro', async () => (await card('ST1'))?.sto_isim === 'Adı webden');
    expect((await settled('stoklar', web.ST1!)).map((o) => o.operation)).toEqual(['UPDATE']);
  });

  it('a movement kind other than a count or a transfer fails with its reason', async () => {
    const id = await movement('ST1', { belge_tipi: 'manuel' });
    const dead = await deadLetterFor(id);
    expect(dead.reason).toMatch(/kind \(belge_tipi\) "manuel" cannot be posted to Mikro.*only stock counts \(sayim\) and depot transfers/);
  });

  const bad: { name: string; make: () => Promise<string>; reason: RegExp }[] = [
    { name: 'duplicate barcode', make: () => webInsert(t.web, 'urun_barkodlari', { stok_id: web.ST2, barkod: 'DUP-1', aktif: true }), reason: /barcode "DUP-1" is already in use in Mikro for stock "OTHER"/ },
    { name: 'stock code longer than 25 characters', make: () => webInsert(t.web, 'stoklar', { stok_kodu: 'K'.repeat(26), stok_adi: 'Uzun' }), reason: /stock code "K{26}" is 26 characters; Mikro allows 25/ },
    { name: 'unknown unit', make: () => webInsert(t.web, 'stoklar', { stok_kodu: 'BIRIM', stok_adi: 'Birim', birim_turu: 'Furlong' }), reason: /unit \(birim_turu\) "Furlong" is not a unit.*STOCK_UNITS/ },
    { name: 'count for an unknown stock', make: () => movement('NOPE', { belge_tipi: 'sayim', miktar: 2 }), reason: /stock count is for stock code "NOPE", which does not exist in Mikro/ },
    { name: 'transfer to the same depot', make: () => movement('ST1', { belge_tipi: 'transfer', miktar: 2, cikis_depo_no: 1, giris_depo_no: 1 }), reason: /transfer from depot 1 to the same depot 1/ },
    { name: 'negative count', make: () => movement('ST1', { belge_tipi: 'sayim', hareket_tipi: 'cikis', miktar: -3 }), reason: /counted quantity \(miktar\) -3 is negative/ },
  ];
  for (const b of bad) {
    it(`bad input (${b.name}) reaches the dead-letter queue with its reason, nothing partial in the ERP`, async () => {
      const before = await stockDomainCounts(t.erp);
      const id = await b.make();
      const dead = await deadLetterFor(id);
      expect(dead.reason).toMatch(b.reason);
      expect(dead.reason).toContain(id);
      expect(dead.permanent).toBe(true);
      expect(await stockDomainCounts(t.erp)).toEqual(before);
      expect((await settled(dead.record!.table, id)).map((o) => o.status)).toEqual(['failed']);
    });
  }
});
