import { describe, expect, it } from 'vitest';
import { loadConfig } from './config/index.js';
import { ConfigError } from './errors.js';
import { parseRedisNodes, redisKeyPrefix } from './redis-config.js';

const MINIMAL = { WEB_DATABASE_URL: 'postgres://app@db.example:5432/app', ERP_DIALECT: 'pg', ERP_DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/mikro' };

function problems(env: Record<string, string>): string {
  try {
    loadConfig({ ...MINIMAL, ...env });
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as ConfigError).message;
  }
  throw new Error('expected a ConfigError');
}

describe('Redis topology configuration', () => {
  it('reads sentinels, the master name and the passwords', () => {
    const c = loadConfig({
      ...MINIMAL,
      REDIS_SENTINELS: '10.0.0.1:26379, sentinel-b:26380,[::1]:26381',
      REDIS_SENTINEL_NAME: 'mymaster',
      REDIS_SENTINEL_PASSWORD: 'SentinelPw_9x',
      REDIS_PASSWORD: 'DataPw_9x',
      QUEUE_PREFIX: 'shop1',
    });
    expect(c.redis.sentinel).toEqual({
      nodes: [
        { host: '10.0.0.1', port: 26379 },
        { host: 'sentinel-b', port: 26380 },
        { host: '::1', port: 26381 },
      ],
      name: 'mymaster',
      password: 'SentinelPw_9x',
    });
    expect(c.redis.password).toBe('DataPw_9x');
    expect(c.redis.cluster).toBeUndefined();
    // Not a cluster: the prefix, and so every existing key name, stays as it was.
    expect(c.redis.prefix).toBe('shop1');
  });

  it('hash-tags the prefix in cluster mode so every key of a shop shares one slot', () => {
    const c = loadConfig({ ...MINIMAL, REDIS_CLUSTER_NODES: '127.0.0.1:7000,127.0.0.1:7001', QUEUE_PREFIX: 'shop1' });
    expect(c.redis.cluster?.nodes).toEqual([
      { host: '127.0.0.1', port: 7000 },
      { host: '127.0.0.1', port: 7001 },
    ]);
    expect(c.redis.prefix).toBe('{shop1}');
    expect(loadConfig({ ...MINIMAL, REDIS_CLUSTER_NODES: '127.0.0.1:7000', QUEUE_PREFIX: '{shop1}' }).redis.prefix).toBe('{shop1}');
    expect(loadConfig({ ...MINIMAL, QUEUE_PREFIX: '{shop1}' }).redis.prefix).toBe('{shop1}');
    expect(redisKeyPrefix('a', false)).toBe('a');
  });

  it('names the variable and the fix for a wrong topology', () => {
    expect(problems({ REDIS_SENTINELS: '10.0.0.1' })).toMatch(/REDIS_SENTINELS: expected the sentinels as host:port/);
    expect(problems({ REDIS_SENTINELS: '10.0.0.1:26379' })).toMatch(/REDIS_SENTINEL_NAME: required with REDIS_SENTINELS/);
    expect(problems({ REDIS_CLUSTER_NODES: 'a:1,b:99999' })).toMatch(/REDIS_CLUSTER_NODES: expected/);
    expect(problems({ REDIS_CLUSTER_NODES: 'a:7000', REDIS_SENTINELS: 'b:26379', REDIS_SENTINEL_NAME: 'm' })).toMatch(/set one of them/);
    expect(problems({ QUEUE_PREFIX: 'shop:1' })).toMatch(/QUEUE_PREFIX/);
  });

  it('never echoes a Redis password in an error', () => {
    const msg = problems({ REDIS_PASSWORD: 'DataPw_Sup3rSecret', REDIS_SENTINEL_PASSWORD: 'SentPw_Sup3rSecret', REDIS_SENTINELS: 'x', WORKER_CONCURRENCY: 'many' });
    expect(msg).not.toContain('DataPw_Sup3rSecret');
    expect(msg).not.toContain('SentPw_Sup3rSecret');
  });

  it('parses host:port lists', () => {
    expect(parseRedisNodes('')).toBeUndefined();
    expect(parseRedisNodes('h:0')).toBeUndefined();
    expect(parseRedisNodes('h:6379,')).toEqual([{ host: 'h', port: 6379 }]);
  });
});
