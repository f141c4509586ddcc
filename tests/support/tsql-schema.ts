/**
 * Statements rendered for SQL Server checked against the Mikro schema (spec/schema/mikro.json) and
 * our own tables in the ERP database (setup.ts, the delete log), without a SQL Server:
 *  - every table a statement names exists, and every column it names exists in one of its tables;
 *  - every `@name` is a bound parameter (`@p1`..) or a variable the batch declares itself;
 *  - every bound value fits the column it is written to or compared with, as it is declared to the
 *    server (`declaredParamType`, the rule the driver binding uses): a string no longer than the
 *    column, a whole number in the column's range, a datetime SQL Server reads the same under any
 *    language setting.
 * A scanner, not a parser: the grammar check (tsql.ts) runs alongside. It reads the shapes our
 * builders render (bracketed names, `[col] = @p1`, `[col] IN (@p1, ...)`, `INSERT ... VALUES`).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { deleteLogScriptMssql } from '../../packages/connectors/src/erp/catalog-delete-log.js';
import { declaredParamType } from '../../packages/connectors/src/erp/param-types.js';
import { ERP_OWN_TABLES_MSSQL } from '../../packages/connectors/src/erp/setup.js';
import type { SqlValue } from '../../packages/connectors/src/erp/sql.js';

export interface ColumnType {
  /** Base SQL Server type, lower case: nvarchar, int, float, datetime, ... */
  base: string;
  /** Characters (strings) when known; undefined for MAX or unknown. */
  length?: number;
  precision?: number;
  scale?: number;
}
export type Schema = Map<string, Map<string, ColumnType>>;

const key = (name: string) => name.toLowerCase();

/** `nvarchar(50)`, `int identity`, `decimal(5,2)`, `datetime default GETDATE()` -> its type. */
export function parseColumnType(type: string, length?: number): ColumnType {
  const m = /^\s*(\w+)(?:\s*\(\s*(\d+|max)\s*(?:,\s*(\d+)\s*)?\))?/i.exec(type);
  if (!m) throw new Error(`unreadable column type: ${type}`);
  const base = m[1]!.toLowerCase();
  const n = m[2] && m[2].toLowerCase() !== 'max' ? Number(m[2]) : undefined;
  if (base === 'decimal' || base === 'numeric') return { base, precision: n ?? 18, scale: m[3] ? Number(m[3]) : 0 };
  return { base, length: length ?? n };
}

/** The tables of a T-SQL DDL script (`CREATE TABLE [dbo].[X] ( [col] type ... )`). */
export function tablesOfDdl(script: string): Schema {
  const out: Schema = new Map();
  for (const m of script.matchAll(/CREATE TABLE\s+(?:\[dbo\]\.)?\[(\w+)\]\s*\(([\s\S]*?)\n\);/gi)) {
    const cols = new Map<string, ColumnType>();
    for (const c of m[2]!.matchAll(/^\s*\[(\w+)\]\s+(\w+(?:\s*\([^)]*\))?)/gm)) cols.set(key(c[1]!), parseColumnType(c[2]!));
    out.set(key(m[1]!), cols);
  }
  return out;
}

interface MikroJson {
  [table: string]: { columns?: { name: string; type: string; length?: number }[] };
}

let cached: Schema | undefined;
/** Mikro's tables and views from mikro.json, plus our own tables in the ERP database. */
export function mikroSchema(): Schema {
  if (cached) return cached;
  const file = fileURLToPath(new URL('../../spec/schema/mikro.json', import.meta.url));
  const json = JSON.parse(readFileSync(file, 'utf8')) as MikroJson;
  const schema: Schema = new Map();
  for (const [table, def] of Object.entries(json)) {
    if (table.startsWith('_') || !def.columns) continue;
    schema.set(key(table), new Map(def.columns.map((c) => [key(c.name), parseColumnType(c.type, c.length)])));
  }
  for (const script of [ERP_OWN_TABLES_MSSQL, deleteLogScriptMssql()]) for (const [t, cols] of tablesOfDdl(script)) schema.set(t, cols);
  cached = schema;
  return schema;
}

// ---------------------------------------------------------------------------------------------
// Scanning

