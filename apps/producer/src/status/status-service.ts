/**
 * One snapshot of the fleet for the status page, the alerts and the metrics: per flow its last run,
 * duration, rows, errors, staleness against its schedule, queue depth, workers and dead letters,
 * rated green / amber / red.
 */
import { DEAD_LETTER_QUEUE, queueForDomain, type Config, type Domain } from '@mikrosync/core';
import { lastRuns, oldestOpenEvents, type WebPool } from '@mikrosync/connectors/web';
import {
  DeadLetterQueue,
  readLastOutcomes,
  readOutages,
  type DeadLetterEntry,
  type Dependency,
  type QueueRegistry,
} from '@mikrosync/connectors/queue';
import { domainStatuses } from './flows.js';
import { dependenciesOf, type OutageStatus } from './outages.js';

export type Health = 'green' | 'amber' | 'red';

export interface FlowStatus {
  flow: Domain;
  kind: 'records' | 'task';
  health: Health;
  reasons: string[];
  lastRun: { status: string; startedAt: string | null; finishedAt: string | null; durationMs: number | null; rows: Record<string, number> | null; error: string | null } | null;
  stalenessSeconds: number | null;
  staleAfterSeconds: number;
  schedule: string;
  queue: { waiting: number; active: number; delayed: number; failed: number; paused: boolean; workers: number };
  deadLetters: number;
  /** Set while a dependency of the flow is down: its jobs wait (they are not failures). */
  waitingFor: { dependency: Dependency; since: string } | null;
}

export interface FleetStatus {
  generatedAt: string;
  flows: FlowStatus[];
  deadLetters: DeadLetterEntry[];
  /** Dependencies the workers wait for, with the documents queued meanwhile. */
  outages: OutageStatus[];
}

export class StatusService {
  private readonly dlq: DeadLetterQueue;

  constructor(
    private readonly config: Config,
    private readonly web: WebPool,
    private readonly queues: QueueRegistry,
  ) {
    this.dlq = new DeadLetterQueue(queues);
  }

  /** The outages alone, from Redis only (the web database may be the one that is down). */
  async outages(): Promise<OutageStatus[]> {
    const outages = await readOutages(this.queues.connection, this.config.redis.prefix);
    return Promise.all(
      outages.map(async (o) => {
        const specs = domainStatuses(this.config).filter((f) => dependenciesOf(f.domain).includes(o.dependency));
        const flows = specs.map((f) => f.domain);
        // Documents: the record flows' jobs (task flows hold their next scheduled run as delayed).
        let queued = 0;
        for (const f of specs.filter((x) => x.kind === 'records').map((x) => x.domain)) {
          const c = await this.queues.get(queueForDomain(f)).getJobCounts('waiting', 'delayed', 'active', 'prioritized');
          queued += (c.waiting ?? 0) + (c.delayed ?? 0) + (c.active ?? 0) + (c.prioritized ?? 0);
        }
        return { dependency: o.dependency, since: new Date(o.since).toISOString(), reason: o.reason, flows, queued };
      }),
    );
  }

