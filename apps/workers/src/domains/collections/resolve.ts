/**
 * Resolving the web ids of a collection to ERP codes: map table, then the web code column
 * (spec rule 17). A miss is a permanent error that names the record and the fix.
 */
import { PermanentError, type RecordRef } from '@mikrosync/core';
import { lookupBankGroup, type LoadedCollection, type WebPool } from '@mikrosync/connectors/web';
import { checkedCode, type ClassifiedCollection } from '@mikrosync/mappers';
import type { Logger } from '@mikrosync/core';

const CODE_WIDTH = 25;

export interface WebCodes {
  accountCode: string;
  cashCode?: string;
  bank?: { code: string; group: number };
}

export async function resolveWebCodes(web: WebPool, loaded: LoadedCollection, c: ClassifiedCollection, log: Logger): Promise<WebCodes> {
  const record: RecordRef = c.record;
  const row = loaded.row;
  const account = loaded.account;
  if (!account.code) {
    throw new PermanentError(
      `${record.table} ${record.id}: account ${row.cari_hesap_id}${account.name ? ` (${account.name})` : ''} has no ERP account code.`,
      { record, fix: `add a row to int_kodmap_cari (web_cari_id = ${row.cari_hesap_id}, erp_cari_kod = <Mikro cari_kod>) or set cari_hesaplar.cari_kodu, then re-enqueue`, mapping: { kind: 'account', webCode: String(row.cari_hesap_id) } },
    );
  }
  const out: WebCodes = { accountCode: checkedCode(account.code, CODE_WIDTH, 'account code', record) };
  if (c.kind.counterpart === 'cash') {
    const cash = loaded.cash;
    if (!cash.code) {
      throw new PermanentError(`${record.table} ${record.id}: cash box ${row.kasa_id}${cash.name ? ` (${cash.name})` : ''} has no ERP code.`, {
        record,
        fix: `add a row to int_kodmap_kasa (web_kasa_id = ${row.kasa_id}, erp_kasa_kod = <Mikro kas_kod>) or set kasalar.kasa_kodu, then re-enqueue`,
        mapping: { kind: 'cashBox', webCode: String(row.kasa_id) },
      });
    }
    out.cashCode = checkedCode(cash.code, CODE_WIDTH, 'cash box code', record);
  }
  if (c.kind.counterpart === 'bank') {
    const bank = loaded.bank;
    if (!bank.code) {
      throw new PermanentError(`${record.table} ${record.id}: bank ${row.banka_id}${bank.name ? ` (${bank.name})` : ''} has no ERP code.`, {
        record,
        fix: `add a row to int_kodmap_banka (web_banka_id = ${row.banka_id}, erp_banka_kod = <Mikro ban_kod>) or set bankalar.ban_kod, then re-enqueue`,
        mapping: { kind: 'bank', webCode: String(row.banka_id) },
      });
    }
    const code = checkedCode(bank.code, CODE_WIDTH, 'bank code', record);
    let group = await lookupBankGroup(web, code, c.kind.name);
    if (group === undefined) {
      group = bank.erpGroup ?? 0;
      log.warn(
        { table: record.table, id: record.id, bank: code, kind: c.kind.name, group },
        'no bank group configured in int_banka_grup for this bank and kind; using bankalar.erp_grup_no',
      );
    }
    out.bank = { code, group };
  }
  return out;
}
