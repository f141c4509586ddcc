/**
 * A document as one ERP write batch: every statement of the document (checks, deletes of an edit,
 * header, lines, number under its lock, ledger row) sent in ONE call and run by the server as ONE
 * transaction, so that no network round trip happens while the number lock is held.
 *
 * Statements are written once with the `sql` tag; what a batch adds is variables that live on the
 * server for the duration of the batch (the header's record number, the allocated number, ...):
 *  - SQL Server: `DECLARE @v_x`, set by `SET` / `SCOPE_IDENTITY()`, and
 *    `SET XACT_ABORT ON; BEGIN TRAN; ... COMMIT` around the whole text. A request takes at most
 *    2,100 parameters: a bigger batch is cut between statements into several requests on one
 *    connection inside one transaction, each carrying the variables to the next as parameters.
 *  - PostgreSQL stand-in: one multi-statement simple query, which PostgreSQL runs as one implicit
 *    transaction (an error anywhere rolls back all of it). The extended protocol refuses
 *    parameters in a multi-statement text, so values are inlined as escaped literals. Variables are
 *    transaction-local settings (`set_config(..., true)` / `current_setting`): plain statements can
 *    read them, they vanish with the transaction, and they need no temporary table (whose creation
 *    would cost catalog writes on every document). A conditional error is a `DO` block.
 */
import { dialectPart, rawSql, render, sql, type DialectName, type SqlValue, Statement } from './sql.js';

export type BatchVarType = 'int' | 'text';

export interface BatchVariable {
  readonly name: string;
  readonly type: BatchVarType;
}

/** SQL Server's limit of parameters per request, less a margin for the carried variables. */
export const MSSQL_MAX_PARAMS = 2100;

/** Errors the batch raises on purpose; the caller maps them to its own errors. */
export const BATCH_ERROR_PREFIX = 'mikrosync:';

/** The code in a batch error (`mikrosync:<code>`), or undefined for any other error. */
export function batchErrorCode(err: unknown): string | undefined {
  const message = err instanceof Error ? err.message : '';
  const m = /mikrosync:([a-z-]+)/.exec(message);
  return m?.[1];
}

const PG_SETTING = (name: string) => `'mikrosync.v_${name}'`;

/** A reference to a batch variable inside a statement. */
export function varRef(v: BatchVariable): Statement {
  const pgType = v.type === 'int' ? 'integer' : 'text';
  return sql`${dialectPart(`@v_${v.name}`, `CAST(NULLIF(current_setting(${PG_SETTING(v.name)}, true), '') AS ${pgType})`)}`;
}

type Step = { kind: 'sql'; stmt: Statement } | { kind: 'raise'; cond: Statement; code: string };

export class WriteBatch {
  readonly variables: BatchVariable[] = [];
  readonly steps: Step[] = [];
  private resultStmt: Statement | undefined;

  variable(name: string, type: BatchVarType): BatchVariable {
    if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`not a valid batch variable name: ${name}`);
    const v = { name, type };
    this.variables.push(v);
    return v;
  }

  /** A statement, the same in both dialects (or with `dialectPart` inside). */
  add(stmt: Statement): this {
    this.steps.push({ kind: 'sql', stmt });
    return this;
  }

  /** v := (scalar expression or scalar subquery). */
  set(v: BatchVariable, expr: Statement): this {
    return this.add(
      sql`${dialectPart(sql`SET @v_${rawSql(v.name)} = (${expr})`, sql`SELECT set_config(${rawSql(PG_SETTING(v.name))}, CAST((${expr}) AS text), true)`)}`,
    );
  }

  /** INSERT of one row whose identity goes into `v` (SCOPE_IDENTITY: Mikro's tables have triggers). */
  insertIdentity(v: BatchVariable, insert: Statement, recnoColumn: Statement): this {
    return this.add(
      sql`${dialectPart(
        sql`${insert}; SET @v_${rawSql(v.name)} = CAST(SCOPE_IDENTITY() AS int)`,
        sql`WITH ins AS (${insert} RETURNING ${recnoColumn} AS id) SELECT set_config(${rawSql(PG_SETTING(v.name))}, CAST(id AS text), true) FROM ins`,
      )}`,
    );
  }

  /** Aborts the whole batch (rolled back) with `mikrosync:<code>` when `cond` holds. */
  raiseIf(cond: Statement, code: string): this {
    if (!/^[a-z-]+$/.test(code)) throw new Error(`not a valid batch error code: ${code}`);
    this.steps.push({ kind: 'raise', cond, code });
    return this;
  }

  /** An exclusive lock held until the batch's transaction ends. */
  lock(resource: string): this {
    return this.add(
      sql`${dialectPart(
        sql`EXEC @v_lock_result = sp_getapplock @Resource = ${resource}, @LockMode = 'Exclusive', @LockOwner = 'Transaction', @LockTimeout = @v_lock_timeout; IF @v_lock_result < 0 THROW 51000, 'mikrosync: allocation lock timeout', 1`,
        sql`SELECT pg_advisory_xact_lock(hashtextextended(${resource}, 0))`,
      )}`,
    );
  }

  /** The one result set the batch returns (after the commit). */
  result(stmt: Statement): this {
    this.resultStmt = stmt;
    return this;
  }

  get resultStatement(): Statement | undefined {
    return this.resultStmt;
  }
}

function mssqlType(t: BatchVarType): string {
  return t === 'int' ? 'int' : 'nvarchar(max)';
}

function mssqlStep(step: Step): Statement {
  if (step.kind === 'sql') return sql`${step.stmt};`;
  return sql`IF (${step.cond}) THROW 51001, ${rawSql(`N'${BATCH_ERROR_PREFIX}${step.code}'`)}, 1;`;
}

