/**
 * Account movements (spec 2.9, rules 15 and 16) and stock movements (spec 2.10, rule 8).
 */
import { vatRateOf, type VatTable } from '../mikro/vat.js';
import { mapBatch, reject, type Mapped, type Outcome } from './batch.js';
import { erpTimestampText, int, intDateOrNull, num, orNull, roundHalfAway, text, trimmed } from './values.js';
import type { ErpAccountMovement, ErpStockMovement } from '@mikrosync/core';

// Declared in core, at the connector/mapper seam; re-exported here while imports move there.
export type { ErpAccountMovement, ErpStockMovement } from '@mikrosync/core';

const ISKONTO = [1, 2, 3, 4, 5, 6] as const;

export type WebAccountMovement = {
  erp_recno: number;
  /** The account code to resolve to cari_hesaplar.id (rule 15). */
  cari_kodu: string;
  /** Naive Mikro local time of cha_tarihi. */
  islem_tarihi: string;
  belge_no: string;
  fatura_seri_no: string;
  fatura_sira_no: string;
  tutar: number;
  aciklama: string;
  hareket_tipi: string;
  hareket_turu: string | null;
  cha_kasa_hizkod: string;
  banka_kodu: string | null;
  kasa_kodu: string | null;
  cha_tpoz: number;
  cha_cari_cins: number;
  cha_grupno: number;
  vade_tarihi: string | null;
  cek: boolean;
  senet: boolean;
  iskonto1: number;
  iskonto2: number;
  iskonto3: number;
  iskonto4: number;
  iskonto5: number;
  iskonto6: number;
};

const COLLECTION_KINDS: Record<number, string> = { 0: 'Nakit', 1: 'Çek', 2: 'Senet', 17: 'Havale', 19: 'Kredi Kartı' };
/** Payments (evrak 64, TRACE): 0 cash, 1 customer cheque handed on, 3 own cheque, 4 own note, 20 transfer, 22 card. */
const PAYMENT_KINDS: Record<number, string> = { 0: 'Nakit', 1: 'Müşteri Çeki', 3: 'Firma Çeki', 4: 'Firma Senedi', 20: 'Havale', 22: 'Kredi Kartı' };

/** `hareket_tipi` in the original's decision order, with payments (64) mapped explicitly (rule 16, Q36). */
export function movementLabel(evrakTip: number, tip: number, cinsi: number, normalIade: number): string {
  if (evrakTip === 1 && tip === 1) return COLLECTION_KINDS[cinsi] ? `Tahsilat - ${COLLECTION_KINDS[cinsi]}` : 'Tahsilat';
  if (evrakTip === 64) return PAYMENT_KINDS[cinsi] ? `Tediye - ${PAYMENT_KINDS[cinsi]}` : 'Tediye';
  if (evrakTip === 63) return normalIade === 1 ? 'Satış İade' : 'Satış';
  if (evrakTip === 0 || tip === 1) return normalIade === 1 ? 'İade' : 'Alış';
  return tip === 0 ? 'Satış' : 'Alış';
}

/** `hareket_turu`: the kind after ' - ', else how the document is closed. */
export function movementKind(label: string, tpoz: number, cariCins: number): string | null {
  const dash = label.indexOf(' - ');
  if (dash >= 0) return label.slice(dash + 3);
  if (tpoz === 0) return 'Açık Hesap';
  if (tpoz === 1) return cariCins === 2 ? 'Bankadan K.' : 'Kasadan K.';
  return null;
}

/**
 * The account of a movement (rule 15). Invoices closed to a cash box or bank carry the cash/bank
 * code in cha_kod and the account CODE in cha_ciro_cari_kodu (TRACE); a cash/bank code without a
 * ciro account belongs to no account at all, and is never turned into a placeholder account.
 */
export function movementAccountCode(chaKod: string, ciro: string, specialCodes: ReadonlySet<string>): string | undefined {
  if (!specialCodes.has(chaKod)) return chaKod || undefined;
  return ciro || undefined;
}

