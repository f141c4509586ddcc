import { describe, it, expect } from 'vitest';
import { dialectPart, ident, join, rawSql, render, sql, Statement } from './sql.js';

describe('render', () => {
  const stmt = sql`SELECT ${ident('cari_kod')} FROM ${ident('CARI_HESAPLAR')} WHERE ${ident('cari_kod')} = ${'120.01'} AND ${ident('cari_RECno')} > ${7}`;

  it('renders SQL Server brackets and @p parameters, in order', () => {
    expect(render(stmt, 'mssql')).toEqual({
      text: 'SELECT [cari_kod] FROM [CARI_HESAPLAR] WHERE [cari_kod] = @p1 AND [cari_RECno] > @p2',
      params: ['120.01', 7],
    });
  });

  it('renders PostgreSQL double quotes and $n parameters, in order', () => {
    expect(render(stmt, 'pg')).toEqual({
      text: 'SELECT "cari_kod" FROM "CARI_HESAPLAR" WHERE "cari_kod" = $1 AND "cari_RECno" > $2',
      params: ['120.01', 7],
    });
  });

  it('binds every kind of value as a parameter, including null, booleans and zero', () => {
    const r = render(sql`VALUES (${null}, ${true}, ${false}, ${0}, ${''})`, 'mssql');
    expect(r.text).toBe('VALUES (@p1, @p2, @p3, @p4, @p5)');
    expect(r.params).toEqual([null, true, false, 0, '']);
  });

  it('never splices a value into the text', () => {
    const evil = "x'; DROP TABLE y; --";
    for (const dialect of ['mssql', 'pg'] as const) {
      const r = render(sql`SELECT * FROM ${ident('T')} WHERE ${ident('a')} = ${evil}`, dialect);
      expect(r.text).not.toContain('DROP');
      expect(r.text).not.toContain("'");
      expect(r.params).toEqual([evil]);
    }
  });

  it('renders a statement without parts as its text', () => {
    expect(render(rawSql('SELECT 1'), 'pg')).toEqual({ text: 'SELECT 1', params: [] });
  });

  it('numbers parameters of a statement rendered twice from 1 each time', () => {
    const s = sql`SELECT ${1}, ${2}`;
    expect(render(s, 'mssql').text).toBe('SELECT @p1, @p2');
    expect(render(s, 'mssql').text).toBe('SELECT @p1, @p2');
  });
});

describe('ident', () => {
  it('accepts plain identifiers', () => {
    expect(ident('sck_RECno')).toEqual({ kind: 'ident', name: 'sck_RECno' });
    expect(ident('_x1')).toEqual({ kind: 'ident', name: '_x1' });
  });

  it.each([
    'two words',
    'a"b',
    "a'b",
    'a]b',
    '[a]',
    'a;DROP',
    'dbo.T',
    '1abc',
    '',
    'a-b',
    'x\n',
  ])('rejects %j', (name) => {
    expect(() => ident(name)).toThrow(/not a valid identifier/);
  });
});

describe('dialectPart', () => {
  it('picks the text of the dialect being rendered', () => {
    const s = sql`SELECT * FROM ${ident('T')}${dialectPart(' WITH (UPDLOCK)', '')} WHERE ${ident('a')} = ${1}`;
    expect(render(s, 'mssql').text).toBe('SELECT * FROM [T] WITH (UPDLOCK) WHERE [a] = @p1');
    expect(render(s, 'pg').text).toBe('SELECT * FROM "T" WHERE "a" = $1');
  });

  it('renders a nested statement with its parameters numbered where they appear', () => {
    const s = sql`SELECT ${'a'}${dialectPart(sql` AND ${ident('x')} = ${'ms'}`, sql` AND ${ident('y')} = ${'pg'} OR ${'pg2'}`)} AND ${'z'}`;
    expect(render(s, 'mssql')).toEqual({ text: 'SELECT @p1 AND [x] = @p2 AND @p3', params: ['a', 'ms', 'z'] });
    expect(render(s, 'pg')).toEqual({ text: 'SELECT $1 AND "y" = $2 OR $3 AND $4', params: ['a', 'pg', 'pg2', 'z'] });
  });

  it('keeps the parameters of the other dialect out of the rendering', () => {
    const s = sql`X${dialectPart(sql`${'only-mssql'}`, 'Y')}`;
    expect(render(s, 'pg')).toEqual({ text: 'XY', params: [] });
    expect(render(s, 'mssql')).toEqual({ text: 'X@p1', params: ['only-mssql'] });
  });
});

describe('nested statements', () => {
  it('number parameters across nesting levels in reading order', () => {
    const inner = sql`${ident('b')} = ${'two'}`;
    const s = sql`UPDATE ${ident('T')} SET ${ident('a')} = ${'one'}, ${inner} WHERE ${ident('id')} = ${3}`;
    expect(render(s, 'mssql')).toEqual({ text: 'UPDATE [T] SET [a] = @p1, [b] = @p2 WHERE [id] = @p3', params: ['one', 'two', 3] });
    expect(render(s, 'pg')).toEqual({ text: 'UPDATE "T" SET "a" = $1, "b" = $2 WHERE "id" = $3', params: ['one', 'two', 3] });
  });

  it('numbers more than nine parameters without clashes', () => {
    const values = Array.from({ length: 12 }, (_, i) => i * 10);
    const s = sql`VALUES (${join(values.map((v) => sql`${v}`))})`;
    const r = render(s, 'pg');
    expect(r.text).toBe(`VALUES (${values.map((_, i) => `$${i + 1}`).join(', ')})`);
    expect(r.params).toEqual(values);
  });
});

describe('join', () => {
  it('joins identifiers with ", " by default', () => {
    expect(render(sql`(${join([ident('a'), ident('b'), ident('c')])})`, 'mssql').text).toBe('([a], [b], [c])');
  });

  it('joins statements with a given separator, keeping parameter order', () => {
    const s = join([sql`${ident('a')} = ${1}`, sql`${ident('b')} = ${2}`], ' AND ');
    expect(render(s, 'pg')).toEqual({ text: '"a" = $1 AND "b" = $2', params: [1, 2] });
  });

  it('of one item is the item alone', () => {
    expect(render(join([ident('only')]), 'mssql').text).toBe('[only]');
  });

  it('of nothing is an empty statement', () => {
    const empty = join([]);
    expect(empty).toBeInstanceOf(Statement);
    expect(render(empty, 'mssql')).toEqual({ text: '', params: [] });
  });
});
