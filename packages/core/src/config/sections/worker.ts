import { z } from 'zod';
import { duration, int } from '../fields.js';
import { section } from '../section.js';

export const worker = section(
  'Workers',
  {
    WORKER_CONCURRENCY: int(8, 1, 256).describe('jobs in parallel per queue and process'),
    MAX_RETRY_COUNT: int(3, 1, 50).describe('attempts for unexpected errors; permanent errors fail at once'),
    TRANSIENT_RETRY_FOR: duration('24h', 1000).describe(
      'known transient failures (ERP/web down, lock timeout, deadlock) retry this long before the dead-letter queue',
    ),
    TRANSIENT_BACKOFF_MAX: duration('5m', 100).describe('cap of the doubling delay between transient retries'),
    BREAKER_FAILURES: int(3, 1, 1000).describe('consecutive connection failures after which a domain stops taking jobs until the ERP/web answers'),
    BREAKER_PROBE_MS: int(3000, 100).describe('while stopped, the dependency is asked this often (SELECT 1); work resumes at once'),
    RETRY_BACKOFF_MS: int(2000, 10).describe('first retry delay; doubles each time, with jitter'),
    NOT_READY_RETRY_MS: int(10000, 100).describe('a document whose lines are not there yet is retried after this'),
    NOT_READY_MAX_WAIT_MS: int(3_600_000, 1000).describe('... and given up (dead-letter queue) after this'),
    SHUTDOWN_TIMEOUT_MS: int(20000, 100).describe('SIGTERM: let running jobs finish for at most this long'),
    STALLED_INTERVAL_MS: int(15000, 500).describe('how often jobs of crashed processes are looked for'),
    JOB_LOCK_DURATION_MS: int(30000, 1000).describe('a job whose process stops renewing its lock for this long is recovered'),
    JOB_MAX_STALLED: int(5, 1, 100).describe(
      'a job that stopped its worker process this many times in a row, while other jobs completed, goes to the dead-letter queue',
    ),
    WORKER_HEARTBEAT_MS: int(10_000, 100, 600_000).describe('each worker process writes a heartbeat to Redis this often (`mikrosync health --worker`)'),
    // Read by the CLI itself (the --domain option checks it), so not part of Config.
    WORKER_DOMAIN: z.string().optional().describe('default for `mikrosync worker` without --domain (e.g. collections; all)'),
  },
  (e) => ({
    concurrency: e.WORKER_CONCURRENCY,
    attempts: e.MAX_RETRY_COUNT,
    backoffMs: e.RETRY_BACKOFF_MS,
    notReadyRetryMs: e.NOT_READY_RETRY_MS,
    notReadyMaxWaitMs: e.NOT_READY_MAX_WAIT_MS,
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    stalledIntervalMs: e.STALLED_INTERVAL_MS,
    lockDurationMs: e.JOB_LOCK_DURATION_MS,
    /** A job that stopped its worker process this many times in a row (while others completed) is dead-lettered. */
    maxStalled: e.JOB_MAX_STALLED,
    /** Every worker process writes a heartbeat this often; it counts for three intervals. */
    heartbeatMs: e.WORKER_HEARTBEAT_MS,
    /** How long a transient failure is retried (since the job's first one) before the dead-letter queue. */
    transientRetryForMs: e.TRANSIENT_RETRY_FOR,
    /** Cap of the exponential backoff between transient retries. */
    transientBackoffMaxMs: e.TRANSIENT_BACKOFF_MAX,
    /** Consecutive connection failures that open a dependency's circuit breaker. */
    breakerFailures: e.BREAKER_FAILURES,
    /** How often an open breaker asks its dependency whether it answers again. */
    breakerProbeMs: e.BREAKER_PROBE_MS,
  }),
);
