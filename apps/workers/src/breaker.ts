/**
 * A circuit breaker per dependency (the ERP, the web database) in one worker process. N connection
 * failures in a row open it: the domains that need the dependency stop taking jobs (their
 * workers pause locally) instead of spending attempts, the outage is written to Redis for the
 * status page, and a probe (SELECT 1) asks the dependency every BREAKER_PROBE_MS. When it answers,
 * the workers resume and the jobs delayed because of the outage are promoted, so the backlog runs
 * at once rather than after its backoff.
 */
import type { Worker } from 'bullmq';
import { errorMessage, type Domain } from '@mikrosync/core';
import { clearOutage, DOMAIN_DEPENDENCIES, markOutage, type Dependency } from '@mikrosync/connectors/queue';
import type { WorkerContext } from './context.js';

export const DEPENDENCY_NAMES: Record<Dependency, string> = { erp: 'the ERP database', web: 'the web database' };

/** Job data fields of the transient-retry bookkeeping (stripped when a job is dead-lettered). */
export interface TransientMarks {
  /** Epoch ms of the job's first transient failure in a row: the TRANSIENT_RETRY_FOR budget starts here. */
  transientSince?: number;
  transientFailures?: number;
  /** The dependency that was down when the job was delayed: promoted as soon as it answers. */
  waitingFor?: Dependency | null;
}

async function within<T>(ms: number, p: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([p, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

interface DomainWorker {
  domain: Domain;
  worker: Worker;
}

class Breaker {
  failures = 0;
  openSince: number | undefined;
  lastReason = '';
  private timer: NodeJS.Timeout | undefined;

  constructor(
    readonly dep: Dependency,
    private readonly owner: Liveness,
  ) {}

  get open(): boolean {
    return this.openSince !== undefined;
  }

  async failure(err: unknown): Promise<void> {
    this.lastReason = errorMessage(err);
    this.failures++;
    if (!this.open && this.failures >= this.owner.ctx.config.worker.breakerFailures) await this.trip();
  }

  success(): void {
    if (!this.open) this.failures = 0;
  }

  private async trip(): Promise<void> {
    const { ctx } = this.owner;
    this.openSince = Date.now();
    ctx.log.warn({ dependency: this.dep, failures: this.failures, reason: this.lastReason }, `waiting for ${DEPENDENCY_NAMES[this.dep]}: its domains stop taking jobs until it answers`);
    await this.owner.pauseFor(this.dep);
    await this.publish();
    this.schedule();
  }

  private async publish(): Promise<void> {
    const { ctx } = this.owner;
    const ttl = Math.max(30_000, ctx.config.worker.breakerProbeMs * 5);
    await markOutage(ctx.redis, ctx.config.redis.prefix, this.dep, this.openSince ?? Date.now(), this.lastReason, ttl).catch(() => undefined);
  }

  private schedule(): void {
    if (this.owner.stopped) return;
    this.timer = setTimeout(() => void this.probe(), this.owner.ctx.config.worker.breakerProbeMs);
  }

  private async probe(): Promise<void> {
    const { ctx } = this.owner;
    try {
      await within(Math.max(2000, ctx.config.worker.breakerProbeMs), this.owner.ping(this.dep));
    } catch (err) {
      this.lastReason = errorMessage(err);
      await this.publish();
      this.schedule();
      return;
    }
    const since = this.openSince ?? Date.now();
    this.openSince = undefined;
    this.failures = 0;
    await clearOutage(ctx.redis, ctx.config.redis.prefix, this.dep).catch(() => undefined);
    const promoted = await this.owner.resumeAfter(this.dep);
    ctx.log.info({ dependency: this.dep, outageMs: Date.now() - since, promoted }, `${DEPENDENCY_NAMES[this.dep]} answers again: work resumes`);
    // Jobs that were failing while the probe succeeded are delayed just after the first pass.
    this.timer = setTimeout(() => void this.owner.resumeAfter(this.dep), Math.max(1000, ctx.config.worker.breakerProbeMs));
  }

  stop(): void {
    clearTimeout(this.timer);
  }
}

/** The breakers of one worker process and the workers they pause. */
export class Liveness {
  private readonly breakers = new Map<Dependency, Breaker>();
  private readonly workers: DomainWorker[] = [];
  stopped = false;

  constructor(readonly ctx: WorkerContext) {
    for (const dep of ['erp', 'web'] as const) this.breakers.set(dep, new Breaker(dep, this));
  }

  register(domain: Domain, worker: Worker): void {
    this.workers.push({ domain, worker });
  }

  ping(dep: Dependency): Promise<unknown> {
    return dep === 'erp' ? this.ctx.erp.ping() : this.ctx.web.query('SELECT 1');
  }

  isOpen(dep: Dependency): boolean {
    return this.breakers.get(dep)?.open ?? false;
  }

  /**
   * After a connection-level failure of a job of `domain`: which of its dependencies is down.
   * The error alone does not say which pool it came from, so the dependencies are asked; an open
   * breaker already knows. Empty when every dependency answers (a blip that has passed).
   */
  async attribute(domain: Domain, err: unknown): Promise<Dependency[]> {
    const deps = DOMAIN_DEPENDENCIES[domain];
    const down = await Promise.all(
      deps.map(async (dep) => {
        if (this.isOpen(dep)) return dep;
        try {
          await within(2000, this.ping(dep));
          return undefined;
        } catch {
          return dep;
        }
      }),
    );
    const found = down.filter((d): d is Dependency => d !== undefined);
    for (const dep of found) await this.breakers.get(dep)!.failure(err);
    return found;
  }

  /** A job of `domain` completed: its dependencies answer. */
  success(domain: Domain): void {
    for (const dep of DOMAIN_DEPENDENCIES[domain]) this.breakers.get(dep)?.success();
  }

  async pauseFor(dep: Dependency): Promise<void> {
    await Promise.all(this.workers.filter((w) => DOMAIN_DEPENDENCIES[w.domain].includes(dep)).map((w) => w.worker.pause(true)));
  }

  /** Resumes the workers whose dependencies all answer and promotes the jobs delayed for `dep`. */
  async resumeAfter(dep: Dependency): Promise<number> {
    let promoted = 0;
    for (const w of this.workers) {
      if (!DOMAIN_DEPENDENCIES[w.domain].includes(dep)) continue;
      if (DOMAIN_DEPENDENCIES[w.domain].some((d) => this.isOpen(d))) continue;
      if (!this.stopped) w.worker.resume();
      promoted += await this.promoteDelayed(w.worker.name, dep);
    }
    return promoted;
  }

  private async promoteDelayed(queueName: string, dep: Dependency): Promise<number> {
    const queue = this.ctx.queues.get(queueName);
    let promoted = 0;
    try {
      const delayed = await queue.getDelayed(0, -1);
      for (const job of delayed) {
        if ((job.data as TransientMarks).waitingFor !== dep) continue;
        // Another process may have promoted it already.
        if (await job.promote().then(() => true, () => false)) promoted++;
      }
    } catch (err) {
      this.ctx.log.warn({ err, queue: queueName }, 'delayed jobs could not be promoted; they run after their backoff');
    }
    return promoted;
  }

  stop(): void {
    this.stopped = true;
    for (const b of this.breakers.values()) b.stop();
  }
}
