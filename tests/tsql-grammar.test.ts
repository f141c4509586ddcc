// Every statement the ERP connector can send, rendered for SQL Server and parsed with the T-SQL
// grammar, plus proof that the checker itself refuses PostgreSQL syntax.
import { describe, it, expect } from 'vitest';
import type { ErpTx, Row } from '../packages/connectors/src/erp/client.js';
import { render, type Statement } from '../packages/connectors/src/erp/sql.js';
import { insertRow, selectRow, updateRow } from '../packages/connectors/src/erp/rows.js';
import { lockForTransaction } from '../packages/connectors/src/erp/locks.js';
import { allocateDocumentNumber, allocateRefno, findPortfolioCheque } from '../packages/connectors/src/erp/numbering.js';
import { findLedger, insertLedger } from '../packages/connectors/src/erp/ledger.js';
import { findAccount, findBank, findCashBox } from '../packages/connectors/src/erp/master-data.js';
import { ERP_OWN_TABLES_MSSQL } from '../packages/connectors/src/erp/setup.js';
import { erpAccessProblems } from '../packages/connectors/src/erp/access-check.js';
import { assertTsql, parseTsql, recordingTx as recordingMssqlTx } from './support/tsql.js';

describe('the T-SQL checker', () => {
  it.each([
    ['LIMIT', 'SELECT * FROM x LIMIT 10'],
    ['RETURNING', 'INSERT INTO [T] ([a]) VALUES (@p1) RETURNING [id]'],
    ['FOR UPDATE', 'SELECT [a] FROM [T] WHERE [b] = @p1 FOR UPDATE'],
    ['ON CONFLICT', 'INSERT INTO [T] ([a]) VALUES (@p1) ON CONFLICT DO NOTHING'],
    ['$1 parameters', 'SELECT [a] FROM [T] WHERE [b] = $1 AND [c] = $2'],
    ['a $1 parameter inside a function call', 'SELECT pg_advisory_xact_lock(hashtextextended($1, 0))'],
    ['"double quoted" identifiers', 'SELECT "a" FROM "T" WHERE "b" = @p1'],
    ['? parameters', 'SELECT [a] FROM [T] WHERE [b] = ?'],
    ['a misspelt keyword', 'SELEC [a] FROM [T]'],
  ])('rejects %s', (_what, text) => {
    expect(() => assertTsql(text)).toThrow(/not valid T-SQL/);
  });

  it('lets the grammar alone accept $1 and "x", which is why assertTsql checks them', () => {
    expect(parseTsql('SELECT [a] FROM [T] WHERE [b] = $1')).toEqual([]);
    expect(parseTsql('SELECT "a" FROM [T]')).toEqual([]);
  });

  it('reports syntax errors truncated to 200 characters', () => {
    const errors = parseTsql('SELECT * FROM x LIMIT 10');
    expect(errors.length).toBeGreaterThan(0);
    for (const e of errors) expect(e.length).toBeLessThanOrEqual(200);
  });

  it.each([
    'SELECT TOP (@n) [a] FROM [T] WITH (UPDLOCK, HOLDLOCK) WHERE [b] = @p1',
    'INSERT INTO [T] ([a]) VALUES (@p1); SELECT CAST(SCOPE_IDENTITY() AS int) AS [id]',
    "SELECT [a] FROM [T] WHERE [b] = N'ÇEK'",
    "DECLARE @lockResult int; EXEC @lockResult = sp_getapplock @Resource = @p1, @LockMode = 'Exclusive', @LockOwner = 'Transaction', @LockTimeout = @p2; IF @lockResult < 0 THROW 51000, 'x', 1;",
    // PostgreSQL words inside literals, bracketed names and comments are not code.
    "SELECT [LIMIT] FROM [T] WHERE [b] = 'it''s $1 \"q\" LIMIT 1 RETURNING x' -- FOR UPDATE\n",
  ])('accepts %s', (text) => {
    expect(() => assertTsql(text)).not.toThrow();
  });
});

/** Answers every query with a row that lets numbering and lookups go on. */
const recordingTx = (rows: Row[] = [{ id: 1, m: 5, c: 0 }]) => recordingMssqlTx(rows);

const LEDGER_ROW = {
  ldg_web_table: 'collections',
  ldg_web_id: 'c-1',
  ldg_doc_kind: 'cash',
  ldg_evrak_tip: 1,
  ldg_seri: 'A',
  ldg_sira: 7,
  ldg_header_recno: 10,
  ldg_fingerprint: 'f',
  ldg_rows: '[]',
  ldg_version: 1,
  ldg_created_at: '2025-11-12 10:00:00',
};

