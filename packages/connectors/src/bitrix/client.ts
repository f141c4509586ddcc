/**
 * The Bitrix24 REST client over an inbound webhook (spec §1): JSON POST by default (GET with PHP
 * bracket syntax on request), `batch` of up to 50 sub-calls, every request through the shared
 * limiter, errors classified by code (see errors.ts). Retries of transient failures happen here,
 * inside one job attempt, so a flaky proxy or a full bucket never burns the job's attempts.
 */
import type { Logger } from '@mikrosync/core';
import {
  BitrixMethodError,
  BitrixMethodPausedError,
  BitrixPortalError,
  BitrixTransientError,
  classifyBitrixError,
} from './errors.js';
import { BitrixLimiter, sleep } from './limiter.js';
import { encodeBitrixQuery } from './php-query.js';
import type { BitrixWebhook } from './webhook.js';

export interface BitrixTime {
  start?: number;
  finish?: number;
  duration?: number;
  processing?: number;
  date_start?: string;
  date_finish?: string;
  operating?: number;
  operating_reset_at?: number;
}

export interface BitrixAnswer<T = unknown> {
  result: T;
  next?: number;
  total?: number;
  time?: BitrixTime;
}

export interface BitrixSubError {
  error: string;
  error_description: string;
}

export interface BitrixBatchAnswer {
  result: Record<string, unknown>;
  errors: Record<string, BitrixSubError>;
  total: Record<string, number>;
  next: Record<string, number>;
  times: Record<string, BitrixTime>;
  time: BitrixTime | undefined;
}

export interface BitrixClientOptions {
  webhook: BitrixWebhook;
  limiter: BitrixLimiter;
  log: Logger;
  timeoutMs: number;
  retries: number;
  retryBaseMs: number;
  /** Consecutive QUERY_LIMIT_EXCEEDED answers tolerated for one request before giving up. */
  maxRateLimitHits?: number;
}

export interface BitrixCallOptions {
  http?: 'GET' | 'POST';
  signal?: AbortSignal;
}

export interface BitrixClientStats {
  requests: number;
  retries: number;
  rateLimited: number;
  waitedMs: number;
}

const USER_AGENT = 'mikrosync/0.1 (Bitrix24 sync)';

/** PHP serialises empty maps as []: accept both. */
function asMap<T>(v: unknown): Record<string, T> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, T>) : {};
}

/** Methods named in a batch's sub-call strings, for the operating-time check. */
function methodsOf(cmd: Record<string, string>): string[] {
  return Object.values(cmd).map((c) => c.split('?')[0]!);
}

export class BitrixClient {
  readonly stats: BitrixClientStats = { requests: 0, retries: 0, rateLimited: 0, waitedMs: 0 };

  constructor(readonly options: BitrixClientOptions) {}

  get portal(): string {
    return this.options.webhook.describe();
  }

  /** One method call. Throws BitrixPortalError, BitrixMethodError, BitrixMethodPausedError or BitrixTransientError. */
  async call<T = unknown>(method: string, params: Record<string, unknown> = {}, opts: BitrixCallOptions = {}): Promise<BitrixAnswer<T>> {
    const body = (await this.send(method, params, [method], opts)) as BitrixAnswer<T>;
    await this.noteOperating(method, body.time);
    return body;
  }

