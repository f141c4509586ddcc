/**
 * Mikro table metadata and the row type every Mikro writer uses: types and constants only, shared
 * by the mappers (which build rows) and the connectors (which write and read them back).
 */

/** Mikro's empty date: written instead of NULL into every date column a row does not set. */
export const MIKRO_EMPTY_DATE = '18991230';

/** A Mikro row as we write it: every value present, never NULL. */
export type MikroRow = Record<string, string | number>;

export interface MikroTableInfo {
  /** Column prefix: `cha` of `cha_RECno`. */
  prefix: string;
  /** `<prefix>_fileid`, the value Mikro's client writes (traces). */
  fileId: number;
  /** The identity column, `<prefix>_RECno`. */
  recnoColumn: string;
  /** `<prefix>_lastup_date`: compared after posting to find rows edited in Mikro since. */
  lastupColumn: string;
}

const info = (prefix: string, fileId: number): MikroTableInfo => ({
  prefix,
  fileId,
  recnoColumn: `${prefix}_RECno`,
  lastupColumn: `${prefix}_lastup_date`,
});

/** Column prefix, file id, record number and last-update columns of each table we write (spec 3.2, traces). */
export const MIKRO_TABLE_INFO = {
  CARI_HESAP_HAREKETLERI: info('cha', 51),
  STOK_HAREKETLERI: info('sth', 16),
  ODEME_EMIRLERI: info('sck', 54),
  STOKLAR: info('sto', 13),
  STOK_SATIS_FIYAT_LISTELERI: info('sfiyat', 228),
  CARI_HESAPLAR: info('cari', 31),
  BARKOD_TANIMLARI: info('bar', 13),
  SAYIM_SONUCLARI: info('sym', 28),
  STOK_REYONLARI: info('ryn', 27),
} as const satisfies Record<string, MikroTableInfo>;
