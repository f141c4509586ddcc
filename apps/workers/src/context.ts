/** What a processor may use: connectors only, built once per process. */
import type { Config, Logger } from '@mikrosync/core';
import { createErpClient, type ErpClient } from '@mikrosync/connectors/erp';
import { createWebPool, type OutboxSettlement, type WebPool } from '@mikrosync/connectors/web';
import { createRedis, DeadLetterQueue, QueueRegistry, type RedisConnection } from '@mikrosync/connectors/queue';

export interface WorkerContext {
  config: Config;
  log: Logger;
  web: WebPool;
  erp: ErpClient;
  redis: RedisConnection;
  queues: QueueRegistry;
  dlq: DeadLetterQueue;
  /**
   * In a record job whose flow reads its outbox with the document: the events to settle, handed
   * to the flow's web read and web write so the job costs no web round trip of its own.
   */
  outbox?: OutboxSettlement;
  close(): Promise<void>;
}

export function createWorkerContext(config: Config, log: Logger): WorkerContext {
  const web = createWebPool(config.web, 'mikrosync-worker');
  const erp = createErpClient(config.erp);
  const redis = createRedis(config.redis);
  redis.on('error', (err) => log.debug({ err }, 'redis connection error'));
  const queues = new QueueRegistry(redis, { prefix: config.redis.prefix, attempts: config.worker.attempts, backoffMs: config.worker.backoffMs });
  const dlq = new DeadLetterQueue(queues);
  return {
    config,
    log,
    web,
    erp,
    redis,
    queues,
    dlq,
    async close() {
      await queues.close();
      await Promise.allSettled([web.end(), erp.close()]);
      redis.disconnect();
    },
  };
}
