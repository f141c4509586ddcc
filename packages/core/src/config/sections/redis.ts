import { z } from 'zod';
import { parseRedisNodes, redisConfig } from '../../redis-config.js';
import { secret, url } from '../fields.js';
import { section } from '../section.js';

const nodeList = (name: string, example: string) =>
  z.string().refine((v) => parseRedisNodes(v) !== undefined, { message: `expected ${name} as host:port, comma-separated, e.g. ${example}` }).optional();

export const redis = section(
  `Queues (Redis >= 6.2 with maxmemory-policy noeviction)
Redis Sentinel (high availability): the sentinels and the master name they monitor; connections follow a failover.
Redis Cluster: some nodes (the rest are discovered). The prefix becomes a hash tag ({mikrosync}), so every
key of a shop lives in one slot (BullMQ's and our scripts need that); a shop's keys are on one master.`,
  {
    REDIS_URL: secret(url(['redis:', 'rediss:'], 'redis://127.0.0.1:6379').default('redis://127.0.0.1:6379')).describe(
      'one server (password and db in the URL); ignored when REDIS_SENTINELS or REDIS_CLUSTER_NODES is set',
    ),
    QUEUE_PREFIX: z
      .string()
      .regex(/^(\{[A-Za-z0-9_-]+\}|[A-Za-z0-9_-]+)$/, { message: 'expected letters, digits, - or _ (optionally as a hash tag: {name})' })
      .default('mikrosync')
      .describe('every key of this shop starts with it: several shops share one Redis with different prefixes'),
    REDIS_SENTINELS: nodeList('the sentinels', '10.0.0.1:26379,10.0.0.2:26379,10.0.0.3:26379').describe(
      'Sentinel: host:port,host:port,... e.g. 10.0.0.1:26379,10.0.0.2:26379,10.0.0.3:26379',
    ),
    REDIS_SENTINEL_NAME: z
      .string()
      .regex(/^\S+$/, { message: 'expected the master name of the sentinels (sentinel monitor NAME ...), e.g. mymaster' })
      .optional()
      .describe('sentinel monitor NAME, e.g. mymaster (required with REDIS_SENTINELS)'),
    REDIS_SENTINEL_PASSWORD: secret(z.string().optional()).describe('when the sentinels require a password (requirepass of the sentinels)'),
    REDIS_CLUSTER_NODES: nodeList('some cluster nodes', '10.0.0.1:6379,10.0.0.2:6379,10.0.0.3:6379').describe(
      'Cluster: host:port,host:port,... e.g. 10.0.0.1:6379,10.0.0.2:6379,10.0.0.3:6379',
    ),
    REDIS_USERNAME: z.string().optional().describe('ACL user of the Redis nodes in sentinel and cluster mode'),
    REDIS_PASSWORD: secret(z.string().optional()).describe(
      `The Redis servers' password. docker compose starts its Redis with it (16+ characters: letters, digits,
- _ . ~), and then REDIS_URL carries it too: REDIS_URL=redis://:<REDIS_PASSWORD>@redis:6379 (an edge
worker: the box's LAN address). In sentinel and cluster mode connections use it for the data nodes.`,
    ),
  },
  (e) => redisConfig(e),
  (e, report) => {
    if (e.REDIS_SENTINELS && e.REDIS_CLUSTER_NODES) report('REDIS_SENTINELS / REDIS_CLUSTER_NODES', 'set one of them (Sentinel or Cluster), not both');
    if (e.REDIS_SENTINELS && !e.REDIS_SENTINEL_NAME) report('REDIS_SENTINEL_NAME', 'required with REDIS_SENTINELS: the master name the sentinels monitor, e.g. mymaster');
  },
);
