/**
 * What a domain is, as data: its name (the queue and `--domain NAME`), its label on the console,
 * the web tables it captures and the tasks it runs. The worker code of a domain lives in
 * apps/workers/src/domains/<folder>; the producer, the status page and the CLI read only these.
 * Manifests hold data and `cron(c)` functions only, so every process can load them.
 */
import type { Config } from '../config/index.js';

/** What a domain may depend on: the ERP database and the web database. */
export const DEPENDENCIES = ['erp', 'web'] as const;
export type Dependency = (typeof DEPENDENCIES)[number];

/** A web table captured into the outbox; its events go to the queue of the manifest's domain. */
export interface CapturedTable {
  table: string;
  /** Column whose value is the outbox record id (default `id`); a line table names its header. */
  keyColumn?: string;
  /** Table whose job an event belongs to: lines travel with their header's job. */
  jobTable?: string;
  /**
   * Delay before the job runs, so a burst of edits collapses into one job: OUTBOX_DEBOUNCE_MS, or
   * OUTBOX_DOCUMENT_DEBOUNCE_MS for documents with lines (a header and its lines written in
   * separate transactions then travel as one job; lines arriving later re-post it in place).
   */
  debounce?: 'record' | 'document';
}

/** A cron schedule of a task, registered by the long-running producer as a BullMQ job scheduler. */
export interface TaskSchedule {
  /** The job scheduler's id, stored in Redis: renaming it leaves the old one behind. */
  id: string;
  /** The setting that turns it on or off (named in the log when it is off). */
  variable: string;
  /** The cron pattern from config; '' = off. */
  cron(c: Config): string;
}

export interface DomainTask {
  name: string;
  /** The task "run now" on the console starts; its first schedule sets the domain's staleness. */
  default?: boolean;
  /**
   * One run at a time across every worker process: a second run (two schedules firing together,
   * a manual run during a long one) is skipped instead of doing the same work twice.
   */
  exclusive?: boolean;
  /** Most tasks have one schedule; the stock XML feed has two (hourly and at fixed hours). */
  schedules?: readonly TaskSchedule[];
}

export interface DomainManifest<Name extends string = string> {
  name: Name;
  /** The domain as operators see it on the console (a "flow"). */
  label: { tr: string; en: string };
  /** What the domain needs to do any work: its jobs wait (breakers, outages) while one is down. */
  needs: readonly Dependency[];
  captures: readonly CapturedTable[];
  tasks: readonly DomainTask[];
}

/** Keeps the literal name, so the list of manifests types `Domain`. */
export function defineDomain<const Name extends string>(manifest: DomainManifest<Name>): DomainManifest<Name> {
  return manifest;
}
