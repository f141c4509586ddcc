/**
 * The one place Redis connections are made, for BullMQ and for our own keys: a single server
 * (REDIS_URL), the master a set of sentinels names (REDIS_SENTINELS), or a Cluster
 * (REDIS_CLUSTER_NODES).
 */
import { Cluster, Redis, type RedisOptions } from 'ioredis';
import { scrubSecrets, type RedisConfig } from '@mikrosync/core';

/** A connection to whichever topology is configured; BullMQ and our scripts accept both. */
export type RedisConnection = Redis | Cluster;

/** The Redis part of the configuration; a bare `{ url }` is one server. */
export type RedisTarget = Pick<RedisConfig, 'url'> & Partial<Pick<RedisConfig, 'username' | 'password' | 'sentinel' | 'cluster'>>;

export interface RedisConnectOptions {
  /**
   * Default null: a command waits through a Redis restart or a failover instead of failing, so that
   * no job is lost while Redis is away (BullMQ requires it for workers). One-shot commands of the
   * CLI set a small number to fail instead of hanging.
   */
  maxRetriesPerRequest?: number | null;
  /** false: give up after the first failed connection (test-connection reports it at once). */
  reconnect?: boolean;
  /** Milliseconds to wait for a connection before giving up (ioredis' connectTimeout). */
  connectTimeout?: number;
  /** Connect on the first command or on connect(), not at once. */
  lazyConnect?: boolean;
}

const backoff = (times: number) => Math.min(200 * 2 ** Math.min(times, 6), 5000);

// After a failover the old master may come back as a replica while a connection still points at
// it: writes then fail with READONLY. Reconnecting asks the sentinels for the new master, and the
// failed command is sent again there.
const reconnectOnReadonly = (err: Error) => (err.message.startsWith('READONLY') ? 2 : false);

export function createRedis(target: RedisTarget, opts: RedisConnectOptions = {}): RedisConnection {
  const retry = opts.reconnect === false ? () => null : backoff;
  const common: RedisOptions = {
    maxRetriesPerRequest: opts.maxRetriesPerRequest === undefined ? null : opts.maxRetriesPerRequest,
    enableReadyCheck: true,
    retryStrategy: retry,
    ...(opts.connectTimeout === undefined ? {} : { connectTimeout: opts.connectTimeout }),
    ...(opts.lazyConnect === undefined ? {} : { lazyConnect: opts.lazyConnect }),
  };
  if (target.cluster) {
    return new Cluster(target.cluster.nodes, {
      redisOptions: { ...common, username: target.username, password: target.password },
      clusterRetryStrategy: retry,
      ...(opts.lazyConnect === undefined ? {} : { lazyConnect: opts.lazyConnect }),
      // A MOVED answer during a resharding or failover refreshes the slot map; a node that is down
      // is retried by the cluster client, not reported as a failed job.
      retryDelayOnFailover: 200,
      retryDelayOnClusterDown: 500,
      retryDelayOnTryAgain: 200,
    });
  }
  if (target.sentinel) {
    return new Redis({
      ...common,
      sentinels: target.sentinel.nodes,
      name: target.sentinel.name,
      sentinelPassword: target.sentinel.password,
      username: target.username,
      password: target.password,
      sentinelRetryStrategy: retry,
      // Sentinels announce +switch-master: connections move to the new master without waiting
      // for the old one's socket to time out.
      failoverDetector: true,
      reconnectOnError: reconnectOnReadonly,
    });
  }
  return new Redis(target.url, { ...common, reconnectOnError: reconnectOnReadonly });
}

/**
 * The server's maxmemory-policy, or "unknown" where CONFIG GET is refused (managed Redis services
 * often disable CONFIG); the caller warns either way unless it is noeviction.
 */
export async function readEvictionPolicy(redis: RedisConnection): Promise<string> {
  try {
    const answer = (await redis.config('GET', 'maxmemory-policy')) as unknown;
    const flat = Array.isArray(answer) ? answer : [];
    return typeof flat[1] === 'string' && flat[1] ? flat[1] : 'unknown';
  } catch {
    return 'unknown';
  }
}

/** Redis did not answer a one-off command: the reason names REDIS_URL and the host, never its credentials. */
export class RedisUnreachableError extends Error {
  override name = 'RedisUnreachableError';
}

/** The setting that says where Redis is, for messages that tell the operator what to correct. */
export function redisSetting(target: RedisTarget): 'REDIS_CLUSTER_NODES' | 'REDIS_SENTINELS' | 'REDIS_URL' {
  return target.cluster ? 'REDIS_CLUSTER_NODES' : target.sentinel ? 'REDIS_SENTINELS' : 'REDIS_URL';
}

/** Where Redis is, without user and password: host:port of the URL, or the sentinels / cluster nodes. */
export function redisAddress(target: RedisTarget): string {
  const nodes = (list: { host: string; port: number }[]) => list.map((n) => `${n.host}:${n.port}`).join(',');
  const where = target.cluster
    ? `cluster ${nodes(target.cluster.nodes)}`
    : target.sentinel
      ? `sentinels ${nodes(target.sentinel.nodes)}, master ${target.sentinel.name}`
      : (() => {
          try {
            const u = new URL(target.url);
            return `${u.hostname}:${u.port || '6379'}`;
          } catch {
            return '(unparsable URL)';
          }
        })();
  return `${where} (${redisSetting(target)})`;
}

/**
 * A connection for a one-off command (status, dlq, run, sweep): connected and answering within
 * `timeoutMs`, or a RedisUnreachableError. It never reconnects, so a command with Redis down ends
 * with one clear line instead of hanging or retrying forever. `blocking`: for QueueEvents.
 */
export async function connectRedisForCommand(target: RedisTarget, opts: { timeoutMs?: number; blocking?: boolean } = {}): Promise<RedisConnection> {
  const timeoutMs = opts.timeoutMs ?? 3000;
  const redis = createRedis(target, { lazyConnect: true, connectTimeout: timeoutMs, maxRetriesPerRequest: opts.blocking ? null : 1, reconnect: false });
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
    throw new RedisUnreachableError(`Redis at ${redisAddress(target)} is unreachable: ${reason}. Start Redis or correct ${redisSetting(target)}.`);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Redis' version and eviction policy. A managed Redis may refuse CONFIG GET (renamed or ACL'd):
 * then the policy is `undefined` (unknown), not an error.
 */
export async function redisServerInfo(redis: RedisConnection): Promise<{ version: string; evictionPolicy: string | undefined }> {
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
