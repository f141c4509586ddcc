import { describe, expect, it } from 'vitest';
import { PermanentError } from '@mikrosync/core';
import { copyEscape, encoderFor, entegraTimestampOrNull, pgTypeForSqlite, rowEncoder, valueKind } from './values.js';
import { planColumns } from './columns.js';
import { mirrorTable } from './tables.js';

describe('Entegra values -> COPY text', () => {
  it('escapes what COPY text format needs and drops NUL characters', () => {
    expect(copyEscape('a\tb\nc\rd\\e')).toBe('a\\tb\\nc\\rd\\\\e');
    expect(copyEscape('nul\0here')).toBe('nulhere');
    expect(copyEscape("Şeker 'O\"Brien'")).toBe("Şeker 'O\"Brien'");
  });

  it('integers: numbers, numeric text, empty text as NULL; a fraction is cut like the original parseInt', () => {
    const int = encoderFor('bigint');
    expect([5, '42', ' 7 ', '', null, 3.9, '12.0', -2].map(int)).toEqual(['5', '42', '7', '\\N', '\\N', '3', '12', '-2']);
    expect(() => int('abc')).toThrow(/text "abc" where a whole number is expected/);
    expect(() => encoderFor('integer')(3_000_000_000)).toThrow(/does not fit the integer column/);
    expect(int(1_700_000_000_123)).toBe('1700000000123');
  });

  it('floats keep their exact value; numeric text is accepted, other text is not', () => {
    const f = encoderFor('double precision');
    expect([0.1, 1234.56, '2.50', '', '1e3', null].map(f)).toEqual(['0.1', '1234.56', '2.5', '\\N', '1000', '\\N']);
    expect(() => f('12,50')).toThrow(/text "12,50" where a number is expected/);
  });

  it('dates and times: Entegra text, zero dates and empty as NULL, impossible dates rejected', () => {
    const ts = encoderFor('timestamp without time zone');
    expect(ts('2026-05-14 10:11:12')).toBe('2026-05-14 10:11:12');
    expect(ts('2026-05-14T10:11')).toBe('2026-05-14 10:11:00');
    expect(ts('2026-05-14')).toBe('2026-05-14 00:00:00');
    expect(ts('0000-00-00 00:00:00')).toBe('\\N');
    expect(ts('')).toBe('\\N');
    expect(() => ts('2026-02-30 10:00:00')).toThrow(/where a date and time/);
    expect(() => ts(1715680000)).toThrow(/the number 1715680000 where a date and time/);
    expect(encoderFor('date')('2026-05-14 10:11:12')).toBe('2026-05-14');
    expect(entegraTimestampOrNull('garbage')).toBeNull();
  });

  it('maps SQLite declared types like the original (first match wins), integers as bigint', () => {
    expect(['INTEGER', 'INTERGER', 'FLOAT', 'DOUBLE', 'BLOB', 'BOOLEAN', 'DATETIME', 'DATE', 'TIME', 'VARCHAR ( 255 )', 'TEXT'].map(pgTypeForSqlite)).toEqual([
      'bigint',
      'bigint',
      'double precision',
      'double precision',
      'bytea',
      'boolean',
      'timestamp without time zone',
      'date',
      'time without time zone',
      'text',
      'text',
    ]);
    expect(valueKind('character varying')).toBe('text');
  });

  it('a bad value names the table, the row, the column, the value and the file', () => {
    const encode = rowEncoder({
      table: 'order_product',
      source: '/data/db.s3db',
      columns: [
        { name: 'order_product_id', pgType: 'bigint' },
        { name: 'order_id', pgType: 'bigint' },
        { name: 'name', pgType: 'text' },
      ],
      keyIndex: 0,
    });
    expect(encode([1, 2, 'a\tb'])).toBe('1\t2\ta\\tb\n');
    let err: unknown;
    try {
      encode([17, 'X-9', 'x']);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(PermanentError);
    expect(() => rowEncoder({ table: 'product_quantity', source: 'f', columns: [{ name: 'product_id', pgType: 'bigint', notNull: true }], keyIndex: null })([''])).toThrow(
      /column "product_id": "" is empty, and the web column requires a value/,
    );
    expect((err as Error).message).toBe(
      'Entegra table order_product, row order_product_id = 17, column "order_id": text "X-9" where a whole number is expected (file /data/db.s3db). Fix: correct the value in Entegra, then run the sync again; nothing of this run was written to the web tables',
    );
  });
});

describe('column plan', () => {
  const order = mirrorTable('order');
  const layout = order.spec.columns.filter((c) => c.sqliteType).map((c) => ({ name: c.name, type: c.sqliteType! }));
  const pg = new Map(order.spec.columns.map((c) => [c.name, { pgType: c.pgType!, notNull: c.pk === true }]));

  it('mirrors every column of the file, adds new ones with mapped types', () => {
    const plan = planColumns(order, [...layout, { name: 'new_marketplace_id', type: 'INTEGER' }], pg, 'db.s3db');
    expect(plan.columns).toHaveLength(155);
    expect(plan.add).toEqual([{ name: 'new_marketplace_id', pgType: 'bigint' }]);
    expect(plan.columns[0]).toEqual({ name: 'id', pgType: 'bigint', notNull: true });
    expect(plan.keyIndex).toBe(0);
  });

  it('fails when the file lacks a known column or the table', () => {
    expect(() => planColumns(order, layout.filter((c) => c.name !== 'date_change'), pg, 'db.s3db')).toThrow(/Entegra table order in db\.s3db lacks column "date_change"/);
    expect(() => planColumns(order, null, pg, 'db.s3db')).toThrow(/Entegra table order does not exist in db\.s3db/);
  });
});
