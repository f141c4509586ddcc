/**
 * Rules of spec 3.3/3.5 for the kinds without a trace in the fixtures (a collection by promissory
 * note), and the classification rules of the web row.
 */
import { describe, expect, it } from 'vitest';
import { PermanentError } from '@mikrosync/core';
import { classifyCollection, type WebCollection } from './classify.js';
import { planCollection, type CollectionRefs } from './plan.js';

const stamp = { userNo: 1, now: '20251112 12:00:00.000' };
const refs = (over: Partial<CollectionRefs> = {}): CollectionRefs => ({
  account: { code: 'SERHAN', title: 'SERHAN KALAY', phone: '05XXXXXXXXX' },
  series: '',
  number: 1577,
  refno: 'MS-000-000-2025-00000009',
  companyLabel: 'FIRMA',
  ...over,
});
const row = (over: Partial<WebCollection>): WebCollection => ({
  id: 'w1',
  cari_hesap_id: 'c1',
  tahsilat_tarihi: '2025-11-12',
  tahsilat_tipi: 'nakit',
  tutar: 1,
  ...over,
});

describe('collection by customer note (senet)', () => {
  const web = row({
    tahsilat_tipi: 'senet', cek_no: 'S-77', cek_vade_tarihi: '2026-01-15', borclu_adres: 'Atatürk Cd. 5', borclu_sehir: 'İZMİR',
    duzenleme_tarihi: '2025-11-10', aciklama: 'ikinci taksit', tutar: 2500,
  });
  const plan = planCollection(classifyCollection(web, 'Europe/Istanbul'), web, refs(), stamp);

  it('writes a receipt of cinsi 2 into the SENET portfolio with the due date', () => {
    expect(plan.header.insert).toMatchObject({
      cha_evrak_tip: 1, cha_tip: 1, cha_cinsi: 2, cha_kasa_hizmet: 4, cha_kasa_hizkod: 'SENET', cha_sntck_poz: 0,
      cha_kod: 'SERHAN', cha_ciro_cari_kodu: '', cha_tpoz: 0, cha_cari_cins: 0, cha_grupno: 0,
      cha_vade: 20260115, cha_trefno: 'MS-000-000-2025-00000009', cha_meblag: 2500, cha_aratoplam: 2500,
      cha_aciklama: '/S-77/Atatürk Cd. 5//İZMİR', cha_evrakno_sira: 1577, cha_uuid: '',
    });
    expect(plan.header.afterInsert).toEqual({});
  });

  it('writes an order row of type 1 with the address, city, issue date and note text', () => {
    expect(plan.order?.insert).toMatchObject({
      sck_tip: 1, sck_refno: 'MS-000-000-2025-00000009', sck_no: 'S-77', sck_borclu: 'SERHAN KALAY', sck_borclu_tel: '05XXXXXXXXX',
      sck_vade: '20260115', sck_tutar: 2500, sck_banka_adres1: 'Atatürk Cd. 5', sck_sube_adres2: '', sck_hesapno_sehir: 'İZMİR',
      sck_duzen_tarih: '20251110', sck_vdaire_no: 'ikinci taksit', sck_fileid: 54, sck_doviz_kur: 1,
    });
    expect(plan.order?.afterHeader).toMatchObject({
      sck_sahip_cari_kodu: 'SERHAN', sck_nerede_cari_cins: 4, sck_nerede_cari_kodu: 'SENET', sck_nerede_cari_grupno: 0,
      sck_ilk_evrak_sira_no: 1577, sck_ilk_evrak_seri: '', sck_ilk_hareket_tarihi: '20251112', sck_son_hareket_tarihi: '20251112', sck_sonpoz: 0,
    });
  });

  it('never writes NULL', () => {
    for (const r of [plan.header.insert, plan.order!.insert]) for (const v of Object.values(r)) expect(v).not.toBeNull();
  });
});

