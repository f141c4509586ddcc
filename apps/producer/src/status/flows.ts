/**
 * The flows operators see: record flows driven by the outbox (documents from the web) and task
 * flows driven by schedules. Staleness thresholds come from the schedules.
 */
import cronParser from 'cron-parser';
import { CAPTURE_SOURCES, DOMAINS, type Config, type Domain } from '@mikrosync/core';

export interface FlowSpec {
  flow: Domain;
  kind: 'records' | 'task';
  /** Captured web tables of a record flow. */
  tables: string[];
  /** Cron of a task flow ('' = not scheduled). */
  cron: string;
  /** Age after which the flow's data counts as stale. */
  staleAfterSeconds: number;
}

const TASK_CRON: Partial<Record<Domain, (c: Config) => string>> = {
  catalog: (c) => c.schedules.catalog,
  entegra: (c) => c.schedules.entegra,
  xml: (c) => c.schedules.stockXml,
  bitrix: (c) => c.schedules.bitrix,
};

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

export function flowSpecs(config: Config): FlowSpec[] {
  return DOMAINS.map((flow) => {
    const cronOf = TASK_CRON[flow];
    if (cronOf) {
      const cron = cronOf(config);
      // A task flow is stale when two scheduled runs were missed.
      return { flow, kind: 'task' as const, tables: [], cron, staleAfterSeconds: cron ? 2 * cronIntervalSeconds(cron, config.schedules.timeZone) + 60 : 0 };
    }
    return {
      flow,
      kind: 'records' as const,
      tables: CAPTURE_SOURCES.filter((s) => s.domain === flow).map((s) => s.table),
      cron: '',
      staleAfterSeconds: config.ops.staleRecordsSeconds,
    };
  });
}
