/**
 * Error classes that decide what the queue does with a failed job.
 *
 * - PermanentError: retrying cannot help (bad input, missing mapping, unknown kind). The job fails
 *   at once and lands in the dead-letter queue with the message, which must name the record and
 *   the fix.
 * - ConflictError: a permanent error raised when the ERP rows changed under us.
 * - NotReadyError: the record is not complete yet (a header without lines); retried later on its
 *   own schedule and never marked done.
 * Anything else is treated as transient (connection loss, lock timeout) and retried with backoff.
 */
import type { Says } from './messages/index.js';

export interface RecordRef {
  table: string;
  id: string;
}

/**
 * A missing mapping behind an error: the web row (its id) of a kind that has no Mikro code. The
 * status page offers the Mikro candidates and writes the mapping in place.
 */
export const MAPPING_KINDS = ['account', 'cashBox', 'bank', 'stock', 'priceList'] as const;
export type MappingKind = (typeof MAPPING_KINDS)[number];
export interface MissingMapping {
  kind: MappingKind;
  webCode: string;
}

export interface PermanentErrorOptions {
  record?: RecordRef;
  fix?: string;
  cause?: unknown;
  /** The reason as a message key (its `.fix` key is the fix), rendered in the reader's language. */
  says?: Says;
  /** Set when the cause is a missing mapping the operator can pick on the page. */
  mapping?: MissingMapping;
}

export class PermanentError extends Error {
  override name = 'PermanentError';
  readonly record: RecordRef | undefined;
  readonly fix: string | undefined;
  readonly says: Says | undefined;
  readonly mapping: MissingMapping | undefined;
  constructor(message: string, opts: PermanentErrorOptions = {}) {
    super(opts.fix ? `${message} Fix: ${opts.fix}` : message, { cause: opts.cause });
    this.record = opts.record;
    this.fix = opts.fix;
    this.says = opts.says;
    this.mapping = opts.mapping;
  }
}

export class ConflictError extends PermanentError {
  override name = 'ConflictError';
}

export class NotReadyError extends Error {
  override name = 'NotReadyError';
}

/** A setting is missing or malformed; raised at start-up, never retried. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/**
 * Codes of passing failures that are not connection failures (those are CONNECTION_CODES, checked
 * first): PostgreSQL serialization failure, deadlock, lock not available.
 */
const TRANSIENT_CODES = new Set(['40001', '40P01', '55P03']);

/** True when an error is known to be permanent; everything unknown is retried. */
export function isPermanent(err: unknown): boolean {
  return err instanceof PermanentError;
}

/**
 * True for errors we know to be passing (a dependency down, a lock timeout, a deadlock victim, a
 * server fault of an HTTP API): retried for TRANSIENT_RETRY_FOR instead of MAX_RETRY_COUNT times.
 */
export function isKnownTransient(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  if (err instanceof PermanentError) return false;
  if (isConnectionError(err)) return true;
  if ((err as { transient?: unknown }).transient === true) return true;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' && TRANSIENT_CODES.has(code)) return true;
  // SQL Server: deadlock victim 1205, lock request timeout 1222
  const number = (err as { number?: unknown }).number;
  if (number === 1205 || number === 1222) return true;
  return /deadlock|lock timeout|connection (?:terminated|closed|reset)/i.test(err.message);
}

const CONNECTION_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EPIPE',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  // mssql/tedious: socket error, connection or login timeout, closed connection, failed login
  'ESOCKET',
  'ETIMEOUT',
  'ECONNCLOSED',
  'ELOGIN',
  'ENOTOPEN',
  // PostgreSQL: shutdown, starting up, too many connections, connection exceptions, database gone
  '57P01',
  '57P02',
  '57P03',
  '53300',
  '08000',
  '08001',
  '08003',
  '08004',
  '08006',
  '3D000',
]);

const CONNECTION_MESSAGE =
  /connection terminated|connection (?:closed|reset|refused|lost)|timeout exceeded when trying to connect|client has encountered a connection error|database system is (?:starting up|shutting down|in recovery mode)|terminating connection|failed to connect|socket hang up|ECONNREFUSED|ECONNRESET/i;

/**
 * True when the error says a dependency cannot be reached at all (refused, lost, login or connect
 * timeout, server shutting down): the dependency is down, not this job's data. Such failures feed
 * the circuit breaker and never use up a job's attempts. Looks through `cause` chains.
 */
export function isConnectionError(err: unknown): boolean {
  for (let e = err, depth = 0; e instanceof Error && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if (e instanceof PermanentError) return false;
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && CONNECTION_CODES.has(code)) return true;
    if (e instanceof AggregateError && e.errors.some((x) => isConnectionError(x))) return true;
    if (CONNECTION_MESSAGE.test(e.message)) return true;
  }
  return false;
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
