/** Redis connections for BullMQ. */
import { Redis, type RedisOptions } from 'ioredis';

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
