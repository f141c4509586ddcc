/**
 * Catalog commands that are not tasks: `mikrosync setup-erp --delete-triggers` installs our delete
 * log and the AFTER DELETE triggers in the Mikro database (spec 2.12) — an explicit step for the
 * DBA, because it adds triggers to Mikro's own tables; `--remove-delete-triggers` takes them out.
 */
import { createErpClient, DELETE_TRIGGER_COLUMNS, setupDeleteLog } from '@mikrosync/connectors/erp';
import { boot } from '../runtime-config.js';
import { runSetupErp } from './ops.js';

export async function runSetupErpCommand(opts: { deleteTriggers?: boolean; removeDeleteTriggers?: boolean }): Promise<void> {
  if (!opts.deleteTriggers && !opts.removeDeleteTriggers) return runSetupErp();
  const { config } = boot('mikrosync-setup');
  const erp = createErpClient(config.erp);
  const tables = Object.keys(DELETE_TRIGGER_COLUMNS).join(', ');
  try {
    await setupDeleteLog(erp, { remove: opts.removeDeleteTriggers });
    process.stdout.write(
      opts.removeDeleteTriggers
        ? `ERP (${config.erp.dialect}): delete triggers removed from ${tables}; MIKROSYNC_DELETE_LOG kept. Deletions are now found by key reconciliation.\n`
        : `ERP (${config.erp.dialect}): MIKROSYNC_LEDGER and MIKROSYNC_DELETE_LOG ready; AFTER DELETE triggers on ${tables}\n`,
    );
  } catch (err) {
    process.stderr.write(`mikrosync: ${err instanceof Error ? err.message : String(err)} (the ERP login needs ALTER rights on these tables; without triggers, deletions are found by key reconciliation)\n`);
    process.exitCode = 1;
  } finally {
    await erp.close();
  }
}
