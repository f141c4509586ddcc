/**
 * The portal's limits, shared by every bitrix worker process through Redis (spec §1.8):
 *
 * - Request rate: a leaky bucket mirroring the portal's (drain `rate`/s, size `burst`). One Lua
 *   script reserves a slot atomically and answers how long the caller must wait for it, using
 *   Redis' clock so every process agrees. Slots are handed out in order, so N processes together
 *   never send faster than the bucket drains.
 * - Requests leave in slot order but reach the portal a little late and bunched (connection
 *   set-up, jitter), while the portal's bucket cannot drain below empty: our bucket is smaller
 *   than the portal's by a quarter second of drain (at least one request) to absorb that.
 * - After a QUERY_LIMIT_EXCEEDED the portal's bucket is full whatever our model said (another
 *   tool, another host): the model is set to "full" and every process pauses.
 * - Operating time: the `operating` seconds each answer reports per method. A method at 80 % of
 *   its budget, or refused with OPERATION_TIME_LIMIT, is paused until its `operating_reset_at`.
 */
import type { RedisConnection } from '../queue/connection.js';

const ACQUIRE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local threshold = tonumber(ARGV[3])
for i = 2, #KEYS do
  local op = redis.call('HMGET', KEYS[i], 'operating', 'resetAt', 'blockedUntil')
  local blocked = tonumber(op[3] or '0') or 0
  if blocked > now then return {1, i - 2, blocked - now} end
  local operating = tonumber(op[1] or '0') or 0
  local resetAt = tonumber(op[2] or '0') or 0
  if operating >= threshold and resetAt > now then return {1, i - 2, resetAt - now} end
end
local level = tonumber(redis.call('HGET', KEYS[1], 'level') or '0') or 0
local ts = tonumber(redis.call('HGET', KEYS[1], 'ts') or '0') or 0
if ts == 0 then ts = now end
if now > ts then
  level = math.max(0, level - (now - ts) * rate / 1000)
  ts = now
end
level = level + 1
local wait = (ts - now) + math.max(0, (level - burst) * 1000 / rate)
redis.call('HSET', KEYS[1], 'level', tostring(level), 'ts', tostring(ts))
redis.call('PEXPIRE', KEYS[1], math.ceil(wait + level * 1000 / rate) + 60000)
return {0, 0, math.ceil(wait)}
`;

// The portal said its bucket is full: from now + pause, the model starts full and drains.
const PENALIZE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local burst = tonumber(ARGV[1])
local pause = tonumber(ARGV[2])
local ts = tonumber(redis.call('HGET', KEYS[1], 'ts') or '0') or 0
local level = tonumber(redis.call('HGET', KEYS[1], 'level') or '0') or 0
if ts < now + pause then ts = now + pause end
if level < burst then level = burst end
redis.call('HSET', KEYS[1], 'level', tostring(level), 'ts', tostring(ts))
redis.call('PEXPIRE', KEYS[1], pause + 120000)
return ts - now
`;

export interface BitrixLimiterSettings {
  /** Key prefix (the queue prefix), so test runs and installations do not share buckets. */
  prefix: string;
  /** Portal host: the bucket is per portal. */
  portal: string;
  ratePerSecond: number;
  burst: number;
  operatingLimitSeconds: number;
  /** Pauses shorter than this are waited out in place; longer ones are reported to the caller. */
  inlineWaitMs?: number;
}

/** Redis hash of seconds spent waiting for rate limits, per flow. */
export function rateLimitMetricsKey(prefix: string): string {
  return `${prefix}:metrics:rate-limit-wait`;
}

export type BitrixSlot = { ok: true; waitedMs: number } | { ok: false; method: string; untilMs: number };

