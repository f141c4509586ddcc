/**
 * The posting kernel against a fake flow and a fake ERP client: which batches it sends and what
 * it does with what they return, for each path of the exactly-once protocol.
 */
import { describe, expect, it } from 'vitest';
import { ConflictError, createLogger, loadConfig, type RecordJob } from '@mikrosync/core';
import { ident, mssqlRequests, render, sql, type ErpClient, type Row, type Statement, type WriteBatch } from '@mikrosync/connectors/erp';
import { postDocument, type DocumentFlow, type Loaded, type PostedDocument, type PostingContext } from './document.js';

interface Doc {
  print: string;
}

const LEDGER = {
  ldg_web_table: 'docs',
  ldg_web_id: 'd-1',
  ldg_doc_kind: 'test',
  ldg_evrak_tip: 63,
  ldg_seri: 'A',
  ldg_sira: 7,
  ldg_header_recno: 10,
  ldg_fingerprint: 'v1',
  ldg_rows: JSON.stringify([
    { table: 'CARI_HESAP_HAREKETLERI', recno: 10, stamp: '2025-11-12 10:00:00.000' },
    { table: 'STOK_HAREKETLERI', recno: 11, stamp: '2025-11-12 10:00:00.000' },
  ]),
  ldg_version: 1,
  ldg_status: 'posted',
  ldg_created_at: '2025-11-12 10:00:00.000',
};

/** A fake ERP: read batches answer from `reads` in turn; write batches are kept (and may fail). */
function fakeErp(reads: Row[][][], writeFailures: Error[] = []) {
  const batches: string[] = [];
  const readTexts: string[][] = [];
  const unused = (what: string) => () => Promise.reject(new Error(`the posting kernel does not call ${what}`));
  const erp: ErpClient = {
    dialect: 'mssql',
    query: unused('query'),
    transaction: unused('transaction'),
    executeScript: unused('executeScript'),
    ping: unused('ping'),
    close: unused('close'),
    async readBatch(stmts: Statement[]) {
      readTexts.push(stmts.map((s) => render(s, 'mssql').text));
      return reads.shift() ?? stmts.map(() => []);
    },
    async writeBatch(batch: WriteBatch) {
      batches.push(mssqlRequests(batch, 1000).map((r) => render(r.build({}), 'mssql').text).join('\n'));
      const failure = writeFailures.shift();
      if (failure) throw failure;
      return [{ h: 20, n: 8, rows: JSON.stringify([{ table: 'CARI_HESAP_HAREKETLERI', recno: 20, stamp: '2025-11-12 11:00:00.000' }]) }];
    },
  };
  return { erp, batches, readTexts };
}

function fakeFlow(loaded: Loaded<Doc>, onEdit: 'repost' | 'conflict' = 'repost') {
  const recorded: PostedDocument[] = [];
  const removed: string[] = [];
  const flow: DocumentFlow<Doc, { ok: true }, PostingContext> = {
    table: 'docs',
    noun: 'test document',
    load: async () => loaded,
    fingerprint: (d) => d.print,
    series: () => 'A',
    onEdit: () => onEdit,
    onWebDelete: 'delete-rows',
    reads: () => [sql`SELECT 1 AS ${ident('x')}`],
    check: () => ({ ok: true }),
    write: () => ({
      rows: [{ table: 'CARI_HESAP_HAREKETLERI', where: sql`${ident('cha_RECno')} = ${1}` }],
      docKind: 'test',
      evrakTip: 63,
      numbering: { range: { headerType: 63, series: 'A' }, requested: null, assign: () => undefined },
    }),
    recordPosted: async (_ctx, _id, p) => void recordedPush(recorded, p),
    removePosted: async (_ctx, id) => void removed.push(id),
  };
  return { flow, recorded, removed };
}
function recordedPush(list: PostedDocument[], p: PostedDocument): void {
  list.push(p);
}

const job: RecordJob = { kind: 'record', table: 'docs', recordId: 'd-1' } as RecordJob;
const config = loadConfig({
  WEB_DATABASE_URL: 'postgres://app@127.0.0.1:5432/app',
  ERP_DIALECT: 'pg',
  ERP_DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/mikro',
  ERP_USER_NO: '1',
  ERP_TIMEZONE: 'Europe/Istanbul',
});
const ctxOf = (erp: ErpClient): PostingContext => ({ erp, config, log: createLogger({ level: 'silent' }) });

