/**
 * The status page and its API: flows, dead letters, and the operator's write actions
 * (re-enqueue, discard, run now, pause, resume). Reads need any login (admin, operator or viewer);
 * every write needs the admin or operator login (a viewer gets 403), is refused from another
 * origin, written to the audit log, and answers `{ ok, message }` in the page's language (`?lang=`).
 */
import express, { type Request, type Response, type Router } from 'express';
import { defaultTaskOf, DOMAINS, langOf, t, type Config, type Domain, type Lang, type Logger } from '@mikrosync/core';
import { DeadLetterQueue, type QueueRegistry } from '@mikrosync/connectors/queue';
import { describeRecords, recentAudit, type WebPool } from '@mikrosync/connectors/web';
import { discardDeadLetter, recordOperatorAction, requeueDeadLetter, type Operator } from '../dlq-actions.js';
import { enqueueTask } from '../run-task.js';
import type { StatusService } from '../status/status-service.js';
import { statusView } from '../console/status-view.js';
import { flowLabel, recordOfDeadLetterId, recordView } from '../console/views.js';
import { sameOrigin, type Middleware, type Role } from './guards.js';
import { CONSOLE_HTML } from './console/page.js';

export interface OpsDeps {
  config: Config;
  log: Logger;
  web: WebPool;
  queues: QueueRegistry;
  status: StatusService;
  /** Enqueues every open outbox event now ("run now" of a record flow). */
  sweep(): Promise<number>;
  /** The login's user and role; undefined = not logged in. */
  who: (req: Request) => { user: string; role: Role } | undefined;
}

export function pageLang(req: Request): Lang {
  return langOf(req.query.lang);
}

/** Any login may read. */
export function readers(d: Pick<OpsDeps, 'who'>): Middleware {
  return (req, res, next) => {
    if (d.who(req)) return next();
    res.setHeader('WWW-Authenticate', 'Basic realm="mikrosync", charset="UTF-8"');
    res.status(401).send('authentication required / giriş gerekli');
  };
}

/** Only the admin and operators act; a viewer is told so in the page's language. */
export function actors(d: Pick<OpsDeps, 'who'>): Middleware {
  return (req, res, next) => {
    const who = d.who(req);
    if (!who) {
      res.setHeader('WWW-Authenticate', 'Basic realm="mikrosync", charset="UTF-8"');
      res.status(401).json({ ok: false, message: 'authentication required / giriş gerekli' });
      return;
    }
    if (who.role === 'viewer') {
      res.status(403).json({ ok: false, message: t(pageLang(req), 'api.forbidden') });
      return;
    }
    next();
  };
}

export function operatorOf(d: Pick<OpsDeps, 'who'>, req: Request): Operator {
  return { actor: d.who(req)?.user ?? 'unknown', sourceIp: req.ip };
}

/** Every write: a login that may act, same origin, JSON. */
export function writeGuard(d: Pick<OpsDeps, 'who'>): Middleware[] {
  return [actors(d), sameOrigin, express.json() as Middleware];
}

/** Answers an action's outcome as `{ ok, message }`; a failure is logged and answered translated. */
export function answer(d: Pick<OpsDeps, 'log'>, action: string, fn: (req: Request, lang: Lang) => Promise<{ status?: number; ok: boolean; message: string; result?: unknown }>) {
  return async (req: Request, res: Response) => {
    const lang = pageLang(req);
    try {
      const out = await fn(req, lang);
      res.status(out.status ?? (out.ok ? 200 : 400)).json({ ok: out.ok, message: out.message, ...(out.result === undefined ? {} : { result: out.result }) });
    } catch (err) {
      d.log.warn({ err, action }, 'operator action failed');
      res.status(500).json({ ok: false, message: t(lang, 'api.failed', { error: err instanceof Error ? err.message : String(err) }) });
    }
  };
}

