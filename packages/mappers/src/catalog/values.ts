/**
 * Reading Mikro column values as they come from either ERP target: SQL Server gives bits as
 * booleans and datetimes as UTC-based Dates; the PostgreSQL stand-in gives 0/1 and naive text
 * ('YYYY-MM-DD hh:mm:ss[.fff]'). Everything here is pure.
 */

export const text = (v: unknown): string => (v === null || v === undefined ? '' : String(v));
export const trimmed = (v: unknown): string => text(v).trim();

export function num(v: unknown): number {
  const n = typeof v === 'number' ? v : Number(v);
  return Number.isFinite(n) ? n : 0;
}

export function int(v: unknown): number {
  return Math.trunc(num(v));
}

/** Mikro flags: bit (boolean on SQL Server) or 0/1. */
export const flag = (v: unknown): boolean => v === true || num(v) === 1;

/** Empty text becomes NULL (for optional web columns). */
export const orNull = (s: string): string | null => (s === '' ? null : s);

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/**
 * A Mikro datetime as naive local text with milliseconds, 'YYYY-MM-DD hh:mm:ss.mmm' — the form
 * the watermark is kept in, compared in the ERP's own (Turkish local) time.
 */
export function erpTimestampText(v: unknown): string {
  if (v instanceof Date) {
    // The mssql driver reads naive datetimes as if they were UTC: the UTC fields are the local time.
    return `${v.getUTCFullYear()}-${pad(v.getUTCMonth() + 1)}-${pad(v.getUTCDate())} ${pad(v.getUTCHours())}:${pad(v.getUTCMinutes())}:${pad(v.getUTCSeconds())}.${pad(v.getUTCMilliseconds(), 3)}`;
  }
  const s = text(v).trim();
  const m = /^(\d{4})-?(\d{2})-?(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?)?/.exec(s);
  if (!m) return '1899-12-30 00:00:00.000';
  const ms = (m[7] ?? '0').padEnd(3, '0').slice(0, 3);
  return `${m[1]}-${m[2]}-${m[3]} ${m[4] ?? '00'}:${m[5] ?? '00'}:${m[6] ?? '00'}.${ms}`;
}

/** Mikro's "no date" (1899-12-30, or anything before 1900) becomes NULL (trap 42). */
export function erpTimestampOrNull(v: unknown): string | null {
  if (v === null || v === undefined || v === '') return null;
  const t = erpTimestampText(v);
  return t < '1900-01-01' ? null : t;
}

/** A Mikro datetime as a calendar date 'YYYY-MM-DD', NULL for the empty date. */
export function erpDateOrNull(v: unknown): string | null {
  return erpTimestampOrNull(v)?.slice(0, 10) ?? null;
}

/** Integer YYYYMMDD dates (cha_vade): 0 and 18991230 are "no date"; impossible dates are NULL too. */
export function intDateOrNull(v: unknown): string | null {
  const n = int(v);
  if (n < 19000101 || n > 99991231) return null;
  const y = Math.floor(n / 10000);
  const mo = Math.floor(n / 100) % 100;
  const d = n % 100;
  const check = new Date(Date.UTC(y, mo - 1, d));
  if (check.getUTCFullYear() !== y || check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d) return null;
  return `${y}-${pad(mo)}-${pad(d)}`;
}

/**
 * Brand names are compared upper-cased the Turkish way ('i' -> 'İ', 'ı' -> 'I'): JavaScript's
 * plain toUpperCase() turns 'i' into 'I' and Turkish brand names fail to match (trap 48).
 */
export function turkishUpper(s: string): string {
  return s.trim().toLocaleUpperCase('tr-TR');
}

/** The leading whole number of a text ('144/12' -> 144); not a number -> 0 (trap 46). */
export function leadingInt(v: unknown): number {
  const m = /^\s*([+-]?\d+)/.exec(text(v));
  if (!m) return 0;
  const n = Number.parseInt(m[1]!, 10);
  return Number.isSafeInteger(n) && Math.abs(n) <= 2_147_483_647 ? n : 0;
}

/** Rounds half away from zero (quantities into integer web columns, open question Q45). */
export function roundHalfAway(n: number): number {
  return Math.sign(n) * Math.round(Math.abs(n));
}

/** Cuts a descriptive text to a web column width (keys are rejected instead, never cut). */
export function cut(s: string, width: number): string {
  return s.length > width ? s.slice(0, width) : s;
}
