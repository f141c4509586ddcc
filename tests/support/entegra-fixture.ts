/**
 * A generated Entegra database (db.s3db) with the real table layouts: every table and column of
 * spec/schema/entegra-sqlite.json with its declared type, key, NOT NULL and default exactly as
 * PRAGMA table_info reported them (read through the generated catalogue, which
 * tests/entegra/schema.test.ts keeps byte-identical to the JSON), filled with deterministic,
 * realistic rows: orders spread over the last months with their lines, products with quantities,
 * prices, pictures, descriptions and marketplace info, messages and customers. Text values include
 * Turkish letters, quotes, tabs, newlines and backslashes.
 *
 * customer: the sources only know its `id`; the fixture adds the columns a marketplace buyer
 * table plausibly has (an assumption, marked below), which also exercises schema drift.
 */
import Database from 'better-sqlite3';
import { rmSync } from 'node:fs';
import { ENTEGRA_TABLE_SPECS, type EntegraTableSpec } from '@mikrosync/mappers';

export type FixtureTable = keyof typeof ENTEGRA_TABLE_SPECS;

/** Assumed customer columns (not in any source; see file comment). */
export const CUSTOMER_ASSUMED_COLUMNS = [
  { name: 'firstname', type: 'VARCHAR(255)' },
  { name: 'lastname', type: 'VARCHAR(255)' },
  { name: 'email', type: 'VARCHAR(255)' },
  { name: 'telephone', type: 'VARCHAR(50)' },
  { name: 'city', type: 'VARCHAR(100)' },
  { name: 'date_add', type: 'DATETIME' },
];

export interface FixtureCounts {
  order: number;
  /** Lines per order on average (1..2x). */
  linesPerOrder: number;
  product: number;
  /** product_info rows per product. */
  infoPerProduct: number;
  /** pictures per product. */
  picturesPerProduct: number;
  messages: number;
  customer: number;
}

export const SMALL_COUNTS: FixtureCounts = { order: 60, linesPerOrder: 1.5, product: 20, infoPerProduct: 2, picturesPerProduct: 2, messages: 30, customer: 25 };

/** Counts of the analysed production file (spec entegra.md 3 and 12): about 200 000 rows. */
export const PRODUCTION_COUNTS: FixtureCounts = {
  order: 65_680,
  linesPerOrder: 77_817 / 65_680,
  product: 5_761,
  infoPerProduct: 15_284 / 5_761,
  picturesPerProduct: 14_853 / 5_761,
  messages: 9_509,
  customer: 0,
};

export interface FixtureOptions {
  path: string;
  counts?: Partial<FixtureCounts>;
  /** "Now" of the data (dates are spread over the `spanDays` before it). */
  now?: Date;
  spanDays?: number;
  seed?: number;
  journalMode?: 'delete' | 'wal';
}

const TZ = 'Europe/Istanbul';
const fmt = new Intl.DateTimeFormat('en-CA', { timeZone: TZ, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });

/** Entegra's naive local time text of an instant ('YYYY-MM-DD HH:MM:SS', Istanbul). */
export function entegraTime(d: Date): string {
  const p: Record<string, string> = {};
  for (const x of fmt.formatToParts(d)) p[x.type] = x.value;
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}:${p.second}`;
}

export function daysAgo(now: Date, days: number, hour = 12): string {
  return `${entegraTime(new Date(now.getTime() - days * 86_400_000)).slice(0, 10)} ${String(hour).padStart(2, '0')}:15:00`;
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const quote = (n: string): string => `"${n.replace(/"/g, '""')}"`;
const TEXTS = ['Şeker Kutusu', 'ÇİÇEKLİ ELBİSE', "O'Brien \"quoted\"", 'tab\there', 'line\nbreak', 'back\\slash', 'ığüşöç İĞÜŞÖÇ', 'plain'];

export function columnsOf(table: FixtureTable): { name: string; type: string; pk?: boolean; notNull?: boolean; def?: string }[] {
  const spec = ENTEGRA_TABLE_SPECS[table] as EntegraTableSpec;
  const cols = spec.columns
    .filter((c) => c.sqliteType !== null)
    .map((c) => ({ name: c.name, type: c.sqliteType!, pk: c.pk, notNull: c.sqliteNotNull, def: c.sqliteDefault }));
  return table === 'customer' ? [...cols, ...CUSTOMER_ASSUMED_COLUMNS] : cols;
}

