/**
 * T-SQL checks for statements we send to SQL Server, without a SQL Server: `parseTsql` runs the
 * ANTLR T-SQL grammar; `assertTsql` adds what that grammar lets through but SQL Server refuses
 * or reads differently (PostgreSQL parameters, double-quoted identifiers, PostgreSQL-only clauses).
 */
import pkg from 'antlr4ts-sql';
import type { ErpTx, Row } from '../../packages/connectors/src/erp/client.js';
import { render, type Statement } from '../../packages/connectors/src/erp/sql.js';

const { antlr4tsSQL, SQLDialect } = pkg; // CommonJS package

const MAX_MESSAGE = 200;

/** Syntax errors of `sql` under the T-SQL grammar (empty when it parses), each at most 200 chars. */
export function parseTsql(sql: string): string[] {
  const errors: string[] = [];
  const listener = {
    syntaxError(_recognizer: unknown, _symbol: unknown, line: number, col: number, msg: string) {
      errors.push(`line ${line}:${col}: ${String(msg)}`.slice(0, MAX_MESSAGE));
    },
  };
  const t = new antlr4tsSQL(SQLDialect.TSQL);
  const tokens = t.getTokens(sql, [listener]);
  const parser = t.getParser(tokens, [listener]);
  t.getParseTree(parser);
  return errors;
}

interface Scanned {
  /** The text with comments removed and string literals / [bracketed] names emptied. */
  code: string;
  /** Every "double quoted" token found outside literals and comments. */
  doubleQuoted: string[];
}

/** Separates code from string literals, bracketed identifiers and comments. */
function scan(sql: string): Scanned {
  let code = '';
  const doubleQuoted: string[] = [];
  let i = 0;
  // Reads up to the closing `close`, where a doubled `close` is an escaped one.
  const skipQuoted = (close: string): string => {
    const start = i;
    i++; // opening quote
    while (i < sql.length) {
      if (sql[i] === close) {
        if (sql[i + 1] === close) i += 2;
        else {
          i++;
          return sql.slice(start, i);
        }
      } else i++;
    }
    return sql.slice(start); // unterminated: the grammar reports it
  };
  while (i < sql.length) {
    const c = sql[i];
    if (c === '-' && sql[i + 1] === '-') {
      while (i < sql.length && sql[i] !== '\n') i++;
      code += ' ';
    } else if (c === '/' && sql[i + 1] === '*') {
      const end = sql.indexOf('*/', i + 2);
      i = end < 0 ? sql.length : end + 2;
      code += ' ';
    } else if (c === "'") {
      skipQuoted("'");
      code += "''";
    } else if (c === '[') {
      skipQuoted(']');
      code += '[]';
    } else if (c === '"') {
      doubleQuoted.push(skipQuoted('"'));
      code += '""';
    } else {
      code += c;
      i++;
    }
  }
  return { code, doubleQuoted };
}

const POSTGRES_ONLY: { pattern: RegExp; what: string }[] = [
  { pattern: /\bLIMIT\b/i, what: 'LIMIT (use TOP (@n) or OFFSET ... FETCH)' },
  { pattern: /\bRETURNING\b/i, what: 'RETURNING (use SCOPE_IDENTITY() or OUTPUT)' },
  { pattern: /\bFOR\s+UPDATE\b/i, what: 'FOR UPDATE (use WITH (UPDLOCK, HOLDLOCK))' },
  { pattern: /\bON\s+CONFLICT\b/i, what: 'ON CONFLICT (use MERGE or IF NOT EXISTS)' },
  { pattern: /\bILIKE\b/i, what: 'ILIKE' },
];

/** Every problem of `sql` as a statement for SQL Server (grammar errors and PostgreSQL-isms). */
export function tsqlProblems(sql: string): string[] {
  const problems = parseTsql(sql).map((e) => `syntax: ${e}`);
  const { code, doubleQuoted } = scan(sql);
  for (const q of doubleQuoted) problems.push(`double-quoted identifier ${q.slice(0, 60)} (use [brackets])`);
  for (const { pattern, what } of POSTGRES_ONLY) if (pattern.test(code)) problems.push(`PostgreSQL-only: ${what}`);
  // Parameters: SQL Server takes @name only. The grammar reads `$1` as a name, so check by hand.
  for (const m of code.matchAll(/\$\w+|\?|(?<![:\w]):[A-Za-z_]\w*/g)) problems.push(`parameter ${m[0]}: expected @name`);
  for (const m of code.matchAll(/@(?![@A-Za-z_#])\S*/g)) problems.push(`parameter ${m[0]}: expected @name`);
  return problems;
}

/** Throws when `sql` is not a statement SQL Server would run as written. */
export function assertTsql(sql: string): void {
  const problems = tsqlProblems(sql);
  if (problems.length) throw new Error(`not valid T-SQL:\n  ${problems.join('\n  ')}\n--- statement:\n${sql.slice(0, 2000)}`);
}

/** An ERP transaction that records every statement rendered for SQL Server and answers `rows`. */
export function recordingTx(rows: Row[] = []): { tx: ErpTx; texts: string[]; params: unknown[][] } {
  const texts: string[] = [];
  const params: unknown[][] = [];
  const tx: ErpTx = {
    dialect: 'mssql',
    async query<T = Row>(stmt: Statement): Promise<T[]> {
      const r = render(stmt, 'mssql');
      texts.push(r.text);
      params.push(r.params);
      return rows as T[];
    },
  };
  return { tx, texts, params };
}
