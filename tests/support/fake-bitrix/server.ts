/**
 * A fake Bitrix24 portal over real HTTP on 127.0.0.1 (random port), for tests and the benchmark:
 * the webhook URL shape, GET and POST (JSON, form, multipart), the methods of methods.ts, `batch`
 * with `$result[...]` references, the `time` block, both limits of limits.ts, fault injection,
 * and a log of every request so tests can assert rate, batching and `start=-1` use.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { decodeMultipart, decodePhpQuery } from './php-query.js';
import { ApiError, METHODS, type MethodResult } from './methods.js';
import { LeakyBucket, OperatingBudget } from './limits.js';
import { PortalData } from './store.js';
import type { Rec } from './filters.js';

export interface Fault {
  /** REST method the fault applies to ('batch' for batch requests); any when omitted. */
  method?: string;
  /** Matching requests to let through first. */
  skip?: number;
  /** How many matching requests fail (default 1). */
  times?: number;
  kind: 'html' | 'error' | 'drop' | 'reset' | 'slow';
  status?: number;
  error?: string;
  description?: string;
  /** For 'slow': delay before answering. */
  delayMs?: number;
}

export interface SubCall {
  key: string;
  method: string;
  params: Rec;
  error?: string;
}

export interface LoggedRequest {
  at: number;
  http: string;
  method: string;
  params: Rec;
  status: number;
  error?: string;
  calls?: SubCall[];
}

export interface FakeBitrixOptions {
  userId?: string;
  code?: string;
  offset?: string;
  burst?: number;
  rate?: number;
  /** Report `operating` / `operating_reset_at` (cloud portals). */
  cloud?: boolean;
}

type Answer = { status: number; body: Rec };

const php = (o: Rec): Rec | [] => (Object.keys(o).length ? o : []);

export class FakeBitrix {
  readonly data: PortalData;
  readonly bucket: LeakyBucket;
  readonly operating = new OperatingBudget();
  readonly faults: Fault[] = [];
  readonly requests: LoggedRequest[] = [];
  /** Methods whose scope is missing on the webhook (-> 403 insufficient_scope). */
  readonly missingScopes = new Set<string>();
  /** Methods the webhook user may not read (-> the CRM's empty-code "Access denied."). */
  readonly deniedMethods = new Set<string>();
  /** Called after an answer is computed and before it is sent: tests mutate data "between pages". */
  onRequest: ((req: LoggedRequest) => void) | undefined;
  expired = false;
  cloud: boolean;
  readonly userId: string;
  readonly code: string;
  private server: http.Server | undefined;
  private port = 0;

  constructor(opts: FakeBitrixOptions = {}) {
    this.userId = opts.userId ?? '1';
    this.code = opts.code ?? 'fakecode0123456789';
    this.data = new PortalData(opts.offset ?? '+03:00');
    this.bucket = new LeakyBucket(opts.burst ?? 50, opts.rate ?? 2);
    this.cloud = opts.cloud ?? true;
  }

  /** The inbound webhook URL of this portal (BITRIX_WEBHOOK_URL). */
  get url(): string {
    return `http://127.0.0.1:${this.port}/rest/${this.userId}/${this.code}/`;
  }

