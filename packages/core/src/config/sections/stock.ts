import { z } from 'zod';
import { int, list } from '../fields.js';
import { section } from '../section.js';

/** STOCK_CARD_DEFAULTS / CUSTOMER_CARD_DEFAULTS: a JSON object of column -> text or number; undefined when malformed. */
export function columnValues(value: string | undefined): Record<string, string | number> | undefined {
  if (value === undefined || value.trim() === '') return {};
  try {
    const parsed: unknown = JSON.parse(value);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return undefined;
    const entries = Object.entries(parsed as Record<string, unknown>);
    return entries.every(([, v]) => typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v))) ? (parsed as Record<string, string | number>) : undefined;
  } catch {
    return undefined;
  }
}

const columnDefaults = z.string().refine((v) => columnValues(v) !== undefined, { message: 'expected a JSON object of column: text or number' }).optional();

export const stock = section(
  `Stock: web -> Mikro stock cards, barcodes, prices, counts, transfers, customers (stock domain)
Inter-depot slip codes (STOCK_TRANSFER_STH_*): NOT traced (Mikro's usual "depolar arası sevk fişi" values); verify with a trace.`,
  {
    STOCK_UNITS: list('Adet,Kg,Gr,Lt,Ml,Mt,Cm,M2,M3,Koli,Paket,Kutu,Çift,Takım,Set,Düzine')
      .refine((units) => units.every((u) => [...u].length <= 10), { message: 'expected unit names of at most 10 characters, comma-separated' })
      .describe("units a web card may carry (sto_birim1_ad, max 10 characters each); empty unit = ''"),
    STOCK_CARD_DEFAULTS: columnDefaults.describe(
      'JSON {"sto_column": value} over the traced new-card defaults (accounting codes, VAT pointers 4, label flags); columns and types checked at start-up',
    ),
    CUSTOMER_CARD_DEFAULTS: columnDefaults.describe(
      'JSON {"cari_column": value} over the traced new-account defaults (cari_vade_fark_yuz 25, guarantee accounts 910/912/226/326, ...); checked at start-up',
    ),
    STOCK_DOCUMENT_MOVEMENT_KINDS: list('satis,alis,iade,fatura').describe('web stok_hareketleri.belge_tipi values posted with their document: not written by the stock flow'),
    STOCK_COUNT_DEPOT_NO: int(1, 0, 32767).describe('depot of a count slip when the row names none (sth_cikis_depo_no)'),
    STOCK_COUNT_SERIES: z.string().max(10).default('').describe('sth_evrakno_seri of count slips (empty as traced)'),
    STOCK_COUNT_EXPENSE_CODE: z.string().max(25).default('SAYIM').describe('sth_isemri_gider_kodu of count slips (traced)'),
    STOCK_TRANSFER_KINDS: list('transfer,depo_transfer').describe('belge_tipi values that are depot transfers (cikis_depo_no -> giris_depo_no)'),
    STOCK_TRANSFER_SERIES: z.string().max(10).default('').describe('sth_evrakno_seri of transfer slips'),
    STOCK_TRANSFER_STH_TIP: int(2, 0, 255).describe('sth_tip of a transfer line (unverified)'),
    STOCK_TRANSFER_STH_CINS: int(6, 0, 255).describe('sth_cins of a transfer line (unverified)'),
    STOCK_TRANSFER_STH_EVRAKTIP: int(2, 0, 255).describe('sth_evraktip of a transfer slip, also its number range (unverified)'),
  },
  (e) => ({
    /** Units a web stock card may carry, in Mikro's spelling (matched case-insensitively). */
    units: e.STOCK_UNITS,
    /** Column values over the traced defaults of a new STOKLAR / CARI_HESAPLAR row. */
    cardDefaults: columnValues(e.STOCK_CARD_DEFAULTS) ?? {},
    customerDefaults: columnValues(e.CUSTOMER_CARD_DEFAULTS) ?? {},
    /** stok_hareketleri kinds posted with their documents by other flows (nothing to write here). */
    documentMovementKinds: e.STOCK_DOCUMENT_MOVEMENT_KINDS.map((k) => k.toLowerCase()),
    count: { depotNo: e.STOCK_COUNT_DEPOT_NO, series: e.STOCK_COUNT_SERIES, expenseCode: e.STOCK_COUNT_EXPENSE_CODE },
    /** Inter-depot slips: kinds on the web, and Mikro's codes (untraced, configurable). */
    transfer: {
      kinds: e.STOCK_TRANSFER_KINDS.map((k) => k.toLowerCase()),
      series: e.STOCK_TRANSFER_SERIES,
      sthTip: e.STOCK_TRANSFER_STH_TIP,
      sthCins: e.STOCK_TRANSFER_STH_CINS,
      sthEvrakTip: e.STOCK_TRANSFER_STH_EVRAKTIP,
    },
  }),
);
