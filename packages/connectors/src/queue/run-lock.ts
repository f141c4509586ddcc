/**
 * One run of an exclusive task at a time across every worker process (a Bitrix24 cycle during a
 * long first load, two feed schedules firing at 13:00): a Redis key with a random token
 * (SET NX PX), renewed while the run lasts and released only by its owner. The key of a crashed
 * owner expires after `ttlMs`, so the next run goes ahead.
 */
import { randomUUID } from 'node:crypto';
import type { RedisConnection } from './connection.js';

const EXTEND = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) else return 0 end`;
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end`;

/** Long enough to ride out a slow Redis round trip; short enough that a crash frees the task soon. */
export const RUN_LOCK_TTL_MS = 60_000;

export interface RunLock {
  release(): Promise<void>;
}

/** The Redis key of the run lock of a task (in the shop's prefix, so in its cluster hash slot). */
export function runLockKey(prefix: string, domain: string, task: string): string {
  return `${prefix}:lock:${domain}:${task}`;
}

/** The lock, or undefined when another run holds it. */
export async function tryRunLock(redis: RedisConnection, key: string, ttlMs = RUN_LOCK_TTL_MS): Promise<RunLock | undefined> {
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

/** The summary of a run skipped because another one holds the lock: worded here only. */
export function skippedWhileRunning(what: string): string {
  return `skipped: another ${what} is running`;
}
