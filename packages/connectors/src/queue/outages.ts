/**
 * Dependency outages as the whole fleet sees them: a worker whose circuit breaker opened writes a
 * Redis hash per dependency (since when, why); the producer's status API, /readyz, metrics and
 * alerts read it. The key expires unless a worker still waiting refreshes it, so a fleet that was
 * stopped during an outage does not report it forever.
 */
import type { Redis } from 'ioredis';
import type { Domain } from '@mikrosync/core';

/** What a domain depends on: the ERP database and the web database. */
export const DEPENDENCIES = ['erp', 'web'] as const;
export type Dependency = (typeof DEPENDENCIES)[number];

/** What each domain needs to do any work: it waits while one of them is down. */
export const DOMAIN_DEPENDENCIES: Record<Domain, readonly Dependency[]> = {
  sales: ['erp', 'web'],
  purchases: ['erp', 'web'],
  returns: ['erp', 'web'],
  collections: ['erp', 'web'],
  stock: ['erp', 'web'],
  catalog: ['erp', 'web'],
  xml: ['erp', 'web'],
  entegra: ['web'],
  bitrix: ['web'],
};

export interface Outage {
  dependency: Dependency;
  /** Epoch ms of the first connection failure that opened a breaker. */
  since: number;
  /** The last failure, as the driver said it (no credentials: connection strings are never in it). */
  reason: string;
}

function key(prefix: string, dep: Dependency): string {
  return `${prefix}:outage:${dep}`;
}

/** Opens (or keeps open) the outage; the first writer's `since` stays. */
export async function markOutage(redis: Redis, prefix: string, dep: Dependency, since: number, reason: string, ttlMs: number): Promise<void> {
  const k = key(prefix, dep);
  await redis.multi().hsetnx(k, 'since', String(since)).hset(k, 'reason', reason.slice(0, 500)).pexpire(k, ttlMs).exec();
}

export async function clearOutage(redis: Redis, prefix: string, dep: Dependency): Promise<void> {
  await redis.del(key(prefix, dep));
}

export async function readOutages(redis: Redis, prefix: string): Promise<Outage[]> {
  const out: Outage[] = [];
  for (const dependency of DEPENDENCIES) {
    const h = await redis.hgetall(key(prefix, dependency));
    if (h.since) out.push({ dependency, since: Number(h.since), reason: h.reason ?? '' });
  }
  return out;
}
