/**
 * Collections and payments (tahsilatlar) -> Mikro, exactly once (spec 3.5, 3.6; rules 2, 3, 6, 7),
 * as a posting flow: the kind, the checks against Mikro (account, cash box, bank, the endorsed
 * cheque) and the rows. Posted collections are never edited or deleted by us: a change on the web
 * after posting is a conflict for a person. The protocol is the posting kernel's.
 */
import { ConflictError, mikroDateFromDb, mikroYear, PermanentError, says } from '@mikrosync/core';
import {
  accountQuery,
  allocateNumber,
  allocateRefnoBatch,
  bankQuery,
  cashBoxQuery,
  describeLedger as describe,
  PLANNED_NUMBER,
  PLANNED_REFNO,
  portfolioChequeQuery,
  writeCollectionBatch,
  type Statement,
} from '@mikrosync/connectors/erp';
import { loadCollection, recordPostedCollection } from '@mikrosync/connectors/web';
import {
  classifyCollection,
  collectionFingerprint,
  planCollection,
  type ClassifiedCollection,
  type EndorsedCheque,
  type WebCollection,
} from '@mikrosync/mappers';
import { postDocument, type DocumentFlow } from '../../posting/document.js';
import { resolveWebCodes, type WebCodes } from './resolve.js';

const TABLE = 'tahsilatlar';

interface CollectionDoc {
  row: WebCollection;
  fingerprint: string;
  /** Classified and resolved, or why not: judged only once the ledger said it is not posted yet. */
  ready: { c: ClassifiedCollection; codes: WebCodes } | { failure: unknown };
}

interface CollectionRefs {
  account: { code: string; title: string; phone: string };
  bankName: string;
  endorsed: EndorsedCheque | undefined;
}

