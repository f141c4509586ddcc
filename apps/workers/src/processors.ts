/**
 * Which processor handles which record table. Unknown tables fail at once: a closed list of kinds.
 * Domains register themselves in domains/index.ts.
 */
import { DOMAINS, PermanentError, says, sourceFor, type Domain, type RecordJob } from '@mikrosync/core';
import type { WorkerContext } from './context.js';
import { DOMAIN_TASKS } from './tasks.js';

export type RecordProcessor = (job: RecordJob, ctx: WorkerContext) => Promise<string>;

export interface ProcessorOptions {
  /**
   * The processor passes `ctx.outbox` to its web read and web write: the newest open event is read
   * with the document and settled with the mapping. Otherwise the job reads and settles it itself.
   */
  outboxWithDocument?: boolean;
}

const RECORD_PROCESSORS: Record<string, RecordProcessor> = {};
const OPTIONS: Record<string, ProcessorOptions> = {};

export function registerRecordProcessor(table: string, processor: RecordProcessor, options: ProcessorOptions = {}): void {
  RECORD_PROCESSORS[table] = processor;
  OPTIONS[table] = options;
}

export function processorOptions(table: string): ProcessorOptions {
  return OPTIONS[table] ?? {};
}

export function recordProcessorFor(table: string): RecordProcessor {
  const p = RECORD_PROCESSORS[table];
  if (!p) throw new PermanentError(`no processor for records of table "${table}"`, { fix: 'check the capture trigger list (CAPTURE_SOURCES)', says: says('err.unknownTable', { table }) });
  return p;
}

/** Domains that have record processors or tasks (the rest arrive with their issues). */
export function implementedDomains(): Domain[] {
  return DOMAINS.filter(
    (d) => Object.keys(DOMAIN_TASKS[d] ?? {}).length > 0 || Object.keys(RECORD_PROCESSORS).some((table) => sourceFor(table)?.domain === d),
  );
}
