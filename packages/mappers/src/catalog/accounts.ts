/**
 * Accounts (spec 2.7), cash boxes, banks and depots (spec 2.8).
 */
import { keepLast, mapBatch, reject, type Mapped, type Outcome } from './batch.js';
import { cut, erpTimestampOrNull, int, text, trimmed } from './values.js';
import type { ErpAccount, ErpCashBox, ErpBank, ErpDepot } from '@mikrosync/core';

// Declared in core, at the connector/mapper seam; re-exported here while imports move there.
export type { ErpAccount, ErpCashBox, ErpBank, ErpDepot } from '@mikrosync/core';

export type WebAccount = {
  cari_kodu: string;
  cari_adi: string;
  telefon: string;
  eposta: string;
  vergi_dairesi: string;
  vergi_no: string;
  cari_tipi: string;
};

/** cari_baglanti_tipi 1 = supplier; everything else a customer (open question Q27). */
export const accountKind = (baglantiTipi: unknown): string => (int(baglantiTipi) === 1 ? 'Tedarikçi' : 'Müşteri');

export function mapAccount(r: ErpAccount): Outcome<WebAccount> {
  const code = trimmed(r.cari_kod);
  if (!code) return reject(`CARI_HESAPLAR cari_RECno ${text(r.cari_RECno)}`, 'empty cari_kod');
  return {
    row: {
      cari_kodu: code,
      cari_adi: `${trimmed(r.cari_unvan1)} ${trimmed(r.cari_unvan2)}`.trim(),
      telefon: trimmed(r.cari_CepTel),
      eposta: trimmed(r.cari_EMail),
      vergi_dairesi: trimmed(r.cari_vdaire_adi),
      vergi_no: trimmed(r.cari_vdaire_no),
      cari_tipi: accountKind(r.cari_baglanti_tipi),
    },
  };
}

export const mapAccounts = (rows: readonly ErpAccount[]): Mapped<WebAccount> => mapBatch(rows, mapAccount, (w) => w.cari_kodu);

export type WebCashBox = {
  kasa_kodu: string;
  kasa_adi: string;
  olusturma_tarihi: string | null;
  guncelleme_tarihi: string | null;
};

export function mapCashBox(r: ErpCashBox): Outcome<WebCashBox> {
  const code = trimmed(r.kas_kod);
  if (!code) return reject('KASALAR ""', 'empty kas_kod');
  return {
    row: { kasa_kodu: code, kasa_adi: trimmed(r.kas_isim) || code, olusturma_tarihi: erpTimestampOrNull(r.kas_create_date), guncelleme_tarihi: erpTimestampOrNull(r.kas_lastup_date) },
  };
}

export const mapCashBoxes = (rows: readonly ErpCashBox[]): Mapped<WebCashBox> => mapBatch(rows, mapCashBox, (w) => w.kasa_kodu);

export type WebBank = {
  ban_kod: string;
  banka_adi: string;
  sube_adi: string;
  hesap_no: string;
  olusturma_tarihi: string | null;
  guncelleme_tarihi: string | null;
};

export function mapBank(r: ErpBank): Outcome<WebBank> {
  const code = trimmed(r.ban_kod);
  if (!code) return reject(`BANKALAR ban_RECno ${text(r.ban_RECno)}`, 'empty ban_kod');
  return {
    row: {
      ban_kod: code,
      banka_adi: trimmed(r.ban_ismi) || code,
      sube_adi: trimmed(r.ban_sube),
      hesap_no: trimmed(r.ban_hesapno),
      olusturma_tarihi: erpTimestampOrNull(r.ban_create_date),
      guncelleme_tarihi: erpTimestampOrNull(r.ban_lastup_date),
    },
  };
}

/**
 * bankalar.banka_adi is unique on the web while Mikro allows one name for several accounts (two
 * branches of one bank): a name repeated within the batch becomes "<name> (<ban_kod>)".
 */
export function mapBanks(rows: readonly ErpBank[]): Mapped<WebBank> {
  const m = mapBatch(rows, mapBank, (w) => w.ban_kod);
  const seen = new Set<string>();
  for (const b of m.rows) {
    if (seen.has(b.banka_adi)) b.banka_adi = `${b.banka_adi} (${b.ban_kod})`;
    seen.add(b.banka_adi);
  }
  return m;
}

export type WebDepot = {
  erp_recno: number;
  depo_no: number;
  depo_adi: string;
  olusturma_tarihi: string | null;
  guncelleme_tarihi: string | null;
};

/** depolar.depo_adi is varchar(100): a longer Mikro name is cut, not a failed batch. */
export function mapDepot(r: ErpDepot): Outcome<WebDepot> {
  const name = trimmed(r.dep_adi) || `Depo ${int(r.dep_no)}`;
  return {
    row: { erp_recno: int(r.dep_RECno), depo_no: int(r.dep_no), depo_adi: cut(name, 100), olusturma_tarihi: erpTimestampOrNull(r.dep_create_date), guncelleme_tarihi: erpTimestampOrNull(r.dep_lastup_date) },
  };
}

/** depolar has two unique keys (erp_recno, depo_no): both are de-duplicated, the later row wins. */
export function mapDepots(rows: readonly ErpDepot[]): Mapped<WebDepot> {
  const m = mapBatch(rows, mapDepot, (w) => String(w.erp_recno));
  const byNo = keepLast(m.rows, (w) => String(w.depo_no));
  return { rows: byNo.rows, rejected: m.rejected, duplicates: m.duplicates + byNo.duplicates };
}