export function createTableSql(table: FixtureTable, drop: string[] = []): string {
  const defs = columnsOf(table)
    .filter((c) => !drop.includes(c.name))
    .map((c) => [quote(c.name), c.type, c.pk ? 'PRIMARY KEY' : '', c.notNull ? 'NOT NULL' : '', c.def !== undefined ? `DEFAULT ${c.def}` : ''].filter(Boolean).join(' '));
  return `CREATE TABLE ${quote(table)} (${defs.join(', ')})`;
}

export class EntegraFixture {
  readonly db: Database.Database;
  private readonly rnd: () => number;
  private readonly inserts = new Map<string, Database.Statement>();
  private readonly layouts = new Map<string, Set<string>>();

  constructor(
    readonly path: string,
    readonly now: Date,
    private readonly spanDays: number,
    seed: number,
  ) {
    this.db = new Database(path);
    this.rnd = mulberry32(seed);
  }

  /** A realistic value for a column of a declared type. */
  value(col: { name: string; type: string }, id: number): unknown {
    const t = col.type.toUpperCase();
    const r = this.rnd();
    if (t.includes('INT')) return col.name.includes('sync') || col.name.startsWith('no_') ? (r < 0.5 ? 0 : 1) : Math.floor(r * 100);
    if (t.includes('FLOA') || t.includes('REAL') || t.includes('DOUB')) return Math.round(r * 100_000) / 100;
    if (t.includes('DATETIME')) return r < 0.1 ? null : daysAgo(this.now, Math.floor(r * this.spanDays), 9 + (id % 10));
    if (t.includes('DATE')) return r < 0.1 ? null : daysAgo(this.now, Math.floor(r * this.spanDays)).slice(0, 10);
    if (r < 0.15) return null;
    if (r < 0.25) return TEXTS[id % TEXTS.length];
    return `${col.name}-${id}`;
  }

  private statement(table: FixtureTable, names: string[]): Database.Statement {
    const k = `${table}|${names.join(',')}`;
    let s = this.inserts.get(k);
    if (!s) {
      s = this.db.prepare(`INSERT INTO ${quote(table)} (${names.map(quote).join(', ')}) VALUES (${names.map(() => '?').join(', ')})`);
      this.inserts.set(k, s);
    }
    return s;
  }

  /** A full row of `table` with generated values, `fields` overriding them. */
  makeRow(table: FixtureTable, id: number, fields: Record<string, unknown> = {}): Record<string, unknown> {
    const row: Record<string, unknown> = {};
    let present = this.layouts.get(table);
    if (!present) {
      present = new Set(this.db.prepare(`SELECT name FROM pragma_table_info(?)`).pluck().all(table) as string[]);
      this.layouts.set(table, present);
    }
    for (const c of columnsOf(table)) if (present.has(c.name)) row[c.name] = c.pk ? id : c.notNull && c.def !== undefined ? 0 : this.value(c, id);
    return { ...row, ...fields };
  }

  insert(table: FixtureTable, row: Record<string, unknown>): void {
    const names = Object.keys(row);
    this.statement(table, names).run(...names.map((n) => row[n]));
  }

  update(table: FixtureTable, key: string, id: unknown, fields: Record<string, unknown>): void {
    const names = Object.keys(fields);
    this.db.prepare(`UPDATE ${quote(table)} SET ${names.map((n) => `${quote(n)} = ?`).join(', ')} WHERE ${quote(key)} = ?`).run(...names.map((n) => fields[n]), id);
  }

  delete(table: FixtureTable, key: string, id: unknown): void {
    this.db.prepare(`DELETE FROM ${quote(table)} WHERE ${quote(key)} = ?`).run(id);
  }

  /** After a test changed a table's layout (ALTER TABLE). */
  forgetLayouts(): void {
    this.layouts.clear();
    this.inserts.clear();
  }

  count(table: FixtureTable): number {
    return Number(this.db.prepare(`SELECT count(*) FROM ${quote(table)}`).pluck().get());
  }