type RedisWithScripts = RedisConnection & {
  bitrixAcquire(...args: (string | number)[]): Promise<[number, number, number]>;
  bitrixPenalize(...args: (string | number)[]): Promise<number>;
};

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason ?? new Error('aborted'));
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason ?? new Error('aborted'));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export class BitrixLimiter {
  private readonly redis: RedisWithScripts;
  private readonly bucketKey: string;
  /** The burst we allow ourselves: the portal's minus the jitter margin. */
  readonly burst: number;

  constructor(
    redis: RedisConnection,
    readonly settings: BitrixLimiterSettings,
  ) {
    this.redis = redis as RedisWithScripts;
    if (typeof this.redis.bitrixAcquire !== 'function') {
      redis.defineCommand('bitrixAcquire', { lua: ACQUIRE });
      redis.defineCommand('bitrixPenalize', { numberOfKeys: 1, lua: PENALIZE });
    }
    // ACQUIRE reads the bucket and the method keys in one script: every key starts with the prefix,
    // a hash tag in cluster mode (`{shop}`), so they share one slot.
    this.bucketKey = `${settings.prefix}:bitrix:${settings.portal}:bucket`;
    this.burst = Math.max(1, settings.burst - Math.max(1, Math.ceil(settings.ratePerSecond * 0.25)));
  }

  private opKey(method: string): string {
    return `${this.settings.prefix}:bitrix:${this.settings.portal}:op:${method}`;
  }

  /**
   * Waits for a request slot. Returns `ok: false` without taking a slot when one of `methods` is
   * paused for longer than the inline wait (the caller skips that work until `untilMs`).
   */
  async acquire(methods: readonly string[], signal?: AbortSignal): Promise<BitrixSlot> {
    const unique = [...new Set(methods)];
    const threshold = 0.8 * this.settings.operatingLimitSeconds;
    let waited = 0;
    for (;;) {
      const keys = [this.bucketKey, ...unique.map((m) => this.opKey(m))];
      const [blocked, index, ms] = await this.redis.bitrixAcquire(keys.length, ...keys, this.settings.ratePerSecond, this.burst, threshold);
      if (blocked === 1) {
        if (ms > (this.settings.inlineWaitMs ?? 5000)) return { ok: false, method: unique[index]!, untilMs: Date.now() + ms };
        await sleep(ms, signal);
        waited += ms;
        continue;
      }
      if (ms > 0) await sleep(ms, signal);
      // Rate-limit waits are a metric of the flow (mikrosync_rate_limit_wait_seconds_total).
      if (waited + ms > 0) await this.redis.hincrbyfloat(rateLimitMetricsKey(this.settings.prefix), 'bitrix', (waited + ms) / 1000).catch(() => undefined);
      return { ok: true, waitedMs: waited + ms };
    }
  }

  /** The portal answered QUERY_LIMIT_EXCEEDED: everyone waits `pauseMs`, then drains from full. */
  async penalize(pauseMs: number): Promise<number> {
    return this.redis.bitrixPenalize(this.bucketKey, this.burst, Math.max(0, Math.round(pauseMs)));
  }

  /** Remembers a method's reported operating time (seconds) and when its oldest basket expires. */
  async recordOperating(method: string, operatingSeconds: number, resetAtMs: number | undefined): Promise<void> {
    const key = this.opKey(method);
    const fields: (string | number)[] = ['operating', operatingSeconds];
    if (resetAtMs) fields.push('resetAt', resetAtMs);
    await this.redis.multi().hset(key, ...fields).pexpire(key, 11 * 60_000).exec();
  }

  /** OPERATION_TIME_LIMIT: no call of `method` until `untilMs`, in any process. */
  async blockMethod(method: string, untilMs: number): Promise<void> {
    const key = this.opKey(method);
    await this.redis.multi().hset(key, 'blockedUntil', untilMs).pexpireat(key, untilMs + 60_000).exec();
  }

  /** The last reset time the portal reported for a method, if any. */
  async resetAt(method: string): Promise<number | undefined> {
    const v = await this.redis.hget(this.opKey(method), 'resetAt');
    return v ? Number(v) : undefined;
  }
}
