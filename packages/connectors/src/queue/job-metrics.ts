/**
 * Job durations recorded by every worker process into Redis and read by the producer's /metrics,
 * so one scrape shows the whole fleet however many worker processes run.
 */
import type { RedisConnection } from './connection.js';

export const DURATION_BUCKETS_S = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

function key(prefix: string, queue: string): string {
  return `${prefix}:metrics:job-duration:${queue}`;
}

/**
 * Records one finished job. A completed record job also counts in its hour's rollup (posted, and
 * its lag from the web commit when known) for the status page's 24-hour charts, in the same round trip.
 */
export async function recordJobDuration(
  redis: RedisConnection,
  prefix: string,
  queue: string,
  seconds: number,
  outcome: 'completed' | 'failed',
  posted?: { lagSeconds?: number },
): Promise<void> {
  const k = key(prefix, queue);
  const multi = redis.multi();
  if (outcome === 'completed' && posted) addHourly(multi, prefix, queue, { posted: 1, lagSeconds: posted.lagSeconds });
  for (const b of DURATION_BUCKETS_S) if (seconds <= b) multi.hincrby(k, `${outcome}:le:${b}`, 1);
  multi.hincrby(k, `${outcome}:count`, 1);
  multi.hincrbyfloat(k, `${outcome}:sum`, seconds);
  multi.hset(k, `${outcome}:last`, Date.now());
  await multi.exec();
}

/** When the queue last finished a job successfully and with a failure (epoch ms; 0 = never). */
export async function readLastOutcomes(redis: RedisConnection, prefix: string, queue: string): Promise<{ completedAt: number; failedAt: number; completed: number; failed: number }> {
  const [completedAt, failedAt, completed, failed] = await redis.hmget(key(prefix, queue), 'completed:last', 'failed:last', 'completed:count', 'failed:count');
  return { completedAt: Number(completedAt ?? 0), failedAt: Number(failedAt ?? 0), completed: Number(completed ?? 0), failed: Number(failed ?? 0) };
}

export interface DurationHistogram {
  outcome: 'completed' | 'failed';
  buckets: { le: number; count: number }[];
  count: number;
  sum: number;
}

export async function readJobDurations(redis: RedisConnection, prefix: string, queue: string): Promise<DurationHistogram[]> {
  const h = await redis.hgetall(key(prefix, queue));
  return (['completed', 'failed'] as const).map((outcome) => ({
    outcome,
    buckets: DURATION_BUCKETS_S.map((le) => ({ le, count: Number(h[`${outcome}:le:${le}`] ?? 0) })),
    count: Number(h[`${outcome}:count`] ?? 0),
    sum: Number(h[`${outcome}:sum`] ?? 0),
  }));
}

const HOUR_MS = 3_600_000;
/** Hourly rollups are kept two days (the key expires when nothing is recorded for that long). */
const HOURLY_TTL_MS = 49 * HOUR_MS;

function hourlyKey(prefix: string, queue: string): string {
  return `${prefix}:metrics:hourly:${queue}`;
}

type Multi = ReturnType<RedisConnection['multi']>;

function addHourly(multi: Multi, prefix: string, queue: string, add: { posted?: number; dead?: number; lagSeconds?: number }, now = Date.now()): void {
  const k = hourlyKey(prefix, queue);
  const hour = Math.floor(now / HOUR_MS) * HOUR_MS;
  if (add.posted) multi.hincrby(k, `${hour}:posted`, add.posted);
  if (add.dead) multi.hincrby(k, `${hour}:dead`, add.dead);
  if (add.lagSeconds !== undefined && Number.isFinite(add.lagSeconds) && add.lagSeconds >= 0) {
    multi.hincrbyfloat(k, `${hour}:lagsum`, add.lagSeconds);
    multi.hincrby(k, `${hour}:lagcount`, 1);
  }
  multi.pexpire(k, HOURLY_TTL_MS);
}

/** Counts a job moved to the dead-letter queue in its hour's rollup. */
export async function recordDeadLetterHour(redis: RedisConnection, prefix: string, queue: string): Promise<void> {
  const multi = redis.multi();
  addHourly(multi, prefix, queue, { dead: 1 });
  await multi.exec();
}

export interface HourBucket {
  /** Epoch ms of the hour's start. */
  hour: number;
  posted: number;
  dead: number;
  /** Average seconds from the web commit to posted, of the hour's posted records (null: none). */
  lagSeconds: number | null;
}

/** The last `hours` hourly buckets of a queue, oldest first, the current hour last. */
export async function readHourly(redis: RedisConnection, prefix: string, queue: string, hours = 24, now = Date.now()): Promise<HourBucket[]> {
  const h = await redis.hgetall(hourlyKey(prefix, queue));
  const current = Math.floor(now / HOUR_MS) * HOUR_MS;
  const out: HourBucket[] = [];
  for (let i = hours - 1; i >= 0; i--) {
    const hour = current - i * HOUR_MS;
    const count = Number(h[`${hour}:lagcount`] ?? 0);
    out.push({
      hour,
      posted: Number(h[`${hour}:posted`] ?? 0),
      dead: Number(h[`${hour}:dead`] ?? 0),
      lagSeconds: count ? Number(h[`${hour}:lagsum`] ?? 0) / count : null,
    });
  }
  return out;
}