describe('ERP connector statements rendered for SQL Server', () => {
  const builders: [string, (tx: ErpTx) => Promise<unknown>, Row[]?][] = [
    ['insertRow', (tx) => insertRow(tx, 'CARI_HESAP_HAREKETLERI', 'cha_RECno', { cha_evrakno_seri: 'A', cha_meblag: 12.5, cha_aciklama: null, cha_kapali: false })],
    ['updateRow', (tx) => updateRow(tx, 'CARI_HESAP_HAREKETLERI', 'cha_RECno', 9, { cha_RECid_RECno: 9, cha_aciklama: "O'Brien" })],
    ['selectRow', (tx) => selectRow(tx, 'ODEME_EMIRLERI', 'sck_RECno', 3)],
    ['lockForTransaction', (tx) => lockForTransaction(tx, 'mikrosync:evrak:63:A', 15000.7)],
    ['allocateDocumentNumber (requested number free)', (tx) => allocateDocumentNumber(tx, { headerType: 63, series: 'A' }, 7, 15000)],
    // A count of 1 makes the requested number taken, so the maximum queries run too.
    ['allocateDocumentNumber (with lines, requested taken)', (tx) => allocateDocumentNumber(tx, { headerType: 1, lineType: 4, series: 'B' }, 7, 15000), [{ id: 1, m: 5, c: 1 }]],
    ['allocateDocumentNumber (no number requested)', (tx) => allocateDocumentNumber(tx, { headerType: 63, series: 'A' }, null, 15000)],
    ['allocateRefno', (tx) => allocateRefno(tx, 0, 'MC', 2025, 15000), [{ id: 1, m: 'MC-000-000-2025-00000005', c: 0 }]],
    ['findPortfolioCheque', (tx) => findPortfolioCheque(tx, 'CHQ-001')],
    ['findLedger', (tx) => findLedger(tx, 'collections', 'c-1'), [LEDGER_ROW]],
    ['insertLedger', (tx) => insertLedger(tx, { webTable: 'collections', webId: 'c-1', docKind: 'cash', evrakTip: 1, series: 'A', number: 7, headerRecno: 10, fingerprint: 'f', rows: [{ table: 'CARI_HESAP_HAREKETLERI', recno: 10 }] }, '20251112 10:00:00.000')],
    ['findAccount', (tx) => findAccount(tx, '120.01.001')],
    ['findBank', (tx) => findBank(tx, 'B01')],
    ['findCashBox', (tx) => findCashBox(tx, 'K01')],
    // test-connection: tables, rights and (with every table reported missing here) the CREATE TABLE right.
    ['erpAccessProblems', (tx) => erpAccessProblems(tx)],
  ];

  it.each(builders)('%s parses as T-SQL', async (_name, build, rows) => {
    const { tx, texts } = recordingTx(rows);
    await build(tx);
    expect(texts.length).toBeGreaterThan(0);
    for (const text of texts) assertTsql(text);
  });

  it('exercises the maximum query of the lines as well', async () => {
    const { tx, texts } = recordingTx([{ id: 1, m: 5, c: 1 }]);
    const n = await allocateDocumentNumber(tx, { headerType: 1, lineType: 4, series: 'B' }, 7, 15000);
    expect(n).toBe(6);
    expect(texts.some((t) => t.includes('[STOK_HAREKETLERI]'))).toBe(true);
    expect(texts.every((t) => !t.includes("'B'"))).toBe(true); // series bound, not spliced
  });

  it('locks before reading the number range, with the range held by UPDLOCK, HOLDLOCK', async () => {
    const { tx, texts } = recordingTx([{ id: 1, m: 5, c: 1 }]);
    await allocateDocumentNumber(tx, { headerType: 63, series: 'A' }, 7, 15000);
    expect(texts[0]).toContain('sp_getapplock');
    for (const t of texts.slice(1)) expect(t).toContain('WITH (UPDLOCK, HOLDLOCK)');
  });

  it('binds the lock resource and a whole-number timeout as parameters', async () => {
    const { tx, texts, params } = recordingTx();
    await lockForTransaction(tx, "x'; DROP TABLE y; --", 1500.9);
    expect(texts[0]).not.toContain('DROP');
    expect(params[0]).toEqual(["x'; DROP TABLE y; --", 1500]);
  });

  it('would catch the same builders rendered for PostgreSQL (the check has teeth)', async () => {
    const texts: string[] = [];
    const pgTx: ErpTx = {
      dialect: 'pg',
      async query<T = Row>(stmt: Statement): Promise<T[]> {
        texts.push(render(stmt, 'pg').text);
        return [{ id: 1 }] as T[];
      },
    };
    await insertRow(pgTx, 'T', 'id', { a: 1 });
    await updateRow(pgTx, 'T', 'id', 1, { a: 2 });
    await lockForTransaction(pgTx, 'r', 100);
    expect(texts).toHaveLength(3);
    for (const text of texts) expect(() => assertTsql(text)).toThrow(/not valid T-SQL/);
  });

  it('reads the identity back with SCOPE_IDENTITY in the same batch as the INSERT', async () => {
    const { tx, texts } = recordingTx([{ id: 42 }]);
    expect(await insertRow(tx, 'ODEME_EMIRLERI', 'sck_RECno', { sck_tip: 0 })).toBe(42);
    expect(texts[0]).toBe('INSERT INTO [ODEME_EMIRLERI] ([sck_tip]) VALUES (@p1); SELECT CAST(SCOPE_IDENTITY() AS int) AS [id]');
  });
});

describe('ERP_OWN_TABLES_MSSQL', () => {
  it('parses as T-SQL', () => {
    expect(parseTsql(ERP_OWN_TABLES_MSSQL)).toEqual([]);
    assertTsql(ERP_OWN_TABLES_MSSQL);
  });
});
