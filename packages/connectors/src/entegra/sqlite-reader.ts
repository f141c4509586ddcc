/**
 * Reads the Entegra SQLite file without getting in the desktop program's way: a read-only
 * connection, a short busy timeout with asynchronous retries, and keyset pages (by rowid) where each
 * page is one statement, i.e. one short read transaction. No read lock is held between pages, so
 * awaiting the web database between pages never blocks Entegra's commits.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import Database from 'better-sqlite3';
import { classifySqliteError, missingFileError, withLockRetry, type EntegraFileOptions } from './sqlite-errors.js';

export const quoteSqlite = (name: string): string => `"${name.replace(/"/g, '""')}"`;

/**
 * Which rows of a table a run reads.
 * - all: the whole table.
 * - rows: rows whose change columns are on or after `since`, or whose key is above `afterKey`.
 * - lines: rows whose `orderKey` is one of `orderKeys` (the orders this run read), or whose key is
 *   above `afterKey`.
 */
export type EntegraSelection =
  | { kind: 'all' }
  | { kind: 'rows'; key: string; changeColumns: readonly string[]; since: string | null; afterKey: number | null }
  | { kind: 'lines'; key: string; orderKey: string; orderKeys: readonly number[]; afterKey: number | null };

interface Where {
  sql: string;
  params: unknown[];
}

function whereOf(sel: Exclude<EntegraSelection, { kind: 'all' }>): Where {
  const parts: string[] = [];
  const params: unknown[] = [];
  if (sel.kind === 'rows') {
    if (sel.since !== null) {
      for (const c of sel.changeColumns) {
        parts.push(`${quoteSqlite(c)} >= ?`);
        params.push(sel.since);
      }
    }
  } else if (sel.orderKeys.length) {
    parts.push(`${quoteSqlite(sel.orderKey)} IN (SELECT value FROM json_each(?))`);
    params.push(JSON.stringify(sel.orderKeys));
  }
  if (sel.afterKey !== null) {
    parts.push(`${quoteSqlite(sel.key)} > ?`);
    params.push(sel.afterKey);
  }
  return { sql: parts.length ? parts.map((p) => `(${p})`).join(' OR ') : '0', params };
}

/** What a selection amounts to: its row count, and for a partial read the rowids to fetch. */
export interface ReadPlan {
  table: string;
  total: number;
  /** null: the whole table, read in keyset pages. */
  rowids: number[] | null;
}

/** A partial plan with more rows (sorted, without duplicates). */
export function withRowids(plan: ReadPlan, extra: readonly number[]): ReadPlan {
  if (!plan.rowids || !extra.length) return plan;
  const rowids = [...new Set([...plan.rowids, ...extra])].sort((a, b) => a - b);
  return { ...plan, total: rowids.length, rowids };
}

export interface SqliteColumn {
  name: string;
  type: string;
}

export class EntegraReader {
  private constructor(
    private readonly db: Database.Database,
    readonly opts: EntegraFileOptions,
    private readonly signal: AbortSignal | undefined,
  ) {}

  /** Opens the file read-only and checks that it is an SQLite database. */
  static async open(opts: EntegraFileOptions, signal?: AbortSignal): Promise<EntegraReader> {
    if (!existsSync(opts.path)) throw missingFileError(opts.path);
    let db: Database.Database;
    try {
      db = new Database(opts.path, { readonly: true, fileMustExist: true, timeout: opts.busyTimeoutMs });
    } catch (err) {
      throw classifySqliteError(err, opts.path);
    }
    const reader = new EntegraReader(db, opts, signal);
    try {
      await reader.run(() => db.prepare('SELECT count(*) FROM sqlite_master').pluck().get());
    } catch (err) {
      db.close();
      throw err;
    }
    return reader;
  }

  /** One statement with the lock handling of withLockRetry. */
  run<T>(fn: () => T, onLocked?: (waitedMs: number) => void): Promise<T> {
    return withLockRetry(this.opts, fn, { signal: this.signal, onLocked });
  }

  /** The journal mode the desktop program uses (WAL lets readers and the writer run side by side). */
  journalMode(): Promise<string> {
    return this.run(() => String(this.db.pragma('journal_mode', { simple: true })));
  }

  /** Columns of a table as PRAGMA table_info reports them; null when the table does not exist. */
  async columns(table: string): Promise<SqliteColumn[] | null> {
    const rows = await this.run(() => this.db.prepare(`SELECT name, type FROM pragma_table_info(?)`).all(table) as SqliteColumn[]);
    return rows.length ? rows : null;
  }

  /**
   * Resolves a selection with one statement: the whole table is only counted; a partial selection
   * (a window) becomes the list of matching rowids, fetched afterwards by rowid (no re-scan per page).
   */
  async plan(table: string, sel: EntegraSelection): Promise<ReadPlan> {
    if (sel.kind === 'all') return { table, total: await this.run(() => Number(this.db.prepare(`SELECT count(*) FROM ${quoteSqlite(table)}`).pluck().get())), rowids: null };
    const w = whereOf(sel);
    const rowids = await this.run(() => this.db.prepare(`SELECT rowid FROM ${quoteSqlite(table)} WHERE ${w.sql} ORDER BY rowid`).pluck().all(...w.params) as number[]);
    return { table, total: rowids.length, rowids };
  }

