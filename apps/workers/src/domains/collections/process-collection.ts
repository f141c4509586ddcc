/**
 * Collections and payments (tahsilatlar) -> Mikro, exactly once (spec 3.5, 3.6; rules 2, 3, 6, 7).
 * Reads the web row, validates and maps it (pure), writes every ERP row plus our ledger row in one
 * ERP transaction, then rebuilds the web side (map, number) from what was committed.
 */
import { ConflictError, faultPoint, mikroDateFromDb, mikroTimestamp, mikroYear, PermanentError, type RecordJob } from '@mikrosync/core';
import {
  allocateDocumentNumber,
  allocateRefno,
  findAccount,
  findBank,
  findCashBox,
  describeLedger as describe,
  findLedger,
  findPortfolioCheque,
  insertLedger,
  loadCollection,
  recordPostedCollection,
  writeCollectionRows,
  type LedgerEntry,
} from '@mikrosync/connectors';
import { classifyCollection, collectionFingerprint, planCollection, type EndorsedCheque, type WebCollection } from '@mikrosync/mappers';
import type { WorkerContext } from '../../context.js';
import { resolveWebCodes } from './resolve.js';

const TABLE = 'tahsilatlar';


async function rebuildWebSide(ctx: WorkerContext, id: string, l: LedgerEntry): Promise<void> {
  await recordPostedCollection(ctx.web, {
    webId: id,
    evrakTip: l.evrakTip,
    series: l.series,
    number: l.number,
    headerRecno: l.headerRecno,
    refno: l.rows.find((r) => r.table === 'ODEME_EMIRLERI' && r.ref)?.ref,
  }, ctx.outbox);
}

