// Every statement the ERP connector can send, rendered for SQL Server and parsed with the T-SQL
// grammar, plus proof that the checker itself refuses PostgreSQL syntax.
import { describe, it, expect } from 'vitest';
import type { ErpTx, Row } from '../../packages/connectors/src/erp/client.js';
import { render, type Statement } from '../../packages/connectors/src/erp/sql.js';
import { insertRow, selectRow, updateRow } from '../../packages/connectors/src/erp/rows.js';
import { lockForTransaction } from '../../packages/connectors/src/erp/locks.js';
import { allocateDocumentNumber, allocateRefno, findPortfolioCheque } from '../../packages/connectors/src/erp/numbering.js';
import { findLedger, insertLedger } from '../../packages/connectors/src/erp/ledger.js';
import { findAccount, findBank, findCashBox } from '../../packages/connectors/src/erp/master-data.js';
import { ERP_OWN_TABLES_MSSQL } from '../../packages/connectors/src/erp/setup.js';
import { erpAccessProblems } from '../../packages/connectors/src/erp/access-check.js';
import { mssqlReadStatement, mssqlRequests, pgBatchText, pgLiteral, varRef, WriteBatch } from '../../packages/connectors/src/erp/batch.js';
import { allocateNumber, deleteLedgerRows, guardLedger, insertLedgerRow, refuseIfChanged, updateLedgerRow } from '../../packages/connectors/src/erp/document-batch.js';
import { assignNumberBatch, depotLockQuery, stockCodesQuery, writeInvoiceBatch } from '../../packages/connectors/src/erp/invoices.js';
import { ledgerQuery } from '../../packages/connectors/src/erp/ledger.js';
import { accountQuery } from '../../packages/connectors/src/erp/master-data.js';
import { ident, sql } from '../../packages/connectors/src/erp/sql.js';
import { assertTsql, parseTsql, recordingTx as recordingMssqlTx } from '../support/tsql.js';

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

