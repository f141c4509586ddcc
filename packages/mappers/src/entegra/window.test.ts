import { describe, expect, it } from 'vitest';
import { daysBefore, localDateIn, oneMonthBefore, runWindow } from './window.js';

const TZ = 'Europe/Istanbul';

describe('Entegra run window', () => {
  it('the day is the Turkish local day, not the UTC one', () => {
    expect(localDateIn(new Date('2026-05-14T21:30:00Z'), TZ)).toBe('2026-05-15'); // 00:30 in Istanbul
    expect(localDateIn(new Date('2026-05-14T20:59:59Z'), TZ)).toBe('2026-05-14');
  });

  it('first run of a local day: the last month; later runs: the last 3 days', () => {
    const now = new Date('2026-05-14T09:00:00Z');
    expect(runWindow(now, TZ, null)).toEqual({ kind: 'month', firstOfDay: true, localDate: '2026-05-14', since: '2026-04-14' });
    expect(runWindow(now, TZ, '2026-05-13')).toMatchObject({ kind: 'month', since: '2026-04-14' });
    expect(runWindow(now, TZ, '2026-05-14')).toEqual({ kind: 'days3', firstOfDay: false, localDate: '2026-05-14', since: '2026-05-11' });
    // Just after local midnight, when UTC is still on the previous day.
    expect(runWindow(new Date('2026-05-14T21:30:00Z'), TZ, '2026-05-14')).toMatchObject({ kind: 'month', localDate: '2026-05-15', since: '2026-04-15' });
  });

  it('one month back clamps to the end of a shorter month; days cross months and years', () => {
    expect(oneMonthBefore('2026-03-31')).toBe('2026-02-28');
    expect(oneMonthBefore('2028-03-30')).toBe('2028-02-29');
    expect(oneMonthBefore('2026-01-15')).toBe('2025-12-15');
    expect(daysBefore('2026-03-02', 3)).toBe('2026-02-27');
    expect(daysBefore('2026-01-01', 3)).toBe('2025-12-29');
  });
});