export function opsRouter(d: OpsDeps): Router {
  const r = express.Router();
  const dlq = new DeadLetterQueue(d.queues);
  const read = readers(d);
  r.get('/status', read, (_req, res) => {
    res.setHeader('Content-Security-Policy', "default-src 'self'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; connect-src 'self'; img-src 'self' data:");
    res.type('html').send(CONSOLE_HTML);
  });
  r.get('/api/status', read, async (req, res) => {
    const [snapshot, audit] = await Promise.all([d.status.snapshot(), recentAudit(d.web, 20).catch(() => [])]);
    res.json(await statusView(d, snapshot, audit, pageLang(req)));
  });
  r.get('/api/me', read, (req, res) => {
    res.json(d.who(req));
  });

  const guard = writeGuard(d);
  const notFound = (lang: Lang) => ({ status: 404, ok: false, message: t(lang, 'api.notFound') });
  const flowOf = (req: Request): Domain | undefined => ((DOMAINS as readonly string[]).includes(String(req.params.flow)) ? (req.params.flow as Domain) : undefined);
  const flowAction = (action: 'run-now' | 'pause' | 'resume', fn: (flow: Domain, req: Request, lang: Lang) => Promise<{ message: string; result: unknown }>) =>
    answer(d, action, async (req, lang) => {
      const flow = flowOf(req);
      if (!flow) return notFound(lang);
      const done = await fn(flow, req, lang);
      await recordOperatorAction(d.web, d.log, operatorOf(d, req), action, flow, done.result);
      return { ok: true, ...done };
    });

  r.post(
    '/api/dead-letters/:id/requeue',
    ...guard,
    answer(d, 'requeue', async (req, lang) => {
      const moved = await requeueDeadLetter(dlq, d.web, d.log, String(req.params.id), operatorOf(d, req));
      return moved ? { ok: true, message: t(lang, 'api.requeued', { target: await targetLabel(d, String(req.params.id), lang) }), result: moved } : notFound(lang);
    }),
  );
  r.post(
    '/api/dead-letters/:id/discard',
    ...guard,
    answer(d, 'discard', async (req, lang) => {
      const label = await targetLabel(d, String(req.params.id), lang);
      return (await discardDeadLetter(dlq, d.web, d.log, String(req.params.id), operatorOf(d, req)))
        ? { ok: true, message: t(lang, 'api.discarded', { target: label }), result: 'discarded' }
        : notFound(lang);
    }),
  );
  r.post(
    '/api/flows/:flow/run',
    ...guard,
    flowAction('run-now', async (flow, req, lang) => {
      // A task flow runs its manifest's default task; a record flow sweeps the outbox.
      const task = defaultTaskOf(flow)?.name;
      if (task) return { message: t(lang, 'api.runTask', { flow: flowLabel(flow, lang) }), result: await enqueueTask(d.queues, flow, task, {}, `web:${operatorOf(d, req).actor}`) };
      const count = await d.sweep();
      return { message: t(lang, 'api.runSweep', { flow: flowLabel(flow, lang), count }), result: `${count} outbox event(s) enqueued` };
    }),
  );
  r.post(
    '/api/flows/:flow/pause',
    ...guard,
    flowAction('pause', async (flow, _req, lang) => {
      await d.queues.get(flow).pause();
      return { message: t(lang, 'api.paused', { flow: flowLabel(flow, lang) }), result: 'paused' };
    }),
  );
  r.post(
    '/api/flows/:flow/resume',
    ...guard,
    flowAction('resume', async (flow, _req, lang) => {
      await d.queues.get(flow).resume();
      return { message: t(lang, 'api.resumed', { flow: flowLabel(flow, lang) }), result: 'resumed' };
    }),
  );
  return r;
}

/** A dead letter named by its record's business label (its id when it is not a record's). */
async function targetLabel(d: Pick<OpsDeps, 'config' | 'web'>, id: string, lang: Lang): Promise<string> {
  const ref = recordOfDeadLetterId(id);
  if (!ref) return id;
  const facts = await describeRecords(d.web, [ref]).catch(() => new Map());
  return recordView(ref, facts.get(`${ref.table}:${ref.id}`), lang, d.config.erp.timeZone).label;
}
