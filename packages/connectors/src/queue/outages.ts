/**
 * Dependency outages as the whole fleet sees them: a worker whose circuit breaker opened writes a
 * Redis hash per dependency (since when, why); the producer's status API, /readyz, metrics and
 * alerts read it. The key expires unless a worker still waiting refreshes it, so a fleet that was
 * stopped during an outage does not report it forever.
 */
import type { RedisConnection as Redis } from './connection.js';
import { DEPENDENCIES, DOMAIN_MANIFESTS, type Dependency, type Domain } from '@mikrosync/core';

export { DEPENDENCIES, type Dependency };

/** What each domain needs to do any work (its manifest): it waits while one of them is down. */
export const DOMAIN_DEPENDENCIES: Readonly<Record<Domain, readonly Dependency[]>> = Object.fromEntries(DOMAIN_MANIFESTS.map((m) => [m.name, m.needs])) as Record<Domain, readonly Dependency[]>;

export interface Outage {
  dependency: Dependency;
  /** Epoch ms of the first connection failure that opened a breaker. */
  since: number;
  /** The last failure, as the driver said it (no credentials: connection strings are never in it). */
  reason: string;
}

/**
 * Who saw it: the workers' breakers, or the producer (its outbox listener and pool need the web
 * database too, and it may be the only one to notice while no job runs). Each clears its own.
 */
export type OutageObserver = 'workers' | 'producer';
const OBSERVERS: readonly OutageObserver[] = ['workers', 'producer'];

function key(prefix: string, dep: Dependency, observer: OutageObserver): string {
  return `${prefix}:outage:${dep}:${observer}`;
}

/** Opens (or keeps open) the outage; the first writer's `since` stays. */
export async function markOutage(
  redis: Redis,
  prefix: string,
  dep: Dependency,
  since: number,
  reason: string,
  ttlMs: number,
  observer: OutageObserver = 'workers',
): Promise<void> {
  const k = key(prefix, dep, observer);
  await redis.multi().hsetnx(k, 'since', String(since)).hset(k, 'reason', reason.slice(0, 500)).pexpire(k, ttlMs).exec();
}

export async function clearOutage(redis: Redis, prefix: string, dep: Dependency, observer: OutageObserver = 'workers'): Promise<void> {
  await redis.del(key(prefix, dep, observer));
}

/** One entry per dependency that anyone sees down, with the earliest `since`. */
export async function readOutages(redis: Redis, prefix: string): Promise<Outage[]> {
  const out: Outage[] = [];
  for (const dependency of DEPENDENCIES) {
    let found: Outage | undefined;
    for (const observer of OBSERVERS) {
      const h = await redis.hgetall(key(prefix, dependency, observer));
      if (!h.since) continue;
      const since = Number(h.since);
      if (!found || since < found.since) found = { dependency, since, reason: h.reason ?? found?.reason ?? '' };
    }
    if (found) out.push(found);
  }
  return out;
}
