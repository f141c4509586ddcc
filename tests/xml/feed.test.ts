/**
 * The stock XML feed's content on real databases (ERP stand-in or SQL Server, web PostgreSQL):
 * the element tree of the real feed, the ERP rules (first barcode, price list winners, on-hand,
 * every card), pictures once each, escaping, the `xmlurunler` upsert, and bad input.
 * No upload here (SSH_HOST unset): tests/xml/upload.test.ts covers the feed server.
 */
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Job } from 'bullmq';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, PermanentError, type TaskResult } from '@mikrosync/core';
import { ident, observeStatements, render, sql, type ErpClient, type Row } from '@mikrosync/connectors';
import { createWorkerContext, DOMAIN_TASKS, type TaskRun, type WorkerContext } from '@mikrosync/workers';
import { configuredSchedules } from '@mikrosync/producer';
import { createTestEnv, type TestEnv } from '../support/test-env.js';
import { seedErpCards, seedPictures } from '../support/stock-xml-seed.js';
import { assertTsql } from '../support/tsql.js';

const SAMPLE = await readFile(new URL('../../fixtures/stock-xml/sample.xml', import.meta.url), 'utf8');
const FIELDS = ['Product_code', 'Name', 'Brand', 'alt_baslik', 'raf_numarasi', 'alt_baslik2', 'mensei', 'grup_kod', 'ana_grup_kod', 'barcode', 'stock', 'Price', 'Price2', 'Pricebayi'];
const TRICKY_NAME = `24'lü "Büyük" <Set> & Çiğ Ölçü İıŞşĞğ`;

type Ordered = Record<string, unknown>[];
const orderedParser = new XMLParser({ preserveOrder: true, parseTagValue: false, trimValues: false, commentPropName: '#comment' });
const plainParser = new XMLParser({ parseTagValue: false, isArray: (name) => name === 'Product' });

/** Element names only, children in order; Image1..n become ImageN; text nodes dropped. */
function skeleton(nodes: Ordered): unknown[] {
  const out: unknown[] = [];
  for (const n of nodes) {
    const name = Object.keys(n).find((k) => k !== ':@');
    if (!name || name === '#text' || name === '#comment' || name === '?xml') continue;
    out.push({ [name.replace(/^Image\d+$/, 'ImageN')]: skeleton(n[name] as Ordered) });
  }
  return out;
}

/** The distinct child sequences of each element name, e.g. Product -> [[14 fields], [14 fields, Images]]. */
function grammar(tree: unknown[], acc = new Map<string, Set<string>>()): Map<string, Set<string>> {
  for (const node of tree as Record<string, unknown[]>[]) {
    const [name, children] = Object.entries(node)[0] ?? [];
    if (!name || !children) continue;
    const seq = children.map((c) => Object.keys(c as object)[0]).filter((v, i, a) => !(v === 'ImageN' && a[i - 1] === 'ImageN'));
    if (!acc.has(name)) acc.set(name, new Set());
    acc.get(name)?.add(JSON.stringify(seq));
    grammar(children, acc);
  }
  return acc;
}

