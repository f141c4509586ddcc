/** The note rule of invoices, the same as of collections: cut to the column, with a warning. */
import { describe, expect, it } from 'vitest';
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
