/**
 * The steps every posted document puts into its write batch (batch.ts): the ledger guard, the
 * check against Mikro's own changes and the delete of an edit's old rows, the number under its
 * lock, and the ledger row with the record numbers and stamps of the rows just written.
 */
import { varRef, type BatchVariable, type WriteBatch } from './batch.js';
import type { ErpClient } from './client.js';
import { changedSince } from './ledger-rows.js';
import { PLANNED_NUMBER } from './collections.js';
import { LEDGER_TABLE, LEDGER_TABLES, type LedgerRow } from './ledger.js';
import type { NumberRange } from './numbering.js';
import { dialectPart, ident, join, rawSql, sql, type SqlValue, type Statement } from './sql.js';

function meta(table: string): { recno: string; lastup: string } {
  const m = LEDGER_TABLES[table];
  if (!m) throw new Error(`no record number column known for ${table}`);
  return m;
}

/** A stored datetime as the server formats it: `yyyy-mm-dd hh:mi:ss.mmm` in both dialects. */
function stampOf(column: Statement): Statement {
  return sql`${dialectPart(sql`CONVERT(varchar(23), ${column}, 121)`, sql`to_char(${column}, 'YYYY-MM-DD HH24:MI:SS.MS')`)}`;
}

const rangeLock = dialectPart(' WITH (UPDLOCK, HOLDLOCK)', '');
const CHUNK = 500;

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * The ledger row must still be what the read batch saw: absent for a first posting (a second
 * worker that got there first makes this batch roll back), the same version for a re-post.
 */
export function guardLedger(batch: WriteBatch, webTable: string, webId: string, expectedVersion: number | undefined): void {
  const where = sql`${ident('ldg_web_table')} = ${webTable} AND ${ident('ldg_web_id')} = ${webId}`;
  const locked = sql`SELECT 1 FROM ${ident(LEDGER_TABLE)}${rangeLock} WHERE ${where}`;
  if (expectedVersion === undefined) batch.raiseIf(sql`EXISTS (${locked})`, 'ledger-exists');
  else batch.raiseIf(sql`NOT EXISTS (${locked} AND ${ident('ldg_version')} = ${expectedVersion}${dialectPart('', ' FOR UPDATE')})`, 'ledger-moved');
}

/**
 * A person's correction in Mikro wins: the batch stops (`mikrosync:changed-in-mikro`) when a row
 * the ledger holds is gone or its stamp moved. Only rows with a server-formatted `stamp`; older
 * ledgers are checked by the caller before (changedSince).
 */
export function refuseIfChanged(batch: WriteBatch, rows: LedgerRow[]): void {
  for (const table of new Set(rows.filter((r) => r.stamp !== undefined).map((r) => r.table))) {
    const m = meta(table);
    for (const part of chunks(
      rows.filter((r) => r.table === table && r.stamp !== undefined),
      CHUNK,
    )) {
      const values = join(part.map((r) => sql`(${r.recno}, ${r.stamp ?? ''})`));
      batch.raiseIf(
        sql`EXISTS (SELECT 1 FROM (VALUES ${values}) AS ${ident('l')} (${ident('r')}, ${ident('s')}) WHERE NOT EXISTS (SELECT 1 FROM ${ident(table)}${rangeLock} WHERE ${ident(m.recno)} = ${ident('l')}.${ident('r')} AND COALESCE(${stampOf(sql`${ident(m.lastup)}`)}, '') = ${ident('l')}.${ident('s')}))`,
        'changed-in-mikro',
      );
    }
  }
}

/** Deletes the rows a ledger holds (an edit's old rows, or a document deleted on the web). */
export function deleteLedgerRows(batch: WriteBatch, rows: LedgerRow[]): void {
  for (const table of new Set(rows.map((r) => r.table))) {
    const m = meta(table);
    for (const part of chunks(
      rows.filter((r) => r.table === table),
      CHUNK * 2,
    ))
      batch.add(sql`DELETE FROM ${ident(table)} WHERE ${ident(m.recno)} IN (${join(part.map((r) => sql`${r.recno}`))})`);
  }
}

