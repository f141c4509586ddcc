/**
 * The list of domains. Adding a domain: one manifest here, one worker folder under
 * apps/workers/src/domains, one worker service in docker-compose.yml. Everything else (queues,
 * capture triggers, schedules, the console's flows, the CLI's domain lists) is derived from it.
 */
import { bitrix } from './bitrix.js';
import { catalog } from './catalog.js';
import { collections } from './collections.js';
import { entegra } from './entegra.js';
import type { CapturedTable, DomainTask } from './manifest.js';
import { purchases } from './purchases.js';
import { returns } from './returns.js';
import { sales } from './sales.js';
import { stock } from './stock.js';
import { xml } from './xml.js';

export * from './manifest.js';

/** In the order operators see them (the console, the CLI's lists). */
export const DOMAIN_MANIFESTS = [sales, purchases, returns, collections, stock, catalog, entegra, xml, bitrix] as const;

export type Domain = (typeof DOMAIN_MANIFESTS)[number]['name'];

export const DOMAINS: readonly Domain[] = DOMAIN_MANIFESTS.map((m) => m.name);

/** A web table captured into the outbox, and where its events go. */
export interface CaptureSource extends CapturedTable {
  domain: Domain;
}

/** Tables the capture trigger is attached to, with the domain that handles them. */
export const CAPTURE_SOURCES: readonly CaptureSource[] = DOMAIN_MANIFESTS.flatMap((m) => m.captures.map((c) => ({ ...c, domain: m.name })));

export function manifestOf(domain: Domain): (typeof DOMAIN_MANIFESTS)[number] {
  return DOMAIN_MANIFESTS.find((m) => m.name === domain)!;
}

/** The task "run now" starts for a task domain; undefined for a domain driven by the outbox. */
export function defaultTaskOf(domain: Domain): DomainTask | undefined {
  return manifestOf(domain).tasks.find((t) => t.default);
}

export function sourceFor(table: string): CaptureSource | undefined {
  return CAPTURE_SOURCES.find((s) => s.table === table);
}

/** The captured tables whose events settle with a job of `jobTable` (the header and its lines). */
export function tablesOfJob(jobTable: string): string[] {
  return CAPTURE_SOURCES.filter((s) => (s.jobTable ?? s.table) === jobTable).map((s) => s.table);
}
