/**
 * `mikrosync dev-setup`: creates the local databases, the web app's own tables and the Mikro
 * stand-in (PostgreSQL), migrates, and with --demo loads demo data. Development only.
 */
import { createErpClient, setupErpOwnTables } from '@mikrosync/connectors/erp';
import { migrateWeb } from '@mikrosync/connectors/web';
import { DEV_SQL, ensureDatabase, runSqlFile } from '@mikrosync/connectors/dev';
import { boot } from '../runtime-config.js';

export async function runDevSetup(opts: { demo?: boolean; fresh?: boolean }): Promise<void> {
  const { config, log } = boot('mikrosync-dev-setup');
  if (config.erp.dialect !== 'pg' || !config.erp.url) {
    process.stderr.write('dev-setup builds the PostgreSQL stand-in of Mikro: set ERP_DIALECT=pg and ERP_DATABASE_URL\n');
    process.exitCode = 2;
    return;
  }
  await ensureDatabase(config.web.url, { recreate: opts.fresh });
  await ensureDatabase(config.erp.url, { recreate: opts.fresh });
  await runSqlFile(config.web.url, DEV_SQL.webAppTables);
  await runSqlFile(config.erp.url, DEV_SQL.mikroTablesPg);
  await migrateWeb(config.web.url, log);
  const erp = createErpClient(config.erp);
  try {
    await setupErpOwnTables(erp);
  } finally {
    await erp.close();
  }
  if (opts.demo) {
    await runSqlFile(config.erp.url, DEV_SQL.demoErp);
    await runSqlFile(config.web.url, DEV_SQL.demoWeb);
  }
  process.stdout.write(`dev databases ready${opts.demo ? ' with demo data' : ''}\n`);
}
