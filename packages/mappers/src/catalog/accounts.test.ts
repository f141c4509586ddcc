/** Accounts, banks and depots of the ERP -> web catalog sync. */
import { describe, expect, it } from 'vitest';
import { mapBanks, mapAccount, mapDepots } from './accounts.js';

describe('accounts, banks, depots', () => {
  it('joins the titles and maps the link type', () => {
    const a = mapAccount({ cari_RECno: 1, cari_kod: ' C1 ', cari_unvan1: ' Ada ', cari_unvan2: 'Ltd ', cari_CepTel: null, cari_EMail: ' a@b ', cari_vdaire_adi: 'X', cari_vdaire_no: ' 1 ', cari_baglanti_tipi: 1 });
    expect(a).toEqual({ row: { cari_kodu: 'C1', cari_adi: 'Ada Ltd', telefon: '', eposta: 'a@b', vergi_dairesi: 'X', vergi_no: '1', cari_tipi: 'Tedarikçi' } });
  });

  it('makes a bank name that repeats within the batch unique; cuts a depot name to 100', () => {
    const bank = (code: string) => ({ ban_RECno: 1, ban_kod: code, ban_ismi: 'GARANTİ', ban_sube: '', ban_hesapno: '', ban_create_date: '', ban_lastup_date: '' });
    expect(mapBanks([bank('01'), bank('02')]).rows.map((b) => b.banka_adi)).toEqual(['GARANTİ', 'GARANTİ (02)']);
    const d = mapDepots([{ dep_RECno: 1, dep_no: 1, dep_adi: 'x'.repeat(120), dep_create_date: '', dep_lastup_date: '' }]);
    expect(d.rows[0]!.depo_adi).toHaveLength(100);
  });
});
