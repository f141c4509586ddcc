/** Barcodes and sales prices of the ERP -> web catalog sync. */
import { describe, expect, it } from 'vitest';
import { mapBarcode, mapPrice, mapPrices } from './barcodes-prices.js';

describe('prices: de-duplication on the web key', () => {
  it('merges prices whose codes are equal after trimming; refuses other depots and payment plans', () => {
    const base = { sfiyat_listesirano: 1, sfiyat_deposirano: 0, sfiyat_odemeplan: 0 };
    const m = mapPrices([
      { ...base, sfiyat_RECno: 1, sfiyat_stokkod: 'A', sfiyat_fiyati: 5 },
      { ...base, sfiyat_RECno: 2, sfiyat_stokkod: 'A ', sfiyat_fiyati: 6 },
      { ...base, sfiyat_RECno: 3, sfiyat_stokkod: 'A', sfiyat_fiyati: 7, sfiyat_deposirano: 2 },
    ]);
    expect(m.rows).toEqual([{ stok_kodu: 'A', liste_no: 1, fiyat: 6, erp_recno: 2 }]);
    expect(m.duplicates).toBe(1);
    expect(m.rejected).toEqual([{ key: 'STOK_SATIS_FIYAT_LISTELERI sfiyat_RECno 3', reason: expect.stringContaining('depot or payment plan') }]);
    expect(mapPrice({ ...base, sfiyat_RECno: 4, sfiyat_stokkod: '', sfiyat_fiyati: 1 })).toHaveProperty('rejected');
  });
});

describe('barcodes', () => {
  it('maps barcode types 1/2/3 and anything else to ana; cancelled = inactive', () => {
    const b = (t: number, iptal = 0) => mapBarcode({ bar_RECno: 5, bar_kodu: ' 869 ', bar_stokkodu: 'S1', bar_barkodtipi: t, bar_iptal: iptal });
    expect(b(1)).toEqual({ row: { barkod: '869', stok_kodu: 'S1', barkod_tipi: 'ana', aktif: true, erp_recno: 5 } });
    expect([b(0), b(2), b(3), b(9)].map((x) => ('row' in x ? x.row.barkod_tipi : ''))).toEqual(['ana', 'koli', 'palet', 'ana']);
    expect(b(1, 1)).toMatchObject({ row: { aktif: false } });
    expect(mapBarcode({ bar_RECno: 6, bar_kodu: 'x'.repeat(101), bar_stokkodu: 'S1', bar_barkodtipi: 0, bar_iptal: 0 })).toHaveProperty('rejected');
  });
});
