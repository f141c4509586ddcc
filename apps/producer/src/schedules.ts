/**
 * Cron schedules as BullMQ job schedulers: stored in Redis once, so several producers can upsert
 * the same schedule without running it twice. Time zone from config (default Europe/Istanbul).
 *
 * A schedule is on or off by its own SCHEDULE_* setting only. Whether the producer's machine has a
 * worker-side setting (ENTEGRA_DB_PATH, BITRIX_WEBHOOK_URL) says nothing about the fleet: the
 * Entegra worker may run on another machine. A worker whose system is not configured skips a
 * scheduled run with a logged "skipped" result instead (no dead letter, no alert).
 */
import { HOUSEKEEPING_QUEUE, queueForDomain, type Config, type Domain, type Logger, type TaskJob } from '@mikrosync/core';
import type { QueueRegistry } from '@mikrosync/connectors';
import { DOMAIN_TASKS } from '@mikrosync/workers';

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

/** Scheduled tasks of the domains; registered only when the domain implements the task. */
const DOMAIN_SCHEDULES: { id: string; domain: Domain; task: string; variable: string; cron: (c: Config) => string }[] = [
  { id: 'catalog-sync', domain: 'catalog', task: 'sync', variable: 'SCHEDULE_CATALOG', cron: (c) => c.schedules.catalog },
  { id: 'entegra-sync', domain: 'entegra', task: 'sync', variable: 'SCHEDULE_ENTEGRA', cron: (c) => c.schedules.entegra },
  { id: 'stock-xml', domain: 'xml', task: 'feed', variable: 'SCHEDULE_STOCK_XML', cron: (c) => c.schedules.stockXml },
  {
    id: 'stock-xml-fixed-hours',
    domain: 'xml',
    task: 'feed',
    variable: 'STOCK_XML_HOURS',
    cron: (c) => (c.schedules.stockXmlHours.length ? `0 ${c.schedules.stockXmlHours.join(',')} * * *` : ''),
  },
  { id: 'bitrix-cycle', domain: 'bitrix', task: 'cycle', variable: 'SCHEDULE_BITRIX', cron: (c) => c.schedules.bitrix },
];

export function configuredSchedules(config: Config): ScheduleSpec[] {
  const specs: ScheduleSpec[] = [
    { id: 'housekeeping-purge-outbox', queue: HOUSEKEEPING_QUEUE, jobName: 'purge-outbox', cron: config.schedules.housekeeping, data: {}, variable: 'SCHEDULE_HOUSEKEEPING' },
  ];
  for (const s of DOMAIN_SCHEDULES) {
    if (!DOMAIN_TASKS[s.domain]?.[s.task]) continue;
    const data: TaskJob = { kind: 'task', task: s.task, requestedBy: 'schedule' };
    specs.push({ id: s.id, queue: queueForDomain(s.domain), jobName: `${s.domain}:${s.task}`, cron: s.cron(config), data, variable: s.variable });
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