/**
 * Takes the lock of the range, then sets `n` to the requested number when it is free in the ERP,
 * otherwise the ERP maximum + 1 over the header and line ranges (numbering.ts, in one statement).
 */
export function allocateNumber(batch: WriteBatch, n: BatchVariable, r: NumberRange, requested: number | null): void {
  batch.lock(`mikrosync:evrak:${r.headerType}:${r.series}`);
  const headMax = sql`SELECT MAX(${ident('cha_evrakno_sira')}) AS ${ident('m')} FROM ${ident('CARI_HESAP_HAREKETLERI')}${rangeLock} WHERE ${ident('cha_evrak_tip')} = ${r.headerType} AND ${ident('cha_evrakno_seri')} = ${r.series}`;
  const lineMax =
    r.lineType === undefined
      ? undefined
      : sql`SELECT MAX(${ident('sth_evrakno_sira')}) AS ${ident('m')} FROM ${ident('STOK_HAREKETLERI')}${rangeLock} WHERE ${ident('sth_evraktip')} = ${r.lineType} AND ${ident('sth_evrakno_seri')} = ${r.series}`;
  const max = sql`SELECT COALESCE(MAX(${ident('x')}.${ident('m')}), 0) + 1 FROM (${headMax}${lineMax ? sql` UNION ALL ${lineMax}` : rawSql('')}) AS ${ident('x')}`;
  if (requested === null) {
    batch.set(n, max);
    return;
  }
  const inUse = sql`SELECT 1 FROM ${ident('CARI_HESAP_HAREKETLERI')}${rangeLock} WHERE ${ident('cha_evrak_tip')} = ${r.headerType} AND ${ident('cha_evrakno_seri')} = ${r.series} AND ${ident('cha_evrakno_sira')} = ${requested}`;
  batch.set(n, sql`CASE WHEN EXISTS (${inUse}) THEN (${max}) ELSE ${requested} END`);
}

/** Where the ledger's rows are read back from once written: a table and a condition on it. */
export interface LedgerRowSource {
  table: string;
  where: Statement;
  /** A text column kept as the row's `ref` (a payment order's refno). */
  ref?: string;
}

function concat(parts: Statement[]): Statement {
  return sql`${dialectPart(join(parts, ' + '), join(parts, ' || '))}`;
}

/**
 * The ledger's `ldg_rows` JSON, built on the server from the rows just written: table, record
 * number and stamp of each, in source order then record-number order.
 */
export function ledgerRowsJson(sources: LedgerRowSource[]): Statement {
  const selects = sources.map((s, i) => {
    const m = meta(s.table);
    const recnoText = sql`CAST(${ident(m.recno)} AS ${dialectPart('varchar(12)', 'text')})`;
    const element = concat([
      rawSql(`'{"table":"${s.table}","recno":'`),
      recnoText,
      rawSql(`',"stamp":"'`),
      sql`COALESCE(${stampOf(sql`${ident(m.lastup)}`)}, '')`,
      // A refno is ours (`<prefix>-000-000-<year>-<digits>`): nothing in it needs JSON escaping.
      ...(s.ref ? [rawSql(`'","ref":"'`), sql`COALESCE(${ident(s.ref)}, '')`] : []),
      rawSql(`'"}'`),
    ]);
    return sql`SELECT ${i} AS ${ident('src')}, ${ident(m.recno)} AS ${ident('k')}, ${element} AS ${ident('e')} FROM ${ident(s.table)} WHERE ${s.where}`;
  });
  const all = join(selects, ' UNION ALL ');
  return sql`${dialectPart(
    sql`N'[' + COALESCE(STUFF((SELECT ',' + ${ident('x')}.${ident('e')} FROM (${all}) AS ${ident('x')} ORDER BY ${ident('x')}.${ident('src')}, ${ident('x')}.${ident('k')} FOR XML PATH('')), 1, 1, ''), '') + N']'`,
    sql`'[' || COALESCE((SELECT string_agg(${ident('x')}.${ident('e')}, ',' ORDER BY ${ident('x')}.${ident('src')}, ${ident('x')}.${ident('k')}) FROM (${all}) AS ${ident('x')}), '') || ']'`,
  )}`;
}

