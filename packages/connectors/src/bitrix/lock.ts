/**
 * One bitrix cycle at a time across every worker process: a Redis lock with a token, renewed
 * while the cycle runs and released at its end; a crashed holder's lock expires after `ttlMs`.
 * A second cycle (the schedule firing during a long first load) finds the lock taken and skips.
 */
import { randomUUID } from 'node:crypto';
import type { RedisConnection } from '../queue/connection.js';

const EXTEND = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) else return 0 end`;
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end`;

export interface BitrixCycleLock {
  release(): Promise<void>;
}

export async function acquireBitrixCycleLock(redis: RedisConnection, key: string, ttlMs = 60_000): Promise<BitrixCycleLock | undefined> {
  const token = randomUUID();
  const ok = await redis.set(key, token, 'PX', ttlMs, 'NX');
  if (ok !== 'OK') return undefined;
  const timer = setInterval(() => void redis.eval(EXTEND, 1, key, token, ttlMs).catch(() => undefined), Math.max(100, Math.floor(ttlMs / 3)));
  timer.unref();
  return {
    async release() {
      clearInterval(timer);
      await redis.eval(RELEASE, 1, key, token).catch(() => undefined);
    },
  };
}
