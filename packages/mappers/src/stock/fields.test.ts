/** planFieldUpdate: which edited web fields of a card are written to Mikro. */
import { describe, expect, it } from 'vitest';
import { PermanentError } from '@mikrosync/core';
import { PRICE_FIELD, stockCardFields, type WebStockCard } from './cards.js';
import { planFieldUpdate } from './fields.js';

const opts = { units: ['Adet', 'Kg', 'Çift'], defaults: {} };
const card = (over: Partial<WebStockCard> = {}): WebStockCard => ({ id: 'c1', stok_kodu: 'X1', stok_adi: 'Ürün', birim_turu: 'Adet', satis_fiyati: '0.00', ...over });
const erpCard = { sto_kod: 'X1', sto_isim: 'Ürün', sto_yabanci_isim: '', sto_birim1_ad: '', sto_yer_kod: '', sto_reyon_kodu: '', sto_sektor_kodu: '', sto_ambalaj_kodu: '' };

describe('edited fields of a card', () => {
  const fields = stockCardFields(opts);
  it('without a ledger: only web values that differ from what the ERP -> Web sync shows are written', () => {
    // 'Adet' on the web is how the sync shows Mikro's empty unit: no change.
    expect(planFieldUpdate(fields, card(), erpCard, undefined).set).toEqual({});
    const plan = planFieldUpdate(fields, card({ stok_adi: 'Yeni ad', ambalaj: 'Poşetli' }), erpCard, undefined);
    expect(plan.set).toEqual({ sto_isim: 'Yeni ad', sto_ambalaj_kodu: 'Poşetli' });
    expect(plan.edited).toEqual(['name', 'packaging']);
  });
  it('without a ledger a web NULL never blanks a Mikro value', () => {
    expect(planFieldUpdate(fields, card({ katalog_ismi: null }), { ...erpCard, sto_yabanci_isim: 'Foreign' }, undefined).set).toEqual({});
  });
  it('with a ledger: a change against the value last sent is written, also a cleared one', () => {
    const sent = { name: 'Ürün', foreignName: 'Foreign', unit: 'Adet', shelf: '', size: '', packaging: '' };
    const plan = planFieldUpdate(fields, card({ katalog_ismi: null }), { ...erpCard, sto_yabanci_isim: 'Foreign' }, sent);
    expect(plan.set).toEqual({ sto_yabanci_isim: '' });
  });
  it('a value Mikro already holds is not written again', () => {
    const plan = planFieldUpdate(fields, card({ stok_adi: 'Mikro adı' }), { ...erpCard, sto_isim: 'Mikro adı' }, { name: 'Ürün' });
    expect(plan.set).toEqual({});
    expect(plan.sent.name).toBe('Mikro adı');
  });
  it('the shelf code goes into both shelf columns; codes longer than 20 are refused, names are cut to 50', () => {
    expect(planFieldUpdate(fields, card({ raf_kodu: 'A-1' }), erpCard, undefined).set).toEqual({ sto_yer_kod: 'A-1', sto_reyon_kodu: 'A-1' });
    expect(() => planFieldUpdate(fields, card({ raf_kodu: 'R'.repeat(21) }), erpCard, undefined)).toThrow(/shelf code \(raf_kodu\) "R{21}" is 21 characters; Mikro allows 20/);
    expect(planFieldUpdate(fields, card({ stok_adi: 'N'.repeat(60) }), erpCard, undefined).set.sto_isim).toBe('N'.repeat(50));
  });
  it('a web price of 0 does not zero a Mikro price of a card we never wrote', () => {
    expect(planFieldUpdate([PRICE_FIELD], card({ satis_fiyati: '0.00' }), { sfiyat_fiyati: 55 }, undefined).set).toEqual({});
    expect(planFieldUpdate([PRICE_FIELD], card({ satis_fiyati: '0.00' }), { sfiyat_fiyati: 55 }, { price1: 55 }).set).toEqual({ sfiyat_fiyati: 0 });
    expect(() => planFieldUpdate([PRICE_FIELD], card({ satis_fiyati: '-1' }), { sfiyat_fiyati: 55 }, undefined)).toThrow(PermanentError);
  });
});
