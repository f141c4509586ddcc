/**
 * The heartbeat of a worker process: written every `WORKER_HEARTBEAT_MS` while every BullMQ worker
 * of the process runs, valid for three intervals, removed on a clean stop. `mikrosync health
 * --worker` (the container healthcheck) reads it; a hung event loop or a lost Redis stops it.
 */
import { hostname } from 'node:os';
import { removeHeartbeat, writeHeartbeat, type WorkerBeat } from '@mikrosync/connectors/queue';
import type { WorkerContext } from './context.js';

export interface Heartbeat {
  stop(): Promise<void>;
}

export function startHeartbeat(ctx: WorkerContext, domains: readonly string[], running: () => boolean): Heartbeat {
  const { config, log, redis } = ctx;
  const beat: WorkerBeat = { host: hostname(), pid: process.pid, domains: [...domains] };
  const everyMs = config.worker.heartbeatMs;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let current: Promise<void> = Promise.resolve();
  const tick = () => {
    current = (running() ? writeHeartbeat(redis, config.redis.prefix, beat, everyMs * 3) : Promise.resolve())
      .catch((err: unknown) => log.warn({ err }, 'worker heartbeat not written'))
      .finally(() => {
        if (!stopped) timer = setTimeout(tick, everyMs);
      });
  };
  tick();
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      // Bounded: with Redis away these commands would wait for it, and shutdown must not.
      await withinMs(2000, current.then(() => removeHeartbeat(redis, config.redis.prefix, beat)).catch(() => undefined));
    },
  };
}

function withinMs(ms: number, work: Promise<unknown>): Promise<unknown> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise((resolve) => {
    timer = setTimeout(resolve, ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
