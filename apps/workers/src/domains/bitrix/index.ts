/** Bitrix24 -> PostgreSQL: the `cycle` task (manifest: packages/core/src/domains/bitrix.ts). */
import type { DomainModule, TaskProcessor } from '../../jobs/types.js';
import { runBitrixCycle } from './cycle.js';

/**
 * The schedule is on by SCHEDULE_BITRIX alone; a shop without Bitrix24 gets a logged "skipped" run
 * instead of a dead letter every five minutes. A run asked for by hand still fails, naming the setting.
 */
const cycle: TaskProcessor = async (ctx, run) => {
  if (!ctx.config.bitrix.webhookUrl && run.job.data?.requestedBy === 'schedule') {
    ctx.log.warn('BITRIX_WEBHOOK_URL is not set: scheduled Bitrix24 cycle skipped (SCHEDULE_BITRIX=off turns the schedule off)');
    return { summary: 'skipped: BITRIX_WEBHOOK_URL is not set', rows: {} };
  }
  return runBitrixCycle(ctx, run);
};

export const bitrix: DomainModule = { domains: ['bitrix'], tasks: { cycle } };

export { closeBitrixTargets } from './runtime.js';
