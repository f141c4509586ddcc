/**
 * The document tracker: finds records by what a shop person has in hand (web number, Mikro
 * SERI-SIRA, stock code, customer code or name) and tells each one's story: captured, queued, each
 * attempt, posted as Mikro document SERI-SIRA (RECno), or why it waits or failed, with the actions
 * that apply.
 */
import { formatClock, queueForDomain, recordJobId, sourceFor, t, tablesOfJob, type Lang } from '@mikrosync/core';
import { findLedger, ledgerRecordsByNumber, type ErpClient } from '@mikrosync/connectors/erp';
import { outboxEventsOf, searchRecords, type RecordFacts } from '@mikrosync/connectors/web';
import { DeadLetterQueue, deadLetterIdOf, readOutages, DOMAIN_DEPENDENCIES } from '@mikrosync/connectors/queue';
import { deadLetterViews, type ConsoleDeps, type DeadLetterView } from './status-view.js';
import { flowLabel, recordView, tableLabel } from './views.js';

export type TrackState = 'posted' | 'waiting' | 'failed' | 'queued' | 'captured';
export type TrackAction = 'requeue' | 'fixMapping' | 'runNow';

export interface TrackResult {
  flow: string | null;
  flowLabel: string;
  table: string;
  tableLabel: string;
  id: string;
  label: string;
  state: TrackState;
  stateLabel: string;
  erpDocument?: { series: string; number: number; recno: number | null; text: string };
  timeline: { at: string; text: string }[];
  actions: TrackAction[];
  deadLetter?: DeadLetterView;
}

/** Mikro writes SERI-SIRA; shops also type it without the dash. */
function mikroNumberOf(q: string): { series: string; number: number } | undefined {
  const m = /^([A-Za-z]{0,10})[-\s]?(\d{1,9})$/.exec(q.trim());
  return m ? { series: m[1]!.toUpperCase(), number: Number(m[2]) } : undefined;
}

export async function track(d: ConsoleDeps & { erp: ErpClient }, q: string, lang: Lang): Promise<{ results: TrackResult[] }> {
  const mikro = mikroNumberOf(q);
  const erpMatches = mikro ? await ledgerRecordsByNumber(d.erp, mikro.series, mikro.number).catch(() => []) : [];
  const found = await searchRecords(d.web, q, erpMatches);
  const outages = await readOutages(d.queues.connection, d.config.redis.prefix).catch(() => []);
  const dlq = new DeadLetterQueue(d.queues);
  return { results: await Promise.all(found.map((f) => storyOf(d, dlq, f, outages, lang))) };
}

async function storyOf(
  d: ConsoleDeps & { erp: ErpClient },
  dlq: DeadLetterQueue,
  f: RecordFacts,
  outages: Awaited<ReturnType<typeof readOutages>>,
  lang: Lang,
): Promise<TrackResult> {
  const tz = d.config.erp.timeZone;
  const flow = sourceFor(f.table)?.domain ?? null;
  const view = recordView(f, f, lang, tz);
  const timeline: { at: Date; text: string }[] = [];
  const base = { flow, flowLabel: flow ? flowLabel(flow, lang) : tableLabel(f.table, lang), table: f.table, tableLabel: tableLabel(f.table, lang), id: f.id, label: view.label };
  if (!flow) {
    return { ...base, state: 'posted', stateLabel: t(lang, 'state.posted'), timeline: [], actions: [] };
  }
  const queue = queueForDomain(flow);
  const jobId = recordJobId(f.table, f.id);
  const [events, ledger, dead, job] = await Promise.all([
    outboxEventsOf(d.web, tablesOfJob(f.table), f.id).catch(() => []),
    findLedger(d.erp, f.table, f.id).catch(() => undefined),
    dlq.show(deadLetterIdOf(queue, jobId)),
    d.queues.get(queue).getJob(jobId),
  ]);
  for (const e of events) {
    timeline.push({ at: new Date(e.createdAt), text: t(lang, 'timeline.captured', { op: t(lang, `op.${e.operation}`) }) });
    if (e.enqueuedAt) timeline.push({ at: new Date(e.enqueuedAt), text: t(lang, 'timeline.queued') });
    if (e.processedAt && e.status === 'done') timeline.push({ at: new Date(e.processedAt), text: t(lang, 'timeline.done') });
  }
  const jobState = job ? await job.getState() : undefined;
  if (job && job.attemptsMade > 0 && job.failedReason && jobState !== 'completed') {
    timeline.push({ at: new Date(job.processedOn ?? job.timestamp), text: t(lang, 'timeline.attempt', { n: job.attemptsMade, reason: job.failedReason }) });
  }
  let deadView: DeadLetterView | undefined;
  if (dead) {
    deadView = (await deadLetterViews(d, [dead], lang))[0];
    timeline.push({ at: new Date(dead.failedAt), text: t(lang, 'timeline.deadLettered', { reason: deadView?.reason ?? dead.reason }) });
  }
  let erpDocument: TrackResult['erpDocument'];
  if (ledger && ledger.status !== 'deleted') {
    const text = ledger.series ? `${ledger.series}-${ledger.number}` : String(ledger.number);
    erpDocument = { series: ledger.series, number: ledger.number, recno: ledger.headerRecno, text };
    timeline.push({ at: new Date(ledger.createdAt), text: t(lang, 'timeline.posted', { document: text, recno: ledger.headerRecno }) });
  } else if (f.erpNumber !== null && f.erpNumber !== undefined) {
    const series = f.erpSeries ?? '';
    erpDocument = { series, number: f.erpNumber, recno: null, text: series ? `${series}-${f.erpNumber}` : String(f.erpNumber) };
  }
  const outage = outages.find((o) => DOMAIN_DEPENDENCIES[flow].includes(o.dependency));
  const open = events.some((e) => e.status === 'pending' || e.status === 'enqueued');
  let state: TrackState;
  if (dead) state = 'failed';
  else if (jobState === 'delayed' || (open && outage)) state = 'waiting';
  else if (jobState === 'waiting' || jobState === 'active' || jobState === 'prioritized' || jobState === 'waiting-children') state = 'queued';
  else if (open) state = 'captured';
  else if (events.some((e) => e.status === 'failed') && !erpDocument) state = 'failed';
  else state = erpDocument || events.length ? 'posted' : 'captured';
  if (state === 'waiting' && outage) timeline.push({ at: new Date(outage.since), text: t(lang, 'timeline.waitingFor', { since: formatClock(outage.since, tz) }) });
  const actions: TrackAction[] = state === 'failed' ? (dead ? ['requeue', ...(deadView?.mapping ? (['fixMapping'] as const) : [])] : ['runNow']) : state === 'posted' ? [] : ['runNow'];
  timeline.sort((a, b) => +a.at - +b.at);
  return {
    ...base,
    state,
    stateLabel: t(lang, `state.${state}`),
    ...(erpDocument ? { erpDocument } : {}),
    timeline: timeline.map((x) => ({ at: x.at.toISOString(), text: x.text })),
    actions,
    ...(deadView ? { deadLetter: deadView } : {}),
  };
}
