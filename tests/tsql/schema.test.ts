/**
 * The Mikro schema checker (support/tsql-schema.ts) has teeth: it refuses a misspelt column or
 * table, a value longer than its column, a fraction into an integer column, a datetime string SQL
 * Server reads differently under a Turkish login, and an unbound @name; it accepts batch variables,
 * table variables, IN lists and aliases. The golden tests run it over every statement they send.
 */
import { describe, expect, it } from 'vitest';
import { declaredParamType, ident, insertLedger, render, sql, type SqlValue, type Statement } from '@mikrosync/connectors';
import { mikroSchema, schemaCheck, schemaProblems } from '../support/tsql-schema.js';
import { recordingTx } from '../support/tsql.js';

const problemsOf = (stmt: Statement) => {
  const r = render(stmt, 'mssql');
  return schemaProblems(r.text, r.params);
};

const LEDGER = {
  webTable: 'satislar',
  webId: '6f1c7a52-3f7e-4c55-9a43-0d1f0b8f3e21',
  docKind: 'sales',
  evrakTip: 63,
  series: 'A',
  number: 12,
  headerRecno: 7,
  fingerprint: 'f',
  rows: [{ table: 'CARI_HESAP_HAREKETLERI', recno: 7 }],
};

describe('the Mikro schema checker', () => {
  it('knows Mikro tables from mikro.json and our own tables from their DDL', () => {
    const schema = mikroSchema();
    expect(schema.get('cari_hesap_hareketleri')?.get('cha_evrakno_seri')).toEqual({ base: 'nvarchar', length: 10 });
    expect(schema.get('mikrosync_ledger')?.get('ldg_seri')).toEqual({ base: 'nvarchar', length: 20 });
    expect(schema.get('mikrosync_delete_log')?.get('dl_recno')).toEqual({ base: 'int', length: undefined });
  });

  it('refuses a misspelt column', () => {
    expect(problemsOf(sql`SELECT ${ident('cari_kod')}, ${ident('cari_unvan9')} FROM ${ident('CARI_HESAPLAR')} WHERE ${ident('cari_kod')} = ${'K'}`)).toEqual([
      'column cari_unvan9 is not in CARI_HESAPLAR',
    ]);
    expect(schemaProblems('SELECT [c].[cari_kodu] FROM [CARI_HESAPLAR] AS [c]', [])).toEqual(['column cari_kodu is not in table CARI_HESAPLAR']);
  });

  it('refuses a misspelt table', () => {
    expect(problemsOf(sql`DELETE FROM ${ident('CARI_HAREKETLERI')} WHERE ${ident('cha_RECno')} = ${1}`)).toEqual([
      'table CARI_HAREKETLERI is not in the Mikro schema (nor one of our own tables)',
    ]);
  });

  it('refuses a value longer than its column, written by a real builder', async () => {
    const { tx, texts, params } = recordingTx([{ id: 1 }]);
    await insertLedger(tx, { ...LEDGER, series: 'S'.repeat(21) }, '20260115 12:00:00.000');
    const { problems } = schemaCheck(texts.map((text, i) => ({ text, params: params[i] as SqlValue[] })));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^@p5 for MIKROSYNC_LEDGER\.ldg_seri: 21 characters \('S+'\) into nvarchar\(20\)/);
  });

  it('accepts the same builder with values that fit', async () => {
    const { tx, texts, params } = recordingTx([{ id: 1 }]);
    await insertLedger(tx, LEDGER, '20260115 12:00:00.000');
    const check = schemaCheck(texts.map((text, i) => ({ text, params: params[i] as SqlValue[] })));
    expect(check.problems).toEqual([]);
    expect(check.values).toBe(12);
  });

  it('refuses a value compared with a column that cannot hold it', () => {
    expect(problemsOf(sql`SELECT * FROM ${ident('CARI_HESAP_HAREKETLERI')} WHERE ${ident('cha_kod')} IN (${'A'}, ${'X'.repeat(26)})`)).toEqual([
      `@p2 for CARI_HESAP_HAREKETLERI.cha_kod: 26 characters ('${'X'.repeat(26)}') into nvarchar(25)`,
    ]);
  });

  it.each<[string, SqlValue, RegExp]>([
    ['a fraction into an int column', 1.5, /float 1\.5 into int \(the fraction would be cut\)/],
    ['a number beyond int', 3_000_000_000, /3000000000 is out of the range of int/],
    ['a word into an int column', 'on iki', /nvarchar 'on iki' into int/],
  ])('refuses %s', (_what, value, problem) => {
    const p = problemsOf(sql`UPDATE ${ident('MIKROSYNC_LEDGER')} SET ${ident('ldg_sira')} = ${value} WHERE ${ident('ldg_id')} = ${1}`);
    expect(p).toHaveLength(1);
    expect(p[0]).toMatch(problem);
  });

  it.each<[string, SqlValue]>([
    ['a dashed date and time (year-day-month under a Turkish login)', '2026-01-15 12:00:00'],
    ['a day that does not exist', '20260230'],
    ['a year before datetime begins', '17000101'],
    ['a number', 20260115],
  ])('refuses %s for a datetime column', (_what, value) => {
    expect(problemsOf(sql`UPDATE ${ident('CARI_HESAP_HAREKETLERI')} SET ${ident('cha_tarihi')} = ${value} WHERE ${ident('cha_RECno')} = ${1}`)).toHaveLength(1);
  });

  it.each(['20260115', '20260115 12:00:00.123', '18991230', '2026-01-15T12:00:00.123'])('accepts the datetime %s', (value) => {
    expect(problemsOf(sql`UPDATE ${ident('CARI_HESAP_HAREKETLERI')} SET ${ident('cha_tarihi')} = ${value} WHERE ${ident('cha_RECno')} = ${1}`)).toEqual([]);
  });

  it('refuses an @name that is neither bound nor declared, and accepts batch and table variables', () => {
    expect(schemaProblems('SELECT [sto_kod] FROM [STOKLAR] WHERE [sto_RECno] = @h', [])).toEqual(['@h is neither a bound parameter (@p1..@p0) nor declared in the batch']);
    expect(schemaProblems('SELECT [sto_kod] FROM [STOKLAR] WHERE [sto_RECno] = @p2', [1])).toEqual(['@p2 is neither a bound parameter (@p1..@p1) nor declared in the batch']);
    const batch = [
      'DECLARE @h int, @n int; DECLARE @ids TABLE ([id] int)',
      "EXEC @n = sp_getapplock @Resource = @p1, @LockMode = 'Exclusive', @LockOwner = 'Transaction', @LockTimeout = @p2",
      'INSERT INTO [STOKLAR] ([sto_kod], [sto_isim]) OUTPUT INSERTED.[sto_RECno] INTO @ids ([id]) VALUES (@p3, @p4)',
      'SET @h = (SELECT MAX([id]) FROM @ids)',
      'UPDATE [s] SET [sto_RECid_RECno] = [s].[sto_RECno] FROM [STOKLAR] AS [s] JOIN @ids AS [i] ON [i].[id] = [s].[sto_RECno]',
      'SELECT @h AS [recno]',
    ].join(';\n');
    expect(schemaProblems(batch, ['lock', 1000, 'K1', 'Kalem'])).toEqual([]);
    expect(schemaProblems(batch.replace('[i].[id]', '[i].[idx]'), ['lock', 1000, 'K1', 'Kalem'])).toEqual(['column idx is not in table @ids']);
  });

  it('declares values as the driver binds them', () => {
    expect(['x', null, 5, -2_147_483_648, 2_147_483_648, 1.25, true].map((v) => declaredParamType(v).type)).toEqual(['nvarchar', 'nvarchar', 'int', 'int', 'bigint', 'float', 'bit']);
  });
});
