/**
 * The feed's bytes: escaping, characters XML cannot carry, empty values, and the exact bytes of the
 * real feed (sample.xml) for its five products.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { XMLParser } from 'fast-xml-parser';
import { PermanentError } from '@mikrosync/core';
import { toFeedItem, toXmlurunlerRow } from './feed-item.js';
import { card } from './feed-card.test-support.js';
import { escapeXml, FEED_FOOTER, formatGeneratedAt, renderFeedHeader, renderProduct, renderProducts } from './render.js';

const SAMPLE = readFileSync(new URL('../../../../fixtures/stock-xml/sample.xml', import.meta.url), 'utf8');

describe('text values', () => {
  it('escapes the five XML characters as entities and keeps Turkish letters as they are', () => {
    expect(escapeXml(`24'lü "Çiğ" <Şık> & Ğİıöü`)).toBe('24&apos;lü &quot;Çiğ&quot; &lt;Şık&gt; &amp; Ğİıöü');
    const xml = renderProduct(toFeedItem(card({ sto_isim: `A&B <C> "D" 'E' ÇŞĞÜÖİ çşğüöı` })));
    expect(xml).toContain('<Name>A&amp;B &lt;C&gt; &quot;D&quot; &apos;E&apos; ÇŞĞÜÖİ çşğüöı</Name>');
  });

  it('writes empty and NULL values as an open/close pair, never self-closing', () => {
    const xml = renderProduct(toFeedItem(card({ sto_kisa_ismi: null, barcode: null })));
    expect(xml).toContain('<alt_baslik></alt_baslik>');
    expect(xml).toContain('<barcode></barcode>');
    expect(xml).not.toMatch(/\/>/);
    expect(toXmlurunlerRow(toFeedItem(card({ barcode: null }))).barcode).toBeNull();
  });

  it('has no Images element for a product without pictures', () => {
    expect(renderProduct(toFeedItem(card()))).not.toContain('Images');
  });

  it.each([
    ['NUL in the name', { sto_isim: 'Oyuncak\u0000Set' }, /Name \(sto_isim\) contains U\+0000 at position 8/],
    ['a C0 control in the brand', { sto_marka_kodu: 'X\u0001' }, /Brand \(sto_marka_kodu\) contains U\+0001/],
    ['an unpaired surrogate in the shelf', { sto_yer_kod: 'R\uD800' }, /raf_numarasi \(sto_yer_kod\) contains U\+D800/],
    ['U+FFFF in the barcode', { barcode: '1\uFFFF' }, /barcode \(BARKOD_TANIMLARI.bar_kodu\) contains U\+FFFF/],
  ])('refuses %s with a reason naming the card, the column and the fix', (_what, over, reason) => {
    let err: unknown;
    try {
      toFeedItem(card({ sto_kod: 'K-7', sto_RECno: 77, ...over }));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(PermanentError);
    const e = err as PermanentError;
    expect(e.message).toMatch(reason);
    expect(e.message).toContain('stock card "K-7" (sto_RECno 77)');
    expect(e.message).toMatch(/live feed is unchanged.*Fix: remove the character/);
    expect(e.record).toEqual({ table: 'STOKLAR', id: 'K-7' });
  });

  it('refuses a picture path with a control character', () => {
    expect(() => toFeedItem(card(), [{ url: null, path: 'a\u0007.jpg' }])).toThrow(/image \(entegra_pictures.url\/path\) contains U\+0007/);
  });

  it('accepts tab, line feed, carriage return and astral characters', () => {
    expect(() => toFeedItem(card({ sto_isim: 'a\tb\nc\rd 🧸' }))).not.toThrow();
  });
});

describe('the real feed (sample.xml)', () => {
  it('formats the generation time the way the original did (tr-TR, shop time zone)', () => {
    expect(formatGeneratedAt(new Date('2026-05-14T08:25:52Z'), 'Europe/Istanbul')).toBe('14.05.2026 11:25:52');
    expect(formatGeneratedAt(new Date('2026-01-02T21:05:09Z'), 'Europe/Istanbul')).toBe('03.01.2026 00:05:09');
  });

  it('renders the five sample products byte for byte, with each picture once', () => {
    const parsed = new XMLParser({ parseTagValue: false, trimValues: false }).parse(SAMPLE) as {
      Products: { Metadata: { GeneratedAt: string; ProductCount: string }; Product: Record<string, unknown>[] };
    };
    const items = parsed.Products.Product.map((p, i) => {
      const images = Object.entries((p.Images ?? {}) as Record<string, string>)
        .filter(([k]) => /^Image\d+$/.test(k))
        .map(([, v]) => v);
      return toFeedItem(
        {
          sto_RECno: i + 1,
          sto_kod: String(p.Product_code),
          sto_isim: String(p.Name),
          sto_marka_kodu: String(p.Brand),
          sto_kisa_ismi: String(p.alt_baslik),
          sto_yer_kod: String(p.raf_numarasi),
          sto_sektor_kodu: String(p.alt_baslik2),
          sto_ambalaj_kodu: String(p.mensei),
          sto_altgrup_kod: String(p.grup_kod),
          sto_anagrup_kod: String(p.ana_grup_kod),
          barcode: String(p.barcode),
          stock: Number(p.stock),
          price1: Number(p.Price),
          price2: Number(p.Price2),
          price3: Number(p.Pricebayi),
        },
        images.map((path) => ({ url: null, path: `/${path}` })),
      );
    });
    const xml = renderFeedHeader(parsed.Products.Metadata.GeneratedAt, Number(parsed.Products.Metadata.ProductCount)) + renderProducts(items) + FEED_FOOTER;
    // The sample with the original's duplicate pictures removed (known problem 1) and renumbered.
    const expected = SAMPLE.replace(/ {4}<Images>\n([\s\S]*?) {4}<\/Images>\n/g, (_block, inner: string) => {
      const values = [...inner.matchAll(/<Image\d+>(.*?)<\/Image\d+>/g)].map((m) => m[1] ?? '');
      const unique = [...new Set(values)];
      return `    <Images>\n${unique.map((v, i) => `      <Image${i + 1}>${v}</Image${i + 1}>\n`).join('')}    </Images>\n`;
    });
    expect(expected).not.toBe(SAMPLE);
    expect(xml).toBe(expected);
  });
});
