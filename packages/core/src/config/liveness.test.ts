import { describe, expect, it } from 'vitest';
import { loadConfig } from './index.js';
import { ConfigError } from '../errors.js';

const MINIMAL = { WEB_DATABASE_URL: 'postgres://app@db.example:5432/app', ERP_DIALECT: 'pg', ERP_DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/mikro' };

describe('liveness settings', () => {
  it('default to a 24 h transient budget, a 5 min backoff cap, a breaker after 3 failures probing every 3 s', () => {
    const w = loadConfig(MINIMAL).worker;
    expect(w).toMatchObject({ transientRetryForMs: 86_400_000, transientBackoffMaxMs: 300_000, breakerFailures: 3, breakerProbeMs: 3000, maxStalled: 5 });
    expect(loadConfig(MINIMAL).ops.outageAlertGraceMs).toBe(30_000);
  });

  it('read durations with units or as milliseconds, and name the variable of a malformed one', () => {
    expect(loadConfig({ ...MINIMAL, TRANSIENT_RETRY_FOR: '90m', TRANSIENT_BACKOFF_MAX: '2500' }).worker).toMatchObject({ transientRetryForMs: 5_400_000, transientBackoffMaxMs: 2500 });
    expect(loadConfig({ ...MINIMAL, TRANSIENT_RETRY_FOR: '2d' }).worker.transientRetryForMs).toBe(172_800_000);
    expect(() => loadConfig({ ...MINIMAL, TRANSIENT_RETRY_FOR: 'a day' })).toThrow(ConfigError);
    expect(() => loadConfig({ ...MINIMAL, TRANSIENT_RETRY_FOR: 'a day' })).toThrow(/TRANSIENT_RETRY_FOR/);
  });
});
