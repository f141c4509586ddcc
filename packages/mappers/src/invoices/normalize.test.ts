/** normalizeInvoice: defaults, kinds, closing, amounts, assortments, notes and the errors of a bad row. */
import { describe, expect, it } from 'vitest';
import { PermanentError } from '@mikrosync/core';
import { normalizeInvoice } from './normalize.js';
import type { WebInvoice, WebInvoiceLine } from './types.js';

const line = (over: Partial<WebInvoiceLine> = {}): WebInvoiceLine => ({
  id: 'l1', sira_no: 1, stok_id: 's1', stock_code: 'K1', is_asorti: false, main_stock_code: null, miktar: 1, birim_fiyat: 10, kdv_orani: 20, ...over,
});
const sale = (row: Record<string, unknown>, lines: WebInvoiceLine[]): WebInvoice => ({
  source: 'satislar',
  row: { id: 'f1', satis_tarihi: '2025-11-12', odeme_sekli: 'acik_hesap', toplam_tutar: 12, ...row },
  lines,
  accountCode: 'SERHAN',
  accountName: 'SERHAN KALAY',
  cashCode: null,
  bankCode: null,
});
const opts = { timeZone: 'Europe/Istanbul', vatPointer: (rate: number) => (rate === 20 ? 4 : undefined) };

describe('invoice notes longer than Mikro keeps', () => {
  it('a document note of 60 characters is posted whole: it lands in sth_aciklama (255)', () => {
    const doc = normalizeInvoice(sale({ notlar: 'N'.repeat(60) }, [line()]), opts);
    expect(doc.lines[0]!.notes).toBe('N'.repeat(60));
    expect(doc.warnings).toEqual([]);
  });

  it('a longer document note is cut to 255 with one warning naming the record', () => {
    const doc = normalizeInvoice(sale({ notlar: 'N'.repeat(300) }, [line(), line({ id: 'l2', sira_no: 2, stock_code: 'K2' })]), opts);
    expect(doc.lines.map((l) => l.notes)).toEqual(['N'.repeat(255), 'N'.repeat(255)]);
    expect(doc.warnings).toEqual(['satislar f1: the note (notlar) is 300 characters; Mikro keeps 255, the rest is cut. Fix: shorten the note on the web if the end matters']);
  });

  it("a line's own note is cut the same way and names the line", () => {
    const doc = normalizeInvoice(sale({}, [line({ notlar: 'L'.repeat(256) })]), opts);
    expect(doc.lines[0]!.notes).toBe('L'.repeat(255));
    expect(doc.warnings).toEqual([expect.stringMatching(/^satislar f1: the note \(notlar of line 1 \(l1\)\) is 256 characters; Mikro keeps 255/)]);
  });
});

const fails = (w: WebInvoice, message: RegExp | string): void => {
  expect(() => normalizeInvoice(w, opts)).toThrow(PermanentError);
  expect(() => normalizeInvoice(w, opts)).toThrow(message);
};
const purchase = (row: Record<string, unknown>, lines: WebInvoiceLine[], over: Partial<WebInvoice> = {}): WebInvoice => ({
  source: 'alislar',
  row: { id: 'a1', fatura_tarihi: '2025-11-12', toplam_tutar: 120, belge_no: 'TED-0042', ...row },
  lines,
  accountCode: 'TEDARIKCI',
  accountName: 'TEDARIKCI AS',
  cashCode: null,
  bankCode: null,
  ...over,
});

