/**
 * What every catalog mapper returns for a batch: the web rows, de-duplicated on the web's
 * conflict key, and the ERP rows that cannot be written at all (with their key and reason).
 */

export interface Rejected {
  /** The ERP key of the row (RECno or code), for the log line. */
  key: string;
  reason: string;
}

export interface Mapped<W> {
  rows: W[];
  rejected: Rejected[];
  /** ERP rows dropped because a later row of the same batch has the same web key. */
  duplicates: number;
}

/**
 * Keeps one row per key. Stated winner: the LAST row in read order, i.e. the greatest
 * (lastup_date, RECno) — the most recent change in the ERP (trap 20). Order of first appearance
 * is kept so the output stays deterministic.
 */
export function keepLast<W>(rows: readonly W[], key: (row: W) => string): { rows: W[]; duplicates: number } {
  const byKey = new Map<string, W>();
  for (const r of rows) {
    const k = key(r);
    if (byKey.has(k)) byKey.delete(k);
    byKey.set(k, r);
  }
  return { rows: [...byKey.values()], duplicates: rows.length - byKey.size };
}

/** A per-row mapping outcome: a web row, or the reason the ERP row cannot be written. */
export type Outcome<W> = { row: W } | { rejected: Rejected };

export const reject = (key: unknown, reason: string): { rejected: Rejected } => ({ rejected: { key: String(key), reason } });

/** Runs a per-row mapper over a batch, then de-duplicates on the web key. */
export function mapBatch<E, W>(rows: readonly E[], mapOne: (row: E) => Outcome<W>, webKey: (row: W) => string): Mapped<W> {
  const out: W[] = [];
  const rejected: Rejected[] = [];
  for (const r of rows) {
    const m = mapOne(r);
    if ('rejected' in m) rejected.push(m.rejected);
    else out.push(m.row);
  }
  const d = keepLast(out, webKey);
  return { rows: d.rows, rejected, duplicates: d.duplicates };
}
