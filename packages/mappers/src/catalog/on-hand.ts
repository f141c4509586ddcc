/**
 * Stock on hand (spec 2.11, rule 25): the view's quantity into both web columns — the exact
 * numeric `sth_eldeki_miktar` and the integer `eldeki_miktar` (rounded half away from zero, Q45).
 */
import { num, roundHalfAway, trimmed } from './values.js';
import type { ErpOnHand } from '@mikrosync/core';

// Declared in core, at the connector/mapper seam; re-exported here while imports move there.
export type { ErpOnHand } from '@mikrosync/core';

export type WebOnHand = { stok_kodu: string; eldeki_miktar: number; sth_eldeki_miktar: number };

/**
 * One row per trimmed code; codes equal after trimming are summed (SQL Server groups them as one
 * code anyway). Codes asked for but missing from the view have no movements left: quantity 0.
 */
export function mapOnHand(rows: readonly ErpOnHand[], askedFor: Iterable<string> = []): WebOnHand[] {
  const sum = new Map<string, number>();
  for (const code of askedFor) sum.set(code, 0);
  for (const r of rows) {
    const code = trimmed(r.sth_stok_kod);
    if (!code || r.sth_eldeki_miktar === null || r.sth_eldeki_miktar === undefined) continue;
    sum.set(code, (sum.get(code) ?? 0) + num(r.sth_eldeki_miktar));
  }
  // Float sums of Mikro quantities: 6 decimals are more than any unit Mikro shows.
  return [...sum].map(([stok_kodu, q]) => {
    const exact = Math.round(q * 1e6) / 1e6;
    return { stok_kodu, sth_eldeki_miktar: exact, eldeki_miktar: roundHalfAway(exact) };
  });
}