type Kind = 'name' | 'word' | 'var' | 'sysvar' | 'string' | 'number' | 'punct';
interface Token {
  kind: Kind;
  /** Identifier without brackets, variable with its @, operator, literal text. */
  text: string;
}

function tokenize(sql: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  const quoted = (close: string) => {
    const start = ++i;
    let text = '';
    while (i < sql.length) {
      if (sql[i] === close && sql[i + 1] === close) {
        text += close;
        i += 2;
      } else if (sql[i] === close) {
        i++;
        return text;
      } else text += sql[i++];
    }
    throw new Error(`unterminated ${close} from ${start}`);
  };
  while (i < sql.length) {
    const c = sql[i]!;
    const rest = sql.slice(i);
    if (/\s/.test(c)) i++;
    else if (rest.startsWith('--')) while (i < sql.length && sql[i] !== '\n') i++;
    else if (rest.startsWith('/*')) i = sql.indexOf('*/', i + 2) < 0 ? sql.length : sql.indexOf('*/', i + 2) + 2;
    else if (c === "'" || ((c === 'N' || c === 'n') && sql[i + 1] === "'")) {
      if (c !== "'") i++;
      out.push({ kind: 'string', text: quoted("'") });
    } else if (c === '[') out.push({ kind: 'name', text: quoted(']') });
    else if (c === '"') out.push({ kind: 'name', text: quoted('"') });
    else if (rest.startsWith('@@')) {
      const m = /^@@\w+/.exec(rest)!;
      out.push({ kind: 'sysvar', text: m[0] });
      i += m[0].length;
    } else if (c === '@') {
      const m = /^@[\w#$]+/.exec(rest);
      if (!m) throw new Error(`a lone @ at ${i}`);
      out.push({ kind: 'var', text: m[0] });
      i += m[0].length;
    } else if (/\d/.test(c)) {
      const m = /^\d+(?:\.\d+)?(?:e[+-]?\d+)?/i.exec(rest)!;
      out.push({ kind: 'number', text: m[0] });
      i += m[0].length;
    } else if (/[A-Za-z_#]/.test(c)) {
      const m = /^[\w#$]+/.exec(rest)!;
      out.push({ kind: 'word', text: m[0] });
      i += m[0].length;
    } else {
      const op = ['<=', '>=', '<>', '!='].find((o) => rest.startsWith(o)) ?? c;
      out.push({ kind: 'punct', text: op });
      i += op.length;
    }
  }
  return out;
}

/** Top-level statements of a batch (split at `;`). */
function statements(tokens: Token[]): Token[][] {
  const out: Token[][] = [[]];
  let depth = 0;
  for (const t of tokens) {
    if (t.kind === 'punct' && t.text === '(') depth++;
    if (t.kind === 'punct' && t.text === ')') depth--;
    if (depth === 0 && t.kind === 'punct' && t.text === ';') out.push([]);
    else out[out.length - 1]!.push(t);
  }
  return out.filter((s) => s.length > 0);
}

const isWord = (t: Token | undefined, ...words: string[]) => t?.kind === 'word' && words.includes(t.text.toUpperCase());
const isPunct = (t: Token | undefined, ...p: string[]) => t?.kind === 'punct' && p.includes(t.text);

// Words that end a table reference (never an alias).
const NOT_ALIAS = new Set(
  'WITH WHERE SET ON JOIN INNER LEFT RIGHT FULL OUTER CROSS ORDER GROUP HAVING UNION VALUES OUTPUT SELECT FROM WHEN THEN AND OR OPTION DEFAULT EXEC EXECUTE IF ELSE BEGIN END INSERT UPDATE DELETE MERGE USING DECLARE THROW RETURN'.split(' '),
);

interface TableRef {
  table: string;
  /** Columns, or undefined for a source whose columns the checker does not know (a derived table). */
  columns: Map<string, ColumnType> | undefined;
}

// ---------------------------------------------------------------------------------------------
// Checking


const INT_RANGE: Record<string, [number, number]> = {
  tinyint: [0, 255],
  smallint: [-32_768, 32_767],
  int: [-2_147_483_648, 2_147_483_647],
  bigint: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
};

/**
 * Datetime strings SQL Server reads the same whatever the session's language and DATEFORMAT:
 * 'YYYYMMDD', 'YYYYMMDD hh:mm[:ss[.fff]]', 'YYYY-MM-DDThh:mm:ss[.fff]'. ('YYYY-MM-DD hh:mm:ss' is
 * read as year-day-month under a Turkish or other dmy login for `datetime`.)
 */
export function datetimeProblem(value: string, base: string): string | undefined {
  const m =
    /^(\d{4})(\d{2})(\d{2})(?: (\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?)?$/.exec(value) ??
    /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,3}))?$/.exec(value) ??
    (base === 'date' ? /^(\d{4})-(\d{2})-(\d{2})$/.exec(value) : null);
  if (!m) return `'${value}' is not a datetime SQL Server reads the same under every language (use 'YYYYMMDD hh:mm:ss.fff')`;
  const [y, mo, d, h = 0, mi = 0, s = 0] = m.slice(1, 7).map((x) => Number(x ?? 0)) as number[];
  const check = new Date(Date.UTC(y!, mo! - 1, d!));
  if (check.getUTCFullYear() !== y || check.getUTCMonth() !== mo! - 1 || check.getUTCDate() !== d) return `'${value}' is not a calendar date`;
  if (h! > 23 || mi! > 59 || s! > 59) return `'${value}' is not a time of day`;
  const minYear = base === 'datetime' ? 1753 : base === 'smalldatetime' ? 1900 : 1;
  if (y! < minYear) return `'${value}' is before ${minYear}, the first year of ${base}`;
  return undefined;
}

/** Why `value`, declared as the driver declares it, does not fit a column of type `col`; or undefined. */
export function valueProblem(value: SqlValue, col: ColumnType, comparison: 'write' | 'like'): string | undefined {
  if (value === null) return undefined;
  const declared = declaredParamType(value);
  const base = col.base;
  if (['nvarchar', 'varchar', 'nchar', 'char', 'ntext', 'text'].includes(base)) {
    if (comparison === 'like') return typeof value === 'string' ? undefined : `a ${declared.type} pattern for LIKE`;
    const text = String(value);
    if (col.length !== undefined && text.length > col.length) return `${text.length} characters ('${text.slice(0, 40)}') into ${base}(${col.length})`;
    return undefined;
  }
  if (base in INT_RANGE || base === 'bit') {
    const [min, max] = INT_RANGE[base] ?? [0, 1];
    let n: number;
    if (typeof value === 'boolean') n = value ? 1 : 0;
    else if (typeof value === 'number') n = value;
    else if (/^-?\d+$/.test(value.trim())) n = Number(value);
    else return `${declared.type} '${value.slice(0, 40)}' into ${base}`;
    if (!Number.isInteger(n)) return `${declared.type} ${n} into ${base} (the fraction would be cut)`;
    if (n < min || n > max) return `${n} is out of the range of ${base}`;
    return undefined;
  }
  if (['float', 'real', 'money', 'decimal', 'numeric'].includes(base)) {
    const n = typeof value === 'number' ? value : typeof value === 'boolean' ? Number(value) : Number(value.trim());
    if (typeof value === 'string' && (value.trim() === '' || !Number.isFinite(n))) return `${declared.type} '${value.slice(0, 40)}' into ${base}`;
    if (col.precision !== undefined && Math.abs(Math.trunc(n)).toString().length > col.precision - (col.scale ?? 0)) return `${n} does not fit ${base}(${col.precision},${col.scale})`;
    return undefined;
  }
  if (['datetime', 'smalldatetime', 'datetime2', 'date'].includes(base)) {
    if (typeof value !== 'string') return `${declared.type} ${String(value)} into ${base} (bind a 'YYYYMMDD hh:mm:ss.fff' string)`;
    return datetimeProblem(value, base);
  }
  if (base === 'uniqueidentifier') {
    return typeof value === 'string' && /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value) ? undefined : `'${String(value)}' is not a uniqueidentifier`;
  }
  return undefined;
}

