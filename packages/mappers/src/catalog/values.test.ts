/** Mikro values as the catalog sync reads them: datetimes, Turkish upper case, box quantities. */
import { describe, expect, it } from 'vitest';
import { erpDateOrNull, erpTimestampOrNull, erpTimestampText, intDateOrNull, leadingInt, roundHalfAway, turkishUpper } from './values.js';

describe('Mikro values', () => {
  it('reads datetimes from both targets as naive local text, and 18991230 as NULL', () => {
    expect(erpTimestampText('2025-01-01 10:00:00.12')).toBe('2025-01-01 10:00:00.120');
    expect(erpTimestampText('2025-01-01 10:00:00')).toBe('2025-01-01 10:00:00.000');
    expect(erpTimestampText(new Date(Date.UTC(2025, 0, 1, 10, 0, 0, 7)))).toBe('2025-01-01 10:00:00.007'); // mssql: UTC fields = local
    expect(erpTimestampOrNull('1899-12-30 00:00:00')).toBeNull();
    expect(erpTimestampOrNull('18991230')).toBeNull();
    expect(erpTimestampOrNull(new Date(Date.UTC(1899, 11, 30)))).toBeNull();
    expect(erpDateOrNull('2025-03-10 00:00:00')).toBe('2025-03-10');
    expect(intDateOrNull(20250415)).toBe('2025-04-15');
    expect(intDateOrNull(0)).toBeNull();
    expect(intDateOrNull(18991230)).toBeNull();
    expect(intDateOrNull(20250231)).toBeNull();
  });

  it('upper-cases brand names the Turkish way (i -> İ, ı -> I)', () => {
    expect(turkishUpper(' istanbul ')).toBe('İSTANBUL');
    expect(turkishUpper('ışık')).toBe('IŞIK');
    expect('istanbul'.toUpperCase()).not.toBe(turkishUpper('istanbul')); // the original's bug
  });

  it('takes the leading integer of a box quantity and rounds half away from zero', () => {
    expect(leadingInt('144/12')).toBe(144);
    expect(leadingInt(' 12 adet')).toBe(12);
    expect(leadingInt('x')).toBe(0);
    expect(leadingInt('')).toBe(0);
    expect(leadingInt('99999999999')).toBe(0);
    expect(roundHalfAway(2.5)).toBe(3);
    expect(roundHalfAway(-2.5)).toBe(-3);
    expect(roundHalfAway(-2.4)).toBe(-2);
  });
});