describe('classification of the web row', () => {
  it('a payment by cheque without a bank hands on a customer cheque; with a bank it is an own cheque', () => {
    expect(classifyCollection(row({ tediye_tipi: 'cek', cek_no: '1' }), 'Europe/Istanbul').kind.name).toBe('tediye_musteri_ceki');
    expect(classifyCollection(row({ tediye_tipi: 'cek', banka_id: 'b' }), 'Europe/Istanbul').kind.name).toBe('tediye_cek');
  });

  it('converts a document date to the Turkish calendar day', () => {
    const c = classifyCollection(row({ kasa_id: 'k', tahsilat_tarihi: new Date('2025-11-12T22:30:00Z') }), 'Europe/Istanbul');
    expect(c.date).toBe('20251113');
  });

  it.each([
    [{ tutar: 0 }, /greater than 0/],
    [{ tahsilat_tipi: 'kripto' }, /unknown tahsilat_tipi/],
    [{ tediye_tipi: 'bono' }, /unknown tediye_tipi/],
    [{ tahsilat_tipi: 'kredi_karti' }, /needs a bank/],
    [{ kasa_id: null }, /needs a cash box/],
    [{ tahsilat_tarihi: '2025-02-30' }, /not a date/],
    [{ tahsilat_seri_no: 'ABCDEFGHIJK' }, /11 characters; Mikro allows 10/],
    [{ tediye_tipi: 'cek' }, /needs the cheque number/],
    [{ tahsilat_tipi: 'cek', cek_no: '' }, /tahsilatlar w1: a collection by cheque needs the cheque number \(cek_no\).*Fix: enter the number/],
    [{ tahsilat_tipi: 'cek', cek_no: '   ' }, /needs the cheque number/],
  ])('rejects %o permanently', (over, reason) => {
    const attempt = () => classifyCollection(row({ kasa_id: 'k', ...over } as Partial<WebCollection>), 'Europe/Istanbul');
    expect(attempt).toThrow(PermanentError);
    expect(attempt).toThrow(reason);
  });
});

describe('notes longer than Mikro keeps (one rule with invoices: cut, with a warning naming the record)', () => {
  it('a receipt note is cut to the 40 characters of cha_aciklama and reported', () => {
    const web = row({ kasa_id: 'k', aciklama: 'A'.repeat(45) });
    const c = classifyCollection(web, 'Europe/Istanbul');
    expect(planCollection(c, web, refs(), stamp).header.insert.cha_aciklama).toBe('A'.repeat(40));
    expect(c.warnings).toEqual([expect.stringMatching(/^tahsilatlar w1: the note \(aciklama\) is 45 characters; Mikro keeps 40, the rest is cut\. Fix: /)]);
  });

  it("a customer note's text is cut to the 20 characters of sck_vdaire_no and reported", () => {
    const web = row({ tahsilat_tipi: 'senet', cek_no: 'S-1', aciklama: 'B'.repeat(25) });
    const c = classifyCollection(web, 'Europe/Istanbul');
    expect(planCollection(c, web, refs(), stamp).order?.insert.sck_vdaire_no).toBe('B'.repeat(20));
    expect(c.warnings).toEqual([expect.stringMatching(/tahsilatlar w1: the note \(aciklama\) is 25 characters; Mikro keeps 20/)]);
  });

  it('a note that fits gives no warning', () => {
    expect(classifyCollection(row({ kasa_id: 'k', aciklama: 'A'.repeat(40) }), 'Europe/Istanbul').warnings).toEqual([]);
  });
});

describe("a customer note's debtor address", () => {
  it('comes from banka_adi, which the web app fills, when borclu_adres is empty', () => {
    const web = row({ tahsilat_tipi: 'senet', cek_no: 'S-9', banka_adi: 'Cumhuriyet Mh. 12', borclu_sehir: 'BURSA' });
    const plan = planCollection(classifyCollection(web, 'Europe/Istanbul'), web, refs(), stamp);
    expect(plan.order?.insert).toMatchObject({ sck_banka_adres1: 'Cumhuriyet Mh. 12', sck_hesapno_sehir: 'BURSA' });
    expect(plan.header.insert.cha_aciklama).toBe('/S-9/Cumhuriyet Mh. 12//BURSA');
  });

  it('prefers borclu_adres when both are filled', () => {
    const web = row({ tahsilat_tipi: 'senet', cek_no: 'S-9', banka_adi: 'Cumhuriyet Mh. 12', borclu_adres: 'Atatürk Cd. 5' });
    expect(planCollection(classifyCollection(web, 'Europe/Istanbul'), web, refs(), stamp).order?.insert.sck_banka_adres1).toBe('Atatürk Cd. 5');
  });
});