describe('normalizeInvoice defaults', () => {
  it('an open-account sale with one plain line', () => {
    const doc = normalizeInvoice(sale({}, [line()]), opts);
    expect(doc).toEqual({
      record: { table: 'satislar', id: 'f1' },
      kind: 'sales',
      isReturn: false,
      date: '20251112',
      series: '',
      requestedNumber: null,
      documentNo: '',
      closing: 'open',
      accountCode: 'SERHAN',
      cashCode: '',
      bankCode: '',
      total: 12,
      headerDiscounts: [0, 0, 0, 0, 0, 0],
      headerNotes: '',
      lines: [
        { lineId: 'l1', lineNo: 1, stockCode: 'K1', quantity: 1, unitPrice: 10, gross: 10, discounts: [0, 0, 0, 0, 0, 0], vatRate: 20, vatAmount: 2, notes: '' },
      ],
      warnings: [],
    });
  });

  it('numbers a line without sira_no by its position and computes gross and VAT from the strings the web sends', () => {
    const doc = normalizeInvoice(sale({}, [line(), line({ id: 'l2', sira_no: null, stock_code: 'K2', miktar: '2.5', birim_fiyat: '4.10', kdv_orani: '20' })]), opts);
    expect(doc.lines[1]).toMatchObject({ lineNo: 2, quantity: 2.5, unitPrice: 4.1, gross: 10.25, vatAmount: 2.05 });
  });

  it('takes the VAT amount the web stored over the computed one', () => {
    expect(normalizeInvoice(sale({}, [line({ kdv_tutari: '1.99' })]), opts).lines[0]!.vatAmount).toBe(1.99);
  });

  it('keeps a requested number only when it is a positive integer', () => {
    expect(normalizeInvoice(sale({ fatura_sira_no: 7 }, [line()]), opts).requestedNumber).toBe(7);
    expect(normalizeInvoice(sale({ fatura_sira_no: 0 }, [line()]), opts).requestedNumber).toBeNull();
    expect(normalizeInvoice(sale({ fatura_sira_no: 1.5 }, [line()]), opts).requestedNumber).toBeNull();
  });

  it('books assortment variants on their main stock, merged into one line', () => {
    const lines = [
      line({ id: 'v1', stock_code: 'V-36', is_asorti: true, main_stock_code: 'ANA', miktar: 1, birim_fiyat: 10 }),
      line({ id: 'v2', sira_no: 2, stock_code: 'V-38', is_asorti: true, main_stock_code: 'ANA', miktar: 3, birim_fiyat: 12, iskonto1: 1 }),
    ];
    const doc = normalizeInvoice(sale({ toplam_tutar: 55 }, lines), opts);
    expect(doc.lines).toEqual([
      { lineId: 'v1', lineNo: 1, stockCode: 'ANA', quantity: 4, unitPrice: 11.5, gross: 46, discounts: [1, 0, 0, 0, 0, 0], vatRate: 20, vatAmount: 9, notes: '' },
    ]);
  });
});