export async function processCollection(job: RecordJob, ctx: WorkerContext): Promise<string> {
  const { log, erp, web, config } = ctx;
  const id = job.recordId;
  const record = { table: TABLE, id };
  const loaded = await loadCollection(web, id, ctx.outbox);
  const row = loaded?.row as WebCollection | undefined;
  const ledger = await findLedger(erp, TABLE, id);

  if (!row) {
    if (ledger) {
      throw new ConflictError(`${TABLE} ${id} was deleted on the web after it was posted to Mikro as ${describe(ledger)}; the ERP document stays.`, {
        record,
        fix: 'cancel or delete the receipt in Mikro by hand if the deletion was intended',
      });
    }
    return 'deleted on the web before posting: nothing to do';
  }
  if (ledger) {
    if (ledger.fingerprint !== collectionFingerprint(row)) {
      throw new ConflictError(`${TABLE} ${id} was edited on the web after it was posted to Mikro as ${describe(ledger)}; edits of posted collections are not applied.`, {
        record,
        fix: 'correct the receipt in Mikro by hand, or undo the edit on the web',
      });
    }
    await rebuildWebSide(ctx, id, ledger);
    return `already posted as ${describe(ledger)}: web side rebuilt`;
  }

  const c = classifyCollection(row, config.erp.timeZone);
  for (const warning of c.warnings) log.warn({ table: TABLE, id }, warning);
  const codes = await resolveWebCodes(web, loaded!, c, log);
  const fingerprint = collectionFingerprint(row);

  const posted = await erp.transaction(async (tx) => {
    // A second worker may have posted it between our first look and this transaction.
    const again = await findLedger(tx, TABLE, id);
    if (again) return { ledger: again, refno: again.rows.find((r) => r.table === 'ODEME_EMIRLERI' && r.ref)?.ref, fresh: false };

    const account = await findAccount(tx, codes.accountCode);
    if (!account) {
      throw new PermanentError(`${TABLE} ${id}: account code "${codes.accountCode}" does not exist in Mikro (CARI_HESAPLAR).`, {
        record,
        fix: 'create the account in Mikro or correct the mapping in int_kodmap_cari / cari_hesaplar.cari_kodu',
      });
    }
    if (codes.cashCode && !(await findCashBox(tx, codes.cashCode))) {
      throw new PermanentError(`${TABLE} ${id}: cash box "${codes.cashCode}" does not exist in Mikro (KASALAR).`, {
        record,
        fix: 'correct int_kodmap_kasa / kasalar.kasa_kodu',
      });
    }
    let bankName = '';
    if (codes.bank) {
      const bank = await findBank(tx, codes.bank.code);
      if (!bank) {
        throw new PermanentError(`${TABLE} ${id}: bank "${codes.bank.code}" does not exist in Mikro (BANKALAR).`, {
          record,
          fix: 'correct int_kodmap_banka / bankalar.ban_kod',
        });
      }
      bankName = bank.ban_ismi ?? '';
    }
    let endorsed: EndorsedCheque | undefined;
    if (c.kind.endorsesCheque) {
      const ch = await findPortfolioCheque(tx, c.chequeNumber);
      if (!ch) {
        throw new PermanentError(`${TABLE} ${id}: no customer cheque number "${c.chequeNumber}" is in the cheque portfolio in Mikro.`, {
          record,
          fix: 'check the cheque number, or choose a bank for a payment by own-company cheque',
        });
      }
      if (Math.abs(Number(ch.sck_tutar) - c.amount) > 0.005) {
        throw new PermanentError(`${TABLE} ${id}: amount ${c.amount} differs from the amount ${Number(ch.sck_tutar)} of cheque "${c.chequeNumber}".`, {
          record,
          fix: 'enter the cheque amount on the web',
        });
      }
      endorsed = {
        recno: Number(ch.sck_RECno),
        refno: String(ch.sck_refno),
        amount: Number(ch.sck_tutar),
        dueDate: mikroDateFromDb(ch.sck_vade),
        no: String(ch.sck_no ?? ''),
        bankAddress: String(ch.sck_banka_adres1 ?? ''),
        branch: String(ch.sck_sube_adres2 ?? ''),
        accountOrCity: String(ch.sck_hesapno_sehir ?? ''),
      };
    }

    const number = await allocateDocumentNumber(tx, { headerType: c.kind.evrakTip, series: c.series }, c.requestedNumber, config.erp.lockTimeoutMs);
    const refno = c.kind.order ? await allocateRefno(tx, c.kind.order.sckTip, c.kind.order.prefix, mikroYear(c.date), config.erp.lockTimeoutMs) : undefined;
    const stamp = { userNo: config.erp.userNo, now: mikroTimestamp(new Date(), config.erp.timeZone) };
    const plan = planCollection(
      c,
      row,
      {
        account: { code: account.cari_kod, title: account.cari_unvan1 ?? '', phone: account.cari_CepTel ?? '' },
        cashCode: codes.cashCode,
        bank: codes.bank ? { code: codes.bank.code, name: bankName, group: codes.bank.group } : undefined,
        endorsedCheque: endorsed,
        series: c.series,
        number,
        refno,
        companyLabel: config.erp.companyLabel,
      },
      stamp,
    );
    const written = await writeCollectionRows(tx, plan);
    const entry = {
      webTable: TABLE,
      webId: id,
      docKind: c.kind.name,
      evrakTip: c.kind.evrakTip,
      series: c.series,
      number,
      headerRecno: written.headerRecno,
      fingerprint,
      rows: written.rows,
    };
    await insertLedger(tx, entry, stamp.now);
    return { ledger: { ...entry, version: 1, createdAt: stamp.now }, refno, fresh: true };
  });

  faultPoint('crash-after-erp-commit');
  await recordPostedCollection(web, {
    webId: id,
    evrakTip: posted.ledger.evrakTip,
    series: posted.ledger.series,
    number: posted.ledger.number,
    headerRecno: posted.ledger.headerRecno,
    refno: posted.refno,
  }, ctx.outbox);
  log.info(
    { kind: c.kind.name, evrak: `${posted.ledger.series}${posted.ledger.number}`, chaRecno: posted.ledger.headerRecno },
    posted.fresh ? 'collection posted to Mikro' : 'collection was already posted; web side rebuilt',
  );
  return `posted as ${describe(posted.ledger)}`;
}
