/**
 * `mikrosync health`: the worker processes whose heartbeat is live. With `--worker`, only those of
 * this host (a container's own process, the Windows service's), exit 0 when one is alive, else 1:
 * the compose healthcheck of a worker service. Never waits for Redis longer than a few seconds.
 */
import { hostname } from 'node:os';
import { createRedis, liveWorkers, type LiveWorker } from '@mikrosync/connectors/queue';
import { boot } from '../runtime-config.js';

const REDIS_WAIT_MS = 5000;

export async function runHealth(opts: { worker?: boolean; domain?: string }): Promise<void> {
  const { config } = boot('mikrosync-health');
  const host = hostname();
  const redis = createRedis(config.redis, { maxRetriesPerRequest: 1, reconnect: false, connectTimeout: REDIS_WAIT_MS, lazyConnect: true });
  // The connection's own error (ECONNREFUSED, NOAUTH, ...) says more than the command's "Connection is closed".
  let connectionError: Error | undefined;
  redis.on('error', (err: Error) => (connectionError ??= err));
  let timer: NodeJS.Timeout | undefined;
  try {
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer from Redis within ${REDIS_WAIT_MS / 1000} s (REDIS_URL)`)), REDIS_WAIT_MS);
    });
    const all = await Promise.race([redis.connect().then(() => liveWorkers(redis, config.redis.prefix)), timeout]);
    const wanted = all.filter((w) => (!opts.worker || w.host === host) && (!opts.domain || w.domains.includes(opts.domain)));
    for (const w of wanted) process.stdout.write(`ok    ${describe(w)}\n`);
    if (wanted.length === 0) {
      const where = opts.worker ? ` on this host (${host})` : '';
      const which = opts.domain ? ` for domain ${opts.domain}` : '';
      process.stdout.write(`FAIL  no live worker heartbeat${where}${which} under queue prefix ${config.redis.prefix}\n`);
      process.exitCode = 1;
    }
  } catch (err) {
    const reason = connectionError?.message ?? (err instanceof Error ? err.message : String(err));
    process.stdout.write(`FAIL  redis (REDIS_URL): ${reason}\n`);
    process.exitCode = 1;
  } finally {
    clearTimeout(timer);
    redis.disconnect();
  }
}

function describe(w: LiveWorker): string {
  return `worker pid ${w.pid} on ${w.host} (${w.domains.join(', ')}), heartbeat valid ${Math.max(0, Math.round(w.validForMs / 1000))} s more`;
}
