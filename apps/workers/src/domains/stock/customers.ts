/**
 * Accounts made on the web (cari_hesaplar, kaynak NULL or 'web') -> Mikro CARI_HESAPLAR (spec
 * 3.12, rule 23): a new account with the traced column set (`yeni-musteri-ekleme`), later web edits
 * as changed columns only. Accounts that came from the ERP (kaynak 'erp') are never written back.
 */
import { ConflictError, says, type RecordJob, type RecordRef } from '@mikrosync/core';
import { findCustomerCard, insertWithRecid, updateRow } from '@mikrosync/connectors/erp';
import { loadCustomer } from '@mikrosync/connectors/web';
import {
  accountCode,
  CUSTOMER_FIELDS,
  customerUpdate,
  isWebCustomer,
  newCardValues,
  newCustomerRow,
  planFieldUpdate,
  webText,
  type WebCustomer,
} from '@mikrosync/mappers';
import type { WorkerContext } from '../../context.js';
import { sentOf, upsertCard } from '../../posting/card.js';
import { stampOf } from '../../posting/checks.js';

const TABLE = 'cari_hesaplar';

async function deletedCustomer(ctx: WorkerContext, job: RecordJob, record: RecordRef): Promise<string> {
  const old = job.deleted;
  if (!old) return 'gone from the web before it was processed: nothing to do';
  const code = webText(old.cari_kodu);
  if (!isWebCustomer(old) || !code || !(await findCustomerCard(ctx.erp, code))) return 'deleted on the web: nothing of it to keep in step in Mikro';
  throw new ConflictError(`${TABLE} ${record.id} (account "${code}") was deleted on the web; mikrosync never deletes Mikro accounts.`, {
    record,
    fix: 'delete or close the account in Mikro by hand if it should go',
    says: says('err.accountNotDeleted', { code }),
  });
}

export async function processCustomer(job: RecordJob, ctx: WorkerContext): Promise<string> {
  const { web, config, log } = ctx;
  const id = job.recordId;
  const record: RecordRef = { table: TABLE, id };
  const raw = await loadCustomer(web, id);
  if (!raw) return deletedCustomer(ctx, job, record);
  const row = raw as WebCustomer;
  if (!isWebCustomer(row)) return `account came from the ${String(row.kaynak)} side (kaynak): never written back to Mikro`;
  const code = accountCode(row, record);

  const result = await upsertCard(ctx, { table: TABLE, id, locks: [{ kind: 'account', key: code }] }, async (tx, ledger, writer) => {
    const posted = ledger?.status === 'posted' ? ledger : undefined;
    const before = sentOf(posted)?._code;
    if (before !== undefined && before !== code) {
      throw new ConflictError(`${TABLE} ${id}: the account code changed on the web from "${String(before)}" to "${code}" after the account was sent to Mikro; mikrosync does not rename Mikro accounts.`, {
        record,
        fix: 'change the code back on the web, or rename the account in Mikro by hand',
        says: says('err.accountCodeRenamed', { before: String(before), code }),
      });
    }
    const card = await findCustomerCard(tx, code);
    const s = stampOf(config);
    if (!card) {
      if (posted) {
        throw new ConflictError(`${TABLE} ${id}: account "${code}" was sent to Mikro (cari_RECno ${posted.headerRecno}) but is no longer there; it is not created again.`, {
          record,
          fix: 'create the account again in Mikro, or delete its ledger row (MIKROSYNC_LEDGER) to have it sent anew',
          says: says('err.accountGoneFromMikro', { code, recno: posted.headerRecno }),
        });
      }
      const { values, sent } = newCardValues(CUSTOMER_FIELDS, row);
      const recno = await insertWithRecid(tx, 'CARI_HESAPLAR', 'cari', newCustomerRow(code, values, config.stock.customerDefaults, s));
      await writer.save({ webTable: TABLE, webId: id, docKind: 'account', recno, rows: [{ table: 'CARI_HESAPLAR', recno }], sent: { ...sent, _code: code } }, true);
      return { action: 'created' as const, recno, edited: [] as string[] };
    }
    const recno = Number(card.cari_RECno);
    const plan = planFieldUpdate(CUSTOMER_FIELDS, row, card, sentOf(posted));
    if (plan.edited.length) await updateRow(tx, 'CARI_HESAPLAR', 'cari_RECno', recno, customerUpdate(plan.set, s));
    const sent = { ...plan.sent, _code: code };
    await writer.save({ webTable: TABLE, webId: id, docKind: 'account', recno, rows: [{ table: 'CARI_HESAPLAR', recno }], sent }, plan.edited.length > 0);
    return { action: plan.edited.length ? ('updated' as const) : ('unchanged' as const), recno, edited: plan.edited };
  });
  if (result.action === 'unchanged') return `account "${code}" (cari_RECno ${result.recno}): nothing the web owns changed`;
  log.info({ accountCode: code, cariRecno: result.recno, action: result.action, edited: result.edited }, `account ${result.action} in Mikro`);
  return result.action === 'created' ? `created account "${code}" (cari_RECno ${result.recno})` : `updated account "${code}" (${result.edited.join(', ')})`;
}
