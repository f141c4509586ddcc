import { describe, expect, it } from 'vitest';
import { MIKRO_COLUMNS } from '../mikro/columns.generated.js';
import { connectionType, CUSTOMER_FIELDS, isWebCustomer, newCustomerRow, type WebCustomer } from './customers.js';
import { newCardValues } from './fields.js';

const stamp = { userNo: 1, now: '20260102 22:18:16.276' };

describe('accounts (rule 23)', () => {
  const acc = (over: Partial<WebCustomer> = {}): WebCustomer => ({ id: 'a', cari_kodu: 'A1', cari_adi: 'Müşteri', ...over });
  it('only web-made accounts go to Mikro', () => {
    expect([null, 'web', 'WEB', 'erp', 'entegra'].map((kaynak) => isWebCustomer({ kaynak }))).toEqual([true, true, true, false, false]);
  });
  it('suppliers are connection type 1, both spellings', () => {
    expect(['Tedarikçi', 'Tedarikci', 'Müşteri', 'Musteri', null].map(connectionType)).toEqual([1, 1, 0, 0, 0]);
  });
  it('a long title continues in cari_unvan2; no address column is written', () => {
    const { values } = newCardValues(CUSTOMER_FIELDS, acc({ cari_adi: `${'A'.repeat(50)}${'B'.repeat(60)}`, adres: 'Cadde 1', il: 'İzmir' }));
    const row = newCustomerRow('A1', values, {}, stamp);
    expect(row.cari_unvan1).toBe('A'.repeat(50));
    expect(row.cari_unvan2).toBe('B'.repeat(50));
    // Exactly the client's 171 columns (spec: none of the original's cari_adres_* columns).
    expect(Object.keys(row).sort()).toEqual(MIKRO_COLUMNS.CARI_HESAPLAR.filter((c) => c.kind !== 'identity').map((c) => c.name).sort());
    expect(Object.keys(row)).toHaveLength(171);
    expect(row).not.toHaveProperty('cari_adres_sokak');
    expect(row).toMatchObject({ cari_fileid: 31, cari_vade_fark_yuz: 25, cari_doviz_cinsi1: 255, cari_TeminatMekAlacakMuhKodu: '910' });
  });
});
