/**
 * Cron schedules as BullMQ job schedulers: stored in Redis once, so several producers can upsert
 * the same schedule without running it twice. Time zone from config (default Europe/Istanbul).
 */
import { HOUSEKEEPING_QUEUE, queueForDomain, type Config, type Domain, type Logger, type TaskJob } from '@mikrosync/core';
import type { QueueRegistry } from '@mikrosync/connectors';
import { DOMAIN_TASKS } from '@mikrosync/workers';

export interface ScheduleSpec {
  id: string;
  queue: string;
  jobName: string;
  cron: string;
  data: Record<string, unknown>;
  /** Why the schedule is off although its cron is set: the system it reads is not configured. */
  off?: string;
}

/**
 * Scheduled tasks of the domains; registered only when the domain implements the task. A shop
 * without Entegra or Bitrix24 gets no schedule for them, rather than a dead letter (and an alert)
 * every few minutes: `off` names the setting that turns it on.
 */
const DOMAIN_SCHEDULES: { id: string; domain: Domain; task: string; cron: (c: Config) => string; off?: (c: Config) => string | undefined }[] = [
  { id: 'catalog-sync', domain: 'catalog', task: 'sync', cron: (c) => c.schedules.catalog },
  { id: 'entegra-sync', domain: 'entegra', task: 'sync', cron: (c) => c.schedules.entegra, off: (c) => (c.entegra.dbPath ? undefined : 'ENTEGRA_DB_PATH is not set') },
  { id: 'stock-xml', domain: 'xml', task: 'feed', cron: (c) => c.schedules.stockXml },
  {
    id: 'stock-xml-fixed-hours',
    domain: 'xml',
    task: 'feed',
    cron: (c) => (c.schedules.stockXmlHours.length ? `0 ${c.schedules.stockXmlHours.join(',')} * * *` : ''),
  },
  { id: 'bitrix-cycle', domain: 'bitrix', task: 'cycle', cron: (c) => c.schedules.bitrix, off: (c) => (c.bitrix.webhookUrl ? undefined : 'BITRIX_WEBHOOK_URL is not set') },
];

export function configuredSchedules(config: Config): ScheduleSpec[] {
  const specs: ScheduleSpec[] = [
    { id: 'housekeeping-purge-outbox', queue: HOUSEKEEPING_QUEUE, jobName: 'purge-outbox', cron: config.schedules.housekeeping, data: {} },
  ];
  for (const s of DOMAIN_SCHEDULES) {
    if (!DOMAIN_TASKS[s.domain]?.[s.task]) continue;
    const data: TaskJob = { kind: 'task', task: s.task, requestedBy: 'schedule' };
    const off = s.off?.(config);
    specs.push({ id: s.id, queue: queueForDomain(s.domain), jobName: `${s.domain}:${s.task}`, cron: off ? '' : s.cron(config), data, ...(off ? { off } : {}) });
  }
  return specs;
}

export async function applySchedules(queues: QueueRegistry, config: Config, log: Logger): Promise<void> {
  for (const s of configuredSchedules(config)) {
    const queue = queues.get(s.queue);
    if (!s.cron) {
      await queue.removeJobScheduler(s.id);
      log.info({ schedule: s.id, reason: s.off ?? 'its schedule variable is empty' }, 'schedule disabled');
      continue;
    }
    await queue.upsertJobScheduler(s.id, { pattern: s.cron, tz: config.schedules.timeZone }, { name: s.jobName, data: s.data, opts: { attempts: 3 } });
    log.info({ schedule: s.id, cron: s.cron, tz: config.schedules.timeZone }, 'schedule registered');
  }
}
