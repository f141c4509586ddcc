/**
 * The status page and its API: flows, dead letters, and the operator's write actions
 * (re-enqueue, discard, run now, pause, resume). Every write is authenticated (basic auth, as Bull
 * Board), refused from another origin, and written to the audit log.
 */
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { DOMAINS, type Domain, type Logger } from '@mikrosync/core';
import { DeadLetterQueue, recentAudit, type QueueRegistry, type WebPool } from '@mikrosync/connectors';
import { discardDeadLetter, recordOperatorAction, requeueDeadLetter, type Operator } from '../dlq-actions.js';
import { enqueueTask } from '../run-task.js';
import type { StatusService } from '../status/status-service.js';
import { sameOrigin } from './guards.js';
import { CONSOLE_HTML } from './console/page.js';

export interface OpsDeps {
  log: Logger;
  web: WebPool;
  queues: QueueRegistry;
  status: StatusService;
  /** Enqueues every open outbox event now ("run now" of a record flow). */
  sweep(): Promise<number>;
  auth: (req: Request, res: Response, next: NextFunction) => void;
}

/** The task a "run now" of a task flow starts. */
export const DEFAULT_TASKS: Partial<Record<Domain, string>> = { catalog: 'sync', entegra: 'sync', xml: 'feed', bitrix: 'cycle' };

function actorOf(req: Request): string {
  const header = req.headers.authorization ?? '';
  if (header.startsWith('Basic ')) return Buffer.from(header.slice(6), 'base64').toString('utf8').split(':')[0] || 'unknown';
  return 'local';
}

export function opsRouter(d: OpsDeps): Router {
  const r = express.Router();
  const dlq = new DeadLetterQueue(d.queues);
  r.get('/status', d.auth, (_req, res) => {
    res.setHeader('Content-Security-Policy', "default-src 'self'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; connect-src 'self'");
    res.type('html').send(CONSOLE_HTML);
  });
  r.get('/api/status', d.auth, async (_req, res) => {
    const [snapshot, audit] = await Promise.all([d.status.snapshot(), recentAudit(d.web, 20).catch(() => [])]);
    res.json({ ...snapshot, audit });
  });

  // Every write: authenticated, same origin, JSON.
  const guard = [d.auth, sameOrigin, express.json()];
  type Done = { target: string; result: unknown } | undefined;
  const operatorOf = (req: Request): Operator => ({ actor: actorOf(req), sourceIp: req.ip });
  /** Runs an action that writes its own audit entry and answers with its result. */
  const handled = (action: string, fn: (req: Request) => Promise<Done>) => async (req: Request, res: Response) => {
    try {
      const done = await fn(req);
      if (!done) {
        res.status(404).json({ error: 'not found' });
        return;
      }
      res.json({ ok: true, result: done.result });
    } catch (err) {
      d.log.warn({ err, action }, 'operator action failed');
      res.status(500).json({ error: err instanceof Error ? err.message : String(err) });
    }
  };
  const audited = (action: string, fn: (req: Request) => Promise<Done>) =>
    handled(action, async (req) => {
      const done = await fn(req);
      if (done) await recordOperatorAction(d.web, d.log, operatorOf(req), action, done.target, done.result);
      return done;
    });
  const flowOf = (req: Request): Domain | undefined => ((DOMAINS as readonly string[]).includes(String(req.params.flow)) ? (req.params.flow as Domain) : undefined);

  r.post(
    '/api/dead-letters/:id/requeue',
    ...guard,
    handled('requeue', async (req) => {
      const moved = await requeueDeadLetter(dlq, d.web, d.log, String(req.params.id), operatorOf(req));
      return moved ? { target: String(req.params.id), result: moved } : undefined;
    }),
  );
  r.post(
    '/api/dead-letters/:id/discard',
    ...guard,
    handled('discard', async (req) =>
      (await discardDeadLetter(dlq, d.web, d.log, String(req.params.id), operatorOf(req))) ? { target: String(req.params.id), result: 'discarded' } : undefined,
    ),
  );
  r.post(
    '/api/flows/:flow/run',
    ...guard,
    audited('run-now', async (req) => {
      const flow = flowOf(req);
      if (!flow) return undefined;
      const task = DEFAULT_TASKS[flow];
      const result = task ? await enqueueTask(d.queues, flow, task, {}, `web:${actorOf(req)}`) : `${await d.sweep()} outbox event(s) enqueued`;
      return { target: flow, result };
    }),
  );
  r.post(
    '/api/flows/:flow/pause',
    ...guard,
    audited('pause', async (req) => {
      const flow = flowOf(req);
      if (!flow) return undefined;
      await d.queues.get(flow).pause();
      return { target: flow, result: 'paused' };
    }),
  );
  r.post(
    '/api/flows/:flow/resume',
    ...guard,
    audited('resume', async (req) => {
      const flow = flowOf(req);
      if (!flow) return undefined;
      await d.queues.get(flow).resume();
      return { target: flow, result: 'resumed' };
    }),
  );
  return r;
}
