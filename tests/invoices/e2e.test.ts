/**
 * Invoices through the running fleet: edits and deletions after posting, conflicts with changes
 * made in Mikro, and bad input. (A header and its lines in separate transactions, a header whose
 * lines never come: tests/runtime/job-runner.test.ts.)
 */
import { describe, expect, it } from 'vitest';
import { ERP_UNDER_TEST, waitFor } from '../support/test-env.js';
import { insertPurchase, insertSale } from '../support/invoice-seed.js';
import { useInvoicesSuite } from '../support/fleet.js';

describe.skipIf(ERP_UNDER_TEST !== 'pg')('invoices: web -> queue -> Mikro', () => {
  const s = useInvoicesSuite();

  it('an edit after posting replaces the ERP rows and keeps the number', async () => {
    const id = await insertSale(s.t.web, { cari_hesap_id: s.ids.serhan, odeme_sekli: 'acik_hesap', toplam_tutar: 5 }, [{ stok_id: s.stock.K1!, birim_fiyat: 5 }]);
    const v1 = await s.posted(id);
    const before = await s.headerOf(v1.ldg_header_recno);
    await s.t.web.query('UPDATE satis_kalemleri SET miktar = 3, toplam_tutar = 15 WHERE satis_id = $1', [id]);
    await s.t.web.query('UPDATE satislar SET toplam_tutar = 15 WHERE id = $1', [id]);
    const v2 = await s.posted(id, 2);
    expect(v2.ldg_sira).toBe(v1.ldg_sira);
    expect(await s.headerOf(v1.ldg_header_recno)).toBeUndefined();
    const after = await s.headerOf(v2.ldg_header_recno);
    expect(after).toMatchObject({ cha_evrakno_sira: before.cha_evrakno_sira, cha_meblag: 15 });
    const lines = await s.linesOf(v2.ldg_header_recno);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ sth_miktar: 3, sth_tutar: 15 });
    expect((await s.t.erpSql.query('SELECT count(*)::int AS n FROM "CARI_HESAP_HAREKETLERI" WHERE "cha_evrak_tip" = 63 AND "cha_evrakno_sira" = $1', [v1.ldg_sira])).rows[0].n).toBe(1);
  });

  it('an edit after the ERP side changed is a conflict in the dead-letter queue and leaves the ERP untouched', async () => {
    const id = await insertSale(s.t.web, { cari_hesap_id: s.ids.serhan, odeme_sekli: 'acik_hesap', toplam_tutar: 7 }, [{ stok_id: s.stock.K2!, birim_fiyat: 7 }]);
    const v1 = await s.posted(id);
    // Someone edits the invoice in Mikro: its last-update stamp moves.
    await s.t.erpSql.query(`UPDATE "CARI_HESAP_HAREKETLERI" SET "cha_lastup_date" = now(), "cha_aciklama" = 'Mikro edit' WHERE "cha_RECno" = $1`, [v1.ldg_header_recno]);
    const snapshot = await s.erpCount();
    await s.t.web.query('UPDATE satislar SET toplam_tutar = 8 WHERE id = $1', [id]);
    const dead = await s.deadLetterFor(id);
    expect(dead.reason).toMatch(/changed in Mikro since it was posted/);
    expect(dead.reason).toContain(id);
    expect(dead.permanent).toBe(true);
    expect(await s.erpCount()).toBe(snapshot);
    expect(await s.headerOf(v1.ldg_header_recno)).toMatchObject({ cha_aciklama: 'Mikro edit', cha_meblag: 7 });
  });

  it('a deleted web document deletes its ERP rows', async () => {
    const id = await insertPurchase(s.t.web, { tedarikci_id: s.ids.serhan, odeme_sekli: 'acik_hesap', toplam_tutar: 4 }, [
      { stok_id: s.stock.K3!, birim_fiyat: 2, miktar: 2 },
    ]);
    const v1 = await s.posted(id);
    await s.t.web.query('DELETE FROM alis_kalemleri WHERE alis_id = $1', [id]);
    await s.t.web.query('DELETE FROM alislar WHERE id = $1', [id]);
    await waitFor('ERP rows deleted', async () => (await s.ledgerOf(id))?.ldg_status === 'deleted');
    expect(await s.headerOf(v1.ldg_header_recno)).toBeUndefined();
    expect(await s.linesOf(v1.ldg_header_recno)).toHaveLength(0);
    // The web mapping is removed after the ERP transaction.
    await waitFor('web mapping removed', async () => (await s.t.web.query('SELECT count(*)::int AS n FROM int_alis_mapping WHERE web_alis_id = $1', [id])).rows[0].n === 0);
  });

  const bad: { name: string; make: () => Promise<string>; reason: RegExp }[] = [
    { name: 'NULL stok_id', make: () => insertSale(s.t.web, { cari_hesap_id: s.ids.serhan, odeme_sekli: 'acik_hesap' }, [{ stok_id: null }]), reason: /line 1 \(.+\) has no stock \(stok_id is NULL\)/ },
    {
      name: 'stock unknown to Mikro',
      make: async () => {
        // A card the ERP -> Web sync wrote (no capture) that Mikro no longer has.
        const ghost = (await s.t.web.query(
          `WITH mark AS (SELECT set_config('mikrosync.origin', 'sync', true)) INSERT INTO stoklar (stok_kodu, stok_adi) SELECT 'GHOST', 'Not in Mikro' FROM mark RETURNING id`,
        )).rows[0].id as string;
        return insertPurchase(s.t.web, { tedarikci_id: s.ids.serhan, odeme_sekli: 'acik_hesap' }, [{ stok_id: ghost }]);
      },
      reason: /line 1 .*stock code "GHOST" does not exist in Mikro/,
    },
    {
      name: 'customer without mapping',
      make: async () => {
        const c = (await s.t.web.query(`INSERT INTO cari_hesaplar (cari_kodu, cari_adi, cari_tipi) VALUES ('', 'YENİ MÜŞTERİ', 'Müşteri') RETURNING id`)).rows[0].id;
        return insertSale(s.t.web, { cari_hesap_id: c, odeme_sekli: 'acik_hesap' }, [{ stok_id: s.stock.H! }]);
      },
      reason: /YENİ MÜŞTERİ.*no ERP account code.*int_kodmap_cari/,
    },
    { name: 'quantity 0', make: () => insertSale(s.t.web, { cari_hesap_id: s.ids.serhan, odeme_sekli: 'acik_hesap' }, [{ stok_id: s.stock.H!, miktar: 0 }]), reason: /line 1 .*quantity 0 must be greater than 0/ },
    { name: 'negative price', make: () => insertSale(s.t.web, { cari_hesap_id: s.ids.serhan, odeme_sekli: 'acik_hesap' }, [{ stok_id: s.stock.H!, birim_fiyat: -3 }]), reason: /line 1 .*unit price -3 is negative/ },
    { name: 'unknown odeme_sekli', make: () => insertSale(s.t.web, { cari_hesap_id: s.ids.serhan, odeme_sekli: 'bitcoin' }, [{ stok_id: s.stock.H! }]), reason: /unknown odeme_sekli "bitcoin"/ },
    {
      name: 'date before the depot lock date',
      make: async () => {
        await s.t.erpSql.query(`UPDATE "DEPOLAR" SET "dep_KilitTarihi" = '2025-06-30' WHERE dep_no = 1`);
        return insertSale(s.t.web, { cari_hesap_id: s.ids.serhan, odeme_sekli: 'acik_hesap', satis_tarihi: '2025-06-15' }, [{ stok_id: s.stock.H! }]);
      },
      reason: /document date 20250615 is on or before the lock date 20250630 of depot 1/,
    },
  ];
  for (const b of bad) {
    it(`bad input (${b.name}) reaches the dead-letter queue naming the document, with no partial ERP rows`, async () => {
      const before = await s.erpCount();
      const id = await b.make();
      const dead = await s.deadLetterFor(id);
      expect(dead.reason).toMatch(b.reason);
      expect(dead.reason).toContain(id);
      expect(await s.erpCount()).toBe(before);
      expect(await s.ledgerOf(id)).toBeUndefined();
    });
  }
});
