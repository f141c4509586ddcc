/**
 * The feed's bytes, exactly as the real `sadece-stoklar.xml` (spec stock-xml.md §3): UTF-8 without
 * BOM, LF line ends, 2/4/6-space indentation, no attributes or CDATA, the five XML characters
 * escaped as entities, empty values as an open/close pair, no newline after `</Products>`.
 * Rendering is plain string building per item: the caller streams items page by page, so memory
 * does not grow with the number of products (xmlbuilder2 was measured; see bench/xml.bench.ts).
 */
import { partsIn } from '@mikrosync/core';
import { FEED_ITEM_FIELDS, type FeedItem } from './feed-item.js';

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };
const SPECIAL = /[&<>"']/;
const SPECIAL_ALL = /[&<>"']/g;

export function escapeXml(value: string): string {
  // Most values have nothing to escape: test first, replace only when needed.
  return SPECIAL.test(value) ? value.replace(SPECIAL_ALL, (c) => ENTITIES[c] ?? c) : value;
}

/** `DD.MM.YYYY HH:MM:SS` in the shop's zone: the original's toLocaleString('tr-TR'). */
export function formatGeneratedAt(date: Date, timeZone: string): string {
  const p = partsIn(date, timeZone);
  return `${p.day}.${p.month}.${p.year} ${p.hour}:${p.minute}:${p.second}`;
}

/** Everything before the first `<Product>`. `generatedAt` is formatGeneratedAt's text. */
export function renderFeedHeader(generatedAt: string, productCount: number): string {
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    `<!-- Generated At: ${generatedAt} -->\n` +
    '<Products>\n' +
    '  <Metadata>\n' +
    `    <GeneratedAt>${escapeXml(generatedAt)}</GeneratedAt>\n` +
    `    <ProductCount>${productCount}</ProductCount>\n` +
    '  </Metadata>\n'
  );
}

/** The last bytes of the file: no newline after the root's end tag. */
export const FEED_FOOTER = '</Products>';

/** One `<Product>` block with its 14 children and, only when there are pictures, `<Images>`. */
export function renderProduct(item: FeedItem): string {
  let out = '  <Product>\n';
  for (const field of FEED_ITEM_FIELDS) out += `    <${field}>${escapeXml(item[field])}</${field}>\n`;
  if (item.images.length > 0) {
    out += '    <Images>\n';
    for (let i = 0; i < item.images.length; i++) out += `      <Image${i + 1}>${escapeXml(item.images[i] ?? '')}</Image${i + 1}>\n`;
    out += '    </Images>\n';
  }
  return out + '  </Product>\n';
}

/** A whole page of products as one string (one write per page). */
export function renderProducts(items: readonly FeedItem[]): string {
  let out = '';
  for (const item of items) out += renderProduct(item);
  return out;
}
