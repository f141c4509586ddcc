import { z } from 'zod';
import { int, positive, secret, share, url } from '../fields.js';
import { isLoopbackHost } from '../hosts.js';
import { section } from '../section.js';

export const bitrix = section(
  'Bitrix24 -> PostgreSQL (bitrix domain)',
  {
    // The URL holds a credential (its code): never logged, never echoed in errors. Optional: without
    // it only the bitrix cycle fails (PermanentError naming this variable).
    BITRIX_WEBHOOK_URL: secret(
      z
        .string()
        .refine((v) => /^https?:\/\/[^/\s]+\/rest\/\d+\/[^/\s]+\/?$/.test(v.trim()) && (v.startsWith('https:') || isLoopbackHost(new URL(v).hostname)), {
          message: 'expected the inbound webhook URL https://PORTAL/rest/USER_ID/CODE/ (https is required by Bitrix24)',
        })
        .optional(),
    ).describe(
      `inbound webhook https://PORTAL/rest/USER_ID/CODE/ (scopes crm, task, user, department),
created by a portal administrator. A secret: never logged. Empty: only the bitrix cycle fails`,
    ),
    BITRIX_DATABASE_URL: secret(url(['postgres:', 'postgresql:'], 'postgres://user:password@host:5432/crm').optional()).describe(
      'target database of the `bitrix` schema; empty = the web database',
    ),
    BITRIX_RATE_PER_SECOND: positive(2, 1000, 'expected requests per second, e.g. 2 (5 on Enterprise)').describe(
      'leaky bucket drain shared by all bitrix workers through Redis (Enterprise: 5)',
    ),
    BITRIX_RATE_BURST: int(50, 1, 10_000).describe('bucket size (Enterprise: 250); lower it to leave headroom for other tools on the portal'),
    BITRIX_OPERATING_LIMIT_SECONDS: int(480, 1, 100_000).describe('per-method time budget per 10 min; a method is paused at 80 % until its reset'),
    BITRIX_BATCH_CALLS: int(50, 1, 50).describe('sub-calls per `batch` request (max 50)'),
    BITRIX_OVERLAP_SECONDS: int(120, 0, 86_400).describe('incremental reads start this long before the watermark (duplicates are harmless)'),
    BITRIX_DIRECTORY_EVERY: int(10, 1, 10_000).describe('users and departments are read in full every Nth cycle (and on the first one)'),
    BITRIX_RECONCILE_INTERVAL_MINUTES: int(60, 0, 525_600).describe('ID sweep that soft-deletes rows gone from Bitrix24; 0 = every cycle'),
    BITRIX_DELETE_GUARD_SHARE: share(0.05).describe('a sweep that would delete more than this share of a table deletes nothing'),
    BITRIX_DELETE_GUARD_MIN: int(10, 0, 1_000_000).describe('... unless it deletes at most this many rows'),
    BITRIX_TIMEOUT_MS: int(70_000, 100, 600_000).describe('per request (the cloud cuts requests off at 60 s)'),
    BITRIX_RETRIES: int(5, 0, 20).describe('in-request retries of 5xx, HTML answers and network errors'),
    BITRIX_RETRY_BASE_MS: int(1000, 1, 60_000).describe('first retry delay; doubles each time, with jitter'),
  },
  (e) => ({
    /** Inbound webhook URL (secret); undefined: the bitrix cycle fails with a PermanentError. */
    webhookUrl: e.BITRIX_WEBHOOK_URL?.trim(),
    /** Target database of the `bitrix` schema; undefined: the web database. */
    databaseUrl: e.BITRIX_DATABASE_URL,
    ratePerSecond: e.BITRIX_RATE_PER_SECOND,
    burst: e.BITRIX_RATE_BURST,
    operatingLimitSeconds: e.BITRIX_OPERATING_LIMIT_SECONDS,
    batchCalls: e.BITRIX_BATCH_CALLS,
    overlapSeconds: e.BITRIX_OVERLAP_SECONDS,
    directoryEvery: e.BITRIX_DIRECTORY_EVERY,
    reconcileIntervalMinutes: e.BITRIX_RECONCILE_INTERVAL_MINUTES,
    deleteGuardShare: e.BITRIX_DELETE_GUARD_SHARE,
    deleteGuardMin: e.BITRIX_DELETE_GUARD_MIN,
    timeoutMs: e.BITRIX_TIMEOUT_MS,
    retries: e.BITRIX_RETRIES,
    retryBaseMs: e.BITRIX_RETRY_BASE_MS,
  }),
);
