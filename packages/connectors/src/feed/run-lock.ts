/**
 * One feed run at a time across all workers: the hourly and the fixed-hour schedules fire together
 * at e.g. 13:00, and two runs would only read and upload the same feed twice. A Redis key with a
 * random token (SET NX PX); released only by its owner; expires by itself if the owner dies.
 */
import { randomBytes } from 'node:crypto';
import type { RedisConnection } from '../queue/connection.js';

const RELEASE = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end";

export interface RunLock {
  release(): Promise<void>;
}

/** The lock, or undefined when another run holds it. */
export async function tryRunLock(redis: RedisConnection, key: string, ttlMs: number): Promise<RunLock | undefined> {
  const token = randomBytes(12).toString('hex');
  const ok = await redis.set(key, token, 'PX', ttlMs, 'NX');
  if (ok !== 'OK') return undefined;
  return {
    async release() {
      await redis.eval(RELEASE, 1, key, token);
    },
  };
}