  /**
   * plan() of a `rows` selection that, in the same scan, also returns the rows matching `flag`
   * (rowid and key) whether they are selected or not: orders cancelled in Entegra are found while
   * the window is resolved, instead of a second pass over the largest table.
   */
  async planWithFlagged(
    table: string,
    sel: Extract<EntegraSelection, { kind: 'rows' }>,
    flag: { where: string; params: unknown[] },
  ): Promise<{ plan: ReadPlan; flagged: { rowid: number; key: number }[] }> {
    const w = whereOf(sel);
    const rows = await this.run(
      () =>
        this.db
          .prepare(`SELECT rowid, ${quoteSqlite(sel.key)}, (${w.sql}), (${flag.where}) FROM ${quoteSqlite(table)} WHERE (${w.sql}) OR (${flag.where}) ORDER BY rowid`)
          .raw(true)
          .all(...w.params, ...flag.params, ...w.params, ...flag.params) as [number, number, number, number][],
    );
    const rowids = rows.filter((r) => r[2]).map((r) => r[0]);
    const flagged = rows.filter((r) => r[3]).map((r) => ({ rowid: r[0], key: Number(r[1]) }));
    return { plan: { table, total: rowids.length, rowids }, flagged };
  }

  /** Values of one column for the rows matching `where` (small id lists: cancelled orders, products). */
  async pluck<T = unknown>(table: string, column: string, where = '1', params: unknown[] = []): Promise<T[]> {
    return this.run(() => this.db.prepare(`SELECT ${quoteSqlite(column)} FROM ${quoteSqlite(table)} WHERE ${where}`).pluck().all(...params) as T[]);
  }

  /** Rows as objects for a small query written by the caller (identifiers quoted with quoteSqlite). */
  async all<T>(sql: string, params: unknown[] = []): Promise<T[]> {
    return this.run(() => this.db.prepare(sql).all(...params) as T[]);
  }

  /**
   * Raw rows (values in `columns` order) of a plan, in pages of at most `pageRows`, ordered by
   * rowid. Each page is a single statement; nothing is held open between pages.
   */
  async *pages(plan: ReadPlan, columns: readonly string[], pageRows: number): AsyncGenerator<unknown[][]> {
    const list = `${columns.map(quoteSqlite).join(', ')}`;
    const from = quoteSqlite(plan.table);
    if (plan.rowids) {
      const stmt = await this.run(() => this.db.prepare(`SELECT ${list} FROM ${from} WHERE rowid IN (SELECT value FROM json_each(?)) ORDER BY rowid`).raw(true));
      for (let i = 0; i < plan.rowids.length; i += pageRows) {
        if (this.signal?.aborted) return;
        const ids = JSON.stringify(plan.rowids.slice(i, i + pageRows));
        yield await this.run(() => stmt.all(ids) as unknown[][]);
      }
      return;
    }
    // rowid last: popping it off each row is free, shifting it off the front is not.
    const stmt = await this.run(() => this.db.prepare(`SELECT ${list}, rowid FROM ${from} WHERE rowid > ? ORDER BY rowid LIMIT ?`).raw(true));
    let after = Number.MIN_SAFE_INTEGER;
    for (;;) {
      if (this.signal?.aborted) return;
      const rows = await this.run(() => stmt.all(after, pageRows) as unknown[][]);
      if (!rows.length) return;
      after = Number(rows[rows.length - 1]![columns.length]);
      for (const r of rows) r.pop();
      yield rows;
      if (rows.length < pageRows) return;
    }
  }

  /**
   * A digest of the whole table, page by page, exact for every value. Text-heavy tables are
   * rendered by SQLite itself (json_array, reals printed with 17 significant digits): much cheaper
   * than reading the values into JavaScript. Float-heavy tables (product_prices) are read raw and
   * rendered by JSON.stringify instead, because SQLite's float printing costs more than that.
   * Returns null when a BLOB prevents a digest (the caller then reads the table the ordinary way).
   */
  async digest(table: string, columns: readonly { name: string; real: boolean }[], pageCells = 200_000): Promise<{ digest: string; rows: number } | null> {
    const hash = createHash('sha1');
    const pageRows = Math.max(50, Math.floor(pageCells / Math.max(columns.length, 1)));
    const from = quoteSqlite(table);
    let after = Number.MIN_SAFE_INTEGER;
    let rows = 0;
    if (columns.filter((c) => c.real).length * 2 > columns.length) {
      const stmt = await this.run(() => this.db.prepare(`SELECT rowid, ${columns.map((c) => quoteSqlite(c.name)).join(', ')} FROM ${from} WHERE rowid > ? ORDER BY rowid LIMIT ?`).raw(true));
      for (;;) {
        if (this.signal?.aborted) break;
        const page = await this.run(() => stmt.all(after, pageRows) as unknown[][]);
        if (!page.length) break;
        hash.update(JSON.stringify(page));
        rows += page.length;
        after = Number(page[page.length - 1]![0]);
        if (page.length < pageRows) break;
      }
      return { digest: hash.digest('hex'), rows };
    }
    const parts = columns.map((c) => (c.real ? `CASE typeof(${quoteSqlite(c.name)}) WHEN 'real' THEN printf('%!.17g', ${quoteSqlite(c.name)}) ELSE ${quoteSqlite(c.name)} END` : quoteSqlite(c.name)));
    const stmt = await this.run(() =>
      this.db
        .prepare(`SELECT max(r), count(*), group_concat(j, char(10)) FROM (SELECT rowid AS r, json_array(${parts.join(', ')}) AS j FROM ${from} WHERE rowid > ? ORDER BY rowid LIMIT ?)`)
        .raw(true),
    );
    for (;;) {
      if (this.signal?.aborted) break;
      let page: [number | null, number, string | null];
      try {
        page = await this.run(() => stmt.get(after, pageRows) as [number | null, number, string | null]);
      } catch (err) {
        if (/JSON cannot hold BLOB/.test(String((err as Error)?.message))) return null;
        throw err;
      }
      const [last, n, text] = page;
      if (!n || last === null) break;
      hash.update(text ?? '');
      hash.update('\n');
      rows += n;
      after = last;
      if (n < pageRows) break;
    }
    return { digest: hash.digest('hex'), rows };
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
