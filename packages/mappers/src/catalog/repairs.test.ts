import { describe, expect, it } from 'vitest';
import { classifyMovementCodes, planPriceMappings } from './repairs.js';

describe('repairs', () => {
  it('maps price lists by sira_no, never by position; reports two definitions with one number', () => {
    const defs = [
      { id: 'd3', sira_no: 3, fiyat_adi: 'Bayi' },
      { id: 'd1', sira_no: 1, fiyat_adi: 'Ana' },
      { id: 'd2a', sira_no: 2, fiyat_adi: 'x' },
      { id: 'd2b', sira_no: 2, fiyat_adi: 'y' },
    ];
    const lists = [1, 2, 3, 4].map((listNo) => ({ listNo, name: `L${listNo}` }));
    expect(planPriceMappings(lists, defs, new Map([[1, 'd3']]))).toEqual([
      { kind: 'map', listNo: 1, definitionId: 'd1', replaces: 'd3' },
      { kind: 'ambiguous', listNo: 2, definitionIds: ['d2a', 'd2b'] },
      { kind: 'map', listNo: 3, definitionId: 'd3' },
      { kind: 'create-and-map', listNo: 4, name: 'L4' },
    ]);
  });

  it('classifies movement codes without ever treating cash/bank codes as accounts', () => {
    const counts = [
      { cha_kod: '001', cha_ciro_cari_kodu: '', n: 3095 },
      { cha_kod: '001', cha_ciro_cari_kodu: 'SERHAN', n: 4 },
      { cha_kod: 'LATE', cha_ciro_cari_kodu: '', n: 2 },
      { cha_kod: 'GHOST', cha_ciro_cari_kodu: '', n: 1 },
    ];
    const f = classifyMovementCodes(counts, new Set(['001']), new Set(['SERHAN', 'LATE']), new Set(['SERHAN']));
    expect(f).toEqual([
      { code: '001', movements: 3095, status: 'cash-or-bank-without-account' },
      { code: 'SERHAN', movements: 4, status: 'ok' },
      { code: 'LATE', movements: 2, status: 'missing-on-web' },
      { code: 'GHOST', movements: 1, status: 'unknown-in-erp' },
    ]);
  });
});
