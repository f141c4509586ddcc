// Every ERP statement of the catalog domain rendered for SQL Server and parsed with the T-SQL
// grammar, and the delete-log installation script batch by batch.
import { describe, expect, it } from 'vitest';
import {
  CATALOG_SOURCES,
  countAfter,
  countDeleteLog,
  deleteLogScriptMssql,
  dropDeleteTriggersScriptMssql,
  latestCursorRow,
  purgeDeleteLog,
  readByKeys,
  readCashAndBankCodes,
  readDeleteLog,
  readExistingAccountCodes,
  readInstalledDeleteTriggers,
  readKeyPage,
  readMovementAccountCodes,
  readNumberMaximum,
  readOnHandByCodes,
  readOnHandPage,
  readPage,
  readPricedLists,
  type ErpTx,
  type SqlValue,
} from '@mikrosync/connectors';
import { assertTsql, parseTsql, recordingTx } from '../support/tsql.js';
import { schemaCheck } from '../support/tsql-schema.js';

/** Schema problems of what a recording transaction saw (statement texts with their values). */
const schemaProblemsOf = (texts: string[], params: unknown[][]) => schemaCheck(texts.map((text, i) => ({ text, params: params[i] as SqlValue[] }))).problems;


const cursor = { time: '2025-01-01 10:00:00.003', key: 17 };
const sources = Object.entries(CATALOG_SOURCES);

describe('catalog ERP reads rendered for SQL Server', () => {
  it.each(sources)('keyset reads of %s parse as T-SQL', async (_name, src) => {
    const { tx, texts, params } = recordingTx([{ k: 1 }]);
    await readPage(tx, src, null, 5000);
    await readPage(tx, src, { ...cursor, key: 'lastup' in src ? 17 : 'K01' }, 5000);
    await countAfter(tx, src, null);
    await countAfter(tx, src, cursor);
    await readByKeys(tx, src, [1, 2, 3]);
    await readKeyPage(tx, src, null, 100);
    await readKeyPage(tx, src, 5, 100);
    await latestCursorRow(tx, src);
    expect(texts.length).toBeGreaterThanOrEqual(7);
    for (const t of texts) assertTsql(t);
    expect(schemaProblemsOf(texts, params)).toEqual([]);
  });

  it('pages with TOP and a (lastup, RECno) keyset, the time as an ISO datetime', async () => {
    const { tx, texts, params } = recordingTx();
    await readPage(tx, CATALOG_SOURCES.stocks, cursor, 250);
    expect(texts[0]).toMatch(/^SELECT TOP \(@p1\) /);
    expect(texts[0]).toContain('WHERE ([sto_lastup_date] > CAST(@p2 AS datetime) OR ([sto_lastup_date] = CAST(@p3 AS datetime) AND [sto_RECno] > @p4))');
    expect(texts[0]).toMatch(/ORDER BY \[sto_lastup_date\], \[sto_RECno\]$/);
    expect(params[0]).toEqual([250, '2025-01-01T10:00:00.003', '2025-01-01T10:00:00.003', 17]);
  });

  it('keeps prices to depot 0 / payment plan 0 in every read', async () => {
    const { tx, texts } = recordingTx();
    await readPage(tx, CATALOG_SOURCES.prices, null, 10);
    await readByKeys(tx, CATALOG_SOURCES.prices, [1]);
    for (const t of texts) expect(t).toContain('[sfiyat_deposirano] = 0 AND [sfiyat_odemeplan] = 0');
  });

  it('asks for at most 1,000 keys per statement (SQL Server allows 2,100 parameters)', async () => {
    const { tx, params } = recordingTx();
    await readByKeys(tx, CATALOG_SOURCES.barcodes, Array.from({ length: 2500 }, (_, i) => i + 1));
    expect(params.map((p) => p.length)).toEqual([1000, 1000, 500]);
  });

  const others: [string, (tx: ErpTx) => Promise<unknown>][] = [
    ['readOnHandByCodes', (tx) => readOnHandByCodes(tx, ['S1', 'S2'])],
    ['readOnHandPage (first)', (tx) => readOnHandPage(tx, null, 100)],
    ['readOnHandPage (next)', (tx) => readOnHandPage(tx, 'S1', 100)],
    ['readCashAndBankCodes', (tx) => readCashAndBankCodes(tx)],
    ['readNumberMaximum invoices', (tx) => readNumberMaximum(tx, { kind: 'cha-sth', chaType: 63, sthType: 4, series: 'A' })],
    ['readNumberMaximum collections', (tx) => readNumberMaximum(tx, { kind: 'cha', chaType: 1, series: 'T' })],
    ['readNumberMaximum returns', (tx) => readNumberMaximum(tx, { kind: 'return', series: 'IA' })],
    ['readNumberMaximum counts', (tx) => readNumberMaximum(tx, { kind: 'count' })],
    ['readNumberMaximum marketplace', (tx) => readNumberMaximum(tx, { kind: 'marketplace', series: 'TR', accountCode: '120_%[x' })],
    ['readMovementAccountCodes', (tx) => readMovementAccountCodes(tx)],
    ['readExistingAccountCodes', (tx) => readExistingAccountCodes(tx, ['C1', 'C2'])],
    ['readPricedLists', (tx) => readPricedLists(tx)],
    ['readInstalledDeleteTriggers', (tx) => readInstalledDeleteTriggers(tx)],
    ['readDeleteLog', (tx) => readDeleteLog(tx, 10, 1000)],
    ['countDeleteLog', (tx) => countDeleteLog(tx, 10)],
    ['purgeDeleteLog', (tx) => purgeDeleteLog(tx, 10, '2025-01-01 00:00:00.000')],
  ];
  it.each(others)('%s parses as T-SQL and fits the Mikro schema', async (_name, build) => {
    const { tx, texts, params } = recordingTx();
    await build(tx);
    expect(texts.length).toBeGreaterThan(0);
    for (const t of texts) assertTsql(t);
    expect(schemaProblemsOf(texts, params)).toEqual([]);
  });

  it('escapes LIKE pattern characters of a marketplace account code and binds it', async () => {
    const { tx, texts, params } = recordingTx();
    await readNumberMaximum(tx, { kind: 'marketplace', series: 'TR', accountCode: '120_%[x' });
    expect(texts[0]).toContain("LIKE @p2 ESCAPE '\\'");
    expect(params[0]).toContain('120\\_\\%\\[x%');
  });
});

describe('the delete-log installation for SQL Server', () => {
  const batches = (script: string) => script.split(/^\s*GO\s*$/im).filter((b) => b.trim());
  it('parses batch by batch (CREATE TRIGGER starts its own batch)', () => {
    const all = batches(deleteLogScriptMssql());
    expect(all.length).toBe(1 + 6 * 2);
    for (const b of all) {
      expect(parseTsql(b)).toEqual([]);
      assertTsql(b);
    }
    for (const b of batches(dropDeleteTriggersScriptMssql())) assertTsql(b);
  });

  it('triggers only insert into our log, with NOCOUNT and codes cut to fit', () => {
    const triggers = batches(deleteLogScriptMssql()).filter((b) => b.includes('CREATE TRIGGER'));
    expect(triggers).toHaveLength(6);
    for (const t of triggers) {
      expect(t).toMatch(/AFTER DELETE AS\s+BEGIN\s+SET NOCOUNT ON;\s+INSERT INTO \[dbo\]\.\[MIKROSYNC_DELETE_LOG\]/);
      expect(t).toContain('LEFT(ISNULL(CAST(');
      expect(t).not.toMatch(/\b(UPDATE|DELETE FROM)\b/);
    }
  });
});