describe('write and read batches rendered for SQL Server', () => {
  const plan = (lines: number) => ({
    header: { insert: { cha_evrak_tip: 63, cha_evrakno_seri: 'A', cha_evrakno_sira: 0, cha_aciklama: "O'Brien", cha_meblag: 12.5 }, afterInsert: { cha_karsid_kur: 1 } },
    lines: Array.from({ length: lines }, (_, i) => ({
      insert: { sth_evraktip: 4, sth_stok_kod: `S${i}`, sth_miktar: 1, sth_tutar: -1.5, sth_fat_recid_recno: 0 },
      afterInsert: { sth_vergi: 0 },
    })),
  });
  const posted = [
    { table: 'CARI_HESAP_HAREKETLERI', recno: 10, stamp: '2025-11-12 10:00:00.000' },
    { table: 'STOK_HAREKETLERI', recno: 11, stamp: '2025-11-12 10:00:00.000' },
  ];

  function invoiceBatch(opts: { lines: number; repost?: boolean }): WriteBatch {
    const batch = new WriteBatch();
    const h = batch.variable('h', 'int');
    const n = batch.variable('n', 'int');
    const rows = batch.variable('rows', 'text');
    guardLedger(batch, 'satislar', 'w-1', opts.repost ? 2 : undefined);
    if (opts.repost) {
      refuseIfChanged(batch, posted);
      deleteLedgerRows(batch, posted);
    }
    const sources = writeInvoiceBatch(batch, plan(opts.lines), h);
    if (opts.repost) updateLedgerRow(batch, rows, { webTable: 'satislar', webId: 'w-1', fingerprint: 'f', status: 'posted', header: h, rows: sources }, '20251112 10:00:00.000');
    else {
      allocateNumber(batch, n, { headerType: 63, lineType: 4, series: 'A' }, 7);
      assignNumberBatch(batch, h, n);
      insertLedgerRow(batch, rows, { webTable: 'satislar', webId: 'w-1', docKind: 'sales', evrakTip: 63, series: 'A', number: n, header: h, fingerprint: 'f', rows: sources }, '20251112 10:00:00.000');
    }
    batch.result(sql`SELECT ${varRef(h)} AS ${ident('h')}, ${varRef(n)} AS ${ident('n')}`);
    return batch;
  }

  it('a new invoice is one request: one transaction, rows first, the number lock last, no OUTPUT without INTO', () => {
    const requests = mssqlRequests(invoiceBatch({ lines: 5 }), 15000);
    expect(requests).toHaveLength(1);
    const { text, params } = render(requests[0]!.build(), 'mssql');
    assertTsql(text);
    expect(text).toMatch(/^SET XACT_ABORT ON; SET LOCK_TIMEOUT 15000;\nBEGIN TRAN;/);
    expect(text).toMatch(/COMMIT TRAN;\nSELECT @v_h AS \[h\], @v_n AS \[n\];$/);
    expect(text.indexOf('sp_getapplock')).toBeGreaterThan(text.lastIndexOf('INSERT INTO [STOK_HAREKETLERI]'));
    expect(text.indexOf('sp_getapplock')).toBeLessThan(text.indexOf('INSERT INTO [MIKROSYNC_LEDGER]'));
    expect(text).toContain('SCOPE_IDENTITY()');
    expect(text).not.toMatch(/OUTPUT (?![^;]*INTO)/);
    expect(text).not.toContain("O'Brien"); // values bound, never spliced
    expect(params).toContain("O'Brien");
  });

  it('a re-post checks Mikro\'s changes and deletes the old rows inside the same transaction', () => {
    const { text } = render(mssqlRequests(invoiceBatch({ lines: 2, repost: true }), 15000)[0]!.build(), 'mssql');
    assertTsql(text);
    expect(text).toContain("THROW 51001, N'mikrosync:changed-in-mikro', 1;");
    expect(text).toContain("THROW 51001, N'mikrosync:ledger-moved', 1;");
    expect(text.indexOf('DELETE FROM [CARI_HESAP_HAREKETLERI]')).toBeLessThan(text.indexOf('INSERT INTO [CARI_HESAP_HAREKETLERI]'));
    expect(text).not.toContain('sp_getapplock');
  });

  it('a batch past 2,100 parameters is cut into requests that carry the variables', () => {
    const requests = mssqlRequests(invoiceBatch({ lines: 300 }), 15000);
    expect(requests.length).toBeGreaterThan(1);
    const carried = { lock_result: 0, lock_timeout: 15000, h: 41, n: null, rows: null };
    requests.forEach((req, i) => {
      const { text, params } = render(req.build(i === 0 ? undefined : carried), 'mssql');
      assertTsql(text);
      expect(params.length).toBeLessThanOrEqual(2100);
      expect(text.includes('BEGIN TRAN') || text.includes('COMMIT TRAN')).toBe(false);
      if (req.carry) expect(text).toMatch(/SELECT @v_lock_result AS \[lock_result\].*;$/);
      if (i > 0) expect(params).toContain(41);
    });
  });

  it('a read batch is one request of several SELECTs', () => {
    const { text } = render(mssqlReadStatement([ledgerQuery('satislar', 'w-1'), accountQuery('120.01'), stockCodesQuery(['A', 'B']), depotLockQuery(1)]), 'mssql');
    assertTsql(text);
    expect(text.split(';\n')).toHaveLength(4);
  });

  it('the PostgreSQL stand-in gets the same batch as one text with escaped literals', () => {
    const text = pgBatchText(invoiceBatch({ lines: 2 }), 15000, pgLiteral((s) => `'${s.replace(/'/g, "''")}'`));
    expect(text).toContain("'O''Brien'");
    expect(text).toContain('(-1.5)');
    expect(text).toMatch(/^SET LOCAL lock_timeout = 15000;/);
    expect(text).toContain("RAISE EXCEPTION 'mikrosync:ledger-exists'");
    expect(text).not.toMatch(/\$\d/);
  });
});
