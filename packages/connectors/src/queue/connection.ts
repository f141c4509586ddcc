/** Redis connections for BullMQ. */
import { Redis, type RedisOptions } from 'ioredis';
import { scrubSecrets } from '@mikrosync/core';

/**
 * BullMQ needs `maxRetriesPerRequest: null` on blocking connections: a command must wait through
 * a Redis restart instead of failing, so that no job is lost while Redis is away.
 */
export function createRedis(url: string, overrides: RedisOptions = {}): Redis {
  return new Redis(url, {
    maxRetriesPerRequest: null,
    enableReadyCheck: true,
    retryStrategy: (times) => Math.min(200 * 2 ** Math.min(times, 6), 5000),
    ...overrides,
  });
}

/** Redis did not answer a one-off command: the reason names REDIS_URL and the host, never its credentials. */
export class RedisUnreachableError extends Error {
  override name = 'RedisUnreachableError';
}

/** host:port of a Redis URL, without user and password. */
export function redisAddress(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname}:${u.port || '6379'}`;
  } catch {
    return '(unparsable URL)';
  }
}

/**
 * A connection for a one-off command (status, dlq, run, sweep): connected and answering within
 * `timeoutMs`, or a RedisUnreachableError. It never reconnects, so a command with Redis down ends
 * with one clear line instead of hanging or retrying forever. `blocking`: for QueueEvents.
 */
export async function connectRedisForCommand(url: string, opts: { timeoutMs?: number; blocking?: boolean } = {}): Promise<Redis> {
  const timeoutMs = opts.timeoutMs ?? 3000;
  const redis = new Redis(url, {
    lazyConnect: true,
    connectTimeout: timeoutMs,
    maxRetriesPerRequest: opts.blocking ? null : 1,
    retryStrategy: () => null,
  });
  // The socket's own error (ECONNREFUSED, ENOTFOUND) says more than the "Connection is closed"
  // that connect() rejects with; later errors reach the command that issued them.
  let socketError: Error | undefined;
  redis.on('error', (err: Error) => (socketError ??= err));
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      redis.connect().then(() => redis.ping()),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
    return redis;
  } catch (err) {
    redis.disconnect();
    const cause = socketError ?? err;
    const reason = scrubSecrets(cause instanceof Error ? cause.message : String(cause)).replace(/\.+$/, '');
    throw new RedisUnreachableError(`Redis at ${redisAddress(url)} (REDIS_URL) is unreachable: ${reason}. Start Redis or correct REDIS_URL.`);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Redis' version and eviction policy. A managed Redis may refuse CONFIG GET (renamed or ACL'd):
 * then the policy is `undefined` (unknown), not an error.
 */
export async function redisServerInfo(redis: Redis): Promise<{ version: string; evictionPolicy: string | undefined }> {
  const info = await redis.info('server');
  const version = /redis_version:(\S+)/.exec(info)?.[1] ?? '?';
  let evictionPolicy: string | undefined;
  try {
    const reply = (await redis.config('GET', 'maxmemory-policy')) as string[];
    evictionPolicy = reply[1];
  } catch {
    // The policy is also in INFO memory on Redis >= 4; fall back to that before giving up.
    evictionPolicy = /maxmemory_policy:(\S+)/.exec(await redis.info('memory').catch(() => ''))?.[1];
  }
  return { version, evictionPolicy };
}
