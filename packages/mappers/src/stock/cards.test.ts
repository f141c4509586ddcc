/** Stock cards written to Mikro: units, a new card's row and the configured card defaults. */
import { describe, expect, it } from 'vitest';
import { columnDefaultsProblems, newStockCardRow, stockCardFields, stockUnit, type WebStockCard } from './cards.js';
import { newCardValues } from './fields.js';

const stamp = { userNo: 1, now: '20260102 22:18:16.276' };
const record = { table: 't', id: 'r1' };
const opts = { units: ['Adet', 'Kg', 'Çift'], defaults: {} };
const card = (over: Partial<WebStockCard> = {}): WebStockCard => ({ id: 'c1', stok_kodu: 'X1', stok_adi: 'Ürün', birim_turu: 'Adet', satis_fiyati: '0.00', ...over });

describe('units', () => {
  it('are matched case-insensitively (Turkish) and written in Mikro spelling; empty stays empty', () => {
    expect(stockUnit('adet', opts.units, record)).toBe('Adet');
    expect(stockUnit('ÇİFT', opts.units, record)).toBe('Çift');
    expect(stockUnit('', opts.units, record)).toBe('');
    expect(() => stockUnit('Furlong', opts.units, record)).toThrow(/unit \(birim_turu\) "Furlong".*Adet, Kg, Çift.*STOCK_UNITS/);
  });
  it('a new card takes the traced defaults; configured defaults override them; unknown columns are refused', () => {
    const { values } = newCardValues(stockCardFields(opts), card());
    const row = newStockCardRow('X1', values, opts, stamp);
    expect(row).toMatchObject({ sto_kod: 'X1', sto_isim: 'Ürün', sto_birim1_ad: 'Adet', sto_perakende_vergi: 4, sto_otvbirimi: 1, sto_fileid: 13, sto_muh_kod: '153' });
    expect(newStockCardRow('X1', values, { ...opts, defaults: { sto_muh_kod: '153.01' } }, stamp).sto_muh_kod).toBe('153.01');
    expect(() => newStockCardRow('X1', values, { ...opts, defaults: { sto_nope: 1 } }, stamp)).toThrow(/STOCK_CARD_DEFAULTS: "sto_nope" is not a column of STOKLAR/);
    expect(() => newStockCardRow('X1', values, { ...opts, defaults: { sto_muh_kod: 153 } }, stamp)).toThrow(/expects a text/);
  });
});

describe('configured card defaults (checked at start-up)', () => {
  it('lists every problem: unknown or identity column, wrong type, text too long, a date not as Mikro writes it', () => {
    expect(columnDefaultsProblems('STOKLAR', { sto_muh_kod: '153.01', sto_perakende_vergi: 4 }, 'STOCK_CARD_DEFAULTS')).toEqual([]);
    const problems = columnDefaultsProblems(
      'STOKLAR',
      { sto_nope: 1, sto_RECno: 5, sto_muh_kod: 153, sto_perakende_vergi: '4', sto_kod: 'X'.repeat(26), sto_create_date: '31.01.2025' },
      'STOCK_CARD_DEFAULTS',
    );
    expect(problems).toEqual([
      'STOCK_CARD_DEFAULTS: "sto_nope" is not a column of STOKLAR that mikrosync writes.',
      'STOCK_CARD_DEFAULTS: "sto_RECno" is not a column of STOKLAR that mikrosync writes.',
      'STOCK_CARD_DEFAULTS: sto_muh_kod expects a text, got 153.',
      'STOCK_CARD_DEFAULTS: sto_perakende_vergi expects a number, got "4".',
      'STOCK_CARD_DEFAULTS: sto_kod holds at most 25 characters, got 26.',
      "STOCK_CARD_DEFAULTS: sto_create_date expects a date as Mikro writes it ('YYYYMMDD' or 'YYYYMMDD hh:mm:ss'), got \"31.01.2025\".",
    ]);
  });
});
