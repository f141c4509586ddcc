/**
 * What a bitrix cycle works with: the REST client (fresh per cycle, so its log lines carry the
 * job), the shared limiter and the store. The target database is the web database unless
 * BITRIX_DATABASE_URL names another one, whose pool and migrations are set up once per process.
 */
import { PermanentError, says, type Config, type Logger } from '@mikrosync/core';
import { createWebPool, type WebPool } from '@mikrosync/connectors/web';
import { BitrixClient, BitrixLimiter, BitrixStore, migrateBitrixDatabase, parseWebhookUrl } from '@mikrosync/connectors/bitrix';
import type { WorkerContext } from '../../context.js';

export interface BitrixRuntime {
  client: BitrixClient;
  store: BitrixStore;
  /** Redis key prefix of this installation's bitrix keys. */
  keyPrefix: string;
}

const targets = new Map<string, Promise<WebPool>>();

function missingWebhook(): PermanentError {
  return new PermanentError('The bitrix cycle cannot run: BITRIX_WEBHOOK_URL is not set.', {
    says: says('err.settingMissing', { variable: 'BITRIX_WEBHOOK_URL' }),
    fix: 'set BITRIX_WEBHOOK_URL to the inbound webhook URL https://PORTAL/rest/USER_ID/CODE/ (created by a portal administrator, scopes crm, task, user, department) and restart the bitrix workers',
  });
}

async function targetPool(ctx: WorkerContext): Promise<WebPool> {
  const url = ctx.config.bitrix.databaseUrl;
  if (!url || url === ctx.config.web.url) return ctx.web;
  let pool = targets.get(url);
  if (!pool) {
    pool = (async () => {
      await migrateBitrixDatabase(url, ctx.log);
      return createWebPool({ ...ctx.config.web, url, poolMax: 4 }, 'mikrosync-bitrix');
    })();
    pool.catch(() => targets.delete(url));
    targets.set(url, pool);
  }
  return pool;
}

export async function bitrixRuntime(ctx: WorkerContext, log: Logger = ctx.log): Promise<BitrixRuntime> {
  const cfg: Config['bitrix'] = ctx.config.bitrix;
  if (!cfg.webhookUrl) throw missingWebhook();
  const webhook = parseWebhookUrl(cfg.webhookUrl);
  if (!webhook) throw missingWebhook();
  const limiter = new BitrixLimiter(ctx.redis, {
    prefix: ctx.config.redis.prefix,
    portal: webhook.portal,
    ratePerSecond: cfg.ratePerSecond,
    burst: cfg.burst,
    operatingLimitSeconds: cfg.operatingLimitSeconds,
  });
  const client = new BitrixClient({ webhook, limiter, log, timeoutMs: cfg.timeoutMs, retries: cfg.retries, retryBaseMs: cfg.retryBaseMs });
  return { client, store: new BitrixStore(await targetPool(ctx)), keyPrefix: `${ctx.config.redis.prefix}:bitrix:${webhook.portal}` };
}

/** Closes the pools of separate bitrix databases (tests, shutdown). */
export async function closeBitrixTargets(): Promise<void> {
  const pools = [...targets.values()];
  targets.clear();
  await Promise.allSettled(pools.map(async (p) => (await p).end()));
}
