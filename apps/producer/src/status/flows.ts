/**
 * What the status of each domain is judged by (the console calls them flows): a record domain by
 * the age of its open outbox events, a task domain (one with a default task in its manifest) by
 * its default task's schedule. Staleness thresholds come from the schedules.
 */
import cronParser from 'cron-parser';
import { defaultTaskOf, DOMAIN_MANIFESTS, type Config, type Domain } from '@mikrosync/core';

export interface DomainStatus {
  domain: Domain;
  kind: 'records' | 'task';
  /** Captured web tables of a record domain. */
  tables: string[];
  /** Cron of a task domain ('' = not scheduled). */
  cron: string;
  /** Age after which the domain's data counts as stale. */
  staleAfterSeconds: number;
}

/** Seconds between two consecutive runs of a cron schedule (the largest gap within a day). */
export function cronIntervalSeconds(cron: string, timeZone: string): number {
  if (!cron) return 0;
  const it = cronParser.parseExpression(cron, { tz: timeZone, currentDate: new Date('2026-01-05T00:00:00Z') });
  let prev = it.next().getTime();
  let gap = 0;
  for (let i = 0; i < 48; i++) {
    const next = it.next().getTime();
    gap = Math.max(gap, next - prev);
    prev = next;
    if (next - Date.parse('2026-01-05T00:00:00Z') > 86_400_000) break;
  }
  return gap / 1000;
}

export function domainStatuses(config: Config): DomainStatus[] {
  return DOMAIN_MANIFESTS.map(({ name: domain, captures }) => {
    const task = defaultTaskOf(domain);
    if (task) {
      // The first schedule of the default task is its regular one (the feed's fixed hours come on top).
      const cron = task.schedules?.[0]?.cron(config) ?? '';
      // A task domain is stale when two scheduled runs were missed.
      return { domain, kind: 'task' as const, tables: [], cron, staleAfterSeconds: cron ? 2 * cronIntervalSeconds(cron, config.schedules.timeZone) + 60 : 0 };
    }
    return { domain, kind: 'records' as const, tables: captures.map((c) => c.table), cron: '', staleAfterSeconds: config.ops.staleRecordsSeconds };
  });
}
