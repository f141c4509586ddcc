/** The producer process: outbox relay, schedules and the HTTP server. */
import type { Server } from 'node:http';
import { DEAD_LETTER_QUEUE, DOMAINS, HOUSEKEEPING_QUEUE, queueForDomain, type Config, type Logger } from '@mikrosync/core';
import { createErpClient, type ErpClient } from '@mikrosync/connectors/erp';
import { createWebPool, type WebPool } from '@mikrosync/connectors/web';
import { createRedis, QueueRegistry } from '@mikrosync/connectors/queue';
import { OutboxRelay } from './outbox-relay.js';
import { applySchedules } from './schedules.js';
import { startHttpServer } from './http/server.js';
import { StatusService } from './status/status-service.js';
import { AlertMonitor } from './alerts/monitor.js';
import { configuredChannels } from './alerts/channels.js';
import { SummaryMailer } from './console/summary.js';

export interface RunningProducer {
  relay: OutboxRelay;
  server: Server | undefined;
  status: StatusService;
  web: WebPool;
  erp: ErpClient;
  queues: QueueRegistry;
  /** The daily summary e-mail (sends only when SMTP and SUMMARY_EMAIL_TIME are set). */
  mailer: SummaryMailer | undefined;
  close(): Promise<void>;
}

export const ALL_QUEUES = [...DOMAINS.map(queueForDomain), HOUSEKEEPING_QUEUE, DEAD_LETTER_QUEUE];

export interface ProducerOptions {
  http?: boolean;
  /**
   * A one-off command (`sweep`) relays the outbox only: no HTTP server, no alerts, and it never
   * touches the fleet's job schedulers, which only the long-running producer applies from its own
   * SCHEDULE_* settings.
   */
  oneOff?: boolean;
}

export async function startProducer(config: Config, log: Logger, opts: ProducerOptions = {}): Promise<RunningProducer> {
  const web = createWebPool(config.web, 'mikrosync-producer');
  const erp = createErpClient(config.erp);
  const redis = createRedis(config.redis);
  redis.on('error', (err) => log.debug({ err }, 'redis connection error'));
  const queues = new QueueRegistry(redis, { prefix: config.redis.prefix, attempts: config.worker.attempts, backoffMs: config.worker.backoffMs });
  const relay = new OutboxRelay(web, queues, config, log);
  if (!opts.oneOff) await applySchedules(queues, config, log);
  await relay.start();
  const status = new StatusService(config, web, queues);
  const channels = opts.oneOff ? [] : configuredChannels(config, log);
  const monitor = channels.length ? new AlertMonitor(config, log, status, { queues, web, erp }, channels) : undefined;
  monitor?.start();
  const mailer = opts.oneOff ? undefined : new SummaryMailer({ config, log, web, queues, status });
  mailer?.start();
  const server =
    opts.http === false || opts.oneOff
      ? undefined
      : await startHttpServer({ config, log, queues, queueNames: ALL_QUEUES, web, erp, status, sweep: () => relay.sweepNow() });
  return {
    relay,
    server,
    status,
    web,
    erp,
    queues,
    mailer,
    async close() {
      monitor?.stop();
      mailer?.stop();
      await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
      await relay.stop();
      await queues.close();
      await Promise.allSettled([web.end(), erp.close()]);
      redis.disconnect();
    },
  };
}
