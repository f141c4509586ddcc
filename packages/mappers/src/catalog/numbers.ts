/**
 * Document number settings (spec 2.13): each web user's next numbers (`user_fatura_ayarlari`)
 * follow the ERP maximum + 1 of the series configured in that row.
 */
import { int, trimmed } from './values.js';
import type { NumberSource } from '@mikrosync/core';

// Declared in core, at the connector/mapper seam; re-exported here while imports move there.
export type { NumberSource } from '@mikrosync/core';

export const MARKETPLACES = ['trendyol', 'hepsiburada', 'n11', 'ciceksepeti', 'pazarama', 'idefix', 'eptt'] as const;

export interface NumberNeed {
  /** Column of the next number, e.g. fatura_sira_no. */
  column: string;
  source: NumberSource;
}

/** Stable key of a source, so one ERP query answers every user with the same series. */
export function sourceKey(s: NumberSource): string {
  switch (s.kind) {
    case 'cha-sth':
      return `cha${s.chaType}/sth${s.sthType}/${s.series}`;
    case 'cha':
      return `cha${s.chaType}/${s.series}`;
    case 'return':
      return `iade/${s.series}`;
    case 'count':
      return 'sayim';
    case 'marketplace':
      return `pazar/${s.series}/${s.accountCode}`;
  }
}

/** The maxima one settings row needs. Empty series are skipped, except for counts. */
export function numberNeeds(row: Record<string, unknown>): NumberNeed[] {
  const needs: NumberNeed[] = [];
  const series = (col: string) => trimmed(row[col]);
  const add = (column: string, seriesCol: string, make: (s: string) => NumberSource) => {
    const s = series(seriesCol);
    if (s) needs.push({ column, source: make(s) });
  };
  add('fatura_sira_no', 'fatura_seri_no', (s) => ({ kind: 'cha-sth', chaType: 63, sthType: 4, series: s }));
  add('alis_sira_no', 'alis_seri_no', (s) => ({ kind: 'cha-sth', chaType: 0, sthType: 3, series: s }));
  add('tahsilat_sira_no', 'tahsilat_seri_no', (s) => ({ kind: 'cha', chaType: 1, series: s }));
  add('tediye_sira_no', 'tediye_seri_no', (s) => ({ kind: 'cha', chaType: 64, series: s }));
  add('iade_sira_no', 'iade_seri_no', (s) => ({ kind: 'return', series: s }));
  if ('sayim_sira_no' in row) needs.push({ column: 'sayim_sira_no', source: { kind: 'count' } });
  for (const m of MARKETPLACES) {
    const code = trimmed(row[`pazaryeri_${m}_cari_kodu`]);
    if (code) add(`pazaryeri_${m}_sira_no`, `pazaryeri_${m}_seri_no`, (s) => ({ kind: 'marketplace', series: s, accountCode: code }));
  }
  return needs;
}

/**
 * The changed columns of one settings row: ERP maximum + 1, written only when it differs. A web
 * number ahead of the ERP is kept: the web may have numbered documents not posted yet, and
 * lowering it would hand their numbers out again (trap 3).
 */
export function nextNumberPatch(row: Record<string, unknown>, needs: readonly NumberNeed[], maxima: ReadonlyMap<string, number>): Record<string, number | string> {
  const patch: Record<string, number | string> = {};
  for (const n of needs) {
    const max = maxima.get(sourceKey(n.source));
    if (max === undefined) continue;
    const current = row[n.column];
    const next = max + 1;
    if (next <= int(current)) continue;
    // Some of these columns are text in the web schema: keep the column's own type.
    patch[n.column] = typeof current === 'string' ? String(next) : next;
  }
  return patch;
}
