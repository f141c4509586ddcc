/**
 * The fleet end to end on real PostgreSQL and Redis: a collection written by the web app reaches
 * the ERP stand-in with no command run by hand; bad input lands in the dead-letter queue with a
 * reason that names the record and the fix, and writes nothing. (Re-enqueuing a dead letter once
 * fixed: tests/runtime/dead-letter.test.ts.)
 */
import { describe, expect, it } from 'vitest';
import { ERP_UNDER_TEST, waitFor } from '../support/test-env.js';
import { insertCollection, type SeededIds } from '../support/seed.js';
import { useCollectionsSuite } from '../support/fleet.js';

describe.skipIf(ERP_UNDER_TEST !== 'pg')('collections: web -> queue -> Mikro', () => {
  const s = useCollectionsSuite();

  it('posts a new collection to the ERP with its mapping and number written back, within seconds', async () => {
    const started = Date.now();
    const id = await insertCollection(s.t.web, { cari_hesap_id: s.ids.serhan, tahsilat_tipi: 'havale', banka_id: s.ids.banks['10'], tutar: 250.5 });
    const mapping = await waitFor('mapping row', async () => (await s.t.web.query('SELECT * FROM int_tahsilat_mapping WHERE web_tahsilat_id = $1', [id])).rows[0], 15_000);
    expect(Date.now() - started).toBeLessThan(10_000);
    const [doc] = await s.erpDocs(`"cha_RECno" = ${Number(mapping.erp_recno)}`);
    expect(doc).toMatchObject({ cha_evrak_tip: 1, cha_cinsi: 17, cha_kod: 'SERHAN', cha_kasa_hizkod: '10', cha_meblag: 250.5, cha_karsidgrupno: 9 });
    const web = (await s.t.web.query('SELECT tahsilat_seri_no, tahsilat_sira_no, belge_no FROM tahsilatlar WHERE id = $1', [id])).rows[0];
    expect(web).toEqual({ tahsilat_seri_no: '', tahsilat_sira_no: doc.cha_evrakno_sira, belge_no: String(doc.cha_evrakno_sira) });
    expect(await s.outboxOf(id)).toEqual([{ status: 'done', last_error: null }]);
  });

  const badInputs: { name: string; row: (i: SeededIds) => Record<string, unknown>; reason: RegExp }[] = [
    { name: 'amount 0', row: (i) => ({ tahsilat_tipi: 'nakit', kasa_id: i.kasa001, tutar: 0 }), reason: /amount \(tutar\) is 0.*greater than 0/ },
    { name: 'negative amount', row: (i) => ({ tahsilat_tipi: 'nakit', kasa_id: i.kasa001, tutar: -5 }), reason: /amount \(tutar\) is -5/ },
    { name: 'unknown kind', row: () => ({ tahsilat_tipi: 'bitcoin' }), reason: /unknown tahsilat_tipi "bitcoin".*nakit, cek, senet, havale, kredi_karti/ },
    { name: 'transfer without a bank', row: () => ({ tahsilat_tipi: 'havale' }), reason: /needs a bank \(banka_id\).*choose the bank/ },
    { name: 'cheque number longer than the column', row: () => ({ tahsilat_tipi: 'cek', cek_no: 'C'.repeat(21) }), reason: /cek_no.*21 characters; Mikro allows 20/ },
  ];
  for (const bad of badInputs) {
    it(`rejects bad input (${bad.name}) with a clear reason and writes nothing`, async () => {
      const before = (await s.t.erpSql.query('SELECT (SELECT count(*) FROM "CARI_HESAP_HAREKETLERI") + (SELECT count(*) FROM "ODEME_EMIRLERI") AS n')).rows[0].n;
      const id = await insertCollection(s.t.web, { cari_hesap_id: s.ids.serhan, ...bad.row(s.ids) }).catch((err: Error) => {
        throw new Error(`web rejected the row itself: ${err.message}`);
      });
      const dead = await s.deadLetterFor(id);
      expect(dead.reason).toMatch(bad.reason);
      expect(dead.reason).toContain(id);
      expect(dead.permanent).toBe(true);
      const after = (await s.t.erpSql.query('SELECT (SELECT count(*) FROM "CARI_HESAP_HAREKETLERI") + (SELECT count(*) FROM "ODEME_EMIRLERI") AS n')).rows[0].n;
      expect(after).toBe(before);
      expect((await s.outboxOf(id))[0]!.status).toBe('failed');
    });
  }

  it('rejects an account code longer than Mikro keeps instead of cutting it', async () => {
    const longCode = 'K'.repeat(26);
    const acc = (await s.t.web.query(`INSERT INTO cari_hesaplar (cari_kodu, cari_adi, cari_tipi) VALUES ($1, 'UZUN', 'Müşteri') RETURNING id`, [longCode])).rows[0].id;
    const id = await insertCollection(s.t.web, { cari_hesap_id: acc, tahsilat_tipi: 'nakit', kasa_id: s.ids.kasa001, tutar: 5 });
    const dead = await s.deadLetterFor(id);
    expect(dead.reason).toMatch(/account code "K{26}" is 26 characters; Mikro allows 25/);
    expect(await s.erpDocs(`"cha_kod" LIKE 'KKKK%'`)).toHaveLength(0);
  });

  it('cuts a long description to the 40 characters Mikro keeps for receipts', async () => {
    const id = await insertCollection(s.t.web, { cari_hesap_id: s.ids.serhan, tahsilat_tipi: 'nakit', kasa_id: s.ids.kasa001, tutar: 9, aciklama: 'Ş'.repeat(60) });
    const mapping = await waitFor('mapping', async () => (await s.t.web.query('SELECT erp_recno FROM int_tahsilat_mapping WHERE web_tahsilat_id = $1', [id])).rows[0]);
    const [doc] = await s.erpDocs(`"cha_RECno" = ${Number(mapping.erp_recno)}`);
    expect(doc.cha_aciklama).toBe('Ş'.repeat(40));
  });

  it('stores notes with SQL metacharacters verbatim', async () => {
    const note = `O'B"; DROP TABLE "CARI_HESAPLAR"; --]`;
    const id = await insertCollection(s.t.web, { cari_hesap_id: s.ids.serhan, tahsilat_tipi: 'nakit', kasa_id: s.ids.kasa001, tutar: 12, aciklama: note });
    const mapping = await waitFor('mapping', async () => (await s.t.web.query('SELECT erp_recno FROM int_tahsilat_mapping WHERE web_tahsilat_id = $1', [id])).rows[0]);
    const [doc] = await s.erpDocs(`"cha_RECno" = ${Number(mapping.erp_recno)}`);
    expect(doc.cha_aciklama).toBe(note);
    expect((await s.t.erpSql.query('SELECT count(*)::int AS n FROM "CARI_HESAPLAR"')).rows[0].n).toBeGreaterThan(0);
  });

  it('keeps other jobs flowing while a bad one fails', async () => {
    const bad = await insertCollection(s.t.web, { cari_hesap_id: s.ids.serhan, tahsilat_tipi: 'nakit', kasa_id: s.ids.kasa001, tutar: -1 });
    const good = await insertCollection(s.t.web, { cari_hesap_id: s.ids.serhan, tahsilat_tipi: 'nakit', kasa_id: s.ids.kasa001, tutar: 3 });
    await s.deadLetterFor(bad);
    await waitFor('good one posted', async () => (await s.t.web.query('SELECT 1 FROM int_tahsilat_mapping WHERE web_tahsilat_id = $1', [good])).rowCount);
  });
});