describe('stock XML feed: content', () => {
  let t: TestEnv;
  let ctx: WorkerContext;
  let outDir: string;
  const feedPath = () => path.join(outDir, 'sadece-stoklar.xml');
  const run = (): TaskRun => ({ job: { id: 'test' } as unknown as Job, args: {}, signal: new AbortController().signal, progress: async () => undefined });
  const feed = (c: WorkerContext = ctx): Promise<TaskResult> => {
    const task = DOMAIN_TASKS.xml?.feed;
    if (!task) throw new Error('xml feed task is not registered');
    return task(c, run());
  };

  beforeAll(async () => {
    outDir = await mkdtemp(path.join(os.tmpdir(), 'mikrosync-feed-'));
    t = await createTestEnv({ STOCK_XML_OUTPUT_DIR: outDir, STOCK_XML_PAGE_SIZE: '2' });
    ctx = createWorkerContext(t.config, t.log);
    await seedErpCards(t.erp, [
      {
        code: ' 000537 ',
        name: '000537 - Streç Fare Figür 23 CM 4 Ast',
        brand: 'SUNMAN',
        shelf: 'U-C1',
        size: '23 cm',
        packaging: 'Kartela',
        group: 'O-69',
        mainGroup: 'OYN',
        barcodes: ['075656000537', '9990000000001'],
        // A depot-2 row first: the depot-0 row of list 1 wins although it came later.
        prices: [[1, 999, 2], [1, 185], [2, 331.25000000000006], [3, 166.5]],
        movements: [100, -23],
      },
      { code: 'TR-ŞĞÜ', name: TRICKY_NAME, brand: 'Özel & Co', subtitle: 'a<b', packaging: "Kutu'lu" },
      { code: 'ART', name: 'Float artefact', prices: [[1, 3290.000000000001], [2, 2087.4999999999995], [3, 0.1 + 0.2]], movements: [-5] },
      { code: 'PASIF', name: 'Passive card', passive: true, movements: [3, 4] },
      { code: 'case', name: 'Lower-case code', barcodes: ['1'] },
    ]);
    await seedPictures(t.web, [
      {
        id: 10,
        code: '000537',
        pictures: [
          { id: 101, path: '/resimler/fare-1.jpg', sort: 1 },
          { id: 102, url: '', path: 'resimler/fare-1.jpg', sort: 1 },
          { id: 103, url: 'https://cdn.example/fare-2.jpg?imformat=generic', path: 'resimler/ignored.jpg', sort: 2 },
          { id: 104, path: '/resimler/fare-1.jpg', sort: 3 },
          { id: 105, url: null, path: null, sort: 4 },
        ],
      },
      // Matching is exact on the trimmed ERP code, as in the original: 'CASE' is not 'case'.
      { id: 11, code: 'CASE', pictures: [{ id: 111, path: 'resimler/case.jpg' }] },
    ]);
  });
  afterAll(async () => {
    await ctx?.close();
    await t?.cleanup();
    await rm(outDir, { recursive: true, force: true });
  });

  it('writes the element tree of the real feed, with Images only for products that have pictures', async () => {
    const result = await feed();
    expect(result.rows).toMatchObject({ products: 5, pictures: 2, 'xmlurunler inserted': 5, 'xmlurunler updated': 0 });
    expect(result.summary).toMatch(/not uploaded: SSH_HOST is not set/);
    const xml = await readFile(feedPath(), 'utf8');
    expect(XMLValidator.validate(xml)).toBe(true);

    const ours = grammar(skeleton(orderedParser.parse(xml) as Ordered));
    const real = grammar(skeleton(orderedParser.parse(SAMPLE) as Ordered));
    expect([...ours.keys()].sort()).toEqual([...real.keys()].sort());
    // Every product of the sample has pictures; the spec's omission of Images is the other form.
    real.get('Product')?.add(JSON.stringify(FIELDS));
    for (const [name, seqs] of ours) expect([...seqs].filter((s) => !real.get(name)?.has(s)), name).toEqual([]);
    expect(real.get('Product')?.has(JSON.stringify([...FIELDS, 'Images']))).toBe(true);
    expect(ours.get('Product')).toEqual(new Set([JSON.stringify(FIELDS), JSON.stringify([...FIELDS, 'Images'])]));

    // Bytes: no BOM, the declaration and comment lines, LF only, nothing after </Products>.
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<!-- Generated At: ')).toBe(true);
    expect(xml).toMatch(/^<\?xml[^\n]*\n<!-- Generated At: \d\d\.\d\d\.\d{4} \d\d:\d\d:\d\d -->\n<Products>\n {2}<Metadata>\n {4}<GeneratedAt>/);
    expect(xml).not.toContain('\r');
    expect(xml.endsWith('  </Product>\n</Products>')).toBe(true);
  });

  it('carries the ERP values: trimmed code, first barcode, list prices (depot 0 wins), on-hand, every card', async () => {
    const doc = plainParser.parse(await readFile(feedPath(), 'utf8')) as { Products: { Metadata: Record<string, string>; Product: Record<string, unknown>[] } };
    const products = doc.Products.Product;
    expect(doc.Products.Metadata.ProductCount).toBe('5');
    expect(products.map((p) => p.Product_code)).toEqual(['000537', 'TR-ŞĞÜ', 'ART', 'PASIF', 'case']);
    const [fare, tricky, art, passive, lower] = products as Record<string, unknown>[];
    expect(fare).toMatchObject({ Name: '000537 - Streç Fare Figür 23 CM 4 Ast', Brand: 'SUNMAN', raf_numarasi: 'U-C1', alt_baslik2: '23 cm', mensei: 'Kartela', grup_kod: 'O-69', ana_grup_kod: 'OYN' });
    expect(fare).toMatchObject({ barcode: '075656000537', stock: '77', Price: '185', Price2: '331.25', Pricebayi: '166.5' });
    expect(fare?.Images).toEqual({ Image1: 'resimler/fare-1.jpg', Image2: 'https://cdn.example/fare-2.jpg?imformat=generic' });
    expect(art).toMatchObject({ Price: '3290', Price2: '2087.5', Pricebayi: '0.3', stock: '-5' });
    expect(passive).toMatchObject({ stock: '7', Price: '0', barcode: '' });
    expect(lower).not.toHaveProperty('Images');
    expect(tricky).not.toHaveProperty('Images');
  });

  it('escapes the five XML characters and keeps Turkish letters, so a parser returns the ERP text', async () => {
    const xml = await readFile(feedPath(), 'utf8');
    expect(xml).toContain('<Name>24&apos;lü &quot;Büyük&quot; &lt;Set&gt; &amp; Çiğ Ölçü İıŞşĞğ</Name>');
    expect(xml).toContain('<Product_code>TR-ŞĞÜ</Product_code>');
    const parsed = new XMLParser({ parseTagValue: false, isArray: (n) => n === 'Product' }).parse(xml) as { Products: { Product: Record<string, string>[] } };
    const tricky = parsed.Products.Product[1];
    expect(tricky).toMatchObject({ Name: TRICKY_NAME, Brand: 'Özel & Co', alt_baslik: 'a<b', mensei: "Kutu'lu", barcode: '' });
  });

  it('upserts xmlurunler set-based: values, images and slots; a second run changes nothing; a change updates one row', async () => {
    const rows = async () => (await t.web.query('SELECT * FROM xmlurunler ORDER BY product_id')).rows;
    const first = await rows();
    expect(first).toHaveLength(5);
    expect(first[0]).toMatchObject({ product_code: '000537', name: '000537 - Streç Fare Figür 23 CM 4 Ast', barcode: '075656000537', stock: 77, price: '185', Price2: '331.25', Pricebayi: '166.5' });
    expect(first[0]).toMatchObject({ images: ['resimler/fare-1.jpg', 'https://cdn.example/fare-2.jpg?imformat=generic'], images1: 'resimler/fare-1.jpg', images2: 'https://cdn.example/fare-2.jpg?imformat=generic', images3: null });
    expect(first[1]).toMatchObject({ product_code: 'TR-ŞĞÜ', name: TRICKY_NAME, barcode: null, images: [], stock: 0, price: '0' });

    const again = await feed();
    expect(again.rows).toMatchObject({ 'xmlurunler inserted': 0, 'xmlurunler updated': 0 });
    expect((await rows()).map((r) => r.updated_at)).toEqual(first.map((r) => r.updated_at));

    await t.erp.query(
      sql`UPDATE ${ident('STOK_SATIS_FIYAT_LISTELERI')} SET ${ident('sfiyat_fiyati')} = ${190} WHERE ${ident('sfiyat_stokkod')} = ${' 000537 '} AND ${ident('sfiyat_fiyati')} = ${185}`,
    );
    const third = await feed();
    expect(third.rows).toMatchObject({ 'xmlurunler inserted': 0, 'xmlurunler updated': 1 });
    expect((await rows())[0]).toMatchObject({ price: '190' });
  });

  it('keeps the web row of a stock card whose code changed in Mikro (satis_kalemleri refers to it)', async () => {
    const before = (await t.web.query("SELECT id FROM xmlurunler WHERE product_code = 'ART'")).rows[0]?.id as string;
    await t.erp.query(sql`UPDATE ${ident('STOKLAR')} SET ${ident('sto_kod')} = ${'ART-2'} WHERE ${ident('sto_kod')} = ${'ART'}`);
    await feed();
    const after = (await t.web.query("SELECT id, product_code FROM xmlurunler WHERE product_id = (SELECT product_id FROM xmlurunler WHERE id = $1)", [before])).rows;
    expect(after).toEqual([{ id: before, product_code: 'ART-2' }]);
    await t.erp.query(sql`UPDATE ${ident('STOKLAR')} SET ${ident('sto_kod')} = ${'ART'} WHERE ${ident('sto_kod')} = ${'ART-2'}`);
  });

  it('sends only valid T-SQL to the ERP, paged by key (TOP with OUTER APPLY, no whole-table read)', async () => {
    const seen: string[] = [];
    const stop = observeStatements((r) => seen.push(r.text));
    try {
      await feed();
    } finally {
      stop();
    }
    expect(seen.length).toBeGreaterThanOrEqual(4); // bounds + 3 pages of 2 + the empty end
    for (const text of seen) assertTsql(text);
    const pages = seen.filter((s) => s.includes('OUTER APPLY'));
    for (const p of pages) expect(p).toMatch(/SELECT TOP \(@p\d+\)[\s\S]*WHERE \[s\]\.\[sto_RECno\] > @p\d+ AND \[s\]\.\[sto_RECno\] <= @p\d+\s+ORDER BY \[s\]\.\[sto_RECno\]/);
  });

  it('counts the products written when cards are deleted during the read', async () => {
    // A card deleted between the count and the page read: ProductCount must match the items.
    const erp = wrapErp(ctx.erp, async (text, rows) => {
      if (text.includes('COUNT(*)')) await t.erp.query(sql`DELETE FROM ${ident('STOKLAR')} WHERE ${ident('sto_kod')} = ${'PASIF'}`);
      return rows;
    });
    await feed({ ...ctx, erp });
    const doc = plainParser.parse(await readFile(feedPath(), 'utf8')) as { Products: { Metadata: Record<string, string>; Product: unknown[] } };
    expect(doc.Products.Product).toHaveLength(4);
    expect(doc.Products.Metadata.ProductCount).toBe('4');
  });

  describe('bad input: the run fails with a reason naming the card, the local feed stays as it was', () => {
    const attempt = async (c: WorkerContext) => {
      const before = await readFile(feedPath());
      const err = await feed(c).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(await readFile(feedPath())).toEqual(before);
      expect((await readdir(outDir)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
      return err as PermanentError;
    };

    it('a control character stored in the ERP name', async () => {
      await seedErpCards(t.erp, [{ code: 'CTRL-1', name: 'Bell\u0007name' }]);
      const err = await attempt(ctx);
      expect(err).toBeInstanceOf(PermanentError);
      expect(err.message).toMatch(/stock card "CTRL-1" \(sto_RECno \d+\): Name \(sto_isim\) contains U\+0007 at position 5/);
      expect(err.message).toMatch(/Fix: remove the character from sto_isim of stock card "CTRL-1" in Mikro/);
        await t.erp.query(sql`DELETE FROM ${ident('STOKLAR')} WHERE ${ident('sto_kod')} = ${'CTRL-1'}`);
    });

    it('a NUL character in a name (SQL Server nvarchar can hold it; PostgreSQL cannot, so it is injected)', async () => {
      const erp = wrapErp(ctx.erp, async (_text, rows) => rows.map((r) => (r.sto_kod === 'case' ? { ...r, sto_isim: 'Oyuncak\u0000Set' } : r)));
      const err = await attempt({ ...ctx, erp });
      expect(err).toBeInstanceOf(PermanentError);
      expect(err.message).toMatch(/stock card "case" \(sto_RECno \d+\): Name \(sto_isim\) contains U\+0000 at position 8/);
    });
  });

  it('is scheduled hourly, plus at the fixed hours of STOCK_XML_HOURS', () => {
    const { SCHEDULE_STOCK_XML: _testValue, ...defaults } = t.env;
    const hourly = configuredSchedules(loadConfig(defaults)).filter((s) => s.queue === 'xml');
    expect(hourly).toEqual([
      expect.objectContaining({ id: 'stock-xml', cron: '0 * * * *', data: { kind: 'task', task: 'feed', requestedBy: 'schedule' } }),
      expect.objectContaining({ id: 'stock-xml-fixed-hours', cron: '' }),
    ]);
    const fixed = configuredSchedules(loadConfig({ ...t.env, STOCK_XML_HOURS: '13,17' })).find((s) => s.id === 'stock-xml-fixed-hours');
    expect(fixed).toMatchObject({ queue: 'xml', cron: '0 13,17 * * *', data: { task: 'feed' } });
  });

  it('rejects malformed feed settings at start-up, naming the variable', () => {
    expect(() => loadConfig({ ...t.env, STOCK_XML_DISTRIBUTE: '["ok", 5]' })).toThrow(/STOCK_XML_DISTRIBUTE: expected a JSON array/);
    expect(() => loadConfig({ ...t.env, FTP_XML_NAME: '../x.xml' })).toThrow(/FTP_XML_NAME: expected a file name/);
    expect(() => loadConfig({ ...t.env, SSH_HOST_FINGERPRINT: 'MD5:aa' })).toThrow(/SSH_HOST_FINGERPRINT: expected SHA256/);
    const c = loadConfig({ ...t.env, STOCK_XML_DISTRIBUTE: 'echo one\n  echo two  \n' });
    expect(c.stockXml.distribute).toEqual(['echo one', 'echo two']);
  });

  it('refuses to start an upload without a key', async () => {
    const c = createWorkerContext(loadConfig({ ...t.env, SSH_HOST: '127.0.0.1' }), t.log);
    try {
      await expect(feed(c)).rejects.toThrow(/SSH_HOST is set \(127\.0\.0\.1\) but SSH_PRIVATE_KEY_PATH is not/);
    } finally {
      await c.close();
    }
  });

  it('writes the feed without images when the Entegra mirror is not installed', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'mikrosync-feed-'));
    await t.web.query('ALTER TABLE entegra_product RENAME TO entegra_product_away');
    const c = createWorkerContext(loadConfig({ ...t.env, STOCK_XML_OUTPUT_DIR: dir }), t.log);
    try {
      const result = await feed(c);
      expect(result.summary).toMatch(/without images: the Entegra mirror tables do not exist yet/);
      expect(await readFile(path.join(dir, 'sadece-stoklar.xml'), 'utf8')).not.toContain('<Images>');
    } finally {
      await t.web.query('ALTER TABLE entegra_product_away RENAME TO entegra_product');
      await c.close();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('keeps the feed file complete under its final name at every moment (temporary name, then rename)', async () => {
    await writeFile(path.join(outDir, 'marker'), '');
    const names = new Set<string>();
    const erp = wrapErp(ctx.erp, async (_text, rows) => {
      for (const f of await readdir(outDir)) names.add(f);
      const live = await readFile(feedPath(), 'utf8');
      expect(XMLValidator.validate(live)).toBe(true);
      return rows;
    });
    await feed({ ...ctx, erp });
    expect([...names].some((n) => /^\.sadece-stoklar\.xml\..*\.tmp$/.test(n))).toBe(true);
  });
});

/** An ERP client whose query results pass through `tap` (fault injection for the tests). */
function wrapErp(erp: ErpClient, tap: (mssqlText: string, rows: Row[]) => Promise<Row[]>): ErpClient {
  return {
    ...erp,
    dialect: erp.dialect,
    async query<T = Row>(stmt: Parameters<ErpClient['query']>[0]): Promise<T[]> {
      const rows = await erp.query<Row>(stmt);
      return (await tap(render(stmt, 'mssql').text, rows)) as T[];
    },
  };
}
