/**
 * /api/status as the operator reads it: per flow its label, state, why in sentences, one set of
 * counters with legends, and its dead letters by business identity with reason, fix and, for a
 * missing mapping, what the page can fix in place; audit entries with translated actions and targets.
 */
import { DOMAINS, formatClock, formatDuration, isMessageKey, queueForDomain, t, type Config, type Lang, type MessageKey } from '@mikrosync/core';
import { describeRecords, mappingWebLabel, type AuditRow, type RecordFacts, type WebPool } from '@mikrosync/connectors/web';
import { readHourly, type DeadLetterEntry, type QueueRegistry } from '@mikrosync/connectors/queue';
import { cronIntervalSeconds } from '../status/flows.js';
import type { FleetStatus, FlowStatus } from '../status/status-service.js';
import { flowLabel, reasonOf, recordOfDeadLetterId, recordView, type DeadLetterItem, type RecordView } from './views.js';
import type { MappingKind } from '@mikrosync/core';

export interface DeadLetterView {
  id: string;
  queue: string;
  jobId: string;
  flow: string;
  record: RecordView | null;
  reason: string;
  fix: string;
  mapping?: { kind: MappingKind; webCode: string; webLabel: string };
  failedAt: string;
  attempts: number;
}

export interface Counter {
  key: 'waiting' | 'running' | 'scheduled' | 'failed' | 'posted' | 'workers';
  label: string;
  value: number;
  hint: string;
}

export interface ConsoleDeps {
  config: Config;
  web: WebPool;
  queues: QueueRegistry;
}

/**
 * What the web knows of each dead letter's record (one read for all of them) and how it names the
 * web row of a missing mapping: read once, then rendered in any language (page, CLI, alerts).
 */
export async function deadLetterItems<E extends DeadLetterEntry>(web: WebPool, entries: readonly E[]): Promise<DeadLetterItem<E>[]> {
  const facts = await describeRecords(web, entries.flatMap((e) => (e.record ? [e.record] : []))).catch(() => new Map<string, RecordFacts>());
  return Promise.all(
    entries.map(async (entry) => {
      const item: DeadLetterItem<E> = { entry };
      const f = entry.record ? facts.get(`${entry.record.table}:${entry.record.id}`) : undefined;
      if (f) item.facts = f;
      const label = entry.mapping ? await mappingWebLabel(web, entry.mapping.kind, entry.mapping.webCode).catch(() => undefined) : undefined;
      if (label) item.mappingLabel = label;
      return item;
    }),
  );
}

/** Dead letters rendered for the page (business label, reason, fix, mapping). */
export async function deadLetterViews(d: ConsoleDeps, entries: readonly DeadLetterEntry[], lang: Lang): Promise<DeadLetterView[]> {
  const tz = d.config.erp.timeZone;
  return (await deadLetterItems(d.web, entries)).map(({ entry: e, facts, mappingLabel }) => {
    const webLabel = e.mapping ? (mappingLabel ?? e.mapping.webCode) : undefined;
    const { reason, fix } = reasonOf(e, lang, webLabel);
    return {
      id: e.id,
      queue: e.queue,
      jobId: e.jobId,
      flow: e.queue,
      record: e.record ? recordView(e.record, facts, lang, tz) : null,
      reason,
      fix,
      ...(e.mapping && webLabel ? { mapping: { ...e.mapping, webLabel } } : {}),
      failedAt: e.failedAt,
      attempts: e.attempts,
    };
  });
}

function ago(iso: string | null | undefined, now: number): number | null {
  return iso ? Math.max(0, (now - Date.parse(iso)) / 1000) : null;
}

