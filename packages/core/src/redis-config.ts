/**
 * Where Redis is: one server (REDIS_URL), a Sentinel-watched master (REDIS_SENTINELS +
 * REDIS_SENTINEL_NAME), or a Cluster (REDIS_CLUSTER_NODES); and the key prefix of a shop.
 *
 * In cluster mode every key of a multi-key command or script must live in one hash slot. BullMQ's
 * scripts touch several keys of a queue, and our own scripts (Bitrix24 limiter, locks) several keys
 * of the shop, so the whole prefix is a hash tag there: QUEUE_PREFIX=mikrosync becomes
 * `{mikrosync}`. Outside cluster mode the prefix stays as it is, so the keys of existing
 * deployments (waiting jobs, dead letters, schedules) keep their names.
 *
 * The variables themselves are declared in config/sections/redis.ts.
 */
export interface RedisNode {
  host: string;
  port: number;
}

export interface RedisConfig {
  /** Single server (REDIS_URL); ignored when sentinels or cluster nodes are set. */
  url: string;
  /** Key prefix of every queue and of our own keys: QUEUE_PREFIX, as a hash tag in cluster mode. */
  prefix: string;
  /** ACL user and password of the data nodes in sentinel and cluster mode (REDIS_URL carries its own). */
  username: string | undefined;
  password: string | undefined;
  sentinel: { nodes: RedisNode[]; name: string; password: string | undefined } | undefined;
  cluster: { nodes: RedisNode[] } | undefined;
}

const NODE = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._-]+):(\d{1,5})$/;

/** "host:port,host:port" (IPv6 in brackets); undefined when malformed. */
export function parseRedisNodes(value: string | undefined): RedisNode[] | undefined {
  const parts = (value ?? '').split(',').map((v) => v.trim()).filter(Boolean);
  if (parts.length === 0) return undefined;
  const nodes: RedisNode[] = [];
  for (const p of parts) {
    const m = NODE.exec(p);
    const port = Number(m?.[2]);
    if (!m || port < 1 || port > 65535) return undefined;
    nodes.push({ host: m[1]!.replace(/^\[|\]$/g, ''), port });
  }
  return nodes;
}

/** The prefix as one hash tag in cluster mode, unless QUEUE_PREFIX already is one. */
export function redisKeyPrefix(queuePrefix: string, cluster: boolean): string {
  return cluster && !queuePrefix.includes('{') ? `{${queuePrefix}}` : queuePrefix;
}

export function redisConfig(e: {
  REDIS_URL: string;
  QUEUE_PREFIX: string;
  REDIS_SENTINELS?: string | undefined;
  REDIS_SENTINEL_NAME?: string | undefined;
  REDIS_SENTINEL_PASSWORD?: string | undefined;
  REDIS_CLUSTER_NODES?: string | undefined;
  REDIS_USERNAME?: string | undefined;
  REDIS_PASSWORD?: string | undefined;
}): RedisConfig {
  const sentinels = parseRedisNodes(e.REDIS_SENTINELS);
  const clusterNodes = parseRedisNodes(e.REDIS_CLUSTER_NODES);
  return {
    url: e.REDIS_URL,
    prefix: redisKeyPrefix(e.QUEUE_PREFIX, clusterNodes !== undefined),
    username: e.REDIS_USERNAME,
    password: e.REDIS_PASSWORD,
    sentinel: sentinels ? { nodes: sentinels, name: e.REDIS_SENTINEL_NAME ?? '', password: e.REDIS_SENTINEL_PASSWORD } : undefined,
    cluster: clusterNodes ? { nodes: clusterNodes } : undefined,
  };
}
