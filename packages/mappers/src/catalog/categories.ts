/**
 * Categories (spec 2.3): STOK_ANA_GRUPLARI -> kategoriler level 0, STOK_ALT_GRUPLARI -> level 1
 * under the level-0 row of `sta_ana_grup_kod`. Both are read in full every run (no lastup column),
 * so a sub group whose parent is missing is simply tried again next run.
 */
import { keepLast, type Rejected } from './batch.js';
import { trimmed } from './values.js';
import type { ErpMainGroup, ErpSubGroup } from '@mikrosync/core';

// Declared in core, at the connector/mapper seam; re-exported here while imports move there.
export type { ErpMainGroup, ErpSubGroup } from '@mikrosync/core';

export type WebCategory = {
  level: number;
  erp_id: string;
  kategori_adi: string;
  /** erp_id of the level-0 parent (level 1 only). */
  parent_erp_id: string | null;
};

export interface CategoryPlan {
  main: WebCategory[];
  sub: WebCategory[];
  /** Sub groups not written this run: missing parent, or a loop between sub groups. */
  rejected: Rejected[];
  duplicates: number;
}

/**
 * A sub group's parent must be a main group. A parent code that only exists as a sub group is a
 * loop or a chain the two-level web tree cannot hold (A -> B -> A, or A -> A): reported, never
 * written, so a parent_id can never point back at its own subtree.
 */
export function planCategories(mainRows: readonly ErpMainGroup[], subRows: readonly ErpSubGroup[]): CategoryPlan {
  const rejected: Rejected[] = [];
  const main: WebCategory[] = [];
  for (const r of mainRows) {
    const code = trimmed(r.san_kod);
    if (!code) {
      rejected.push({ key: 'STOK_ANA_GRUPLARI ""', reason: 'empty main group code' });
      continue;
    }
    main.push({ level: 0, erp_id: code, kategori_adi: trimmed(r.san_isim) || code, parent_erp_id: null });
  }
  const m = keepLast(main, (c) => c.erp_id);
  const mainCodes = new Set(m.rows.map((c) => c.erp_id));

  const subs: WebCategory[] = [];
  for (const r of subRows) {
    const code = trimmed(r.sta_kod);
    if (!code) {
      rejected.push({ key: 'STOK_ALT_GRUPLARI ""', reason: 'empty sub group code' });
      continue;
    }
    subs.push({ level: 1, erp_id: code, kategori_adi: trimmed(r.sta_isim) || code, parent_erp_id: trimmed(r.sta_ana_grup_kod) });
  }
  const s = keepLast(subs, (c) => c.erp_id);
  const subParent = new Map(s.rows.map((c) => [c.erp_id, c.parent_erp_id ?? '']));
  const sub: WebCategory[] = [];
  for (const c of s.rows) {
    const parent = c.parent_erp_id ?? '';
    if (mainCodes.has(parent)) {
      sub.push(c);
      continue;
    }
    const key = `STOK_ALT_GRUPLARI ${c.erp_id}`;
    if (parent === c.erp_id || inLoop(c.erp_id, subParent)) rejected.push({ key, reason: `category loop: sub group ${c.erp_id} -> ${parent} runs in a circle and never reaches a main group` });
    else if (!parent) rejected.push({ key, reason: 'sub group without a main group code' });
    else rejected.push({ key, reason: `main group ${parent} does not exist (yet)` });
  }
  return { main: m.rows, sub, rejected, duplicates: m.duplicates + s.duplicates };
}

function inLoop(start: string, parentOf: ReadonlyMap<string, string>): boolean {
  const seen = new Set<string>();
  let at: string | undefined = start;
  while (at !== undefined && parentOf.has(at)) {
    if (seen.has(at)) return at === start || seen.has(start);
    seen.add(at);
    at = parentOf.get(at);
  }
  return false;
}
