import { describe, expect, it } from 'vitest';
import { loadConfig } from './index.js';
import { ConfigError } from '../errors.js';

const MINIMAL = { WEB_DATABASE_URL: 'postgres://app@db.example:5432/app', ERP_DIALECT: 'pg', ERP_DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/mikro' };

describe('stock settings', () => {
  it('default to the traced values, transfer codes to the usual inter-depot slip', () => {
    const c = loadConfig(MINIMAL).stock;
    expect(c.units).toContain('Adet');
    expect(c.cardDefaults).toEqual({});
    expect(c.customerDefaults).toEqual({});
    expect(c.documentMovementKinds).toEqual(['satis', 'alis', 'iade', 'fatura']);
    expect(c.count).toEqual({ depotNo: 1, series: '', expenseCode: 'SAYIM' });
    expect(c.transfer).toEqual({ kinds: ['transfer', 'depo_transfer'], series: '', sthTip: 2, sthCins: 6, sthEvrakTip: 2 });
  });

  it('read lists and JSON column values', () => {
    const c = loadConfig({ ...MINIMAL, STOCK_UNITS: 'Adet, Kg ,', STOCK_CARD_DEFAULTS: '{"sto_muh_kod":"153.01","sto_perakende_vergi":3}', STOCK_TRANSFER_KINDS: 'Sevk' }).stock;
    expect(c.units).toEqual(['Adet', 'Kg']);
    expect(c.cardDefaults).toEqual({ sto_muh_kod: '153.01', sto_perakende_vergi: 3 });
    expect(c.transfer.kinds).toEqual(['sevk']);
  });

  it('name the variable of a malformed value', () => {
    let err: unknown;
    try {
      loadConfig({ ...MINIMAL, STOCK_UNITS: 'Adet,Kilogramlar12', CUSTOMER_CARD_DEFAULTS: '[1]', STOCK_TRANSFER_STH_TIP: 'two' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect(String((err as Error).message)).toMatch(/STOCK_UNITS: expected unit names of at most 10 characters/);
    expect(String((err as Error).message)).toMatch(/CUSTOMER_CARD_DEFAULTS: expected a JSON object/);
    expect(String((err as Error).message)).toMatch(/STOCK_TRANSFER_STH_TIP: expected a whole number/);
  });
});