export interface LedgerWrite {
  webTable: string;
  webId: string;
  docKind: string;
  evrakTip: number;
  series: string;
  /** The number: a literal (a re-post keeps its number) or the batch variable just allocated. */
  number: number | BatchVariable;
  header: BatchVariable;
  fingerprint: string;
  rows: LedgerRowSource[];
}

function valueOf(v: number | BatchVariable): Statement | SqlValue {
  return typeof v === 'number' ? v : varRef(v);
}

/** The ledger row of a first posting, in the same transaction as the document. */
export function insertLedgerRow(batch: WriteBatch, rowsVar: BatchVariable, e: LedgerWrite, now: string): void {
  batch.set(rowsVar, ledgerRowsJson(e.rows));
  batch.add(
    sql`INSERT INTO ${ident(LEDGER_TABLE)} (${join(
      ['ldg_web_table', 'ldg_web_id', 'ldg_doc_kind', 'ldg_evrak_tip', 'ldg_seri', 'ldg_sira', 'ldg_header_recno', 'ldg_fingerprint', 'ldg_rows', 'ldg_version', 'ldg_created_at', 'ldg_updated_at'].map((c) => ident(c)),
    )}) VALUES (${e.webTable}, ${e.webId}, ${e.docKind}, ${e.evrakTip}, ${e.series}, ${valueOf(e.number)}, ${varRef(e.header)}, ${e.fingerprint}, ${varRef(rowsVar)}, ${1}, ${now}, ${now})`,
  );
}

/** A re-post (new rows and fingerprint) or a deletion (no rows); the version goes up by one. */
export function updateLedgerRow(
  batch: WriteBatch,
  rowsVar: BatchVariable | undefined,
  e: { webTable: string; webId: string; fingerprint: string; status: 'posted' | 'deleted'; header: number | BatchVariable; rows: LedgerRowSource[] },
  now: string,
): void {
  if (rowsVar) batch.set(rowsVar, ledgerRowsJson(e.rows));
  const rows = rowsVar ? varRef(rowsVar) : '[]';
  batch.add(
    sql`UPDATE ${ident(LEDGER_TABLE)} SET ${ident('ldg_rows')} = ${rows}, ${ident('ldg_fingerprint')} = ${e.fingerprint}, ${ident('ldg_status')} = ${e.status}, ${ident('ldg_header_recno')} = ${valueOf(e.header)}, ${ident('ldg_updated_at')} = ${now}, ${ident('ldg_version')} = ${ident('ldg_version')} + 1 WHERE ${ident('ldg_web_table')} = ${e.webTable} AND ${ident('ldg_web_id')} = ${e.webId}`,
  );
}

/**
 * The ledger rows that no longer match Mikro (edited or deleted there since posting): a read off
 * the normal path, run after a batch stopped on `changed-in-mikro` (to name the rows) and for
 * ledgers written before the write batch (whose stamps the driver formatted).
 */
export async function changedRows(erp: ErpClient, rows: LedgerRow[]): Promise<LedgerRow[]> {
  const old = rows.filter((r) => r.stamp === undefined);
  const changed = old.length > 0 ? await changedSince(erp, old) : [];
  const stamped = rows.filter((r) => r.stamp !== undefined);
  const tables = [...new Set(stamped.map((r) => r.table))];
  if (tables.length === 0) return changed;
  const sets = await erp.readBatch(
    tables.map((table) => {
      const m = meta(table);
      const recnos = join(stamped.filter((r) => r.table === table).map((r) => sql`${r.recno}`));
      return sql`SELECT ${ident(m.recno)} AS ${ident('recno')}, COALESCE(${stampOf(sql`${ident(m.lastup)}`)}, '') AS ${ident('s')} FROM ${ident(table)} WHERE ${ident(m.recno)} IN (${recnos})`;
    }),
  );
  tables.forEach((table, i) => {
    const now = new Map((sets[i] ?? []).map((r) => [Number(r.recno), String(r.s)]));
    for (const r of stamped.filter((x) => x.table === table)) if (now.get(r.recno) !== r.stamp) changed.push(r);
  });
  return changed;
}

/**
 * `allocateRefno` in the batch: under the lock of `<prefix>-000-000-<year>-`, the highest running
 * number of that stem + 1. The loop of `allocateRefno` over taken numbers is not needed here: a
 * refno above the stem's maximum is taken by no order type.
 */
