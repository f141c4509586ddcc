/**
 * Filters and ordering as the portal applies them (spec §0.4, §6): prefix operators on the key
 * (`>`, `>=`, `<`, `<=`, `=`, `!`, `!=`, `@`, `!@`, `%`), values as strings or numbers, date
 * comparison for date fields (with or without an offset; zone-less read in the portal zone),
 * multi-fields matched by exact value, and `LOGIC` keys ignored as the CRM list methods do.
 */
export type Rec = Record<string, unknown>;

const OPS = ['>=', '<=', '!@', '!=', '>', '<', '=', '!', '@', '%'] as const;
type Op = (typeof OPS)[number] | '';

export interface Condition {
  op: Op;
  field: string;
  value: unknown;
}

export function parseKey(key: string): { op: Op; field: string } {
  for (const op of OPS) if (key.startsWith(op)) return { op, field: key.slice(op.length) };
  return { op: '', field: key };
}

const DATE_RE = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}:\d{2})([+-]\d{2}:\d{2}|Z)?$/;
const SITE_RE = /^(\d{2})\.(\d{2})\.(\d{4}) (\d{2}:\d{2}:\d{2})$/;
const dateCache = new Map<string, number>();

/** Milliseconds of a Bitrix date-time text, zone-less values in `offset`; NaN when not a date. */
export function dateMs(text: string, offset: string): number {
  const cacheKey = text.length > 19 ? text : `${text}|${offset}`;
  const hit = dateCache.get(cacheKey);
  if (hit !== undefined) return hit;
  let ms = NaN;
  const m = DATE_RE.exec(text);
  if (m) ms = Date.parse(`${m[1]}T${m[2]}${m[3] ?? offset}`);
  else {
    const s = SITE_RE.exec(text);
    if (s) ms = Date.parse(`${s[3]}-${s[2]}-${s[1]}T${s[4]}${offset}`);
  }
  if (dateCache.size > 500_000) dateCache.clear();
  dateCache.set(cacheKey, ms);
  return ms;
}

/** -1/0/1, or NaN when the values cannot be compared. */
export function compare(a: unknown, b: unknown, offset: string): number {
  if (a === null || a === undefined || b === null || b === undefined) return NaN;
  if (typeof a === 'boolean' || typeof b === 'boolean') {
    const ab = a === true || a === 'Y' || a === 'true' || a === '1' || a === 1;
    const bb = b === true || b === 'Y' || b === 'true' || b === '1' || b === 1;
    return ab === bb ? 0 : ab ? 1 : -1;
  }
  const as = String(a);
  const bs = String(b);
  if (DATE_RE.test(as) || SITE_RE.test(as)) {
    // A date field compared with something that is not a date matches nothing.
    const x = dateMs(as, offset);
    const y = dateMs(bs, offset);
    return Number.isNaN(x) || Number.isNaN(y) ? NaN : Math.sign(x - y);
  }
  if (as !== '' && bs !== '' && /^-?\d+(\.\d+)?$/.test(as) && /^-?\d+(\.\d+)?$/.test(bs)) return Math.sign(Number(as) - Number(bs));
  return as < bs ? -1 : as > bs ? 1 : 0;
}

function values(v: unknown): unknown[] {
  if (Array.isArray(v)) {
    // Multi-fields ({VALUE}) match by their values; other lists by their items.
    return v.map((x) => (typeof x === 'object' && x !== null && 'VALUE' in x ? (x as { VALUE: unknown }).VALUE : x));
  }
  return [v];
}

function list(v: unknown): unknown[] {
  if (Array.isArray(v)) return v;
  if (typeof v === 'object' && v !== null) return Object.values(v);
  return String(v).split(',');
}

export function conditionsOf(filter: unknown, opts: { ignoreLogic: boolean; key?: (field: string) => string }): Condition[] {
  if (typeof filter !== 'object' || filter === null) return [];
  const out: Condition[] = [];
  for (const [rawKey, value] of Object.entries(filter as Rec)) {
    if (opts.ignoreLogic && rawKey.toUpperCase() === 'LOGIC') continue;
    // An empty value (an unresolved batch reference, say) sets no condition.
    if (value === '' || value === undefined) continue;
    const { op, field } = parseKey(rawKey);
    out.push({ op, field: opts.key ? opts.key(field) : field, value });
  }
  return out;
}

export function matches(rec: Rec, conditions: Condition[], offset: string): boolean {
  for (const c of conditions) {
    const have = values(rec[c.field]);
    const test = (pred: (x: unknown) => boolean) => have.some(pred);
    let ok: boolean;
    switch (c.op) {
      case '':
      case '=':
        ok = Array.isArray(c.value) ? test((x) => list(c.value).some((v) => compare(x, v, offset) === 0)) : test((x) => compare(x, c.value, offset) === 0);
        break;
      case '!':
      case '!=':
        ok = !test((x) => compare(x, c.value, offset) === 0);
        break;
      case '>':
        ok = test((x) => compare(x, c.value, offset) > 0);
        break;
      case '>=':
        ok = test((x) => compare(x, c.value, offset) >= 0);
        break;
      case '<':
        ok = test((x) => compare(x, c.value, offset) < 0);
        break;
      case '<=':
        ok = test((x) => compare(x, c.value, offset) <= 0);
        break;
      case '@':
        ok = test((x) => list(c.value).some((v) => compare(x, v, offset) === 0));
        break;
      case '!@':
        ok = !test((x) => list(c.value).some((v) => compare(x, v, offset) === 0));
        break;
      case '%':
        ok = test((x) => typeof x === 'string' && x.toLowerCase().includes(String(c.value).toLowerCase()));
        break;
    }
    if (!ok) return false;
  }
  return true;
}

export type Order = [field: string, dir: 1 | -1][];

export function orderOf(order: unknown, key?: (field: string) => string): Order {
  if (typeof order !== 'object' || order === null) return [];
  return Object.entries(order as Rec).map(([f, d]) => [key ? key(f) : f, String(d).toUpperCase() === 'DESC' ? -1 : 1]);
}

export function sortRecords(recs: Rec[], order: Order, offset: string): Rec[] {
  if (!order.length) return recs;
  return recs.sort((a, b) => {
    for (const [f, dir] of order) {
      const c = compare(a[f], b[f], offset);
      if (Number.isNaN(c)) {
        const an = a[f] === null || a[f] === undefined;
        const bn = b[f] === null || b[f] === undefined;
        if (an !== bn) return (an ? -1 : 1) * dir;
        continue;
      }
      if (c !== 0) return c * dir;
    }
    return 0;
  });
}
