/**
 * The entegra domain: task `sync` (scheduled every 10 minutes by config.schedules.entegra; `npm run
 * sync-entegra` runs it now) and the invoice_print write-back of entegra_order records.
 */
import { errorMessage } from '@mikrosync/core';
import { recordEntegraFailure } from '@mikrosync/connectors/entegra';
import type { DomainModule, TaskProcessor } from '../../jobs/types.js';
import { processInvoicePrint } from './invoice-print.js';
import { runEntegraSync } from './sync.js';

const sync: TaskProcessor = async (ctx, run) => {
  if (!ctx.config.entegra.dbPath && run.job.data?.requestedBy === 'schedule') {
    ctx.log.warn('ENTEGRA_DB_PATH is not set: scheduled Entegra sync skipped (SCHEDULE_ENTEGRA=off turns the schedule off)');
    return { summary: 'skipped: ENTEGRA_DB_PATH is not set', rows: {} };
  }
  try {
    return await runEntegraSync(ctx, { full: run.args.full === true || run.args.full === 'true', signal: run.signal, progress: run.progress });
  } catch (err) {
    await recordEntegraFailure(ctx.web, errorMessage(err)).catch(() => undefined);
    throw err;
  }
};

export const entegra: DomainModule = { domains: ['entegra'], tasks: { sync }, records: { entegra_order: processInvoicePrint } };
