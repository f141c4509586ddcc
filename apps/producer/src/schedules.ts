/**
 * Cron schedules as BullMQ job schedulers: stored in Redis once, so several producers can upsert
 * the same schedule without running it twice. Time zone from config (default Europe/Istanbul).
 *
 * A schedule is on or off by its own SCHEDULE_* setting only. Whether the producer's machine has a
 * worker-side setting (ENTEGRA_DB_PATH, BITRIX_WEBHOOK_URL) says nothing about the fleet: the
 * Entegra worker may run on another machine. A worker whose system is not configured skips a
 * scheduled run with a logged "skipped" result instead (no dead letter, no alert).
 */
import { DOMAIN_MANIFESTS, HOUSEKEEPING_QUEUE, queueForDomain, type Config, type Logger, type TaskJob } from '@mikrosync/core';
import type { QueueRegistry } from '@mikrosync/connectors/queue';

export interface ScheduleSpec {
  id: string;
  queue: string;
  jobName: string;
  /** '' = off. */
  cron: string;
  data: Record<string, unknown>;
  /** The setting that turns it on or off. */
  variable: string;
}

/** The housekeeping schedule, then every schedule of every task in the domain manifests. */
export function configuredSchedules(config: Config): ScheduleSpec[] {
  const specs: ScheduleSpec[] = [
    { id: 'housekeeping-purge-outbox', queue: HOUSEKEEPING_QUEUE, jobName: 'purge-outbox', cron: config.schedules.housekeeping, data: {}, variable: 'SCHEDULE_HOUSEKEEPING' },
  ];
  for (const m of DOMAIN_MANIFESTS) {
    for (const task of m.tasks) {
      for (const s of task.schedules ?? []) {
        const data: TaskJob = { kind: 'task', task: task.name, requestedBy: 'schedule' };
        specs.push({ id: s.id, queue: queueForDomain(m.name), jobName: `${m.name}:${task.name}`, cron: s.cron(config), data, variable: s.variable });
      }
    }
  }
  return specs;
}

/** Only the long-running producer (`start`, `producer`) calls this; one-off commands never do. */
export async function applySchedules(queues: QueueRegistry, config: Config, log: Logger): Promise<void> {
  for (const s of configuredSchedules(config)) {
    const queue = queues.get(s.queue);
    if (!s.cron) {
      await queue.removeJobScheduler(s.id);
      log.info({ schedule: s.id, reason: `${s.variable} is empty or off` }, 'schedule disabled');
      continue;
    }
    await queue.upsertJobScheduler(s.id, { pattern: s.cron, tz: config.schedules.timeZone }, { name: s.jobName, data: s.data, opts: { attempts: 3 } });
    log.info({ schedule: s.id, cron: s.cron, tz: config.schedules.timeZone }, 'schedule registered');
  }
}
