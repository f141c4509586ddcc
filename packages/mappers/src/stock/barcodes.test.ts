import { describe, expect, it } from 'vitest';
import { barcodeType, barcodeUpdate, normalizeBarcode } from './barcodes.js';

const stamp = { userNo: 1, now: '20260102 22:18:16.276' };
const record = { table: 't', id: 'r1' };

describe('barcodes (rule 22)', () => {
  it('maps the web types', () => {
    expect(['ana', 'standart', 'koli', 'palet', 'KOLİ', null, 'other'].map(barcodeType)).toEqual([0, 0, 2, 3, 2, 0, 0]);
  });
  it('an inactive web barcode is cancelled; an empty or too long one is refused', () => {
    expect(normalizeBarcode({ id: 'b', stok_id: 's', barkod: ' 869 ', aktif: false }, record)).toEqual({ code: '869', type: 0, cancelled: 1 });
    expect(() => normalizeBarcode({ id: 'b', stok_id: 's', barkod: '' }, record)).toThrow(/barcode is empty/);
    expect(() => normalizeBarcode({ id: 'b', stok_id: 's', barkod: '8'.repeat(51) }, record)).toThrow(/51 characters; Mikro allows 50/);
  });
  it('an update writes only the changed columns and the stamp', () => {
    const b = { code: '869', type: 2, cancelled: 0 };
    expect(barcodeUpdate(b, 'S1', { bar_kodu: '869', bar_stokkodu: 'S1', bar_barkodtipi: 2, bar_iptal: 0 }, stamp)).toBeUndefined();
    expect(barcodeUpdate(b, 'S1', { bar_kodu: '869', bar_stokkodu: 'S1', bar_barkodtipi: 0, bar_iptal: 1 }, stamp)).toEqual({
      bar_lastup_user: 1,
      bar_lastup_date: stamp.now,
      bar_barkodtipi: 2,
      bar_iptal: 0,
    });
  });
});
