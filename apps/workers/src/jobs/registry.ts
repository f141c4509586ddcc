/**
 * Lookups over DOMAIN_MODULES: the processor of a record table, the tasks of a domain. Unknown
 * tables and tasks fail at once: a closed list of kinds.
 */
import { DOMAINS, PermanentError, says, type Domain } from '@mikrosync/core';
import { DOMAIN_MODULES } from '../domains/index.js';
import type { RecordHandler, RecordProcessor, TaskProcessor } from './types.js';

const MODULES = Object.values(DOMAIN_MODULES);

const RECORD_HANDLERS: ReadonlyMap<string, RecordHandler> = new Map(
  MODULES.flatMap((m) => Object.entries(m.records ?? {}).map(([table, r]) => [table, typeof r === 'function' ? { process: r } : r] as const)),
);

/** Tasks per domain, read by the task runner, `mikrosync run` tests and the benches. */
export const DOMAIN_TASKS: Readonly<Partial<Record<Domain, Readonly<Record<string, TaskProcessor>>>>> = Object.fromEntries(
  MODULES.filter((m) => m.tasks).flatMap((m) => m.domains.map((d) => [d, m.tasks!] as const)),
);

export function findRecordHandler(table: string): RecordHandler | undefined {
  return RECORD_HANDLERS.get(table);
}

export function recordHandlerFor(table: string): RecordHandler {
  const h = RECORD_HANDLERS.get(table);
  if (!h) throw new PermanentError(`no processor for records of table "${table}"`, { fix: 'check the capture trigger list (CAPTURE_SOURCES)', says: says('err.unknownTable', { table }) });
  return h;
}

export function recordProcessorFor(table: string): RecordProcessor {
  return recordHandlerFor(table).process;
}

/** The tables that have a record processor. */
export function recordTables(): string[] {
  return [...RECORD_HANDLERS.keys()];
}

/** Domains whose folder is in DOMAIN_MODULES (the rest arrive with their issues). */
export function implementedDomains(): Domain[] {
  const served = new Set(MODULES.flatMap((m) => m.domains));
  return DOMAINS.filter((d) => served.has(d));
}
