/**
 * The ERP connection: one interface, two targets (SQL Server through `mssql`, or a PostgreSQL
 * database holding the Mikro tables). Business code only sees `ErpClient` / `ErpTx`.
 */
import { render, type DialectName, type Rendered, type Statement } from './sql.js';
import type { WriteBatch } from './batch.js';

export type Row = Record<string, unknown>;

export interface ErpTx {
  readonly dialect: DialectName;
  query<T = Row>(stmt: Statement): Promise<T[]>;
}

export interface ErpClient extends ErpTx {
  /** Runs `fn` in one ERP transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(fn: (tx: ErpTx) => Promise<T>): Promise<T>;
  /**
   * Several SELECTs in ONE round trip; one array of rows per statement, in order. Reads outside
   * any transaction (each statement sees committed data).
   */
  readBatch(stmts: Statement[]): Promise<Row[][]>;
  /**
   * Runs `batch` as ONE transaction on the server in one round trip (several requests on one
   * connection only when SQL Server's parameter limit forces it); returns its result set.
   */
  writeBatch(batch: WriteBatch): Promise<Row[]>;
  /** Executes a DDL script (our own tables), split on `GO` lines for SQL Server. */
  executeScript(script: string): Promise<void>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Observes every statement sent to the ERP, rendered for SQL Server whatever the target, so the
 * tests can parse each one with a T-SQL grammar.
 */
export type StatementObserver = (mssqlText: Rendered, stmt: Statement) => void;

const observers = new Set<StatementObserver>();
export function observeStatements(observer: StatementObserver): () => void {
  observers.add(observer);
  return () => observers.delete(observer);
}
export function notifyObservers(stmt: Statement): void {
  if (observers.size === 0) return;
  const rendered = render(stmt, 'mssql');
  for (const o of observers) o(rendered, stmt);
}
