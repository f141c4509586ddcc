/**
 * The original's operator scripts as tasks of the catalog domain (`npm run create-price-mappings`,
 * `npm run fix-cari`; `--arg dryRun=true` only reports).
 */
import {
  CATALOG_SOURCES,
  readByKeys,
  readCashAndBankCodes,
  readExistingAccountCodes,
  readMovementAccountCodes,
  readPricedLists,
} from '@mikrosync/connectors/erp';
import {
  addAccountMaps,
  createPriceDefinition,
  mapPriceList,
  readPriceDefinitions,
  readPriceListMappings,
  readWebAccountCodes,
  withSyncTransaction,
  writeAccounts,
} from '@mikrosync/connectors/web';
import { classifyMovementCodes, mapAccounts, planPriceMappings, resolvedAccountCodes, type MovementCodeCount } from '@mikrosync/mappers';
import type { ErpAccount } from '@mikrosync/core';
import type { TaskProcessor } from '../../jobs/types.js';
import { flagArg } from './run.js';

/**
 * int_kodmap_fiyat_liste by fiyat_tanimlari.sira_no = the ERP list number, never by position
 * (spec 4.5, trap 25). Lists without a web definition get one.
 */
export const createPriceMappings: TaskProcessor = async (ctx, task) => {
  const dryRun = flagArg(task.args, 'dryRun');
  const actions = planPriceMappings(await readPricedLists(ctx.erp), await readPriceDefinitions(ctx.web), await readPriceListMappings(ctx.web));
  const rows: Record<string, number> = {};
  const count = (k: string) => (rows[k] = (rows[k] ?? 0) + 1);
  if (!dryRun) {
    await withSyncTransaction(ctx.web, async (client) => {
      for (const a of actions) {
        if (a.kind === 'create-and-map') await mapPriceList(client, a.listNo, await createPriceDefinition(client, a.listNo, a.name));
        if (a.kind === 'map') await mapPriceList(client, a.listNo, a.definitionId);
      }
    });
  }
  for (const a of actions) {
    if (a.kind === 'ok') count('already mapped');
    if (a.kind === 'map') count(a.replaces ? 'mapping corrected' : 'mapped');
    if (a.kind === 'create-and-map') count('definition created and mapped');
    if (a.kind === 'ambiguous') {
      count('ambiguous (not mapped)');
      ctx.log.warn({ listNo: a.listNo, definitions: a.definitionIds }, `ERP price list ${a.listNo}: several web definitions have sira_no ${a.listNo}; map it by hand`);
    }
  }
  ctx.log.info({ actions, dryRun }, 'price list mappings');
  const ambiguous = actions.filter((a) => a.kind === 'ambiguous').map((a) => a.listNo);
  return {
    summary: `${dryRun ? '(dry run) ' : ''}${actions.length} ERP price list(s) with prices${ambiguous.length ? `; lists ${ambiguous.join(', ')} are ambiguous: several fiyat_tanimlari rows carry their sira_no` : ''}`,
    rows,
  };
};

/**
 * Accounts that ERP movements point at but the web lacks (spec 4.6, trap 24): real Mikro accounts
 * are copied from CARI_HESAPLAR and int_kodmap_cari rows are added for web accounts with a Mikro
 * code. Cash box and bank codes are resolved through cha_ciro_cari_kodu and never become accounts;
 * codes Mikro itself does not know are only reported.
 */
export const fixCari: TaskProcessor = async (ctx, task) => {
  const dryRun = flagArg(task.args, 'dryRun');
  const counts = await readMovementAccountCodes<MovementCodeCount>(ctx.erp);
  const special = await readCashAndBankCodes(ctx.erp);
  const codes = resolvedAccountCodes(counts, special);
  const inErp = await readExistingAccountCodes(ctx.erp, codes);
  const onWeb = await readWebAccountCodes(ctx.web, codes);
  const findings = classifyMovementCodes(counts, special, inErp, onWeb);
  const missing = findings.filter((f) => f.status === 'missing-on-web').map((f) => f.code);
  let copied = 0;
  let maps = 0;
  if (!dryRun) {
    const erpRows = await readByKeys<ErpAccount>(ctx.erp, { ...CATALOG_SOURCES.accounts, key: 'cari_kod' }, missing);
    const mapped = mapAccounts(erpRows);
    await withSyncTransaction(ctx.web, async (client) => {
      copied = await writeAccounts(client, mapped.rows, { method: ctx.config.catalog.writeMethod, timeZone: ctx.config.erp.timeZone });
      maps = await addAccountMaps(client, [...inErp]);
    });
  }
  const problems = findings.filter((f) => f.status !== 'ok');
  for (const f of problems) ctx.log.warn({ code: f.code, movements: f.movements, status: f.status }, `account code ${f.code}: ${f.status}`);
  const rows: Record<string, number> = {};
  for (const f of problems.slice(0, 50)) rows[`${f.code} (${f.status})`] = f.movements;
  rows['accounts copied from Mikro'] = copied;
  rows['int_kodmap_cari rows added'] = maps;
  const by = (s: string) => findings.filter((f) => f.status === s).length;
  return {
    summary:
      `${dryRun ? '(dry run) ' : ''}${findings.length} account code(s) in movements: ${by('ok')} on the web, ${by('missing-on-web')} missing on the web ` +
      `(copied from Mikro), ${by('unknown-in-erp')} unknown in Mikro (fix there), ${by('cash-or-bank-without-account')} cash box/bank code(s) without a ciro account (no account created)`,
    rows,
  };
};