export function mapAccountMovement(r: ErpAccountMovement, specialCodes: ReadonlySet<string>): Outcome<WebAccountMovement> {
  const recno = int(r.cha_RECno);
  const chaKod = trimmed(r.cha_kod);
  const ciro = trimmed(r.cha_ciro_cari_kodu);
  const account = movementAccountCode(chaKod, ciro, specialCodes);
  if (!account) {
    return reject(`CARI_HESAP_HAREKETLERI cha_RECno ${recno}`, chaKod ? `cha_kod ${chaKod} is a cash box or bank code and cha_ciro_cari_kodu is empty: no account` : 'empty cha_kod');
  }
  const special = specialCodes.has(chaKod);
  const cariCins = int(r.cha_cari_cins);
  const tpoz = int(r.cha_tpoz);
  const cinsi = int(r.cha_cinsi);
  const label = movementLabel(int(r.cha_evrak_tip), int(r.cha_tip), cinsi, int(r.cha_normal_Iade));
  const seri = trimmed(r.cha_evrakno_seri);
  const sira = String(int(r.cha_evrakno_sira));
  const iskonto = ISKONTO.map((i) => num(r[`cha_ft_iskonto${i}`]));
  return {
    row: {
      erp_recno: recno,
      cari_kodu: account,
      islem_tarihi: erpTimestampText(r.cha_tarihi),
      belge_no: `${seri}${sira}`,
      fatura_seri_no: seri,
      fatura_sira_no: sira,
      tutar: num(r.cha_meblag),
      aciklama: text(r.cha_aciklama),
      hareket_tipi: label,
      hareket_turu: movementKind(label, tpoz, cariCins),
      cha_kasa_hizkod: trimmed(r.cha_kasa_hizkod),
      banka_kodu: special && cariCins !== 4 ? chaKod : null,
      kasa_kodu: special && cariCins === 4 ? chaKod : null,
      cha_tpoz: tpoz,
      cha_cari_cins: cariCins,
      cha_grupno: int(r.cha_grupno),
      vade_tarihi: intDateOrNull(r.cha_vade),
      cek: cinsi === 1 || cinsi === 3,
      senet: cinsi === 2 || cinsi === 4,
      iskonto1: iskonto[0]!,
      iskonto2: iskonto[1]!,
      iskonto3: iskonto[2]!,
      iskonto4: iskonto[3]!,
      iskonto5: iskonto[4]!,
      iskonto6: iskonto[5]!,
    },
  };
}

export const mapAccountMovements = (rows: readonly ErpAccountMovement[], specialCodes: ReadonlySet<string>): Mapped<WebAccountMovement> =>
  mapBatch(rows, (r) => mapAccountMovement(r, specialCodes), (w) => String(w.erp_recno));

export type WebStockMovement = {
  erp_recno: number;
  /** Resolved to stoklar.id; an unknown stock waits for its parent. */
  stok_kodu: string;
  /** Resolved to cari_hesaplar.id; unknown -> NULL. */
  cari_kodu: string | null;
  islem_tarihi: string;
  belge_no: string;
  fatura_seri_no: string;
  fatura_sira_no: string;
  /** Integer web column: rounded half away from zero (Q45); `fractional` flags the loss. */
  miktar: number;
  toplam_tutar: number;
  kdv_orani: number;
  kdv_tutari: number;
  fat_recid_recno: number;
  hareket_tipi: string;
  belge_tipi: string;
  iskonto1: number;
  iskonto2: number;
  iskonto3: number;
  iskonto4: number;
  iskonto5: number;
  iskonto6: number;
  sth_isemri_gider_kodu: string | null;
};

export function mapStockMovement(r: ErpStockMovement, vat: VatTable): Outcome<WebStockMovement> & { fractional?: number } {
  const recno = int(r.sth_RECno);
  const stock = trimmed(r.sth_stok_kod);
  if (!stock) return reject(`STOK_HAREKETLERI sth_RECno ${recno}`, 'empty sth_stok_kod');
  const seri = trimmed(r.sth_evrakno_seri);
  const sira = String(int(r.sth_evrakno_sira));
  const qty = num(r.sth_miktar);
  const iskonto = ISKONTO.map((i) => num(r[`sth_iskonto${i}`]));
  const gider = r.sth_isemri_gider_kodu;
  return {
    row: {
      erp_recno: recno,
      stok_kodu: stock,
      cari_kodu: orNull(trimmed(r.sth_cari_kodu)),
      islem_tarihi: erpTimestampText(r.sth_tarih),
      belge_no: `${seri}${sira}`,
      fatura_seri_no: seri,
      fatura_sira_no: sira,
      miktar: roundHalfAway(qty),
      toplam_tutar: num(r.sth_tutar),
      kdv_orani: vatRateOf(int(r.sth_vergi_pntr), vat),
      kdv_tutari: num(r.sth_vergi),
      fat_recid_recno: int(r.sth_fat_recid_recno),
      hareket_tipi: int(r.sth_tip) === 0 ? 'giris' : 'cikis',
      belge_tipi: int(r.sth_cins) === 10 ? 'sayim' : 'fatura',
      iskonto1: iskonto[0]!,
      iskonto2: iskonto[1]!,
      iskonto3: iskonto[2]!,
      iskonto4: iskonto[3]!,
      iskonto5: iskonto[4]!,
      iskonto6: iskonto[5]!,
      sth_isemri_gider_kodu: gider === null || gider === undefined ? null : text(gider),
    },
    ...(Number.isInteger(qty) ? {} : { fractional: qty }),
  };
}

export interface MappedStockMovements extends Mapped<WebStockMovement> {
  /** erp_recno -> exact quantity of rows whose quantity was rounded into the integer column. */
  fractional: Map<number, number>;
}

export function mapStockMovements(rows: readonly ErpStockMovement[], vat: VatTable): MappedStockMovements {
  const fractional = new Map<number, number>();
  const m = mapBatch(
    rows,
    (r) => {
      const out = mapStockMovement(r, vat);
      if ('row' in out && out.fractional !== undefined) fractional.set(out.row.erp_recno, out.fractional);
      return out;
    },
    (w) => String(w.erp_recno),
  );
  return { ...m, fractional };
}
