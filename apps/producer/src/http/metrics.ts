/**
 * Prometheus metrics: queue depths per state, dead letters, outbox states (read at scrape time),
 * and job duration histograms recorded by every worker process into Redis.
 */
import { Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import { DEAD_LETTER_QUEUE } from '@mikrosync/core';
import { outboxCounts, type WebPool } from '@mikrosync/connectors/web';
import { readJobDurations, type QueueRegistry } from '@mikrosync/connectors/queue';
import type { StatusService } from '../status/status-service.js';

const STATES = ['waiting', 'active', 'delayed', 'failed', 'completed', 'paused', 'prioritized'] as const;

export interface MetricsSources {
  queues: QueueRegistry;
  queueNames: string[];
  web: WebPool;
  prefix: string;
  status: StatusService;
}

export function createMetrics(src: MetricsSources): { registry: Registry; render(): Promise<string> } {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'mikrosync_process_' });
  new Gauge({
    name: 'mikrosync_queue_jobs',
    help: 'Jobs per queue and state',
    labelNames: ['queue', 'state'],
    registers: [registry],
    async collect() {
      this.reset();
      for (const name of src.queueNames) {
        const counts = await src.queues.get(name).getJobCounts(...STATES);
        for (const s of STATES) this.set({ queue: name, state: s }, counts[s] ?? 0);
      }
    },
  });
  new Gauge({
    name: 'mikrosync_dead_letter_jobs',
    help: 'Jobs waiting in the dead-letter queue',
    registers: [registry],
    async collect() {
      const c = await src.queues.get(DEAD_LETTER_QUEUE).getJobCounts('waiting', 'paused');
      this.set((c.waiting ?? 0) + (c.paused ?? 0));
    },
  });
  new Gauge({
    name: 'mikrosync_outbox_events',
    help: 'Outbox events per status',
    labelNames: ['status'],
    registers: [registry],
    async collect() {
      const counts = await outboxCounts(src.web);
      for (const [status, n] of Object.entries(counts)) this.set({ status }, n);
    },
  });

  new Gauge({
    name: 'mikrosync_rate_limit_wait_seconds_total',
    help: 'Seconds spent waiting for an external rate limit, per flow',
    labelNames: ['flow'],
    registers: [registry],
    async collect() {
      this.reset();
      const waits = await src.queues.connection.hgetall(`${src.prefix}:metrics:rate-limit-wait`);
      for (const [flow, seconds] of Object.entries(waits)) this.set({ flow }, Number(seconds));
    },
  });

  new Gauge({
    name: 'mikrosync_dependency_waiting_since_seconds',
    help: 'Since when (epoch seconds) workers wait for a dependency that is down (erp, web); absent when none is',
    labelNames: ['dependency'],
    registers: [registry],
    async collect() {
      this.reset();
      for (const o of await src.status.outages()) this.set({ dependency: o.dependency }, Date.parse(o.since) / 1000);
    },
  });
  new Gauge({
    name: 'mikrosync_dependency_waiting_jobs',
    help: 'Jobs queued (waiting, delayed, running) in the flows that wait for a dependency that is down',
    labelNames: ['dependency'],
    registers: [registry],
    async collect() {
      this.reset();
      for (const o of await src.status.outages()) this.set({ dependency: o.dependency }, o.queued);
    },
  });

  // Per flow: health (0 green, 1 amber, 2 red), staleness, last success and rows of the last run.
  const HEALTH = { green: 0, amber: 1, red: 2 } as const;
  const flowGauge = (name: string, help: string, pick: (f: Awaited<ReturnType<StatusService['snapshot']>>['flows'][number]) => number | null) =>
    new Gauge({
      name,
      help,
      labelNames: ['flow'],
      registers: [registry],
      async collect() {
        this.reset();
        for (const f of (await src.status.snapshot()).flows) {
          const v = pick(f);
          if (v !== null) this.set({ flow: f.flow }, v);
        }
      },
    });
  flowGauge('mikrosync_flow_health', 'Flow health: 0 green, 1 amber, 2 red', (f) => HEALTH[f.health]);
  flowGauge('mikrosync_flow_staleness_seconds', 'Age of the oldest unsynced change (records) or of the last successful run (tasks)', (f) => f.stalenessSeconds);
  flowGauge('mikrosync_flow_last_success_timestamp_seconds', 'When the flow last finished successfully', (f) =>
    f.lastRun?.status === 'succeeded' && f.lastRun.finishedAt ? Date.parse(f.lastRun.finishedAt) / 1000 : null,
  );
  flowGauge('mikrosync_flow_rows_last_run', 'Rows moved by the last run of a task flow', (f) =>
    f.kind === 'task' && f.lastRun?.rows ? Object.values(f.lastRun.rows).reduce((a, b) => a + Number(b), 0) : null,
  );

  async function renderDurations(): Promise<string> {
    const lines = ['# HELP mikrosync_job_duration_seconds Job processing time', '# TYPE mikrosync_job_duration_seconds histogram'];
    for (const queue of src.queueNames) {
      if (queue === DEAD_LETTER_QUEUE) continue;
      for (const h of await readJobDurations(src.queues.connection, src.prefix, queue)) {
        const l = `queue="${queue}",outcome="${h.outcome}"`;
        for (const b of h.buckets) lines.push(`mikrosync_job_duration_seconds_bucket{${l},le="${b.le}"} ${b.count}`);
        lines.push(`mikrosync_job_duration_seconds_bucket{${l},le="+Inf"} ${h.count}`);
        lines.push(`mikrosync_job_duration_seconds_sum{${l}} ${h.sum}`);
        lines.push(`mikrosync_job_duration_seconds_count{${l}} ${h.count}`);
      }
    }
    return `${lines.join('\n')}\n`;
  }

  return {
    registry,
    async render() {
      return (await registry.metrics()) + (await renderDurations());
    },
  };
}
