/**
 * Stock XML feed items (spec stock-xml.md §1-§3): one ERP stock card with its first barcode,
 * on-hand quantity and list 1/2/3 prices, plus its Entegra pictures, becomes one `<Product>` and
 * one `xmlurunler` row. Pure: no I/O.
 *
 * Deliberate fixes of the original (issue 7): numbers are rounded to a fixed number of decimals
 * (no `3290.000000000001`), and each picture is listed once, in first-seen order.
 */
import { PermanentError, says, type ErpFeedProductRow, type XmlurunlerRow } from '@mikrosync/core';

// Declared in core, at the connector/mapper seam; re-exported here while imports move there.
export type { ErpFeedProductRow, XmlurunlerRow } from '@mikrosync/core';

/** One picture row of the Entegra mirror, in the order of the read (sort_order, then id). */
export interface FeedPictureRow {
  url: string | null;
  path: string | null;
}

/**
 * A feed item. Field names are the XML element names, in document order; numbers are already
 * formatted (fixed decimals, trailing zeros dropped) so the XML and `xmlurunler` carry the same value.
 */
export interface FeedItem {
  product_id: number;
  Product_code: string;
  Name: string;
  Brand: string;
  alt_baslik: string;
  raf_numarasi: string;
  alt_baslik2: string;
  mensei: string;
  grup_kod: string;
  ana_grup_kod: string;
  barcode: string;
  stock: string;
  Price: string;
  Price2: string;
  Pricebayi: string;
  images: string[];
}

/** The 14 children of `<Product>`, in the order of the real feed (note raf_numarasi before alt_baslik2). */
export const FEED_ITEM_FIELDS = [
  'Product_code',
  'Name',
  'Brand',
  'alt_baslik',
  'raf_numarasi',
  'alt_baslik2',
  'mensei',
  'grup_kod',
  'ana_grup_kod',
  'barcode',
  'stock',
  'Price',
  'Price2',
  'Pricebayi',
] as const;

/** Prices: kuruş precision. Quantities: Mikro keeps three decimals for weights and lengths. */
export const PRICE_DECIMALS = 2;
export const QUANTITY_DECIMALS = 3;

/**
 * `value` rounded half away from zero to `decimals`, written without trailing zeros, so whole
 * numbers stay `185` and `331.25` stays `331.25` as in the real feed, while float artefacts such
 * as `3290.000000000001` become `3290`. NULL, NaN and infinities are `0`, as in the original.
 */
export function formatDecimal(value: number | string | null | undefined, decimals: number): string {
  const n = typeof value === 'number' ? value : Number(value ?? 0);
  if (!Number.isFinite(n) || n === 0) return '0';
  const s = String(n);
  const neg = n < 0;
  const abs = neg ? s.slice(1) : s;
  if (abs.includes('e')) {
    // Below 1e-6 (rounds to 0 here) or at least 1e21 (no decimals to round).
    if (Math.abs(n) >= 1) return s;
    const fixed = Math.abs(n).toFixed(decimals).replace(/\.?0+$/, '');
    return fixed === '0' ? '0' : neg ? `-${fixed}` : fixed;
  }
  const dot = abs.indexOf('.');
  if (dot < 0 || abs.length - dot - 1 <= decimals) return s;
  // Shift by the decimal exponent of the shortest representation, so 1.005 rounds to 1.01.
  const rounded = Number(`${Math.round(Number(`${abs}e${decimals}`))}e-${decimals}`);
  if (rounded === 0) return '0';
  return neg ? `-${rounded}` : String(rounded);
}

/** SQL Server's LTRIM(RTRIM()): spaces only, unlike String.trim(). */
export function trimSpaces(s: string): string {
  let a = 0;
  let b = s.length;
  while (a < b && s.charCodeAt(a) === 32) a++;
  while (b > a && s.charCodeAt(b - 1) === 32) b--;
  return a === 0 && b === s.length ? s : s.slice(a, b);
}

/**
 * The image values of one product: `url` when it is not blank, otherwise `path`; one leading `/`
 * removed; rows with neither skipped; each value once, first occurrence kept (known problem 1).
 */
export function feedImages(pictures: readonly FeedPictureRow[] | undefined): string[] {
  if (!pictures || pictures.length === 0) return [];
  const out: string[] = [];
  const seen = new Set<string>();
  for (const p of pictures) {
    let v = p.url && p.url.trim() !== '' ? p.url : p.path && p.path.trim() !== '' ? p.path : undefined;
    if (v === undefined) continue;
    if (v.charCodeAt(0) === 47 /* / */) v = v.slice(1);
    if (v === '' || seen.has(v)) continue;
    seen.add(v);
    out.push(v);
  }
  return out;
}

