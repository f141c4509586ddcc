/**
 * The fault scenarios of the fault suite and of `npm run bench:faults`: each runs real mikrosync
 * processes against a stream of collections and sales, applies one fault, and reports what came
 * of it. Tests assert on the report; the benchmark prints it.
 */
import { clusterOutage, killStorm, ProcessFleet } from './fault-fleet.js';
import type { FaultEnv } from './fault-env.js';
import { measureOutcome, openDeadLetters, startStream, waitPosted, type FaultOutcome, type StreamSeed, type Written } from './fault-stream.js';
import type { OwnRedis } from './own-redis.js';
import { waitFor } from './test-env.js';

export type Dependency = 'erp' | 'web';

export interface FaultReport {
  outcome: FaultOutcome;
  /** From the end of the fault (cluster accepting connections, Redis answering, ...) to every record posted and mapped; null when that never happened. */
  drainMs: number | null;
  kills?: number;
  /** The status API said the fleet waits for the dependency at some point of the outage. */
  sawWaiting?: boolean;
  /** Last status API answer seen during the outage, for diagnostics. */
  statusDuringOutage?: unknown;
  alerts?: { outage: string[]; recovery: string[]; other: string[] };
  output: string;
}

export interface Load {
  collections: number;
  sales: number;
}

const DEPENDENCY_SUBJECT: Record<Dependency, RegExp> = { erp: /\bERP\b/, web: /\bweb database\b/i };

interface StatusWithOutages {
  outages?: { dependency?: string }[];
  flows?: { waitingFor?: { dependency?: string } | null }[];
}

/** Whether a status API answer says the fleet waits for the dependency (its `outages` list). */
export function saysWaitingFor(status: unknown, dependency: Dependency): boolean {
  const s = (status ?? {}) as StatusWithOutages;
  return Boolean(s.outages?.some((o) => o.dependency === dependency));
}

/**
 * Splits alert messages into outage and recovery messages about the dependency, and the others.
 * A webhook message is "*subject*\ntext": the subject says what happened.
 */
export function classifyAlerts(messages: { text: string }[], dependency: Dependency): NonNullable<FaultReport['alerts']> {
  const r: NonNullable<FaultReport['alerts']> = { outage: [], recovery: [], other: [] };
  for (const { text } of messages) {
    const subject = text.split('\n')[0] ?? '';
    if (!DEPENDENCY_SUBJECT[dependency].test(subject)) r.other.push(text);
    else if (/reachable again|recovered|back up/i.test(subject)) r.recovery.push(text);
    else if (/unreachable|waiting|down/i.test(subject)) r.outage.push(text);
    else r.other.push(text);
  }
  return r;
}

/** Progress of a scenario on stderr (a fault run takes minutes; this shows where it is). */
function note(what: string): void {
  if (process.env.FAULTS_QUIET !== '1') process.stderr.write(`[faults ${new Date().toISOString().slice(11, 19)}] ${what}\n`);
}

const collectionsWorker = ['worker', '--domain', 'collections'];
const salesWorker = ['worker', '--domain', 'sales'];

/**
 * The producer is up once its outbox listener has run LISTEN. Tests start it first and the workers
 * after: a handful of processes loading their modules at once on a busy machine take minutes.
 */
async function listening(t: FaultEnv, fleet: ProcessFleet): Promise<void> {
  const q = `SELECT 1 FROM pg_stat_activity WHERE application_name = 'mikrosync-listener' AND datname = current_database() AND query LIKE 'LISTEN %'`;
  try {
    await waitFor('fleet listening', async () => (await t.web.query(q)).rowCount, 120_000, 250);
  } catch (err) {
    throw new Error(`${(err as Error).message}\n${fleet.output().slice(-4000)}`);
  }
}

/** Waits for every record to be posted and the outbox settled, then measures. */
async function settle(t: FaultEnv, written: Written, dlq: ReturnType<typeof openDeadLetters>['dlq'], since: number, timeoutMs: number) {
  const { drainedAt, outcome } = await waitPosted(t, written, dlq, timeoutMs);
  note(drainedAt ? `all ${outcome.records} posted and mapped ${drainedAt - since} ms after the fault ended` : `not drained: ${JSON.stringify({ ...outcome, deadLetterReasons: outcome.deadLetterReasons.slice(0, 2) })}`);
  // Outbox events are settled just after the worker's own commit.
  if (drainedAt) await waitFor('outbox settled', async () => (await measureOutcome(t, written, dlq)).openOutbox === 0, 30_000).catch(() => undefined);
  return { drainMs: drainedAt === null ? null : drainedAt - since, outcome: await measureOutcome(t, written, dlq) };
}

/** Workers SIGKILLed at random during the stream, each restarted at once. */
export async function runKillStorm(t: FaultEnv, seed: StreamSeed, o: Load & { kills: number; spreadMs: number; settleMs: number }): Promise<FaultReport> {
  const fleet = new ProcessFleet(t.env);
  const { dlq, close } = openDeadLetters(t);
  try {
    fleet.add(['producer']);
    await listening(t, fleet);
    const workers = [fleet.add(collectionsWorker), fleet.add(collectionsWorker), fleet.add(salesWorker), fleet.add(salesWorker)];
    const stream = startStream(t, seed, { ...o });
    note('kill storm starts');
    const kills = await killStorm(fleet, workers, { kills: o.kills, minGapMs: 200, maxGapMs: 800, minAgeMs: 2500 });
    await stream.done;
    const end = Date.now();
    note(`${kills} kills done, stream written`);
    return { ...(await settle(t, stream.written, dlq, end, o.settleMs)), kills, output: fleet.output() };
  } finally {
    await fleet.stop();
    await close();
  }
}

