import { describe, expect, it } from 'vitest';
import { planCategories } from './categories.js';

describe('categories (spec 2.3)', () => {
  it('rejects loops, self references and orphans; keeps sub groups of existing main groups', () => {
    const p = planCategories(
      [{ san_kod: 'A', san_isim: 'Ana' }],
      [
        { sta_kod: 'A1', sta_isim: 'Alt', sta_ana_grup_kod: 'A' },
        { sta_kod: 'L1', sta_isim: '', sta_ana_grup_kod: 'L2' },
        { sta_kod: 'L2', sta_isim: '', sta_ana_grup_kod: 'L1' },
        { sta_kod: 'S', sta_isim: '', sta_ana_grup_kod: 'S' },
        { sta_kod: 'O', sta_isim: '', sta_ana_grup_kod: 'X' },
      ],
    );
    expect(p.main).toEqual([{ level: 0, erp_id: 'A', kategori_adi: 'Ana', parent_erp_id: null }]);
    expect(p.sub).toEqual([{ level: 1, erp_id: 'A1', kategori_adi: 'Alt', parent_erp_id: 'A' }]);
    expect(p.rejected.map((r) => [r.key, r.reason.split(':')[0]])).toEqual([
      ['STOK_ALT_GRUPLARI L1', 'category loop'],
      ['STOK_ALT_GRUPLARI L2', 'category loop'],
      ['STOK_ALT_GRUPLARI S', 'category loop'],
      ['STOK_ALT_GRUPLARI O', 'main group X does not exist (yet)'],
    ]);
  });
});
