/**
 * Worker heartbeats: one sorted set per queue prefix. A member is a worker process (host, pid,
 * domains); its score is the Redis time until which the beat counts. Redis' clock, not the
 * process', so an edge worker on a machine whose clock is off is judged like the others; one key,
 * so no SCAN (it works the same on a Redis Cluster).
 */
import type { RedisConnection as Redis } from './connection.js';

export interface WorkerBeat {
  host: string;
  pid: number;
  domains: string[];
}

export interface LiveWorker extends WorkerBeat {
  /** Milliseconds until this beat expires, by Redis' clock. */
  validForMs: number;
}

const heartbeatKey = (prefix: string) => `${prefix}:worker-heartbeats`;
const member = (b: WorkerBeat) => JSON.stringify({ host: b.host, pid: b.pid, domains: b.domains });

async function redisNowMs(redis: Redis): Promise<number> {
  const [seconds, micros] = await redis.time();
  return Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
}

/** Records that `beat`'s process is alive for the next `ttlMs`; drops beats that expired. */
export async function writeHeartbeat(redis: Redis, prefix: string, beat: WorkerBeat, ttlMs: number): Promise<void> {
  const now = await redisNowMs(redis);
  const key = heartbeatKey(prefix);
  await redis.multi().zadd(key, now + ttlMs, member(beat)).zremrangebyscore(key, '-inf', now).exec();
}

/** A process that stops cleanly takes its beat back at once instead of waiting for it to expire. */
export async function removeHeartbeat(redis: Redis, prefix: string, beat: WorkerBeat): Promise<void> {
  await redis.zrem(heartbeatKey(prefix), member(beat));
}

/** Worker processes whose last beat has not expired. */
export async function liveWorkers(redis: Redis, prefix: string): Promise<LiveWorker[]> {
  const now = await redisNowMs(redis);
  const raw = await redis.zrangebyscore(heartbeatKey(prefix), now, '+inf', 'WITHSCORES');
  const live: LiveWorker[] = [];
  for (let i = 0; i + 1 < raw.length; i += 2) {
    try {
      const beat = JSON.parse(raw[i] as string) as WorkerBeat;
      live.push({ ...beat, validForMs: Number(raw[i + 1]) - now });
    } catch {
      // Not a member we wrote: ignored.
    }
  }
  return live;
}
