/**
 * CRM multi-fields (spec §2.11): PHONE, EMAIL, WEB, IM (and LINK on contacts) are arrays of
 * {ID, VALUE_TYPE, VALUE, TYPE_ID}, returned only when named in `select`, and omitted when the
 * record has none. We keep every value (JSONB) and a flat column with the preferred one.
 */
import type { BitrixFieldReader } from './values.js';

export const BITRIX_MULTI_FIELDS = ['PHONE', 'EMAIL', 'WEB', 'IM', 'LINK'] as const;
export type BitrixMultiFieldKind = (typeof BITRIX_MULTI_FIELDS)[number];

export interface BitrixMultiFieldValue {
  ID: string | null;
  VALUE_TYPE: string | null;
  VALUE: string;
}

export interface BitrixMultiFields {
  /** Every value per kind; null when the record has none of the kinds. */
  all: Partial<Record<BitrixMultiFieldKind, BitrixMultiFieldValue[]>> | null;
  /** The preferred value per kind: the first WORK, else MOBILE, else the first one. */
  first: Partial<Record<BitrixMultiFieldKind, string>>;
}

const PREFERRED_TYPES = ['WORK', 'MOBILE'];

export function readMultiFields(reader: BitrixFieldReader, kinds: readonly BitrixMultiFieldKind[] = BITRIX_MULTI_FIELDS): BitrixMultiFields {
  const all: Partial<Record<BitrixMultiFieldKind, BitrixMultiFieldValue[]>> = {};
  const first: Partial<Record<BitrixMultiFieldKind, string>> = {};
  for (const kind of kinds) {
    const raw = reader.record[kind];
    if (raw === undefined || raw === null || raw === '') continue;
    if (!Array.isArray(raw)) {
      reader.issues.push({ field: kind, problem: 'expected a list of multi-field values', value: JSON.stringify(raw).slice(0, 80) });
      continue;
    }
    const values: BitrixMultiFieldValue[] = [];
    for (const item of raw) {
      const v = item as { ID?: unknown; VALUE_TYPE?: unknown; VALUE?: unknown };
      if (typeof item !== 'object' || item === null || (typeof v.VALUE !== 'string' && typeof v.VALUE !== 'number')) {
        reader.issues.push({ field: kind, problem: 'expected {ID, VALUE_TYPE, VALUE}', value: JSON.stringify(item).slice(0, 80) });
        continue;
      }
      values.push({
        ID: v.ID === undefined || v.ID === null ? null : String(v.ID),
        VALUE_TYPE: typeof v.VALUE_TYPE === 'string' ? v.VALUE_TYPE : null,
        VALUE: String(v.VALUE),
      });
    }
    if (!values.length) continue;
    all[kind] = values;
    const preferred = PREFERRED_TYPES.map((t) => values.find((x) => x.VALUE_TYPE === t)).find(Boolean) ?? values[0]!;
    first[kind] = preferred.VALUE;
  }
  return { all: Object.keys(all).length ? all : null, first };
}
