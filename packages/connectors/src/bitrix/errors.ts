/**
 * What a Bitrix24 error means for us (spec §1.4, §1.9). Decided by the machine code and the HTTP
 * status, never by the description (except that "" and "0" mean "code unknown").
 *
 * - rate-limit: the portal's leaky bucket is full: pause every bitrix worker and retry.
 * - operating-limit: this method's 10-minute time budget is spent: pause the method until reset.
 * - portal: the webhook cannot work at all (wrong or expired code, plan, blocked portal):
 *   stop the cycle with a PermanentError naming the fix (dead-letter queue = alert).
 * - method: this method/entity cannot be read (scope, permission, unknown method): log it with
 *   the entity and go on with the next entity.
 * - transient: server fault, proxy HTML, network: retry with backoff.
 */
import { PermanentError } from '@mikrosync/core';

export type BitrixErrorKind = 'rate-limit' | 'operating-limit' | 'portal' | 'method' | 'transient';

const PORTAL_CODES = new Set([
  'NO_AUTH_FOUND',
  'expired_token',
  'invalid_token',
  'INVALID_CREDENTIALS',
  'ACCESS_DENIED',
  'PORTAL_DELETED',
  'OVERLOAD_LIMIT',
  'INVALID_REQUEST',
  'user_access_error',
  'APPLICATION_NOT_FOUND',
]);
const TRANSIENT_CODES = new Set(['INTERNAL_SERVER_ERROR', 'ERROR_UNEXPECTED_ANSWER']);

export function classifyBitrixError(status: number, code: string): BitrixErrorKind {
  if (code === 'QUERY_LIMIT_EXCEEDED') return 'rate-limit';
  if (code === 'OPERATION_TIME_LIMIT') return 'operating-limit';
  if (PORTAL_CODES.has(code)) return 'portal';
  if (TRANSIENT_CODES.has(code)) return 'transient';
  if (status === 401) return 'portal';
  if (status >= 500) return 'transient';
  return 'method';
}

/** The operator's fix for a known code. */
export function bitrixFixFor(code: string, scope?: string): string {
  switch (code) {
    case 'NO_AUTH_FOUND':
    case 'expired_token':
    case 'invalid_token':
      return 'the webhook code is wrong, expired or was deleted: have a portal administrator create an inbound webhook (scopes crm, task, user, department) and set BITRIX_WEBHOOK_URL to it';
    case 'INVALID_CREDENTIALS':
      return "give the webhook's user the rights it needs, or recreate the webhook as a portal administrator";
    case 'ACCESS_DENIED':
      return 'the REST API is available only on commercial Bitrix24 plans';
    case 'OVERLOAD_LIMIT':
      return 'the REST API of the portal was blocked by Bitrix24 support for overload: contact Bitrix24 support';
    case 'PORTAL_DELETED':
      return 'the portal was deleted or closed: check BITRIX_WEBHOOK_URL';
    case 'INVALID_REQUEST':
      return 'use the https:// address of the portal in BITRIX_WEBHOOK_URL';
    case 'insufficient_scope':
      return `tick scope "${scope ?? 'crm/task/user/department'}" on the inbound webhook`;
    case '':
      return "give the webhook's user read access to this entity (create the webhook as a portal administrator)";
    case 'ERROR_METHOD_NOT_FOUND':
      return 'check that the module of this method is enabled on the portal';
    default:
      return 'see the Bitrix24 error code in the REST documentation';
  }
}

/** The portal refuses the webhook: nothing of this portal can be synced until an operator acts. */
export class BitrixPortalError extends PermanentError {
  override name = 'BitrixPortalError';
  constructor(
    readonly portal: string,
    readonly method: string,
    readonly code: string,
    readonly status: number,
    description: string,
  ) {
    super(`Bitrix24 ${portal} refused ${method}: HTTP ${status} ${code || '(no code)'} "${description}".`, { fix: bitrixFixFor(code) });
  }
}

/** One method (entity) cannot be read; the others can. */
export class BitrixMethodError extends PermanentError {
  override name = 'BitrixMethodError';
  constructor(
    readonly portal: string,
    readonly method: string,
    readonly code: string,
    readonly status: number,
    readonly description: string,
    scope?: string,
  ) {
    super(`Bitrix24 ${portal} refused ${method}: HTTP ${status} ${code === '' ? '(empty code)' : code} "${description}".`, { fix: bitrixFixFor(code, scope) });
  }
}

/** A method is paused (its time budget is spent) until `untilMs`; nothing was sent. */
export class BitrixMethodPausedError extends Error {
  override name = 'BitrixMethodPausedError';
  constructor(
    readonly method: string,
    readonly untilMs: number,
  ) {
    super(`Bitrix24 method ${method} is paused until ${new Date(untilMs).toISOString()} (OPERATION_TIME_LIMIT: its 10-minute time budget is spent)`);
  }
}

/** Server faults, HTML answers and network errors that outlasted the client's retries. */
export class BitrixTransientError extends Error {
  override name = 'BitrixTransientError';
  /** Retried by the queue for TRANSIENT_RETRY_FOR (core's isKnownTransient). */
  readonly transient = true;
  constructor(
    message: string,
    readonly status: number | undefined,
  ) {
    super(message);
  }
}
