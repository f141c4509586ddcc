/**
 * What one bitrix cycle did, entity by entity: rows changed, soft deletes, entities that failed
 * (logged with the entity, the cycle goes on), methods paused by the portal's time budget, and
 * deletions the guard refused. Also the helpers every step shares: classifying an entity's error
 * and logging odd records without flooding the log.
 */
import type { Logger } from '@mikrosync/core';
import { BitrixMethodError, BitrixMethodPausedError, BitrixPortalError } from '@mikrosync/connectors/bitrix';
import type { BitrixMapIssue } from '@mikrosync/mappers';

const ISSUE_LINES_PER_ENTITY = 20;

export class CycleReport {
  readonly rows: Record<string, number> = {};
  readonly fetched: Record<string, number> = {};
  deleted = 0;
  readonly failures: { entity: string; message: string; transient: boolean }[] = [];
  readonly paused: { entity: string; method: string; untilMs: number }[] = [];
  readonly refused: { entity: string; reason: string }[] = [];
  stopped = false;
  private readonly issueLines = new Map<string, number>();

  constructor(
    readonly cycle: number,
    readonly log: Logger,
  ) {}

  add(step: string, changed: number, fetched = 0): void {
    this.rows[step] = (this.rows[step] ?? 0) + changed;
    this.fetched[step] = (this.fetched[step] ?? 0) + fetched;
  }

  /** A record with fields of an unexpected type: stored raw, named in the log (first 20 per entity). */
  recordIssues(entity: string, id: number | null, issues: BitrixMapIssue[]): void {
    if (!issues.length) return;
    const n = (this.issueLines.get(entity) ?? 0) + 1;
    this.issueLines.set(entity, n);
    if (n <= ISSUE_LINES_PER_ENTITY) {
      this.log.warn({ entity, id, issues }, id === null ? `Bitrix24 ${entity} record without a usable ID: skipped` : `Bitrix24 ${entity} ${id}: unexpected field value(s) stored raw only`);
    } else if (n === ISSUE_LINES_PER_ENTITY + 1) {
      this.log.warn({ entity }, `more Bitrix24 ${entity} records with unexpected field values this cycle; not logged one by one`);
    }
  }

  /**
   * Records an entity's failure and lets the cycle go on, except when the portal refuses the
   * webhook (nothing else can work: rethrown) or the process is stopping (rethrown).
   */
  entityFailed(entity: string, err: unknown, signal: AbortSignal): void {
    if (err instanceof BitrixPortalError) throw err;
    if (signal.aborted) {
      this.stopped = true;
      return;
    }
    if (err instanceof BitrixMethodPausedError) {
      this.paused.push({ entity, method: err.method, untilMs: err.untilMs });
      this.log.warn({ entity, method: err.method, until: new Date(err.untilMs).toISOString() }, `Bitrix24 ${entity}: ${err.method} paused by the portal's time budget; continuing next cycle`);
      return;
    }
    const message = err instanceof Error ? err.message : String(err);
    const transient = !(err instanceof BitrixMethodError);
    this.failures.push({ entity, message, transient });
    this.log.error({ entity, err, transient }, `Bitrix24 ${entity} not synced this cycle`);
  }

  summary(): string {
    const changed = Object.entries(this.rows)
      .filter(([, n]) => n > 0)
      .map(([k, n]) => `${n} ${k}`);
    const parts = [`bitrix cycle ${this.cycle}: ${changed.length ? `${changed.join(', ')} changed` : 'no changes'}`];
    if (this.deleted) parts.push(`${this.deleted} deleted`);
    if (this.paused.length) parts.push(`paused: ${this.paused.map((p) => `${p.entity} until ${new Date(p.untilMs).toISOString()}`).join(', ')}`);
    if (this.refused.length) parts.push(`deletions refused: ${this.refused.map((r) => r.entity).join(', ')}`);
    if (this.failures.length) parts.push(`failed: ${this.failures.map((f) => f.entity).join(', ')}`);
    if (this.stopped) parts.push('stopped early by shutdown (resumes next cycle)');
    return parts.join('; ');
  }
}