  async start(): Promise<this> {
    this.server = http.createServer((req, res) => void this.handle(req, res));
    this.server.keepAliveTimeout = 30_000;
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  async close(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** Requests of a REST method, including sub-calls of batches. */
  callsOf(method: string): (LoggedRequest | SubCall)[] {
    return this.requests.flatMap((r): (LoggedRequest | SubCall)[] => (r.method === 'batch' ? (r.calls ?? []).filter((c) => c.method === method) : r.method === method ? [r] : []));
  }

  private time(startMs: number, method?: string): Rec {
    const end = Date.now();
    // The portal's clock (shifted by the tests), like a real portal's own clock.
    const portalStart = this.data.clock.nowMs() - (end - startMs);
    const t: Rec = {
      start: portalStart / 1000,
      finish: this.data.clock.nowMs() / 1000,
      duration: (end - startMs) / 1000,
      processing: (end - startMs) / 1000,
      date_start: this.data.clock.format(portalStart),
      date_finish: this.data.clock.format(),
    };
    if (this.cloud && method) {
      const s = this.operating.state(method);
      t.operating_reset_at = s.resetAt;
      t.operating = s.operating;
    }
    return t;
  }

  /** One method call (top level or inside a batch). */
  private execute(method: string, params: Rec, inBatch: boolean): Answer {
    const started = Date.now();
    if (inBatch && method === 'batch') return { status: 405, body: { error: 'ERROR_BATCH_METHOD_NOT_ALLOWED', error_description: 'Method is not allowed for batch usage' } };
    const m = METHODS[method];
    if (!m) return { status: 404, body: { error: 'ERROR_METHOD_NOT_FOUND', error_description: 'Method not found!' } };
    if (this.missingScopes.has(m.scope)) {
      return { status: 403, body: { error: 'insufficient_scope', error_description: 'The request requires higher privileges than provided by the webhook token' } };
    }
    if (this.deniedMethods.has(method)) return { status: 403, body: { error: '', error_description: 'Access denied.' } };
    if (this.operating.blocked(method)) return { status: 429, body: { error: 'OPERATION_TIME_LIMIT', error_description: 'Method is blocked due to operation time limit.' } };
    let out: MethodResult;
    try {
      out = m.handler(params, this.data);
    } catch (err) {
      if (err instanceof ApiError) return { status: err.status, body: { error: err.code, error_description: err.description } };
      throw err;
    }
    this.operating.charge(method);
    const body: Rec = { result: out.result };
    if (out.next !== undefined) body.next = out.next;
    if (out.total !== undefined) body.total = out.total;
    body.time = this.time(started, method);
    return { status: 200, body };
  }

  private batch(params: Rec, calls: SubCall[]): Answer {
    const started = Date.now();
    const cmd = (params.cmd ?? {}) as Rec | unknown[];
    const halt = String(params.halt ?? '0') === '1' || params.halt === true;
    const entries: [string, string][] = Array.isArray(cmd) ? cmd.map((c, i) => [String(i), String(c)]) : Object.entries(cmd).map(([k, v]) => [k, String(v)]);
    const result: Rec = {};
    const errors: Rec = {};
    const totals: Rec = {};
    const nexts: Rec = {};
    const times: Rec = {};
    entries.forEach(([key, command], index) => {
      if (halt && Object.keys(errors).length) return;
      if (index >= 50) {
        errors[key] = { error: 'ERROR_BATCH_LENGTH_EXCEEDED', error_description: 'Max batch length exceeded' };
        return;
      }
      // $result[key][49][ID]: a value from an earlier sub-call, resolved before the query is read.
      const resolved = command.replace(/\$result\[([^\]]+)\]((?:\[[^\]]*\])*)/g, (_, ref: string, path: string) => {
        let v: unknown = result[ref];
        for (const [, seg] of path.matchAll(/\[([^\]]*)\]/g)) v = v === null || v === undefined ? undefined : (v as Rec)[seg!];
        return encodeURIComponent(v === undefined || v === null || typeof v === 'object' ? '' : String(v));
      });
      const q = resolved.indexOf('?');
      const method = (q < 0 ? resolved : resolved.slice(0, q)).replace(/\.json$/, '');
      const sub = decodePhpQuery(q < 0 ? '' : resolved.slice(q + 1)) as Rec;
      const answer = this.execute(method, sub, true);
      const call: SubCall = { key, method, params: sub };
      calls.push(call);
      if (answer.status !== 200) {
        call.error = String(answer.body.error);
        errors[key] = answer.body;
        return;
      }
      result[key] = answer.body.result;
      if (answer.body.total !== undefined) totals[key] = answer.body.total;
      if (answer.body.next !== undefined) nexts[key] = answer.body.next;
      times[key] = answer.body.time;
    });
    return {
      status: 200,
      body: {
        result: { result: php(result), result_error: php(errors), result_total: php(totals), result_next: php(nexts), result_time: php(times) },
        time: this.time(started),
      },
    };
  }

  private async readBody(req: http.IncomingMessage): Promise<string> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  }

  private takeFault(method: string): Fault | undefined {
    for (const f of this.faults) {
      if (f.method && f.method !== method) continue;
      if ((f.skip ?? 0) > 0) {
        f.skip!--;
        continue;
      }
      f.times = (f.times ?? 1) - 1;
      if (f.times <= 0) this.faults.splice(this.faults.indexOf(f), 1);
      return f;
    }
    return undefined;
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    const m = /^\/rest\/([^/]+)\/([^/]+)\/([^/]+?)(?:\.json)?$/.exec(url.pathname);
    const raw = await this.readBody(req);
    const send = (a: Answer, entry?: LoggedRequest) => {
      if (entry) {
        entry.status = a.status;
        if (a.status !== 200) entry.error = String(a.body.error);
        this.requests.push(entry);
        this.onRequest?.(entry);
      }
      const text = JSON.stringify(a.body);
      res.writeHead(a.status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text) });
      res.end(text);
    };
    if (!m) return send({ status: 404, body: { error: 'ERROR_METHOD_NOT_FOUND', error_description: 'Method not found!' } });
    const [, userId, code, method] = m as unknown as [string, string, string, string];
    const entry: LoggedRequest = { at: Date.now(), http: req.method ?? 'GET', method, params: {}, status: 0 };
    if (userId !== this.userId || code !== this.code || this.expired) {
      return send({ status: 401, body: { error: 'NO_AUTH_FOUND', error_description: 'Wrong authorization data' } }, entry);
    }
    const fault = this.takeFault(method);
    if (fault?.kind === 'reset') {
      req.socket.destroy();
      return;
    }
    if (fault?.kind === 'slow') await new Promise((r) => setTimeout(r, fault.delayMs ?? 5000));
    if (fault?.kind === 'html') {
      entry.status = fault.status ?? 502;
      this.requests.push(entry);
      res.writeHead(entry.status, { 'Content-Type': 'text/html' });
      res.end(`<!DOCTYPE html><html><head><title>${entry.status} Bad Gateway</title></head><body><h1>${entry.status}</h1><p>nginx</p></body></html>`);
      return;
    }
    if (fault?.kind === 'error') {
      return send({ status: fault.status ?? 500, body: { error: fault.error ?? 'INTERNAL_SERVER_ERROR', error_description: fault.description ?? 'Internal server error' } }, entry);
    }
    if (!this.bucket.take(req.socket.remoteAddress ?? '?')) {
      return send({ status: this.bucket.status, body: { error: 'QUERY_LIMIT_EXCEEDED', error_description: 'Too many requests' } }, entry);
    }
    const type = String(req.headers['content-type'] ?? '');
    let params: Rec;
    try {
      if (type.includes('application/json') && raw) params = JSON.parse(raw) as Rec;
      else if (type.includes('multipart/form-data')) params = decodeMultipart(raw, type) as Rec;
      else params = { ...(decodePhpQuery(url.search.slice(1)) as Rec), ...(raw ? (decodePhpQuery(raw) as Rec) : {}) };
    } catch {
      return send({ status: 400, body: { error: 'INVALID_REQUEST', error_description: 'Invalid request' } }, entry);
    }
    entry.params = params;
    let answer: Answer;
    if (method === 'batch') {
      entry.calls = [];
      answer = this.batch(params, entry.calls);
    } else answer = this.execute(method, params, false);
    if (fault?.kind === 'drop') {
      // The connection drops half-way through the page.
      entry.status = answer.status;
      this.requests.push(entry);
      const text = JSON.stringify(answer.body);
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
      res.write(text.slice(0, Math.floor(text.length / 2)));
      setTimeout(() => req.socket.destroy(), 10);
      return;
    }
    send(answer, entry);
  }
}

export async function startFakeBitrix(opts: FakeBitrixOptions = {}): Promise<FakeBitrix> {
  return new FakeBitrix(opts).start();
}
