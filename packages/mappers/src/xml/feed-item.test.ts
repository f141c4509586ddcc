/**
 * The feed's items: numbers with fixed decimals, pictures once each, the code trimmed as the
 * original did, and one upsert row per product code.
 */
import { describe, expect, it } from 'vitest';
import { feedImages, formatDecimal, toFeedItem, toXmlurunlerRow, trimSpaces, uniqueByCode } from './feed-item.js';
import { card } from './feed-card.test-support.js';

describe('numbers', () => {
  it.each([
    [3290.000000000001, 2, '3290'],
    [331.25, 2, '331.25'],
    [166.5, 2, '166.5'],
    [185, 2, '185'],
    [-25, 3, '-25'],
    [0.1 + 0.2, 2, '0.3'],
    [1.005, 2, '1.01'],
    [-1.005, 2, '-1.01'],
    [2087.4999999999995, 2, '2087.5'],
    [76.99999999999, 3, '77'],
    [2.5, 3, '2.5'],
    [-0.004, 2, '0'],
    [1e-7, 3, '0'],
    [12345678.125, 2, '12345678.13'],
    ['12.50', 2, '12.5'],
    [null, 2, '0'],
    [Number.NaN, 2, '0'],
    [Number.POSITIVE_INFINITY, 2, '0'],
  ] as const)('%s with %i decimals is %s', (value, decimals, text) => {
    expect(formatDecimal(value, decimals)).toBe(text);
  });

  it('never writes more decimals than fixed, nor an exponent', () => {
    for (let i = 0; i < 2000; i++) {
      const v = (Math.random() - 0.3) * 10 ** Math.floor(Math.random() * 9) + Math.random() * 1e-9;
      const t = formatDecimal(v, 2);
      expect(t).toMatch(/^-?\d+(\.\d{1,2})?$/);
      expect(Math.abs(Number(t) - v)).toBeLessThanOrEqual(0.005 + 1e-9 * Math.abs(v));
    }
  });

  it('rounds the on-hand quantity for the integer xmlurunler.stock column', () => {
    expect(toXmlurunlerRow(toFeedItem(card({ stock: 2.5 }))).stock).toBe(3);
    expect(toFeedItem(card({ stock: 2.5 })).stock).toBe('2.5');
  });
});

describe('pictures', () => {
  it('prefers url, falls back to path, drops one leading slash, skips empty rows, lists each once in order', () => {
    expect(
      feedImages([
        { url: '', path: '/resimler/a.jpg' },
        { url: 'https://cdn.example/b.jpg?v1', path: 'resimler/ignored.jpg' },
        { url: null, path: 'resimler/a.jpg' },
        { url: '  ', path: null },
        { url: null, path: '//double.jpg' },
        { url: 'https://cdn.example/b.jpg?v1', path: null },
        { url: null, path: 'resimler/c.jpg' },
      ]),
    ).toEqual(['resimler/a.jpg', 'https://cdn.example/b.jpg?v1', '/double.jpg', 'resimler/c.jpg']);
    expect(feedImages(undefined)).toEqual([]);
  });

  it('fills images and the nine slots of xmlurunler from the de-duplicated list', () => {
    const item = toFeedItem(card(), [{ url: null, path: 'x.jpg' }, { url: null, path: 'x.jpg' }]);
    expect(item.images).toEqual(['x.jpg']);
    expect(toXmlurunlerRow(item).images).toEqual(['x.jpg']);
    expect(toXmlurunlerRow(toFeedItem(card())).images).toEqual([]);
  });
});

describe('product code', () => {
  it('trims the code like LTRIM(RTRIM()) (spaces only) and keeps other values untrimmed', () => {
    expect(trimSpaces('  A 1  ')).toBe('A 1');
    expect(trimSpaces('\tA ')).toBe('\tA');
    const item = toFeedItem(card({ sto_kod: ' 0022 ', sto_isim: 'Dart 38 CM ' }));
    expect(item.Product_code).toBe('0022');
    expect(item.Name).toBe('Dart 38 CM ');
  });
});

describe('upsert batches', () => {
  it('keep one row per product code, the first card', () => {
    const rows = [card({ sto_RECno: 1, sto_kod: 'A' }), card({ sto_RECno: 2, sto_kod: 'A ' }), card({ sto_RECno: 3, sto_kod: 'B' })].map((c) =>
      toXmlurunlerRow(toFeedItem(c)),
    );
    const { rows: unique, duplicates } = uniqueByCode(rows);
    expect(unique.map((r) => [r.product_code, r.product_id])).toEqual([
      ['A', 1],
      ['B', 3],
    ]);
    expect(duplicates).toEqual(['A']);
  });
});