  async snapshot(): Promise<FleetStatus> {
    // While the web database is down the page still shows the queues and the outage.
    const [runs, openAges, dead, outages] = await Promise.all([
      lastRuns(this.web).catch(() => []),
      oldestOpenEvents(this.web).catch(() => ({}) as Awaited<ReturnType<typeof oldestOpenEvents>>),
      this.dlq.list(0, 499),
      readOutages(this.queues.connection, this.config.redis.prefix),
    ]);
    const now = Date.now();
    const flows = await Promise.all(
      domainStatuses(this.config).map(async (spec): Promise<FlowStatus> => {
        const queue = this.queues.get(queueForDomain(spec.domain));
        const [counts, paused, workers, outcomes] = await Promise.all([
          queue.getJobCounts('waiting', 'active', 'delayed', 'failed', 'prioritized'),
          queue.isPaused(),
          queue.getWorkersCount(),
          readLastOutcomes(this.queues.connection, this.config.redis.prefix, queueForDomain(spec.domain)),
        ]);
        const deadLetters = dead.filter((d) => d.queue === queueForDomain(spec.domain)).length;
        let lastRun: FlowStatus['lastRun'] = null;
        let staleness: number | null = null;
        if (spec.kind === 'task') {
          const mine = runs.filter((r) => r.flow === spec.domain).sort((a, b) => +new Date(b.started_at) - +new Date(a.started_at));
          const last = mine[0];
          if (last) {
            lastRun = {
              status: last.status,
              startedAt: new Date(last.started_at).toISOString(),
              finishedAt: last.finished_at ? new Date(last.finished_at).toISOString() : null,
              durationMs: last.finished_at ? +new Date(last.finished_at) - +new Date(last.started_at) : null,
              rows: last.rows,
              error: last.error,
            };
          }
          const lastOk = mine.filter((r) => r.status === 'succeeded' && r.finished_at).map((r) => +new Date(r.finished_at!))[0];
          staleness = lastOk ? (now - lastOk) / 1000 : null;
        } else {
          const ages = spec.tables.map((t) => openAges[t] ?? 0);
          staleness = Math.max(0, ...ages);
          const at = Math.max(outcomes.completedAt, outcomes.failedAt);
          if (at) {
            lastRun = {
              status: outcomes.completedAt >= outcomes.failedAt ? 'succeeded' : 'failed',
              startedAt: null,
              finishedAt: new Date(at).toISOString(),
              durationMs: null,
              rows: { completed: outcomes.completed, failed: outcomes.failed },
              error: null,
            };
          }
        }
        const waiting = (counts.waiting ?? 0) + (counts.prioritized ?? 0);
        const reasons: string[] = [];
        let health: Health = 'green';
        const worse = (h: Health, why: string) => {
          reasons.push(why);
          if (h === 'red' || health === 'green') health = h;
        };
        const outage = outages.find((o) => dependenciesOf(spec.domain).includes(o.dependency));
        if (outage) worse('amber', `waiting_for_${outage.dependency}`);
        if (deadLetters > 0) worse('red', 'dead_letters');
        if (spec.kind === 'task' && lastRun?.status === 'failed') worse('red', 'last_run_failed');
        if (waiting > 0 && workers === 0) worse('red', 'no_worker');
        if (paused) worse('amber', 'paused');
        if (spec.kind === 'task' && spec.cron && staleness === null) worse('amber', 'never_ran');
        if (staleness !== null && spec.staleAfterSeconds > 0 && staleness > spec.staleAfterSeconds) {
          worse(staleness > 2 * spec.staleAfterSeconds ? 'red' : 'amber', 'stale');
        }
        return {
          flow: spec.domain,
          kind: spec.kind,
          health,
          reasons,
          lastRun,
          stalenessSeconds: staleness === null ? null : Math.round(staleness),
          staleAfterSeconds: spec.staleAfterSeconds,
          schedule: spec.cron,
          queue: { waiting, active: counts.active ?? 0, delayed: counts.delayed ?? 0, failed: counts.failed ?? 0, paused, workers },
          deadLetters,
          waitingFor: outage ? { dependency: outage.dependency, since: new Date(outage.since).toISOString() } : null,
        };
      }),
    );
    const outageStatus = outages.map((o) => {
      const waiting = flows.filter((f) => dependenciesOf(f.flow).includes(o.dependency));
      return {
        dependency: o.dependency,
        since: new Date(o.since).toISOString(),
        reason: o.reason,
        flows: waiting.map((f) => f.flow),
        queued: waiting.filter((f) => f.kind === 'records').reduce((n, f) => n + f.queue.waiting + f.queue.delayed + f.queue.active, 0),
      };
    });
    return { generatedAt: new Date(now).toISOString(), flows, deadLetters: dead.filter((d) => d.queue !== DEAD_LETTER_QUEUE), outages: outageStatus };
  }
}
