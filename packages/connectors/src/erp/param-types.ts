/**
 * How a value of a statement is declared to SQL Server: one rule, used by the driver binding
 * (mssql-client.ts) and by the tests that check every bound value against the Mikro schema.
 */
import type { SqlValue } from './sql.js';

export type DeclaredParamType =
  // Strings always go as NVARCHAR: Turkish codes such as 'ÇEK' must not pass through a code page.
  // MAX, not the value's length: one plan per statement text, whatever the values' lengths.
  | { type: 'nvarchar'; length: 'max' }
  | { type: 'int' }
  | { type: 'bigint' }
  | { type: 'float' }
  | { type: 'bit' };

const INT_MIN = -2_147_483_648;
const INT_MAX = 2_147_483_647;

export function declaredParamType(value: SqlValue): DeclaredParamType {
  if (value === null || typeof value === 'string') return { type: 'nvarchar', length: 'max' };
  if (typeof value === 'boolean') return { type: 'bit' };
  if (!Number.isInteger(value)) return { type: 'float' };
  return value < INT_MIN || value > INT_MAX ? { type: 'bigint' } : { type: 'int' };
}
