/**
 * Serialising allocations across every worker on every machine: an exclusive lock held until the
 * ERP transaction ends (SQL Server application lock / PostgreSQL advisory lock).
 */
import type { ErpTx } from './client.js';
import { dialectPart, sql } from './sql.js';

export async function lockForTransaction(tx: ErpTx, resource: string, timeoutMs: number): Promise<void> {
  const mssqlLock = sql`DECLARE @lockResult int; EXEC @lockResult = sp_getapplock @Resource = ${resource}, @LockMode = 'Exclusive', @LockOwner = 'Transaction', @LockTimeout = ${Math.floor(timeoutMs)}; IF @lockResult < 0 THROW 51000, 'mikrosync: allocation lock timeout', 1;`;
  const pgLock = sql`SELECT pg_advisory_xact_lock(hashtextextended(${resource}, 0))`;
  await tx.query(sql`${dialectPart(mssqlLock, pgLock)}`);
}
