/**
 * `mikrosync run <domain> [task]`: run a domain's task now (the original's `npm run sync`,
 * `sync-entegra`, `stock-xml`). With --wait: a progress bar per step and a summary table.
 */
import { QueueEvents } from 'bullmq';
import { MultiBar, Presets, type SingleBar } from 'cli-progress';
import { DOMAIN_MANIFESTS, DOMAINS, manifestOf, queueForDomain, type Domain, type TaskProgress, type TaskResult } from '@mikrosync/core';
import { connectRedisForCommand, QueueRegistry } from '@mikrosync/connectors/queue';
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

/** Seconds a --wait run gives a worker to show up before it says that none is consuming the queue. */
const NO_WORKER_GRACE_MS = 5000;

/** A progress report of a task job (the worker reports TaskProgress objects; BullMQ types it loosely). */
function isTaskProgress(data: unknown): data is TaskProgress {
  return typeof data === 'object' && data !== null && 'step' in data && typeof data.step === 'string' && 'done' in data && typeof data.done === 'number';
}

/** Why `run <domain> <task>` cannot work, checked here instead of producing a dead letter and an alert. */
export function unknownTaskReason(domain: string, task: string): string | undefined {
  const withTasks = DOMAIN_MANIFESTS.filter((m) => m.tasks.length > 0);
  const listing = withTasks.map((m) => `${m.name} (${m.tasks.map((t) => t.name).join(', ')})`).join('; ');
  if (!(DOMAINS as readonly string[]).includes(domain)) return `unknown domain "${domain}". Domains and their tasks: ${listing}`;
  const tasks = manifestOf(domain as Domain).tasks.map((t) => t.name);
  if (tasks.length === 0) return `domain ${domain} has no tasks to run: its jobs come from the web app's changes (outbox). Domains and their tasks: ${listing}`;
  if (!tasks.includes(task)) return `domain ${domain} has no task "${task}"; its tasks: ${tasks.join(', ')} (e.g. mikrosync run ${domain} ${tasks[0]} --wait)`;
  return undefined;
}

type RunOptions = { wait?: boolean; arg?: string[]; timeout?: string; full?: boolean; keepWaiting?: boolean };

export async function runTask(domain: string, task: string, opts: RunOptions): Promise<void> {
  const { config } = boot('mikrosync-run');
  const refused = unknownTaskReason(domain, task);
  if (refused) {
    process.stderr.write(`mikrosync: ${refused}\n`);
    process.exitCode = 2;
    return;
  }
  const redis = await connectRedisForCommand(config.redis);
  const queues = new QueueRegistry(redis, { prefix: config.redis.prefix, attempts: config.worker.attempts, backoffMs: config.worker.backoffMs });
  // QueueEvents does not close a connection it was given: kept here so the process can exit.
  const eventsRedis = opts.wait ? await connectRedisForCommand(config.redis, { blocking: true }).catch((err: unknown) => (redis.disconnect(), Promise.reject(err))) : undefined;
  const queueName = queueForDomain(domain as Domain);
  const events = eventsRedis ? new QueueEvents(queueName, { connection: eventsRedis, prefix: config.redis.prefix }) : undefined;
  const timeoutSeconds = Number(opts.timeout ?? 3600);
  let timer: NodeJS.Timeout | undefined;
  try {
    if (events) await events.waitUntilReady();
    const args = { ...parseArgs(opts.arg ?? []), ...(opts.full ? { full: true } : {}) };
    const jobId = await enqueueTask(queues, domain as Domain, task, args, `cli:${process.env.USER ?? 'operator'}`);
    process.stdout.write(`queued ${domain}/${task} as job ${jobId}\n`);
    if (!events) return;
    const bars = new MultiBar({ format: '{step} |{bar}| {value}/{total}', hideCursor: true, clearOnComplete: false }, Presets.shades_classic);
    const byStep = new Map<string, SingleBar>();
    // Listeners first: a quick job may finish while the worker check below is still waiting.
    const result = new Promise<TaskResult>((resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`still running after ${timeoutSeconds} s (is a ${domain} worker running?)`)), timeoutSeconds * 1000);
      events.on('progress', ({ jobId: id, data }) => {
        if (id !== jobId || !isTaskProgress(data)) return;
        const p = data;
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
        resolve((typeof returnvalue === 'string' ? JSON.parse(returnvalue) : returnvalue) as TaskResult);
      });
      events.on('failed', ({ jobId: id, failedReason }) => {
        if (id !== jobId) return;
        reject(new Error(failedReason));
      });
    });
    const settled = new AbortController();
    const unattended = await Promise.race([result.then(() => false, () => false), noWorkerAfterGrace(queues, queueName, jobId, settled.signal)]);
    settled.abort();
    if (unattended) {
      const start = `mikrosync worker --domain ${domain}`;
      if (!opts.keepWaiting) {
        bars.stop();
        result.catch(() => undefined);
        process.stderr.write(
          `mikrosync: no worker is consuming ${queueName}: job ${jobId} stays queued and runs when one starts (${start}). --keep-waiting waits for it.\n`,
        );
        process.exitCode = 1;
        return;
      }
      process.stderr.write(`no worker is consuming ${queueName} yet (${start}); waiting up to ${timeoutSeconds} s\n`);
    }
    const done = await result;
    bars.stop();
    process.stdout.write(`${done.summary}\n`);
    if (done.rows && Object.keys(done.rows).length) console.table(Object.entries(done.rows).map(([step, rows]) => ({ step, rows })));
  } catch (err) {
    process.stderr.write(`mikrosync: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  } finally {
    clearTimeout(timer);
    await events?.close();
    await queues.close();
    redis.disconnect();
    eventsRedis?.disconnect();
  }
}

/** True when, after the grace period, the job still waits and no worker of its queue is connected. */
async function noWorkerAfterGrace(queues: QueueRegistry, queueName: string, jobId: string, settled: AbortSignal): Promise<boolean> {
  const queue = queues.get(queueName);
  const deadline = Date.now() + NO_WORKER_GRACE_MS;
  try {
    while (!settled.aborted) {
      if ((await queue.getWorkers()).length > 0) return false;
      const state = await queue.getJobState(jobId);
      if (state !== 'waiting' && state !== 'prioritized' && state !== 'delayed') return false;
      if (Date.now() >= deadline) return true;
      await new Promise((r) => setTimeout(r, 500));
    }
  } catch {
    // The wait for the result reports Redis problems; this check only adds a hint.
  }
  return false;
}
