import { describe, expect, it } from 'vitest';
import { nextNumberPatch, numberNeeds } from './numbers.js';

describe('document number settings (spec 2.13)', () => {
  it('follows the ERP maximum + 1 of configured series, never lowers a web number, skips empty series', () => {
    const row = { id: 'u1', fatura_seri_no: 'A', fatura_sira_no: 3, tahsilat_seri_no: 'T', tahsilat_sira_no: 90, tediye_seri_no: '', tediye_sira_no: null, sayim_sira_no: '2', alis_seri_no: 'AL', alis_sira_no: 1 };
    const needs = numberNeeds(row);
    expect(needs.map((n) => n.column)).toEqual(['fatura_sira_no', 'alis_sira_no', 'tahsilat_sira_no', 'sayim_sira_no']);
    const maxima = new Map([
      ['cha63/sth4/A', 10],
      ['cha0/sth3/AL', 0],
      ['cha1/T', 50],
      ['sayim', 7],
    ]);
    expect(nextNumberPatch(row, needs, maxima)).toEqual({ fatura_sira_no: 11, sayim_sira_no: '8' });
  });

  it('looks up marketplace series by their account code', () => {
    const needs = numberNeeds({ pazaryeri_trendyol_seri_no: 'TY', pazaryeri_trendyol_cari_kodu: '120.TY', pazaryeri_n11_seri_no: 'N', pazaryeri_n11_cari_kodu: '' });
    expect(needs).toEqual([{ column: 'pazaryeri_trendyol_sira_no', source: { kind: 'marketplace', series: 'TY', accountCode: '120.TY' } }]);
  });
});
