/**
 * ERP deletions (spec 2.12, open question Q34): rows of our delete log, or keys that vanished in a
 * reconciliation pass, become web actions. Movements, barcodes and prices are deleted; stocks and
 * accounts are deactivated (they are referenced by documents on the web).
 */
import { int, trimmed } from './values.js';

/** The tables whose deletions reach the web, with what happens there. */
export const DELETION_TABLES = ['STOKLAR', 'CARI_HESAPLAR', 'BARKOD_TANIMLARI', 'STOK_SATIS_FIYAT_LISTELERI', 'STOK_HAREKETLERI', 'CARI_HESAP_HAREKETLERI'] as const;
export type DeletionTable = (typeof DELETION_TABLES)[number];

export interface DeleteLogRow {
  dl_id: unknown;
  dl_table: unknown;
  dl_recno: unknown;
  dl_code: unknown;
  dl_list_no: unknown;
  dl_depot: unknown;
  dl_plan: unknown;
}

/** What to remove on the web, per table: record numbers and/or codes. */
export interface DeletionPlan {
  /** stoklar.stok_kodu to deactivate */
  stocks: string[];
  /** cari_hesaplar.cari_kodu to deactivate */
  accounts: string[];
  /** urun_barkodlari: (erp_recno, barkod) to delete */
  barcodes: { erp_recno: number; barkod: string }[];
  /** urun_fiyat_listeleri: (erp_recno, stock code, list) to delete; only depot 0 / plan 0 rows */
  prices: { erp_recno: number; stok_kodu: string; liste_no: number }[];
  /** stok_hareketleri.erp_recno to delete */
  stockMovements: number[];
  /** cari_hesap_hareketleri.erp_recno to delete */
  accountMovements: number[];
  /** Stock codes whose on-hand quantity must be recomputed (their movements were deleted). */
  onHandCodes: string[];
}

export const emptyDeletionPlan = (): DeletionPlan => ({ stocks: [], accounts: [], barcodes: [], prices: [], stockMovements: [], accountMovements: [], onHandCodes: [] });

export function planDeletions(rows: readonly DeleteLogRow[]): DeletionPlan {
  const p = emptyDeletionPlan();
  for (const r of rows) {
    const recno = int(r.dl_recno);
    const code = trimmed(r.dl_code);
    switch (trimmed(r.dl_table)) {
      case 'STOKLAR':
        if (code) p.stocks.push(code);
        break;
      case 'CARI_HESAPLAR':
        if (code) p.accounts.push(code);
        break;
      case 'BARKOD_TANIMLARI':
        if (code) p.barcodes.push({ erp_recno: recno, barkod: code });
        break;
      case 'STOK_SATIS_FIYAT_LISTELERI':
        // Only the depot 0 / plan 0 row is a web price; other rows never reached the web.
        if (code && int(r.dl_depot) === 0 && int(r.dl_plan) === 0) p.prices.push({ erp_recno: recno, stok_kodu: code, liste_no: int(r.dl_list_no) });
        break;
      case 'STOK_HAREKETLERI':
        p.stockMovements.push(recno);
        if (code) p.onHandCodes.push(code);
        break;
      case 'CARI_HESAP_HAREKETLERI':
        p.accountMovements.push(recno);
        break;
      default:
        break;
    }
  }
  return p;
}

export function deletionCounts(p: DeletionPlan): Record<DeletionTable, number> {
  return {
    STOKLAR: new Set(p.stocks).size,
    CARI_HESAPLAR: new Set(p.accounts).size,
    BARKOD_TANIMLARI: p.barcodes.length,
    STOK_SATIS_FIYAT_LISTELERI: p.prices.length,
    STOK_HAREKETLERI: new Set(p.stockMovements).size,
    CARI_HESAP_HAREKETLERI: new Set(p.accountMovements).size,
  };
}

export interface GuardSettings {
  /** Largest share of a table one run may remove, e.g. 0.05. */
  maxShare: number;
  /** Removing at most this many rows never trips the guard (small tables). */
  minRows: number;
}

/**
 * The mass-deletion guard: removing more than `maxShare` of a table's ERP-origin web rows (and more
 * than `minRows`) in one run looks like a mistake (a wrong database, a truncated table, a restore)
 * and is refused with a reason instead of applied.
 */
export function deletionRefusal(table: string, removing: number, webRows: number, g: GuardSettings): string | undefined {
  if (removing <= g.minRows) return undefined;
  const share = webRows > 0 ? removing / webRows : 1;
  if (share <= g.maxShare) return undefined;
  return `${table}: ${removing} of ${webRows} web rows (${(share * 100).toFixed(1)} %) would be removed, more than the allowed ${(g.maxShare * 100).toFixed(1)} %`;
}
