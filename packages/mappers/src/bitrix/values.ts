/**
 * Lenient readers for Bitrix24 values (spec §1.10, §1.11). Bitrix sends ids as strings, money as
 * decimal strings, booleans as "Y"/"N" or JSON booleans, and "empty" as null, "", "0", [] or {}.
 * A value of an unexpected type never fails the record: the typed column becomes NULL, the raw
 * record is stored as it came, and the problem is reported so the caller can log it.
 */

export interface BitrixMapIssue {
  field: string;
  problem: string;
  /** The offending value, shortened for a log line. */
  value: string;
}

export type BitrixRecord = Record<string, unknown>;

const ISO_WITH_ZONE = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}:\d{2})(?:\.\d+)?(Z|[+-]\d{2}:?\d{2})?$/;
const SITE_FORMAT = /^(\d{2})\.(\d{2})\.(\d{4})(?: (\d{2}):(\d{2})(?::(\d{2}))?)?$/;
const DECIMAL = /^-?\d+(\.\d+)?$/;

function preview(v: unknown): string {
  let s: string;
  try {
    s = typeof v === 'string' ? v : JSON.stringify(v) ?? String(v);
  } catch {
    s = String(v);
  }
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

function isEmptyObject(v: unknown): boolean {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && Object.keys(v).length === 0;
}

/** Reads the fields of one record and collects the problems found on the way. */
export class BitrixFieldReader {
  readonly issues: BitrixMapIssue[] = [];

  constructor(
    readonly record: BitrixRecord,
    /** Portal UTC offset (+03:00) for times Bitrix sends without a zone; undefined = unknown. */
    readonly portalOffset?: string,
  ) {}

  private issue(field: string, problem: string, value: unknown): null {
    this.issues.push({ field, problem, value: preview(value) });
    return null;
  }

  private raw(field: string): unknown {
    return this.record[field];
  }

  /** A Bitrix id: positive integer; "0", "" and null mean "none". */
  id(field: string): number | null {
    const v = this.raw(field);
    if (v === null || v === undefined || v === '' || v === '0' || v === 0 || v === false) return null;
    if (typeof v === 'number' && Number.isSafeInteger(v) && v > 0) return v;
    if (typeof v === 'string' && /^\d+$/.test(v.trim())) {
      const n = Number(v.trim());
      if (Number.isSafeInteger(n)) return n;
    }
    return this.issue(field, 'expected an id', v);
  }

  int(field: string): number | null {
    const v = this.raw(field);
    if (v === null || v === undefined || v === '') return null;
    if (typeof v === 'number' && Number.isInteger(v)) return v;
    if (typeof v === 'string' && /^-?\d+$/.test(v.trim())) return Number(v.trim());
    return this.issue(field, 'expected a whole number', v);
  }

  text(field: string): string | null {
    const v = this.raw(field);
    if (v === null || v === undefined) return null;
    if (typeof v === 'string') return v;
    if (typeof v === 'number') return String(v);
    if (isEmptyObject(v) || (Array.isArray(v) && v.length === 0)) return null;
    return this.issue(field, 'expected text', v);
  }

  /** Money and other decimals, kept exact as a string for a numeric column. */
  numeric(field: string): string | null {
    const v = this.raw(field);
    if (v === null || v === undefined || v === '') return null;
    if (typeof v === 'number' && Number.isFinite(v)) return String(v);
    if (typeof v === 'string' && DECIMAL.test(v.trim())) return v.trim();
    return this.issue(field, 'expected a decimal number', v);
  }

  flag(field: string): boolean | null {
    const v = this.raw(field);
    if (v === null || v === undefined || v === '') return null;
    if (typeof v === 'boolean') return v;
    if (v === 'Y' || v === 'y' || v === '1' || v === 1 || v === 'true') return true;
    if (v === 'N' || v === 'n' || v === '0' || v === 0 || v === 'false') return false;
    return this.issue(field, 'expected Y/N or a boolean', v);
  }

  /** A point in time as an ISO string with its zone; zone-less values are read in the portal zone. */
  timestamp(field: string): string | null {
    const v = this.raw(field);
    if (v === null || v === undefined || v === '' || isEmptyObject(v)) return null;
    if (typeof v !== 'string') return this.issue(field, 'expected a date and time', v);
    const iso = bitrixIsoInstant(v.trim(), this.portalOffset);
    return iso ?? this.issue(field, 'expected a date and time', v);
  }

  /** A calendar date: the first ten characters, never shifted through UTC (spec §1.11). */
  date(field: string): string | null {
    const v = this.raw(field);
    if (v === null || v === undefined || v === '' || isEmptyObject(v)) return null;
    if (typeof v === 'string') {
      const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(v.trim());
      if (m && validDate(Number(m[1]), Number(m[2]), Number(m[3]))) return `${m[1]}-${m[2]}-${m[3]}`;
      const site = SITE_FORMAT.exec(v.trim());
      if (site && validDate(Number(site[3]), Number(site[2]), Number(site[1]))) return `${site[3]}-${site[2]}-${site[1]}`;
    }
    return this.issue(field, 'expected a date', v);
  }

  /** Ids in an array (UF_DEPARTMENT: [5], auditors: ["12"]). */
  idList(field: string): number[] | null {
    const v = this.raw(field);
    if (v === null || v === undefined || v === '' || isEmptyObject(v)) return null;
    const items = Array.isArray(v) ? v : [v];
    const out: number[] = [];
    for (const item of items) {
      const n = typeof item === 'number' ? item : typeof item === 'string' && /^\d+$/.test(item) ? Number(item) : NaN;
      if (!Number.isSafeInteger(n)) return this.issue(field, 'expected a list of ids', v);
      out.push(n);
    }
    return out;
  }

  textList(field: string): string[] | null {
    const v = this.raw(field);
    if (v === null || v === undefined || v === '' || isEmptyObject(v)) return null;
    if (!Array.isArray(v) || v.some((x) => typeof x !== 'string' && typeof x !== 'number')) return this.issue(field, 'expected a list of strings', v);
    return v.map(String);
  }
}

function validDate(y: number, m: number, d: number): boolean {
  const dt = new Date(Date.UTC(y, m - 1, d));
  return dt.getUTCFullYear() === y && dt.getUTCMonth() === m - 1 && dt.getUTCDate() === d;
}

/**
 * Normalises Bitrix date-time text to ISO 8601 with an offset: "2025-11-05T08:51:37+03:00",
 * "2025-11-05 09:19:45" and "04.11.2025 17:40:03" (site format, portal zone). Returns undefined
 * when the text is not a valid time or carries no zone and the portal zone is unknown.
 */
export function bitrixIsoInstant(text: string, portalOffset?: string): string | undefined {
  let date: string;
  let time: string;
  let zone: string | undefined;
  const iso = ISO_WITH_ZONE.exec(text);
  const site = iso ? null : SITE_FORMAT.exec(text);
  if (iso) {
    date = iso[1]!;
    time = iso[2]!;
    zone = iso[3];
  } else if (site) {
    date = `${site[3]}-${site[2]}-${site[1]}`;
    time = `${site[4] ?? '00'}:${site[5] ?? '00'}:${site[6] ?? '00'}`;
  } else return undefined;
  zone = zone ?? portalOffset;
  if (!zone) return undefined;
  if (zone !== 'Z' && !zone.includes(':')) zone = `${zone.slice(0, 3)}:${zone.slice(3)}`;
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const [hh, mm, ss] = time.split(':').map(Number) as [number, number, number];
  if (!validDate(y, m, d) || hh > 23 || mm > 59 || ss > 59) return undefined;
  const out = `${date}T${time}${zone}`;
  return Number.isNaN(Date.parse(out)) ? undefined : out;
}