function paramCount(stmt: Statement): number {
  return render(stmt, 'mssql').params.length;
}

/**
 * The requests SQL Server receives for `batch`: one when its parameters fit in one request (with
 * `BEGIN TRAN ... COMMIT` inside the text), otherwise several to run on one connection inside one
 * transaction the caller opens and commits; each after the first re-declares the variables from
 * the previous request's last result set. `carry` says whether a request ends by selecting the
 * variables for the next one.
 */
export interface MssqlRequest {
  /** The request's text; `carried` are the variables the previous request selected last. */
  build(carried?: Record<string, SqlValue>): Statement;
  /** Whether the request ends by selecting the variables for the next one. */
  carry: boolean;
}

export function mssqlRequests(batch: WriteBatch, lockTimeoutMs: number): MssqlRequest[] {
  const vars = [{ name: 'lock_result', type: 'int' as const }, { name: 'lock_timeout', type: 'int' as const }, ...batch.variables];
  const declare = (values: Record<string, SqlValue> | undefined) =>
    vars.map((v) => {
      const initial = v.name === 'lock_timeout' ? Math.floor(lockTimeoutMs) : values ? (values[v.name] ?? null) : null;
      return initial === null
        ? rawSql(`DECLARE @v_${v.name} ${mssqlType(v.type)};`)
        : sql`DECLARE @v_${rawSql(v.name)} ${rawSql(mssqlType(v.type))} = ${initial};`;
    });
  const carrySelect = rawSql(`SELECT ${vars.map((v) => `@v_${v.name} AS [${v.name}]`).join(', ')};`);
  const result = batch.resultStatement ? [sql`${batch.resultStatement};`] : [];
  const steps = batch.steps.map(mssqlStep);
  const head = [rawSql(`SET XACT_ABORT ON; SET LOCK_TIMEOUT ${Math.floor(lockTimeoutMs)};`)];
  const joinAll = (parts: Statement[]) => new Statement(['', ...parts.slice(1).map(() => '\n'), ''], parts);

  const total = steps.reduce((n, s) => n + paramCount(s), 0) + vars.length;
  if (total <= MSSQL_MAX_PARAMS) {
    const one = joinAll([...head, rawSql('BEGIN TRAN;'), ...declare(undefined), ...steps, rawSql('COMMIT TRAN;'), ...result]);
    return [{ build: () => one, carry: false }];
  }
  // Cut between statements: one statement never exceeds the limit (row inserts are chunked by
  // their builders), the carried variables take one parameter each.
  const budget = MSSQL_MAX_PARAMS - vars.length;
  const chunks: Statement[][] = [];
  let current: Statement[] = [];
  let used = 0;
  for (const s of steps) {
    const n = paramCount(s);
    if (n > budget) throw new Error(`one batch statement takes ${n} parameters, more than a SQL Server request allows`);
    if (used + n > budget && current.length > 0) {
      chunks.push(current);
      current = [];
      used = 0;
    }
    current.push(s);
    used += n;
  }
  chunks.push(current);
  return chunks.map((chunk, i) => {
    const first = i === 0;
    const last = i === chunks.length - 1;
    return {
      // A later request declares the variables again, from the previous request's values.
      build: (carried?: Record<string, SqlValue>) => joinAll([...(first ? head : []), ...declare(first ? undefined : (carried ?? {})), ...chunk, ...(last ? result : [carrySelect])]),
      carry: !last,
    };
  });
}

/** PostgreSQL literal of a value (numbers checked finite, negatives parenthesised: `- -1` is a comment). */
export function pgLiteral(escapeString: (s: string) => string): (v: SqlValue) => string {
  return (v) => {
    if (v === null || v === undefined) return 'NULL';
    if (typeof v === 'boolean') return v ? 'TRUE' : 'FALSE';
    if (typeof v === 'number') {
      if (!Number.isFinite(v)) throw new Error(`not a finite number: ${v}`);
      return v < 0 ? `(${String(v)})` : String(v);
    }
    return escapeString(v);
  };
}

/** The PostgreSQL text of `batch`: one multi-statement simple query (one implicit transaction). */
export function pgBatchText(batch: WriteBatch, lockTimeoutMs: number, literal: (v: SqlValue) => string): string {
  const parts: string[] = [`SET LOCAL lock_timeout = ${Math.floor(lockTimeoutMs)}`];
  // Settings of an earlier batch on this pooled connection are gone with its transaction, but
  // start each variable empty anyway so that a read before a write can only see NULL.
  for (const v of batch.variables) parts.push(`SELECT set_config(${PG_SETTING(v.name)}, '', true)`);
  for (const step of batch.steps) {
    if (step.kind === 'sql') parts.push(render(step.stmt, 'pg', literal).text);
    else {
      const cond = render(step.cond, 'pg', literal).text;
      if (cond.includes('$mks$')) throw new Error('batch condition contains the DO block quote');
      parts.push(`DO $mks$ BEGIN IF (${cond}) THEN RAISE EXCEPTION '${BATCH_ERROR_PREFIX}${step.code}'; END IF; END $mks$`);
    }
  }
  if (batch.resultStatement) parts.push(render(batch.resultStatement, 'pg', literal).text);
  return parts.join(';\n');
}

/** The PostgreSQL text of a read batch: the SELECTs one after another, one result set each. */
export function pgReadText(stmts: Statement[], literal: (v: SqlValue) => string): string {
  return stmts.map((s) => render(s, 'pg', literal).text).join(';\n');
}

/** The SQL Server text of a read batch (one request; reads are small). */
export function mssqlReadStatement(stmts: Statement[]): Statement {
  return new Statement(['', ...stmts.slice(1).map(() => ';\n'), ''], stmts);
}

export type { DialectName };