/** Why a flow is what it is, in sentences (the status service's reason codes, with their figures). */
export function whyOf(f: FlowStatus, fleet: FleetStatus, config: Config, lang: Lang, now = Date.now()): string[] {
  const tz = config.erp.timeZone;
  const why: string[] = [];
  const outage = f.waitingFor ? fleet.outages.find((o) => o.dependency === f.waitingFor!.dependency) : undefined;
  if (f.waitingFor) {
    why.push(t(lang, `why.waitingFor.${f.waitingFor.dependency}`, { since: formatClock(f.waitingFor.since, tz), queued: outage?.queued ?? 0 }));
  }
  if (f.deadLetters > 0) why.push(t(lang, 'why.deadLetters', { count: f.deadLetters }));
  if (f.reasons.includes('no_worker')) why.push(t(lang, 'why.noWorker', { flow: flowLabel(f.flow, lang) }));
  if (f.reasons.includes('last_run_failed')) why.push(t(lang, 'why.lastRunFailed', { ago: formatDuration(ago(f.lastRun?.finishedAt ?? f.lastRun?.startedAt, now) ?? 0, lang) }));
  if (f.queue.paused) why.push(t(lang, 'why.paused'));
  if (f.kind === 'task' && f.schedule) {
    const minutes = Math.round(cronIntervalSeconds(f.schedule, config.schedules.timeZone) / 60);
    const last = ago(f.lastRun?.finishedAt ?? f.lastRun?.startedAt, now);
    why.push(last === null ? t(lang, 'why.plannedNeverRan', { minutes }) : t(lang, 'why.planned', { minutes, ago: formatDuration(last, lang) }));
  }
  if (f.kind === 'records' && f.reasons.includes('stale') && f.stalenessSeconds !== null) why.push(t(lang, 'why.stale', { ago: formatDuration(f.stalenessSeconds, lang) }));
  if (why.length === 0) why.push(t(lang, 'why.ok'));
  return why;
}

/** One set of counters per flow; the one failure count is the dead letters (what needs an operator). */
export function countersOf(f: FlowStatus, postedToday: number, lang: Lang): Counter[] {
  const c = (key: Counter['key'], value: number): Counter => ({ key, label: t(lang, `counter.${key}`), value, hint: t(lang, `counter.${key}.hint`) });
  return [c('waiting', f.queue.waiting), c('running', f.queue.active), c('scheduled', f.queue.delayed), c('failed', f.deadLetters), c('posted', postedToday), c('workers', f.queue.workers)];
}

export async function statusView(d: ConsoleDeps, fleet: FleetStatus, audit: readonly AuditRow[], lang: Lang) {
  const now = Date.now();
  const dead = await deadLetterViews(d, fleet.deadLetters, lang);
  const flows = await Promise.all(
    fleet.flows.map(async (f) => {
      const hours = await readHourly(d.queues.connection, d.config.redis.prefix, queueForDomain(f.flow), 24, now).catch(() => []);
      return {
        ...f,
        label: flowLabel(f.flow, lang),
        state: f.health,
        why: whyOf(f, fleet, d.config, lang, now),
        counters: countersOf(f, hours.reduce((n, h) => n + h.posted, 0), lang),
        deadLetterCount: f.deadLetters,
        deadLetters: dead.filter((x) => x.queue === queueForDomain(f.flow)),
      };
    }),
  );
  return { generatedAt: fleet.generatedAt, flows, deadLetters: dead, outages: fleet.outages, audit: await auditView(d, audit, lang) };
}

/** Audit entries: when, who, the action translated, the target by its business label. */
export async function auditView(d: ConsoleDeps, rows: readonly AuditRow[], lang: Lang) {
  const refs = rows.map((r) => recordOfDeadLetterId(r.target) ?? recordRefOf(r.details));
  const facts = await describeRecords(d.web, refs.filter((r): r is { table: string; id: string } => Boolean(r))).catch(() => new Map());
  return rows.map((r, i) => {
    const key = `audit.${r.action}`;
    const ref = refs[i];
    const flow = (DOMAINS as readonly string[]).includes(r.target) ? flowLabel(r.target, lang) : undefined;
    return {
      at: new Date(r.at).toISOString(),
      who: r.actor,
      action: isMessageKey(key) ? t(lang, key as MessageKey & `audit.${string}`) : r.action,
      target: ref ? recordView(ref, facts.get(`${ref.table}:${ref.id}`), lang, d.config.erp.timeZone).label : (flow ?? r.target),
    };
  });
}

function recordRefOf(details: Record<string, unknown> | null): { table: string; id: string } | undefined {
  const rec = details?.record as { table?: unknown; id?: unknown } | undefined;
  return typeof rec?.table === 'string' && typeof rec.id === 'string' ? { table: rec.table, id: rec.id } : undefined;
}
