/**
 * Builds two template databases once per run (web app tables + our migrations; Mikro stand-in +
 * our ERP tables). Each test file clones them, which takes a fraction of a second.
 */
import { dropDatabase, ensureDatabase } from '@mikrosync/connectors';
import { dbUrl } from './env.js';
import { loadErpSchema, loadWebSchema } from './schemas.js';

export default async function setup(): Promise<() => Promise<void>> {
  const run = `${process.pid}_${Date.now().toString(36)}`;
  process.env.MIKROSYNC_TPL_WEB = `mikrosync_tpl_${run}_web`;
  process.env.MIKROSYNC_TPL_ERP = `mikrosync_tpl_${run}_erp`;
  const web = dbUrl(process.env.MIKROSYNC_TPL_WEB);
  const erp = dbUrl(process.env.MIKROSYNC_TPL_ERP);
  await ensureDatabase(web, { recreate: true });
  await ensureDatabase(erp, { recreate: true });
  await loadWebSchema(web);
  await loadErpSchema(erp);
  return async () => {
    await dropDatabase(web).catch(() => undefined);
    await dropDatabase(erp).catch(() => undefined);
  };
}