describe('postDocument', () => {
  it('a document deleted on the web before posting: one read, nothing written', async () => {
    const { erp, batches } = fakeErp([[[]]]);
    const { flow } = fakeFlow({ gone: 'deleted on the web before posting: nothing to do' });
    expect(await postDocument(flow)(job, ctxOf(erp))).toBe('deleted on the web before posting: nothing to do');
    expect(batches).toEqual([]);
  });

  it('a new document: the ledger and the checks in one read batch, then one write batch numbered last', async () => {
    const { erp, batches, readTexts } = fakeErp([[[], [{ x: 1 }]]]);
    const { flow, recorded } = fakeFlow({ doc: { print: 'v1' } });
    expect(await postDocument(flow)(job, ctxOf(erp))).toBe('posted as A8 (cha_RECno 20)');
    expect(readTexts).toHaveLength(1);
    expect(readTexts[0]![0]).toContain('[MIKROSYNC_LEDGER]');
    expect(batches).toHaveLength(1);
    expect(batches[0]).toContain("N'mikrosync:ledger-exists'");
    expect(batches[0]!.indexOf('sp_getapplock')).toBeLessThan(batches[0]!.indexOf('INSERT INTO [MIKROSYNC_LEDGER]'));
    expect(recorded).toEqual([expect.objectContaining({ series: 'A', number: 8, headerRecno: 20 })]);
  });

  it('a re-run of a posted document only rebuilds the web side', async () => {
    const { erp, batches } = fakeErp([[[LEDGER], []]]);
    const { flow, recorded } = fakeFlow({ doc: { print: 'v1' } });
    expect(await postDocument(flow)(job, ctxOf(erp))).toBe('already posted as A7 (cha_RECno 10): web side rebuilt');
    expect(batches).toEqual([]);
    expect(recorded).toEqual([expect.objectContaining({ series: 'A', number: 7 })]);
  });

  it('an edit under repost: checked against Mikro, old rows deleted, same number, in one batch', async () => {
    const { erp, batches } = fakeErp([[[LEDGER], []]]);
    const { flow } = fakeFlow({ doc: { print: 'v2' } });
    expect(await postDocument(flow)(job, ctxOf(erp))).toBe('re-posted as A7 (cha_RECno 20)');
    const text = batches[0]!;
    expect(text).toContain("N'mikrosync:ledger-moved'");
    expect(text).toContain("N'mikrosync:changed-in-mikro'");
    expect(text).toContain('DELETE FROM [CARI_HESAP_HAREKETLERI] WHERE [cha_RECno] IN (@p');
    expect(text).toContain('DELETE FROM [STOK_HAREKETLERI]');
    expect(text).not.toContain('sp_getapplock');
    expect(text).toContain('UPDATE [MIKROSYNC_LEDGER]');
  });

  it('an edit under conflict is refused before any write', async () => {
    const { erp, batches } = fakeErp([[[LEDGER], []]]);
    const { flow } = fakeFlow({ doc: { print: 'v2' } }, 'conflict');
    await expect(postDocument(flow)(job, ctxOf(erp))).rejects.toThrow(/docs d-1 was edited on the web after it was posted to Mikro as A7 \(cha_RECno 10\); this installation rejects edits\./);
    expect(batches).toEqual([]);
  });

  it('rows Mikro changed since posting: the batch stops and the conflict names them', async () => {
    const stamps = [[{ recno: 10, s: '2025-11-13 09:00:00.000' }], [{ recno: 11, s: '2025-11-12 10:00:00.000' }]];
    const { erp } = fakeErp([[[LEDGER], []], stamps], [new Error('mikrosync:changed-in-mikro')]);
    const { flow } = fakeFlow({ doc: { print: 'v2' } });
    const err = await postDocument(flow)(job, ctxOf(erp)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConflictError);
    expect((err as Error).message).toBe(
      'docs d-1 was edited on the web, but its ERP document A7 (cha_RECno 10) was changed in Mikro since it was posted (CARI_HESAP_HAREKETLERI 10); nothing was written. Fix: bring the web document and the Mikro document in line by hand, then re-enqueue',
    );
  });

  it('a second worker that posted first: this batch rolls back, the re-read finds its ledger', async () => {
    const { erp, batches } = fakeErp([[[], []], [[LEDGER], []]], [new Error('mikrosync:ledger-exists')]);
    const { flow, recorded } = fakeFlow({ doc: { print: 'v1' } });
    expect(await postDocument(flow)(job, ctxOf(erp))).toBe('already posted as A7 (cha_RECno 10): web side rebuilt');
    expect(batches).toHaveLength(1);
    expect(recorded).toHaveLength(1);
  });

  it('deleted on the web after posting: rows deleted and the ledger marked in one batch, then the web mapping', async () => {
    const { erp, batches } = fakeErp([[[LEDGER]]]);
    const { flow, removed } = fakeFlow({ gone: 'deleted on the web before posting: nothing to do' });
    expect(await postDocument(flow)(job, ctxOf(erp))).toBe('deleted ERP document A7 (cha_RECno 10)');
    expect(batches[0]).toContain('DELETE FROM [STOK_HAREKETLERI] WHERE [sth_RECno] IN (@p');
    expect(batches[0]).toContain('[ldg_status] = @p');
    expect(removed).toEqual(['d-1']);
  });
});
