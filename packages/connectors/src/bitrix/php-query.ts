/**
 * PHP bracket syntax (spec §1.2, §1.7): what a GET query, a form body and every `batch` sub-call
 * string must carry: `select[]=*&order[ID]=ASC&filter[>ID]=8400`. Keys and values are
 * percent-encoded (a `+` in a zone offset becomes %2B), except batch references such as
 * `$result[c0][49][ID]`, which the portal resolves inside the batch and must arrive as written.
 */
export class BitrixBatchRef {
  constructor(readonly expr: string) {}
}

/** `$result[key][path...]`: a value taken from an earlier sub-call of the same batch. */
export function bitrixBatchRef(key: string, ...path: (string | number)[]): BitrixBatchRef {
  return new BitrixBatchRef(`$result[${key}]${path.map((p) => `[${p}]`).join('')}`);
}

function scalar(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'boolean') return v ? '1' : '0';
  return String(v);
}

export function encodeBitrixQuery(params: Record<string, unknown>): string {
  const parts: string[] = [];
  const walk = (key: string, value: unknown): void => {
    if (value === undefined) return;
    if (value instanceof BitrixBatchRef) {
      parts.push(`${encodeURIComponent(key)}=${value.expr}`);
    } else if (Array.isArray(value)) {
      value.forEach((v, i) => walk(typeof v === 'object' && v !== null && !(v instanceof BitrixBatchRef) ? `${key}[${i}]` : `${key}[]`, v));
    } else if (typeof value === 'object' && value !== null) {
      for (const [k, v] of Object.entries(value)) walk(`${key}[${k}]`, v);
    } else {
      parts.push(`${encodeURIComponent(key)}=${encodeURIComponent(scalar(value))}`);
    }
  };
  for (const [k, v] of Object.entries(params)) walk(k, v);
  return parts.join('&');
}

/** A sub-call string of `batch`: `method?query`. */
export function bitrixBatchCommand(method: string, params: Record<string, unknown> = {}): string {
  const q = encodeBitrixQuery(params);
  return q ? `${method}?${q}` : method;
}
