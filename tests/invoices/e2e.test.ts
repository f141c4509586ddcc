/**
 * Invoices through the running fleet: edits and deletions after posting, conflicts with changes
 * made in Mikro, and bad input. (A header and its lines in separate transactions, a header whose
 * lines never come: tests/runtime/job-runner.test.ts.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DeadLetterQueue, type QueueRegistry } from '@mikrosync/connectors';
import { ERP_UNDER_TEST, waitFor, type TestEnv } from '../support/test-env.js';
import { type SeededIds } from '../support/seed.js';
import { insertPurchase, insertSale, seedStocks } from '../support/invoice-seed.js';
import { type CliProcess } from '../support/processes.js';
import { deadLetterOf, startSeededFleet, stopFleet } from '../support/fleet.js';

describe.skipIf(ERP_UNDER_TEST !== 'pg')('invoices: web -> queue -> Mikro', () => {
  let t: TestEnv;
  let ids: SeededIds;
  let stock: Record<string, string>;
  let fleet: CliProcess;
  let dlq: DeadLetterQueue;
  let queues: QueueRegistry;

  const ledgerOf = async (id: string) => (await t.erpSql.query('SELECT * FROM "MIKROSYNC_LEDGER" WHERE ldg_web_id = $1', [id])).rows[0];
  const headerOf = async (recno: number) => (await t.erpSql.query('SELECT * FROM "CARI_HESAP_HAREKETLERI" WHERE "cha_RECno" = $1', [recno])).rows[0];
  const linesOf = async (recno: number) => (await t.erpSql.query('SELECT * FROM "STOK_HAREKETLERI" WHERE sth_fat_recid_recno = $1 ORDER BY sth_satirno', [recno])).rows;
  const erpCount = async () => Number((await t.erpSql.query('SELECT (SELECT count(*) FROM "CARI_HESAP_HAREKETLERI") + (SELECT count(*) FROM "STOK_HAREKETLERI") AS n')).rows[0].n);
  const deadLetterFor = (id: string) => deadLetterOf(dlq, id, 20_000);
  const posted = (id: string, version = 1) =>
    waitFor(`ledger v${version} of ${id}`, async () => {
      const l = await ledgerOf(id);
      return l && l.ldg_version >= version ? l : undefined;
    }, 20_000);

  beforeAll(async () => {
    // The document quiet period is well above the relay's latency on a loaded machine.
    ({ t, ids, seeded: stock, fleet, queues, dlq } = await startSeededFleet({ OUTBOX_DEBOUNCE_MS: '50', OUTBOX_DOCUMENT_DEBOUNCE_MS: '1000', NOT_READY_RETRY_MS: '300', NOT_READY_MAX_WAIT_MS: '600000' }, (e) => seedStocks(e.web, e.erp)));
  });
  afterAll(async () => {
    await stopFleet({ fleet, queues });
    await t?.cleanup();
  });

  it('an edit after posting replaces the ERP rows and keeps the number', async () => {
    const id = await insertSale(t.web, { cari_hesap_id: ids.serhan, odeme_sekli: 'acik_hesap', toplam_tutar: 5 }, [{ stok_id: stock.K1!, birim_fiyat: 5 }]);
    const v1 = await posted(id);
    const before = await headerOf(v1.ldg_header_recno);
    await t.web.query('UPDATE satis_kalemleri SET miktar = 3, toplam_tutar = 15 WHERE satis_id = $1', [id]);
    await t.web.query('UPDATE satislar SET toplam_tutar = 15 WHERE id = $1', [id]);
    const v2 = await posted(id, 2);
    expect(v2.ldg_sira).toBe(v1.ldg_sira);
    expect(await headerOf(v1.ldg_header_recno)).toBeUndefined();
    const after = await headerOf(v2.ldg_header_recno);
    expect(after).toMatchObject({ cha_evrakno_sira: before.cha_evrakno_sira, cha_meblag: 15 });
    const lines = await linesOf(v2.ldg_header_recno);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ sth_miktar: 3, sth_tutar: 15 });
    expect((await t.erpSql.query('SELECT count(*)::int AS n FROM "CARI_HESAP_HAREKETLERI" WHERE "cha_evrak_tip" = 63 AND "cha_evrakno_sira" = $1', [v1.ldg_sira])).rows[0].n).toBe(1);
  });

  it('an edit after the ERP side changed is a conflict in the dead-letter queue and leaves the ERP untouched', async () => {
    const id = await insertSale(t.web, { cari_hesap_id: ids.serhan, odeme_sekli: 'acik_hesap', toplam_tutar: 7 }, [{ stok_id: stock.K2!, birim_fiyat: 7 }]);
    const v1 = await posted(id);
    // Someone edits the invoice in Mikro: its last-update stamp moves.
    await t.erpSql.query(`UPDATE "CARI_HESAP_HAREKETLERI" SET "cha_lastup_date" = now(), "cha_aciklama" = 'Mikro edit' WHERE "cha_RECno" = $1`, [v1.ldg_header_recno]);
    const snapshot = await erpCount();
    await t.web.query('UPDATE satislar SET toplam_tutar = 8 WHERE id = $1', [id]);
    const dead = await deadLetterFor(id);
    expect(dead.reason).toMatch(/changed in Mikro since it was posted/);
    expect(dead.reason).toContain(id);
    expect(dead.permanent).toBe(true);
    expect(await erpCount()).toBe(snapshot);
    expect(await headerOf(v1.ldg_header_recno)).toMatchObject({ cha_aciklama: 'Mikro edit', cha_meblag: 7 });
  });

  it('a deleted web document deletes its ERP rows', async () => {
    const id = await insertPurchase(t.web, { tedarikci_id: ids.serhan, odeme_sekli: 'acik_hesap', toplam_tutar: 4 }, [
      { stok_id: stock.K3!, birim_fiyat: 2, miktar: 2 },
    ]);
    const v1 = await posted(id);
    await t.web.query('DELETE FROM alis_kalemleri WHERE alis_id = $1', [id]);
    await t.web.query('DELETE FROM alislar WHERE id = $1', [id]);
    await waitFor('ERP rows deleted', async () => (await ledgerOf(id))?.ldg_status === 'deleted');
    expect(await headerOf(v1.ldg_header_recno)).toBeUndefined();
    expect(await linesOf(v1.ldg_header_recno)).toHaveLength(0);
    // The web mapping is removed after the ERP transaction.
    await waitFor('web mapping removed', async () => (await t.web.query('SELECT count(*)::int AS n FROM int_alis_mapping WHERE web_alis_id = $1', [id])).rows[0].n === 0);
  });

  const bad: { name: string; make: () => Promise<string>; reason: RegExp }[] = [
    { name: 'NULL stok_id', make: () => insertSale(t.web, { cari_hesap_id: ids.serhan, odeme_sekli: 'acik_hesap' }, [{ stok_id: null }]), reason: /line 1 \(.+\) has no stock \(stok_id is NULL\)/ },
    {
      name: 'stock unknown to Mikro',
      make: async () => {
        // A card the ERP -> Web sync wrote (no capture) that Mikro no longer has.
        const ghost = (await t.web.query(
          `WITH mark AS (SELECT set_config('mikrosync.origin', 'sync', true)) INSERT INTO stoklar (stok_kodu, stok_adi) SELECT 'GHOST', 'Not in Mikro' FROM mark RETURNING id`,
        )).rows[0].id as string;
        return insertPurchase(t.web, { tedarikci_id: ids.serhan, odeme_sekli: 'acik_hesap' }, [{ stok_id: ghost }]);
      },
      reason: /line 1 .*stock code "GHOST" does not exist in Mikro/,
    },
    {
      name: 'customer without mapping',
      make: async () => {
        const c = (await t.web.query(`INSERT INTO cari_hesaplar (cari_kodu, cari_adi, cari_tipi) VALUES ('', 'YENİ MÜŞTERİ', 'Müşteri') RETURNING id`)).rows[0].id;
        return insertSale(t.web, { cari_hesap_id: c, odeme_sekli: 'acik_hesap' }, [{ stok_id: stock.H! }]);
      },
      reason: /YENİ MÜŞTERİ.*no ERP account code.*int_kodmap_cari/,
    },
    { name: 'quantity 0', make: () => insertSale(t.web, { cari_hesap_id: ids.serhan, odeme_sekli: 'acik_hesap' }, [{ stok_id: stock.H!, miktar: 0 }]), reason: /line 1 .*quantity 0 must be greater than 0/ },
    { name: 'negative price', make: () => insertSale(t.web, { cari_hesap_id: ids.serhan, odeme_sekli: 'acik_hesap' }, [{ stok_id: stock.H!, birim_fiyat: -3 }]), reason: /line 1 .*unit price -3 is negative/ },
    { name: 'unknown odeme_sekli', make: () => insertSale(t.web, { cari_hesap_id: ids.serhan, odeme_sekli: 'bitcoin' }, [{ stok_id: stock.H! }]), reason: /unknown odeme_sekli "bitcoin"/ },
    {
      name: 'date before the depot lock date',
      make: async () => {
        await t.erpSql.query(`UPDATE "DEPOLAR" SET "dep_KilitTarihi" = '2025-06-30' WHERE dep_no = 1`);
        return insertSale(t.web, { cari_hesap_id: ids.serhan, odeme_sekli: 'acik_hesap', satis_tarihi: '2025-06-15' }, [{ stok_id: stock.H! }]);
      },
      reason: /document date 20250615 is on or before the lock date 20250630 of depot 1/,
    },
  ];
  for (const b of bad) {
    it(`bad input (${b.name}) reaches the dead-letter queue naming the document, with no partial ERP rows`, async () => {
      const before = await erpCount();
      const id = await b.make();
      const dead = await deadLetterFor(id);
      expect(dead.reason).toMatch(b.reason);
      expect(dead.reason).toContain(id);
      expect(await erpCount()).toBe(before);
      expect(await ledgerOf(id)).toBeUndefined();
    });
  }
});
