/** The PostgreSQL stand-in of the ERP: same tables and columns, used in development and CI. */
import pg from 'pg';
import { notifyObservers, type ErpClient, type ErpTx } from './client.js';
import { render, type Statement } from './sql.js';
import { mssqlReadStatement, notifyBatch, pgBatchText, pgLiteral, pgReadText, type WriteBatch } from './batch.js';

const literal = pgLiteral((s) => pg.escapeLiteral(s));

// Mikro datetimes are naive local times: keep them as text instead of letting the driver shift
// them through the process time zone.
const types = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === pg.types.builtins.TIMESTAMP) return (v: string) => v;
    if (oid === pg.types.builtins.NUMERIC || oid === pg.types.builtins.INT8) return (v: string) => Number(v);
    return pg.types.getTypeParser(oid, format ?? 'text');
  },
};

export interface PgErpOptions {
  url: string;
  poolMax: number;
  requestTimeoutMs: number;
  lockTimeoutMs: number;
}

/**
 * Statements repeat with other values (a 140-column INSERT per document): named prepared
 * statements spare PostgreSQL the parse and the wire the text. Multi-statement texts cannot be
 * prepared and go as they are.
 */
const statementNames = new Map<string, string>();
function statementName(text: string): string | undefined {
  if (text.includes(';')) return undefined;
  let name = statementNames.get(text);
  if (!name) {
    name = `mks_${statementNames.size}`;
    statementNames.set(text, name);
  }
  return name;
}

async function run<T>(q: pg.Pool | pg.PoolClient, stmt: Statement): Promise<T[]> {
  notifyObservers(stmt);
  const { text, params } = render(stmt, 'pg');
  const name = statementName(text);
  const res = name ? await q.query({ name, text, values: params }) : await q.query(text, params);
  // A multi-statement text returns one result per statement; the last one carries the rows.
  const last = Array.isArray(res) ? res[res.length - 1] : res;
  return (last?.rows ?? []) as T[];
}

export function createPgErpClient(opts: PgErpOptions): ErpClient {
  const pool = new pg.Pool({
    connectionString: opts.url,
    max: opts.poolMax,
    application_name: 'mikrosync-erp',
    statement_timeout: opts.requestTimeoutMs,
    types,
  });
  pool.on('error', () => {
    /* idle client errors surface on the next query */
  });
  // A client checked out (in a transaction) when the server goes away emits 'error' outside any
  // query; unhandled, that would end the process. The error surfaces on its next query instead.
  pool.on('connect', (client) => client.on('error', () => undefined));
  return {
    dialect: 'pg',
    query: (stmt) => run(pool, stmt),
    async transaction(fn) {
      const client = await pool.connect();
      let broken = false;
      try {
        await client.query(`BEGIN; SET LOCAL lock_timeout = ${Math.floor(opts.lockTimeoutMs)}`);
        const tx: ErpTx = { dialect: 'pg', query: (stmt) => run(client, stmt) };
        const result = await fn(tx);
        await client.query('COMMIT');
        return result;
      } catch (err) {
        try {
          await client.query('ROLLBACK');
        } catch {
          broken = true;
        }
        throw err;
      } finally {
        client.release(broken);
      }
    },
    async readBatch(stmts) {
      if (stmts.length === 0) return [];
      notifyObservers(mssqlReadStatement(stmts));
      // Several statements in one text: pg returns one result per statement (its types say one).
      const res: pg.QueryResult | pg.QueryResult[] = await pool.query(pgReadText(stmts, literal));
      const results = Array.isArray(res) ? res : [res];
      return results.map((r) => (r.rows ?? []) as Record<string, unknown>[]);
    },
    async writeBatch(batch: WriteBatch) {
      // The observers see what SQL Server would receive for the same batch.
      notifyBatch(batch, opts.lockTimeoutMs);
      const res: pg.QueryResult | pg.QueryResult[] = await pool.query(pgBatchText(batch, opts.lockTimeoutMs, literal));
      const results = Array.isArray(res) ? res : [res];
      return (batch.resultStatement ? (results[results.length - 1]?.rows ?? []) : []) as Record<string, unknown>[];
    },
    async executeScript(script) {
      await pool.query(script);
    },
    async ping() {
      await pool.query('SELECT 1');
    },
    close: () => pool.end(),
  };
}
