/** Long-running commands: start (everything), producer, worker; and a one-off sweep. */
import { DOMAINS, type Domain } from '@mikrosync/core';
import { createWorkerContext, implementedDomains, startWorkers } from '@mikrosync/workers';
import { outboxCounts } from '@mikrosync/connectors/web';
import { connectRedisForCommand } from '@mikrosync/connectors/queue';
import { SingleBar, Presets } from 'cli-progress';
import { boot } from '../runtime-config.js';
import { onShutdown } from '../shutdown.js';

/** The producer (HTTP server, Bull Board, schedules) is loaded only by the commands that run it. */
async function startProducer(...args: Parameters<typeof import('../producer.js').startProducer>) {
  const { startProducer: start } = await import('../producer.js');
  return start(...args);
}

export function parseDomains(value: string | undefined): Domain[] {
  const raw = (value ?? process.env.WORKER_DOMAIN ?? 'all').split(',').map((d) => d.trim()).filter(Boolean);
  if (raw.includes('all')) return implementedDomains();
  for (const d of raw) {
    if (!(DOMAINS as readonly string[]).includes(d)) {
      process.stderr.write(`mikrosync: unknown domain "${d}"; expected one of ${DOMAINS.join(', ')} or all\n`);
      process.exit(2);
    }
  }
  return raw as Domain[];
}

export async function runStart(): Promise<void> {
  const { config, log } = boot('mikrosync', 'service');
  const producer = await startProducer(config, log);
  const ctx = createWorkerContext(config, log);
  const workers = startWorkers(ctx, implementedDomains());
  onShutdown(log, async () => {
    await producer.close();
    await workers.close();
    await ctx.close();
  });
}

export async function runProducer(): Promise<void> {
  const { config, log } = boot('mikrosync-producer', 'service');
  const producer = await startProducer(config, log);
  onShutdown(log, () => producer.close());
}

export async function runWorker(domainOption: string | undefined): Promise<void> {
  const { config, log } = boot('mikrosync-worker', 'service');
  const domains = parseDomains(domainOption);
  const notYet = domains.filter((d) => !implementedDomains().includes(d));
  if (notYet.length) log.warn({ domains: notYet }, 'these domains have no processors yet; their queues are consumed but jobs will fail');
  const ctx = createWorkerContext(config, log);
  const workers = startWorkers(ctx, domains);
  onShutdown(log, async () => {
    await workers.close();
    await ctx.close();
  });
}

/** Sweeps the outbox now; with --wait, shows progress until nothing is pending or enqueued. */
export async function runSweep(opts: { wait?: boolean; timeout?: string }): Promise<void> {
  const { config, log } = boot('mikrosync-sweep');
  // With Redis down the relay would retry forever: one clear line instead.
  (await connectRedisForCommand(config.redis)).disconnect();
  const producer = await startProducer(config, log, { oneOff: true });
  try {
    const n = await producer.relay.sweepNow();
    process.stdout.write(`enqueued ${n} outbox event(s)\n`);
    if (!opts.wait) return;
    const deadline = Date.now() + Number(opts.timeout ?? 300) * 1000;
    const open = async () => {
      const c = await outboxCounts(producer.web);
      return c.pending + c.enqueued;
    };
    const total = Math.max(await open(), 1);
    const bar = new SingleBar({ format: 'web -> ERP |{bar}| {value}/{total} settled', hideCursor: true }, Presets.shades_classic);
    bar.start(total, 0);
    for (let left = await open(); left > 0; left = await open()) {
      if (Date.now() > deadline) {
        bar.stop();
        process.stderr.write(`timed out with ${left} event(s) still open: are workers running? (npm run sync-queue-worker)\n`);
        process.exitCode = 1;
        return;
      }
      bar.update(Math.max(total - left, 0));
      await new Promise((r) => setTimeout(r, 500));
    }
    bar.update(total);
    bar.stop();
    const c = await outboxCounts(producer.web);
    process.stdout.write(`done: ${c.done} done, ${c.failed} failed (see: mikrosync dlq list)\n`);
  } finally {
    await producer.close();
  }
}
