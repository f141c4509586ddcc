import { describe, expect, it } from 'vitest';
import { mapOnHand } from './on-hand.js';

describe('stock on hand', () => {
  it('sums codes equal after trimming, zeroes codes the view no longer lists', () => {
    expect(mapOnHand([{ sth_stok_kod: 'A', sth_eldeki_miktar: 1.25 }, { sth_stok_kod: 'A ', sth_eldeki_miktar: 1.25 }], ['A', 'B'])).toEqual([
      { stok_kodu: 'A', sth_eldeki_miktar: 2.5, eldeki_miktar: 3 },
      { stok_kodu: 'B', sth_eldeki_miktar: 0, eldeki_miktar: 0 },
    ]);
  });
});
