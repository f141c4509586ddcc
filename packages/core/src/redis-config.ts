/**
 * Where Redis is: one server (REDIS_URL), a Sentinel-watched master (REDIS_SENTINELS +
 * REDIS_SENTINEL_NAME), or a Cluster (REDIS_CLUSTER_NODES); and the key prefix of a shop.
 *
 * In cluster mode every key of a multi-key command or script must live in one hash slot. BullMQ's
 * scripts touch several keys of a queue, and our own scripts (Bitrix24 limiter, locks) several keys
 * of the shop, so the whole prefix is a hash tag there: QUEUE_PREFIX=mikrosync becomes
 * `{mikrosync}`. Outside cluster mode the prefix stays as it is, so the keys of existing
 * deployments (waiting jobs, dead letters, schedules) keep their names.
 */
import { z } from 'zod';

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

const nodeList = (name: string, example: string) =>
  z.string().refine((v) => parseRedisNodes(v) !== undefined, { message: `expected ${name} as host:port, comma-separated, e.g. ${example}` }).optional();

/** The variables of this section, merged into the configuration schema. */
export const REDIS_ENV = {
  QUEUE_PREFIX: z
    .string()
    .regex(/^(\{[A-Za-z0-9_-]+\}|[A-Za-z0-9_-]+)$/, { message: 'expected letters, digits, - or _ (optionally as a hash tag: {name})' })
    .default('mikrosync'),
  REDIS_SENTINELS: nodeList('the sentinels', '10.0.0.1:26379,10.0.0.2:26379,10.0.0.3:26379'),
  REDIS_SENTINEL_NAME: z.string().regex(/^\S+$/, { message: 'expected the master name of the sentinels (sentinel monitor NAME ...), e.g. mymaster' }).optional(),
  REDIS_SENTINEL_PASSWORD: z.string().optional(),
  REDIS_CLUSTER_NODES: nodeList('some cluster nodes', '10.0.0.1:6379,10.0.0.2:6379,10.0.0.3:6379'),
  REDIS_USERNAME: z.string().optional(),
  REDIS_PASSWORD: z.string().optional(),
};

/** Checks across the variables of this section, on the raw values. */
export function redisConfigProblems(raw: Record<string, string | undefined>): string[] {
  const problems: string[] = [];
  if (raw.REDIS_SENTINELS && raw.REDIS_CLUSTER_NODES) {
    problems.push('REDIS_SENTINELS / REDIS_CLUSTER_NODES: set one of them (Sentinel or Cluster), not both');
  }
  if (raw.REDIS_SENTINELS && !raw.REDIS_SENTINEL_NAME) {
    problems.push('REDIS_SENTINEL_NAME: required with REDIS_SENTINELS: the master name the sentinels monitor, e.g. mymaster');
  }
  return problems;
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
