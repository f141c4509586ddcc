/**
 * Dead letters and re-runs: a dead-lettered collection is posted once after the fix and a manual
 * requeue (a second requeue changes nothing); a job that kills its worker process is dead-lettered
 * after JOB_MAX_STALLED crashes in a row while the others are posted; a record has at most one dead
 * letter, and it disappears when the record is fixed and posted.
 */
import { describe, expect, it } from 'vitest';
import { ERP_UNDER_TEST, waitFor } from '../support/test-env.js';
import { insertCollection } from '../support/seed.js';
import { runCli } from '../support/processes.js';
import { useCollectionsSuite } from '../support/fleet.js';
import { apiStatus, fleetUp, insertSome, posted, useStatusFleet } from '../support/status-fleet.js';

const statusFleet = useStatusFleet();
const setup = statusFleet.setup;

describe.skipIf(ERP_UNDER_TEST !== 'pg')('re-enqueuing a dead letter', () => {
  const s = useCollectionsSuite();

  it('sends a collection for an unmapped customer to the dead-letter queue, writes nothing, and posts it once after the fix', async () => {
    const stranger = (await s.t.web.query(`INSERT INTO cari_hesaplar (cari_kodu, cari_adi, cari_tipi) VALUES ('', 'ADA TOPTAN', 'Müşteri') RETURNING id`)).rows[0].id as string;
    const before = (await s.erpDocs()).length;
    const id = await insertCollection(s.t.web, { cari_hesap_id: stranger, tahsilat_tipi: 'nakit', kasa_id: s.ids.kasa001, tutar: 75 });
    const dead = await s.deadLetterFor(id);
    expect(dead.reason).toContain(stranger);
    expect(dead.reason).toContain('ADA TOPTAN');
    expect(dead.reason).toMatch(/int_kodmap_cari/);
    expect(dead.permanent).toBe(true);
    expect(dead.attempts).toBe(1);
    expect((await s.erpDocs()).length).toBe(before);
    const outbox = (await s.outboxOf(id))[0]!;
    expect(outbox.status).toBe('failed');
    expect(outbox.last_error).toBe(dead.reason);

    // The operator's list names the collection by its customer and amount, in Turkish unless asked otherwise.
    const listed = await runCli(['dlq', 'list'], s.t.env);
    expect(listed.code, listed.output).toBe(0);
    expect(listed.output).toContain(`id: ${dead.id}`);
    expect(listed.output).toMatch(/Tahsilat ve tediyeler · Tahsilat .* · ADA TOPTAN · 75,00 TL/);
    expect(listed.output).toMatch(/Neden: .*ADA TOPTAN.* carisinin Mikro cari kodu yok/);
    expect(listed.output).toMatch(/Çözüm: bu müşterinin Mikro carisini seçin/);
    // The record's own id appears only inside the dead letter's id, on its last line.
    expect(listed.output.split(id).length - 1).toBe(1);
    const english = await runCli(['dlq', 'list', '--lang', 'en'], s.t.env);
    expect(english.output).toMatch(/Reason: account .*ADA TOPTAN.* has no ERP account code/);
    expect(english.output).toMatch(/failed .* after 1 attempt\(s\), will not succeed by retrying/);

    // The operator adds the mapping and re-enqueues by hand.
    await s.t.erpSql.query(`INSERT INTO "CARI_HESAPLAR" ("cari_kod", "cari_unvan1") VALUES ('ADA', 'ADA TOPTAN')`);
    await s.t.web.query('INSERT INTO int_kodmap_cari (web_cari_id, erp_cari_kod) VALUES ($1, $2)', [stranger, 'ADA']);
    const requeue = await runCli(['dlq', 'requeue', dead.id], s.t.env);
    expect(requeue.code, requeue.output).toBe(0);
    await waitFor('posted after requeue', async () => (await s.t.web.query('SELECT 1 FROM int_tahsilat_mapping WHERE web_tahsilat_id = $1', [id])).rowCount);
    expect(await s.erpDocs(`"cha_kod" = 'ADA'`)).toHaveLength(1);
    expect((await s.outboxOf(id)).map((o) => o.status)).toEqual(['done']);
    expect((await s.dlq.list()).find((e) => e.record?.id === id)).toBeUndefined();
    // A second requeue of the same (now gone) dead letter changes nothing.
    expect((await runCli(['dlq', 'requeue', dead.id], s.t.env)).code).toBe(1);
    await new Promise((r) => setTimeout(r, 500));
    expect(await s.erpDocs(`"cha_kod" = 'ADA'`)).toHaveLength(1);
  });
});

