/**
 * The operator repairs: `create-price-mappings` (spec 4.5, trap 25) and `fix-cari` (spec 4.6,
 * trap 24), planned as pure functions over what the commands read.
 */
import { movementAccountCode } from './movements.js';
import { int, trimmed } from './values.js';

export interface WebPriceDefinition {
  id: string;
  sira_no: number | null;
  fiyat_adi: string;
}

export type PriceMappingAction =
  | { kind: 'ok'; listNo: number; definitionId: string }
  | { kind: 'map'; listNo: number; definitionId: string; replaces?: string }
  | { kind: 'create-and-map'; listNo: number; name: string }
  | { kind: 'ambiguous'; listNo: number; definitionIds: string[] };

/**
 * Each ERP list that has prices is mapped to the web definition with the same `sira_no`, never by
 * position. A list without a definition gets one (as the original did); two definitions with one
 * number are reported, not guessed.
 */
export function planPriceMappings(
  erpLists: readonly { listNo: number; name: string }[],
  definitions: readonly WebPriceDefinition[],
  mappings: ReadonlyMap<number, string>,
): PriceMappingAction[] {
  const bySira = new Map<number, string[]>();
  for (const d of definitions) if (d.sira_no !== null) bySira.set(d.sira_no, [...(bySira.get(d.sira_no) ?? []), d.id]);
  return erpLists.map(({ listNo, name }) => {
    const ids = bySira.get(listNo) ?? [];
    const mapped = mappings.get(listNo);
    if (ids.length === 0) return { kind: 'create-and-map', listNo, name: name || `Fiyat Listesi ${listNo}` };
    if (ids.length > 1) return mapped && ids.includes(mapped) ? { kind: 'ok', listNo, definitionId: mapped } : { kind: 'ambiguous', listNo, definitionIds: ids };
    const id = ids[0]!;
    if (mapped === id) return { kind: 'ok', listNo, definitionId: id };
    return mapped ? { kind: 'map', listNo, definitionId: id, replaces: mapped } : { kind: 'map', listNo, definitionId: id };
  });
}

export interface MovementCodeCount {
  cha_kod: unknown;
  cha_ciro_cari_kodu: unknown;
  n: unknown;
}

export type AccountCodeStatus =
  /** On the web: nothing to do. */
  | 'ok'
  /** In Mikro's CARI_HESAPLAR but not on the web: repaired by copying the real account. */
  | 'missing-on-web'
  /** Neither on the web nor in Mikro: the movements point at nothing; fix in Mikro. */
  | 'unknown-in-erp'
  /** A cash box or bank code with an empty ciro account: no customer behind it, nothing created. */
  | 'cash-or-bank-without-account';

export interface AccountCodeFinding {
  code: string;
  movements: number;
  status: AccountCodeStatus;
}

/**
 * Classifies the account codes that movements point at. Cash box and bank codes are resolved
 * through cha_ciro_cari_kodu (rule 15) and never become accounts of their own.
 */
export function classifyMovementCodes(
  counts: readonly MovementCodeCount[],
  specialCodes: ReadonlySet<string>,
  inErp: ReadonlySet<string>,
  onWeb: ReadonlySet<string>,
): AccountCodeFinding[] {
  const byCode = new Map<string, AccountCodeFinding>();
  for (const c of counts) {
    const chaKod = trimmed(c.cha_kod);
    const account = movementAccountCode(chaKod, trimmed(c.cha_ciro_cari_kodu), specialCodes);
    const code = account ?? chaKod;
    const status: AccountCodeStatus = !account ? 'cash-or-bank-without-account' : onWeb.has(account) ? 'ok' : inErp.has(account) ? 'missing-on-web' : 'unknown-in-erp';
    const key = `${status}\u0000${code}`;
    const f = byCode.get(key) ?? { code, movements: 0, status };
    f.movements += int(c.n);
    byCode.set(key, f);
  }
  return [...byCode.values()].sort((a, b) => b.movements - a.movements || a.code.localeCompare(b.code));
}

/** Account codes the movements resolve to (for the existence reads). */
export function resolvedAccountCodes(counts: readonly MovementCodeCount[], specialCodes: ReadonlySet<string>): string[] {
  const out = new Set<string>();
  for (const c of counts) {
    const a = movementAccountCode(trimmed(c.cha_kod), trimmed(c.cha_ciro_cari_kodu), specialCodes);
    if (a) out.add(a);
  }
  return [...out];
}
