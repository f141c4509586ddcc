/**
 * The dialect seam. ERP statements are written once with the `sql` tag: identifiers through
 * `ident()`, values as plain interpolations (always bound as parameters, never spliced), and the
 * few constructs that differ between SQL Server and PostgreSQL through `dialectPart()`.
 * `render()` turns a statement into text for one dialect: `[X]` + `@p1` for SQL Server,
 * `"X"` + `$1` for the PostgreSQL stand-in.
 */
export type SqlValue = string | number | boolean | null;
export type DialectName = 'mssql' | 'pg';

interface Ident {
  readonly kind: 'ident';
  readonly name: string;
}
interface DialectPart {
  readonly kind: 'dialect';
  readonly mssql: Fragment;
  readonly pg: Fragment;
}
type Fragment = Ident | DialectPart | Statement | string;

export class Statement {
  constructor(
    readonly strings: readonly string[],
    readonly parts: readonly (Fragment | SqlValue)[],
  ) {}
}

const IDENT_RE = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function ident(name: string): Ident {
  // Names come from our code, but a typo must never become injectable text.
  if (!IDENT_RE.test(name)) throw new Error(`not a valid identifier: ${name}`);
  return { kind: 'ident', name };
}

/** A piece of SQL text that differs between the two dialects (text or a nested statement). */
export function dialectPart(mssql: string | Statement, pg: string | Statement): DialectPart {
  return { kind: 'dialect', mssql, pg };
}

/** Marks a trusted piece of SQL text (keywords built by our code, never user data). */
export function rawSql(text: string): Statement {
  return new Statement([text], []);
}

export function sql(strings: TemplateStringsArray, ...parts: (Fragment | SqlValue | Ident)[]): Statement {
  return new Statement([...strings], parts);
}

/** Joins statements with a separator, e.g. a column list. */
export function join(items: (Statement | Ident)[], separator = ', '): Statement {
  if (items.length === 0) return rawSql('');
  const strings = ['', ...items.slice(1).map(() => separator), ''];
  return new Statement(strings, items);
}

export interface Rendered {
  text: string;
  params: SqlValue[];
}

function isFragment(p: unknown): p is Ident | DialectPart | Statement {
  return p instanceof Statement || (typeof p === 'object' && p !== null && 'kind' in p);
}

/**
 * Renders `stmt` for `dialect`. With `literal`, values are written into the text through it
 * instead of being bound (the PostgreSQL stand-in's multi-statement batches, which the extended
 * protocol cannot carry with parameters); `params` is then empty.
 */
export function render(stmt: Statement, dialect: DialectName, literal?: (value: SqlValue) => string): Rendered {
  const params: SqlValue[] = [];
  const placeholder = (i: number) => (dialect === 'mssql' ? `@p${i}` : `$${i}`);
  const walk = (s: Statement): string => {
    let out = s.strings[0] ?? '';
    s.parts.forEach((part, i) => {
      out += piece(part) + (s.strings[i + 1] ?? '');
    });
    return out;
  };
  const piece = (part: Fragment | SqlValue): string => {
    if (part instanceof Statement) return walk(part);
    if (isFragment(part)) {
      if (part.kind === 'ident') return dialect === 'mssql' ? `[${part.name}]` : `"${part.name}"`;
      const chosen = dialect === 'mssql' ? part.mssql : part.pg;
      return typeof chosen === 'string' ? chosen : piece(chosen);
    }
    if (literal) return literal(part as SqlValue);
    params.push(part as SqlValue);
    return placeholder(params.length);
  };
  return { text: walk(stmt), params };
}
