/**
 * Stock movements made on the web (`stok_hareketleri`, erp_recno NULL) -> Mikro `STOK_HAREKETLERI`
 * slips without a header (spec 3.9). Counts follow the `sayim` trace (sth_cins 10, sth_evraktip 0,
 * expense code SAYIM, cost fields set after the insert); depot transfers follow Mikro's usual
 * inter-depot slip (no trace: the codes are configuration, unverified). Other kinds are either
 * posted with their own document by another flow, or not supported.
 */
import { mikroDate, PermanentError, says, type RecordRef } from '@mikrosync/core';
import { checkedCode, cut, mikroRow, type Stamp } from '../mikro/rows.js';
import type { MikroRow } from '../mikro/column-types.js';
import { webNumber, webText, type FieldValue } from './fields.js';

export interface WebMovementRow {
  id: string;
  stok_id: string | null;
  hareket_tipi: string | null;
  miktar: number | string | null;
  birim_fiyat?: number | string | null;
  toplam_tutar?: number | string | null;
  belge_tipi: string | null;
  islem_tarihi: string | Date | null;
  aciklama?: string | null;
  erp_recno?: number | null;
  fatura_seri_no?: string | null;
  fatura_sira_no?: string | number | null;
  // added by our migration: Mikro depot numbers
  cikis_depo_no?: number | null;
  giris_depo_no?: number | null;
  [column: string]: unknown;
}

export interface MovementOptions {
  timeZone: string;
  documentKinds: string[];
  count: { depotNo: number; series: string; expenseCode: string };
  transfer: { kinds: string[]; series: string; sthTip: number; sthCins: number; sthEvrakTip: number };
}

export type MovementClass = { kind: 'count' | 'transfer' } | { kind: 'document'; belgeTipi: string };

const SERIES_WIDTH = 10;

/** What a web movement row is for Mikro; an unknown kind is a permanent error naming the row. */
export function classifyMovement(row: WebMovementRow, opts: MovementOptions, record: RecordRef): MovementClass {
  const kind = (row.belge_tipi ?? '').trim().toLowerCase();
  if (kind === 'sayim') return { kind: 'count' };
  if (opts.transfer.kinds.includes(kind)) return { kind: 'transfer' };
  if (opts.documentKinds.includes(kind)) return { kind: 'document', belgeTipi: kind };
  throw new PermanentError(`${record.table} ${record.id}: stock movement kind (belge_tipi) "${row.belge_tipi ?? ''}" cannot be posted to Mikro.`, {
    record,
    fix: `only stock counts (sayim) and depot transfers (${opts.transfer.kinds.join(', ')}) are posted from stok_hareketleri; enter other movements as documents (sales, purchases, returns) or in Mikro`,
    says: says('err.movementKind', { kind: row.belge_tipi ?? '', kinds: opts.transfer.kinds.join(', ') }),
  });
}

/** A validated slip line: everything that can be wrong with the web row fails here. */
export interface SlipLine {
  record: RecordRef;
  kind: 'count' | 'transfer';
  /** Mikro date literal of islem_tarihi in the ERP's zone. */
  date: string;
  quantity: number;
  /** sth_tip: counts from hareket_tipi (cikis 1 / giris 0), transfers from configuration. */
  tip: number;
  /** Unit cost given by the web (birim_fiyat, or toplam_tutar / quantity); undefined: the stock card's. */
  unitCost: number | undefined;
  fromDepot: number;
  /** Transfers only: the receiving depot. */
  toDepot: number | undefined;
  series: string;
  requestedNumber: number | null;
  note: string;
}

function positiveInt(value: unknown): number | undefined {
  const n = Number(value);
  return value !== null && value !== undefined && value !== '' && Number.isInteger(n) && n > 0 ? n : undefined;
}

