import { describe, expect, it } from 'vitest';
import { deletionRefusal, planDeletions } from './deletions.js';

describe('deletions', () => {
  it('turns log rows into web actions; prices only for depot 0 / plan 0', () => {
    const row = (t: string, recno: number, code = '', list = 0, depot = 0) => ({ dl_id: recno, dl_table: t, dl_recno: recno, dl_code: code, dl_list_no: list, dl_depot: depot, dl_plan: 0 });
    const p = planDeletions([row('STOKLAR', 1, 'S1'), row('STOK_SATIS_FIYAT_LISTELERI', 2, 'S|1', 1), row('STOK_SATIS_FIYAT_LISTELERI', 3, 'S1', 1, 2), row('STOK_HAREKETLERI', 4, 'S1'), row('X', 5)]);
    expect(p.stocks).toEqual(['S1']);
    expect(p.prices).toEqual([{ erp_recno: 2, stok_kodu: 'S|1', liste_no: 1 }]); // a '|' in a code is harmless: no record id to split
    expect(p.stockMovements).toEqual([4]);
    expect(p.onHandCodes).toEqual(['S1']);
  });

  it('refuses removing more than the share of a table, above the minimum count', () => {
    const g = { maxShare: 0.05, minRows: 10 };
    expect(deletionRefusal('T', 10, 20, g)).toBeUndefined();
    expect(deletionRefusal('T', 5, 1000, g)).toBeUndefined();
    expect(deletionRefusal('T', 50, 1000, g)).toBeUndefined();
    expect(deletionRefusal('T', 51, 1000, g)).toMatch(/T: 51 of 1000 web rows \(5\.1 %\)/);
    expect(deletionRefusal('T', 11, 0, g)).toMatch(/100\.0 %/);
  });
});
