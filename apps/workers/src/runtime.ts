/**
 * The worker fleet of one process: a BullMQ worker per queue of the chosen domains, graceful
 * shutdown within a bounded time, recovery of jobs left behind by a crashed process (BullMQ's
 * stalled-job check, with our own crash-loop rule in stalls.ts), and the circuit breakers that
 * pause a domain while the ERP or the web database is down (breaker.ts).
 */
import { UnrecoverableError, Worker, type Job } from 'bullmq';
import { HOUSEKEEPING_QUEUE, queueForDomain, type Domain } from '@mikrosync/core';
import { purgeOutbox } from '@mikrosync/connectors/web';
import type { WorkerContext } from './context.js';
import { deadLetter } from './jobs/dead-letter.js';
import { runRecordJob } from './jobs/record-job.js';
import { runTaskJob } from './jobs/task-job.js';
import { startHeartbeat } from './heartbeat.js';
import { Liveness } from './breaker.js';
import { clearStalls, crashLoopOf, markRunning, noteStall, stallsOf, SuspectGate } from './stalls.js';

/**
 * BullMQ's own limit on stalls, set out of reach: a stalled job is always put back, and stalls.ts
 * decides when a job is a crash loop (BullMQ would count stalls caused by other jobs too).
 */
const BULLMQ_MAX_STALLED = 1_000_000;

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
    maxStalledCount: BULLMQ_MAX_STALLED,
    autorun: true,
  };
  const liveness = new Liveness(ctx);
  // Per queue: a suspect waits only for the jobs of its own queue.
  const gates = new Map<string, SuspectGate>();
  const run = async (domain: Domain, job: Job, token: string | undefined) => {
    const gate = gates.get(job.queueName) ?? gates.set(job.queueName, new SuspectGate()).get(job.queueName)!;
    // A run of this job in a process that died is counted before the job is judged.
    await noteStall(ctx, job.queueName, String(job.id)).catch(() => false);
    const stalls = await stallsOf(ctx, job);
    const loop = await crashLoopOf(ctx, job, stalls);
    if (loop) {
      await deadLetter(ctx, job, new Error(loop.reason), false);
      await clearStalls(ctx, job.queueName, String(job.id));
      throw new UnrecoverableError(loop.reason);
    }
    return gate.run(stalls.stalls > 0, async () => {
      await markRunning(ctx, job.queueName, String(job.id));
      try {
        return (job.data as { kind?: string }).kind === 'task'
          ? await runTaskJob(ctx, domain, job, stopping.signal, { token, liveness })
          : await runRecordJob(ctx, job, token, liveness);
      } finally {
        await clearStalls(ctx, job.queueName, String(job.id)).catch(() => undefined);
      }
    });
  };
  for (const domain of domains) {
    const name = queueForDomain(domain);
    const worker = new Worker(name, (job, token) => run(domain, job, token), common);
    worker.on('stalled', (jobId) => {
      void noteStall(ctx, name, jobId).then(
        (counted) => log.warn({ queue: name, jobId, counted }, counted ? 'job stalled (its worker process stopped while running it); it is retried' : 'job stalled while it waited behind a suspect; it is retried, uncounted'),
        () => undefined,
      );
    });
    liveness.register(domain, worker);
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
      liveness.stop();
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
