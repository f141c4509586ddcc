/** Account and stock movements of the ERP -> web catalog sync: labels, kinds, codes, VAT. */
import { describe, expect, it } from 'vitest';
import { DEFAULT_VAT_POINTERS, parseVatTable, vatPointerOf, vatRateOf } from '../mikro/vat.js';
import { mapAccountMovement, mapStockMovement, movementAccountCode, movementKind, movementLabel } from './movements.js';

describe('account movement labels (spec 2.9, rule 16)', () => {
  it.each([
    [1, 1, 0, 0, 'Tahsilat - Nakit'],
    [1, 1, 1, 0, 'Tahsilat - Çek'],
    [1, 1, 2, 0, 'Tahsilat - Senet'],
    [1, 1, 17, 0, 'Tahsilat - Havale'],
    [1, 1, 19, 0, 'Tahsilat - Kredi Kartı'],
    [1, 1, 5, 0, 'Tahsilat'],
    [64, 0, 0, 0, 'Tediye - Nakit'],
    [64, 0, 1, 0, 'Tediye - Müşteri Çeki'],
    [64, 0, 3, 0, 'Tediye - Firma Çeki'],
    [64, 0, 4, 0, 'Tediye - Firma Senedi'],
    [64, 0, 20, 0, 'Tediye - Havale'],
    [64, 0, 22, 0, 'Tediye - Kredi Kartı'],
    [64, 0, 9, 0, 'Tediye'],
    [63, 0, 6, 0, 'Satış'],
    [63, 0, 6, 1, 'Satış İade'],
    [0, 1, 6, 0, 'Alış'],
    [0, 1, 6, 1, 'İade'],
    [5, 0, 0, 0, 'Satış'],
    [5, 2, 0, 0, 'Alış'],
  ])('evrak %i tip %i cinsi %i iade %i -> %s', (evrak, tip, cinsi, iade, label) => {
    expect(movementLabel(evrak, tip, cinsi, iade)).toBe(label);
  });

  it('derives hareket_turu from the label, else from how the invoice is closed', () => {
    expect(movementKind('Tediye - Havale', 0, 0)).toBe('Havale');
    expect(movementKind('Satış', 0, 0)).toBe('Açık Hesap');
    expect(movementKind('Satış', 1, 4)).toBe('Kasadan K.');
    expect(movementKind('Satış', 1, 2)).toBe('Bankadan K.');
    expect(movementKind('Satış', 1, 0)).toBe('Kasadan K.');
  });

  it('resolves a cash/bank code through the ciro account code, never to a placeholder', () => {
    const special = new Set(['001', '01']);
    expect(movementAccountCode('C1', '', special)).toBe('C1');
    expect(movementAccountCode('001', 'SERHAN', special)).toBe('SERHAN');
    expect(movementAccountCode('001', '', special)).toBeUndefined();
    const row = { cha_RECno: 3, cha_kod: '01', cha_ciro_cari_kodu: 'SERHAN', cha_cari_cins: 2, cha_tpoz: 1, cha_evrak_tip: 63, cha_tip: 0, cha_cinsi: 6, cha_evrakno_seri: 'ST', cha_evrakno_sira: 59, cha_vade: 0 };
    expect(mapAccountMovement(row as never, special)).toMatchObject({ row: { cari_kodu: 'SERHAN', banka_kodu: '01', kasa_kodu: null, belge_no: 'ST59', hareket_turu: 'Bankadan K.', vade_tarihi: null } });
  });
});

describe('stock movements and the shared VAT table (rule 8)', () => {
  it('maps pointers 0..6 to the rates of spec 2.10 and back', () => {
    expect([0, 1, 2, 3, 4, 5, 6, 99].map((p) => vatRateOf(p, DEFAULT_VAT_POINTERS))).toEqual([0, 0, 1, 10, 20, 26, 0, 0]);
    expect(vatPointerOf(20)).toBe(4);
    const custom = parseVatTable('0:1,8:2,18:3');
    expect(mapStockMovement({ sth_RECno: 1, sth_stok_kod: 'S1', sth_miktar: 2.5, sth_vergi_pntr: 3, sth_tip: 0, sth_cins: 10 } as never, custom)).toMatchObject({
      row: { kdv_orani: 18, miktar: 3, hareket_tipi: 'giris', belge_tipi: 'sayim' },
      fractional: 2.5,
    });
  });
});
