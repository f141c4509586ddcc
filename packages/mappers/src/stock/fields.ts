/**
 * Which fields of a master-data card (stock card, account) a web edit changed, and the Mikro
 * columns to write for them: rule 21 (and the `urun-guncelle` trace) write only the edited columns.
 *
 * A field counts as edited when its web value differs from the value last sent to Mikro (kept in
 * our ledger) or, for a card we never wrote, from what the ERP -> Web sync shows for the current
 * Mikro row. An edited field whose Mikro columns already hold the value is not written again, so a
 * web row touched for another reason (stock on hand, a web-only column) writes nothing.
 */
export type FieldValue = string | number;

/** A Mikro row as read back (text, numbers, dates in the driver's form). */
export type ErpRow = Record<string, unknown>;

export interface CardField<W> {
  name: string;
  /** The web value in comparable form (trimmed text, number); null = not set on the web. */
  web(row: W): FieldValue | null;
  /** What the ERP -> Web sync shows for the Mikro row, in the same form as `web`. */
  erpView(erp: ErpRow): FieldValue;
  /** Mikro columns for a web value; validates it (may throw a PermanentError naming the record). */
  toErp(value: FieldValue, row: W): Record<string, FieldValue>;
  /** Value written for a web NULL on a new card ('' or 0). */
  empty: FieldValue;
}

export interface FieldPlan {
  /** Columns to write, in field order (only those whose Mikro value differs). */
  set: Record<string, FieldValue>;
  /** Names of the fields whose columns are in `set`. */
  edited: string[];
  /** The web values now in effect: the ledger keeps them as the next baseline. */
  sent: Record<string, FieldValue>;
}

export function sameValue(a: unknown, b: unknown): boolean {
  if (typeof a === 'number' || typeof b === 'number') return Math.abs(Number(a ?? 0) - Number(b ?? 0)) < 0.005;
  return String(a ?? '').trim() === String(b ?? '').trim();
}

/**
 * @param baseline values last sent to Mikro for this card (ledger), or undefined when we never
 *   wrote it: then the Mikro row itself, seen through the ERP -> Web mapping, is the baseline and a
 *   web NULL means "no opinion" (it never blanks a Mikro value).
 */
export function planFieldUpdate<W>(fields: CardField<W>[], row: W, erp: ErpRow, baseline: Record<string, FieldValue> | undefined): FieldPlan {
  const plan: FieldPlan = { set: {}, edited: [], sent: {} };
  for (const f of fields) {
    const value = f.web(row);
    const before = baseline && f.name in baseline ? baseline[f.name] : undefined;
    let edited: boolean;
    if (before !== undefined) edited = !sameValue(value ?? f.empty, before);
    else edited = value !== null && !sameValue(value, f.erpView(erp));
    plan.sent[f.name] = value ?? (before !== undefined ? f.empty : f.erpView(erp));
    if (!edited) continue;
    const columns = f.toErp(value ?? f.empty, row);
    let wrote = false;
    for (const [col, v] of Object.entries(columns)) {
      if (sameValue(v, erp[col])) continue;
      plan.set[col] = v;
      wrote = true;
    }
    if (wrote) plan.edited.push(f.name);
  }
  return plan;
}

/** Every field's Mikro columns for a new card (web NULL -> the field's empty value). */
export function newCardValues<W>(fields: CardField<W>[], row: W): { values: Record<string, FieldValue>; sent: Record<string, FieldValue> } {
  const values: Record<string, FieldValue> = {};
  const sent: Record<string, FieldValue> = {};
  for (const f of fields) {
    const value = f.web(row) ?? f.empty;
    sent[f.name] = value;
    Object.assign(values, f.toErp(value, row));
  }
  return { values, sent };
}

/** Trimmed text, or null for NULL / non-text. */
export function webText(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  return String(value).trim();
}

/** A number from a web numeric (pg returns text), or null. */
export function webNumber(value: unknown): number | null {
  if (value === null || value === undefined || value === '') return null;
  const n = Number(value);
  return Number.isFinite(n) ? n : null;
}
