/** Stock cards of the ERP -> web catalog sync (spec 2.4). */
import { describe, expect, it } from 'vitest';
import { brandLookup, mapStock, type ErpStock } from './stocks.js';

describe('stocks', () => {
  const erp: ErpStock = {
    sto_RECno: 1,
    sto_kod: ' S1 ',
    sto_isim: 'Ürün',
    sto_yabanci_isim: ' Catalog ',
    sto_birim1_ad: '',
    sto_standartmaliyet: null,
    sto_sektor_kodu: null,
    sto_reyon_kodu: 'R1',
    sto_ambalaj_kodu: '',
    sto_kalkon_kodu: '144/12',
    sto_marka_kodu: 'istanbul',
    sto_altgrup_kod: 'ALT9',
    sto_anagrup_kod: 'AG1',
    sto_pasif_fl: true,
    sto_create_date: '1899-12-30 00:00:00',
  };

  const lookups = { subCategories: new Map([['ALT1', 'sub-1']]), mainCategories: new Map([['AG1', 'main-1']]), brands: brandLookup([{ id: 'b1', marka_adi: 'İstanbul' }]) };

  it('maps every column of spec 2.4 (unknown sub group -> main group, passive -> inactive)', () => {
    expect(mapStock(erp, lookups)).toEqual({
      row: {
        stok_kodu: 'S1',
        stok_adi: 'Ürün',
        birim_turu: 'Adet',
        alis_fiyati: 0,
        olcu: '',
        raf_kodu: 'R1',
        ambalaj: '',
        koliadeti: 144,
        katalog_ismi: 'Catalog',
        kategori_id: 'main-1',
        marka_id: 'b1',
        aktif: false,
        olusturma_tarihi: null,
      },
    });
    expect(mapStock({ ...erp, sto_kod: '' }, lookups)).toHaveProperty('rejected');
  });
});