// Characters XML 1.0 cannot carry at all (not even escaped): C0 controls other than tab, LF, CR;
// U+FFFE/U+FFFF; unpaired surrogates. Matching control characters is the point of these two.
// eslint-disable-next-line no-control-regex
const NOT_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
// Cheap first test (no look-around); only a hit, or an astral character, runs NOT_XML.
// eslint-disable-next-line no-control-regex
const MAYBE_NOT_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uD800-\uDFFF\uFFFE\uFFFF]/;

/** Where a text value of an item came from, for the error message. */
const SOURCE_COLUMN: Record<string, string> = {
  Product_code: 'sto_kod',
  Name: 'sto_isim',
  Brand: 'sto_marka_kodu',
  alt_baslik: 'sto_kisa_ismi',
  raf_numarasi: 'sto_yer_kod',
  alt_baslik2: 'sto_sektor_kodu',
  mensei: 'sto_ambalaj_kodu',
  grup_kod: 'sto_altgrup_kod',
  ana_grup_kod: 'sto_anagrup_kod',
  barcode: 'BARKOD_TANIMLARI.bar_kodu',
};

function codePoint(ch: string): string {
  return `U+${(ch.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
}

function checkText(item: Pick<FeedItem, 'Product_code' | 'product_id'>, field: string, value: string): void {
  if (!MAYBE_NOT_XML.test(value)) return;
  const m = NOT_XML.exec(value);
  if (!m) return;
  const column = SOURCE_COLUMN[field] ?? 'entegra_pictures.url/path';
  throw new PermanentError(
    `stock card "${item.Product_code}" (sto_RECno ${item.product_id}): ${field} (${column}) contains ${codePoint(m[0])} at position ${m.index + 1}, a character XML cannot carry; the feed was not published and the live feed is unchanged.`,
    {
      record: { table: 'STOKLAR', id: item.Product_code },
      says: says('err.feedCharacter', { code: item.Product_code, column, character: codePoint(m[0]) }),
      fix: `remove the character from ${column} of stock card "${item.Product_code}"${field === 'image' ? ' (Entegra picture)' : ' in Mikro'}, then run the feed again (npm run stock-xml).`,
    },
  );
}

/**
 * Builds the feed item of one stock card. Throws a PermanentError naming the card, the column and
 * the character when a value cannot be written as XML, so no invalid feed is ever published.
 */
export function toFeedItem(row: ErpFeedProductRow, pictures?: readonly FeedPictureRow[]): FeedItem {
  const item: FeedItem = {
    product_id: Number(row.sto_RECno),
    Product_code: trimSpaces(row.sto_kod ?? ''),
    Name: row.sto_isim ?? '',
    Brand: row.sto_marka_kodu ?? '',
    alt_baslik: row.sto_kisa_ismi ?? '',
    raf_numarasi: row.sto_yer_kod ?? '',
    alt_baslik2: row.sto_sektor_kodu ?? '',
    mensei: row.sto_ambalaj_kodu ?? '',
    grup_kod: row.sto_altgrup_kod ?? '',
    ana_grup_kod: row.sto_anagrup_kod ?? '',
    barcode: row.barcode ?? '',
    stock: formatDecimal(row.stock, QUANTITY_DECIMALS),
    Price: formatDecimal(row.price1, PRICE_DECIMALS),
    Price2: formatDecimal(row.price2, PRICE_DECIMALS),
    Pricebayi: formatDecimal(row.price3, PRICE_DECIMALS),
    images: feedImages(pictures),
  };
  for (const field of FEED_ITEM_FIELDS) {
    if (field === 'stock' || field === 'Price' || field === 'Price2' || field === 'Pricebayi') continue;
    checkText(item, field, item[field]);
  }
  for (const image of item.images) checkText(item, 'image', image);
  return item;
}

export function toXmlurunlerRow(item: FeedItem): XmlurunlerRow {
  return {
    product_id: item.product_id,
    product_code: item.Product_code,
    name: item.Name,
    brand: item.Brand,
    alt_baslik: item.alt_baslik,
    alt_baslik2: item.alt_baslik2,
    barcode: item.barcode === '' ? null : item.barcode,
    raf_numarasi: item.raf_numarasi,
    mensei: item.mensei,
    grup_kod: item.grup_kod,
    ana_grup_kod: item.ana_grup_kod,
    stock: Math.round(Number(item.stock)),
    price: item.Price,
    Price2: item.Price2,
    Pricebayi: item.Pricebayi,
    images: item.images,
  };
}

/**
 * Rows for one set-based upsert: one row per product code (the upsert key), first occurrence kept.
 * Returns the duplicates dropped so the caller can log them.
 */
export function uniqueByCode(rows: readonly XmlurunlerRow[]): { rows: XmlurunlerRow[]; duplicates: string[] } {
  const seen = new Set<string>();
  const out: XmlurunlerRow[] = [];
  const duplicates: string[] = [];
  for (const r of rows) {
    if (seen.has(r.product_code)) duplicates.push(r.product_code);
    else {
      seen.add(r.product_code);
      out.push(r);
    }
  }
  return { rows: out, duplicates };
}
