/**
 * Bad input through the real processors: a header without lines says how to fix it, a cheque
 * collection without its number is refused naming the record, and a note longer than Mikro keeps
 * is posted cut, with a warning in the log naming the record.
 */
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger, NotReadyError, PermanentError } from '@mikrosync/core';
import { createWorkerContext, type WorkerContext } from '@mikrosync/workers';
import { processCollection } from '../../apps/workers/src/domains/collections/process-collection.js';
import { invoiceProcessor } from '../../apps/workers/src/domains/invoices/process-invoice.js';
import { createTestEnv, type TestEnv } from '../support/test-env.js';
import { insertCollection, seedErpMasterData, seedWebMasterData, type SeededIds } from '../support/seed.js';
import { insertWebRow } from '../support/invoice-seed.js';

describe('bad input messages', () => {
  let t: TestEnv;
  let ctx: WorkerContext;
  let ids: SeededIds;
  const lines: Record<string, unknown>[] = [];

  beforeAll(async () => {
    t = await createTestEnv();
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        for (const l of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(l) as Record<string, unknown>);
        done();
      },
    });
    ctx = createWorkerContext(t.config, createLogger({ level: 'warn', name: t.name }, sink));
    await seedErpMasterData(t.erp);
    ids = await seedWebMasterData(t.web);
  });
  afterAll(async () => {
    await ctx?.close();
    await t?.cleanup();
  });

  it('a header without lines names the record and the fix', async () => {
    const id = await insertWebRow(t.web, 'satislar', { satis_no: 'NOLINES', cari_hesap_id: ids.serhan, odeme_sekli: 'acik_hesap' });
    const err = await invoiceProcessor('satislar')({ kind: 'record', table: 'satislar', recordId: id }, ctx).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NotReadyError);
    expect((err as Error).message).toMatch(new RegExp(`^satislar ${id} has no lines yet\\. Fix: add the lines on the web .*re-enqueue`));
  });

  it('a cheque collection without a cheque number is refused, naming the record, and writes nothing', async () => {
    const id = await insertCollection(t.web, { cari_hesap_id: ids.serhan, tahsilat_tipi: 'cek', cek_vade_tarihi: '2026-01-15', banka_adi: 'ZİRAAT', tutar: 500 });
    const err = await processCollection({ kind: 'record', table: 'tahsilatlar', recordId: id }, ctx).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PermanentError);
    expect((err as Error).message).toMatch(new RegExp(`tahsilatlar ${id}: a collection by cheque needs the cheque number \\(cek_no\\)\\. Fix: `));
    expect((await t.erpSql.query(`SELECT count(*)::int AS n FROM "ODEME_EMIRLERI" WHERE sck_tutar = 500`)).rows[0].n).toBe(0);
  });

  it('a note longer than Mikro keeps is posted cut, with a warning naming the record', async () => {
    const note = 'uzun açıklama '.repeat(4); // 56 characters
    const id = await insertCollection(t.web, { cari_hesap_id: ids.serhan, tahsilat_tipi: 'nakit', kasa_id: ids.kasa001, tutar: 42, aciklama: note });
    await processCollection({ kind: 'record', table: 'tahsilatlar', recordId: id }, ctx);
    const header = (await t.erpSql.query(`SELECT cha_aciklama FROM "CARI_HESAP_HAREKETLERI" WHERE cha_meblag = 42`)).rows[0];
    expect(header.cha_aciklama).toBe([...note.trim()].slice(0, 40).join(''));
    const warning = lines.find((l) => l.id === id && l.level === 40);
    expect(warning?.msg).toMatch(new RegExp(`^tahsilatlar ${id}: the note \\(aciklama\\) is ${note.trim().length} characters; Mikro keeps 40`));
  });
});
