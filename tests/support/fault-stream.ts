/**
 * The load of a fault run: a stream of collections and open-account sales written as the web app
 * writes them, and what came of it in the ERP, the web mappings and the dead-letter queue.
 */
import { createRedis, DeadLetterQueue, QueueRegistry } from '@mikrosync/connectors';
import { insertSale, seedStocks } from './invoice-seed.js';
import { insertCollection, seedErpMasterData, seedWebMasterData, type SeededIds } from './seed.js';
import type { TestEnv } from './test-env.js';

export interface StreamSeed {
  ids: SeededIds;
  stock: Record<string, string>;
}

/** Web records written so far, by kind. */
export interface Written {
  collections: string[];
  sales: string[];
}

export async function seedStream(t: Pick<TestEnv, 'web' | 'erp'>): Promise<StreamSeed> {
  await seedErpMasterData(t.erp);
  const ids = await seedWebMasterData(t.web);
  return { ids, stock: await seedStocks(t.web, t.erp) };
}

const codes = ['H', 'K1', 'K2', 'K3', 'K4'];

async function writeOne(t: Pick<TestEnv, 'web'>, seed: StreamSeed, kind: 'collection' | 'sale', i: number, written: Written): Promise<void> {
  if (kind === 'collection') {
    written.collections.push(await insertCollection(t.web, { cari_hesap_id: seed.ids.serhan, tahsilat_tipi: 'nakit', kasa_id: seed.ids.kasa001, tutar: 1 + (i % 97) }));
    return;
  }
  const lines = Array.from({ length: 1 + (i % 3) }, (_, k) => ({ stok_id: seed.stock[codes[(i + k) % codes.length]!]!, miktar: 1 + k, birim_fiyat: 10 + (i % 7) }));
  written.sales.push(await insertSale(t.web, { cari_hesap_id: seed.ids.serhan, odeme_sekli: 'acik_hesap', fatura_seri_no: ['', 'A'][i % 2]!, toplam_tutar: 1 }, lines));
}

export interface Stream {
  written: Written;
  /** Resolves when every record is written (or the stream was stopped). */
  done: Promise<void>;
  stop(): Promise<void>;
}

/**
 * Writes `collections` collections and `sales` sales interleaved, evenly over `spreadMs`, a few at
 * a time. A write that fails (the web database is down) is retried until it commits.
 */
export function startStream(t: Pick<TestEnv, 'web'>, seed: StreamSeed, load: { collections: number; sales: number; spreadMs: number }): Stream {
  const written: Written = { collections: [], sales: [] };
  const total = load.collections + load.sales;
  const kinds = Array.from({ length: total }, (_, i) => (Math.floor((i * load.sales) / total) < Math.floor(((i + 1) * load.sales) / total) ? 'sale' : 'collection') as 'collection' | 'sale');
  let stopped = false;
  const started = Date.now();
  const done = (async () => {
    for (let i = 0; i < total && !stopped; i += 4) {
      const due = started + (i * load.spreadMs) / total;
      if (due > Date.now()) await new Promise((r) => setTimeout(r, due - Date.now()));
      await Promise.all(
        kinds.slice(i, i + 4).map(async (kind, k) => {
          for (;;) {
            try {
              return await writeOne(t, seed, kind, i + k, written);
            } catch (err) {
              if (stopped) return;
              if (!/connect|terminat|shut|ECONNRE/i.test(String(err))) throw err;
              await new Promise((r) => setTimeout(r, 200));
            }
          }
        }),
      );
    }
  })();
  return {
    written,
    done,
    async stop() {
      stopped = true;
      await done.catch(() => undefined);
    },
  };
}

export interface FaultOutcome {
  records: number;
  /** Records with their document in the ERP (a ledger row). */
  posted: number;
  /** ERP documents beyond one per record, plus document numbers used twice. */
  duplicates: number;
  lost: number;
  /** Records with their web mapping written. */
  mapped: number;
  deadLetters: number;
  deadLetterReasons: string[];
  openOutbox: number;
}

/** Reads what the fleet made of the written records (every record here is valid). */
export async function measureOutcome(t: Pick<TestEnv, 'web' | 'erpSql'>, written: Written, dlq: DeadLetterQueue): Promise<FaultOutcome> {
  const all = [...written.collections, ...written.sales];
  const ledger = await t.erpSql.query<{ n: number }>('SELECT count(DISTINCT ldg_web_id)::int AS n FROM "MIKROSYNC_LEDGER" WHERE ldg_web_id = ANY($1::text[])', [all]);
  // One CARI_HESAP_HAREKETLERI row per collection (type 1) and per sales invoice (type 63).
  const docs = await t.erpSql.query<{ n: number; numbers: number }>(
    `SELECT count(*)::int AS n, count(DISTINCT ("cha_evrak_tip", "cha_evrakno_seri", "cha_evrakno_sira"))::int AS numbers
       FROM "CARI_HESAP_HAREKETLERI" WHERE "cha_evrak_tip" IN (1, 63)`,
  );
  const maps = await t.web.query<{ n: number }>(
    `SELECT (SELECT count(*) FROM int_tahsilat_mapping WHERE web_tahsilat_id = ANY($1::uuid[]))::int
          + (SELECT count(*) FROM int_satis_mapping WHERE web_satis_id = ANY($2::uuid[]))::int AS n`,
    [written.collections, written.sales],
  );
  const open = await t.web.query<{ n: number }>(`SELECT count(*)::int AS n FROM sync_outbox WHERE status <> 'done' AND record_id = ANY($1::text[])`, [all]);
  const dead = await dlq.list(0, 999);
  const posted = ledger.rows[0]!.n;
  const d = docs.rows[0]!;
  return {
    records: all.length,
    posted,
    duplicates: Math.max(0, d.n - posted) + (d.n - d.numbers),
    lost: all.length - posted,
    mapped: maps.rows[0]!.n,
    deadLetters: dead.length,
    deadLetterReasons: dead.slice(0, 5).map((e) => `${e.record?.table ?? e.queue} ${e.record?.id ?? e.id}: ${e.reason}`),
    openOutbox: open.rows[0]!.n,
  };
}

/** A queue registry and dead-letter queue of the test's Redis prefix, to look at. */
export function openDeadLetters(t: Pick<TestEnv, 'env' | 'config'>): { dlq: DeadLetterQueue; close(): Promise<void> } {
  const queues = new QueueRegistry(createRedis(t.config.redis), { prefix: t.config.redis.prefix, attempts: 3, backoffMs: 100 });
  return {
    dlq: new DeadLetterQueue(queues),
    async close() {
      await queues.close();
      queues.connection.disconnect();
    },
  };
}

/**
 * Waits until every written record is in the ERP and mapped on the web, for at most `timeoutMs`.
 * `drainedAt` is the moment that was first seen, null when it was not; `outcome` is the last look.
 */
export async function waitPosted(
  t: Pick<TestEnv, 'web' | 'erpSql'>,
  written: Written,
  dlq: DeadLetterQueue,
  timeoutMs: number,
): Promise<{ drainedAt: number | null; outcome: FaultOutcome }> {
  const deadline = Date.now() + timeoutMs;
  let last: FaultOutcome | undefined;
  for (;;) {
    try {
      last = await measureOutcome(t, written, dlq);
      if (last.posted === last.records && last.mapped === last.records) return { drainedAt: Date.now(), outcome: last };
    } catch {
      // a database of the test may still be coming back
    }
    if (Date.now() > deadline) return { drainedAt: null, outcome: last ?? (await measureOutcome(t, written, dlq)) };
    await new Promise((r) => setTimeout(r, 100));
  }
}
