/**
 * `mikrosync run <domain> [task]`: run a domain's task now (the original's `npm run sync`,
 * `sync-entegra`, `stock-xml`). With --wait: a progress bar per step and a summary table.
 */
import { QueueEvents } from 'bullmq';
import { MultiBar, Presets, type SingleBar } from 'cli-progress';
import { DOMAINS, queueForDomain, type Domain, type TaskProgress, type TaskResult } from '@mikrosync/core';
import { createRedis, QueueRegistry } from '@mikrosync/connectors';
import { boot } from '../runtime-config.js';
import { enqueueTask } from '../run-task.js';

export function parseArgs(pairs: string[]): Record<string, unknown> {
  const args: Record<string, unknown> = {};
  for (const p of pairs) {
    const [k, ...v] = p.split('=');
    if (!k) continue;
    args[k] = v.length ? v.join('=') : true;
  }
  return args;
}

export async function runTask(domain: string, task: string, opts: { wait?: boolean; arg?: string[]; timeout?: string; full?: boolean }): Promise<void> {
  const { config } = boot('mikrosync-run');
  if (!(DOMAINS as readonly string[]).includes(domain)) {
    process.stderr.write(`mikrosync: unknown domain "${domain}"; expected one of ${DOMAINS.join(', ')}\n`);
    process.exitCode = 2;
    return;
  }
  const redis = createRedis(config.redis, { maxRetriesPerRequest: 1 });
  const queues = new QueueRegistry(redis, { prefix: config.redis.prefix, attempts: config.worker.attempts, backoffMs: config.worker.backoffMs });
  // QueueEvents does not close a connection it was given: kept here so the process can exit.
  const eventsRedis = opts.wait ? createRedis(config.redis) : undefined;
  const events = eventsRedis ? new QueueEvents(queueForDomain(domain as Domain), { connection: eventsRedis, prefix: config.redis.prefix }) : undefined;
  try {
    if (events) await events.waitUntilReady();
    const args = { ...parseArgs(opts.arg ?? []), ...(opts.full ? { full: true } : {}) };
    const jobId = await enqueueTask(queues, domain as Domain, task, args, `cli:${process.env.USER ?? 'operator'}`);
    process.stdout.write(`queued ${domain}/${task} as job ${jobId}\n`);
    if (!events) return;
    const bars = new MultiBar({ format: '{step} |{bar}| {value}/{total}', hideCursor: true, clearOnComplete: false }, Presets.shades_classic);
    const byStep = new Map<string, SingleBar>();
    const result = await new Promise<TaskResult>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`still running after ${opts.timeout ?? 3600} s (is a ${domain} worker running?)`)), Number(opts.timeout ?? 3600) * 1000);
      events.on('progress', ({ jobId: id, data }) => {
        if (id !== jobId || typeof data !== 'object' || data === null) return;
        const p = data as unknown as TaskProgress;
        let bar = byStep.get(p.step);
        if (!bar) {
          bar = bars.create(p.total ?? p.done, p.done, { step: p.step.padEnd(28) });
          byStep.set(p.step, bar);
        }
        if (p.total !== undefined) bar.setTotal(p.total);
        bar.update(p.done, { step: p.step.padEnd(28) });
      });
      events.on('completed', ({ jobId: id, returnvalue }) => {
        if (id !== jobId) return;
        clearTimeout(timer);
        resolve((typeof returnvalue === 'string' ? JSON.parse(returnvalue) : returnvalue) as TaskResult);
      });
      events.on('failed', ({ jobId: id, failedReason }) => {
        if (id !== jobId) return;
        clearTimeout(timer);
        reject(new Error(failedReason));
      });
    });
    bars.stop();
    process.stdout.write(`${result.summary}\n`);
    if (result.rows && Object.keys(result.rows).length) console.table(Object.entries(result.rows).map(([step, rows]) => ({ step, rows })));
  } catch (err) {
    process.stderr.write(`mikrosync: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  } finally {
    await events?.close();
    await queues.close();
    redis.disconnect();
    eventsRedis?.disconnect();
  }
}
