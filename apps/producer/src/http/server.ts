/**
 * The producer's HTTP surface: Bull Board at /admin/queues (behind basic auth), /healthz,
 * /readyz (Redis, web database, ERP reachable) and /metrics.
 */
import { timingSafeEqual } from 'node:crypto';
import type { Server } from 'node:http';
import express, { type NextFunction, type Request, type Response } from 'express';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import { ConfigError, isLoopbackHost, type Config, type Logger } from '@mikrosync/core';
import type { ErpClient, QueueRegistry, WebPool } from '@mikrosync/connectors';
import { createMetrics } from './metrics.js';
import { opsRouter } from './ops-routes.js';
import type { StatusService } from '../status/status-service.js';
import { describeOutage } from '../status/outages.js';

export interface HttpDeps {
  config: Config;
  log: Logger;
  queues: QueueRegistry;
  queueNames: string[];
  web: WebPool;
  erp: ErpClient;
  status: StatusService;
  /** Enqueues every open outbox event now. */
  sweep(): Promise<number>;
}

function safeEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a);
  const bb = Buffer.from(b);
  return ab.length === bb.length && timingSafeEqual(ab, bb);
}

function basicAuth(user: string | undefined, password: string | undefined) {
  return (req: Request, res: Response, next: NextFunction) => {
    if (!user || !password) return next(); // loopback-only server without credentials
    const header = req.headers.authorization ?? '';
    const [scheme, encoded] = header.split(' ');
    if (scheme === 'Basic' && encoded) {
      const [u, ...rest] = Buffer.from(encoded, 'base64').toString('utf8').split(':');
      if (safeEqual(u ?? '', user) && safeEqual(rest.join(':'), password)) return next();
    }
    res.setHeader('WWW-Authenticate', 'Basic realm="mikrosync", charset="UTF-8"');
    res.status(401).send('authentication required');
  };
}

async function check(name: string, fn: () => Promise<unknown>, timeoutMs = 3000): Promise<[string, string]> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      fn(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error('timeout')), timeoutMs);
      }),
    ]);
    return [name, 'ok'];
  } catch (err) {
    return [name, err instanceof Error ? err.message : String(err)];
  } finally {
    clearTimeout(timer);
  }
}

export function createHttpApp(deps: HttpDeps): express.Express {
  const { config, queues, queueNames } = deps;
  const app = express();
  app.disable('x-powered-by');
  const auth = basicAuth(config.http.adminUser, config.http.adminPassword);

  const board = new ExpressAdapter();
  board.setBasePath('/admin/queues');
  createBullBoard({ queues: queueNames.map((n) => new BullMQAdapter(queues.get(n))), serverAdapter: board });
  app.use('/admin/queues', auth, board.getRouter());
  app.get('/', (_req, res) => res.redirect('/status'));
  app.use(opsRouter({ log: deps.log, web: deps.web, queues, status: deps.status, sweep: deps.sweep, auth }));

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    const results = Object.fromEntries(
      await Promise.all([
        check('redis', () => queues.connection.ping()),
        check('web', () => deps.web.query('SELECT 1')),
        check('erp', () => deps.erp.ping()),
      ]),
    );
    const ready = Object.values(results).every((v) => v === 'ok');
    // Workers waiting for a dependency: "waiting for the ERP since 14:02, 223 documents queued".
    const waiting = (await deps.status.outages().catch(() => [])).map((o) => ({ ...o, message: describeOutage(o, config.erp.timeZone) }));
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : waiting.length ? 'waiting' : 'not ready', checks: results, ...(waiting.length ? { waiting } : {}) });
  });
  const metrics = createMetrics({ queues, queueNames, web: deps.web, prefix: config.redis.prefix, status: deps.status });
  app.get('/metrics', async (_req, res) => {
    try {
      res.setHeader('Content-Type', metrics.registry.contentType);
      res.send(await metrics.render());
    } catch (err) {
      deps.log.warn({ err }, 'metrics collection failed');
      res.status(503).send('metrics unavailable');
    }
  });
  return app;
}

/** Starts listening; refuses a non-loopback address without credentials. */
export async function startHttpServer(deps: HttpDeps): Promise<Server> {
  const { host, port, adminUser, adminPassword } = deps.config.http;
  if (!isLoopbackHost(host) && (!adminUser || !adminPassword)) {
    throw new ConfigError(`HTTP_HOST ${host} is not a loopback address: set ADMIN_USER and ADMIN_PASSWORD before exposing Bull Board`);
  }
  const app = createHttpApp(deps);
  return new Promise((resolve, reject) => {
    const server = app.listen(port, host, () => {
      const addr = server.address();
      deps.log.info({ url: `http://${host}:${typeof addr === 'object' && addr ? addr.port : port}/admin/queues` }, 'HTTP server listening');
      resolve(server);
    });
    server.on('error', reject);
  });
}
