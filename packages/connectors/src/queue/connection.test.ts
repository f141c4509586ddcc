import { Cluster, Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { createRedis, type RedisConnection } from './connection.js';

const made: RedisConnection[] = [];
const make = (...args: Parameters<typeof createRedis>) => {
  const r = createRedis(...args);
  r.on('error', () => undefined); // nothing listens on these ports
  made.push(r);
  return r;
};
afterEach(() => {
  for (const r of made.splice(0)) r.disconnect();
});

describe('createRedis', () => {
  it('connects to the sentinels with the master name and both passwords; commands wait through a failover', () => {
    const r = make({
      url: 'redis://127.0.0.1:1',
      password: 'data-pw',
      sentinel: { nodes: [{ host: '127.0.0.1', port: 2 }], name: 'mymaster', password: 'sentinel-pw' },
    }, { reconnect: false });
    expect(r).toBeInstanceOf(Redis);
    const o = (r as Redis).options;
    expect(o).toMatchObject({ sentinels: [{ host: '127.0.0.1', port: 2 }], name: 'mymaster', password: 'data-pw', sentinelPassword: 'sentinel-pw', maxRetriesPerRequest: null });
    expect(o.reconnectOnError?.(new Error('READONLY You can\'t write against a read only replica.'))).toBe(2);
    expect(o.reconnectOnError?.(new Error('ERR wrong number of arguments'))).toBe(false);
  });

  it('makes a Cluster client whose node connections carry the password and BullMQ\'s null retries', () => {
    const r = make({ url: 'redis://127.0.0.1:1', username: 'app', password: 'data-pw', cluster: { nodes: [{ host: '127.0.0.1', port: 3 }] } }, { reconnect: false });
    expect(r).toBeInstanceOf(Cluster);
    expect((r as Cluster).options.redisOptions).toMatchObject({ username: 'app', password: 'data-pw', maxRetriesPerRequest: null });
  });

  it('uses REDIS_URL alone otherwise, and lets one-shot commands fail fast', () => {
    const r = make({ url: 'redis://:url-pw@127.0.0.1:4/2' }, { maxRetriesPerRequest: 1, reconnect: false });
    expect(r).toBeInstanceOf(Redis);
    expect((r as Redis).options).toMatchObject({ port: 4, db: 2, password: 'url-pw', maxRetriesPerRequest: 1 });
    expect((r as Redis).options.retryStrategy?.(1)).toBeNull();
  });
});
