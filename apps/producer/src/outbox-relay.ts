/**
 * Outbox -> BullMQ. Woken by NOTIFY, and sweeping the outbox every few seconds and after every
 * reconnect, so an event written while the producer (or Redis) was away is still enqueued.
 * Several producers may run at once: job ids are per record and every step is idempotent.
 */
import type { Logger, Config } from '@mikrosync/core';
import { queueForDomain, recordJobId, sourceFor, type RecordJob } from '@mikrosync/core';
import { findOutboxToEnqueue, loadOutboxRows, markEnqueued, OutboxListener, settleOutbox, type OutboxRow, type WebPool } from '@mikrosync/connectors/web';
import type { QueueRegistry } from '@mikrosync/connectors/queue';

const SWEEP_BATCH = 500;

export class OutboxRelay {
  private readonly listener: OutboxListener;
  private pendingIds = new Set<number>();
  private flushTimer: NodeJS.Timeout | undefined;
  private sweepTimer: NodeJS.Timeout | undefined;
  private sweeping: Promise<number> | undefined;
  private stopped = false;

  constructor(
    private readonly web: WebPool,
    private readonly queues: QueueRegistry,
    private readonly config: Config,
    private readonly log: Logger,
  ) {
    this.listener = new OutboxListener(config.web.url, log, config.web.ssl);
    this.listener.on('notify', (id) => this.onNotify(id));
    this.listener.on('connected', () => void this.sweepNow().catch((err) => log.warn({ err }, 'outbox sweep failed')));
  }

  get listening(): boolean {
    return this.listener.connected;
  }

  async start(): Promise<void> {
    await this.listener.start();
    const tick = () => {
      if (this.stopped) return;
      this.sweepNow()
        .catch((err) => this.log.warn({ err }, 'outbox sweep failed; will retry'))
        .finally(() => {
          if (!this.stopped) this.sweepTimer = setTimeout(tick, this.config.outbox.sweepIntervalMs);
        });
    };
    this.sweepTimer = setTimeout(tick, this.config.outbox.sweepIntervalMs);
  }

  private onNotify(id: number): void {
    this.pendingIds.add(id);
    // Gather the notifications of one commit burst into one read of the outbox.
    this.flushTimer ??= setTimeout(() => {
      this.flushTimer = undefined;
      const ids = [...this.pendingIds];
      this.pendingIds.clear();
      void loadOutboxRows(this.web, ids)
        .then((rows) => this.enqueue(rows.filter((r) => r.status === 'pending')))
        .catch((err) => this.log.warn({ err, ids: ids.length }, 'enqueue after NOTIFY failed; the sweep will pick the events up'));
    }, 10);
  }

  /** One full pass over the outbox; returns how many events were (re)enqueued. */
  sweepNow(): Promise<number> {
    this.sweeping ??= (async () => {
      let total = 0;
      try {
        for (;;) {
          const rows = await findOutboxToEnqueue(this.web, this.config.outbox.recheckAfterMs, SWEEP_BATCH);
          total += await this.enqueue(rows);
          if (rows.length < SWEEP_BATCH) break;
        }
      } finally {
        this.sweeping = undefined;
      }
      return total;
    })();
    return this.sweeping;
  }

  /** Newest event per record becomes (or refreshes) one job with a debounce delay. */
  private async enqueue(rows: OutboxRow[]): Promise<number> {
    if (rows.length === 0) return 0;
    const latest = new Map<string, { row: OutboxRow; ids: number[] }>();
    for (const row of rows) {
      // Lines travel with their header: the key is the job's table, not the line table.
      const key = `${sourceFor(row.table_name)?.jobTable ?? row.table_name}\u0000${row.record_id}`;
      const e = latest.get(key);
      if (e) {
        e.ids.push(row.id);
        if (row.id > e.row.id) e.row = row;
      } else latest.set(key, { row, ids: [row.id] });
    }
    const doneIds: number[] = [];
    const doneJobIds: string[] = [];
    for (const { row, ids } of latest.values()) {
      const source = sourceFor(row.table_name);
      if (!source) {
        await settleOutbox(this.web, row.table_name, row.record_id, row.id, {
          status: 'failed',
          error: `no mikrosync domain handles table ${row.table_name}; remove its capture trigger or upgrade mikrosync`,
          attempts: 0,
        });
        continue;
      }
      const jobTable = source.jobTable ?? row.table_name;
      const jobId = recordJobId(jobTable, row.record_id);
      const queue = this.queues.get(queueForDomain(source.domain));
      // A finished job with this id would swallow the new event: clear it first.
      const state = await queue.getJobState(jobId);
      if (state === 'completed' || state === 'failed') await queue.remove(jobId).catch(() => undefined);
      // A later event of a waiting document (its next line, in a web transaction of its own)
      // restarts the quiet period, so the document is posted once and whole rather than posted and
      // re-posted in place. The job may start meanwhile: then changeDelay fails and the event
      // re-posts it as an edit.
      if (state === 'delayed' && source.debounce === 'document') {
        await (await queue.getJob(jobId))?.changeDelay(this.config.outbox.documentDebounceMs).catch(() => undefined);
      }
      const data: RecordJob = {
        kind: 'record',
        table: jobTable,
        recordId: row.record_id,
        // A line's DELETE is not the document's: the header still decides.
        deleted: row.operation === 'DELETE' && jobTable === row.table_name ? row.payload : null,
        outboxId: row.id,
        capturedAt: new Date(row.created_at).getTime(),
      };
      await queue.add(`${jobTable}:${row.operation.toLowerCase()}`, data, {
        jobId,
        delay: source.debounce === 'document' ? this.config.outbox.documentDebounceMs : this.config.outbox.debounceMs,
      });
      for (const id of ids) {
        doneIds.push(id);
        doneJobIds.push(jobId);
      }
    }
    await markEnqueued(this.web, doneIds, doneJobIds);
    this.log.debug({ events: rows.length, jobs: latest.size }, 'outbox events enqueued');
    return rows.length;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.sweepTimer);
    clearTimeout(this.flushTimer);
    await this.listener.stop();
    await this.sweeping?.catch(() => undefined);
  }
}
