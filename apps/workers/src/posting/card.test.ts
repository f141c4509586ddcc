/**
 * The card kernel against a fake ERP transaction: the keys are locked before the ledger is read,
 * the ledger records what was sent only when something was written (or the values changed), and
 * a deletion marks the ledger row deleted.
 */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '@mikrosync/core';
import { render, type ErpClient, type ErpTx, type Row, type Statement } from '@mikrosync/connectors/erp';
import { upsertCard } from './card.js';

function fakeErp(ledgerRow: Row | undefined) {
  const texts: string[] = [];
  const tx: ErpTx = {
    dialect: 'mssql',
    async query<T = Row>(stmt: Statement): Promise<T[]> {
      const text = render(stmt, 'mssql').text;
      texts.push(text);
      if (text.startsWith('SELECT * FROM [MIKROSYNC_LEDGER]')) return (ledgerRow ? [ledgerRow] : []) as T[];
      if (text.includes('SCOPE_IDENTITY')) return [{ id: 1 }] as T[];
      return [] as T[];
    },
  };
  const unused = (what: string) => () => Promise.reject(new Error(`the card kernel does not call ${what}`));
  const erp: ErpClient = {
    ...tx,
    transaction: (fn) => fn(tx),
    readBatch: unused('readBatch'),
    writeBatch: unused('writeBatch'),
    executeScript: unused('executeScript'),
    ping: unused('ping'),
    close: unused('close'),
  };
  return { erp, texts };
}
const config = loadConfig({
  WEB_DATABASE_URL: 'postgres://app@127.0.0.1:5432/app',
  ERP_DIALECT: 'pg',
  ERP_DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/mikro',
  ERP_USER_NO: '1',
  ERP_TIMEZONE: 'Europe/Istanbul',
  ERP_LOCK_TIMEOUT_MS: '1000',
});
const ctxOf = (erp: ErpClient) => ({ erp, config });
const posted = {
  ldg_web_table: 'stoklar', ldg_web_id: 's-1', ldg_doc_kind: 'stock_card', ldg_evrak_tip: 0, ldg_seri: '', ldg_sira: 0, ldg_header_recno: 5,
  ldg_fingerprint: JSON.stringify({ name: 'A' }), ldg_rows: '[]', ldg_version: 1, ldg_status: 'posted', ldg_created_at: '2025-11-12 10:00:00.000',
};
const entry = (sent: Record<string, string>) => ({ webTable: 'stoklar', webId: 's-1', docKind: 'stock_card', recno: 5, rows: [{ table: 'STOKLAR', recno: 5 }], sent });

describe('upsertCard', () => {
  it('locks every key, in order, before it reads the ledger', async () => {
    const { erp, texts } = fakeErp(undefined);
    await upsertCard(ctxOf(erp), { table: 'stoklar', id: 's-1', locks: [{ kind: 'stock', key: 'A' }, { kind: 'price', key: 'A|1' }] }, async () => 'ok');
    const locks = texts.filter((t) => t.includes('sp_getapplock'));
    expect(locks).toHaveLength(2);
    expect(texts.findIndex((t) => t.includes('[MIKROSYNC_LEDGER]'))).toBeGreaterThan(texts.lastIndexOf(locks[1]!));
  });

  it('a first write inserts the ledger row; a card only looked at leaves none', async () => {
    const first = fakeErp(undefined);
    await upsertCard(ctxOf(first.erp), { table: 'stoklar', id: 's-1', locks: [] }, (_tx, _l, w) => w.save(entry({ name: 'A' }), true));
    expect(first.texts.some((t) => t.startsWith('INSERT INTO [MIKROSYNC_LEDGER]'))).toBe(true);
    const looked = fakeErp(undefined);
    await upsertCard(ctxOf(looked.erp), { table: 'stoklar', id: 's-1', locks: [] }, (_tx, _l, w) => w.save(entry({ name: 'A' }), false));
    expect(looked.texts.some((t) => t.includes('INTO [MIKROSYNC_LEDGER]') || t.startsWith('UPDATE [MIKROSYNC_LEDGER]'))).toBe(false);
  });

  it('unchanged values leave the ledger as it is; new values are a new version', async () => {
    const same = fakeErp(posted);
    await upsertCard(ctxOf(same.erp), { table: 'stoklar', id: 's-1', locks: [] }, (_tx, ledger, w) => {
      expect(ledger?.headerRecno).toBe(5);
      return w.save(entry({ name: 'A' }), false);
    });
    expect(same.texts.some((t) => t.startsWith('UPDATE [MIKROSYNC_LEDGER]'))).toBe(false);
    const changed = fakeErp(posted);
    await upsertCard(ctxOf(changed.erp), { table: 'stoklar', id: 's-1', locks: [] }, (_tx, _l, w) => w.save(entry({ name: 'B' }), true));
    expect(changed.texts.find((t) => t.startsWith('UPDATE [MIKROSYNC_LEDGER]'))).toContain('[ldg_version] = [ldg_version] + 1');
  });

  it('a deletion marks the ledger row deleted in the same transaction', async () => {
    const { erp, texts } = fakeErp(posted);
    await upsertCard(ctxOf(erp), { table: 'stoklar', id: 's-1', locks: [] }, async (_tx, ledger, w) => w.markDeleted(ledger!));
    expect(texts.find((t) => t.startsWith('UPDATE [MIKROSYNC_LEDGER]'))).toMatch(/\[ldg_status\] = @p\d+/);
  });
});