export function normalizeMovement(row: WebMovementRow, cls: { kind: 'count' | 'transfer' }, opts: MovementOptions, record: RecordRef): SlipLine {
  const quantity = webNumber(row.miktar);
  if (quantity === null || quantity <= 0) {
    const what = cls.kind === 'count' ? 'counted quantity' : 'transferred quantity';
    throw new PermanentError(`${record.table} ${record.id}: ${what} (miktar) ${quantity ?? 'NULL'} ${quantity !== null && quantity < 0 ? 'is negative' : 'is not a quantity'}; it must be greater than 0.`, {
      record,
      fix: cls.kind === 'count' ? 'enter the count as a positive quantity with hareket_tipi giris (surplus) or cikis (shortage)' : 'enter a positive quantity',
      says: says('err.quantityNotPositive', { quantity: quantity ?? 'NULL' }),
    });
  }
  if (!row.islem_tarihi) throw new PermanentError(`${record.table} ${record.id}: the movement has no date (islem_tarihi).`, { record, fix: 'enter the date', says: says('err.noMovementDate') });
  let date: string;
  try {
    date = mikroDate(row.islem_tarihi instanceof Date ? row.islem_tarihi : String(row.islem_tarihi), opts.timeZone);
  } catch {
    throw new PermanentError(`${record.table} ${record.id}: islem_tarihi "${String(row.islem_tarihi)}" is not a date.`, { record, fix: 'enter a valid date', says: says('err.notADate', { column: 'islem_tarihi', value: String(row.islem_tarihi) }) });
  }
  const web = cls.kind === 'count' ? opts.count : opts.transfer;
  const series = checkedCode(webText(row.fatura_seri_no) || web.series, SERIES_WIDTH, 'document series (fatura_seri_no)', record);
  const sira = webText(row.fatura_sira_no);
  const requestedNumber = sira && /^\d{1,9}$/.test(sira) && Number(sira) > 0 ? Number(sira) : null;
  const price = webNumber(row.birim_fiyat);
  const total = webNumber(row.toplam_tutar);
  const unitCost = price !== null && price > 0 ? price : total !== null && total > 0 ? total / quantity : undefined;
  const base = { record, kind: cls.kind, date, quantity, unitCost, series, requestedNumber, note: cut(webText(row.aciklama) ?? '', 255) };

  if (cls.kind === 'count') {
    const dir = (row.hareket_tipi ?? '').trim().toLowerCase();
    if (dir !== 'giris' && dir !== 'cikis') {
      throw new PermanentError(`${record.table} ${record.id}: a count needs hareket_tipi giris (surplus) or cikis (shortage), not "${row.hareket_tipi ?? ''}".`, {
        record,
        fix: 'set hareket_tipi to giris or cikis',
        says: says('err.countDirection', { value: row.hareket_tipi ?? '' }),
      });
    }
    const depot = positiveInt(row.cikis_depo_no) ?? opts.count.depotNo;
    return { ...base, tip: dir === 'cikis' ? 1 : 0, fromDepot: depot, toDepot: undefined };
  }
  const from = positiveInt(row.cikis_depo_no);
  const to = positiveInt(row.giris_depo_no);
  if (from === undefined || to === undefined) {
    throw new PermanentError(`${record.table} ${record.id}: a depot transfer needs both depots (cikis_depo_no ${row.cikis_depo_no ?? 'NULL'}, giris_depo_no ${row.giris_depo_no ?? 'NULL'}).`, {
      record,
      fix: 'enter the sending depot in cikis_depo_no and the receiving depot in giris_depo_no (Mikro depot numbers)',
      says: says('err.transferDepots', { from: String(row.cikis_depo_no ?? 'NULL'), to: String(row.giris_depo_no ?? 'NULL') }),
    });
  }
  if (from === to) {
    throw new PermanentError(`${record.table} ${record.id}: a depot transfer from depot ${from} to the same depot ${to} moves nothing.`, {
      record,
      fix: 'choose two different depots',
      says: says('err.transferSameDepot', { depot: from }),
    });
  }
  return { ...base, tip: opts.transfer.sthTip, fromDepot: from, toDepot: to };
}

export interface SlipRefs {
  stockCode: string;
  series: string;
  number: number;
  /** The unit cost the slip carries (web value, or the stock card's standard cost). */
  unitCost: number;
  /** Counts: sth_giris_depo_no after the insert (the lowest depot of company 0 / branch 0, as traced). */
  countEntryDepot: number;
  /** VAT pointer of rate 0 (count slips carry no VAT; 1 "YOK" in the trace). */
  noVatPointer: number;
}

export interface SlipPlan {
  insert: MikroRow;
  afterInsert: Record<string, FieldValue>;
  evrakTip: number;
}

const round2 = (n: number) => Math.round(n * 100) / 100;

/** sth_evraktip of a slip, which is also its number range: counts 0 (traced), transfers configured. */
export function slipEvrakTip(kind: 'count' | 'transfer', opts: MovementOptions): number {
  return kind === 'count' ? 0 : opts.transfer.sthEvrakTip;
}

/** The STOK_HAREKETLERI row of a slip line, and what the client updates after the insert. */
export function planSlip(line: SlipLine, refs: SlipRefs, opts: MovementOptions, stamp: Stamp): SlipPlan {
  const isk: Record<string, number> = {};
  for (let i = 2; i <= 10; i++) isk[`sth_isk_mas${i}`] = 1;
  const count = line.kind === 'count';
  const evrakTip = slipEvrakTip(line.kind, opts);
  const insert = mikroRow('STOK_HAREKETLERI', stamp, {
    ...isk,
    sth_tarih: line.date,
    sth_belge_tarih: line.date,
    sth_malkbl_sevk_tarihi: line.date,
    sth_tip: line.tip,
    sth_cins: count ? 10 : opts.transfer.sthCins,
    sth_normal_iade: 0,
    sth_evraktip: evrakTip,
    sth_evrakno_seri: refs.series,
    sth_evrakno_sira: refs.number,
    sth_satirno: 0,
    sth_stok_kod: refs.stockCode,
    sth_cari_kodu: '',
    sth_isemri_gider_kodu: count ? opts.count.expenseCode : '',
    sth_har_doviz_kuru: 1,
    sth_alt_doviz_kuru: 1,
    sth_stok_doviz_kuru: 1,
    sth_miktar: line.quantity,
    sth_miktar2: line.quantity,
    sth_birim_pntr: 1,
    sth_tutar: round2(line.quantity * refs.unitCost),
    sth_vergi_pntr: refs.noVatPointer,
    sth_vergi: 0,
    sth_aciklama: line.note,
    // The client inserts a count with entry depot 0 and sets it afterwards.
    sth_giris_depo_no: count ? 0 : (line.toDepot ?? 0),
    sth_cikis_depo_no: line.fromDepot,
    sth_adres_no: 1,
    sth_fiyat_liste_no: 0,
  });
  const afterInsert: Record<string, FieldValue> = count
    ? { sth_giris_depo_no: refs.countEntryDepot, sth_maliyet_ana: refs.unitCost, sth_maliyet_alternatif: refs.unitCost, sth_maliyet_orjinal: refs.unitCost }
    : {};
  return { insert, afterInsert, evrakTip };
}

/** What the posted slip was made of: a later change of it on the web is an edit after posting. */
export function movementFingerprint(line: SlipLine, stockCode: string): string {
  const { record: _r, requestedNumber: _n, series: _s, ...content } = line;
  return JSON.stringify({ ...content, stockCode });
}
