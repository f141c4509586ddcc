/**
 * The worker fleet of one process: a BullMQ worker per queue of the chosen domains, graceful
 * shutdown within a bounded time, and recovery of jobs left behind by a crashed process
 * (BullMQ's stalled-job check).
 */
import { Worker, type Job } from 'bullmq';
import { HOUSEKEEPING_QUEUE, queueForDomain, type Domain } from '@mikrosync/core';
import { runTaskJob } from './tasks.js';
import { purgeOutbox } from '@mikrosync/connectors';
import type { WorkerContext } from './context.js';
import { deadLetter, runRecordJob } from './run-job.js';
import { startHeartbeat } from './heartbeat.js';

export interface RunningWorkers {
  queues: string[];
  close(): Promise<void>;
}

async function housekeeping(ctx: WorkerContext, job: Job): Promise<string> {
  if (job.name === 'purge-outbox') {
    const n = await purgeOutbox(ctx.web, ctx.config.outbox.retentionDays);
    ctx.log.info({ deleted: n, retentionDays: ctx.config.outbox.retentionDays }, 'old outbox events purged');
    return `deleted ${n}`;
  }
  return 'unknown housekeeping job: ignored';
}

export function startWorkers(ctx: WorkerContext, domains: readonly Domain[], opts: { housekeeping?: boolean } = {}): RunningWorkers {
  const { config, log } = ctx;
  const workers: Worker[] = [];
  // Long tasks watch this to stop between batches when the process is asked to shut down.
  const stopping = new AbortController();
  const common = {
    connection: ctx.redis,
    prefix: config.redis.prefix,
    concurrency: config.worker.concurrency,
    lockDuration: config.worker.lockDurationMs,
    stalledInterval: config.worker.stalledIntervalMs,
    maxStalledCount: config.worker.maxStalled,
    autorun: true,
  };
  for (const domain of domains) {
    const name = queueForDomain(domain);
    const worker = new Worker(
      name,
      (job, token) => ((job.data as { kind?: string }).kind === 'task' ? runTaskJob(ctx, domain, job, stopping.signal) : runRecordJob(ctx, job, token)),
      common,
    );
    worker.on('failed', (job, err) => {
      // A job that stalled too often never reached our catch block: dead-letter it here.
      if (job && /stalled more than allowable limit/i.test(err.message)) void deadLetter(ctx, job, err, false).catch(() => undefined);
    });
    worker.on('error', (err) => log.warn({ err, queue: name }, 'worker connection error'));
    workers.push(worker);
  }
  if (opts.housekeeping !== false) {
    const hk = new Worker(HOUSEKEEPING_QUEUE, (job) => housekeeping(ctx, job), { ...common, concurrency: 1 });
    hk.on('error', (err) => log.warn({ err }, 'housekeeping worker error'));
    workers.push(hk);
  }
  log.info({ queues: workers.map((w) => w.name), concurrency: config.worker.concurrency }, 'workers started');
  const heartbeat = startHeartbeat(ctx, domains, () => workers.every((w) => w.isRunning()));
  return {
    queues: workers.map((w) => w.name),
    async close() {
      stopping.abort();
      await heartbeat.stop();
      const graceful = Promise.all(workers.map((w) => w.close()));
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<'timeout'>((resolve) => {
        timer = setTimeout(() => resolve('timeout'), config.worker.shutdownTimeoutMs);
      });
      const outcome = await Promise.race([graceful.then(() => 'done' as const), timeout]);
      clearTimeout(timer);
      if (outcome === 'timeout') {
        log.warn({ timeoutMs: config.worker.shutdownTimeoutMs }, 'active jobs did not finish in time; forcing shutdown (they will be recovered as stalled)');
        await Promise.all(workers.map((w) => w.close(true)));
      }
    },
  };
}
