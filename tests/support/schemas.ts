/**
 * The two database layouts of the tests: the web app's tables with our migrations, and the Mikro
 * stand-in with our ERP tables. Used for the templates on the shared server and for databases on
 * a test's own cluster.
 */
import { createLogger } from '@mikrosync/core';
import { createPgErpClient, DEV_SQL, migrateWeb, runSqlFile, setupErpOwnTables } from '@mikrosync/connectors';

export async function loadWebSchema(url: string): Promise<void> {
  await runSqlFile(url, DEV_SQL.webAppTables);
  await migrateWeb(url, createLogger({ level: 'warn' }));
}

export async function loadErpSchema(url: string): Promise<void> {
  await runSqlFile(url, DEV_SQL.mikroTablesPg);
  const client = createPgErpClient({ url, poolMax: 1, requestTimeoutMs: 30_000, lockTimeoutMs: 10_000 });
  try {
    await setupErpOwnTables(client);
  } finally {
    await client.close();
  }
}
