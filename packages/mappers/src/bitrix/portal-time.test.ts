import { describe, expect, it } from 'vitest';
import { bitrixPortalClock, changeFilterValue, portalLocal } from './portal-time.js';
import { bitrixIsoInstant } from './values.js';

describe('the portal clock', () => {
  it('reads time.date_start with its offset, preferring the precise start when they agree', () => {
    const c = bitrixPortalClock({ start: 1762326179.418256, date_start: '2025-11-05T10:02:59+03:00' });
    expect(c).toEqual({ epochMs: Date.parse('2025-11-05T10:02:59+03:00'), offset: '+03:00' });
    expect(bitrixPortalClock({ start: 1762326179.418 })).toEqual({ epochMs: 1762326179418, offset: undefined });
    expect(bitrixPortalClock({})).toBeUndefined();
    expect(bitrixPortalClock(undefined)).toBeUndefined();
  });

  it('formats filter values in portal-local time without offset, minus the overlap, whole seconds', () => {
    const wm = Date.parse('2025-11-05T10:02:59.750+03:00');
    expect(changeFilterValue(wm, 120, '+03:00')).toBe('2025-11-05T10:00:59');
    expect(changeFilterValue(wm, 0, '-05:30')).toBe('2025-11-05T01:32:59');
    expect(changeFilterValue(wm, 0, undefined)).toBe('2025-11-05T07:02:59+00:00');
    expect(portalLocal(Date.parse('2025-12-31T22:30:00Z'), '+03:00')).toBe('2026-01-01T01:30:00');
  });

  it('normalises the date-time forms Bitrix sends', () => {
    expect(bitrixIsoInstant('2025-11-05T08:51:37+03:00')).toBe('2025-11-05T08:51:37+03:00');
    expect(bitrixIsoInstant('2025-11-05 09:19:45', '+03:00')).toBe('2025-11-05T09:19:45+03:00');
    expect(bitrixIsoInstant('04.11.2025 17:40:03', '+03:00')).toBe('2025-11-04T17:40:03+03:00');
    expect(bitrixIsoInstant('2025-11-05 09:19:45')).toBeUndefined();
    expect(bitrixIsoInstant('2025-02-30T00:00:00+03:00')).toBeUndefined();
    expect(bitrixIsoInstant('next week', '+03:00')).toBeUndefined();
  });
});