describe('normalizeInvoice kinds and closing', () => {
  it('a return (iadeler) is a sales return closed by iade_sekli', () => {
    const w: WebInvoice = { ...sale({}, [line()]), source: 'iadeler', row: { id: 'i1', iade_tarihi: '2025-11-13', iade_sekli: 'nakit', toplam_tutar: 12 }, cashCode: 'K01' };
    expect(normalizeInvoice(w, opts)).toMatchObject({ kind: 'sales', isReturn: true, closing: 'cash', cashCode: 'K01', date: '20251113' });
  });

  it('a sale marked iade is a sales return', () => {
    expect(normalizeInvoice(sale({ satis_tipi: 'iade' }, [line()]), opts)).toMatchObject({ kind: 'sales', isReturn: true });
  });

  it('a purchase names the supplier document number; fatura_tipi iade makes it a purchase return', () => {
    expect(normalizeInvoice(purchase({}, [line()]), opts)).toMatchObject({ kind: 'purchase', isReturn: false, documentNo: 'TED-0042' });
    expect(normalizeInvoice(purchase({ fatura_tipi: 'iade' }, [line()]), opts)).toMatchObject({ kind: 'purchase', isReturn: true });
  });

  it('payment words: bank in any case, cheques and notes stay on the open account', () => {
    expect(normalizeInvoice({ ...sale({ odeme_sekli: 'HAVALE' }, [line()]), bankCode: 'B01' }, opts)).toMatchObject({ closing: 'bank', bankCode: 'B01', cashCode: '' });
    expect(normalizeInvoice(sale({ odeme_sekli: 'cek' }, [line()]), opts).closing).toBe('open');
    expect(normalizeInvoice(sale({ odeme_sekli: 'senet' }, [line()]), opts).closing).toBe('open');
  });

  it('a purchase without a payment word is closed on its cash box, else its bank', () => {
    expect(normalizeInvoice(purchase({}, [line()], { cashCode: 'K01', bankCode: 'B01' }), opts).closing).toBe('cash');
    expect(normalizeInvoice(purchase({}, [line()], { bankCode: 'B01' }), opts).closing).toBe('bank');
    expect(normalizeInvoice(purchase({}, [line()]), opts).closing).toBe('open');
  });

  it("a purchase line's discount percentage becomes an amount; header discount 1 is indirim_tutari", () => {
    const doc = normalizeInvoice(purchase({ indirim_tutari: 5, iskonto1: 2, aciklama: 'depo 2' }, [line({ miktar: 10, iskonto_orani: 10 })]), opts);
    expect(doc.lines[0]).toMatchObject({ gross: 100, discounts: [10, 0, 0, 0, 0, 0], vatAmount: 18, notes: 'depo 2' });
    expect(doc.headerDiscounts).toEqual([5, 2, 0, 0, 0, 0]);
    expect(doc.headerNotes).toBe('depo 2');
  });
});

describe('normalizeInvoice refuses what the row gets wrong', () => {
  it('an account without an ERP code names the map table to fill', () => {
    fails({ ...sale({ cari_hesap_id: 'c9' }, [line()]), accountCode: null }, 'satislar f1: account c9 (SERHAN KALAY) has no ERP account code. Fix: add a row to int_kodmap_cari (web_cari_id = c9');
  });

  it('an unknown payment word lists the known ones', () => {
    fails(sale({ odeme_sekli: 'bitcoin' }, [line()]), /^satislar f1: unknown odeme_sekli "bitcoin"\. Fix: use one of vadeli, /);
  });

  it('cash or bank without a resolved code', () => {
    fails(sale({ odeme_sekli: 'nakit' }, [line()]), 'paid in cash but no cash box resolves to an ERP code (kasa_id).');
    fails(sale({ odeme_sekli: 'kredi_karti' }, [line()]), 'paid through a bank but no bank resolves to an ERP code (banka_id).');
  });

  it('a date that is not one', () => {
    fails(sale({ satis_tarihi: '2025-02-30' }, [line()]), 'satislar f1: document date "2025-02-30" is not a date.');
  });

  it('line errors name the line', () => {
    fails(sale({}, [line({ stok_id: null })]), 'line 1 (l1) has no stock (stok_id is NULL).');
    fails(sale({}, [line({ stock_code: null })]), 'line 1 (l1): stock s1 has no ERP stock code.');
    fails(sale({}, [line({ miktar: 0 })]), 'line 1 (l1): quantity 0 must be greater than 0.');
    fails(sale({}, [line({ birim_fiyat: -1 })]), 'line 1 (l1): unit price -1 is negative.');
    fails(sale({}, [line({ kdv_orani: 7 })]), 'line 1 (l1): VAT rate 7 % has no Mikro VAT pointer.');
    fails(sale({}, [line({ iskonto2: -0.5 })]), 'line 1 (l1): a discount is negative.');
  });

  it('a negative total and a series longer than Mikro allows', () => {
    fails(sale({ toplam_tutar: -1 }, [line()]), 'satislar f1: total -1 is negative.');
    fails(sale({ fatura_seri_no: 'ABCDEFGHIJK' }, [line()]), 'document series (fatura_seri_no) "ABCDEFGHIJK" is 11 characters; Mikro allows 10.');
  });
});
