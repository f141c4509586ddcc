/**
 * Mikro stores naive local times (Turkish wall clock); the web stores `date` and `timestamptz`.
 * Every conversion between the two goes through these helpers so a document made at 23:30 in
 * Istanbul never lands on the neighbouring day (spec rule 12, trap 43).
 */
import { MIKRO_EMPTY_DATE } from './rows/mikro.js';

export { MIKRO_EMPTY_DATE };

export interface LocalParts {
  year: string;
  month: string;
  day: string;
  hour: string;
  minute: string;
  second: string;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** The wall-clock fields of `date` in `timeZone` (one cached formatter per zone). */
export function partsIn(date: Date, timeZone: string): LocalParts {
  let fmt = formatters.get(timeZone);
  if (!fmt) {
    fmt = new Intl.DateTimeFormat('en-GB', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    });
    formatters.set(timeZone, fmt);
  }
  const out: Record<string, string> = {};
  for (const p of fmt.formatToParts(date)) out[p.type] = p.value;
  return {
    year: out.year ?? '1899',
    month: out.month ?? '12',
    day: out.day ?? '30',
    hour: out.hour ?? '00',
    minute: out.minute ?? '00',
    second: out.second ?? '00',
  };
}

/** 'YYYYMMDD HH:MM:SS.mmm' in the given zone: Mikro's create/lastup stamp. */
export function mikroTimestamp(date: Date, timeZone: string): string {
  const p = partsIn(date, timeZone);
  const ms = String(date.getMilliseconds()).padStart(3, '0');
  return `${p.year}${p.month}${p.day} ${p.hour}:${p.minute}:${p.second}.${ms}`;
}

/**
 * A calendar date as Mikro's 'YYYYMMDD' literal. Accepts a web `date` value ('YYYY-MM-DD' text,
 * which is already a calendar date) or a timestamp (converted to the zone first).
 */
export function mikroDate(value: string | Date, timeZone: string): string {
  if (typeof value === 'string') {
    const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value.trim());
    if (m) {
      const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
      const check = new Date(Date.UTC(y, mo - 1, d));
      if (check.getUTCFullYear() !== y || check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d) throw new RangeError(`not a date: ${value}`);
      return `${m[1]}${m[2]}${m[3]}`;
    }
    const parsed = new Date(value);
    if (Number.isNaN(parsed.getTime())) throw new RangeError(`not a date: ${value}`);
    value = parsed;
  }
  if (Number.isNaN(value.getTime())) throw new RangeError('not a date');
  const p = partsIn(value, timeZone);
  return `${p.year}${p.month}${p.day}`;
}

/** Integer YYYYMMDD (cha_vade) from a Mikro date literal. */
export function mikroDateInt(mikroDateLiteral: string): number {
  return Number.parseInt(mikroDateLiteral.slice(0, 8), 10);
}

/** Year of a Mikro date literal. */
export function mikroYear(mikroDateLiteral: string): number {
  return Number.parseInt(mikroDateLiteral.slice(0, 4), 10);
}

/**
 * A datetime read back from the ERP ('YYYY-MM-DD hh:mm:ss' from the stand-in, a Date from SQL
 * Server, or already 'YYYYMMDD') as Mikro's 'YYYYMMDD' date literal.
 */
export function mikroDateFromDb(value: unknown): string {
  if (value instanceof Date) {
    // The mssql driver returns naive datetimes as UTC-based Dates: read the UTC fields back.
    const y = value.getUTCFullYear();
    const m = String(value.getUTCMonth() + 1).padStart(2, '0');
    const d = String(value.getUTCDate()).padStart(2, '0');
    return `${y}${m}${d}`;
  }
  const s = String(value ?? '').trim();
  const iso = /^(\d{4})-(\d{2})-(\d{2})/.exec(s);
  if (iso) return `${iso[1]}${iso[2]}${iso[3]}`;
  if (/^\d{8}/.test(s)) return s.slice(0, 8);
  return MIKRO_EMPTY_DATE;
}
