import { describe, it, expect } from 'vitest';
import { MIKRO_EMPTY_DATE, mikroDate, mikroDateFromDb, mikroTimestamp } from './time.js';

const IST = 'Europe/Istanbul'; // UTC+3 all year

describe('mikroDate', () => {
  it('takes a web date (YYYY-MM-DD) as the calendar date it is', () => {
    expect(mikroDate('2025-11-12', IST)).toBe('20251112');
    expect(mikroDate(' 2025-01-05 ', IST)).toBe('20250105');
    // A calendar date does not move with the zone.
    expect(mikroDate('2025-11-12', 'Pacific/Kiritimati')).toBe('20251112');
    expect(mikroDate('2025-11-12', 'America/Los_Angeles')).toBe('20251112');
  });

  it('puts a sale made after 21:00 UTC on the next Turkish day', () => {
    expect(mikroDate(new Date('2025-11-12T22:30:00Z'), IST)).toBe('20251113');
    expect(mikroDate(new Date('2025-11-12T21:00:00Z'), IST)).toBe('20251113');
    expect(mikroDate(new Date('2025-11-12T20:59:59.999Z'), IST)).toBe('20251112');
  });

  it('converts a timestamp string to the zone as well', () => {
    expect(mikroDate('2025-11-12T22:30:00Z', IST)).toBe('20251113');
    expect(mikroDate('2025-11-12T22:30:00Z', 'UTC')).toBe('20251112');
  });

  it('handles the turn of the year', () => {
    expect(mikroDate(new Date('2025-12-31T21:30:00Z'), IST)).toBe('20260101');
  });

  it.each(['garbage', '', 'not-a-date', '12/xx/2025'])('throws on the invalid date string %j', (s) => {
    expect(() => mikroDate(s, IST)).toThrow(RangeError);
  });

  it('throws on an invalid Date', () => {
    expect(() => mikroDate(new Date('nonsense'), IST)).toThrow(RangeError);
  });

  // BUG (reported): a string shaped like YYYY-MM-DD is copied without checking the calendar, so
  // '2025-13-45' becomes '20251345', which SQL Server refuses when the row is written.
  it('throws on an impossible calendar date in YYYY-MM-DD form (month 13)', () => {
    expect(() => mikroDate('2025-13-45', IST)).toThrow(RangeError);
  });
  it('throws on an impossible calendar date in YYYY-MM-DD form (30 February)', () => {
    expect(() => mikroDate('2025-02-30', IST)).toThrow(RangeError);
  });
});

describe('mikroTimestamp', () => {
  it("formats 'YYYYMMDD hh:mm:ss.mmm' in the zone's local time", () => {
    const t = new Date('2025-11-12T22:30:05.007Z');
    expect(mikroTimestamp(t, IST)).toBe('20251113 01:30:05.007');
    expect(mikroTimestamp(t, 'UTC')).toBe('20251112 22:30:05.007');
  });

  it('writes local midnight as 00, never 24', () => {
    expect(mikroTimestamp(new Date('2025-11-12T21:00:00.000Z'), IST)).toBe('20251113 00:00:00.000');
  });

  it('pads every field', () => {
    expect(mikroTimestamp(new Date('2025-01-02T00:04:05.060Z'), 'UTC')).toBe('20250102 00:04:05.060');
  });

  it('matches the shape exactly', () => {
    expect(mikroTimestamp(new Date(), IST)).toMatch(/^\d{8} \d{2}:\d{2}:\d{2}\.\d{3}$/);
  });
});

describe('mikroDateFromDb', () => {
  it('reads the stand-in text form', () => {
    expect(mikroDateFromDb('2025-11-15 00:00:00')).toBe('20251115');
    expect(mikroDateFromDb('2025-11-15 23:59:59.997')).toBe('20251115');
  });

  it('keeps a Mikro literal', () => {
    expect(mikroDateFromDb('20251115')).toBe('20251115');
    expect(mikroDateFromDb('20251115 10:11:12.000')).toBe('20251115');
  });

  it('reads a Date from the mssql driver by its UTC fields (naive datetime), whatever the hour', () => {
    expect(mikroDateFromDb(new Date(Date.UTC(2025, 10, 15)))).toBe('20251115');
    expect(mikroDateFromDb(new Date('2025-11-15T23:30:00Z'))).toBe('20251115');
    expect(mikroDateFromDb(new Date('2025-01-05T00:00:00Z'))).toBe('20250105');
  });

  it.each(['garbage', '', '15.11.2025', null, undefined, 42])('gives the empty Mikro date for %j', (v) => {
    expect(mikroDateFromDb(v)).toBe('18991230');
    expect(MIKRO_EMPTY_DATE).toBe('18991230');
  });
});