/**
 * The ERP's or the web database's cluster stopped for `outageMs` while the fleet has work. For the
 * ERP the stream goes on during the outage (the web app keeps writing); the web database's outage
 * starts right after a burst, with jobs queued and in flight.
 */
export async function runDbOutage(t: FaultEnv, seed: StreamSeed, o: Load & { dependency: Dependency; outageMs: number; settleMs: number }): Promise<FaultReport> {
  if (!t.cluster) throw new Error('runDbOutage needs a FaultEnv with its own cluster');
  const fleet = new ProcessFleet(t.env);
  const { dlq, close } = openDeadLetters(t);
  try {
    fleet.add(['producer']);
    await listening(t, fleet);
    note('producer listening');
    fleet.add(collectionsWorker);
    fleet.add(salesWorker);
    // Two check intervals so the alert monitor has taken its first look before the fault.
    await new Promise((r) => setTimeout(r, 2 * t.config.ops.alertCheckIntervalMs));
    const erp = o.dependency === 'erp';
    const stream = startStream(t, seed, { ...o, spreadMs: erp ? Math.min(40_000, o.outageMs / 2 + 5000) : 3000 });
    // The workers have loaded and are posting when the fault starts.
    await waitFor('first documents posted', async () => (await measureOutcome(t, stream.written, dlq)).mapped >= 5, 120_000, 250);
    if (!erp) await stream.done;
    note(`${o.dependency} goes down for ${o.outageMs} ms`);
    let sawWaiting = false;
    let statusDuringOutage: unknown;
    const alertsBefore = t.hook.messages.length;
    const { backAt } = await clusterOutage(t.cluster, o.outageMs, async () => {
      statusDuringOutage = await t.status().catch((err: unknown) => `status API failed: ${String(err)}`);
      sawWaiting ||= saysWaitingFor(statusDuringOutage, o.dependency);
    });
    note(`${o.dependency} accepts connections again; status said waiting: ${sawWaiting}`);
    await stream.done;
    const settled = await settle(t, stream.written, dlq, backAt, o.settleMs);
    // The recovery alert comes with the monitor's next look; then give a late duplicate time to arrive.
    const dependencyAlerts = () => classifyAlerts(t.hook.messages.slice(alertsBefore), o.dependency);
    await waitFor('recovery alert', async () => dependencyAlerts().recovery.length > 0, 30_000).catch(() => undefined);
    await new Promise((r) => setTimeout(r, 3 * t.config.ops.alertCheckIntervalMs));
    return { ...settled, sawWaiting, statusDuringOutage, alerts: dependencyAlerts(), output: fleet.output() };
  } finally {
    await fleet.stop();
    await close();
  }
}

/** The fleet's own Redis (append-only file on) restarted `restarts` times mid-stream. */
export async function runRedisRestarts(t: FaultEnv, seed: StreamSeed, redis: OwnRedis, o: Load & { restarts: number; spreadMs: number; settleMs: number }): Promise<FaultReport> {
  const fleet = new ProcessFleet(t.env);
  try {
    fleet.add(['producer']);
    await listening(t, fleet);
    fleet.add(collectionsWorker);
    fleet.add(salesWorker);
    const stream = startStream(t, seed, { ...o });
    let end = Date.now();
    for (let i = 0; i < o.restarts; i++) {
      await new Promise((r) => setTimeout(r, o.spreadMs / (o.restarts + 1)));
      await redis.restart();
      end = Date.now();
    }
    await stream.done;
    const { dlq, close } = openDeadLetters(t);
    try {
      return { ...(await settle(t, stream.written, dlq, Math.max(end, Date.now()), o.settleMs)), output: fleet.output() };
    } finally {
      await close();
    }
  } finally {
    await fleet.stop();
  }
}

/** The producer's LISTEN connection terminated by the server `kills` times mid-stream. */
export async function runListenKills(t: FaultEnv, seed: StreamSeed, o: Load & { kills: number; spreadMs: number; settleMs: number }): Promise<FaultReport> {
  const fleet = new ProcessFleet(t.env);
  const { dlq, close } = openDeadLetters(t);
  try {
    fleet.add(['producer']);
    await listening(t, fleet);
    fleet.add(collectionsWorker);
    fleet.add(salesWorker);
    const stream = startStream(t, seed, { ...o });
    let kills = 0;
    for (let i = 0; i < o.kills; i++) {
      await new Promise((r) => setTimeout(r, o.spreadMs / (o.kills + 1)));
      const r = await t.web.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'mikrosync-listener' AND datname = current_database()`);
      kills += r.rowCount ?? 0;
      await listening(t, fleet);
    }
    await stream.done;
    return { ...(await settle(t, stream.written, dlq, Date.now(), o.settleMs)), kills, output: fleet.output() };
  } finally {
    await fleet.stop();
    await close();
  }
}