export const collectionFlow: DocumentFlow<CollectionDoc, CollectionRefs> = {
  table: TABLE,
  noun: 'collection',
  async load(ctx, id) {
    const loaded = await loadCollection(ctx.web, id, ctx.outbox);
    if (!loaded) return { gone: 'deleted on the web before posting: nothing to do' };
    const row = loaded.row;
    let ready: CollectionDoc['ready'];
    try {
      const c = classifyCollection(row, ctx.config.erp.timeZone);
      for (const warning of c.warnings) ctx.log.warn({ table: TABLE, id }, warning);
      ready = { c, codes: await resolveWebCodes(ctx.web, loaded, c, ctx.log) };
    } catch (failure) {
      ready = { failure };
    }
    return { doc: { row, fingerprint: collectionFingerprint(row), ready } };
  },
  fingerprint: (doc) => doc.fingerprint,
  series: (doc) => ('c' in doc.ready ? doc.ready.c.series : ''),
  onEdit: () => 'conflict',
  editRefused: (ledger) =>
    new ConflictError(`${TABLE} ${ledger.webId} was edited on the web after it was posted to Mikro as ${describe(ledger)}; edits of posted collections are not applied.`, {
      record: { table: TABLE, id: ledger.webId },
      fix: 'correct the receipt in Mikro by hand, or undo the edit on the web',
      says: says('err.editedAfterPosting', { document: describe(ledger) }),
    }),
  onWebDelete: (ledger) =>
    new ConflictError(`${TABLE} ${ledger.webId} was deleted on the web after it was posted to Mikro as ${describe(ledger)}; the ERP document stays.`, {
      record: { table: TABLE, id: ledger.webId },
      fix: 'cancel or delete the receipt in Mikro by hand if the deletion was intended',
      says: says('err.deletedAfterPosting', { document: describe(ledger) }),
    }),
  reads(doc) {
    if (!('c' in doc.ready)) return [];
    const { c, codes } = doc.ready;
    const reads: Statement[] = [accountQuery(codes.accountCode)];
    if (codes.cashCode) reads.push(cashBoxQuery(codes.cashCode));
    if (codes.bank) reads.push(bankQuery(codes.bank.code));
    if (c.kind.endorsesCheque) reads.push(portfolioChequeQuery(c.chequeNumber));
    return reads;
  },
  check(doc, results) {
    if (!('c' in doc.ready)) throw doc.ready.failure;
    const { c, codes } = doc.ready;
    const record = { table: TABLE, id: doc.row.id };
    const id = doc.row.id;
    let i = 0;
    const next = () => results[i++] ?? [];
    const account = next()[0] as { cari_kod: string; cari_unvan1?: string; cari_CepTel?: string } | undefined;
    if (!account) {
      throw new PermanentError(`${TABLE} ${id}: account code "${codes.accountCode}" does not exist in Mikro (CARI_HESAPLAR).`, {
        record,
        fix: 'create the account in Mikro or correct the mapping in int_kodmap_cari / cari_hesaplar.cari_kodu',
        says: says('err.accountNotInErp', { code: codes.accountCode }),
      });
    }
    if (codes.cashCode && !next()[0]) {
      throw new PermanentError(`${TABLE} ${id}: cash box "${codes.cashCode}" does not exist in Mikro (KASALAR).`, {
        record,
        fix: 'correct int_kodmap_kasa / kasalar.kasa_kodu',
        says: says('err.cashBoxNotInErp', { code: codes.cashCode }),
      });
    }
    let bankName = '';
    if (codes.bank) {
      const bank = next()[0] as { ban_ismi?: string } | undefined;
      if (!bank) {
        throw new PermanentError(`${TABLE} ${id}: bank "${codes.bank.code}" does not exist in Mikro (BANKALAR).`, {
          record,
          fix: 'correct int_kodmap_banka / bankalar.ban_kod',
          says: says('err.bankNotInErp', { code: codes.bank.code }),
        });
      }
      bankName = bank.ban_ismi ?? '';
    }
    let endorsed: EndorsedCheque | undefined;
    if (c.kind.endorsesCheque) {
      const ch = next()[0];
      if (!ch) {
        throw new PermanentError(`${TABLE} ${id}: no customer cheque number "${c.chequeNumber}" is in the cheque portfolio in Mikro.`, {
          record,
          fix: 'check the cheque number, or choose a bank for a payment by own-company cheque',
          says: says('err.chequeNotInPortfolio', { cheque: c.chequeNumber }),
        });
      }
      if (Math.abs(Number(ch.sck_tutar) - c.amount) > 0.005) {
        throw new PermanentError(`${TABLE} ${id}: amount ${c.amount} differs from the amount ${Number(ch.sck_tutar)} of cheque "${c.chequeNumber}".`, {
          record,
          fix: 'enter the cheque amount on the web',
          says: says('err.chequeAmountDiffers', { amount: c.amount, chequeAmount: Number(ch.sck_tutar), cheque: c.chequeNumber }),
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
    return { account: { code: account.cari_kod, title: account.cari_unvan1 ?? '', phone: account.cari_CepTel ?? '' }, bankName, endorsed };
  },
  write(batch, doc, refs, _numbered, { header, number }, stamp, ctx) {
    if (!('c' in doc.ready)) throw doc.ready.failure;
    const { c, codes } = doc.ready;
    // The number and refno go into several columns of the rows: allocated first, in the batch,
    // under their locks (held for the server's execution of this one batch, no round trip).
    allocateNumber(batch, number, { headerType: c.kind.evrakTip, series: c.series }, c.requestedNumber);
    const refno = c.kind.order ? batch.variable('refno', 'text') : undefined;
    if (c.kind.order && refno) allocateRefnoBatch(batch, refno, c.kind.order.prefix, mikroYear(c.date));
    const plan = planCollection(
      c,
      doc.row,
      {
        account: refs.account,
        cashCode: codes.cashCode,
        bank: codes.bank ? { code: codes.bank.code, name: refs.bankName, group: codes.bank.group } : undefined,
        endorsedCheque: refs.endorsed,
        series: c.series,
        number: PLANNED_NUMBER,
        refno: refno ? PLANNED_REFNO : undefined,
        companyLabel: ctx.config.erp.companyLabel,
      },
      stamp,
    );
    const order = plan.order ? batch.variable('o', 'int') : undefined;
    const rows = writeCollectionBatch(batch, plan, { header, number, ...(refno ? { refno } : {}), ...(order ? { order } : {}) });
    return { rows, docKind: c.kind.name, evrakTip: c.kind.evrakTip, numberedByFlow: true };
  },
  recordPosted: (ctx, id, l) =>
    recordPostedCollection(ctx.web, {
      webId: id,
      evrakTip: l.evrakTip,
      series: l.series,
      number: l.number,
      headerRecno: l.headerRecno,
      refno: l.rows.find((r) => r.table === 'ODEME_EMIRLERI' && r.ref)?.ref,
    }, ctx.outbox),
  removePosted: async () => undefined,
};

export const processCollection = postDocument(collectionFlow);