export function allocateRefnoBatch(batch: WriteBatch, refno: BatchVariable, prefix: string, year: number): void {
  const stem = `${prefix}-000-000-${year}-`;
  batch.lock(`mikrosync:refno:${stem}`);
  const max = sql`SELECT MAX(${ident('sck_refno')}) FROM ${ident('ODEME_EMIRLERI')}${rangeLock} WHERE ${ident('sck_refno')} LIKE ${`${stem}%`}`;
  const from = stem.length + 1;
  const last = sql`${dialectPart(
    sql`COALESCE(TRY_CAST(SUBSTRING((${max}), ${from}, 20) AS int), 0)`,
    sql`COALESCE((SELECT CASE WHEN ${ident('x')}.${ident('t')} ~ '^[0-9]+$' THEN CAST(${ident('x')}.${ident('t')} AS integer) END FROM (SELECT substring((${max}) from ${from}) AS ${ident('t')}) AS ${ident('x')}), 0)`,
  )}`;
  batch.set(
    refno,
    sql`${dialectPart(sql`${stem} + RIGHT('00000000' + CAST(${last} + 1 AS varchar(10)), 8)`, sql`${stem} || lpad(CAST(${last} + 1 AS text), 8, '0')`)}`,
  );
}

/**
 * `allocateSlipNumber` in the batch: a stock slip's number under the lock of its range (lines
 * only: a slip has no header).
 */
export function allocateSlipNumberBatch(batch: WriteBatch, n: BatchVariable, r: { evrakTip: number; series: string }, requested: number | null): void {
  batch.lock(`mikrosync:sth:${r.evrakTip}:${r.series}`);
  const range = sql`${ident('sth_evraktip')} = ${r.evrakTip} AND ${ident('sth_evrakno_seri')} = ${r.series}`;
  const max = sql`SELECT COALESCE(MAX(${ident('sth_evrakno_sira')}), 0) + 1 FROM ${ident('STOK_HAREKETLERI')}${rangeLock} WHERE ${range}`;
  if (requested === null) {
    batch.set(n, max);
    return;
  }
  const used = sql`SELECT 1 FROM ${ident('STOK_HAREKETLERI')}${rangeLock} WHERE ${range} AND ${ident('sth_evrakno_sira')} = ${requested}`;
  batch.set(n, sql`CASE WHEN EXISTS (${used}) THEN (${max}) ELSE ${requested} END`);
}

/**
 * `insertWithRecid` in the batch: the row with RECid_RECno 0, its identity into `recno`, then the
 * RECid update with the columns set afterwards. A value equal to PLANNED_NUMBER becomes `number`.
 */
export function insertWithRecidBatch(
  batch: WriteBatch,
  recno: BatchVariable,
  table: string,
  prefix: string,
  row: Record<string, SqlValue>,
  after: Record<string, SqlValue>,
  number: BatchVariable,
): LedgerRowSource {
  const sub = (v: SqlValue): Statement | SqlValue => (v === PLANNED_NUMBER ? varRef(number) : v);
  const full: Record<string, SqlValue> = { ...row, [`${prefix}_RECid_DBCno`]: 0, [`${prefix}_RECid_RECno`]: 0 };
  const names = Object.keys(full);
  const recnoColumn = `${prefix}_RECno`;
  batch.insertIdentity(recno, sql`INSERT INTO ${ident(table)} (${join(names.map((c) => ident(c)))}) VALUES (${join(names.map((c) => sql`${sub(full[c] ?? null)}`))})`, sql`${ident(recnoColumn)}`);
  const set = { [`${prefix}_RECid_RECno`]: varRef(recno) as Statement | SqlValue, ...Object.fromEntries(Object.entries(after).map(([k, v]) => [k, sub(v)])) };
  batch.add(sql`UPDATE ${ident(table)} SET ${join(Object.keys(set).map((k) => sql`${ident(k)} = ${set[k] ?? null}`))} WHERE ${ident(recnoColumn)} = ${varRef(recno)}`);
  return { table, where: sql`${ident(recnoColumn)} = ${varRef(recno)}` };
}
