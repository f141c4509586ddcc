/** planInvoice: the Mikro rows per invoice kind (INVOICE_KINDS) and per closing, as the client writes them. */
import { describe, expect, it } from 'vitest';
import { INVOICE_KINDS, type InvoiceKindName } from './kinds.js';
import { planInvoice, type InvoiceRefs } from './plan.js';
import type { InvoiceDoc, InvoiceLine } from './types.js';

const stamp = { userNo: 7, now: '20251112 12:00:00.000' };
const refs: InvoiceRefs = {
  series: 'MS',
  number: 1234,
  accountTitle: 'SERHAN KALAY TEKSTIL SANAYI VE TICARET LIMITED SIRKETI ISTANBUL',
  depotNo: 1,
  uuid: '0F8FAD5B-D9CB-469F-A165-70867728950E',
  vatPointer: (rate) => (rate === 20 ? 4 : 1),
};
const line = (over: Partial<InvoiceLine> = {}): InvoiceLine => ({
  lineId: 'l1', lineNo: 1, stockCode: 'K1', quantity: 2, unitPrice: 10, gross: 20, discounts: [1, 0, 0, 0, 0, 0], vatRate: 20, vatAmount: 3.8, notes: 'not', ...over,
});
const doc = (over: Partial<InvoiceDoc> = {}): InvoiceDoc => ({
  record: { table: 'satislar', id: 'f1' },
  kind: 'sales',
  isReturn: false,
  date: '20251112',
  series: 'MS',
  requestedNumber: null,
  documentNo: '',
  closing: 'open',
  accountCode: 'SERHAN',
  cashCode: '',
  bankCode: '',
  total: 22.8,
  headerDiscounts: [0, 0, 0, 0, 0, 0],
  headerNotes: '',
  lines: [line(), line({ lineId: 'l2', lineNo: 2, stockCode: 'K2', quantity: 1, unitPrice: 5.5, gross: 5.5, discounts: [0, 0, 0, 0, 0, 0], vatAmount: 1.1, notes: '' })],
  warnings: [],
  ...over,
});
const docOfKind: Record<InvoiceKindName, Partial<InvoiceDoc>> = {
  sales: { kind: 'sales', isReturn: false },
  sales_return: { kind: 'sales', isReturn: true },
  purchase: { kind: 'purchase', isReturn: false, documentNo: 'TED-0042' },
  purchase_return: { kind: 'purchase', isReturn: true, documentNo: 'TED-0042' },
};

describe('INVOICE_KINDS', () => {
  it('holds the evrak types, tip, normal/iade and price list of the traces', () => {
    const row = (n: InvoiceKindName) => {
      const k = INVOICE_KINDS[n];
      return [k.chaEvrakTip, k.sthEvrakTip, k.chaTip, k.sthTip, k.normalIade, k.priceList];
    };
    expect(row('sales')).toEqual([63, 4, 0, 1, 0, 1]);
    expect(row('sales_return')).toEqual([63, 4, 0, 1, 1, 0]);
    expect(row('purchase')).toEqual([0, 3, 1, 0, 0, 0]);
    expect(row('purchase_return')).toEqual([0, 3, 1, 0, 1, 1]);
    expect(INVOICE_KINDS.purchase.numberRange).toEqual({ headerType: 0, lineType: 3 });
  });
});

describe.each(Object.keys(INVOICE_KINDS) as InvoiceKindName[])('planInvoice of a %s', (name) => {
  const kind = INVOICE_KINDS[name];
  const plan = planInvoice(doc(docOfKind[name]), refs, stamp);

  it('header: the kind, the number, totals and the stamp', () => {
    expect(plan.header.insert).toMatchObject({
      cha_evrak_tip: kind.chaEvrakTip, cha_tip: kind.chaTip, cha_normal_Iade: kind.normalIade, cha_cinsi: 6,
      cha_evrakno_seri: 'MS', cha_evrakno_sira: 1234, cha_tarihi: '20251112', cha_belge_tarih: '20251112',
      cha_belge_no: docOfKind[name].documentNo ?? '', cha_kod: 'SERHAN', cha_ciro_cari_kodu: 'SERHAN',
      cha_meblag: 22.8, cha_aratoplam: 25.5, cha_d_kur: 1, cha_altd_kur: 1, cha_karsid_kur: 0, cha_vade: 0,
      cha_uuid: '0F8FAD5B-D9CB-469F-A165-70867728950E', cha_fileid: 51, cha_create_user: 7, cha_lastup_date: '20251112 12:00:00.000',
    });
    expect(plan.header.afterInsert).toEqual({ cha_karsid_kur: 1 });
  });

  it('one STOK_HAREKETLERI row per line, numbered from 0, with the kind of the lines', () => {
    expect(plan.lines).toHaveLength(2);
    expect(plan.lines[0]!.insert).toMatchObject({
      sth_tip: kind.sthTip, sth_evraktip: kind.sthEvrakTip, sth_normal_iade: kind.normalIade, sth_fiyat_liste_no: kind.priceList,
      sth_satirno: 0, sth_evrakno_seri: 'MS', sth_evrakno_sira: 1234, sth_stok_kod: 'K1', sth_cari_kodu: 'SERHAN',
      sth_miktar: 2, sth_miktar2: 2, sth_tutar: 20, sth_iskonto1: 1, sth_vergi_pntr: 4, sth_vergi: 3.8, sth_aciklama: 'not',
      sth_giris_depo_no: 1, sth_cikis_depo_no: 1, sth_isk_mas1: 0, sth_isk_mas2: 1, sth_isk_mas10: 1, sth_fileid: 16,
    });
    expect(plan.lines[1]!.insert).toMatchObject({ sth_satirno: 1, sth_stok_kod: 'K2', sth_tutar: 5.5, sth_vergi: 1.1 });
  });

  it('a normal purchase records the unit cost after the insert; the other kinds do not', () => {
    const cost = name === 'purchase' ? { sth_maliyet_ana: 10, sth_maliyet_alternatif: 10, sth_maliyet_orjinal: 10 } : {};
    expect(plan.lines[0]!.afterInsert).toEqual(cost);
  });
});

describe('planInvoice closing', () => {
  it('open account: posted on the account, no description', () => {
    expect(planInvoice(doc(), refs, stamp).header.insert).toMatchObject({ cha_tpoz: 0, cha_cari_cins: 0, cha_grupno: 0, cha_kod: 'SERHAN', cha_aciklama: '' });
  });

  it('cash: posted on the cash box, described by the account title cut to 50', () => {
    const header = planInvoice(doc({ closing: 'cash', cashCode: 'K01' }), refs, stamp).header.insert;
    expect(header).toMatchObject({ cha_tpoz: 1, cha_cari_cins: 4, cha_grupno: 0, cha_kod: 'K01', cha_ciro_cari_kodu: 'SERHAN' });
    expect(header.cha_aciklama).toBe('SERHAN KALAY TEKSTIL SANAYI VE TICARET LIMITED SIR');
  });

  it('bank: posted on the bank, group 1', () => {
    expect(planInvoice(doc({ closing: 'bank', bankCode: 'B01' }), refs, stamp).header.insert).toMatchObject({ cha_tpoz: 1, cha_cari_cins: 2, cha_grupno: 1, cha_kod: 'B01' });
  });
});
