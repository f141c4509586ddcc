import { describe, expect, it } from 'vitest';
import { classifyMovement, normalizeMovement, planSlip, type MovementOptions, type WebMovementRow } from './movements.js';

const stamp = { userNo: 1, now: '20260102 22:18:16.276' };
const record = { table: 't', id: 'r1' };

describe('stock movements', () => {
  const mo: MovementOptions = {
    timeZone: 'Europe/Istanbul',
    documentKinds: ['satis', 'alis', 'iade', 'fatura'],
    count: { depotNo: 1, series: '', expenseCode: 'SAYIM' },
    transfer: { kinds: ['transfer', 'depo_transfer'], series: 'DT', sthTip: 2, sthCins: 6, sthEvrakTip: 2 },
  };
  const mv = (over: Partial<WebMovementRow> = {}): WebMovementRow => ({
    id: 'm1', stok_id: 's1', hareket_tipi: 'cikis', miktar: 2, belge_tipi: 'sayim', islem_tarihi: new Date('2025-12-23T22:30:00Z'), ...over,
  });
  it('classifies counts, transfers, documents of other flows, and refuses the rest', () => {
    expect(classifyMovement(mv(), mo, record)).toEqual({ kind: 'count' });
    expect(classifyMovement(mv({ belge_tipi: 'Depo_Transfer' }), mo, record)).toEqual({ kind: 'transfer' });
    expect(classifyMovement(mv({ belge_tipi: 'satis' }), mo, record)).toEqual({ kind: 'document', belgeTipi: 'satis' });
    expect(() => classifyMovement(mv({ belge_tipi: 'manuel' }), mo, record)).toThrow(/"manuel" cannot be posted/);
  });
  it('dates a count in Turkish time (23:30 UTC+0 on the 23rd is the 24th)', () => {
    const line = normalizeMovement(mv({ fatura_sira_no: '7' }), { kind: 'count' }, mo, record);
    expect(line).toMatchObject({ date: '20251224', quantity: 2, tip: 1, fromDepot: 1, requestedNumber: 7, series: '' });
    expect(normalizeMovement(mv({ hareket_tipi: 'giris' }), { kind: 'count' }, mo, record).tip).toBe(0);
  });
  it('refuses negative and zero quantities, unknown directions, incomplete or circular transfers', () => {
    expect(() => normalizeMovement(mv({ miktar: -1 }), { kind: 'count' }, mo, record)).toThrow(/-1 is negative/);
    expect(() => normalizeMovement(mv({ miktar: 0 }), { kind: 'count' }, mo, record)).toThrow(/must be greater than 0/);
    expect(() => normalizeMovement(mv({ hareket_tipi: 'x' }), { kind: 'count' }, mo, record)).toThrow(/giris \(surplus\) or cikis/);
    expect(() => normalizeMovement(mv({ cikis_depo_no: 1 }), { kind: 'transfer' }, mo, record)).toThrow(/needs both depots/);
    expect(() => normalizeMovement(mv({ cikis_depo_no: 3, giris_depo_no: 3 }), { kind: 'transfer' }, mo, record)).toThrow(/same depot 3/);
  });
  it('plans a transfer as an inter-depot slip with the configured codes', () => {
    const line = normalizeMovement(mv({ belge_tipi: 'transfer', cikis_depo_no: 1, giris_depo_no: 2, birim_fiyat: '4.50' }), { kind: 'transfer' }, mo, record);
    const plan = planSlip(line, { stockCode: 'S', series: 'DT', number: 9, unitCost: 4.5, countEntryDepot: 0, noVatPointer: 1 }, mo, stamp);
    expect(plan.insert).toMatchObject({ sth_tip: 2, sth_cins: 6, sth_evraktip: 2, sth_evrakno_seri: 'DT', sth_evrakno_sira: 9, sth_giris_depo_no: 2, sth_cikis_depo_no: 1, sth_tutar: 9, sth_isemri_gider_kodu: '' });
    expect(plan.afterInsert).toEqual({});
  });
});
