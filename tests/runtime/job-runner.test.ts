/**
 * The job runner: a job whose worker died after the ERP commit is run again and completes without
 * posting twice; an unreachable ERP is waited for, and dead-lettered only when TRANSIENT_RETRY_FOR
 * is spent; a document that is not ready (a header without its lines) waits instead of failing;
 * a worker stops cleanly on SIGTERM.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordJobId } from '@mikrosync/core';
import { createTestEnv, ERP_UNDER_TEST, settledOutbox, waitFor, type TestEnv } from '../support/test-env.js';
import { erpInsert, insertCollection } from '../support/seed.js';
import { syncInsert, webInsert } from '../support/stock-seed.js';
import { insertWebRow } from '../support/invoice-seed.js';
import { startCli } from '../support/processes.js';
import { useInvoicesSuite } from '../support/fleet.js';
import { collectionCounts, useCliFleet } from '../support/cli-fleet.js';

const fleet = useCliFleet();

describe.skipIf(ERP_UNDER_TEST !== 'pg')('a job run again after its worker died', () => {
  it('a worker SIGKILLed after the ERP commit leaves exactly one ERP document, and the restart writes the mapping', async () => {
    const { t, ids } = await fleet.setup();
    fleet.start(['producer'], t.env);
    const doomed = fleet.start(['worker', '--domain', 'collections'], { ...t.env, MIKROSYNC_FAULT: 'crash-after-erp-commit' });
    const id = await insertCollection(t.web, { cari_hesap_id: ids.serhan, tahsilat_tipi: 'havale', banka_id: ids.banks['10'], tutar: 40 });
    const exit = await doomed.exited;
    expect(exit.signal).toBe('SIGKILL');
    expect(await collectionCounts(t)).toMatchObject({ docs: 1, ledger: 1, maps: 0 });

    fleet.start(['worker', '--domain', 'collections'], t.env);
    await waitFor('mapping rebuilt', async () => (await t.web.query('SELECT 1 FROM int_tahsilat_mapping WHERE web_tahsilat_id = $1', [id])).rowCount, 30_000);
    const final = await collectionCounts(t);
    expect(final, JSON.stringify(final)).toMatchObject({ docs: 1, ledger: 1, maps: 1 });
    expect((await t.erpSql.query('SELECT count(*)::int AS n FROM "ODEME_EMIRLERI"')).rows[0].n).toBe(1);
    expect((await settledOutbox(t.web, id)).map((r) => r.status)).toEqual(['done']);
  });

  it('a worker SIGKILLed after the ERP commit of a stock count leaves exactly one slip, and the restart writes erp_recno back', async () => {
    // The crash point is the posting kernel's, so it covers every flow, stock movements too.
    const { t } = await fleet.setup();
    await erpInsert(t.erp, 'DEPOLAR', { dep_no: 1, dep_adi: 'MERKEZ' });
    await erpInsert(t.erp, 'STOKLAR', { sto_kod: 'C1', sto_isim: 'C1', sto_standartmaliyet: 3 });
    const stock = await syncInsert(t.web, 'stoklar', { stok_kodu: 'C1', stok_adi: 'C1' });
    // The seeded web customer's capture event would become a customer-card job of this domain, and
    // whichever job commits first takes the crash point: only the count may reach it here.
    await t.web.query(`DELETE FROM sync_outbox WHERE table_name = 'cari_hesaplar'`);
    fleet.start(['producer'], t.env);
    const doomed = fleet.start(['worker', '--domain', 'stock'], { ...t.env, MIKROSYNC_FAULT: 'crash-after-erp-commit' });
    const id = await webInsert(t.web, 'stok_hareketleri', { stok_id: stock, belge_tipi: 'sayim', hareket_tipi: 'giris', miktar: 4, onceki_miktar: 0, sonraki_miktar: 0 });
    const exit = await doomed.exited;
    expect(exit.signal).toBe('SIGKILL');
    const slips = async () => (await t.erpSql.query(`SELECT count(*)::int AS n FROM "STOK_HAREKETLERI" WHERE sth_stok_kod = 'C1'`)).rows[0].n as number;
    expect(await slips()).toBe(1);
    expect((await t.web.query('SELECT erp_recno FROM stok_hareketleri WHERE id = $1', [id])).rows[0].erp_recno).toBeNull();

    fleet.start(['worker', '--domain', 'stock'], t.env);
    await waitFor('erp_recno written back', async () => (await t.web.query('SELECT erp_recno FROM stok_hareketleri WHERE id = $1', [id])).rows[0].erp_recno !== null, 30_000);
    expect(await slips()).toBe(1);
    expect((await t.erpSql.query('SELECT count(*)::int AS n FROM "MIKROSYNC_LEDGER" WHERE ldg_web_id = $1', [id])).rows[0].n).toBe(1);
  });
});

describe.skipIf(ERP_UNDER_TEST !== 'pg')('transient failures', () => {
  it('waits for an unreachable ERP instead of dead-lettering, says so in Redis, and dead-letters only when TRANSIENT_RETRY_FOR is spent', async () => {
    const { t, ids } = await fleet.setup({ RETRY_BACKOFF_MS: '200', BREAKER_PROBE_MS: '300' });
    fleet.start(['producer'], t.env);
    // The ERP database does not exist: every attempt fails with a connection error.
    const erpDown = { ...t.env, ERP_DATABASE_URL: t.env.ERP_DATABASE_URL!.replace(/\/[^/]+$/, '/erp_is_down') };
    fleet.start(['worker', '--domain', 'collections'], erpDown);
    const id = await insertCollection(t.web, { cari_hesap_id: ids.serhan, tahsilat_tipi: 'nakit', kasa_id: ids.kasa001, tutar: 7 });
    const { createRedis, DeadLetterQueue, QueueRegistry, readOutages } = await import('@mikrosync/connectors');
    const queues = new QueueRegistry(createRedis(t.config.redis), { prefix: t.config.redis.prefix, attempts: 3, backoffMs: 200 });
    fleet.onCleanup(async () => {
      await queues.close();
      queues.connection.disconnect();
    });
    const dlq = new DeadLetterQueue(queues);
    const outage = await waitFor('outage recorded', async () => (await readOutages(queues.connection, t.config.redis.prefix)).find((o) => o.dependency === 'erp'), 30_000);
    expect(outage.reason).toMatch(/erp_is_down/);
    // Far more than MAX_RETRY_COUNT x backoff: still waiting, not dead-lettered, outbox open.
    await new Promise((r) => setTimeout(r, 3000));
    expect(await dlq.count()).toBe(0);
    expect((await t.web.query('SELECT status FROM sync_outbox WHERE record_id = $1', [id])).rows[0].status).toBe('enqueued');

    // A budget of 2 s and a breaker that never opens: the retries spend it, then the dead letter.
    await fleet.killAll();
    fleet.start(['producer'], t.env);
    fleet.start(['worker', '--domain', 'collections'], { ...erpDown, TRANSIENT_RETRY_FOR: '2s', BREAKER_FAILURES: '1000' });
    const dead = await waitFor('dead letter', async () => (await dlq.list()).find((e) => e.record?.id === id), 30_000);
    expect(dead).toMatchObject({ permanent: false, queue: 'collections' });
    expect(dead.reason).toMatch(new RegExp(`^tahsilatlar ${id}: the ERP database could not be reached for .*erp_is_down`));
    await settledOutbox(t.web, id);
    const outbox = (await t.web.query('SELECT status, last_error FROM sync_outbox WHERE record_id = $1', [id])).rows[0];
    expect(outbox).toMatchObject({ status: 'failed', last_error: dead.reason });
  });
});

describe.skipIf(ERP_UNDER_TEST !== 'pg')('documents not ready yet', () => {
  const s = useInvoicesSuite();

  it('a header and its lines written in separate transactions become one ERP document', async () => {
    const id = await insertWebRow(s.t.web, 'satislar', { satis_no: 'SEP-1', cari_hesap_id: s.ids.serhan, odeme_sekli: 'acik_hesap', toplam_tutar: 30 });
    // The header job has run, found no lines and waits for them (retried every 300 ms).
    await waitFor('header job waiting for its lines', async () => {
      const job = await s.queues.get('sales').getJob(recordJobId('satislar', id));
      return (job?.data as { notReadySince?: number } | undefined)?.notReadySince !== undefined;
    }, 30_000);
    // One web transaction per line, 150 ms apart (the header job retries every 300 ms): each line
    // restarts the document's quiet period, so it is posted once, with all three lines.
    for (const [i, code] of ['K1', 'K2', 'K3'].entries()) {
      if (i > 0) await new Promise((r) => setTimeout(r, 150));
      await insertWebRow(s.t.web, 'satis_kalemleri', { satis_id: id, stok_id: s.stock[code], miktar: 1, birim_fiyat: 12.49, toplam_tutar: 12.49, kdv_orani: 20, sira_no: i + 1 });
    }
    const l = await s.posted(id);
    expect(await s.linesOf(l.ldg_header_recno)).toHaveLength(3);
    await new Promise((r) => setTimeout(r, 1500));
    expect((await s.ledgerOf(id)).ldg_version).toBe(1);
    expect((await s.t.erpSql.query('SELECT count(*)::int AS n FROM "MIKROSYNC_LEDGER" WHERE ldg_web_id = $1', [id])).rows[0].n).toBe(1);
    const [first] = await s.linesOf(l.ldg_header_recno);
    // Amounts with cents: the VAT amount is a float column in Mikro.
    expect(first).toMatchObject({ sth_vergi_pntr: 4, sth_vergi: 2.5, sth_tutar: 12.49 });
  });

  it('a header whose lines never come waits (not ready), is not marked done, and writes nothing', async () => {
    const before = await s.erpCount();
    const id = await insertWebRow(s.t.web, 'satislar', { satis_no: 'NOLINES', cari_hesap_id: s.ids.serhan, odeme_sekli: 'acik_hesap' });
    await new Promise((r) => setTimeout(r, 2500));
    expect(await s.erpCount()).toBe(before);
    const outbox = await s.t.web.query('SELECT status FROM sync_outbox WHERE record_id = $1', [id]);
    expect(outbox.rows.map((r) => r.status)).toEqual(['enqueued']);
    expect((await s.dlq.list()).find((e) => e.record?.id === id)).toBeUndefined();
  });
});

describe('worker shutdown', () => {
  let t: TestEnv;
  beforeAll(async () => {
    t = await createTestEnv();
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  it('a worker stops on SIGTERM within the shutdown timeout and exits cleanly', async () => {
    const worker = startCli(['worker', '--domain', 'collections'], { ...t.env, LOG_LEVEL: 'info' });
    try {
      // Start-up from source takes long on a loaded machine; the bound under test is the shutdown.
      await waitFor('worker started', async () => /workers started/.test(worker.output()), 60_000);
      const sent = Date.now();
      worker.child.kill('SIGTERM');
      const { code } = await worker.exited;
      expect(code).toBe(0);
      expect(Date.now() - sent).toBeLessThan(Number(t.env.SHUTDOWN_TIMEOUT_MS) + 2000);
      expect(worker.output()).toMatch(/shutting down/);
    } finally {
      await worker.stop('SIGKILL');
    }
  });
});