  /**
   * `batch` with up to 50 sub-calls (`bitrixBatchCommand()` strings). Sub-call failures come back in
   * `errors`; the caller decides per key. OPERATION_TIME_LIMIT of a sub-call pauses its method.
   */
  async batch(cmd: Record<string, string>, opts: BitrixCallOptions & { halt?: boolean } = {}): Promise<BitrixBatchAnswer> {
    const keys = Object.keys(cmd);
    if (keys.length === 0) return { result: {}, errors: {}, total: {}, next: {}, times: {}, time: undefined };
    if (keys.length > 50) throw new Error(`batch of ${keys.length} sub-calls: Bitrix24 allows at most 50`);
    const body = (await this.send('batch', { halt: opts.halt ? 1 : 0, cmd }, methodsOf(cmd), opts)) as { result?: unknown; time?: BitrixTime };
    const inner = asMap<unknown>(body.result);
    const answer: BitrixBatchAnswer = {
      result: asMap(inner.result),
      errors: asMap(inner.result_error),
      total: asMap(inner.result_total),
      next: asMap(inner.result_next),
      times: asMap(inner.result_time),
      time: body.time,
    };
    for (const key of keys) {
      const method = cmd[key]!.split('?')[0]!;
      await this.noteOperating(method, answer.times[key]);
      const err = answer.errors[key];
      if (err && classifyBitrixError(429, String(err.error ?? '')) === 'operating-limit') await this.pauseMethod(method);
    }
    return answer;
  }

  private async noteOperating(method: string, time: BitrixTime | undefined): Promise<void> {
    if (typeof time?.operating !== 'number') return;
    const resetMs = typeof time.operating_reset_at === 'number' ? time.operating_reset_at * 1000 : undefined;
    await this.options.limiter.recordOperating(method, time.operating, resetMs);
  }

  private async pauseMethod(method: string): Promise<number> {
    const reset = await this.options.limiter.resetAt(method);
    const until = reset && reset > Date.now() ? reset : Date.now() + 60_000;
    await this.options.limiter.blockMethod(method, until);
    this.options.log.warn({ portal: this.portal, method, until: new Date(until).toISOString() }, 'Bitrix24 method paused: OPERATION_TIME_LIMIT');
    return until;
  }

  private backoff(attempt: number): number {
    const base = this.options.retryBaseMs * 2 ** attempt;
    return Math.min(60_000, base / 2 + Math.random() * (base / 2));
  }

