/**
 * The producer's HTTP surface: Bull Board at /admin/queues (behind basic auth, read-only), /healthz,
 * /readyz (Redis, web database, ERP reachable) and /metrics. Every route answers only to the
 * configured host names.
 */
import type { Server } from 'node:http';
import express from 'express';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import { ConfigError, isLoopbackHost, type Config, type Logger } from '@mikrosync/core';
import type { ErpClient } from '@mikrosync/connectors/erp';
import type { WebPool } from '@mikrosync/connectors/web';
import type { QueueRegistry } from '@mikrosync/connectors/queue';
import { adminLoginOf, allowedHostsOnly, basicAuth, bearerTokenOf, roleOf, writesSameOrigin } from './guards.js';
import { createMetrics } from './metrics.js';
import { opsRouter } from './ops-routes.js';
import { consoleRouter } from './console-routes.js';
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
  app.use(allowedHostsOnly(config.http.allowedHosts));
  const isAdmin = adminLoginOf(config.http.adminUser, config.http.adminPassword);
  // Bull Board is the admin's only: operators and viewers use the status page.
  const auth = basicAuth(isAdmin);
  const who = roleOf(config.http);
  // On a loopback address only this machine reaches /readyz and /metrics; on any other, the
  // network does, and they must not describe the fleet's insides to it.
  const exposed = !isLoopbackHost(config.http.host);
  const metricsReader = bearerTokenOf(config.http.metricsToken);
  const loggedIn = (req: express.Request) => Boolean(config.http.adminUser && config.http.adminPassword) && isAdmin(req);

  // Read-only: Bull Board's retry, clean, add, pause and promote would move jobs past our
  // bookkeeping (outbox rows, dead-letter copies, the audit log). Its write routes answer 405;
  // the status page's audited actions do these jobs. The write guard stays as a second wall.
  const board = new ExpressAdapter();
  board.setBasePath('/admin/queues');
  createBullBoard({
    queues: queueNames.map((n) => new BullMQAdapter(queues.get(n), { readOnlyMode: true })),
    serverAdapter: board,
    options: { uiConfig: { miscLinks: [{ text: 'Durum / Status: yeniden kuyruk, duraklat / requeue, pause', url: '/status' }] } },
  });
  app.use('/admin/queues', auth, writesSameOrigin, board.getRouter());
  app.get('/', (_req, res) => res.redirect('/status'));
  const ops = { config, log: deps.log, web: deps.web, erp: deps.erp, queues, status: deps.status, sweep: deps.sweep, who };
  app.use(opsRouter(ops));
  app.use(consoleRouter(ops));

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (req, res) => {
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
    const status = ready ? 'ready' : waiting.length ? 'waiting' : 'not ready';
    // Error texts name hosts, databases and users: only for this machine or the admin.
    if (exposed && !loggedIn(req)) return void res.status(ready ? 200 : 503).json({ status });
    res.status(ready ? 200 : 503).json({ status, checks: results, ...(waiting.length ? { waiting } : {}) });
  });
  const metrics = createMetrics({ queues, queueNames, web: deps.web, prefix: config.redis.prefix, status: deps.status });
  app.get('/metrics', async (req, res) => {
    if (exposed && !metricsReader(req) && !loggedIn(req)) {
      res.setHeader('WWW-Authenticate', 'Bearer realm="mikrosync-metrics"');
      res.status(401).send('metrics need METRICS_TOKEN (Authorization: Bearer) or the admin login');
      return;
    }
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
    // Express 5 calls this back with the listen error too (a busy port): never report that as listening.
    const server = app.listen(port, host, (err?: Error) => {
      if (err) return reject(listenError(err, host, port));
      const addr = server.address();
      deps.log.info({ url: `http://${host}:${typeof addr === 'object' && addr ? addr.port : port}/admin/queues` }, 'HTTP server listening');
      resolve(server);
    });
  });
}

/** A port another process owns, or one we may not bind, is a configuration problem: name the variable. */
function listenError(err: Error, host: string, port: number): Error {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'EADDRINUSE') return new ConfigError(`HTTP_PORT: port ${port} on ${host} is already in use by another process; stop it or choose another HTTP_PORT`);
  if (code === 'EACCES') return new ConfigError(`HTTP_PORT: port ${port} on ${host} needs privileges this process lacks; choose a port above 1023`);
  if (code === 'EADDRNOTAVAIL') return new ConfigError(`HTTP_HOST: ${host} is not an address of this machine`);
  return err;
}
