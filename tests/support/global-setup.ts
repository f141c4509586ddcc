/**
 * Builds two template databases once per run (web app tables + our migrations; Mikro stand-in +
 * our ERP tables). Each test file clones them, which takes a fraction of a second.
 */
import { createLogger } from '@mikrosync/core';
import { createPgErpClient, DEV_SQL, dropDatabase, ensureDatabase, migrateWeb, runSqlFile, setupErpOwnTables } from '@mikrosync/connectors';
import { dbUrl } from './env.js';

export default async function setup(): Promise<() => Promise<void>> {
  const run = `${process.pid}_${Date.now().toString(36)}`;
  process.env.MIKROSYNC_TPL_WEB = `mikrosync_tpl_${run}_web`;
  process.env.MIKROSYNC_TPL_ERP = `mikrosync_tpl_${run}_erp`;
  const web = dbUrl(process.env.MIKROSYNC_TPL_WEB);
  const erp = dbUrl(process.env.MIKROSYNC_TPL_ERP);
  await ensureDatabase(web, { recreate: true });
  await ensureDatabase(erp, { recreate: true });
  await runSqlFile(web, DEV_SQL.webAppTables);
  await migrateWeb(web, createLogger({ level: 'warn' }));
  await runSqlFile(erp, DEV_SQL.mikroTablesPg);
  const client = createPgErpClient({ url: erp, poolMax: 1, requestTimeoutMs: 30_000, lockTimeoutMs: 10_000 });
  await setupErpOwnTables(client);
  await client.close();
  return async () => {
    await dropDatabase(web).catch(() => undefined);
    await dropDatabase(erp).catch(() => undefined);
  };
}