  /** An order row dated `days` ago (datetime, date_add and date_change unless given). */
  order(id: number, days: number, fields: Record<string, unknown> = {}): Record<string, unknown> {
    const at = daysAgo(this.now, days);
    return this.makeRow('order', id, { datetime: at, date_add: at, date_change: at, status: '1', invoice_print: 0, customer_id: id, ...fields });
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}

/** Creates the database file with every table and fills it. */
export function createEntegraDb(opts: FixtureOptions): EntegraFixture {
  rmSync(opts.path, { force: true });
  rmSync(`${opts.path}-wal`, { force: true });
  rmSync(`${opts.path}-shm`, { force: true });
  const c = { ...SMALL_COUNTS, ...opts.counts };
  const now = opts.now ?? new Date();
  const fx = new EntegraFixture(opts.path, now, opts.spanDays ?? 120, opts.seed ?? 7);
  const db = fx.db;
  db.pragma(`journal_mode = ${opts.journalMode ?? 'delete'}`);
  for (const t of Object.keys(ENTEGRA_TABLE_SPECS) as FixtureTable[]) db.exec(createTableSql(t));
  const rnd = mulberry32((opts.seed ?? 7) + 1);
  const span = opts.spanDays ?? 120;

  db.transaction(() => {
    for (let i = 1; i <= 18; i++) fx.insert('order_status', { id: i, name: `Durum ${i}` });
    for (let i = 1; i <= 40; i++) fx.insert('brand', fx.makeRow('brand', i, { name: `Marka ${i}` }));
    for (let i = 1; i <= 30; i++) fx.insert('category', fx.makeRow('category', i, { name: `Kategori ${i}` }));
    for (let i = 1; i <= 20; i++) fx.insert('category2', fx.makeRow('category2', i));
    for (let i = 1; i <= 3; i++) fx.insert('message_template', fx.makeRow('message_template', i));
    let pic = 0;
    let info = 0;
    for (let p = 1; p <= c.product; p++) {
      const changed = daysAgo(now, Math.floor(rnd() * span));
      fx.insert('product', fx.makeRow('product', p, { productCode: `K${1000 + p}`, productName: `Ürün ${p}`, date_add: changed, date_change: changed }));
      fx.insert('product_quantity', { id: p, product_id: p, product_option_value_id: 0, store_id: 0, supplier: 'Mikro Stok XML', quantity: Math.floor(rnd() * 50), quantity2: 0, sync_ai: 1 });
      fx.insert('product_prices', fx.makeRow('product_prices', p, { product_id: p, store_id: 0 }));
      fx.insert('product_description', fx.makeRow('product_description', p, { product_id: p }));
      for (let k = 0; k < Math.round(c.picturesPerProduct * (0.5 + rnd())); k++) fx.insert('pictures', fx.makeRow('pictures', ++pic, { product_id: p, sort_order: k + 1 }));
      for (let k = 0; k < Math.round(c.infoPerProduct * (0.5 + rnd())); k++) fx.insert('product_info', fx.makeRow('product_info', ++info, { id: `PI-${info}`, product_id: p, dt: changed }));
    }
    let line = 0;
    for (let o = 1; o <= c.order; o++) {
      const days = Math.floor(((c.order - o) / c.order) * span);
      fx.insert('order', fx.order(o, days, { status: rnd() < 0.08 ? '9' : String(1 + Math.floor(rnd() * 8)), invoice_print: rnd() < 0.5 ? 1 : 0 }));
      for (let k = 0; k < Math.max(1, Math.round(c.linesPerOrder * (0.5 + rnd()))); k++) {
        fx.insert('order_product', fx.makeRow('order_product', ++line, { order_id: o, product_id: 1 + Math.floor(rnd() * Math.max(c.product, 1)), quantity: 1 }));
      }
    }
    for (let m = 1; m <= c.messages; m++) {
      const at = daysAgo(now, Math.floor(((c.messages - m) / c.messages) * span));
      fx.insert('messages', fx.makeRow('messages', m, { date: at, date_add: at, is_read: 0 }));
    }
    for (let u = 1; u <= c.customer; u++) fx.insert('customer', fx.makeRow('customer', u, { date_add: daysAgo(now, Math.floor(((c.customer - u) / c.customer) * span)) }));
  })();
  return fx;
}