describe.skipIf(ERP_UNDER_TEST !== 'pg')('crash loops and dead letters', () => {
  it('a job that kills its worker process 3 times in a row is dead-lettered, naming the record; the others are posted', async () => {
    const s = await setup({ JOB_MAX_STALLED: '3' });
    s.start(['producer']);
    const [poison] = await insertSome(s, 1, 500);
    const others: string[] = [];
    let crashes = 0;
    const dead = await waitFor(
      'dead letter of the crashing job',
      async () => {
        const d = (await s.dlq.list()).find((e) => e.record?.id === poison);
        if (d) return d;
        // One worker at a time; each dies on the poisoned record, and is started again.
        others.push(...(await insertSome(s, 2, 600 + others.length)));
        const w = s.start(['worker', '--domain', 'collections'], { MIKROSYNC_FAULT: `record:${poison}` });
        const exit = await Promise.race([w.exited, new Promise<undefined>((r) => setTimeout(() => r(undefined), 15_000))]);
        if (exit?.signal === 'SIGKILL') crashes++;
        else await w.stop('SIGKILL');
        return undefined;
      },
      120_000,
      0,
    );
    expect(crashes).toBe(3);
    expect(dead.reason).toContain(`tahsilatlar ${poison}: this job stopped the worker process 3 times in a row`);
    expect(dead.reason).toContain('Fix:');
    // The rest is posted by a healthy worker; nothing else is dead-lettered.
    const healthy = s.start(['worker', '--domain', 'collections']);
    await waitFor('others posted', async () => (await posted(s.t)) === others.length || undefined, 30_000).catch(async (err: Error) => {
      const outbox = (await s.t.web.query('SELECT status, count(*)::int AS n FROM sync_outbox GROUP BY 1')).rows;
      const counts = await s.queues.get('collections').getJobCounts();
      throw new Error(`${err.message}: ${await posted(s.t)} of ${others.length}; outbox ${JSON.stringify(outbox)}; queue ${JSON.stringify(counts)}\n${healthy.output().slice(-3000)}`);
    });
    expect((await s.dlq.list()).map((d) => d.record?.id)).toEqual([poison]);
    expect((await s.t.erpSql.query('SELECT count(*)::int AS n FROM "MIKROSYNC_LEDGER" WHERE ldg_web_id = $1', [poison])).rows[0].n).toBe(0);
  }, 300_000);

  it('one dead letter per record, gone when the record is fixed on the web and posted; the flow turns green', async () => {
    const s = await setup({});
    await fleetUp(s, s.start(['start']));
    const id = await insertCollection(s.t.web, { cari_hesap_id: s.ids.serhan, tahsilat_tipi: 'nakit', kasa_id: s.ids.kasa001, tutar: 0 });
    const first = await waitFor('dead letter', async () => (await s.dlq.list()).find((e) => e.record?.id === id), 20_000);
    expect((await apiStatus(s.base)).flows.find((f) => f.flow === 'collections')!.health).toBe('red');
    // Edited but still wrong: a newer dead letter replaces the first one.
    await s.t.web.query(`UPDATE tahsilatlar SET aciklama = 'still zero' WHERE id = $1`, [id]);
    await waitFor('newer dead letter', async () => {
      const mine = (await s.dlq.list()).filter((e) => e.record?.id === id);
      return mine.length === 1 && mine[0]!.failedAt !== first.failedAt ? mine : undefined;
    }, 20_000);
    // Fixed on the web: posted, its dead letter gone, the flow green.
    await s.t.web.query('UPDATE tahsilatlar SET tutar = 25 WHERE id = $1', [id]);
    await waitFor('posted', async () => (await posted(s.t)) === 1 || undefined, 20_000);
    await waitFor('dead letter gone', async () => (await s.dlq.count()) === 0 || undefined, 10_000);
    await waitFor('flow green', async () => (await apiStatus(s.base)).flows.find((f) => f.flow === 'collections')!.health === 'green' || undefined, 10_000);
  });
});
