/**
 * Reading the parsed SQL Profiler traces of Mikro's own client (fixtures/mikro-traces) and
 * turning them into the final state of every row the client wrote (INSERT + follow-up UPDATEs).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const TRACES_DIR = fileURLToPath(new URL('../../fixtures/mikro-traces/', import.meta.url));

interface TraceStatement {
  kind: string;
  table?: string;
  row?: Record<string, unknown>;
  set?: Record<string, unknown>;
  where?: Record<string, unknown>;
  value?: unknown;
  sql?: string;
}

export interface TracedRow {
  table: string;
  /** Record number the client got back (SCOPE_IDENTITY) or updated. */
  recno: number;
  inserted: boolean;
  values: Record<string, unknown>;
}

export function loadTrace(name: string): { scenario: string; rows: TracedRow[] } {
  const trace = JSON.parse(readFileSync(`${TRACES_DIR}${name}.json`, 'utf8')) as { scenario: string; statements: TraceStatement[] };
  const rows: TracedRow[] = [];
  let lastInsert: TracedRow | undefined;
  for (const s of trace.statements) {
    if (s.kind === 'insert' && s.table && s.row) {
      lastInsert = { table: s.table, recno: -1, inserted: true, values: { ...s.row } };
      rows.push(lastInsert);
    } else if (s.kind === 'select-lookup' && s.sql === 'SELECT SCOPE_IDENTITY()' && lastInsert) {
      lastInsert.recno = Number(s.value);
    } else if (s.kind === 'update' && s.table && s.set && s.where) {
      const recno = Number(Object.values(s.where)[0]);
      let target = rows.find((r) => r.table === s.table && r.recno === recno);
      if (!target) {
        target = { table: s.table, recno, inserted: false, values: {} };
        rows.push(target);
      }
      Object.assign(target.values, s.set);
    }
  }
  return { scenario: trace.scenario, rows };
}

/** Columns that legitimately differ between the client's run and ours. */
export function isVolatileColumn(name: string): boolean {
  return /_(create|lastup)_date$/i.test(name) || /_RECno$/i.test(name) || /_RECid_RECno$/i.test(name);
}

/** Mikro date values as the trace writes them: 'YYYYMMDD' or 'YYYYMMDD hh:mm:ss.mmm'. */
export function normalizeValue(v: unknown): unknown {
  if (typeof v === 'string') {
    const m = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?$/.exec(v);
    if (m) {
      const date = `${m[1]}${m[2]}${m[3]}`;
      const time = `${m[4]}:${m[5]}:${m[6]}`;
      return time === '00:00:00' && !Number(m[7] ?? 0) ? date : `${date} ${time}.${(m[7] ?? '0').padEnd(3, '0').slice(0, 3)}`;
    }
    const t = /^(\d{8}) 00:00:00(?:\.0+)?$/.exec(v);
    if (t) return t[1];
  }
  return v;
}

/** Differences between a traced row and ours, column by column (volatile columns skipped). */
export function diffRow(expected: Record<string, unknown>, actual: Record<string, unknown>): string[] {
  const diffs: string[] = [];
  for (const [col, want] of Object.entries(expected)) {
    if (isVolatileColumn(col)) continue;
    if (!(col in actual)) {
      diffs.push(`${col}: missing`);
      continue;
    }
    const got = normalizeValue(actual[col]);
    const exp = normalizeValue(want);
    if (typeof exp === 'number' && typeof got === 'number' ? Math.abs(exp - got) > 1e-9 : got !== exp) {
      diffs.push(`${col}: expected ${JSON.stringify(exp)}, got ${JSON.stringify(got)}`);
    }
  }
  return diffs;
}
