/**
 * Job durations recorded by every worker process into Redis and read by the producer's /metrics,
 * so one scrape shows the whole fleet however many worker processes run.
 */
import type { RedisConnection } from './connection.js';

export const DURATION_BUCKETS_S = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

function key(prefix: string, queue: string): string {
  return `${prefix}:metrics:job-duration:${queue}`;
}

export async function recordJobDuration(redis: RedisConnection, prefix: string, queue: string, seconds: number, outcome: 'completed' | 'failed'): Promise<void> {
  const k = key(prefix, queue);
  const multi = redis.multi();
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
