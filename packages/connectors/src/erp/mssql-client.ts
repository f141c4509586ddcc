/** Microsoft SQL Server, the production ERP, through the `mssql` (tedious) driver. */
import type mssqlModule from 'mssql';
import type { Config } from '@mikrosync/core';
import { notifyObservers, type ErpClient, type ErpTx, type Row } from './client.js';
import { declaredParamType, type DeclaredParamType } from './param-types.js';
import { render, type SqlValue, type Statement } from './sql.js';
import { mssqlReadStatement, mssqlRequests, mssqlStep } from './batch.js';

/** The connection settings of `ERP_*` / `MSSQL_*` (config) plus the pool and timeouts. */
export type MssqlErpOptions = Config['erp']['mssql'] & Pick<Config['erp'], 'poolMax' | 'requestTimeoutMs' | 'lockTimeoutMs'>;

type Mssql = typeof mssqlModule;

function driverType(mssql: Mssql, t: DeclaredParamType): mssqlModule.ISqlType | (() => mssqlModule.ISqlType) {
  switch (t.type) {
    case 'nvarchar':
      return mssql.NVarChar(mssql.MAX);
    case 'int':
      return mssql.Int;
    case 'bigint':
      return mssql.BigInt;
    case 'float':
      return mssql.Float;
    case 'bit':
      return mssql.Bit;
  }
}

function bind(mssql: Mssql, request: mssqlModule.Request, stmt: Statement): string {
  notifyObservers(stmt);
  const { text, params } = render(stmt, 'mssql');
  params.forEach((value, i) => request.input(`p${i + 1}`, driverType(mssql, declaredParamType(value)), value));
  return text;
}

async function runSets(mssql: Mssql, request: mssqlModule.Request, stmt: Statement): Promise<Row[][]> {
  const text = bind(mssql, request, stmt);
  const res = await request.query<Row>(text);
  return res.recordsets;
}

async function run<T>(mssql: Mssql, request: mssqlModule.Request, stmt: Statement): Promise<T[]> {
  const sets = await runSets(mssql, request, stmt);
  return (sets.length ? sets[sets.length - 1] : []) as T[];
}

/**
 * `MSSQL_SERVER` as SQL Server tools write it: `HOST` or `HOST\INSTANCE` (a named instance, e.g.
 * `SUNUCU\SQLEXPRESS`; `.` and `(local)` mean this machine). A named instance's port is found through
 * the SQL Server Browser service (UDP 1434), so `MSSQL_PORT` is not used then; an instance on a fixed
 * port is `HOST` + `MSSQL_PORT`.
 */
export function parseMssqlServer(value: string): { server: string; instanceName?: string } {
  const i = value.indexOf('\\');
  const host = (i < 0 ? value : value.slice(0, i)).trim();
  const server = host === '.' || host.toLowerCase() === '(local)' ? 'localhost' : host;
  const instanceName = i < 0 ? '' : value.slice(i + 1).trim();
  return instanceName ? { server, instanceName } : { server };
}

/** The driver's configuration for the connection settings of the config. */
export function mssqlConnectionConfig(opts: MssqlErpOptions): mssqlModule.config {
  const { server, instanceName } = parseMssqlServer(opts.server);
  return {
    server,
    ...(instanceName ? {} : { port: opts.port }),
    database: opts.database,
    user: opts.user,
    password: opts.password,
    requestTimeout: opts.requestTimeoutMs,
    connectionTimeout: 30_000,
    pool: { max: opts.poolMax, min: 0, idleTimeoutMillis: 30_000 },
    options: {
      encrypt: opts.encrypt,
      trustServerCertificate: opts.trustServerCertificate,
      enableArithAbort: true,
      appName: 'mikrosync',
      ...(instanceName ? { instanceName } : {}),
    },
  };
}

export function createMssqlErpClient(opts: MssqlErpOptions): ErpClient {
  const config = mssqlConnectionConfig(opts);
  // The driver is loaded on first use (about 30 MB of RSS): a worker that never talks to the ERP
  // (Bitrix24, Entegra, the feed) does not carry it. A failed first connect is not cached, so the
  // next job tries again once SQL Server is back.
  let connecting: Promise<{ mssql: Mssql; pool: mssqlModule.ConnectionPool }> | undefined;
  const ready = () =>
    (connecting ??= (async () => {
      const { default: mssql } = await import('mssql');
      const pool = new mssql.ConnectionPool(config);
      await pool.connect();
      return { mssql, pool };
    })().catch((err: unknown) => {
      connecting = undefined;
      throw err;
    }));
  return {
    dialect: 'mssql',
    async query(stmt) {
      const { mssql, pool } = await ready();
      return run(mssql, pool.request(), stmt);
    },
    async transaction(fn) {
      const { mssql, pool } = await ready();
      const tx = new mssql.Transaction(pool);
      await tx.begin(mssql.ISOLATION_LEVEL.READ_COMMITTED);
      try {
        await new mssql.Request(tx).query(`SET LOCK_TIMEOUT ${Math.floor(opts.lockTimeoutMs)}`);
        const erpTx: ErpTx = { dialect: 'mssql', query: (stmt) => run(mssql, new mssql.Request(tx), stmt) };
        const result = await fn(erpTx);
        await tx.commit();
        return result;
      } catch (err) {
        try {
          await tx.rollback();
        } catch {
          /* already rolled back by the server (e.g. deadlock victim) */
        }
        throw err;
      }
    },
    async readBatch(stmts) {
      if (stmts.length === 0) return [];
      const { mssql, pool } = await ready();
      return runSets(mssql, pool.request(), mssqlReadStatement(stmts));
    },
    async writeBatch(batch) {
      const { mssql, pool } = await ready();
      const requests = mssqlRequests(batch, opts.lockTimeoutMs);
      // The requests' own texts are observed as they are bound (run -> bind); the statements too.
      for (const step of batch.steps) notifyObservers(mssqlStep(step), true);
      if (requests.length === 1) {
        // BEGIN TRAN ... COMMIT inside the text, with XACT_ABORT ON: any error (or a lost
        // connection) rolls the whole document back on the server.
        const sets = await runSets(mssql, pool.request(), requests[0]!.build());
        return batch.resultStatement ? (sets[sets.length - 1] ?? []) : [];
      }
      // More parameters than one request takes: the same statements in several requests, on one
      // connection inside one transaction; the batch variables travel from one to the next.
      const tx = new mssql.Transaction(pool);
      await tx.begin(mssql.ISOLATION_LEVEL.READ_COMMITTED);
      try {
        let carried: Record<string, SqlValue> = {};
        let last: Row[] = [];
        for (const req of requests) {
          const sets = await runSets(mssql, new mssql.Request(tx), req.build(carried));
          last = sets[sets.length - 1] ?? [];
          if (req.carry) carried = (last[0] ?? {}) as Record<string, SqlValue>;
        }
        await tx.commit();
        return batch.resultStatement ? last : [];
      } catch (err) {
        try {
          await tx.rollback();
        } catch {
          /* already rolled back by the server (XACT_ABORT) */
        }
        throw err;
      }
    },
    async executeScript(script) {
      const { pool } = await ready();
      for (const batch of script.split(/^\s*GO\s*$/im)) if (batch.trim()) await pool.request().batch(batch);
    },
    async ping() {
      const { pool } = await ready();
      await pool.request().query('SELECT 1 AS ok');
    },
    async close() {
      const pending = connecting;
      connecting = undefined;
      const opened = await pending?.catch(() => undefined);
      await opened?.pool.close();
    },
  };
}
