/**
 * Decoding of PHP bracket syntax as the portal's PHP does it (spec §1.2): `a[b][]=1&a[>KEY]=v`,
 * numeric keys become lists, a bare `+` is a space. Written independently of the client's
 * encoder so that the tests check one against the other.
 */
export type PhpValue = string | PhpValue[] | { [key: string]: PhpValue };

function assign(target: Record<string, PhpValue> | PhpValue[], path: string[], value: string): void {
  const [head, ...rest] = path;
  const container = target as Record<string, PhpValue>;
  let key = head!;
  if (key === '' && Array.isArray(target)) key = String(target.length);
  else if (key === '') key = String(Object.keys(container).length);
  if (!rest.length) {
    if (Array.isArray(target)) (target as PhpValue[])[Number(key)] = value;
    else container[key] = value;
    return;
  }
  let next = Array.isArray(target) ? (target as PhpValue[])[Number(key)] : container[key];
  if (typeof next !== 'object' || next === null) {
    next = rest[0] === '' ? [] : {};
    if (Array.isArray(target)) (target as PhpValue[])[Number(key)] = next;
    else container[key] = next;
  }
  assign(next as Record<string, PhpValue>, rest, value);
}

/** Objects whose keys are 0..n-1 are PHP lists. */
function normalise(v: PhpValue): PhpValue {
  if (Array.isArray(v)) return v.map(normalise);
  if (typeof v === 'object' && v !== null) {
    const keys = Object.keys(v);
    const entries = keys.map((k) => [k, normalise(v[k]!)] as const);
    if (keys.length && keys.every((k, i) => k === String(i))) return entries.map(([, x]) => x);
    return Object.fromEntries(entries);
  }
  return v;
}

const decode = (s: string) => decodeURIComponent(s.replace(/\+/g, ' '));

export function decodePhpQuery(qs: string): Record<string, PhpValue> {
  const out: Record<string, PhpValue> = {};
  addPairs(
    out,
    qs
      .split('&')
      .filter(Boolean)
      .map((part) => {
        const eq = part.indexOf('=');
        return [decode(eq < 0 ? part : part.slice(0, eq)), eq < 0 ? '' : decode(part.slice(eq + 1))] as [string, string];
      }),
  );
  return normalise(out) as Record<string, PhpValue>;
}

/** Key/value pairs (from a query string or a multipart body) into the nested structure. */
export function addPairs(out: Record<string, PhpValue>, pairs: [string, string][]): void {
  for (const [key, value] of pairs) {
    const m = /^([^[]+)((?:\[[^\]]*\])*)$/.exec(key);
    if (!m) {
      out[key] = value;
      continue;
    }
    const path = [m[1]!, ...[...m[2]!.matchAll(/\[([^\]]*)\]/g)].map((x) => x[1]!)];
    assign(out, path, value);
  }
}

/** Minimal multipart/form-data: text fields only. */
export function decodeMultipart(body: string, contentType: string): Record<string, PhpValue> {
  const boundary = /boundary=(?:"([^"]+)"|([^;]+))/.exec(contentType);
  const out: Record<string, PhpValue> = {};
  if (!boundary) return out;
  const sep = `--${boundary[1] ?? boundary[2]}`;
  const pairs: [string, string][] = [];
  for (const part of body.split(sep)) {
    const m = /name="([^"]+)"[^\r\n]*\r\n(?:[^\r\n]+\r\n)*\r\n([\s\S]*?)\r\n$/.exec(part);
    if (m) pairs.push([m[1]!, m[2]!]);
  }
  addPairs(out, pairs);
  return normalise(out) as Record<string, PhpValue>;
}