  private async send(method: string, params: Record<string, unknown>, methods: string[], opts: BitrixCallOptions): Promise<unknown> {
    const { webhook, limiter, log, timeoutMs, retries } = this.options;
    const maxHits = this.options.maxRateLimitHits ?? 30;
    const http = opts.http ?? 'POST';
    const query = encodeBitrixQuery(params);
    const url = http === 'GET' ? `${webhook.methodUrl(method)}${query ? `?${query}` : ''}` : webhook.methodUrl(method);
    let attempt = 0;
    let hits = 0;
    let lastProblem = '';
    let lastStatus: number | undefined;
    for (;;) {
      const slot = await limiter.acquire(methods, opts.signal);
      if (!slot.ok) throw new BitrixMethodPausedError(slot.method, slot.untilMs);
      this.stats.waitedMs += slot.waitedMs;
      this.stats.requests++;
      let status: number | undefined;
      let text: string;
      try {
        const signal = opts.signal ? AbortSignal.any([opts.signal, AbortSignal.timeout(timeoutMs)]) : AbortSignal.timeout(timeoutMs);
        const res = await fetch(url, {
          method: http,
          headers: http === 'GET' ? { Accept: 'application/json', 'User-Agent': USER_AGENT } : { Accept: 'application/json', 'Content-Type': 'application/json', 'User-Agent': USER_AGENT },
          body: http === 'GET' ? undefined : JSON.stringify(params),
          signal,
        });
        status = res.status;
        text = await res.text();
      } catch (err) {
        if (opts.signal?.aborted) throw opts.signal.reason ?? err;
        const cause = (err as { cause?: { code?: string; message?: string } }).cause;
        const timedOut = (err as Error).name === 'TimeoutError';
        lastProblem = timedOut ? `no answer within ${timeoutMs} ms` : `network error (${cause?.code ?? cause?.message ?? (err as Error).message})`;
        lastStatus = status;
        if (attempt >= retries) break;
        log.warn({ portal: this.portal, method, attempt: attempt + 1, problem: lastProblem }, 'Bitrix24 request failed; retrying');
        this.stats.retries++;
        await sleep(this.backoff(attempt++), opts.signal);
        continue;
      }
      let body: { error?: unknown; error_description?: unknown } | undefined;
      try {
        body = JSON.parse(text) as typeof body;
      } catch {
        body = undefined;
      }
      if (body === undefined || typeof body !== 'object' || body === null) {
        // Proxies answer 502/504 (and overloaded portals sometimes 500/503) with an HTML page.
        lastProblem = `HTTP ${status} with a non-JSON body (${/<html|<!doctype/i.test(text) ? 'HTML page' : `${text.length} bytes`})`;
        lastStatus = status;
        if (attempt >= retries) break;
        log.warn({ portal: this.portal, method, status, attempt: attempt + 1 }, 'Bitrix24 answered without JSON; retrying');
        this.stats.retries++;
        await sleep(this.backoff(attempt++), opts.signal);
        continue;
      }
      if (body.error !== undefined && body.error !== null) {
        const code = String(body.error);
        const description = typeof body.error_description === 'string' ? body.error_description : '';
        const kind = classifyBitrixError(status, code);
        if (kind === 'rate-limit') {
          this.stats.rateLimited++;
          if (++hits > maxHits) {
            lastProblem = `QUERY_LIMIT_EXCEEDED ${hits} times in a row`;
            lastStatus = status;
            break;
          }
          // The portal's bucket is full: let it drain, longer after each refusal in a row.
          const pause = await limiter.penalize(Math.min(30_000, Math.max(1000 / limiter.settings.ratePerSecond, this.options.retryBaseMs) * hits));
          log.warn({ portal: this.portal, method, status, pauseMs: pause }, 'Bitrix24 QUERY_LIMIT_EXCEEDED: every bitrix worker pauses');
          continue;
        }
        if (kind === 'operating-limit') {
          // The outer `batch` is not charged: a 429 on it means its sub-call methods are spent.
          let until = 0;
          for (const m of new Set(methods)) until = Math.max(until, await this.pauseMethod(m));
          throw new BitrixMethodPausedError(methods[0]!, until);
        }
        if (kind === 'portal') throw new BitrixPortalError(webhook.describe(), method, code, status, description);
        if (kind === 'method') throw new BitrixMethodError(webhook.describe(), method, code, status, description);
        lastProblem = `HTTP ${status} ${code} "${description}"`;
        lastStatus = status;
        if (attempt >= retries) break;
        log.warn({ portal: this.portal, method, status, code, attempt: attempt + 1 }, 'Bitrix24 server error; retrying');
        this.stats.retries++;
        await sleep(this.backoff(attempt++), opts.signal);
        continue;
      }
      if (status >= 500) {
        lastProblem = `HTTP ${status}`;
        lastStatus = status;
        if (attempt >= retries) break;
        this.stats.retries++;
        await sleep(this.backoff(attempt++), opts.signal);
        continue;
      }
      return body;
    }
    throw new BitrixTransientError(`Bitrix24 ${webhook.describe()} ${method}: ${lastProblem} after ${attempt + 1} attempts`, lastStatus);
  }
}

/** The error a failed `batch` sub-call stands for, classified like a top-level answer. */
export function bitrixSubCallError(portal: string, method: string, err: BitrixSubError): Error {
  const code = String(err.error ?? '');
  const description = typeof err.error_description === 'string' ? err.error_description : '';
  switch (classifyBitrixError(400, code)) {
    case 'operating-limit':
      return new BitrixMethodPausedError(method, Date.now() + 60_000);
    case 'portal':
      return new BitrixPortalError(portal, method, code, 400, description);
    case 'method':
      return new BitrixMethodError(portal, method, code, 400, description);
    default:
      return new BitrixTransientError(`Bitrix24 ${portal} ${method} (in batch): ${code} "${description}"`, undefined);
  }
}