/** Every schema problem of one rendered statement (text with @p1.. and its bound values). */
export function schemaProblems(text: string, params: readonly SqlValue[], stats?: { values: number }, schema: Schema = mikroSchema()): string[] {
  const problems: string[] = [];
  let tokens: Token[];
  try {
    tokens = tokenize(text);
  } catch (err) {
    return [`unreadable: ${(err as Error).message}`];
  }
  // Batch variables (DECLARE @h int; DECLARE @ids TABLE (...)) live across the batch's statements.
  const variables = new Set<string>();
  const tableVariables = new Map<string, Map<string, ColumnType>>();
  for (const stmt of statements(tokens)) checkStatement(stmt);
  return problems;

  function checkStatement(stmt: Token[]): void {
    const first = stmt[0]!;
    if (isWord(first, 'CREATE', 'ALTER', 'DROP', 'GO')) return; // scripts: checked as DDL elsewhere
    if (isWord(first, 'DECLARE')) declare(stmt);
    const refs: TableRef[] = [];
    const aliases = new Map<string, TableRef>();
    const outputNames = new Set<string>();
    const consumed = new Set<number>(); // token positions that are table names, aliases, schemas
    const ctes = new Set<string>();

    // WITH x AS (...): a source of unknown columns.
    if (isWord(first, 'WITH')) for (let i = 1; i < stmt.length; i++) if (isWord(stmt[i + 1], 'AS') && isPunct(stmt[i + 2], '(') && (stmt[i]!.kind === 'name' || stmt[i]!.kind === 'word')) {
      ctes.add(key(stmt[i]!.text));
      consumed.add(i);
    }

    const tableAt = (i: number): number => {
      // [dbo].[X] / dbo.X / [X] / @t / (derived)
      const t = stmt[i];
      if (!t) return i;
      if (isPunct(t, '(')) {
        // A derived table `(SELECT ...) x`: its columns are not checked; the inner FROM is.
        if (!isWord(stmt[i + 1], 'SELECT')) return i;
        let depth = 0;
        let k = i;
        for (; k < stmt.length; k++) {
          if (isPunct(stmt[k], '(')) depth++;
          else if (isPunct(stmt[k], ')') && --depth === 0) break;
        }
        const ref: TableRef = { table: '(derived table)', columns: undefined };
        refs.push(ref);
        return alias(k + 1, ref);
      }
      if (t.kind === 'var') {
        const cols = tableVariables.get(key(t.text));
        const ref: TableRef = { table: t.text, columns: cols };
        refs.push(ref);
        return alias(i + 1, ref);
      }
      if (t.kind !== 'name' && t.kind !== 'word') return i;
      if (t.kind === 'word' && NOT_ALIAS.has(t.text.toUpperCase())) return i;
      let j = i;
      while (isPunct(stmt[j + 1], '.') && (stmt[j + 2]?.kind === 'name' || stmt[j + 2]?.kind === 'word')) {
        consumed.add(j);
        j += 2;
      }
      consumed.add(j);
      const name = stmt[j]!.text;
      // A function call such as sp_getapplock / OBJECT_ID(...) is not a table.
      if (isPunct(stmt[j + 1], '(') && t.kind === 'word') return i;
      let ref: TableRef;
      // Catalog views (sys.triggers, INFORMATION_SCHEMA.COLUMNS) and CTEs: columns not checked.
      if (ctes.has(key(name)) || (j > i && ['sys', 'information_schema'].includes(key(t.text)))) ref = { table: name, columns: undefined };
      else {
        const cols = schema.get(key(name));
        if (!cols) problems.push(`table ${name} is not in the Mikro schema (nor one of our own tables)`);
        ref = { table: name, columns: cols ?? undefined };
      }
      refs.push(ref);
      aliases.set(key(name), ref);
      return alias(j + 1, ref);
    };
    const alias = (i: number, ref: TableRef): number => {
      let j = i;
      if (isWord(stmt[j], 'AS')) j++;
      const a = stmt[j];
      if (a && (a.kind === 'name' || (a.kind === 'word' && !NOT_ALIAS.has(a.text.toUpperCase())))) {
        consumed.add(j);
        aliases.set(key(a.text), ref);
        return j + 1;
      }
      return i;
    };

    const updates: number[] = [];
    for (let i = 0; i < stmt.length; i++) {
      const t = stmt[i]!;
      if (isWord(t, 'UPDATE')) updates.push(i + 1);
      else if (isWord(t, 'FROM', 'JOIN', 'INTO', 'USING') || (isWord(t, 'MERGE') && !isWord(stmt[i + 1], 'INTO'))) {
        let j = tableAt(i + 1);
        // FROM a, b
        while (isWord(t, 'FROM') && isPunct(stmt[j], ',') && j > i + 1) j = tableAt(j + 1);
      } else if (isWord(t, 'DELETE') && !isWord(stmt[i + 1], 'FROM')) tableAt(i + 1);
      else if (isWord(t, 'AS') && (stmt[i + 1]?.kind === 'name' || stmt[i + 1]?.kind === 'word') && !isPunct(stmt[i + 2], '(')) {
        outputNames.add(key(stmt[i + 1]!.text));
        consumed.add(i + 1);
      }
    }
    // UPDATE [s] SET ... FROM [T] [s]: the target may be an alias the FROM clause defines.
    let updated: TableRef | undefined;
    for (const u of updates) {
      const named = stmt[u];
      const viaAlias = named && (named.kind === 'name' || named.kind === 'word') && !isPunct(stmt[u + 1], '.') ? aliases.get(key(named.text)) : undefined;
      if (viaAlias) consumed.add(u);
      const before = refs.length;
      if (!viaAlias) tableAt(u);
      updated ??= viaAlias ?? refs[before];
    }
    // The target of INSERT/UPDATE/DELETE is what OUTPUT's INSERTED / DELETED name.
    const target = updated ?? refs[0];
    if (target) {
      aliases.set('inserted', target);
      aliases.set('deleted', target);
    }
    const opaque = refs.some((r) => !r.columns);

    // Columns: bracketed names that are not tables, aliases or output names.
    const columnAt = (i: number): { ref: TableRef | undefined; col: ColumnType | undefined; name: string } | undefined => {
      const t = stmt[i];
      if (!t || t.kind !== 'name' || consumed.has(i)) return undefined;
      if (isPunct(stmt[i + 1], '.')) return undefined; // a qualifier
      if (isWord(first, 'DECLARE')) return undefined; // a table variable's column definitions
      const name = t.text;
      if (isPunct(stmt[i - 1], '.')) {
        const q = stmt[i - 2]!;
        const ref = aliases.get(key(q.text));
        if (!ref) {
          problems.push(`${q.text}.${name}: no table or alias ${q.text} in the statement`);
          return { ref: undefined, col: undefined, name };
        }
        const col = ref.columns?.get(key(name));
        if (ref.columns && !col) problems.push(`column ${name} is not in table ${ref.table}`);
        return { ref, col, name };
      }
      for (const ref of refs) {
        const col = ref.columns?.get(key(name));
        if (col) return { ref, col, name };
      }
      if (!outputNames.has(key(name)) && !opaque && refs.length > 0) problems.push(`column ${name} is not in ${refs.map((r) => r.table).join(' / ')}`);
      return { ref: undefined, col: undefined, name };
    };
    const resolved = new Map<number, ReturnType<typeof columnAt>>();
    for (let i = 0; i < stmt.length; i++) {
      const r = columnAt(i);
      if (r) resolved.set(i, r);
    }

    // Variables and parameters.
    const isExec = isWord(first, 'EXEC', 'EXECUTE');
    for (let i = 0; i < stmt.length; i++) {
      const t = stmt[i]!;
      if (t.kind !== 'var') continue;
      if (isExec && i > 1 && isPunct(stmt[i + 1], '=')) continue; // a procedure's named argument
      if (variables.has(key(t.text)) || tableVariables.has(key(t.text))) continue;
      const m = /^@p(\d+)$/.exec(t.text);
      if (!m || Number(m[1]) < 1 || Number(m[1]) > params.length) {
        problems.push(`${t.text} is neither a bound parameter (@p1..@p${params.length}) nor declared in the batch`);
        continue;
      }
      const value = params[Number(m[1]) - 1]!;
      const target = columnFor(i);
      if (!target?.col) continue;
      if (stats) stats.values++;
      const p = valueProblem(value, target.col, target.like ? 'like' : 'write');
      if (p) problems.push(`${t.text} for ${target.ref?.table}.${target.name}: ${p}`);
    }

    // INSERT ... (cols) VALUES (...), (...): values by position.
    function insertColumn(i: number): { ref: TableRef | undefined; col: ColumnType | undefined; name: string } | undefined {
      const into = stmt.findIndex((t) => isWord(t, 'INTO'));
      const values = stmt.findIndex((t) => isWord(t, 'VALUES'));
      if (!isWord(first, 'INSERT') || into < 0 || values < 0 || i < values) return undefined;
      const open = stmt.findIndex((t, k) => k > into && isPunct(t, '('));
      if (open < 0 || open > values) return undefined;
      const cols: number[] = [];
      for (let k = open + 1; k < values && !isPunct(stmt[k], ')'); k++) if (stmt[k]!.kind === 'name') cols.push(k);
      // Position of token i inside its VALUES tuple (top-level commas only).
      let depth = 0;
      let pos = 0;
      for (let k = values + 1; k < i; k++) {
        if (isPunct(stmt[k], '(')) {
          depth++;
          if (depth === 1) pos = 0;
        } else if (isPunct(stmt[k], ')')) depth--;
        else if (depth === 1 && isPunct(stmt[k], ',')) pos++;
      }
      // Only a value that is the whole expression fits a column as it is.
      if (depth !== 1 || !isPunct(stmt[i - 1], '(', ',') || !isPunct(stmt[i + 1], ')', ',')) return undefined;
      const c = cols[pos];
      return c === undefined ? undefined : resolved.get(c);
    }

    function columnFor(i: number): { ref: TableRef | undefined; col: ColumnType | undefined; name: string; like: boolean } | undefined {
      const ins = insertColumn(i);
      if (ins) return { ...ins, like: false };
      const op = stmt[i - 1];
      const COMPARE = ['=', '<>', '!=', '<', '>', '<=', '>='];
      // [col] = @p / @p = [col]
      if (isPunct(op, ...COMPARE) || isWord(op, 'LIKE')) {
        const c = resolved.get(i - 2);
        if (c) return { ...c, like: isWord(op, 'LIKE') };
      }
      if (isPunct(stmt[i + 1], ...COMPARE)) {
        const c = resolved.get(i + 2);
        if (c) return { ...c, like: false };
      }
      // [col] IN (@p1, @p2, ...)
      let k = i - 1;
      while (isPunct(stmt[k], ',') && stmt[k - 1]?.kind === 'var') k -= 2;
      if (isPunct(stmt[k], '(') && isWord(stmt[k - 1], 'IN')) {
        const c = resolved.get(isWord(stmt[k - 2], 'NOT') ? k - 3 : k - 2);
        if (c) return { ...c, like: false };
      }
      return undefined;
    }
  }

  function declare(stmt: Token[]): void {
    for (let i = 1; i < stmt.length; i++) {
      const t = stmt[i]!;
      if (t.kind !== 'var' || !(i === 1 || isPunct(stmt[i - 1], ','))) continue;
      if (isWord(stmt[i + 1], 'TABLE') && isPunct(stmt[i + 2], '(')) {
        const cols = new Map<string, ColumnType>();
        let depth = 0;
        let k = i + 2;
        for (; k < stmt.length; k++) {
          if (isPunct(stmt[k], '(')) depth++;
          else if (isPunct(stmt[k], ')') && --depth === 0) break;
          else if (depth === 1 && (stmt[k]!.kind === 'name' || stmt[k]!.kind === 'word') && isPunct(stmt[k - 1], '(', ',') && stmt[k + 1]?.kind === 'word') {
            cols.set(key(stmt[k]!.text), parseColumnType(stmt[k + 1]!.text));
          }
        }
        tableVariables.set(key(t.text), cols);
        i = k;
      } else variables.add(key(t.text));
    }
  }
}

/**
 * Schema problems of many rendered statements, each named with the start of its text, and how many
 * bound values were checked against a column (so a test shows the check had something to check).
 */
export function schemaCheck(rendered: Iterable<{ text: string; params: readonly SqlValue[] }>): { problems: string[]; values: number } {
  const seen = new Set<string>();
  const out: string[] = [];
  const stats = { values: 0 };
  for (const r of rendered) {
    const id = `${r.text}\u0000${JSON.stringify(r.params)}`;
    if (seen.has(id)) continue;
    seen.add(id);
    for (const p of schemaProblems(r.text, r.params, stats)) out.push(`${p}\n  in: ${r.text.slice(0, 200)}`);
  }
  return { problems: [...new Set(out)], values: stats.values };
}
